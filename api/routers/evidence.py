"""Evidence records of document versions, for records managers and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import ContainerDep, SessionDep, requires
from api.schemas.evidence import EvidenceRecordOut
from services.auth.keys import Principal
from services.auth.permissions import Permission
from services.documents.versions import Part
from services.evidence.records import document_evidence_record

router = APIRouter(prefix="/api/v1", tags=["evidence"])
Auditor = Annotated[Principal, requires(Permission.READ_AUDIT)]


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
    number: int,
    session: SessionDep,
    container: ContainerDep,
    _: Auditor,
    part: Annotated[Part, Query()] = Part.CONTENT,
) -> EvidenceRecordOut:
    """The reduced hash tree from the part's SHA-256 to its day's anchored root.

    Check it offline with ``eakte evidence verify FILE RECORD.json --offline``.
    """
    record = document_evidence_record(
        session, container.store, document_id, version=number, part=part
    )
    return EvidenceRecordOut.model_validate(record)
