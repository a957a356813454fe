"""Maintenance keys shared by the maintenance tabs and a recovery plan's detail: a backup
done, a restore checked, a renewal, a drill held, a recovery plan written or edited, a
patch applied, pending updates counted by hand.

Every change goes through the services in a thread worker (a write may wait for the
SQLite lock); a refusal is a one-line toast and nothing is written. A read-only console
refuses before any form opens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.domain.errors import HelpdeskError, InvalidInput
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services import backup_plans, cloud, patches, recovery_plans
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.patches import Pending
from helpdesk_tui.tui.change_runner import apply_change
from helpdesk_tui.tui.maintenance_reads import BackupRow, RecoveryRow, RenewalRow

RENEW_BY_DAYS = 365  # the form proposes a year's renewal
BACKUP_BINDINGS = (
    Binding("s", "backup_success", "Backup done", id="maintenance.backup_success"),
    Binding("v", "restore_check", "Restore checked", id="maintenance.restore_check"),
)
RENEW_BINDING = Binding("e", "renew", "Renew", id="maintenance.renew")
DRILL_BINDING = Binding("d", "drill", "Drill held", id="maintenance.drill")
NEW_PLAN_BINDING = Binding("n", "new_plan", "New plan", id="maintenance.new_plan")
EDIT_PLAN_BINDING = Binding("e", "edit_plan", "Edit plan", id="maintenance.edit_plan")
PATCH_BINDINGS = (
    Binding("a", "add_patch", "Record patch", id="maintenance.add_patch"),
    Binding("u", "set_pending", "Pending updates", id="maintenance.set_pending"),
)


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

    def selected_pending(self) -> Pending | None:
        return None

    def patch_server(self) -> tuple[str, str] | None:
        """The server and customer a new patch is proposed for (the selected row's)."""
        row = self.selected_pending()
        return (row.server, row.customer) if row is not None else None

    def data_changed(self) -> None:
        raise NotImplementedError

    # -- running a change ---------------------------------------------------

    @work(thread=True, group="maintenance-change", exit_on_error=False)
    def change_maintenance(self, done: str, apply: Callable[[Desk], Any]) -> None:
        if apply_change(self.app, apply, lambda: done):
            self.app.call_from_thread(self.data_changed)

    def _writable(self) -> bool:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
        return not self.app.read_only

    def _selected(self, row: Any | None) -> Any | None:
        if not self._writable():
            return None
        if row is None:
            self.app.notify(self.app.texts("maintenance.no_selection"), severity="warning")
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

    # -- disaster-recovery plans --------------------------------------------

    def action_new_plan(self) -> None:
        if not self._writable():
            return
        t = self.app.texts

        def save(values: dict[str, Any]) -> tuple[str, Callable[[Desk], Any]]:
            customer, system = values["plan_customer"], values["system"]
            steps, contacts = _lines(values["steps"]), _lines(values["contacts"])
            every = values["drill_interval"]
            done = t("maintenance.plan_added", name=f"{one_line(customer)} · {one_line(system)}")
            return done, lambda d: recovery_plans.add_plan(
                d, customer, system, rto_minutes=values["rto"], rpo_minutes=values["rpo"],
                steps=steps, contacts=contacts, drill_interval_days=every)  # fmt: skip

        typed = {"drill_interval": str(recovery_plans.DEFAULT_DRILL_INTERVAL_DAYS)}
        self._plan_form(t("maintenance.new_plan_title"), typed, save, with_owner=True)

    def action_edit_plan(self) -> None:
        row: RecoveryRow | None = self._selected(self.selected_recovery())
        if row is None:
            return
        t, plan = self.app.texts, row.plan
        plan_id, version = plan.id, plan.version
        name = f"{one_line(row.customer)} · {one_line(plan.system)}"
        shown = {"rto": str(plan.rto_minutes), "rpo": str(plan.rpo_minutes),
                 "drill_interval": str(plan.drill_interval_days), "steps": "\n".join(plan.steps),
                 "contacts": "\n".join(_contact_line(c) for c in plan.contacts)}  # fmt: skip

        def save(values: dict[str, Any]) -> tuple[str, Callable[[Desk], Any]] | None:
            # only what was changed: a step written over several lines elsewhere stays whole
            changed = {k: v for k, v in values.items() if str(v) != shown[k].strip()}
            if not changed:
                return None
            steps, contacts = changed.get("steps"), changed.get("contacts")
            every = changed.get("drill_interval")
            done = t("maintenance.plan_updated", name=name)
            return done, lambda d: recovery_plans.update_plan(
                d, plan_id, rto_minutes=changed.get("rto"), rpo_minutes=changed.get("rpo"),
                steps=None if steps is None else _lines(steps),
                contacts=None if contacts is None else _lines(contacts),
                drill_interval_days=every, expected_version=version)  # fmt: skip

        self._plan_form(t("maintenance.edit_plan_title", name=name), shown, save)

    def _plan_form(
        self, title: str, typed: dict[str, str],
        save: Callable[[dict[str, Any]], tuple[str, Callable[[Desk], Any]] | None],
        with_owner: bool = False,
    ) -> None:  # fmt: skip
        """The plan's form; refused, it opens again with what was typed, and a toast says why.
        The steps and contacts come before the numbers: enter in the last line field saves."""
        from helpdesk_tui.domain.recovery import DRILL_INTERVAL_DAYS, OBJECTIVE_MAX_MINUTES
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        t = self.app.texts

        def field(name: str, kind: str = "line", maximum: int = 0) -> Field:
            # numbers from 0 and steps may be blank: the service refuses, the toast says why
            return Field(name, t(f"maintenance.field_{name}"), kind,
                         required=kind != "text", default=typed.get(name, ""),
                         maximum=maximum)  # fmt: skip

        fields = [field("plan_customer"), field("system")] if with_owner else []
        fields += [field("steps", "text"), field("contacts", "text"),
                   field("rto", "int", OBJECTIVE_MAX_MINUTES),
                   field("rpo", "int", OBJECTIVE_MAX_MINUTES),
                   field("drill_interval", "int", DRILL_INTERVAL_DAYS[1])]  # fmt: skip

        def submitted(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            again = {name: str(value) for name, value in values.items()}
            change = save(values)
            if change is None:
                self.app.notify(t("maintenance.plan_unchanged"))
                return
            done, apply = change
            self.save_plan(done, apply, lambda: self._plan_form(title, again, save, with_owner))

        self.app.push_screen(FormScreen(title, fields, t("form.submit_hint")), submitted)

    @work(thread=True, group="maintenance-change", exit_on_error=False)
    def save_plan(self, done: str, apply: Callable[[Desk], Any], again: Callable[[], None]) -> None:
        """Like change_maintenance; a refusal opens the form again, so nothing typed is lost."""
        if apply_change(self.app, apply, lambda: done):
            self.app.call_from_thread(self.data_changed)
        else:
            self.app.call_from_thread(again)

    # -- patches and pending updates ----------------------------------------

    def action_add_patch(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field

        if not self._writable():
            return
        t = self.app.texts
        server, customer = self.patch_server() or ("", "")

        def apply(values: dict[str, Any]) -> None:
            at = self._applied_at(values["at"])  # refused here: nothing is written

            def record(d: Desk) -> None:
                patches.record_patch(
                    d, values["server"], values["packages"], customer=values["customer"] or None,
                    description=values["description"], security=values["security"],
                    reboot_required=values["reboot"], at=at,
                )  # fmt: skip

            done = t("maintenance.patch_done", name=one_line(values["server"]))
            self.change_maintenance(done, record)

        fields = [
            Field("server", t("maintenance.field_server"), required=True, default=server),
            Field("customer", t("maintenance.field_customer"), default=customer),
            Field("packages", t("maintenance.field_packages"), required=True),
            Field("description", t("maintenance.field_description"), "text"),
            Field("security", t("maintenance.field_security"), "yesno"),
            Field("reboot", t("maintenance.field_reboot"), "yesno"),
            Field("at", t("maintenance.field_at")),
        ]
        self._form(t("maintenance.patch_title"), fields, apply)

    def _applied_at(self, text: str) -> datetime | None:
        """When a patch was applied: blank is now; never in the future."""
        from helpdesk_tui.tui.screens.new_ticket import BadTime, parse_reported_at

        t, desk = self.app.texts, self.app.desk
        try:
            return parse_reported_at(text, desk.now(), desk.zone)
        except BadTime as problem:
            if problem.kind == "future" and problem.when is not None:
                shown = problem.when.astimezone(desk.zone).strftime("%Y-%m-%d %H:%M")
                raise InvalidInput(t("maintenance.future_at", time=shown)) from None
            raise InvalidInput(t("maintenance.bad_at", text=one_line(problem.text))) from None

    def action_set_pending(self) -> None:
        from helpdesk_tui.tui.screens.forms import Field

        row: Pending | None = self._selected(self.selected_pending())
        if row is None:
            return
        t = self.app.texts
        name = f"{one_line(row.customer)} · {one_line(row.server)}"
        # the collector's numbers win over entered ones: say so, or the change seems lost
        said = "set_pending_collector" if row.source == "collector" else "set_pending_done"
        done = t(f"maintenance.{said}", name=name)

        def apply(values: dict[str, Any]) -> None:
            self.change_maintenance(done, lambda d: patches.set_pending(
                d, row.server, values["updates"], values["security"], customer=row.customer,
                expected_version=row.version))  # fmt: skip

        def count(field: str, label: str, now: int | None) -> Field:
            return Field(field, t(label), "int", required=True, maximum=patches.PENDING_MAX,
                         default="" if now is None else str(now))  # fmt: skip

        fields = [
            count("updates", "maintenance.field_updates", row.updates),
            count("security", "maintenance.field_security_updates", row.security),
        ]
        self._form(t("maintenance.set_pending_title", name=name), fields, apply)


def _lines(text: str) -> list[str]:
    """One entry a line; blank lines skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _contact_line(contact: object) -> str:
    """A stored contact as typed: name phone [role]."""
    data = contact if isinstance(contact, dict) else {"name": str(contact)}
    return " ".join(str(data[part]) for part in ("name", "phone", "role") if data.get(part))
