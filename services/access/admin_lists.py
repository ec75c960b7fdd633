"""What the admin pages list: API keys and persons, for callers who may manage them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.access.persons import list_persons
from services.access.roles import Permission
from services.access.scope import Scope
from services.auth.keys import list_keys
from services.db.models import ApiKey, Person


def keys_for(session: Session, scope: Scope) -> list[ApiKey]:
    """Every API key (revoked ones too), oldest first; admins only."""
    scope.require(Permission.MANAGE_KEYS)
    return list_keys(session)


def persons_for(session: Session, scope: Scope) -> list[Person]:
    """Every person known from a sign-in; admins only."""
    scope.require(Permission.MANAGE_KEYS)
    return list_persons(session)
