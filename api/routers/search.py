from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ContainerDep, SessionDep, requires
from api.schemas.common import next_offset
from api.schemas.documents import SearchHitOut, SearchOut
from api.urls import document_url
from services.auth.keys import Principal
from services.auth.permissions import Permission

router = APIRouter(prefix="/api/v1/search", tags=["search"])


@router.get("", response_model=SearchOut, summary="Full-text search with German stemming")
def search(
    session: SessionDep,
    container: ContainerDep,
    _: Annotated[Principal, requires(Permission.SEARCH)],
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchOut:
    page = container.search.search(session, q, limit=limit, offset=offset)
    return SearchOut(
        query=q,
        total=page.total,
        limit=limit,
        offset=offset,
        next_offset=next_offset(limit=limit, offset=offset, total=page.total),
        hits=[
            SearchHitOut(
                document_id=hit.document_id,
                title=hit.title,
                score=hit.score,
                snippet=hit.snippet,
                url=document_url(hit.document_id),
            )
            for hit in page.hits
        ],
    )
