"""Maintenance keys shared by the maintenance tabs and a recovery plan's detail: a backup
done, a restore checked, a renewal, a drill held.

Every change goes through the services in a thread worker (a write may wait for the
SQLite lock); a refusal is a one-line toast and nothing is written. A read-only console
refuses before any form opens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.domain.errors import HelpdeskError, InvalidInput
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services import backup_plans, cloud, recovery_plans
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.tui.change_runner import apply_change
from helpdesk_tui.tui.maintenance_reads import BackupRow, RecoveryRow, RenewalRow

RENEW_BY_DAYS = 365  # the form proposes a year's renewal
BACKUP_BINDINGS = (
    Binding("s", "backup_success", "Backup done", id="maintenance.backup_success"),
    Binding("v", "restore_check", "Restore checked", id="maintenance.restore_check"),
)
RENEW_BINDING = Binding("e", "renew", "Renew", id="maintenance.renew")
DRILL_BINDING = Binding("d", "drill", "Drill held", id="maintenance.drill")


def parse_day(text: str, today: date) -> date | None:
    """Blank: None; otherwise YYYY-MM-DD (full-width digits from an input method too)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r}: expected a date like {today.isoformat()}") from None


class MaintenanceActions:
    """Mixin for screens that can say which backup plan, renewal or recovery plan is
    selected (None: not on this screen) and can reload (`data_changed`)."""

    def selected_backup(self) -> BackupRow | None:
        return None

    def selected_renewal(self) -> RenewalRow | None:
        return None

    def selected_recovery(self) -> RecoveryRow | None:
        return None

    def data_changed(self) -> None:
        raise NotImplementedError

    # -- running a change ---------------------------------------------------

    @work(thread=True, group="maintenance-change", exit_on_error=False)
    def change_maintenance(self, done: str, apply: Callable[[Desk], Any]) -> None:
        if apply_change(self.app, apply, lambda: done):
            self.app.call_from_thread(self.data_changed)

    def _selected(self, row: Any | None) -> Any | None:
        t = self.app.texts
        if self.app.read_only:
            self.app.notify(t("message.read_only"), severity="warning")
            return None
        if row is None:
            self.app.notify(t("maintenance.no_selection"), severity="warning")
        return row

    def _form(self, title: str, fields: list, then: Callable[[dict[str, Any]], None]) -> None:
        from helpdesk_tui.tui.screens.forms import FormScreen

        def submitted(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                then(values)
            except HelpdeskError as error:  # a date or time that does not read
                self.app.notify(str(error), severity="error", timeout=6)

        form = FormScreen(title, fields, self.app.texts("form.submit_hint"))
        self.app.push_screen(form, submitted)

    # -- backups ------------------------------------------------------------

    def action_backup_success(self) -> None:
        self._stamp("backup_success", backup_plans.record_success)

    def action_restore_check(self) -> None:
        self._stamp("restore_check", backup_plans.record_restore_check)

    def _stamp(self, what: str, record: Callable[..., Any]) -> None:
        from helpdesk_tui.tui.screens.forms import Field
        from helpdesk_tui.tui.screens.new_ticket import parse_reported_at

        row: BackupRow | None = self._selected(self.selected_backup())
        if row is None:
            return
        t, desk = self.app.texts, self.app.desk
        plan_id, name = row.plan.id, f"{one_line(row.customer)} · {one_line(row.plan.system)}"
        done = t(f"maintenance.{what}_done", name=name)

        def apply(values: dict[str, Any]) -> None:
            at = parse_reported_at(values["at"], desk.now(), desk.zone)
            self.change_maintenance(done, lambda d: record(d, plan_id, at))

        fields = [Field("at", t("maintenance.field_at"))]
        self._form(t(f"maintenance.{what}_title", name=name), fields, apply)

    # -- cloud renewals -----------------------------------------------------

    def action_renew(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field

        row: RenewalRow | None = self._selected(self.selected_renewal())
        if row is None:
            return
        t = self.app.texts
        resource = row.resource
        name = f"{one_line(resource.kind)} {one_line(resource.name)}"
        proposed = resource.expires_on + timedelta(days=RENEW_BY_DAYS)
        today = self.app.desk.now().astimezone(self.app.desk.zone).date()
        done = t("maintenance.renew_done", name=name)

        def apply(values: dict[str, Any]) -> None:
            expires = parse_day(values["expires"], today)
            assert expires is not None  # required
            self.change_maintenance(done, lambda d: cloud.renew(d, resource.id, expires))

        field = Field("expires", t("maintenance.field_expires"), required=True,
                      default=proposed.isoformat())  # fmt: skip
        self._form(t("maintenance.renew_title", name=name), [field], apply)

    # -- disaster-recovery drills -------------------------------------------

    def action_drill(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field

        row: RecoveryRow | None = self._selected(self.selected_recovery())
        if row is None:
            return
        t = self.app.texts
        plan_id, version = row.plan.id, row.plan.version
        name = f"{one_line(row.customer)} · {one_line(row.plan.system)}"
        today = self.app.desk.now().astimezone(self.app.desk.zone).date()
        done = t("maintenance.drill_done", name=name)

        def apply(values: dict[str, Any]) -> None:
            on = parse_day(values["on"], today)
            self.change_maintenance(done, lambda d: recovery_plans.record_drill(
                d, plan_id, on, values["notes"], expected_version=version))  # fmt: skip

        fields = [Field("on", t("maintenance.field_drill_on")),
                  Field("notes", t("maintenance.field_drill_notes"), "text")]  # fmt: skip
        self._form(t("maintenance.drill_title", name=name), fields, apply)
