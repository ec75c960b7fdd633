"""API keys: created once, shown once, stored only as a hash.

A key looks like ``ek_<prefix>_<secret>``.  The prefix is stored in clear to find the
row; the SHA-256 of the whole key is compared in constant time.  Keys carry 256 bits of
randomness, so a slow password hash would add cost without adding security.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.db.models import ApiKey, Role
from services.errors import AuthenticationError, InvalidInputError, NotFoundError
from services.ports import Clock

KEY_PREFIX = "ek"
USE_RECORDING_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from an API key."""

    key_id: str
    name: str
    role: Role
    org_unit: str | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str
    """The full key; shown once, never stored."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, *, name: str, role: str, org_unit: str | None, clock: Clock
) -> CreatedKey:
    try:
        parsed_role = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInputError(f"unknown role {role!r}; use one of: {allowed}") from None
    if not name.strip():
        raise InvalidInputError("a key needs a name (who or which station uses it)")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name.strip(),
        prefix=prefix,
        secret_hash=_hash(secret),
        role=parsed_role.value,
        org_unit=org_unit,
        created_at=clock.now(),
    )
    session.add(key)
    session.flush()
    return CreatedKey(key=key, secret=secret)


def authenticate(session: Session, presented: str) -> Principal:
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise AuthenticationError("malformed API key")
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(presented.strip())):
        raise AuthenticationError("unknown API key")
    if key.revoked_at is not None:
        raise AuthenticationError("this API key has been revoked")
    return Principal(
        key_id=key.id,
        name=key.name,
        role=Role(key.role),
        org_unit=key.org_unit,
        last_used_at=key.last_used_at,
    )


def needs_use_recorded(principal: Principal, clock: Clock) -> bool:
    """Whether ``last_used_at`` is stale; it is kept to the minute, not per request."""
    last = principal.last_used_at
    return last is None or clock.now() - last > USE_RECORDING_INTERVAL


def record_use(session: Session, key_id: str, clock: Clock) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=clock.now()))


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


def revoke_key(session: Session, key_id_or_prefix: str, *, clock: Clock) -> ApiKey:
    key = session.scalar(
        select(ApiKey).where((ApiKey.id == key_id_or_prefix) | (ApiKey.prefix == key_id_or_prefix))
    )
    if key is None:
        raise NotFoundError(f"no API key {key_id_or_prefix!r}")
    if key.revoked_at is None:
        key.revoked_at = clock.now()
    return key


def has_any_key(session: Session) -> bool:
    return bool(session.scalar(select(func.count(ApiKey.id))))
