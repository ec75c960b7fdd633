"""Retention, legal holds and destruction of documents; legal holds on Akten.

Changes are applied to the store within the request: when the answer arrives, the
store itself refuses to delete what was just held or extended.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_storage import retention_out, tombstone_out
from api.schemas.storage import (
    AkteHoldOut,
    DestructionIn,
    HoldIn,
    RetentionIn,
    RetentionOut,
    TombstoneOut,
)
from services.access.roles import Permission
from services.access.scope import Scope
from services.documents.queries import get_document
from services.records.queries import get_akte
from services.storage.disposition import destroy_document, tombstone_of
from services.storage.protection import objects_of_document
from services.storage.retention import extend_retention, set_akte_hold, set_document_hold

router = APIRouter(prefix="/api/v1", tags=["retention"])
Reader = Annotated[Scope, requires(Permission.READ_RECORDS)]
Manager = Annotated[Scope, requires(Permission.MANAGE_RETENTION)]


@router.get("/documents/{document_id}/retention", response_model=RetentionOut)
def retention(document_id: str, session: SessionDep, scope: Reader) -> RetentionOut:
    document = get_document(session, scope, document_id)
    return retention_out(document, objects_of_document(session, document))


@router.put(
    "/documents/{document_id}/retention",
    response_model=RetentionOut,
    summary="Extend the retention (never shorten it)",
)
def extend(
    document_id: str,
    body: RetentionIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> RetentionOut:
    document = extend_retention(
        session,
        container.store,
        get_document(session, scope, document_id),
        body.retain_until,
        reason=body.reason,
        actor=scope.actor,
        clock=container.clock,
        settings=container.settings.retention,
    )
    return retention_out(document, objects_of_document(session, document))


@router.put(
    "/documents/{document_id}/legal-hold",
    response_model=RetentionOut,
    summary="Set or release a legal hold on a document",
)
def document_hold(
    document_id: str,
    body: HoldIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> RetentionOut:
    document = set_document_hold(
        session,
        container.store,
        get_document(session, scope, document_id),
        active=body.active,
        reason=body.reason,
        actor=scope.actor,
        clock=container.clock,
        settings=container.settings.retention,
    )
    return retention_out(document, objects_of_document(session, document))


@router.put(
    "/akten/{akte_id}/legal-hold",
    response_model=AkteHoldOut,
    summary="Set or release a legal hold on an Akte and all its documents",
)
def akte_hold(
    akte_id: str,
    body: HoldIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> AkteHoldOut:
    akte = get_akte(session, scope, akte_id)
    count = set_akte_hold(
        session,
        container.store,
        akte,
        active=body.active,
        reason=body.reason,
        actor=scope.actor,
        clock=container.clock,
        settings=container.settings.retention,
    )
    return AkteHoldOut(
        akte_id=akte.id,
        aktenzeichen=akte.aktenzeichen,
        legal_hold=akte.legal_hold,
        legal_hold_reason=akte.legal_hold_reason,
        documents=count,
    )


@router.post(
    "/documents/{document_id}/destruction",
    response_model=TombstoneOut,
    summary="Destroy a document after its retention end (409 before it or under hold)",
)
def destroy(
    document_id: str,
    body: DestructionIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> TombstoneOut:
    tombstone = destroy_document(
        session,
        container.search,
        get_document(session, scope, document_id),
        reason=body.reason,
        actor=scope.actor,
        clock=container.clock,
        settings=container.settings,
    )
    return tombstone_out(tombstone)


@router.get("/documents/{document_id}/tombstone", response_model=TombstoneOut)
def tombstone(document_id: str, session: SessionDep, scope: Reader) -> TombstoneOut:
    return tombstone_out(tombstone_of(session, scope, document_id))
