"""Browser sessions after a sign-in: through OpenID Connect, or with an API key.

The cookie carries a random token; the database keeps only its SHA-256, so a copy of
the database opens no session.  Requests that change something must also send the
session's CSRF token in a header, which a page from another site cannot read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.access.persons import principal_of_person
from services.access.principal import Principal
from services.auth.keys import authenticate, principal_of_key
from services.db.models import ApiKey, BrowserSession, Person
from services.errors import AuthenticationError, PermissionDeniedError
from services.ports import Clock

SESSION_COOKIE = "eakte_session"


@dataclass(frozen=True)
class OpenedSession:
    token: str
    """Goes into the cookie; never stored."""
    csrf_token: str
    """Sent by the page in ``X-CSRF-Token`` on every change; stored hashed."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def open_session(
    session: Session, person: Person, *, id_token: str | None, hours: float, clock: Clock
) -> OpenedSession:
    return _open(
        session, person_id=person.id, api_key_id=None, id_token=id_token, hours=hours, clock=clock
    )


def open_key_session(
    session: Session, presented_key: str, *, hours: float, clock: Clock
) -> OpenedSession:
    """A session for the web sign-in with an API key (installations without a provider).

    The key is checked as on every API request; the session ends when the key is
    revoked or expires, as it is checked again on every request.
    """
    principal = authenticate(session, presented_key, clock)
    return _open(
        session, person_id=None, api_key_id=principal.id, id_token=None, hours=hours, clock=clock
    )


def _open(
    session: Session,
    *,
    person_id: str | None,
    api_key_id: str | None,
    id_token: str | None,
    hours: float,
    clock: Clock,
) -> OpenedSession:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        BrowserSession(
            token_hash=_hash(token),
            person_id=person_id,
            api_key_id=api_key_id,
            csrf_hash=_hash(csrf),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            id_token=id_token,
        )
    )
    session.flush()
    return OpenedSession(token=token, csrf_token=csrf)


def find_session(session: Session, token: str, clock: Clock) -> BrowserSession:
    row = session.get(BrowserSession, _hash(token))
    if row is None or row.expires_at <= clock.now():
        raise AuthenticationError("your session has ended; please sign in again")
    return row


def principal_for_session(
    session: Session, token: str, *, csrf_token: str | None, check_csrf: bool, clock: Clock
) -> Principal:
    row = find_session(session, token, clock)
    if check_csrf and (
        csrf_token is None or not hmac.compare_digest(row.csrf_hash, _hash(csrf_token))
    ):
        raise PermissionDeniedError("missing or wrong CSRF token (X-CSRF-Token)")
    if row.api_key_id is not None:
        return _key_principal(session, row.api_key_id, clock)
    person = session.get(Person, row.person_id) if row.person_id else None
    if person is None or person.disabled_at is not None:
        raise AuthenticationError("this account is disabled")
    return principal_of_person(person)


def _key_principal(session: Session, key_id: str, clock: Clock) -> Principal:
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        raise AuthenticationError("this API key has been revoked; please sign in again")
    if key.expires_at is not None and key.expires_at <= clock.now():
        raise AuthenticationError("this API key has expired; please sign in again")
    return principal_of_key(key)


def close_session(session: Session, token: str) -> BrowserSession | None:
    """End a session; returns it (for the id_token hint of the provider's logout)."""
    row = session.get(BrowserSession, _hash(token))
    if row is not None:
        session.execute(delete(BrowserSession).where(BrowserSession.token_hash == row.token_hash))
    return row
