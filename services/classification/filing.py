"""Carrying out a classification decision: file it, route it to a unit, or queue it for review.

A routed letter becomes a task in the responsible unit's queue, exactly like one for
review, but with the proposal as the first suggestion: accepting it (``confirm``) files
the letter into the proposed Akte or opens the proposed new one
(:mod:`services.classification.review`).
"""

from __future__ import annotations

from typing import Any

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
        decision=decision.outcome.value,
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
            "org_unit": decision.org_unit,
            "proposal": _proposal(decision),
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


def _proposal(decision: Decision) -> dict[str, Any] | None:
    """The routed letter's proposed Akte, for the audit trail."""
    proposal = decision.proposal
    if proposal is None:
        return None
    if proposal.akte_id:
        return {"akte_id": proposal.akte_id, "aktenzeichen": proposal.aktenzeichen}
    return {"new_akte": proposal.new_akte.to_dict() if proposal.new_akte else None}
