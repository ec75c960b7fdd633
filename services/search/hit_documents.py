"""The documents behind one page of search hits, for showing their Akte and date.

Search backends return ids, titles and snippets only; a results page also shows where
each letter lies.  The rows are read under the caller's scope like every other query,
so a hit the caller may not see (there should be none) simply has no details.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.access.scope import Scope
from services.access.visibility import document_visible
from services.db.models import Document


def hit_documents(
    session: Session, scope: Scope, document_ids: Sequence[str]
) -> dict[str, Document]:
    """Visible documents among ``document_ids`` (one page of hits), by id, Akte loaded."""
    if not document_ids:
        return {}
    rows = session.scalars(
        select(Document)
        .where(Document.id.in_(list(document_ids)), document_visible(scope))
        .options(selectinload(Document.akte), selectinload(Document.vorgang))
    )
    return {document.id: document for document in rows}
