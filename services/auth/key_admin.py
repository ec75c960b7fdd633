"""Issuing, rotating and revoking API keys, with an audit event for each (never the secret)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.org_units import check_unit
from services.access.roles import RoleCatalog
from services.audit.trail import record_event
from services.auth.keys import CreatedKey, NewKey, create_key, find_key, revoke_key
from services.db.models import ApiKey
from services.errors import ConflictError
from services.ports import Clock


def issue_key(
    session: Session, new: NewKey, *, roles: RoleCatalog, actor: str, clock: Clock
) -> CreatedKey:
    roles.check(new.role)
    if new.org_unit is not None:
        check_unit(session, new.org_unit)
    created = create_key(session, new, clock=clock)
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
            "clearance": key.clearance,
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
            "prefix": key.prefix,
        },
        clock=clock,
    )
    return created


def rotate_key(
    session: Session,
    key_id_or_prefix: str,
    *,
    grace: timedelta,
    expires_at: datetime | None,
    actor: str,
    clock: Clock,
) -> CreatedKey:
    """A successor with the same role, unit and clearance; the old key ends after ``grace``."""
    old = find_key(session, key_id_or_prefix)
    if old.revoked_at is not None:
        raise ConflictError(f"API key {old.prefix} is revoked; issue a new one instead")
    created = create_key(
        session,
        NewKey(
            name=old.name,
            role=old.role,
            org_unit=old.org_unit,
            clearance=Confidentiality(old.clearance),
            expires_at=expires_at,
        ),
        clock=clock,
    )
    old_end = clock.now() + grace
    if old.expires_at is None or old.expires_at > old_end:
        old.expires_at = old_end
    record_event(
        session,
        actor=actor,
        action="key.rotated",
        object_type="api_key",
        object_id=old.id,
        details={
            "successor": created.key.id,
            "successor_prefix": created.key.prefix,
            "old_expires_at": old.expires_at.isoformat(),
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
