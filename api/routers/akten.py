"""Akten and their Vorgänge: open, read, close, reopen, share; the documents filed in them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters import document_summary
from api.presenters_records import akte_out, akte_summary, vorgang_out
from api.schemas.common import Offset, PageOut, page_out
from api.schemas.documents import ConfidentialityIn, DocumentSummaryOut
from api.schemas.records import (
    AkteEventIn,
    AkteEventOut,
    AkteIn,
    AkteOut,
    AkteSummaryOut,
    CloseAkteIn,
    ShareIn,
    ShareOut,
    VorgangIn,
    VorgangOut,
)
from services.access.confidentiality import Confidentiality
from services.access.levels import set_akte_level
from services.access.roles import Permission
from services.access.scope import Scope
from services.access.shares import NewShare, revoke_share, share_akte, shares_of
from services.db.models import AkteShare, ShareAccess, ShareGrantee
from services.records.akten import NewAkte, close_akte, create_akte, reopen_akte, unit_of_code
from services.records.events import NewAkteEvent, akte_events, record_akte_event
from services.records.file_plans import active_plan
from services.records.queries import akte_documents, get_akte, get_vorgang, list_akten
from services.records.subject_keys import subject_key
from services.records.vorgaenge import close_vorgang, create_vorgang, reopen_vorgang

router = APIRouter(prefix="/api/v1", tags=["akten"])
Reader = Annotated[Scope, requires(Permission.READ_RECORDS)]
Manager = Annotated[Scope, requires(Permission.MANAGE_RECORDS)]


@router.post("/akten", response_model=AkteOut, status_code=status.HTTP_201_CREATED)
def open_akte(
    body: AkteIn, session: WriteSessionDep, container: ContainerDep, scope: Manager
) -> AkteOut:
    plan = active_plan(session)
    plan.get(body.code)
    scope.require_write_unit(unit_of_code(plan, body.code))
    new = NewAkte(
        code=body.code,
        title=body.title,
        description=body.description,
        subject_keys=[subject_key(k.kind, k.value) for k in body.subject_keys],
        year=body.year,
        opened_on=body.opened_on,
        confidentiality=Confidentiality.parse(body.confidentiality)
        if body.confidentiality
        else None,
    )
    akte = create_akte(
        session,
        plan,
        new,
        actor=scope.actor,
        clock=container.clock,
        may_backdate=scope.may(Permission.MANAGE_RETENTION),
    )
    return akte_out(get_akte(session, scope, akte.id))


@router.get("/akten", response_model=PageOut[AkteSummaryOut], summary="Akten, newest first")
def akten(
    session: SessionDep,
    scope: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    code: Annotated[str | None, Query(max_length=50)] = None,
    status_filter: Annotated[str | None, Query(alias="status", max_length=16)] = None,
    org_unit: Annotated[str | None, Query(max_length=100)] = None,
    subject_kind: Annotated[str | None, Query(description="with subject_value")] = None,
    subject_value: Annotated[
        str | None, Query(max_length=300, description="typed as for a new Akte")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="part of the Aktenzeichen, title or a subject key"),
    ] = None,
) -> PageOut[AkteSummaryOut]:
    subject = None
    if subject_kind and subject_value:
        key = subject_key(subject_kind, subject_value)
        subject = (key.kind, key.value)
    page = list_akten(
        session,
        scope,
        limit=limit,
        offset=offset,
        code=code,
        status=status_filter,
        org_unit=org_unit,
        subject=subject,
        text=q,
    )
    return page_out(page, akte_summary)


@router.get("/akten/{akte_id}", response_model=AkteOut)
def akte(akte_id: str, session: SessionDep, scope: Reader) -> AkteOut:
    return akte_out(get_akte(session, scope, akte_id))


@router.post("/akten/{akte_id}/close", response_model=AkteOut, summary="Close (z.d.A.)")
def close(
    akte_id: str,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
    body: CloseAkteIn | None = None,
) -> AkteOut:
    """Close the Akte today, or (a legacy file, records managers only) on ``closed_on``."""
    found = get_akte(session, scope, akte_id)
    scope.require_write_akte(found)
    close_akte(
        session,
        active_plan(session),
        found,
        actor=scope.actor,
        clock=container.clock,
        closed_on=body.closed_on if body else None,
        reason=body.reason if body else None,
        may_backdate=scope.may(Permission.MANAGE_RETENTION),
    )
    return akte_out(found)


@router.post(
    "/akten/{akte_id}/events",
    response_model=AkteEventOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a plan event (e.g. demolition, departure) that starts the retention",
)
def record_event(
    akte_id: str,
    body: AkteEventIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> AkteEventOut:
    found = get_akte(session, scope, akte_id)
    event = record_akte_event(
        session,
        scope,
        active_plan(session),
        found,
        NewAkteEvent(event=body.event, occurred_on=body.occurred_on, note=body.note),
        clock=container.clock,
    )
    return AkteEventOut.model_validate(event, from_attributes=True)


@router.get(
    "/akten/{akte_id}/events", response_model=list[AkteEventOut], summary="The Akte's plan events"
)
def events(akte_id: str, session: SessionDep, scope: Reader) -> list[AkteEventOut]:
    return [
        AkteEventOut.model_validate(e, from_attributes=True)
        for e in akte_events(session, scope, akte_id)
    ]


@router.post("/akten/{akte_id}/reopen", response_model=AkteOut)
def reopen(
    akte_id: str, session: WriteSessionDep, container: ContainerDep, scope: Manager
) -> AkteOut:
    found = get_akte(session, scope, akte_id)
    scope.require_write_akte(found)
    reopen_akte(session, found, actor=scope.actor, clock=container.clock)
    return akte_out(found)


@router.put(
    "/akten/{akte_id}/confidentiality",
    response_model=AkteOut,
    summary="Set the Akte's confidentiality level (xdomea code)",
)
def confidentiality(
    akte_id: str,
    body: ConfidentialityIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> AkteOut:
    found = get_akte(session, scope, akte_id)
    set_akte_level(
        session,
        scope,
        active_plan(session),
        found,
        Confidentiality.parse(body.level),
        reason=body.reason,
        clock=container.clock,
    )
    return akte_out(found)


@router.get("/akten/{akte_id}/documents", response_model=PageOut[DocumentSummaryOut])
def documents(
    akte_id: str,
    session: SessionDep,
    scope: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    vorgang_id: Annotated[str | None, Query(max_length=36)] = None,
) -> PageOut[DocumentSummaryOut]:
    found = get_akte(session, scope, akte_id)
    page = akte_documents(session, scope, found, limit=limit, offset=offset, vorgang_id=vorgang_id)
    return page_out(page, document_summary)


@router.post(
    "/akten/{akte_id}/vorgaenge", response_model=VorgangOut, status_code=status.HTTP_201_CREATED
)
def open_vorgang(
    akte_id: str,
    body: VorgangIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> VorgangOut:
    found = get_akte(session, scope, akte_id)
    scope.require_write_akte(found)
    vorgang = create_vorgang(session, found, body.title, actor=scope.actor, clock=container.clock)
    return vorgang_out(found, vorgang)


@router.get("/akten/{akte_id}/vorgaenge", response_model=list[VorgangOut])
def vorgaenge(akte_id: str, session: SessionDep, scope: Reader) -> list[VorgangOut]:
    found = get_akte(session, scope, akte_id)
    return [vorgang_out(found, v) for v in found.vorgaenge]


@router.get("/vorgaenge/{vorgang_id}", response_model=VorgangOut)
def vorgang(vorgang_id: str, session: SessionDep, scope: Reader) -> VorgangOut:
    found = get_vorgang(session, scope, vorgang_id)
    return vorgang_out(found.akte, found)


@router.post("/vorgaenge/{vorgang_id}/close", response_model=VorgangOut, summary="Close a Vorgang")
def close_one_vorgang(
    vorgang_id: str, session: WriteSessionDep, container: ContainerDep, scope: Manager
) -> VorgangOut:
    found = get_vorgang(session, scope, vorgang_id)
    scope.require_write_akte(found.akte)
    close_vorgang(session, found.akte, found, actor=scope.actor, clock=container.clock)
    return vorgang_out(found.akte, found)


@router.post(
    "/vorgaenge/{vorgang_id}/reopen", response_model=VorgangOut, summary="Reopen a Vorgang"
)
def reopen_one_vorgang(
    vorgang_id: str, session: WriteSessionDep, container: ContainerDep, scope: Manager
) -> VorgangOut:
    found = get_vorgang(session, scope, vorgang_id)
    scope.require_write_akte(found.akte)
    reopen_vorgang(session, found.akte, found, actor=scope.actor, clock=container.clock)
    return vorgang_out(found.akte, found)


@router.get("/akten/{akte_id}/shares", response_model=list[ShareOut], summary="Who else sees it")
def shares(
    akte_id: str,
    session: SessionDep,
    scope: Reader,
    include_revoked: bool = False,
) -> list[ShareOut]:
    found = get_akte(session, scope, akte_id)
    return [_share_out(s) for s in shares_of(session, found, include_revoked=include_revoked)]


@router.post(
    "/akten/{akte_id}/shares",
    response_model=ShareOut,
    status_code=status.HTTP_201_CREATED,
    summary="Share with another unit or a person (read, or read and write)",
)
def share(
    akte_id: str, body: ShareIn, session: WriteSessionDep, container: ContainerDep, scope: Manager
) -> ShareOut:
    found = get_akte(session, scope, akte_id)
    new = NewShare(
        grantee_kind=ShareGrantee(body.grantee_kind),
        grantee=body.grantee,
        access=ShareAccess(body.access),
        valid_until=body.valid_until,
        reason=body.reason,
    )
    return _share_out(share_akte(session, scope, found, new, clock=container.clock))


@router.delete("/akten/{akte_id}/shares/{share_id}", response_model=ShareOut)
def unshare(
    akte_id: str,
    share_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> ShareOut:
    found = get_akte(session, scope, akte_id)
    return _share_out(revoke_share(session, scope, found, share_id, clock=container.clock))


def _share_out(share: AkteShare) -> ShareOut:
    return ShareOut.model_validate(share, from_attributes=True)
