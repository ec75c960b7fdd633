"""Recently decided review tasks, newest decision first (the Postkorb's second view)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import review_task_visible
from services.db.models import ReviewStatus, ReviewTask
from services.db.pagination import Page, paginate


def recent_decisions(
    session: Session, scope: Scope, *, limit: int, offset: int, org_unit: str | None = None
) -> Page[ReviewTask]:
    """Decided tasks the caller's queues hold, the latest decision first."""
    query = select(ReviewTask).where(
        ReviewTask.status == ReviewStatus.DECIDED, review_task_visible(scope)
    )
    if org_unit:
        query = query.where(ReviewTask.org_unit == org_unit)
    query = query.order_by(ReviewTask.decided_at.desc(), ReviewTask.id)
    return paginate(session, query, limit=limit, offset=offset)
