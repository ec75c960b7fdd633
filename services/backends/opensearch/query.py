"""Search requests: the parsed query, the caller's visibility and the filters as one body.

The visibility rule of :func:`services.access.visibility.document_visible` and the
filters of :class:`services.search.filters.SearchFilters` become a ``bool`` filter, so
OpenSearch counts and ranks visible documents only, never filtering afterwards.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from services.access.scope import Scope
from services.backends.opensearch.documents import NO_AKTE
from services.backends.opensearch.mapping import TEXT_FIELDS
from services.search.filters import SearchFilters
from services.search.german_text import STOPWORD_PLACEHOLDER, is_stopword, stem
from services.search.query import SearchQuery

_BOOSTED = [f"{name}^{boost:g}" for name, boost in TEXT_FIELDS.items()]


def text_query(query: SearchQuery) -> dict[str, Any]:
    """Every group must match in some field; a group of several words as a phrase.

    The terms are stems computed here, joined by spaces: the whitespace analyzer of the
    fields cannot turn user input into query syntax.
    """
    must = []
    for group in query.groups:
        terms = " ".join(STOPWORD_PLACEHOLDER if is_stopword(w) else stem(w) for w in group)
        kind = "phrase" if len(group) > 1 else "best_fields"
        must.append({"multi_match": {"query": terms, "fields": _BOOSTED, "type": kind}})
    return {"bool": {"must": must}}


def visibility_filter(scope: Scope) -> list[dict[str, Any]]:
    """The conditions of ``document_visible(scope)`` on the entries' fields."""
    if scope.sees_everything:
        return []
    if not scope.reads_content:
        return [{"match_none": {}}]
    levels = sorted(scope.levels)
    unfiled = {"term": {"filed": False}}
    conditions: list[dict[str, Any]] = [
        {"terms": {"confidentiality": levels}},
        {"terms": {"akte_confidentiality": [*levels, NO_AKTE]}},
    ]
    if scope.all_units:
        return conditions
    reach: list[dict[str, Any]] = []
    if scope.units:
        reach.append({"terms": {"org_unit": sorted(scope.units)}})
    if scope.shared_read:
        reach.append({"terms": {"akte_id": sorted(scope.shared_read)}})
    if scope.unfiled_mail:
        reach.append(unfiled)
    conditions.append(_any(reach) if reach else {"match_none": {}})
    return conditions


def filter_conditions(filters: SearchFilters) -> list[dict[str, Any]]:
    """The conditions of ``filters.conditions()`` on the entries' fields."""
    found: list[dict[str, Any]] = []
    if filters.code:
        found.append({"term": {"plan_codes": filters.code}})
    if filters.aktenzeichen:
        found.append({"term": {"aktenzeichen": filters.aktenzeichen}})
    received: dict[str, str] = {}
    if filters.received_from is not None:
        received["gte"] = filters.received_from.astimezone(UTC).isoformat()
    if filters.received_before is not None:
        received["lt"] = filters.received_before.astimezone(UTC).isoformat()
    if received:
        found.append({"range": {"received_at": received}})
    if filters.filing_status:
        found.append({"term": {"filing_status": filters.filing_status}})
    return found


def search_body(
    query: SearchQuery,
    scope: Scope,
    filters: SearchFilters,
    *,
    size: int,
    offset: int,
    count_bound: int | None,
) -> dict[str, Any]:
    """The request body of one page; ties are broken by document id as on the SQL backends."""
    text = text_query(query)
    text["bool"]["filter"] = visibility_filter(scope) + filter_conditions(filters)
    return {
        "query": text,
        "size": size,
        "from": offset,
        "sort": [{"_score": "desc"}, {"document_id": "asc"}],
        "track_total_hits": True if count_bound is None else count_bound,
    }


def _any(conditions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"should": conditions, "minimum_should_match": 1}}
