"""Training use cases and their alerts against a real SQLite file (time-machine clock)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.errors import IllegalTransition, InvalidInput, NotFound
from helpdesk_tui.domain.training import Audience, SessionStatus
from helpdesk_tui.services import alerts
from helpdesk_tui.services import training as use
from helpdesk_tui.services.desk import Desk, open_desk
from helpdesk_tui.services.directory import add_customer, add_engineer
from helpdesk_tui.store import schema
from helpdesk_tui.store.models import AlertClaim, Customer, TrainingSession

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
START = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # two weeks later, 09:00 in Shanghai
D, H = timedelta(days=1), timedelta(hours=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(tmp_path, clock, monkeypatch) -> Desk:
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "absent.toml"))
    desk = open_desk(load_settings(db=str(tmp_path / "t.db"), user="lina", tz="Asia/Shanghai"))
    schema.upgrade(desk.store.engine)
    add_customer(desk, "杭州人民医院")
    add_engineer(desk, "lina", "李娜")
    add_engineer(desk, "wangfang", "王芳")
    add_engineer(desk, "zhao", "赵强", role="manager")
    with desk.store.write() as session:
        session.scalars(select(Customer)).one().account_manager = "zhao"
    return desk


@pytest.fixture
def plan(desk):
    return use.add_plan(desk, "人民医院", "2026 年度系统培训")


def new(plan, **changes) -> use.SessionFields:
    values = {"plan_id": plan.id, "title": "HIS 系统操作培训", "start_at": START,
              "trainers": ("lina",)} | changes  # fmt: skip
    return use.SessionFields(**values)


def swept(desk) -> list[tuple[str, str]]:
    ids = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", ids, lambda message: "ok")
    with desk.store.read() as session:
        rows = session.execute(
            select(AlertClaim.target, AlertClaim.recipients).where(AlertClaim.id.in_(ids))
        ).all()
    return sorted((target, recipients) for target, recipients in rows)


def test_a_session_gets_a_day_two_materials_and_its_alert_timers(desk, plan):
    session = use.add_session(desk, new(plan))
    assert session.end_at == START + 8 * H
    assert session.status == "proposed" and session.uid.endswith("@helpdesk_tui")
    with desk.store.read() as db:
        materials = use.materials_of(db, session.id)
    assert [m.medium for m in materials] == ["paper", "electronic"]
    assert not any(m.ready for m in materials)


def test_overlapping_sessions_of_one_trainer_are_refused(desk, plan):
    use.add_session(desk, new(plan))
    with pytest.raises(InvalidInput, match="lina already teaches"):
        use.add_session(desk, new(plan, title="另一场", start_at=START + 2 * H,
                                  trainers=("wangfang", "lina")))  # fmt: skip
    use.add_session(desk, new(plan, title="另一场", start_at=START + 2 * H, trainers=("wangfang",)))
    with desk.store.read() as db:
        assert len(use.sessions_between(db, START - D, START + D)) == 2


def test_a_cancelled_session_frees_its_trainer(desk, plan):
    first = use.add_session(desk, new(plan))
    use.set_status(desk, first.id, SessionStatus.CANCELLED)
    use.add_session(desk, new(plan, title="改期后的培训"))


def test_moving_a_session_onto_another_of_its_trainer_is_refused(desk, plan):
    use.add_session(desk, new(plan))
    later = use.add_session(desk, new(plan, title="第二场", start_at=START + D))
    with pytest.raises(InvalidInput, match="already teaches"):
        use.update_session(desk, later.id, {"start_at": START + H})
    moved = use.update_session(desk, later.id, {"start_at": START + 2 * D, "place": "302 会议室"})
    assert (moved.start_at, moved.end_at, moved.place) == (START + 2 * D, START + 2 * D + 8 * H,
                                                            "302 会议室")  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"trainers": ("nobody",)}, NotFound),
        ({"trainers": ()}, InvalidInput),
        ({"start_at": datetime(2026, 12, 7, 9, 0)}, InvalidInput),  # no zone
        ({"end_at": START - H}, InvalidInput),
        ({"language": "fr"}, InvalidInput),
        ({"trainee_count": 1, "trainees": ("张三", "李四")}, InvalidInput),
        ({"title": "  "}, InvalidInput),
    ],
)
def test_bad_sessions_are_refused_and_nothing_is_written(desk, plan, changes, error):
    with pytest.raises(error):
        use.add_session(desk, new(plan, **changes))
    with desk.store.read() as db:
        assert db.scalars(select(TrainingSession)).all() == []


def test_outcome_only_after_the_start(desk, plan, clock):
    session = use.add_session(desk, new(plan, trainee_count=12))
    with pytest.raises(IllegalTransition, match="not started"):
        use.record_outcome(desk, session.id, 10, 4.5)
    clock.move_to(START + 9 * H)
    done = use.record_outcome(desk, session.id, 11, 4.6, "讲解清楚")
    assert (done.status, done.attended, done.feedback) == ("done", 11, 4.6)
    with pytest.raises(IllegalTransition):
        use.set_status(desk, session.id, SessionStatus.PROPOSED)


def test_training_alerts_agreement_materials_and_tomorrow(desk, plan, clock):
    session = use.add_session(desk, new(plan, audience=Audience.ADMINS, trainee_count=2))
    assert swept(desk) == []
    clock.move_to(START - 7 * D)
    assert swept(desk) == [("agreement", "lina,zhao")]
    use.set_status(desk, session.id, SessionStatus.AGREED)
    clock.move_to(START - 3 * D)
    assert swept(desk) == [("materials", "lina,zhao")]
    clock.move_to(START - D)
    assert swept(desk) == [("tomorrow", "lina,zhao")]


def test_ready_materials_and_an_agreed_session_stay_quiet(desk, plan, clock):
    session = use.add_session(desk, new(plan, status=SessionStatus.AGREED))
    with desk.store.read() as db:
        material_ids = [m.id for m in use.materials_of(db, session.id)]
    for material_id in material_ids:
        use.set_material_ready(desk, material_id, True)
    clock.move_to(START - 3 * D)
    assert swept(desk) == []
    clock.move_to(START - D)
    assert [target for target, _ in swept(desk)] == ["tomorrow"]


def test_materials_made_ready_after_their_moment_was_planned_say_nothing(desk, plan, clock):
    session = use.add_session(desk, new(plan, status=SessionStatus.AGREED))
    clock.move_to(START - 4 * D)
    with desk.store.read() as db:
        for material in use.materials_of(db, session.id):
            use.set_material_ready(desk, material.id, True)
    clock.move_to(START - 2 * D)
    assert swept(desk) == []
