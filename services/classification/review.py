"""The review queue (Postkorb): who sees which task, and carrying out a person's decision.

A case worker sees the queues of their units (and sub-units); the mail room, records
managers and administrators see every queue (:mod:`services.access.visibility`).  A
decision may only file into an Akte the caller may change, or open an Akte in a unit the
caller may create records in, exactly as ``POST /akten`` checks; the mail room may route
unfiled mail to any unit.  A decision files the document, becomes a training example (a
confirmation or a correction) and schedules retraining.

Confirming a routed letter accepts its proposal in one step: the proposed existing Akte,
or the proposed new Akte, opened with the code and the subject keys read from the letter
(the same checks as ``POST /akten``: the caller must be allowed to create records in the
code's unit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.access.scope import Scope, not_found
from services.access.visibility import review_task_visible
from services.audit.trail import record_event
from services.classification.jobs import enqueue_training
from services.db.models import (
    Akte,
    ClassificationResult,
    Document,
    FilingStatus,
    ReviewStatus,
    ReviewTask,
    TrainingExample,
    Vorgang,
)
from services.db.pagination import Page, paginate
from services.errors import (
    ConflictError,
    GoneError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from services.ports import Clock
from services.records.akten import NewAkte, create_akte, general_akte, unit_of_code
from services.records.filing import file_document
from services.records.queries import get_akte
from services.records.subject_keys import SubjectKey, subject_key
from services.settings import Settings


@dataclass(frozen=True)
class ReviewDecision:
    action: Literal["confirm", "correct"]
    code: str | None = None
    akte_id: str | None = None
    vorgang_id: str | None = None
    new_akte_title: str | None = None
    new_akte_subject_keys: Sequence[SubjectKey] = field(default_factory=tuple)


def list_tasks(
    session: Session,
    scope: Scope,
    *,
    limit: int,
    offset: int,
    org_unit: str | None = None,
    status: str = ReviewStatus.OPEN,
) -> Page[ReviewTask]:
    query = select(ReviewTask).where(ReviewTask.status == status, review_task_visible(scope))
    if org_unit:
        query = query.where(ReviewTask.org_unit == org_unit)
    query = query.order_by(ReviewTask.created_at, ReviewTask.id)
    return paginate(session, query, limit=limit, offset=offset)


def get_task(session: Session, scope: Scope, task_id: str) -> ReviewTask:
    """A task the caller may see; others' tasks are reported as not found."""
    task = session.scalar(
        select(ReviewTask).where(ReviewTask.id == task_id, review_task_visible(scope))
    )
    if task is None:
        raise not_found("review task", task_id)
    return task


def task_classification(session: Session, task: ReviewTask) -> ClassificationResult:
    result = session.get(ClassificationResult, task.classification_id)
    assert result is not None  # foreign key
    return result


def decide_task(
    session: Session,
    scope: Scope,
    plan: FilePlan,
    task_id: str,
    decision: ReviewDecision,
    *,
    settings: Settings,
    clock: Clock,
) -> ReviewTask:
    """Decide and file; return the decided task.

    The task is returned even if the caller (the mail room) can no longer see the
    document where it now lies.
    """
    task = get_task(session, scope, task_id)
    if task.status != ReviewStatus.OPEN:
        raise ConflictError(f"review task {task_id} has already been decided")
    document = session.get(Document, task.document_id)
    assert document is not None  # foreign key
    if document.disposed_at is not None:
        raise GoneError(f"document {document.id} has been destroyed; its task cannot be decided")
    actor = scope.actor
    akte, vorgang = _target(session, scope, plan, task, decision, document, clock=clock)
    top = _top_code(session, task)
    confirmed = decision.action == "confirm"
    file_document(
        session,
        document,
        akte,
        vorgang,
        status=FilingStatus.FILED,
        reason=f"review decision ({'confirmed' if confirmed else 'corrected'})",
        actor=actor,
        clock=clock,
    )
    now = clock.now()
    task.status = ReviewStatus.DECIDED
    task.decided_at = now
    task.decided_by = actor
    task.outcome = {
        "action": decision.action,
        "code": akte.file_plan_code,
        "akte_id": akte.id,
        "aktenzeichen": akte.aktenzeichen,
        "vorgang_id": vorgang.id if vorgang else None,
        "suggested_code": top,
    }
    session.add(
        TrainingExample(
            document_id=document.id,
            code=akte.file_plan_code,
            confirmed=akte.file_plan_code == top,
            created_at=now,
            created_by=actor,
        )
    )
    record_event(
        session,
        actor=actor,
        action="review.decided",
        object_type="document",
        object_id=document.id,
        details=task.outcome,
        clock=clock,
    )
    enqueue_training(session, clock=clock, settings=settings)
    return task


def _top_code(session: Session, task: ReviewTask) -> str | None:
    suggestions = task_classification(session, task).suggestions
    return str(suggestions[0]["code"]) if suggestions else None


def _target(
    session: Session,
    scope: Scope,
    plan: FilePlan,
    task: ReviewTask,
    decision: ReviewDecision,
    document: Document,
    *,
    clock: Clock,
) -> tuple[Akte, Vorgang | None]:
    akte_id, code = decision.akte_id, decision.code
    if decision.action == "confirm":
        if akte_id or code:
            raise InvalidInputError(
                "'confirm' takes the top suggestion; use 'correct' to change it"
            )
        suggestions = task_classification(session, task).suggestions
        if not suggestions:
            raise InvalidInputError("this task has no suggestion to confirm; use 'correct'")
        akte_id, code = suggestions[0].get("akte_id"), str(suggestions[0]["code"])
        decision = _with_proposed_akte(decision, suggestions[0].get("new_akte"))
    elif not (akte_id or code):
        raise InvalidInputError("'correct' needs a file-plan 'code' or an 'akte_id'")
    routes_mail = scope.unfiled_mail and document.akte_id is None
    akte = _akte(session, scope, plan, akte_id, code, decision, routes_mail, clock=clock)
    if not (routes_mail or scope.can_write_akte(akte)):
        raise PermissionDeniedError(
            f"you may not file into Akte {akte.aktenzeichen} of unit {akte.org_unit!r}"
        )
    vorgang = None
    if decision.vorgang_id:
        vorgang = session.get(Vorgang, decision.vorgang_id)
        if vorgang is None or vorgang.akte_id != akte.id:
            raise InvalidInputError(
                f"Vorgang {decision.vorgang_id} is not part of Akte {akte.aktenzeichen}"
            )
    return akte, vorgang


def _with_proposed_akte(decision: ReviewDecision, proposed: Any) -> ReviewDecision:
    """Confirming a routed letter's "new Akte" proposal opens that Akte with its keys."""
    if not isinstance(proposed, dict) or not proposed.get("title"):
        return decision
    keys = tuple(
        subject_key(str(key["kind"]), str(key["display"]))
        for key in proposed.get("subject_keys") or ()
        if isinstance(key, dict)
    )
    return replace(decision, new_akte_title=str(proposed["title"]), new_akte_subject_keys=keys)


def _akte(
    session: Session,
    scope: Scope,
    plan: FilePlan,
    akte_id: str | None,
    code: str | None,
    decision: ReviewDecision,
    routes_mail: bool,
    *,
    clock: Clock,
) -> Akte:
    if akte_id:
        # The mail room routes to any Akte; everyone else names only Akten they can see,
        # so a refusal never tells them another unit's Aktenzeichen.
        if not routes_mail:
            try:
                return get_akte(session, scope, akte_id)
            except NotFoundError:
                raise InvalidInputError(f"no Akte {akte_id}") from None
        akte = session.get(Akte, akte_id)
        if akte is None:
            raise InvalidInputError(f"no Akte {akte_id}")
        return akte
    assert code is not None
    if code not in plan:
        raise InvalidInputError(f"{code} is not a code of the active file plan")
    if decision.new_akte_title:
        if not routes_mail:
            scope.require_write_unit(unit_of_code(plan, code))
        new = NewAkte(
            code=code, title=decision.new_akte_title, subject_keys=decision.new_akte_subject_keys
        )
        return create_akte(session, plan, new, actor=scope.actor, clock=clock)
    subject = plan.get(code).subject
    if subject is not None:
        raise InvalidInputError(
            f"{code} keeps one Akte per {subject}: give 'akte_id' or a 'new_akte' to open"
        )
    if not plan.is_leaf(code):
        raise InvalidInputError(f"{code} has sub-items; choose one of them")
    return general_akte(session, plan, code, clock=clock)
