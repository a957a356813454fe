"""Training sessions as iCalendar (RFC 5545), both ways, without touching the database.

Writing: one VEVENT per session with its instants in UTC (`DTSTART:20261207T010000Z`). The
desk stores UTC, UTC needs no VTIMEZONE (which would have to be right for every zone and
every year), and Outlook, Thunderbird and DingTalk show UTC in the reader's own zone.
X-HELPDESK-* properties carry what iCalendar has no slot for, so a file we wrote reads back
into the same sessions; SUMMARY, DESCRIPTION, LOCATION, STATUS and CATEGORIES are for people.

Reading: each VEVENT becomes a `ReadEvent` or a `Skipped` with its reason; a file that is
not a calendar at all is refused whole (InvalidInput).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from helpdesk_tui.domain import limits
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.training import (
    TRAINING_DAY,
    Audience,
    Category,
    Medium,
    Mode,
    SessionStatus,
    check_outcome,
    session_end,
)
from helpdesk_tui.services.training import SessionFields
from helpdesk_tui.store.models import TrainingMaterial, TrainingSession

PRODID = "-//helpdesk_tui//training sessions//EN"
MAX_BYTES = 5 * 1024 * 1024
DAY_STARTS = time(9)  # an all-day event is a training day from 09:00 local
X = "X-HELPDESK-"
LANGUAGE_TAGS = {"zh": "zh-CN", "en": "en"}
TO_ICS_STATUS = {
    SessionStatus.PROPOSED: "TENTATIVE",
    SessionStatus.AGREED: "CONFIRMED",
    SessionStatus.DONE: "CONFIRMED",
    SessionStatus.CANCELLED: "CANCELLED",
}
FROM_ICS_STATUS = {
    "TENTATIVE": SessionStatus.PROPOSED,
    "CONFIRMED": SessionStatus.AGREED,
    "CANCELLED": SessionStatus.CANCELLED,
}
LABELS = {
    "zh": {"training": "培训", "category": "类别", "audience": "对象", "trainees": "学员",
           "mode": "方式", "trainers": "讲师", "materials": "资料", "status": "状态",
           "attended": "到场", "feedback": "评分", "people": "{count} 人", "ready": "已备好",
           "not_ready": "未备好", "list": "、", "comma": "，", "state": "{medium}（{state}）"},
    "en": {"training": "Training", "category": "Category", "audience": "Audience",
           "trainees": "Trainees", "mode": "Mode", "trainers": "Trainers",
           "materials": "Materials", "status": "Status", "attended": "Attended",
           "feedback": "Feedback", "people": "{count} people", "ready": "ready",
           "not_ready": "not ready", "list": ", ", "comma": ", ",
           "state": "{medium} ({state})"},
}  # fmt: skip


@dataclass(frozen=True)
class Person:
    login: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class SessionFacts:
    """A session and what the calendar says around it."""

    training: TrainingSession
    materials: tuple[TrainingMaterial, ...] = ()
    trainers: tuple[Person, ...] = ()  # those with an e-mail address become ATTENDEEs
    organizer: Person | None = None  # e.g. the customer's account manager


@dataclass(frozen=True)
class Outcome:
    attended: int
    feedback: float | None
    notes: str


@dataclass(frozen=True)
class ReadEvent:
    session: SessionFields
    outcome: Outcome | None
    sequence: int | None
    ours: bool  # written by helpdesk_tui, so its SEQUENCE is the session's version


@dataclass(frozen=True)
class Skipped:
    uid: str
    title: str
    reason: str


# -- writing ---------------------------------------------------------------------------------


def write_calendar(name: str, sessions: Iterable[SessionFacts], stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))
    for facts in sessions:
        calendar.add_component(_event(facts, stamp.astimezone(UTC)))
    return calendar.to_ical()


def _event(facts: SessionFacts, stamp: datetime) -> Event:
    training = facts.training
    language = {"LANGUAGE": LANGUAGE_TAGS.get(training.language, training.language)}
    event = Event()
    event.add("uid", training.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", training.start_at.astimezone(UTC))
    event.add("dtend", training.end_at.astimezone(UTC))
    event.add("sequence", training.version or 0)
    event.add("summary", training.title, parameters=language)
    event.add("description", _description(facts), parameters=language)
    if training.place:
        event.add("location", training.place)
    event.add("status", TO_ICS_STATUS[SessionStatus(training.status)])
    event.add("categories", _categories(training))
    _add_people(event, facts)
    for name, value in _extras(facts).items():
        if value or name == "MATERIALS":  # an empty list of materials says "none"
            event.add(X + name, vText(value))
    return event


def _shown(member: Category | Audience | Mode | SessionStatus | Medium, language: str) -> str:
    return member.zh if language == "zh" else member.value.replace("_", " ")


def _categories(training: TrainingSession) -> list[str]:
    lang = training.language
    kinds = (Category(training.category), Audience(training.audience), Mode(training.mode))
    return [_labels(lang)["training"], *(_shown(kind, lang) for kind in kinds)]


def _labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def _description(facts: SessionFacts) -> str:
    training, lang = facts.training, facts.training.language
    say = _labels(lang)
    colon = "：" if lang == "zh" else ": "
    trainees = [n for n in training.trainees.splitlines() if n]
    trainers = [p.name or p.login for p in facts.trainers] or training.trainers.split(",")
    materials = [
        say["state"].format(medium=_shown(Medium(m.medium), lang),
                            state=say["ready"] if m.ready else say["not_ready"])
        for m in facts.materials
    ]  # fmt: skip
    lines = [
        (say["category"], _shown(Category(training.category), lang)),
        (say["audience"], _shown(Audience(training.audience), lang) + say["comma"]
                          + say["people"].format(count=training.trainee_count)),
        (say["trainees"], say["list"].join(trainees)),
        (say["mode"], _shown(Mode(training.mode), lang)),
        (say["trainers"], say["list"].join(trainers)),
        (say["materials"], say["list"].join(materials)),
        (say["status"], _shown(SessionStatus(training.status), lang)),
        (say["attended"], "" if training.attended is None else str(training.attended)),
        (say["feedback"], "" if training.feedback is None else f"{training.feedback:g}"),
    ]  # fmt: skip
    return "\n".join(f"{label}{colon}{value}" for label, value in lines if value)


def _add_people(event: Event, facts: SessionFacts) -> None:
    """Only addresses the desk knows: nobody gets an invented e-mail address."""
    if facts.organizer and _mail_address(facts.organizer.email):
        event.add("organizer", _address(facts.organizer))
    for trainer in facts.trainers:
        if _mail_address(trainer.email):
            address = _address(trainer)
            address.params["ROLE"] = "REQ-PARTICIPANT"
            event.add("attendee", address)


def _mail_address(email: str) -> bool:
    return bool(re.fullmatch(r"[^@\s:;,\"]+@[^@\s:;,\"]+", email or ""))


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name or person.login
    return address


def _extras(facts: SessionFacts) -> dict[str, str]:
    training = facts.training
    extras = {
        "CATEGORY": training.category,
        "AUDIENCE": training.audience,
        "MODE": training.mode,
        "STATUS": training.status,
        "LANGUAGE": training.language,
        "TRAINERS": training.trainers,
        "TRAINEE-COUNT": str(training.trainee_count),
        "TRAINEES": training.trainees,
        "MATERIALS": ",".join(m.medium for m in facts.materials),
    }
    if training.attended is not None:
        extras["ATTENDED"] = str(training.attended)
    if training.feedback is not None:
        extras["FEEDBACK"] = repr(training.feedback)
    if training.feedback_notes:
        extras["FEEDBACK-NOTES"] = training.feedback_notes
    return extras


# -- reading ---------------------------------------------------------------------------------


def read_calendar(
    data: bytes, *, plan_id: int, zone: ZoneInfo, trainers: tuple[str, ...] = ()
) -> tuple[list[ReadEvent], list[Skipped]]:
    """The file's events as sessions of `plan_id`; floating and all-day times are read in
    `zone`; `trainers` teach the events that name none."""
    events = parse_calendar(data).walk("VEVENT")
    if not events:
        raise InvalidInput("the calendar has no events (VEVENT): nothing to import")
    read: list[ReadEvent] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for event in events:
        uid, title = _text(event, "UID"), _text(event, "SUMMARY")
        try:
            if uid in seen:
                raise InvalidInput(f"UID {uid!r} appears earlier in the file")
            read.append(_read_event(event, plan_id, zone, trainers))
            seen.add(uid)
        except InvalidInput as error:
            skipped.append(Skipped(uid, title, str(error)))
    return read, skipped


def parse_calendar(data: bytes) -> Calendar:
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"the file is too big ({len(data) / 2**20:.1f} MB, at most 5 MB)")
    if not data.strip():
        raise InvalidInput("the file is empty")
    text = _decoded(data)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise InvalidInput("not an iCalendar file: it does not begin with BEGIN:VCALENDAR")
    try:
        calendar = Calendar.from_ical(text)
    except Exception as error:  # whatever the parser trips on, the file is unreadable
        detail = " ".join(str(error).split())[:200]
        raise InvalidInput(f"not a readable iCalendar file: {detail}") from None
    if calendar.name != "VCALENDAR":
        raise InvalidInput("not an iCalendar file: no VCALENDAR")
    return calendar


_FOLD = re.compile(rb"\r?\n[ \t]")


def _decoded(data: bytes) -> str:
    # Unfold before decoding: some writers fold long lines inside a multi-byte character.
    data = _FOLD.sub(b"", data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # RFC 5545 says UTF-8; older Chinese Windows programs write the ANSI code page.
        return data.decode("gb18030", errors="replace")


def _read_event(event: Event, plan_id: int, zone: ZoneInfo, default_trainers) -> ReadEvent:
    uid = _text(event, "UID")
    if not uid:
        raise InvalidInput("the event has no UID")
    if any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
        raise InvalidInput("repeating events (RRULE, RDATE, RECURRENCE-ID) are not imported")
    start, end = _period(event, zone)
    names = tuple(n.strip() for n in _text(event, X + "TRAINEES").splitlines() if n.strip())
    fields = {
        "plan_id": plan_id, "uid": uid, "title": _text(event, "SUMMARY"),
        "start_at": start, "end_at": end, "trainers": _trainers(event, default_trainers),
        "category": _choice(event, Category, Category.OPERATION),
        "audience": _choice(event, Audience, Audience.USERS),
        "mode": _choice(event, Mode, Mode.CLASSROOM), "place": _text(event, "LOCATION"),
        "trainees": names, "trainee_count": _whole(event, "TRAINEE-COUNT", len(names)),
        "status": _status(event), "language": _language(event),
    }  # fmt: skip
    if X + "MATERIALS" in event:
        fields["materials"] = _materials(_text(event, X + "MATERIALS"))
    session = SessionFields(**fields)
    sequence = _whole(event, "SEQUENCE", None, prefix="")
    return ReadEvent(session, _outcome(event, session), sequence, X + "STATUS" in event)


def _period(event: Event, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = _when(event, "DTSTART", zone)
    if start is None:
        raise InvalidInput("the event has no DTSTART")
    end = _when(event, "DTEND", zone)
    if end is None and "DURATION" in event:
        end = start + _duration(event)
    if isinstance(start, datetime):
        if end is not None and not isinstance(end, datetime):
            raise InvalidInput("DTSTART is a time but DTEND a date")
        return start, session_end(start, end)
    if isinstance(end, datetime):
        raise InvalidInput("DTSTART is a date but DTEND a time")
    days = 1 if end is None else (end - start).days  # DTEND of an all-day event is exclusive
    if days < 1:
        raise InvalidInput("a training session must end after it starts")
    first = datetime.combine(start, DAY_STARTS, zone)
    last = datetime.combine(start + timedelta(days=days - 1), DAY_STARTS, zone)
    return first.astimezone(UTC), session_end(first, last + TRAINING_DAY).astimezone(UTC)


def _when(event: Event, name: str, zone: ZoneInfo) -> date | datetime | None:
    """A DATE, or a DATE-TIME in UTC; a floating time is local to `zone`."""
    if name not in event:
        return None
    prop = event[name]
    if isinstance(prop, list):
        raise InvalidInput(f"{name} appears more than once")
    value = _typed(prop)
    if not isinstance(value, date):
        raise InvalidInput(f"{name} is not a date or a time")
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        tzid = prop.params.get("TZID")
        if tzid:
            raise InvalidInput(f"{name}: unknown time zone {tzid!r} and no VTIMEZONE for it")
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _typed(prop) -> object:
    """The value of a date, time or duration property; None if it was unreadable."""
    try:
        return getattr(prop, "dt", None)
    except ValueError:  # icalendar keeps a broken value and complains when it is used
        return None


def _duration(event: Event) -> timedelta:
    value = _typed(event["DURATION"])
    if not isinstance(value, timedelta):
        raise InvalidInput("DURATION is not a duration")
    return value


def _text(event: Event, name: str) -> str:
    """A TEXT property as written: X- properties arrive raw, so unescape them here."""
    value = event.get(name)
    if isinstance(value, list):
        value = value[0]
    if value is None:
        return ""
    if isinstance(value, vText):
        return str(value)
    return _unescape(str(value))


_ESCAPED = re.compile(r"\\([\\;,nN])")


def _unescape(raw: str) -> str:
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def _trainers(event: Event, default: tuple[str, ...]) -> tuple[str, ...]:
    named = tuple(
        dict.fromkeys(t.strip() for t in _text(event, X + "TRAINERS").split(",") if t.strip())
    )
    if not (named or default):
        raise InvalidInput(f"the event names no trainer ({X}TRAINERS): give a default trainer")
    return named or default


def _choice(event: Event, kind, default):
    """Ours says it in an X- property; other programs may have put it among CATEGORIES."""
    own = _text(event, X + kind.__name__.upper())
    if own:
        return kind.parse(own)
    for word in _category_words(event):
        try:
            return kind.parse(word)
        except InvalidInput:
            continue
    return default


def _category_words(event: Event) -> list[str]:
    found = event.get("CATEGORIES")
    props = found if isinstance(found, list) else [found] if found is not None else []
    return [str(word) for prop in props for word in getattr(prop, "cats", [])]


def _whole(event: Event, name: str, default: int | None, prefix: str = X) -> int | None:
    text = _text(event, prefix + name).strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{prefix}{name}: expected a whole number, got {text[:40]!r}") from None


def _status(event: Event) -> SessionStatus:
    own = _text(event, X + "STATUS")
    if own:
        return SessionStatus.parse(own)
    return FROM_ICS_STATUS.get(_text(event, "STATUS").upper(), SessionStatus.PROPOSED)


def _language(event: Event) -> str:
    own = _text(event, X + "LANGUAGE")
    if own:
        return own
    summary = event.get("SUMMARY")
    tag = str(getattr(summary, "params", {}).get("LANGUAGE", "")).lower()
    return "en" if tag.startswith("en") else "zh"  # the seed teaches in Chinese (中文授课)


def _materials(text: str) -> tuple[Medium, ...]:
    media = [Medium.parse(word) for word in text.split(",") if word.strip()]
    return tuple(dict.fromkeys(media))


def _outcome(event: Event, session: SessionFields) -> Outcome | None:
    attended = _whole(event, "ATTENDED", None)
    if attended is None:
        return None
    if session.status is not SessionStatus.DONE:
        raise InvalidInput(f"{X}ATTENDED is an outcome, but the session is not done")
    feedback = _number(_text(event, X + "FEEDBACK"))
    check_outcome(attended, session.trainee_count or 0, feedback)
    notes = limits.bounded_text(_text(event, X + "FEEDBACK-NOTES"), "feedback notes",
                                limits.TEXT_MAX)  # fmt: skip
    return Outcome(attended, feedback, notes)


def _number(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{X}FEEDBACK: expected a score, got {text[:40]!r}") from None
