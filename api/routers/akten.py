"""Akten and their Vorgänge: open, read, close, reopen; the documents filed in them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters import document_summary
from api.presenters_records import akte_out, akte_summary, vorgang_out
from api.schemas.common import PageOut, page_out
from api.schemas.documents import DocumentSummaryOut
from api.schemas.records import AkteIn, AkteOut, AkteSummaryOut, VorgangIn, VorgangOut
from services.audit.trail import actor_of
from services.auth.keys import Principal
from services.auth.permissions import Permission, require_unit
from services.records.akten import (
    NewAkte,
    close_akte,
    create_akte,
    reopen_akte,
    unit_of_code,
)
from services.records.file_plans import active_plan
from services.records.queries import akte_documents, get_akte, get_vorgang, list_akten
from services.records.subject_keys import subject_key
from services.records.vorgaenge import create_vorgang

router = APIRouter(prefix="/api/v1", tags=["akten"])
Reader = Annotated[Principal, requires(Permission.READ_RECORDS)]
Manager = Annotated[Principal, requires(Permission.MANAGE_RECORDS)]


@router.post("/akten", response_model=AkteOut, status_code=status.HTTP_201_CREATED)
def open_akte(
    body: AkteIn, session: WriteSessionDep, container: ContainerDep, principal: Manager
) -> AkteOut:
    plan = active_plan(session)
    plan.get(body.code)
    require_unit(principal, unit_of_code(plan, body.code))
    new = NewAkte(
        code=body.code,
        title=body.title,
        description=body.description,
        subject_keys=[subject_key(k.kind, k.value) for k in body.subject_keys],
        year=body.year,
    )
    akte = create_akte(session, plan, new, actor=actor_of(principal), clock=container.clock)
    return akte_out(get_akte(session, akte.id))


@router.get("/akten", response_model=PageOut[AkteSummaryOut], summary="Akten, newest first")
def akten(
    session: SessionDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    code: str | None = None,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
    org_unit: str | None = None,
    subject_kind: Annotated[str | None, Query(description="with subject_value")] = None,
    subject_value: Annotated[str | None, Query(description="typed as for a new Akte")] = None,
) -> PageOut[AkteSummaryOut]:
    subject = None
    if subject_kind and subject_value:
        key = subject_key(subject_kind, subject_value)
        subject = (key.kind, key.value)
    page = list_akten(
        session,
        limit=limit,
        offset=offset,
        code=code,
        status=status_filter,
        org_unit=org_unit,
        subject=subject,
    )
    return page_out(page, akte_summary)


@router.get("/akten/{akte_id}", response_model=AkteOut)
def akte(akte_id: str, session: SessionDep, _: Reader) -> AkteOut:
    return akte_out(get_akte(session, akte_id))


@router.post("/akten/{akte_id}/close", response_model=AkteOut, summary="Close (z.d.A.)")
def close(
    akte_id: str, session: WriteSessionDep, container: ContainerDep, principal: Manager
) -> AkteOut:
    found = get_akte(session, akte_id)
    require_unit(principal, found.org_unit)
    close_akte(
        session, active_plan(session), found, actor=actor_of(principal), clock=container.clock
    )
    return akte_out(found)


@router.post("/akten/{akte_id}/reopen", response_model=AkteOut)
def reopen(
    akte_id: str, session: WriteSessionDep, container: ContainerDep, principal: Manager
) -> AkteOut:
    found = get_akte(session, akte_id)
    require_unit(principal, found.org_unit)
    reopen_akte(session, found, actor=actor_of(principal), clock=container.clock)
    return akte_out(found)


@router.get("/akten/{akte_id}/documents", response_model=PageOut[DocumentSummaryOut])
def documents(
    akte_id: str,
    session: SessionDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    vorgang_id: str | None = None,
) -> PageOut[DocumentSummaryOut]:
    get_akte(session, akte_id)
    page = akte_documents(session, akte_id, limit=limit, offset=offset, vorgang_id=vorgang_id)
    return page_out(page, document_summary)


@router.post(
    "/akten/{akte_id}/vorgaenge", response_model=VorgangOut, status_code=status.HTTP_201_CREATED
)
def open_vorgang(
    akte_id: str,
    body: VorgangIn,
    session: WriteSessionDep,
    container: ContainerDep,
    principal: Manager,
) -> VorgangOut:
    found = get_akte(session, akte_id)
    require_unit(principal, found.org_unit)
    vorgang = create_vorgang(
        session, found, body.title, actor=actor_of(principal), clock=container.clock
    )
    return vorgang_out(found, vorgang)


@router.get("/akten/{akte_id}/vorgaenge", response_model=list[VorgangOut])
def vorgaenge(akte_id: str, session: SessionDep, _: Reader) -> list[VorgangOut]:
    found = get_akte(session, akte_id)
    return [vorgang_out(found, v) for v in found.vorgaenge]


@router.get("/vorgaenge/{vorgang_id}", response_model=VorgangOut)
def vorgang(vorgang_id: str, session: SessionDep, _: Reader) -> VorgangOut:
    found = get_vorgang(session, vorgang_id)
    return vorgang_out(found.akte, found)
