"""Reading the classifier's model versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import ClassifierModelVersion
from services.errors import NotFoundError


def newest_model(session: Session) -> ClassifierModelVersion | None:
    """The active model: the newest version."""
    return session.scalar(
        select(ClassifierModelVersion).order_by(ClassifierModelVersion.version.desc()).limit(1)
    )


def latest_model(session: Session) -> ClassifierModelVersion:
    row = newest_model(session)
    if row is None:
        raise NotFoundError("no classifier has been trained yet")
    return row
