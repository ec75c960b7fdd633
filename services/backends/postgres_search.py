"""Full-text search on PostgreSQL with the ``german`` text search configuration.

Words are split and normalised in Python (see :mod:`services.search.german_text`) and
handed to ``to_tsvector``/``plainto_tsquery`` as plain space-separated words, so both
backends agree on what a word is; PostgreSQL does the stemming and drops stop words.

Limits of ``tsvector`` that SQLite does not have: word positions stop at 16,383, so a
phrase far into a very long document may not match; and a body with more distinct
words than fit into 1 MiB is cut (see :func:`fit_tsvector`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.ports import IndexableDocument, SearchHit, SearchPage
from services.search.compounds import index_parts, vocabulary
from services.search.did_you_mean import suggest
from services.search.filters import NO_FILTERS, SearchFilters
from services.search.german_text import is_stopword, normalized_words, prepare, stem
from services.search.query import (
    SearchQuery,
    bounded_total,
    candidates_to_rank,
    check_page,
    parse_query,
)
from services.search.scoping import visibility_condition
from services.search.snippets import SNIPPET_SOURCE_CHARS, make_snippet

RANK_NORMALIZATION = 1
"""``ts_rank_cd`` divides by 1 + log(document length), so long documents do not win by
size alone (bm25 on SQLite normalises for length too)."""

TSVECTOR_BUDGET = 800_000
"""Estimated bytes of body lexemes we allow; PostgreSQL refuses a tsvector over 1 MiB."""
PARTS_BUDGET = 100_000
"""The same for the compound parts, which share the tsvector."""

TSV_SQL = (
    "setweight(to_tsvector('german', CAST(:title_words AS text)), 'A')"
    " || setweight(to_tsvector('german', CAST(:metadata_words AS text)), 'B')"
    " || setweight(to_tsvector('german', CAST(:body_words AS text)), 'C')"
    " || setweight(to_tsvector('german', CAST(:parts_words AS text)), 'D')"
)
"""The weighted tsvector: title A, metadata B, body C, compound parts D (lowest)."""
HEAD_TSV_SQL = (
    "setweight(to_tsvector('german', CAST(:title_words AS text)), 'A')"
    " || setweight(to_tsvector('german', CAST(:metadata_words AS text)), 'B')"
)
"""Title and metadata alone: their matches are always ranked (see ``_RANK_CANDIDATES``)."""

_UPSERT = text(
    f"""
    INSERT INTO search_documents (document_id, title, metadata_text, body, tsv, head_tsv)
    VALUES (:document_id, :title, :metadata_text, :body, {TSV_SQL}, {HEAD_TSV_SQL})
    ON CONFLICT (document_id) DO UPDATE SET
        title = excluded.title, metadata_text = excluded.metadata_text,
        body = excluded.body, tsv = excluded.tsv, head_tsv = excluded.head_tsv
    """
)
_INSERT_WORDS = text(
    "INSERT INTO search_words (word) SELECT unnest(CAST(:words AS text[])) ON CONFLICT DO NOTHING"
)
_DELETE = text("DELETE FROM search_documents WHERE document_id = :document_id")
_KNOWN = text("SELECT word FROM search_words WHERE word = ANY(CAST(:words AS text[]))")
_COUNT = """
    SELECT count(*) FROM (
        SELECT 1 FROM search_documents WHERE tsv @@ {tsquery} AND {visible} LIMIT :bound
    ) AS found
"""
# The snippet reads the first SNIPPET_SOURCE_CHARS of a body only: a long body is not
# de-TOASTed whole for each hit.
_PAGE = f"""
    SELECT d.document_id, d.title, substr(d.metadata_text, 1, {SNIPPET_SOURCE_CHARS})
           AS metadata_text, substr(d.body, 1, {SNIPPET_SOURCE_CHARS}) AS body, r.score
    FROM ranked AS r JOIN search_documents AS d USING (document_id)
    ORDER BY r.score DESC, r.document_id
"""
_RANK_ALL = (
    """
    WITH ranked AS MATERIALIZED (
        SELECT document_id, ts_rank_cd(tsv, {tsquery}, {norm}) AS score
        FROM search_documents WHERE tsv @@ {tsquery} AND {visible}
        ORDER BY score DESC, document_id LIMIT :limit OFFSET :offset
    )"""
    + _PAGE
)
# More hits than the bound: ts_rank_cd (which reads each row's whole tsvector) runs over
# a bounded set of candidates: every match in title or metadata (these rank highest; up
# to the bound) and the first matches in storage order.
_RANK_CANDIDATES = (
    """
    WITH candidates AS MATERIALIZED (
        (SELECT document_id FROM search_documents
         WHERE head_tsv @@ {tsquery} AND {visible} LIMIT :candidates)
        UNION
        (SELECT document_id FROM search_documents
         WHERE tsv @@ {tsquery} AND {visible} LIMIT :candidates)
    ), ranked AS MATERIALIZED (
        SELECT document_id, ts_rank_cd(tsv, {tsquery}, {norm}) AS score
        FROM search_documents JOIN candidates USING (document_id)
        ORDER BY score DESC, document_id LIMIT :limit OFFSET :offset
    )"""
    + _PAGE
)


class PostgresSearchIndex:
    """:class:`services.ports.SearchIndex` on PostgreSQL; ranks with ``ts_rank_cd``."""

    name = "postgres"

    def index_document(self, session: Session, document: IndexableDocument) -> None:
        title, metadata = prepare(document.title), prepare(document.metadata_text)
        body = prepare("\n\n".join(document.pages))
        session.execute(
            _UPSERT,
            {
                "document_id": document.document_id,
                "title": title,
                "metadata_text": metadata,
                "body": body,
                **tsv_params(title, metadata, body),
            },
        )
        # Sorted, so concurrent indexers take the words' index locks in one order.
        found = sorted(set().union(vocabulary(title), vocabulary(metadata), vocabulary(body)))
        session.execute(_INSERT_WORDS, {"words": found})

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
        visible, visible_params = visibility_condition(
            scope, "document_id", filters, session.get_bind().dialect
        )
        total = bounded_total(offset + limit)

        def count(candidate: SearchQuery) -> int:
            tsquery, params = to_tsquery_sql(candidate)
            return int(
                session.execute(
                    text(_COUNT.format(tsquery=tsquery, visible=visible)),
                    {**params, **visible_params, "bound": total + 1},
                ).scalar_one()
            )

        found = count(parsed)
        tsquery, params = to_tsquery_sql(parsed)
        candidates = candidates_to_rank(found, offset + limit)
        template = _RANK_ALL if candidates is None else _RANK_CANDIDATES
        sql = template.format(tsquery=tsquery, visible=visible, norm=RANK_NORMALIZATION)
        window = {**params, **visible_params, "limit": limit, "offset": offset}
        rows = (
            session.execute(text(sql), window | {"candidates": candidates}).all() if limit else []
        )
        stems = parsed.stems
        hits = [
            SearchHit(
                document_id=row.document_id,
                score=float(row.score),
                title=row.title,
                snippet=make_snippet((row.body, row.metadata_text), stems),
            )
            for row in rows
        ]

        def known(words: Collection[str]) -> set[str]:
            return set(session.scalars(_KNOWN, {"words": sorted(words)}))

        return SearchPage(
            total=min(found, total),
            hits=hits,
            total_is_lower_bound=found > total,
            did_you_mean=suggest(parsed, found, known, count),
        )


def tsv_params(title: str, metadata: str, body: str) -> dict[str, str]:
    """Bind parameters of :data:`TSV_SQL` for one document's prepared texts."""
    return {
        "title_words": " ".join(normalized_words(title)),
        "metadata_words": " ".join(normalized_words(metadata)),
        "body_words": " ".join(fit_tsvector(normalized_words(body))),
        "parts_words": " ".join(
            fit_tsvector(index_parts("\n".join((title, metadata, body))).split(), PARTS_BUDGET)
        ),
    }


def fit_tsvector(words: list[str], budget: int = TSVECTOR_BUDGET) -> list[str]:
    """Cut ``words`` where their tsvector would grow past ``budget`` bytes.

    Only very large scans with many distinct words (numbers, names, OCR noise) reach the
    limit; their tail is then not searchable on PostgreSQL, but indexing does not fail.
    The estimate errs on the large side: per lexeme a 4-byte entry, the lexeme, padding
    and a position count; 2 bytes per position, at most 256 positions.
    """
    positions: dict[str, int] = {}
    size = 0
    for index, word in enumerate(words):
        if is_stopword(word):
            continue
        lexeme = stem(word)
        seen = positions.get(lexeme, 0)
        if not seen:
            size += 4 + len(lexeme.encode()) + 3
        if seen < 256:
            size += 2
        positions[lexeme] = seen + 1
        if size > budget:
            return words[:index]
    return words


def to_tsquery_sql(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    """SQL for the tsquery and its bind parameters; user text is only ever a parameter.

    ``plainto_tsquery``/``phraseto_tsquery`` accept any text without a syntax error; a
    phrase keeps its inner stop words as gaps, exactly like the index.
    """
    parts: list[str] = []
    params: dict[str, Any] = {}
    for index, group in enumerate(query.groups):
        function = "phraseto_tsquery" if len(group) > 1 else "plainto_tsquery"
        parts.append(f"{function}('german', CAST(:q{index} AS text))")
        params[f"q{index}"] = " ".join(group)
    return "(" + " && ".join(parts) + ")", params
