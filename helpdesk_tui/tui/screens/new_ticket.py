"""`n`: log a phone or fax call fast, at 3 a.m., with the keyboard only.

Customer with search-as-you-type (a contact's phone finds the customer too), the
caller picked from the customer's known contacts or typed in, severity, channel and
kind (a fault, or a migration / defect-fix work order) one digit each, a title, a
description, and when the call came in (`-15m`, `02:40` or ISO 8601; blank is now).
ctrl+s creates the ticket through the services in a worker; a refusal is one line in
the form and nothing typed is lost.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import HelpdeskError, InvalidInput
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.domain.ticket_kind import TicketKind
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.tickets import NewTicket, new_ticket
from helpdesk_tui.store.models import ticket_key
from helpdesk_tui.store.search import ContactInfo, CustomerHit
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE

INTAKE_CHANNELS = (
    Channel.PHONE,
    Channel.FAX,
    Channel.EMAIL,
    Channel.MONITORING,
    Channel.VISIT,
    Channel.SURVEY,
    Channel.PROACTIVE,
)
CUSTOMER_HITS = 8


# -- when the call came in ----------------------------------------------------

_AGO = re.compile(r"^-\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:m|min)?)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DAY_CLOCK = re.compile(r"^(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})$")


class BadTime(InvalidInput):
    """`kind` is `format` or `future`; the form says it in the user's language."""

    def __init__(self, kind: str, text: str, when: datetime | None = None) -> None:
        super().__init__(f"reported-at {text!r}: {kind}")
        self.kind, self.text, self.when = kind, text, when


def parse_reported_at(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """Blank is now (None); `-15m`, `-2h`, `-1h30m`, `-20` (minutes) ago; `HH:MM` today
    and `MM-DD HH:MM` this year in the desk's zone; or ISO 8601 (no offset: the desk's
    zone). Full-width digits and colons from a Chinese input method are fine. Never in
    the future."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        return None
    local_now = now.astimezone(zone)
    when: datetime | None = None
    if (ago := _AGO.match(raw)) and (ago.group(1) or ago.group(2)):
        hours, minutes = int(ago.group(1) or 0), int(ago.group(2) or 0)
        when = now - timedelta(hours=hours, minutes=minutes)
    elif clock := _CLOCK.match(raw):
        hour, minute, second = (int(g or 0) for g in clock.groups())
        when = _local(local_now, local_now.month, local_now.day, hour, minute, second, raw)
    elif day_clock := _DAY_CLOCK.match(raw):
        month, day, hour, minute = (int(g) for g in day_clock.groups())
        when = _local(local_now, month, day, hour, minute, 0, raw)
    else:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise BadTime("format", raw) from None
        when = parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed
    if when > now:
        raise BadTime("future", raw, when)
    return when


def _local(
    now: datetime, month: int, day: int, hour: int, minute: int, second: int, raw: str
) -> datetime:
    try:
        return now.replace(
            month=month, day=day, hour=hour, minute=minute, second=second, microsecond=0
        )
    except ValueError:
        raise BadTime("format", raw) from None


# -- a row of choices, one digit each -----------------------------------------


class ChoiceStrip(Widget, can_focus=True):
    """Options side by side: a digit picks one, left/right move; wraps on narrow screens.
    Stray letters are swallowed so that nothing typed here reaches the console's keys."""

    DEFAULT_CSS = """
    ChoiceStrip { width: 1fr; height: auto; }
    ChoiceStrip:focus { background: $accent 25%; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("left,h", "move(-1)", "Previous", show=False, id="intake.choice_previous"),
        Binding("right,l", "move(1)", "Next", show=False, id="intake.choice_next"),
        *(
            Binding(str(n), f"choose({n - 1})", f"Choice {n}", show=False, id=f"intake.choice_{n}")
            for n in range(1, 10)
        ),
    ]
    _PASS_THROUGH = frozenset({"h", "l", "question_mark", *map(str, range(1, 10))})

    index: reactive[int] = reactive(0)

    def __init__(self, options: list[tuple[str, str, str]], value: str, *, id: str) -> None:
        """`options` are (value, label, style of the chosen one)."""
        super().__init__(id=id)
        self.options = options
        self._boxes: list[tuple[int, int, int, int]] = []  # line, start, end, index
        self.set_reactive(ChoiceStrip.index, [o[0] for o in options].index(value))

    @property
    def value(self) -> str:
        return self.options[self.index][0]

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.options)

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self.options):
            self.index = index

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.key not in self._PASS_THROUGH:
            event.stop()
            event.prevent_default()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for line, start, end, index in self._boxes:
            if line == offset.y and start <= offset.x < end:
                self.index = index

    def _labels(self) -> list[str]:
        return [f" {n} {label} " for n, (_v, label, _s) in enumerate(self.options, 1)]

    def _lines(self, width: int) -> list[list[int]]:
        lines: list[list[int]] = [[]]
        used = 0
        for index, label in enumerate(self._labels()):
            size = cell_len(label) + 1
            if lines[-1] and used + size > width + 1:
                lines.append([])
                used = 0
            lines[-1].append(index)
            used += size
        return lines

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return sum(cell_len(label) + 1 for label in self._labels()) - 1

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        labels = self._labels()
        text = Text(no_wrap=True, overflow="crop")
        self._boxes = []
        for row, line in enumerate(self._lines(self.content_size.width or 200)):
            if row:
                text.append("\n")
            x = 0
            for index in line:
                label = labels[index]
                if index == self.index:
                    text.append(label, style=f"{self.options[index][2]} reverse")
                else:
                    text.append(f" {index + 1}", style="dim")
                    text.append(f" {self.options[index][1]} ")
                self._boxes.append((row, x, x + cell_len(label), index))
                x += cell_len(label)
                text.append(" ")
                x += 1
        return text


# -- lookup inputs: the customer, the contact ---------------------------------


class LookupInput(Input):
    """An input with a list of matches under it: up/down choose, tab or enter picks."""

    BINDINGS = [  # noqa: RUF012
        Binding("down", "pick_move(1)", "Next match", show=False, id="intake.down"),
        Binding("up", "pick_move(-1)", "Previous match", show=False, id="intake.up"),
        Binding("tab", "pick_and_next", "Pick", show=False, id="intake.pick"),
    ]

    def action_pick_move(self, step: int) -> None:
        screen = self.screen
        if isinstance(screen, NewTicketScreen):
            screen.move_pick(self, step)

    def action_pick_and_next(self) -> None:
        screen = self.screen
        if isinstance(screen, NewTicketScreen):
            screen.pick(self)
        self.screen.focus_next()


class _Problem(Exception):
    """Something the form itself can tell, in the user's language, and where."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def _marked(text: str, words: list[str]) -> Text:
    """Outside text, literally, with the typed words underlined."""
    shown = Text(one_line(text))
    folded = shown.plain.casefold()
    for word in words:
        start = folded.find(word.casefold())
        if word and start >= 0:
            shown.stylize("bold underline", start, start + len(word))
    return shown


class NewTicketScreen(ModalScreen[int | None]):
    """Returns the new ticket's id, or None when cancelled."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012

    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "submit", "Submit", priority=True, id="intake.submit"),
        Binding("escape", "cancel", "Back", id="intake.back"),
    ]

    DEFAULT_CSS = """
    NewTicketScreen { align: center middle; }
    NewTicketScreen #intake {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    NewTicketScreen.-wide #intake { width: 100; }
    NewTicketScreen .intake-row { height: auto; margin-top: 1; }
    NewTicketScreen.-short .intake-row { margin-top: 0; }
    NewTicketScreen .intake-label { width: 12; color: $text-muted; }
    NewTicketScreen Input { width: 1fr; background: $boost; }
    NewTicketScreen Input:focus { background: $accent 30%; }
    NewTicketScreen TextArea { height: 3; background: $boost; }
    NewTicketScreen.-tall TextArea { height: 6; }
    NewTicketScreen TextArea:focus { background: $accent 15%; }
    NewTicketScreen .intake-picks {
        display: none;
        height: auto;
        max-height: 5;
        margin-left: 12;
        border: none;
        padding: 0;
        background: $panel;
    }
    NewTicketScreen.-tall .intake-picks { max-height: 8; }
    NewTicketScreen .intake-picks.-shown { display: block; }
    NewTicketScreen #intake-when { width: auto; min-width: 14; padding-left: 1; }
    NewTicketScreen #intake-when { color: $text-muted; }
    NewTicketScreen #intake-when.-bad { color: $error; }
    NewTicketScreen #intake-error { color: $error; height: auto; margin-top: 1; }
    NewTicketScreen #intake-error.-empty { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[CustomerHit] = []
        self._hits_for = ""  # what was typed when the matches shown were found
        self._picked: CustomerHit | None = None
        self._contacts: list[ContactInfo] = []
        self._shown_contacts: list[ContactInfo] = []
        self._submitting = False

    @property
    def texts(self) -> Texts:
        return self.app.texts

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t = self.texts
        severities = [(s.value, t.severity(s.value), SEVERITY_STYLE[s.value]) for s in Severity]
        channels = [(c.value, t.channel(c.value), "bold") for c in INTAKE_CHANNELS]
        kinds = [(k.value, t.ticket_kind(k.value), "bold") for k in TicketKind]
        with Vertical(id="intake"):
            with Horizontal(classes="intake-row"):
                yield Label(t("form.customer") + " *", classes="intake-label")
                yield LookupInput(
                    placeholder=t("intake.customer_placeholder"),
                    id="intake-customer",
                    compact=True,
                )
            yield OptionList(id="customer-picks", classes="intake-picks", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(t("intake.contact"), classes="intake-label")
                yield LookupInput(
                    placeholder=t("intake.contact_placeholder"), id="intake-contact", compact=True
                )
            yield OptionList(id="contact-picks", classes="intake-picks", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(t("form.severity"), classes="intake-label")
                yield ChoiceStrip(severities, Severity.MEDIUM.value, id="intake-severity")
            with Horizontal(classes="intake-row"):
                yield Label(t("form.channel"), classes="intake-label")
                yield ChoiceStrip(channels, Channel.PHONE.value, id="intake-channel")
            with Horizontal(classes="intake-row"):
                yield Label(t("form.kind"), classes="intake-label")
                yield ChoiceStrip(kinds, TicketKind.FAULT.value, id="intake-kind")
            with Horizontal(classes="intake-row"):
                yield Label(t("form.title") + " *", classes="intake-label")
                yield Input(id="intake-title", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(t("form.description"), classes="intake-label")
                yield TextArea(id="intake-description", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(t("intake.reported"), classes="intake-label")
                yield Input(
                    placeholder=t("intake.reported_placeholder"), id="intake-reported", compact=True
                )
                yield Label(t("intake.now"), id="intake-when")
            yield Label("", id="intake-error", classes="-empty")

    def on_mount(self) -> None:
        box = self.query_one("#intake")
        box.border_title = self.texts("form.new_title")
        box.border_subtitle = self.texts("intake.hint")
        for picks in self.query(".intake-picks").results(OptionList):
            picks.can_focus = False
        self.query_one("#intake-customer", Input).focus()

    # -- the matches under the customer and contact inputs -------------------

    def _picks_for(self, widget: Input) -> OptionList | None:
        if widget.id == "intake-customer":
            return self.query_one("#customer-picks", OptionList)
        if widget.id == "intake-contact":
            return self.query_one("#contact-picks", OptionList)
        return None

    def _show_picks(self, owner: str, options: list[Option]) -> None:
        """Fill the list under the input `owner`; it shows only while that input has focus.

        With something typed the best match is highlighted, so tab or enter takes it; an
        empty (optional) contact is left alone until up/down choose one of the list."""
        picks = self.query_one(f"#{owner.removeprefix('intake-')}-picks", OptionList)
        picks.clear_options()
        picks.add_options(options)
        focused = self.focused is not None and self.focused.id == owner
        picks.set_class(bool(options) and focused, "-shown")
        typed = self.query_one(f"#{owner}", Input).value.strip()
        if options and not options[0].disabled and typed:
            picks.highlighted = 0

    def _hide_picks(self, picks: OptionList) -> None:
        picks.remove_class("-shown")

    def move_pick(self, widget: Input, step: int) -> None:
        picks = self._picks_for(widget)
        if picks is None or not picks.has_class("-shown") or not picks.option_count:
            return
        if step > 0:
            picks.action_cursor_down()
        else:
            picks.action_cursor_up()

    def pick(self, widget: Input) -> bool:
        """Take the highlighted match, if the list is showing; True if one was taken."""
        picks = self._picks_for(widget)
        if picks is None or not picks.has_class("-shown") or picks.highlighted is None:
            return False
        self._take(picks, picks.highlighted)
        return True

    def _take(self, picks: OptionList, index: int) -> None:
        if picks.id == "customer-picks":
            typed = self.query_one("#intake-customer", Input).value
            if index < len(self._hits) and self._hits_for == typed:  # never a stale match
                self._pick_customer(self._hits[index])
        elif index < len(self._shown_contacts):
            contact = self._shown_contacts[index]
            self._set_value("#intake-contact", contact.name)
        self._hide_picks(picks)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(event.option_list, event.option_index)

    def _set_value(self, selector: str, value: str) -> None:
        widget = self.query_one(selector, Input)
        with widget.prevent(Input.Changed):
            widget.value = value
        widget.cursor_position = len(value)

    def _pick_customer(self, hit: CustomerHit) -> None:
        self._picked = hit
        self._set_value("#intake-customer", hit.name)
        contact = self.query_one("#intake-contact", Input)
        if hit.contact and not contact.value.strip():
            self._set_value("#intake-contact", hit.contact)
        self._contacts = []
        self._load_contacts(hit.id)

    @work(thread=True, exclusive=True, group="intake-contacts")
    def _load_contacts(self, customer_id: int) -> None:
        contacts = self.app.reader.contacts(customer_id)
        self.app.call_from_thread(self._got_contacts, customer_id, contacts)

    def _got_contacts(self, customer_id: int, contacts: list[ContactInfo]) -> None:
        if self._picked is not None and self._picked.id == customer_id:
            self._contacts = contacts
            if self.focused is self.query_one("#intake-contact"):
                self._filter_contacts()

    def _filter_contacts(self) -> None:
        typed = self.query_one("#intake-contact", Input).value.strip()
        folded = typed.casefold()
        matching = [
            c
            for c in self._contacts
            if folded in f"{c.name}\n{c.phone}\n{c.email}".casefold() and c.name != typed
        ]
        self._shown_contacts = matching
        options = []
        for contact in matching:
            prompt = _marked(contact.name, [typed])
            details = "  ".join(one_line(x) for x in (contact.phone, contact.email) if x)
            prompt.append(f"  {details}", style="dim")
            options.append(Option(prompt))
        self._show_picks("intake-contact", options)

    @work(thread=True, exclusive=True, group="intake-customers")
    def _search_customers(self, typed: str) -> None:
        hits = self.app.reader.customer_hits(typed, CUSTOMER_HITS)
        self.app.call_from_thread(self._got_customers, typed, hits)

    def _got_customers(self, typed: str, hits: list[CustomerHit]) -> None:
        if self.query_one("#intake-customer", Input).value != typed or self._picked:
            return  # typed on meanwhile: a newer search is coming
        self._hits, self._hits_for = hits, typed
        words = typed.split()
        options = []
        for hit in hits:
            prompt = _marked(hit.name, words)
            if hit.contact:
                prompt.append("  " + self.texts("intake.via_contact", name=one_line(hit.contact)))
                prompt.stylize("dim", len(one_line(hit.name)))
            options.append(Option(prompt))
        if not hits:
            options = [Option(Text(self.texts("intake.no_match"), style="italic"), disabled=True)]
        self._show_picks("intake-customer", options)

    def on_input_changed(self, event: Input.Changed) -> None:
        widget_id = event.input.id
        if widget_id == "intake-customer":
            if self._picked is not None and event.value != self._picked.name:
                self._picked, self._contacts = None, []
            if self._picked is None and event.value.strip():
                self._search_customers(event.value)
            else:
                self._hide_picks(self.query_one("#customer-picks", OptionList))
        elif widget_id == "intake-contact":
            self._filter_contacts()
        elif widget_id == "intake-reported":
            self._preview_time(event.value)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for picks in self.query(".intake-picks").results(OptionList):
            self._hide_picks(picks)
        if event.widget.id == "intake-contact":
            self._filter_contacts()
        elif event.widget.id == "intake-customer" and not self._picked:
            value = self.query_one("#intake-customer", Input).value
            if value.strip():
                self._search_customers(value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "intake-reported":
            self.action_submit()
            return
        self.pick(event.input)
        self.focus_next()

    # -- reported at ----------------------------------------------------------

    def _preview_time(self, text: str) -> None:
        label = self.query_one("#intake-when", Label)
        desk = self.app.desk
        try:
            when = parse_reported_at(text, desk.now(), desk.zone)
        except BadTime as problem:
            label.update("?" if problem.kind == "format" else self.texts("intake.in_future"))
            label.add_class("-bad")
            return
        label.remove_class("-bad")
        if when is None:
            label.update(self.texts("intake.now"))
        else:
            label.update("→ " + when.astimezone(desk.zone).strftime("%m-%d %H:%M"))

    # -- submit ---------------------------------------------------------------

    def _request(self) -> NewTicket:
        t, desk = self.texts, self.app.desk
        customer = self.query_one("#intake-customer", Input).value.strip()
        title = self.query_one("#intake-title", Input).value.strip()
        if not customer:
            raise _Problem(t("intake.no_customer"), "#intake-customer")
        if not title:
            raise _Problem(t("intake.no_title"), "#intake-title")
        typed_time = self.query_one("#intake-reported", Input).value
        try:
            reported_at = parse_reported_at(typed_time, desk.now(), desk.zone)
        except BadTime as problem:
            if problem.kind == "future" and problem.when is not None:
                shown = problem.when.astimezone(desk.zone).strftime("%Y-%m-%d %H:%M")
                raise _Problem(t("intake.future", time=shown), "#intake-reported") from None
            raise _Problem(t("intake.bad_time", text=problem.text), "#intake-reported") from None
        picked = self._picked
        return NewTicket(
            customer=str(picked.id) if picked and picked.name == customer else customer,
            title=title,
            severity=Severity(self.query_one("#intake-severity", ChoiceStrip).value),
            channel=Channel(self.query_one("#intake-channel", ChoiceStrip).value),
            description=self.query_one("#intake-description", TextArea).text,
            contact=self.query_one("#intake-contact", Input).value.strip(),
            reported_at=reported_at,
            kind=TicketKind(self.query_one("#intake-kind", ChoiceStrip).value),
        )

    def action_submit(self) -> None:
        if self._submitting:
            return
        try:
            request = self._request()
        except _Problem as problem:
            self._show_error(problem.message)
            self.query_one(problem.field).focus()
            return
        self._submitting = True
        self._show_error("")
        self._save(request)

    @work(thread=True, exclusive=True, group="intake-save")
    def _save(self, request: NewTicket) -> None:
        app = self.app
        try:
            ticket = new_ticket(app.desk, request)
        except HelpdeskError as error:
            app.call_from_thread(self._refused, str(error))
        except Exception as error:  # the database is away or locked: keep what was typed
            app.log.error(f"new ticket failed: {error!r}")
            app.call_from_thread(self._refused, self.texts("intake.failed", error=str(error)))
        else:
            app.call_from_thread(self._created, ticket.id)

    def _refused(self, message: str) -> None:
        self._submitting = False
        self._show_error(message)

    def _created(self, ticket_id: int) -> None:
        self.app.notify(self.texts("message.created", key=ticket_key(ticket_id)), markup=False)
        self.dismiss(ticket_id)

    def _show_error(self, message: str) -> None:
        error = self.query_one("#intake-error", Label)
        error.update(Text(one_line(message)))
        error.set_class(not message, "-empty")

    @property
    def error_text(self) -> str:
        """The error line as shown (for tests and the help screen)."""
        return str(self.query_one("#intake-error", Label).content)

    def action_cancel(self) -> None:
        for picks in self.query(".intake-picks.-shown").results(OptionList):
            self._hide_picks(picks)
            return  # the first esc closes the list of matches
        self.dismiss(None)
