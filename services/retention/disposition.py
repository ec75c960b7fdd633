"""The disposition list and the appraisal of plan value B (issue 13, part 2).

An Akte is due for disposition when its retention end lies on or before today (by the
container clock) and nothing holds it back (:func:`overview.disposable_conditions`: a
legal hold on the Akte or on one of its live documents, a running transfer).
Its archive value comes from the active file plan: ``A`` (archive) and ``V`` (destroy)
are decided by the plan; ``B`` is appraised by a records manager, A or V with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from file_plan.model import ArchiveValue, FilePlan
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Akte
from services.db.pagination import Page
from services.errors import ConflictError, InvalidInputError
from services.ports import Clock
from services.records.file_plans import active_plan
from services.retention.overview import due_akten

APPRAISAL_VALUES = (ArchiveValue.ARCHIVE.value, ArchiveValue.DESTROY.value)


@dataclass(frozen=True)
class ArchiveValueOf:
    akte: Akte
    plan_value: str | None
    """The plan's archive value of the Akte's code (A, B, V; None if the plan gives none)."""

    @property
    def archive_value(self) -> str | None:
        """What happens to the Akte: the plan's A or V, the appraisal of a B, else B."""
        if self.plan_value == ArchiveValue.APPRAISE and self.akte.appraisal:
            return self.akte.appraisal
        return self.plan_value

    @property
    def appraisal_pending(self) -> bool:
        return self.plan_value == ArchiveValue.APPRAISE and not self.akte.appraisal

    @property
    def archive_value_text(self) -> str:
        if self.plan_value is None:
            return "no archive value in the file plan"
        if self.appraisal_pending:
            return "B, not yet appraised"
        if self.plan_value == ArchiveValue.APPRAISE:
            return f"{self.archive_value} (B, appraised)"
        return f"{self.plan_value} (file plan)"


@dataclass(frozen=True)
class DueForDisposition(ArchiveValueOf):
    documents: int
    """Live documents of the Akte."""


def plan_archive_value(plan: FilePlan, code: str) -> str | None:
    if code not in plan:
        return None
    value = plan.get(code).archive_value
    return value.value if value is not None else None


def disposition_due(
    session: Session, scope: Scope, *, today: date, limit: int, offset: int
) -> Page[DueForDisposition]:
    """Visible Akten due for disposition on ``today``, earliest retention end first."""
    page = due_akten(session, scope, until=today, limit=limit, offset=offset, disposable_only=True)
    plan = active_plan(session)
    items = [
        DueForDisposition(
            due.akte, plan_archive_value(plan, due.akte.file_plan_code), due.documents
        )
        for due in page.items
    ]
    return Page(items=items, total=page.total, limit=limit, offset=offset)


def appraise_akte(
    session: Session, akte: Akte, *, value: str, reason: str, actor: str, clock: Clock
) -> ArchiveValueOf:
    """Appraise an Akte whose plan archive value is B as A or V; re-appraisal is allowed.

    ``akte`` comes from a scoped lookup (:func:`services.records.queries.get_akte`).
    """
    plan_value = plan_archive_value(active_plan(session), akte.file_plan_code)
    if plan_value != ArchiveValue.APPRAISE:
        shown = plan_value or "none"
        raise ConflictError(
            f"the file plan decides the archive value of {akte.aktenzeichen} "
            f"(code {akte.file_plan_code}: {shown}); only Akten under a code with "
            "archive value B are appraised"
        )
    if value not in APPRAISAL_VALUES:
        raise InvalidInputError(f"an appraisal is A or V, not {value!r}")
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("an appraisal needs a reason")
    previous = akte.appraisal
    now = clock.now()
    akte.appraisal = value
    akte.appraisal_reason = reason
    akte.appraised_by = actor
    akte.appraised_at = now
    akte.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor,
        action="akte.appraised",
        object_type="akte",
        object_id=akte.id,
        details={
            "aktenzeichen": akte.aktenzeichen,
            "file_plan_code": akte.file_plan_code,
            "value": value,
            "reason": reason,
            "previous": previous,
        },
        clock=clock,
    )
    return ArchiveValueOf(akte, plan_value)
