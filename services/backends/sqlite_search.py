"""Full-text search on SQLite FTS5 (embedded mode).

FTS5 has no German stemmer, so the index holds Snowball stems computed in Python and
queries are stemmed the same way.  The original text lives in ``search_documents`` for
snippets; see migration ``0002_search_index``.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.ports import IndexableDocument, SearchHit, SearchPage
from services.search.compounds import index_parts, vocabulary
from services.search.filters import NO_FILTERS, SearchFilters
from services.search.german_text import (
    STOPWORD_PLACEHOLDER,
    is_stopword,
    prepare,
    stem,
    stemmed_text,
)
from services.search.query import SearchQuery, check_page, parse_query
from services.search.scoping import visibility_condition
from services.search.snippets import make_snippet

BM25_WEIGHTS = (5.0, 2.0, 1.0, 0.5)
"""Column weights for title, metadata, body and compound parts (Postgres' A, B, C, D)."""

_INSERT_ORIGINAL = text(
    "INSERT INTO search_documents (document_id, title, metadata_text, body) "
    "VALUES (:document_id, :title, :metadata_text, :body) RETURNING id"
)
_INSERT_STEMS = text(
    "INSERT INTO search_fts (rowid, title, metadata, body, parts) "
    "VALUES (:id, :title, :metadata, :body, :parts)"
)
_INSERT_WORDS = text(
    "INSERT OR IGNORE INTO search_words (word) SELECT value FROM json_each(:words)"
)
# The trigger search_documents_delete_fts removes the FTS row.
_DELETE = text("DELETE FROM search_documents WHERE document_id = :document_id")
_SEARCH = """
    WITH matches AS MATERIALIZED (  -- bm25() cannot run inside a window query
        SELECT rowid AS id, bm25(search_fts, {weights}) AS rank
        FROM search_fts WHERE search_fts MATCH :query
    ), visible AS MATERIALIZED (
        SELECT m.id, m.rank FROM matches AS m JOIN search_documents AS d ON d.id = m.id
        WHERE {visible}
    ), ranked AS (
        SELECT id, rank, count(*) OVER () AS total FROM visible
        ORDER BY rank, id LIMIT :limit OFFSET :offset
    )
    SELECT d.document_id, d.title, d.metadata_text, d.body, ranked.rank, ranked.total
    FROM ranked JOIN search_documents AS d ON d.id = ranked.id
    ORDER BY ranked.rank, ranked.id
"""
_COUNT = """
    SELECT count(*) FROM search_fts JOIN search_documents AS d ON d.id = search_fts.rowid
    WHERE search_fts MATCH :query AND {visible}
"""


class SqliteFtsSearchIndex:
    """:class:`services.ports.SearchIndex` on SQLite FTS5; ranks with bm25."""

    name = "sqlite"

    def index_document(self, session: Session, document: IndexableDocument) -> None:
        title, metadata = prepare(document.title), prepare(document.metadata_text)
        body = prepare("\n\n".join(document.pages))
        self.remove_document(session, document.document_id)
        row_id = session.execute(
            _INSERT_ORIGINAL,
            {
                "document_id": document.document_id,
                "title": title,
                "metadata_text": metadata,
                "body": body,
            },
        ).scalar_one()
        session.execute(_INSERT_STEMS, {"id": row_id, **fts_columns(title, metadata, body)})
        session.execute(_INSERT_WORDS, {"words": words_json(title, metadata, body)})

    def remove_document(self, session: Session, document_id: str) -> None:
        session.execute(_DELETE, {"document_id": document_id})

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
        visible, params = visibility_condition(
            scope, "d.document_id", filters, session.get_bind().dialect
        )
        params["query"] = to_fts5(parsed)
        weights = ", ".join(map(str, BM25_WEIGHTS))
        rows = session.execute(
            text(_SEARCH.format(weights=weights, visible=visible)),
            {**params, "limit": limit, "offset": offset},
        ).all()
        if rows:
            total = int(rows[0].total)
        elif offset or not limit:  # no row to read the window count from
            total = session.execute(text(_COUNT.format(visible=visible)), params).scalar_one()
        else:
            total = 0
        stems = parsed.stems
        hits = [
            SearchHit(
                document_id=row.document_id,
                score=-float(row.rank),
                title=row.title,
                snippet=make_snippet((row.body, row.metadata_text), stems),
            )
            for row in rows
        ]
        return SearchPage(total=total, hits=hits)


def fts_columns(title: str, metadata: str, body: str) -> dict[str, str]:
    """The FTS5 columns of one document's prepared texts (also used by migrations)."""
    return {
        "title": stemmed_text(title),
        "metadata": stemmed_text(metadata),
        "body": stemmed_text(body),
        "parts": stemmed_text(index_parts("\n".join((title, metadata, body)))),
    }


def words_json(*texts: str) -> str:
    """The "did you mean" vocabulary of texts as a JSON array (for ``json_each``)."""
    return json.dumps(sorted(set().union(*(vocabulary(text) for text in texts))))


def to_fts5(query: SearchQuery) -> str:
    """FTS5 MATCH expression: every group is a quoted phrase of stems, ANDed together.

    Stems contain only letters and digits, and each is quoted anyway, so no user input
    can reach the FTS5 query syntax.
    """
    phrases = (
        " ".join(STOPWORD_PLACEHOLDER if is_stopword(word) else stem(word) for word in group)
        for group in query.groups
    )
    return " AND ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)
