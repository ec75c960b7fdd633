"""Where a document is filed, why, and filing or moving it by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_records import classification_out, filing_out
from api.schemas.records import FilingIn, FilingOut
from api.schemas.review import ClassificationOut
from services.audit.trail import actor_of
from services.auth.keys import Principal
from services.auth.permissions import Permission, require_unit
from services.classification.results import latest_classification
from services.db.models import FilingStatus
from services.documents.queries import get_document
from services.errors import ConflictError
from services.records.filing import file_document
from services.records.queries import get_akte, get_vorgang

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Principal, requires(Permission.READ_DOCUMENTS)]
Manager = Annotated[Principal, requires(Permission.MANAGE_RECORDS)]


@router.get("/{document_id}/filing", response_model=FilingOut)
def filing(document_id: str, session: SessionDep, _: Reader) -> FilingOut:
    return filing_out(get_document(session, document_id))


@router.put("/{document_id}/filing", response_model=FilingOut, summary="File or move a document")
def file_or_move(
    document_id: str,
    body: FilingIn,
    session: WriteSessionDep,
    container: ContainerDep,
    principal: Manager,
) -> FilingOut:
    document = get_document(session, document_id)
    if document.filing_status == FilingStatus.IN_REVIEW:
        raise ConflictError("the document waits in a review queue; decide the review task instead")
    akte = get_akte(session, body.akte_id)
    require_unit(principal, akte.org_unit)
    if document.akte is not None:
        require_unit(principal, document.akte.org_unit)
    vorgang = get_vorgang(session, body.vorgang_id) if body.vorgang_id else None
    file_document(
        session,
        document,
        akte,
        vorgang,
        status=FilingStatus.FILED,
        reason=body.reason,
        actor=actor_of(principal),
        clock=container.clock,
    )
    return filing_out(document)


@router.get("/{document_id}/classification", response_model=ClassificationOut)
def classification(document_id: str, session: SessionDep, _: Reader) -> ClassificationOut:
    get_document(session, document_id)
    return classification_out(latest_classification(session, document_id))
