"""Reading classification results."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import ClassificationResult
from services.errors import NotFoundError


def latest_classification(session: Session, document_id: str) -> ClassificationResult:
    result = session.scalar(
        select(ClassificationResult)
        .where(ClassificationResult.document_id == document_id)
        .order_by(ClassificationResult.created_at.desc(), ClassificationResult.id)
        .limit(1)
    )
    if result is None:
        raise NotFoundError(f"document {document_id} has not been classified yet")
    return result
