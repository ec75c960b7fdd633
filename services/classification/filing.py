"""Carrying out a classification decision: file the document or queue it for review."""

from __future__ import annotations

from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.audit.trail import SYSTEM_ACTOR, record_event
from services.classification.policy import Decision
from services.db.models import (
    ClassificationResult,
    Document,
    FilingStatus,
    ReviewStatus,
    ReviewTask,
)
from services.ports import Clock
from services.records.akten import general_akte
from services.records.filing import file_document


def apply_decision(
    session: Session,
    plan: FilePlan,
    document: Document,
    decision: Decision,
    *,
    model_version: int | None,
    clock: Clock,
) -> ClassificationResult:
    now = clock.now()
    result = ClassificationResult(
        document_id=document.id,
        method=decision.method,
        decision="auto" if decision.auto else "review",
        code=decision.code,
        akte_id=decision.akte.id if decision.akte else None,
        confidence=decision.confidence,
        threshold=decision.threshold,
        model_version=model_version if decision.method == "model" else None,
        reason=decision.reason,
        suggestions=[s.to_dict() for s in decision.suggestions],
        references=[
            {"kind": r.kind.value, "value": r.value, "printed": r.printed, "label": r.label}
            for r in decision.references
        ],
        created_at=now,
    )
    session.add(result)
    session.flush()
    record_event(
        session,
        actor=SYSTEM_ACTOR,
        action="document.classified",
        object_type="document",
        object_id=document.id,
        details={
            "method": decision.method,
            "decision": result.decision,
            "code": decision.code,
            "confidence": decision.confidence,
            "threshold": decision.threshold,
            "model_version": result.model_version,
            "reason": decision.reason,
        },
        clock=clock,
    )
    if decision.auto:
        assert decision.code is not None
        akte = decision.akte or general_akte(session, plan, decision.code, clock=clock)
        file_document(
            session,
            document,
            akte,
            status=FilingStatus.AUTO_FILED,
            reason=decision.reason,
            actor=SYSTEM_ACTOR,
            clock=clock,
        )
        result.akte_id = akte.id
    else:
        session.add(
            ReviewTask(
                document_id=document.id,
                classification_id=result.id,
                org_unit=decision.org_unit,
                status=ReviewStatus.OPEN,
                created_at=now,
            )
        )
        document.filing_status = FilingStatus.IN_REVIEW
        document.org_unit = decision.org_unit
        document.updated_at = now
    session.flush()
    return result
