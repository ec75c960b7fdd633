"""Finding Akten by what a person types: part of the Aktenzeichen or of the title.

Used by the typeahead of the web interface's filing form; like every record query it
takes the caller's scope and never names an Akte the caller cannot see.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import akte_visible
from services.db.models import Akte, AkteStatus

MAX_TERM = 200


def find_akten(session: Session, scope: Scope, text: str, *, limit: int = 10) -> list[Akte]:
    """Open Akten whose Aktenzeichen or title contains ``text`` (case-insensitive).

    Aktenzeichen that start with the text come first, then the rest by Aktenzeichen.
    """
    term = text.strip()[:MAX_TERM].lower()
    if not term:
        return []
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    starts = func.lower(Akte.aktenzeichen).startswith(term, autoescape=True)
    query = (
        select(Akte)
        .where(
            akte_visible(scope),
            Akte.status == AkteStatus.OPEN,
            or_(
                func.lower(Akte.aktenzeichen).like(pattern, escape="\\"),
                func.lower(Akte.title).like(pattern, escape="\\"),
            ),
        )
        .order_by(starts.desc(), Akte.aktenzeichen)
        .limit(limit)
    )
    return list(session.scalars(query))


def visible_akte_ids(session: Session, scope: Scope, akte_ids: Collection[str]) -> set[str]:
    """Those of ``akte_ids`` the caller may see (to name only those, e.g. in suggestions)."""
    wanted = {a for a in akte_ids if a}
    if not wanted:
        return set()
    return set(session.scalars(select(Akte.id).where(Akte.id.in_(wanted), akte_visible(scope))))
