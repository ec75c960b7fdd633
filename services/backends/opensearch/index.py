""":class:`services.ports.SearchIndex` on OpenSearch.

``index_document`` and ``remove_document`` write the search text (``search_texts``) and
an outbox row into the caller's transaction; OpenSearch learns of them after the commit
(:mod:`.sync`).  A search asks OpenSearch for one page of ids under the caller's scope
and filters, then reads their text from the database for titles and snippets, which are
cut by :mod:`services.search.snippets` exactly as on the SQL backends (OpenSearch's own
highlighter would mark the stems it indexed, not the words of the letter).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import column, delete, insert, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import document_visible
from services.backends.opensearch.client import SearchUnavailableError
from services.backends.opensearch.mapping import MAX_RESULT_WINDOW, Alias
from services.backends.opensearch.outbox import enqueue
from services.backends.opensearch.query import search_body
from services.backends.opensearch.tables import search_texts
from services.db.models import Document
from services.ports import IndexableDocument, SearchHit, SearchPage
from services.search.compounds import vocabulary
from services.search.did_you_mean import suggest
from services.search.filters import NO_FILTERS, SearchFilters
from services.search.german_text import prepare
from services.search.query import SearchQuery, bounded_total, check_page, parse_query
from services.search.snippets import make_snippet

SUGGESTION_COUNT_BOUND = 100
MAX_TRACKED = 2**31 - 1
"""The largest ``track_total_hits`` OpenSearch takes (a Java int)."""
"""Candidate queries of "did you mean" are counted up to here."""

_words = table("search_words", column("word"))


class OpenSearchIndex:
    """Search in an OpenSearch cluster; the database keeps the text and the outbox."""

    name = "opensearch"

    def __init__(self, alias: Alias) -> None:
        self._alias = alias

    def index_document(self, session: Session, document: IndexableDocument) -> None:
        title, metadata = prepare(document.title), prepare(document.metadata_text)
        body = prepare("\n\n".join(document.pages))
        session.flush()  # the document row the text refers to
        session.execute(
            delete(search_texts).where(search_texts.c.document_id == document.document_id)
        )
        session.execute(
            insert(search_texts).values(
                document_id=document.document_id,
                title=title,
                metadata_text=metadata,
                body=body,
                updated_at=datetime.now(UTC),
            )
        )
        _remember_words(session, vocabulary(title) | vocabulary(metadata) | vocabulary(body))
        enqueue(session, documents=[document.document_id])

    def remove_document(self, session: Session, document_id: str) -> None:
        session.execute(delete(search_texts).where(search_texts.c.document_id == document_id))
        enqueue(session, documents=[document_id])

    def search(
        self,
        session: Session,
        scope: Scope,
        query: str,
        *,
        limit: int,
        offset: int,
        filters: SearchFilters = NO_FILTERS,
    ) -> SearchPage:
        check_page(limit, offset)
        parsed = parse_query(query)
        if parsed.is_empty:
            return SearchPage(total=0)
        start = min(offset, MAX_RESULT_WINDOW)
        size = max(0, min(limit, MAX_RESULT_WINDOW - start))
        # Counted up to the shared bound (``track_total_hits``), then "more than" it.
        bound = min(bounded_total(offset + limit), MAX_TRACKED)
        body = search_body(parsed, scope, filters, size=size, offset=start, count_bound=bound)
        answer = self._search(body)
        found = answer["hits"]
        total = int(found["total"]["value"])
        lower_bound = found["total"].get("relation") == "gte"
        ids = [hit["_id"] for hit in found["hits"]]
        scores = {hit["_id"]: float(hit["_score"] or 0.0) for hit in found["hits"]}
        texts = _visible_texts(session, scope, ids)
        stems = parsed.stems
        hits = [
            SearchHit(
                document_id=document_id,
                score=scores[document_id],
                title=texts[document_id].title,
                snippet=make_snippet(
                    (texts[document_id].body, texts[document_id].metadata_text), stems
                ),
            )
            for document_id in ids
            if document_id in texts
        ]
        hint = suggest(
            parsed,
            total,
            lambda words: _known_words(session, words),
            lambda candidate: self._count(candidate, scope, filters),
        )
        return SearchPage(
            total=total, hits=hits, total_is_lower_bound=lower_bound, did_you_mean=hint
        )

    def _count(self, query: SearchQuery, scope: Scope, filters: SearchFilters) -> int:
        body = search_body(
            query, scope, filters, size=0, offset=0, count_bound=SUGGESTION_COUNT_BOUND
        )
        return int(self._search(body)["hits"]["total"]["value"])

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            self._alias.ensure()
            answer: dict[str, Any] = self._alias.client.search(index=self._alias.name, body=body)
        except Exception as exc:  # opensearch-py's transport and HTTP errors
            raise SearchUnavailableError(f"OpenSearch search failed: {exc}") from exc
        return answer


def _visible_texts(session: Session, scope: Scope, ids: list[str]) -> dict[str, Any]:
    """The stored text of the page's documents, checked against the database's rule too.

    The index learns of a change a moment after its commit; checking the page's few ids
    against the database keeps a document out of sight in that moment as well.
    """
    if not ids:
        return {}
    statement = select(search_texts).where(search_texts.c.document_id.in_(ids))
    if not scope.sees_everything:
        visible = select(Document.id).where(Document.id.in_(ids), document_visible(scope))
        statement = statement.where(search_texts.c.document_id.in_(visible))
    return {row.document_id: row for row in session.execute(statement)}


def _known_words(session: Session, words: Collection[str]) -> set[str]:
    if not words:
        return set()
    rows = session.scalars(select(_words.c.word).where(_words.c.word.in_(sorted(words))))
    return set(rows)


def _remember_words(session: Session, words: set[str]) -> None:
    """Add the words to the shared ``search_words`` vocabulary of "did you mean"."""
    if not words:
        return
    dialect = session.get_bind().dialect.name
    insert_words = postgresql.insert(_words) if dialect == "postgresql" else sqlite.insert(_words)
    session.execute(
        insert_words.on_conflict_do_nothing(), [{"word": word} for word in sorted(words)]
    )
