"""Browser sessions after an OpenID Connect sign-in.

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
from services.db.models import BrowserSession, Person
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
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        BrowserSession(
            token_hash=_hash(token),
            person_id=person.id,
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
    person = session.get(Person, row.person_id)
    if person is None or person.disabled_at is not None:
        raise AuthenticationError("this account is disabled")
    return principal_of_person(person)


def close_session(session: Session, token: str) -> BrowserSession | None:
    """End a session; returns it (for the id_token hint of the provider's logout)."""
    row = session.get(BrowserSession, _hash(token))
    if row is not None:
        session.execute(delete(BrowserSession).where(BrowserSession.token_hash == row.token_hash))
    return row
