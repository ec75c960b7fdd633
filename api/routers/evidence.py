"""Evidence records of document versions, for records managers and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.dependencies import ContainerDep, SessionDep, requires
from api.schemas.evidence import EvidenceRecordOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.documents.queries import get_document
from services.documents.versions import Part
from services.evidence.records import document_evidence_record

router = APIRouter(prefix="/api/v1", tags=["evidence"])
Auditor = Annotated[Scope, requires(Permission.READ_AUDIT)]


@router.get(
    "/documents/{document_id}/versions/{number}/evidence",
    response_model=EvidenceRecordOut,
    summary="Evidence record of a version's content or rendition",
    responses={
        404: {
            "description": "No such document, version or part, or its day is not "
            "sealed yet (sealing runs after each UTC day ends)"
        }
    },
)
def evidence(
    document_id: str,
    number: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: SessionDep,
    container: ContainerDep,
    scope: Auditor,
    part: Annotated[Part, Query()] = Part.CONTENT,
) -> EvidenceRecordOut:
    """The reduced hash tree from the part's SHA-256 to its day's anchored root.

    Check it offline with ``eakte evidence verify FILE RECORD.json --offline``.
    """
    document = get_document(session, scope, document_id)
    record = document_evidence_record(
        session, container.store, document.id, version=number, part=part
    )
    return EvidenceRecordOut.model_validate(record)
