"""Full-text search over what the caller may see; each hit shown is an audit event."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ContainerDep, WriteSessionDep, requires
from api.schemas.common import next_offset
from api.schemas.documents import SearchHitOut, SearchOut
from api.urls import document_url
from services.access.roles import Permission
from services.access.scope import Scope
from services.documents.reading import record_snippets_shown

router = APIRouter(prefix="/api/v1/search", tags=["search"])


@router.get("", response_model=SearchOut, summary="Full-text search with German stemming")
def search(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Annotated[Scope, requires(Permission.SEARCH)],
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchOut:
    page = container.search.search(session, scope, q, limit=limit, offset=offset)
    record_snippets_shown(
        session, scope, q, [hit.document_id for hit in page.hits], clock=container.clock
    )
    return SearchOut(
        query=q,
        total=page.total,
        limit=limit,
        offset=offset,
        next_offset=next_offset(limit=limit, offset=offset, total=page.total),
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
