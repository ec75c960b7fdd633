"""Page work before filing: split, merge, rotate and drop pages of unfiled mail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters import document_summary
from api.schemas.pagework import (
    LineageOut,
    PageOriginOut,
    PageworkIn,
    PageworkOut,
    PageworkResultOut,
    ProposalOut,
    ProposalsOut,
    SupersessionOut,
)
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import DerivedPage
from services.pagework.apply import apply_pagework
from services.pagework.plan import PageworkRequest
from services.pagework.proposal import proposals_for
from services.pagework.queries import lineage, open_task_ids

router = APIRouter(prefix="/api/v1/documents", tags=["page work"])
Reader = Annotated[Scope, requires(Permission.READ_DOCUMENTS)]
Reviewer = Annotated[Scope, requires(Permission.REVIEW)]


@router.post(
    "/{document_id}/pagework",
    response_model=PageworkOut,
    summary="Split, merge, rotate, drop pages: new documents, the sources stay unchanged",
)
def pagework(
    document_id: str,
    body: PageworkIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Reviewer,
) -> PageworkOut:
    request = PageworkRequest(
        append=tuple(body.append),
        rotate=_rotations(body),
        drop=frozenset(body.drop),
        split_before=frozenset(body.split_before),
    )
    applied = apply_pagework(
        session,
        scope,
        container.store,
        container.search,
        document_id,
        request,
        settings=container.settings,
        clock=container.clock,
    )
    origins = _by_document(applied.derived)
    return PageworkOut(
        operation_id=applied.operation.id,
        kinds=request.kinds,
        sources=[document_summary(d) for d in applied.sources],
        results=[
            PageworkResultOut(
                document=document_summary(result),
                org_unit=result.org_unit,
                confidentiality=result.confidentiality,
                pages=origins.get(result.id, []),
            )
            for result in applied.results
        ],
    )


@router.get(
    "/{document_id}/pagework/proposal",
    response_model=ProposalsOut,
    summary="Blank pages and separator sheets proposed for dropping",
)
def proposal(
    document_id: str, session: SessionDep, container: ContainerDep, scope: Reviewer
) -> ProposalsOut:
    document, found = proposals_for(
        session, scope, container.store, document_id, settings=container.settings
    )
    return ProposalsOut(
        document_id=document.id,
        pages=document.page_count,
        proposals=[ProposalOut(page=p.page, kind=p.kind, reason=p.reason) for p in found],
    )


@router.get(
    "/{document_id}/pagework",
    response_model=LineageOut,
    summary="Where a document's pages came from, and what replaced it",
)
def document_lineage(document_id: str, session: SessionDep, scope: Reader) -> LineageOut:
    found = lineage(session, scope, document_id)
    superseded = None
    if found.supersession is not None:
        superseded = SupersessionOut(
            operation_id=found.supersession.operation_id,
            superseded_at=found.supersession.superseded_at,
            superseded_by=found.supersession.superseded_by,
            successors=[document_summary(d) for d in found.successors],
        )
    ids = [found.document.id, *(d.id for d in found.successors)]
    return LineageOut(
        document_id=found.document.id,
        superseded=superseded,
        derived_from=[_origin(page) for page in found.origin],
        sources=[document_summary(d) for d in found.sources],
        open_review_tasks=open_task_ids(session, scope, ids)
        if scope.may(Permission.REVIEW)
        else {},
    )


def _rotations(body: PageworkIn) -> dict[int, int]:
    """Turns of the same page add up."""
    turns: dict[int, int] = {}
    for rotation in body.rotate:
        turns[rotation.page] = turns.get(rotation.page, 0) + rotation.degrees
    return turns


def _origin(page: DerivedPage) -> PageOriginOut:
    return PageOriginOut(
        page=page.page_number,
        source_document_id=page.source_document_id,
        source_page=page.source_page,
        rotated=page.rotated,
    )


def _by_document(pages: list[DerivedPage]) -> dict[str, list[PageOriginOut]]:
    grouped: dict[str, list[PageOriginOut]] = {}
    for page in pages:
        grouped.setdefault(page.document_id, []).append(_origin(page))
    return grouped
