"""Models of the classification: results, the review queue, training data and model versions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.db.models.base import Base, new_id

if TYPE_CHECKING:
    from services.db.models.intake import Document


class ReviewStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class ClassificationResult(Base):
    """One automatic classification of a document, with everything needed to explain it."""

    __tablename__ = "classification_results"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    """``reference`` (a reference matched an Akte) or ``model`` (the classifier)."""
    decision: Mapped[str] = mapped_column(String(20))
    """``auto`` (filed) or ``review`` (queued for a person)."""
    code: Mapped[str | None] = mapped_column(String(50))
    akte_id: Mapped[str | None] = mapped_column(ForeignKey("akten.id"))
    confidence: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    suggestions: Mapped[list[Any]]
    references: Mapped[list[Any]]
    created_at: Mapped[datetime]


class ReviewTask(Base):
    """A document waiting in an organisational unit's review queue (Postkorb)."""

    __tablename__ = "review_tasks"
    __table_args__ = (Index("ix_review_tasks_queue", "org_unit", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    classification_id: Mapped[str] = mapped_column(ForeignKey("classification_results.id"))
    org_unit: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.OPEN)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[dict[str, Any] | None]

    document: Mapped[Document] = relationship()


class TrainingExample(Base):
    """A human decision about a document: its text belongs to ``code``.

    The text is read from the document's pages at training time, so a destroyed document
    also leaves the training data.
    """

    __tablename__ = "training_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    confirmed: Mapped[bool]
    """True when the person confirmed the top suggestion, False for a correction."""
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(200))


class ClassifierModelVersion(Base):
    """A trained classifier, stored as an immutable blob; the newest row is the active one."""

    __tablename__ = "classifier_models"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    blob_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    training_hash: Mapped[str] = mapped_column(String(64))
    n_examples: Mapped[int] = mapped_column(Integer)
    target_precision: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
