"""Full-text search on SQLite FTS5 (embedded mode).

FTS5 has no German stemmer, so the index holds Snowball stems computed in Python and
queries are stemmed the same way.  The original text lives in ``search_documents`` for
snippets; see migration ``0002_search_index``.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.ports import IndexableDocument, SearchHit, SearchPage
from services.search.compounds import index_parts, vocabulary
from services.search.did_you_mean import suggest
from services.search.filters import NO_FILTERS, SearchFilters
from services.search.german_text import (
    STOPWORD_PLACEHOLDER,
    is_stopword,
    prepare,
    stem,
    stemmed_text,
)
from services.search.query import (
    SearchQuery,
    bounded_total,
    candidates_to_rank,
    check_page,
    parse_query,
)
from services.search.scoping import ALL_VISIBLE, visibility_condition
from services.search.snippets import SNIPPET_SOURCE_CHARS, make_snippet

BM25_WEIGHTS = (5.0, 2.0, 1.0, 0.5)
"""Column weights for title, metadata, body and compound parts (Postgres' A, B, C, D)."""
_WEIGHTS = ", ".join(map(str, BM25_WEIGHTS))

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
_JOINED = "search_fts JOIN search_documents AS d ON d.id = search_fts.rowid"
_COUNT = """
    SELECT count(*) FROM (
        SELECT 1 FROM {source} WHERE search_fts MATCH :query AND {visible} LIMIT :bound
    )
"""
_RANK_ALL = """
    SELECT search_fts.rowid AS id, bm25(search_fts, {weights}) AS rank
    FROM {source} WHERE search_fts MATCH :query AND {visible}
    ORDER BY rank, id LIMIT :limit OFFSET :offset
"""
# Many hits: bm25 only for the newest matches (FTS5 walks its rowids backwards and stops)
_NEWEST = """
    SELECT search_fts.rowid AS id, bm25(search_fts, {weights}) AS rank
    FROM {source} WHERE search_fts MATCH :query AND {visible}
    ORDER BY search_fts.rowid DESC LIMIT :candidates
"""
# ... and for the newest matches in title or metadata, which rank highest.
_NEWEST_HEAD = """
    SELECT search_fts.rowid AS id FROM {source}
    WHERE search_fts MATCH :head_query AND {visible}
    ORDER BY search_fts.rowid DESC LIMIT :candidates
"""
_RANK_ONE = """
    SELECT bm25(search_fts, {weights}) FROM search_fts
    WHERE search_fts MATCH :query AND rowid = :id
"""
_HITS = """
    SELECT id, document_id, title, substr(metadata_text, 1, :chars) AS metadata_text,
           substr(body, 1, :chars) AS body
    FROM search_documents WHERE id IN (SELECT value FROM json_each(:ids))
"""
_KNOWN = "SELECT word FROM search_words WHERE word IN (SELECT value FROM json_each(:words))"


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
        total = bounded_total(offset + limit)

        source = "search_fts" if visible == ALL_VISIBLE else _JOINED

        def count(candidate: SearchQuery) -> int:
            return int(
                session.execute(
                    text(_COUNT.format(source=source, visible=visible)),
                    {**params, "query": to_fts5(candidate), "bound": total + 1},
                ).scalar_one()
            )

        found = count(parsed)
        candidates = candidates_to_rank(found, offset + limit)
        if not limit:
            ranked: list[tuple[int, float]] = []
        elif candidates is not None:
            ranked = self._rank_candidates(session, parsed, visible, params | {"n": candidates})
            ranked = ranked[offset : offset + limit]
        else:
            sql = _RANK_ALL.format(weights=_WEIGHTS, source=source, visible=visible)
            window = {**params, "query": to_fts5(parsed), "limit": limit, "offset": offset}
            ranked = [(row.id, row.rank) for row in session.execute(text(sql), window)]
        hits = self._hits(session, [(row_id, -rank) for row_id, rank in ranked], parsed)

        def known(words: Collection[str]) -> set[str]:
            rows = session.scalars(text(_KNOWN), {"words": json.dumps(sorted(words))})
            return set(rows)

        return SearchPage(
            total=min(found, total),
            hits=hits,
            total_is_lower_bound=found > total,
            did_you_mean=suggest(parsed, found, known, count),
        )

    @staticmethod
    def _rank_candidates(
        session: Session, parsed: SearchQuery, visible: str, params: dict[str, Any]
    ) -> list[tuple[int, float]]:
        """(rowid, bm25) of the newest matches and newest title/metadata matches, best first.

        bm25 is computed for these ``params["n"]`` + ``params["n"]`` candidates only.
        """
        source = "search_fts" if visible == ALL_VISIBLE else _JOINED
        query = to_fts5(parsed)
        bound = {**params, "candidates": params["n"]}
        sql = _NEWEST.format(weights=_WEIGHTS, source=source, visible=visible)
        ranked = {row.id: row.rank for row in session.execute(text(sql), bound | {"query": query})}
        head = bound | {"head_query": to_fts5(parsed, "{title metadata}")}
        rank_one = text(_RANK_ONE.format(weights=_WEIGHTS))
        for row_id in session.scalars(
            text(_NEWEST_HEAD.format(source=source, visible=visible)), head
        ):
            if row_id not in ranked:
                ranked[row_id] = session.execute(
                    rank_one, {"query": query, "id": row_id}
                ).scalar_one()
        return sorted(ranked.items(), key=lambda item: (item[1], item[0]))

    @staticmethod
    def _hits(
        session: Session, ranked: list[tuple[int, float]], parsed: SearchQuery
    ) -> list[SearchHit]:
        """The hits in rank order, with snippets from the start of their texts."""
        if not ranked:
            return []
        ids = json.dumps([row_id for row_id, _ in ranked])
        rows = {
            row.id: row
            for row in session.execute(text(_HITS), {"ids": ids, "chars": SNIPPET_SOURCE_CHARS})
        }
        stems = parsed.stems
        return [
            SearchHit(
                document_id=rows[row_id].document_id,
                score=score,
                title=rows[row_id].title,
                snippet=make_snippet((rows[row_id].body, rows[row_id].metadata_text), stems),
            )
            for row_id, score in ranked
        ]


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


def to_fts5(query: SearchQuery, columns: str = "") -> str:
    """FTS5 MATCH expression: every group is a quoted phrase of stems, ANDed together.

    Stems contain only letters and digits, and each is quoted anyway, so no user input
    can reach the FTS5 query syntax.
    """
    phrases = (
        " ".join(STOPWORD_PLACEHOLDER if is_stopword(word) else stem(word) for word in group)
        for group in query.groups
    )
    return " AND ".join(
        columns + ' : "' + phrase.replace('"', '""') + '"' if columns else f'"{phrase}"'
        for phrase in phrases
    )
