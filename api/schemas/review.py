"""Request and response bodies of the review queue and the classifier."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.documents import DocumentSummaryOut
from api.schemas.records import SubjectKeyIn, SubjectKeyOut


class NewAkteProposalOut(BaseModel):
    """A new Akte a routed letter proposes: confirming the task opens it and files there."""

    title: str
    subject_keys: list[SubjectKeyOut]


class SuggestionOut(BaseModel):
    code: str
    title: str
    confidence: float
    akte_id: str | None = None
    aktenzeichen: str | None = None
    reasons: list[str]
    """The references that matched, or the terms that weighed most for this code."""
    new_akte: NewAkteProposalOut | None = None


class ClassificationOut(BaseModel):
    method: str
    decision: Literal["auto", "routed", "review"] = Field(
        description="auto: filed; routed: in the responsible unit's queue with a proposed "
        "Akte (``proposal``); review: a person decides"
    )
    code: str | None
    confidence: float | None
    threshold: float | None
    model_version: int | None
    reason: str
    suggestions: list[SuggestionOut]
    proposal: SuggestionOut | None = Field(
        None,
        description="a routed letter's proposal (code with an existing Akte or a new Akte); "
        "confirming its task accepts it",
    )
    references: list[dict[str, Any]]
    created_at: datetime


class ReviewTaskOut(BaseModel):
    id: str
    org_unit: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    outcome: dict[str, Any] | None
    document: DocumentSummaryOut
    classification: ClassificationOut
    decision_url: str


class NewAkteIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    subject_keys: list[SubjectKeyIn] = Field(default_factory=list, max_length=50)


class DecisionIn(BaseModel):
    action: Literal["confirm", "correct"]
    code: str | None = Field(None, description="for 'correct': the right file-plan code")
    akte_id: str | None = Field(None, description="for 'correct': the right Akte")
    vorgang_id: str | None = None
    new_akte: NewAkteIn | None = Field(
        None, description="open a new Akte under 'code' (for per-person or per-object codes)"
    )


class ClassifierModelOut(BaseModel):
    version: int
    created_at: datetime
    training_hash: str
    n_examples: int
    target_precision: float
    threshold: float | None
    metrics: dict[str, Any]
