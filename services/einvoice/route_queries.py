"""The Leitweg-ID routes as the records pages list them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import LeitwegRoute
from services.einvoice.routes import list_routes


def routes_for(session: Session, scope: Scope) -> list[LeitwegRoute]:
    """Every route, by Leitweg-ID; for callers who read records (as the API allows)."""
    scope.require(Permission.READ_RECORDS)
    return list_routes(session)
