"""Index entries built from the database: analysed text plus what the access rule needs.

An entry carries the document's own unit and level, its Akte (id, level, Aktenzeichen,
the plan code with its parents), filing status and time of receipt, so that the
visibility rule and the search filters run inside the OpenSearch query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.backends.opensearch.tables import search_texts
from services.db.models import Akte, Document
from services.search.compounds import index_parts
from services.search.german_text import stemmed_text

NO_AKTE = "-"
"""The Akte level of a document in no Akte: a term, so that filters need no ``exists``
(a scan of every entry on some engines)."""


@dataclass(frozen=True)
class Entry:
    """What one document looks like in the index; ``source`` None: not to be indexed."""

    document_id: str
    source: dict[str, Any] | None


def analysed_fields(title: str, metadata: str, body: str) -> dict[str, str]:
    """The text fields of an entry: stems with ``_`` for stop words, as on SQLite."""
    return {
        "title": stemmed_text(title),
        "metadata": stemmed_text(metadata),
        "body": stemmed_text(body),
        "parts": stemmed_text(index_parts("\n".join((title, metadata, body)))),
    }


def plan_codes(code: str | None) -> list[str]:
    """A plan code with its parents ("521.01.1" -> 521, 521.01, 521.01.1)."""
    if not code:
        return []
    pieces = code.split(".")
    return [".".join(pieces[: n + 1]) for n in range(len(pieces))]


_COLUMNS = (
    Document.id,
    Document.org_unit,
    Document.confidentiality,
    Document.akte_id,
    Document.filing_status,
    Document.created_at,
    Akte.confidentiality.label("akte_confidentiality"),
    Akte.file_plan_code,
    Akte.aktenzeichen,
    search_texts.c.title,
    search_texts.c.metadata_text,
    search_texts.c.body,
)


def entries(session: Session, document_ids: Iterable[str]) -> list[Entry]:
    """The current entries of ``document_ids``; those without search text are removals."""
    wanted = list(dict.fromkeys(document_ids))
    found: dict[str, Entry] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        statement = _joined().where(Document.id.in_(chunk))
        for row in session.execute(statement):
            found[row.id] = Entry(row.id, _source(row))
    return [found.get(document_id, Entry(document_id, None)) for document_id in wanted]


def entries_after(session: Session, last: str, batch: int) -> list[Entry]:
    """Up to ``batch`` indexed documents' entries with ids after ``last``, in id order."""
    rows = session.execute(
        _joined().where(Document.id > last).order_by(Document.id).limit(batch)
    ).all()
    return [Entry(row.id, _source(row)) for row in rows]


def indexed_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(search_texts)) or 0


def documents_of_akten(session: Session, akte_ids: Sequence[str]) -> list[str]:
    if not akte_ids:
        return []
    return list(session.scalars(select(Document.id).where(Document.akte_id.in_(akte_ids))))


def _joined() -> Any:
    return (
        select(*_COLUMNS)
        .join(search_texts, search_texts.c.document_id == Document.id)
        .outerjoin(Akte, Akte.id == Document.akte_id)
    )


def _source(row: Any) -> dict[str, Any]:
    source: dict[str, Any] = {
        "document_id": row.id,
        **analysed_fields(row.title, row.metadata_text, row.body),
        "confidentiality": row.confidentiality,
        "filing_status": str(row.filing_status),
        "received_at": row.created_at.astimezone(UTC).isoformat(),
    }
    if row.org_unit is not None:
        source["org_unit"] = row.org_unit
    source["filed"] = row.akte_id is not None
    source["akte_confidentiality"] = NO_AKTE
    if row.akte_id is not None:
        source["akte_id"] = row.akte_id
        source["akte_confidentiality"] = row.akte_confidentiality
        source["plan_codes"] = plan_codes(row.file_plan_code)
        source["aktenzeichen"] = row.aktenzeichen
    return source
