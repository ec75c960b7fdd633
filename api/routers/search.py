"""Full-text search over what the caller may see; each hit shown is an audit event."""

from __future__ import annotations

import html
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ContainerDep, WriteSessionDep, requires
from api.schemas.common import next_offset
from api.schemas.documents import SearchHitOut, SearchOut
from api.urls import document_url
from services.access.roles import Permission
from services.access.scope import Scope
from services.documents.reading import record_snippets_shown
from services.ports import SearchPage
from services.search.filters import SearchFilters

router = APIRouter(prefix="/api/v1/search", tags=["search"])

MAX_OFFSET = 10_000


@router.get("", response_model=SearchOut, summary="Full-text search with German stemming")
def search(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Annotated[Scope, requires(Permission.SEARCH)],
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    code: Annotated[
        str | None, Query(max_length=50, description="file-plan code; sub-codes match too")
    ] = None,
    aktenzeichen: Annotated[str | None, Query(max_length=100)] = None,
    received_from: Annotated[date | None, Query(description="first day of receipt")] = None,
    received_to: Annotated[date | None, Query(description="last day of receipt")] = None,
    filing_status: Annotated[
        str | None, Query(max_length=32, description="unfiled, in_review, auto_filed, filed")
    ] = None,
) -> SearchOut:
    filters = SearchFilters.of(
        code=code,
        aktenzeichen=aktenzeichen,
        received_from=received_from,
        received_to=received_to,
        filing_status=filing_status,
    )
    page = container.search.search(session, scope, q, limit=limit, offset=offset, filters=filters)
    record_snippets_shown(
        session, scope, q, [hit.document_id for hit in page.hits], clock=container.clock
    )
    return SearchOut(
        query=q,
        total=page.total,
        total_is_lower_bound=page.total_is_lower_bound,
        limit=limit,
        offset=offset,
        next_offset=_next_offset(limit, offset, page),
        did_you_mean=page.did_you_mean,
        hits=[
            SearchHitOut(
                document_id=hit.document_id,
                title=html.escape(hit.title),
                score=hit.score,
                snippet=hit.snippet,
                url=document_url(hit.document_id),
            )
            for hit in page.hits
        ],
    )


def _next_offset(limit: int, offset: int, page: SearchPage) -> int | None:
    """As for any list; past a bounded total ("more than N") there is always a next page."""
    if page.total_is_lower_bound and offset + limit >= page.total:
        return offset + limit if offset + limit <= MAX_OFFSET else None
    return next_offset(limit=limit, offset=offset, total=page.total)
