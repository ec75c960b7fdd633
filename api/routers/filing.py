"""Where a document is filed, why, and filing or moving it by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_records import classification_out, filing_out
from api.schemas.records import FilingIn, FilingOut
from api.schemas.review import ClassificationOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.classification.results import latest_classification
from services.db.models import FilingStatus
from services.documents.queries import get_document
from services.errors import ConflictError, InvalidInputError
from services.records.filing import file_document
from services.records.queries import get_akte, get_vorgang

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Scope, requires(Permission.READ_DOCUMENTS)]
Manager = Annotated[Scope, requires(Permission.MANAGE_RECORDS)]


@router.get("/{document_id}/filing", response_model=FilingOut)
def filing(document_id: str, session: SessionDep, scope: Reader) -> FilingOut:
    return filing_out(get_document(session, scope, document_id))


@router.put("/{document_id}/filing", response_model=FilingOut, summary="File or move a document")
def file_or_move(
    document_id: str,
    body: FilingIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> FilingOut:
    document = get_document(session, scope, document_id)
    if document.filing_status == FilingStatus.IN_REVIEW:
        raise ConflictError("the document waits in a review queue; decide the review task instead")
    akte = get_akte(session, scope, body.akte_id)
    scope.require_write_akte(akte)
    if document.akte is not None:
        scope.require_write_akte(document.akte)
    vorgang = get_vorgang(session, scope, body.vorgang_id) if body.vorgang_id else None
    if vorgang is not None and vorgang.akte_id != akte.id:
        raise InvalidInputError(f"Vorgang {vorgang.id} does not belong to Akte {akte.aktenzeichen}")
    file_document(
        session,
        document,
        akte,
        vorgang,
        status=FilingStatus.FILED,
        reason=body.reason,
        actor=scope.actor,
        clock=container.clock,
    )
    return filing_out(document)


@router.get("/{document_id}/classification", response_model=ClassificationOut)
def classification(document_id: str, session: SessionDep, scope: Reader) -> ClassificationOut:
    document = get_document(session, scope, document_id)
    return classification_out(latest_classification(session, document.id))
