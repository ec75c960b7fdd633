"""Issuing and revoking API keys, with an audit event for each (never the secret)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.auth.keys import CreatedKey, create_key, revoke_key
from services.db.models import ApiKey
from services.ports import Clock


def issue_key(
    session: Session, *, name: str, role: str, org_unit: str | None, actor: str, clock: Clock
) -> CreatedKey:
    created = create_key(session, name=name, role=role, org_unit=org_unit, clock=clock)
    key = created.key
    record_event(
        session,
        actor=actor,
        action="key.created",
        object_type="api_key",
        object_id=key.id,
        details={
            "name": key.name,
            "role": key.role,
            "org_unit": key.org_unit,
            "prefix": key.prefix,
        },
        clock=clock,
    )
    return created


def withdraw_key(session: Session, key_id_or_prefix: str, *, actor: str, clock: Clock) -> ApiKey:
    already = _is_revoked(session, key_id_or_prefix)
    key = revoke_key(session, key_id_or_prefix, clock=clock)
    if not already:
        record_event(
            session,
            actor=actor,
            action="key.revoked",
            object_type="api_key",
            object_id=key.id,
            details={"name": key.name, "prefix": key.prefix},
            clock=clock,
        )
    return key


def _is_revoked(session: Session, key_id_or_prefix: str) -> bool:
    key = session.get(ApiKey, key_id_or_prefix)
    return key is not None and key.revoked_at is not None
