"""Small modal forms: a few fields, ctrl+s submits, esc cancels. And a choice list.

Yes/no fields are check boxes (space or enter toggles), those next to each other side by
side on one row. A form taller than the terminal scrolls; focus brings a field into view."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import Texts


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "line"  # line | text | int | decimal (blank: None unless required) | yesno
    required: bool = False
    default: str = ""  # a yesno field: "yes" is ticked
    minimum: int = 0
    maximum: int = 0


class FormBody(VerticalScroll, can_focus=False):
    """Scrolls when the form is taller than the terminal; focus stays on the fields."""


class FormScreen(ModalScreen[dict[str, Any] | None]):
    AUTO_FOCUS = ""  # on_mount focuses the first field

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Back", id="form.back"),
        Binding("ctrl+s", "submit", "Submit", priority=True, id="form.submit"),
    ]

    def __init__(self, title: str, fields: list[Field], hint: str) -> None:
        super().__init__()
        self.form_title, self.fields, self.hint = title, fields, hint

    def compose(self) -> ComposeResult:
        with FormBody(classes="form"):
            yield Label(Text(self.form_title), classes="form-title")  # names: literal
            for yesno, group in groupby(self.fields, key=lambda field: field.kind == "yesno"):
                if yesno:
                    with Horizontal(classes="form-checks"):
                        for field in group:
                            ticked = field.default == "yes"
                            yield Checkbox(field.label, ticked, id=f"field-{field.name}")
                    continue
                for field in group:
                    yield Label(field.label + (" *" if field.required else ""))
                    if field.kind == "text":
                        yield TextArea(field.default, id=f"field-{field.name}",
                                       classes="form-text")  # fmt: skip
                    else:
                        yield Input(field.default, id=f"field-{field.name}")
            yield Label("", id="form-error", classes="form-error")
            yield Label(self.hint, classes="form-hint")

    def on_mount(self) -> None:
        # Textual's auto focus would centre the first field, scrolling a tall form past its
        # title: focus it without scrolling
        self.query_one(f"#field-{self.fields[0].name}").focus(scroll_visible=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        values, problem = self._values()
        if problem:
            error = self.query_one("#form-error", Label)
            error.update(Text(problem))
            error.scroll_visible(animate=False)
            return
        self.dismiss(values)

    def _values(self) -> tuple[dict[str, Any], str]:
        values: dict[str, Any] = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Checkbox):
                values[field.name] = widget.value
                continue
            raw = widget.text if isinstance(widget, TextArea) else widget.value
            raw = raw.strip()
            if field.required and not raw:
                return values, f"{field.label}: ?"
            if field.kind == "int":
                if not raw.isdigit() or not field.minimum <= int(raw) <= field.maximum:
                    return values, f"{field.label}: {field.minimum}–{field.maximum}"
                values[field.name] = int(raw)
            elif field.kind == "decimal":
                number = _decimal(raw)
                if raw and (number is None or not field.minimum <= number <= field.maximum):
                    return values, f"{field.label}: {field.minimum}–{field.maximum}"
                values[field.name] = number
            else:
                values[field.name] = raw
        return values, ""


def _decimal(raw: str) -> float | None:
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if number == number else None  # NaN is no number


class ChoiceScreen(ModalScreen[dict[str, Any] | None]):
    """Pick one of a few: enter chooses, esc cancels. Returns {"choice": value}."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="choice.back")]  # noqa: RUF012

    def __init__(
        self, title: str, choices: list[tuple[str, str]], highlighted: str | None = None
    ) -> None:
        """`highlighted`: the value the cursor starts on (the first one otherwise)."""
        super().__init__()
        self.choice_title, self.choices = title, choices
        self.first_value = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.choice_title, classes="form-title")
            yield OptionList(*(Option(label, id=value) for value, label in self.choices))

    def on_mount(self) -> None:
        values = [value for value, _ in self.choices]
        if self.first_value in values:
            self.query_one(OptionList).highlighted = values.index(self.first_value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss({"choice": event.option.id})

    def action_cancel(self) -> None:
        self.dismiss(None)


def log_form(t: Texts, key: str) -> FormScreen:
    fields = [
        Field("text", t("form.log_text"), "text", required=True),
        Field("minutes", t("form.minutes"), "int", default="0", maximum=10_080),
    ]
    return FormScreen(t("form.log_title", key=key), fields, t("form.submit_hint"))


def resolve_form(t: Texts, key: str) -> FormScreen:
    fields = [Field("summary", t("form.summary"), "text", required=True)]
    return FormScreen(t("form.resolve_title", key=key), fields, t("form.submit_hint"))


def accept_form(t: Texts, key: str) -> FormScreen:
    fields = [
        Field("rating", t("form.rating"), "int", required=True, default="5", minimum=1, maximum=5),
        Field("comment", t("form.comment"), "text"),
    ]
    return FormScreen(t("form.accept_title", key=key), fields, t("form.submit_hint"))


def analysis_form(t: Texts, key: str, root_cause: str, fix_applied: str) -> FormScreen:
    """The fault analysis (故障分析): what it was, what fixed it; written again, replaced."""
    fields = [
        Field("root_cause", t("form.root_cause"), "text", required=True, default=root_cause),
        Field("fix_applied", t("form.fix_applied"), "text", default=fix_applied),
    ]
    return FormScreen(t("form.analyse_title", key=key), fields, t("form.submit_hint"))


def note_form(t: Texts, action_key: str, key: str) -> FormScreen:
    fields = [Field("note", t("form.note"), "text")]
    return FormScreen(f"{t(action_key)} {key}", fields, t("form.submit_hint"))


def outcome_form(
    t: Texts, title: str, trainees: int, attended: int | None, feedback: float | None, notes: str
) -> FormScreen:
    """After a training session: who came (up to 50 walk-ins), the score, the notes."""
    fields = [
        Field("attended", t("training.field_attended"), "int", required=True,
              default=str(trainees if attended is None else attended),
              maximum=max(trainees, 0) + 50),
        Field("feedback", t("training.field_feedback"), "decimal",
              default="" if feedback is None else f"{feedback:g}", minimum=1, maximum=5),
        Field("notes", t("training.field_notes"), "text", default=notes),
    ]  # fmt: skip
    return FormScreen(title, fields, t("form.submit_hint"))
