"""Maintenance (key 6): the tabs, and the keys that record a backup, a restore check, a
renewal, a drill, a patch and pending counts, and write or edit a recovery plan, through
the services; the recovery plan's detail; literal names."""

from datetime import timedelta

from sqlalchemy import select

from helpdesk_tui.services import backup_plans, cloud, recovery_plans
from helpdesk_tui.store.models import BackupPlan, CloudResource, PatchRecord, RecoveryPlan, Server
from helpdesk_tui.tui.screens.forms import FormScreen
from helpdesk_tui.tui.screens.maintenance import MaintenanceScreen
from helpdesk_tui.tui.screens.recovery_detail import RecoveryDetailScreen
from tests.tui.conftest import NOW, ZONE
from tests.tui.maintenance_data import RESOURCES, add_maintenance, customer_named
from tests.tui.settle import queue_loaded, until

TODAY = NOW.astimezone(ZONE).date()


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_maintenance(pilot) -> MaintenanceScreen:
    await queue_loaded(pilot)
    await pilot.press("6")
    await until(pilot, lambda: isinstance(pilot.app.screen, MaintenanceScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.loaded)
    return screen


async def choose_row(pilot, screen: MaintenanceScreen, table: str, matches) -> None:
    rows = screen.table(table).rows_shown
    index = next(i for i, row in enumerate(rows) if matches(row))
    screen.table(table).move_cursor(row=index, animate=False)
    await pilot.pause()


async def submit_form(pilot, *typed: str) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    if typed:
        await pilot.press(*typed)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


async def test_tabs_and_their_keys(make_app, desk_for):
    add_maintenance(desk_for("lina"))
    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_maintenance(pilot)
        assert screen.active_tab == "backups"
        text = screen_text(app)
        for word in ("备份", "云续费", "灾难恢复", "补丁", "HIS 数据库", "逾期", "待验证"):
            assert word in text
        assert screen.check_action("backup_success", ()) and not screen.check_action("renew", ())
        await pilot.press("tab")
        assert screen.active_tab == "cloud"
        assert screen.check_action("renew", ()) and not screen.check_action("backup_success", ())
        text = screen_text(app)
        assert "已过期 2 天" in text and "1 天" in text and "自动" in text
        shown = [row.resource for row in screen.table("cloud").rows_shown]
        assert shown[0].name == "bw-100m"  # expired two days ago: first
        expiries = [resource.expires_on for resource in shown]
        assert expiries == sorted(expiries) and len(shown) >= len(RESOURCES)
        await pilot.press("tab", "tab")
        assert screen.active_tab == "patches"
        assert screen.table("patches").rows_shown and screen.table("pending").rows_shown
        await pilot.press("shift+tab")
        assert screen.active_tab == "recovery"
        await pilot.press("escape")
        assert app.current_mode == "queue"


async def test_recording_a_backup_success_writes_through_the_service(make_app, desk_for):
    desk = desk_for("lina")
    plan_id = add_maintenance(desk)["HIS 数据库"]
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_maintenance(pilot)
        await choose_row(pilot, screen, "backups", lambda row: row.plan.id == plan_id)
        assert screen.selected_backup().overdue(NOW)
        await pilot.press("s")
        await submit_form(pilot)  # blank: now
        await until(pilot, lambda: not screen.selected_backup().overdue(NOW))
        await pilot.press("v")
        await submit_form(pilot, *"-30m")
        await until(pilot, lambda: screen.selected_backup().plan.last_verified_at is not None)
    with desk.store.read() as session:
        plan = session.get(BackupPlan, plan_id)
        assert plan.last_success_at == NOW
        assert plan.last_verified_at == NOW - timedelta(minutes=30)


async def test_renewing_and_recording_a_drill(make_app, desk_for):
    desk = desk_for("lina")
    add_maintenance(desk)
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_maintenance(pilot)
        await pilot.press("tab")
        await choose_row(pilot, screen, "cloud", lambda row: row.resource.name == "example.cn")
        resource_id = screen.selected_renewal().resource.id
        await pilot.press("e")
        await submit_form(pilot)  # proposed: a year after the old expiry
        await until(pilot, lambda: screen.selected_renewal().days_left > 300)
        await pilot.press("tab")
        overdue = [row for row in screen.table("recovery").rows_shown
                   if row.drill_state == "overdue"]  # fmt: skip
        plan_id = overdue[0].plan.id
        await choose_row(pilot, screen, "recovery", lambda row: row.plan.id == plan_id)
        await pilot.press("d")
        await submit_form(pilot, "tab", *"切换到备库用时 35 分钟")
        await until(pilot, lambda: screen.selected_recovery().drill_state == "ok")
    with desk.store.read() as session:
        resource = session.get(CloudResource, resource_id)
        assert resource.expires_on == TODAY + timedelta(days=1 + 365)
        plan = session.get(RecoveryPlan, plan_id)
        assert plan.last_drill_on == TODAY and plan.last_drill_notes == "切换到备库用时 35 分钟"


async def test_a_bad_date_is_refused_and_nothing_is_written(make_app, desk_for):
    desk = desk_for("lina")
    add_maintenance(desk)
    before = _renewals(desk)
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_maintenance(pilot)
        await pilot.press("tab", "e")
        await submit_form(pilot, "ctrl+a", "ctrl+k", *"someday")
        await pilot.pause()
        assert any("someday" in n.message for n in app._notifications)
    assert _renewals(desk) == before


def _renewals(desk) -> list[tuple]:
    with desk.store.read() as session:
        return [(r.id, r.expires_on, r.version) for r in cloud.resources(session)]


async def test_enter_opens_a_recovery_plan_with_numbered_steps(make_app):
    app = make_app("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_maintenance(pilot)
        await pilot.press("tab", "tab")
        await choose_row(pilot, screen, "recovery", lambda row: row.plan.system == "HIS 数据库")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RecoveryDetailScreen)
                    and app.screen.loaded)  # fmt: skip
        text = screen_text(app)
        assert " 1. 确认主库故障范围" in text and " 4. 恢复业务并观察" in text
        assert "应急联系人" in text and "RTO" in text and "2 小时" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MaintenanceScreen)


# -- recovery plans written and edited (the 灾难恢复 tab) -----------------------------


def _plans(desk) -> list[tuple]:
    with desk.store.read() as session:
        rows = session.scalars(select(RecoveryPlan).order_by(RecoveryPlan.id))
        return [(p.id, p.system, p.rto_minutes, list(p.steps), p.version) for p in rows]


async def open_recovery(pilot) -> MaintenanceScreen:
    screen = await open_maintenance(pilot)
    await pilot.press("tab", "tab")
    assert screen.active_tab == "recovery"
    return screen


async def test_the_plan_keys_show_only_on_the_recovery_tab(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_maintenance(pilot)
        assert not screen.check_action("new_plan", ()) and not screen.check_action("edit_plan", ())
        await pilot.press("tab")
        assert "e  Renew" in screen_text(app) and "Edit plan" not in screen_text(app)
        await pilot.press("tab")
        assert screen.check_action("new_plan", ()) and screen.check_action("edit_plan", ())
        text = screen_text(app)
        assert "n  New plan" in text and "e  Edit plan" in text and "e  Renew" not in text


async def test_a_new_plan_through_the_form_keeps_its_steps_in_order(make_app, desk_for):
    desk = desk_for("lina")
    owner = customer_named(desk, "物流")
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_recovery(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-drill_interval").value == "180"
        await pilot.press(*owner, "enter", *"OA 系统", "enter",  # enter: to the steps
                          *"停止应用", "enter", *"恢复数据库", "enter", *"启动应用", "tab",
                          *"张三 13800000000 DBA", "enter", *"值班台 400-800-1234", "tab",
                          *"120", "tab", *"30")  # fmt: skip
        await submit_form(pilot)
        await until(pilot, lambda: any(row.plan.system == "OA 系统"
                                       for row in screen.table("recovery").rows_shown))  # fmt: skip
    with desk.store.read() as session:
        plan = session.scalars(select(RecoveryPlan).where(RecoveryPlan.system == "OA 系统")).one()
        _, customer = recovery_plans.get_plan(session, plan.id)
    assert customer == owner
    assert plan.steps == ["停止应用", "恢复数据库", "启动应用"]
    assert (plan.rto_minutes, plan.rpo_minutes, plan.drill_interval_days) == (120, 30, 180)
    assert plan.contacts == [{"name": "张三", "phone": "13800000000", "role": "DBA"},
                             {"name": "值班台", "phone": "400-800-1234", "role": ""}]  # fmt: skip


async def test_editing_a_plan_changes_rto_and_steps(make_app, desk_for):
    desk = desk_for("lina")
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_recovery(pilot)
        await choose_row(pilot, screen, "recovery", lambda row: row.plan.system == "HIS 数据库")
        plan = screen.selected_recovery().plan
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert form.query_one("#field-steps").text == "\n".join(plan.steps)  # prefilled
        assert form.query_one("#field-rto").value == str(plan.rto_minutes)
        assert len(form.query_one("#field-contacts").text.splitlines()) == len(plan.contacts)
        form.query_one("#field-steps").text = "切换到备库\n验证业务\n通知客户"
        form.query_one("#field-rto").value = "90"
        await submit_form(pilot)
        await until(pilot, lambda: screen.selected_recovery().plan.rto_minutes == 90)
        with desk.store.read() as session:
            stored = session.get(RecoveryPlan, plan.id)
            assert stored.steps == ["切换到备库", "验证业务", "通知客户"]
            assert stored.contacts == plan.contacts and stored.version == plan.version + 1
        # in the plan's detail too; someone else changes it meanwhile: a toast, and a reload
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RecoveryDetailScreen)
                    and app.screen.loaded)  # fmt: skip
        detail = app.screen
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-rto").value == "90"
        app.screen.query_one("#field-rto").value = "60"
        recovery_plans.update_plan(desk_for("zhao"), plan.id, rpo_minutes=20)
        await submit_form(pilot)
        await until(pilot, lambda: any("reload" in n.message for n in app._notifications))
        await until(pilot, lambda: detail.row.plan.rpo_minutes == 20)
        assert detail.row.plan.rto_minutes == 90
    with desk.store.read() as session:
        assert session.get(RecoveryPlan, plan.id).rto_minutes == 90


async def refused(pilot, word: str) -> None:
    """ctrl+s on a plan's form: a one-line toast says why, and the form opens again."""
    app, seen = pilot.app, len(pilot.app._notifications)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: len(app._notifications) > seen
                and isinstance(app.screen, FormScreen))  # fmt: skip
    toast = list(app._notifications)[-1].message
    assert word in toast and "\n" not in toast, toast


async def test_a_bad_plan_is_a_one_line_toast_and_nothing_is_written(make_app, desk_for):
    desk = desk_for("lina")
    before = _plans(desk)
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_recovery(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        form.query_one("#field-plan_customer").value = customer_named(desk, "物流")
        form.query_one("#field-system").value = "OA 系统"
        form.query_one("#field-steps").text = "停止应用"
        form.query_one("#field-contacts").text = "张三 13800000000"
        form.query_one("#field-rto").value = "0"
        form.query_one("#field-rpo").value = "30"
        await refused(pilot, "RTO")
        form = app.screen  # again, as typed
        assert form.query_one("#field-system").value == "OA 系统"
        assert form.query_one("#field-steps").text == "停止应用"
        form.query_one("#field-rto").value = "60"
        form.query_one("#field-steps").text = "\n  \n"
        await refused(pilot, "step")
        await pilot.press("escape")
        await choose_row(pilot, screen, "recovery", lambda row: row.plan.system == "HIS 数据库")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-rto").value = "0"
        await refused(pilot, "RTO")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    assert _plans(desk) == before


async def test_a_read_only_console_refuses_before_any_form(make_app, desk_for):
    add_maintenance(desk_for("lina"))
    app = make_app("en", read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_maintenance(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        assert any("Read-only" in n.message for n in app._notifications)


async def test_names_from_outside_are_literal(make_app, desk_for):
    desk = desk_for("lina")
    customer = customer_named(desk, "集团")
    backup_plans.add_plan(desk, customer, "[red]x[/red]\x1b[2J", what="[b]全量[/b]",
                          location="\x1b]0;evil\x07")  # fmt: skip
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_maintenance(pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "[red]x[/red]\\x1…" in text and "[b]全量[/b] · \\x1b]0;evil" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "\x1b" not in app.export_screenshot()


# -- patches and pending updates (the 补丁 tab) ---------------------------------


async def open_patches(pilot) -> MaintenanceScreen:
    screen = await open_maintenance(pilot)
    await pilot.press("tab", "tab", "tab")
    assert screen.active_tab == "patches"
    return screen


def _patches(desk) -> list[tuple]:
    with desk.store.read() as session:
        rows = session.scalars(select(PatchRecord).order_by(PatchRecord.id))
        return [(p.id, p.server_id, p.packages, p.applied_at) for p in rows]


async def test_the_patch_keys_show_only_on_the_patch_tab(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_maintenance(pilot)
        assert not screen.check_action("add_patch", ()) and not screen.check_action(
            "set_pending", ()
        )
        assert "Record patch" not in screen_text(app)
        await pilot.press("tab", "tab", "tab")
        assert screen.check_action("add_patch", ()) and screen.check_action("set_pending", ())
        assert not screen.check_action("backup_success", ())
        text = screen_text(app)
        assert "Record patch" in text and "Pending updates" in text


async def test_recording_a_patch_for_the_selected_server(make_app, desk_for):
    desk = desk_for("lina")
    before = _patches(desk)
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_patches(pilot)
        row = screen.selected_pending()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert form.query_one("#field-server").value == row.server  # prefilled
        assert form.query_one("#field-customer").value == row.customer
        form.query_one("#field-packages").focus()
        await pilot.press(*"openssl 3.0.13", "tab", *"CVE-2024-0727", "tab", "space")
        await submit_form(pilot, "tab", "tab", *"-2h")  # security ticked, no reboot
        await until(pilot, lambda: len(_patches(desk)) == len(before) + 1)
        await until(pilot, lambda: any(r.patch.packages == "openssl 3.0.13"
                                       for r in screen.table("patches").rows_shown))  # fmt: skip
    with desk.store.read() as session:
        patch = session.scalars(select(PatchRecord).order_by(PatchRecord.id.desc())).first()
        server = session.get(Server, patch.server_id)
        assert (server.id, server.name) == (row.server_id, row.server)
        assert patch.packages == "openssl 3.0.13" and patch.description == "CVE-2024-0727"
        assert patch.security and not patch.reboot_required
        assert patch.applied_at == NOW - timedelta(hours=2) and patch.applied_by == "lina"


async def test_a_patch_with_a_bad_date_is_refused_and_nothing_is_written(make_app, desk_for):
    desk = desk_for("lina")
    before = _patches(desk)
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_patches(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-packages").value = "nginx 1.24.0"
        app.screen.query_one("#field-at").value = "yesterday"
        await submit_form(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("yesterday" in n.message for n in app._notifications)
    assert _patches(desk) == before


async def test_setting_pending_counts_by_hand(make_app, desk_for):
    desk = desk_for("lina")
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_patches(pilot)
        await choose_row(pilot, screen, "pending", lambda row: row.source != "collector")
        row = screen.selected_pending()
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await submit_form(pilot, "ctrl+a", "ctrl+k", *"12", "tab", "ctrl+a", "ctrl+k", "3")
        await until(pilot, lambda: (screen.selected_pending().updates,
                                    screen.selected_pending().security) == (12, 3))  # fmt: skip
        assert screen.selected_pending().source == "entered"
    with desk.store.read() as session:
        server = session.get(Server, row.server_id)
        assert (server.updates_pending, server.security_updates_pending) == (12, 3)


async def test_more_security_updates_than_updates_are_refused(make_app, desk_for):
    desk = desk_for("lina")
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_patches(pilot)
        row = screen.selected_pending()
        with desk.store.read() as session:
            before = session.get(Server, row.server_id).version
        await pilot.press("u")
        await submit_form(pilot, "ctrl+a", "ctrl+k", "1", "tab", "ctrl+a", "ctrl+k", "5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("at most" in n.message for n in app._notifications)
    with desk.store.read() as session:
        assert session.get(Server, row.server_id).version == before
