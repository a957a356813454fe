"""The audit trail: every change appended with who, when and what."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import AuditEntry


def record(
    session: Session,
    desk: Desk,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: dict[str, Any],
) -> None:
    """Stamped with the moment of the change; a back-dated action carries its own time
    in `detail`."""
    assert entity_id is not None, "flush before auditing a new row"
    session.add(
        AuditEntry(
            at=desk.now(),
            actor=desk.actor,
            entity=entity,
            entity_id=entity_id,
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def last_change(session: Session, entity: str, entity_id: int | None) -> AuditEntry | None:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
