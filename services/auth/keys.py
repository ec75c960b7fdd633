"""API keys: created once, shown once, stored only as a hash.

A key looks like ``ek_<prefix>_<secret>``.  The prefix is stored in clear to find the
row; the SHA-256 of the whole key is compared in constant time.  Keys carry 256 bits of
randomness, so a slow password hash would add cost without adding security.  Keys may
expire; rotating a key issues a successor with the same role, unit and clearance and
lets the old one run out after a grace period.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.principal import Principal, PrincipalKind
from services.db.models import ApiKey
from services.errors import AuthenticationError, InvalidInputError, NotFoundError
from services.ports import Clock

KEY_PREFIX = "ek"
USE_RECORDING_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str
    """The full key; shown once, never stored."""


@dataclass(frozen=True)
class NewKey:
    name: str
    role: str
    """Checked against the deployment's roles by the caller."""
    org_unit: str | None
    clearance: Confidentiality
    expires_at: datetime | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_key(presented: str) -> bool:
    """Whether a bearer credential is an eakte API key (else it may be an OIDC token)."""
    return presented.strip().startswith(f"{KEY_PREFIX}_")


def create_key(session: Session, new: NewKey, *, clock: Clock) -> CreatedKey:
    if not new.name.strip():
        raise InvalidInputError("a key needs a name (who or which station uses it)")
    now = clock.now()
    if new.expires_at is not None and new.expires_at <= now:
        raise InvalidInputError("a key's expiry must lie in the future")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=new.name.strip(),
        prefix=prefix,
        secret_hash=_hash(secret),
        role=new.role,
        org_unit=new.org_unit,
        clearance=new.clearance.value,
        created_at=now,
        expires_at=new.expires_at,
    )
    session.add(key)
    session.flush()
    return CreatedKey(key=key, secret=secret)


def authenticate(session: Session, presented: str, clock: Clock) -> Principal:
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise AuthenticationError("malformed API key")
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(presented.strip())):
        raise AuthenticationError("unknown API key")
    if key.revoked_at is not None:
        raise AuthenticationError("this API key has been revoked")
    if key.expires_at is not None and key.expires_at <= clock.now():
        raise AuthenticationError("this API key has expired")
    return principal_of_key(key)


def principal_of_key(key: ApiKey) -> Principal:
    return Principal(
        id=key.id,
        kind=PrincipalKind.KEY,
        name=key.name,
        roles=frozenset({key.role}),
        org_units=frozenset({key.org_unit}) if key.org_unit else frozenset(),
        clearance=Confidentiality(key.clearance),
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


def find_key(session: Session, key_id_or_prefix: str) -> ApiKey:
    key = session.scalar(
        select(ApiKey).where((ApiKey.id == key_id_or_prefix) | (ApiKey.prefix == key_id_or_prefix))
    )
    if key is None:
        raise NotFoundError(f"no API key {key_id_or_prefix!r}")
    return key


def revoke_key(session: Session, key_id_or_prefix: str, *, clock: Clock) -> ApiKey:
    key = find_key(session, key_id_or_prefix)
    if key.revoked_at is None:
        key.revoked_at = clock.now()
    return key


def has_any_key(session: Session) -> bool:
    return bool(session.scalar(select(func.count(ApiKey.id))))
