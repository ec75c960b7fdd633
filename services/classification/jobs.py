"""Background jobs: classify a processed document; retrain after human decisions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.audit.trail import SYSTEM_ACTOR
from services.classification.classify import classify_text
from services.classification.filing import apply_decision
from services.classification.policy import Decision, Outcome
from services.classification.provider import ModelProvider
from services.db.models import Document, FilingStatus
from services.db.session import unit_of_work
from services.documents.queries import document_text
from services.jobs.queue import enqueue, enqueue_coalesced
from services.ports import Clock
from services.records.file_plans import active_plan
from services.settings import Settings

CLASSIFY_DOCUMENT = "classify_document"
TRAIN_CLASSIFIER = "train_classifier"


def enqueue_classification(
    session: Session, document_id: str, *, clock: Clock, settings: Settings
) -> None:
    enqueue(
        session,
        CLASSIFY_DOCUMENT,
        {"document_id": document_id},
        clock=clock,
        settings=settings.jobs,
        dedupe_key=f"{CLASSIFY_DOCUMENT}:{document_id}",
    )


def enqueue_training(session: Session, *, clock: Clock, settings: Settings) -> None:
    enqueue_coalesced(
        session,
        TRAIN_CLASSIFIER,
        clock=clock,
        settings=settings.jobs,
        delay=timedelta(seconds=settings.classification.retrain_delay_seconds),
    )


class ClassifyDocumentHandler:
    """Match references, else classify; then file the document or queue it for review."""

    kind = CLASSIFY_DOCUMENT

    def __init__(
        self,
        factory: sessionmaker[Session],
        models: ModelProvider,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._factory = factory
        self._models = models
        self._settings = settings
        self._clock = clock

    def run(self, payload: Mapping[str, Any]) -> None:
        active = self._models.current()
        with unit_of_work(self._factory) as session:
            document = session.get(Document, payload["document_id"])
            if document is None or document.filing_status != FilingStatus.UNFILED:
                return
            plan = active_plan(session)
            text = document_text(document)
            decision = classify_text(
                session,
                plan,
                text,
                active.model,
                self._settings.classification,
                station_org_unit=document.item.target_org_unit,
            )
            apply_decision(
                session, plan, document, decision, model_version=active.version, clock=self._clock
            )

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """A letter that cannot be classified still reaches a person: the central mail room."""
        with unit_of_work(self._factory) as session:
            document = session.get(Document, payload["document_id"])
            if document is None or document.filing_status != FilingStatus.UNFILED:
                return
            decision = Decision(
                method="model",
                outcome=Outcome.REVIEW,
                code=None,
                confidence=None,
                threshold=None,
                reason=f"classification failed: {reason}",
                org_unit=self._settings.classification.fallback_org_unit,
            )
            apply_decision(
                session,
                active_plan(session),
                document,
                decision,
                model_version=None,
                clock=self._clock,
            )


class TrainClassifierHandler:
    kind = TRAIN_CLASSIFIER

    def __init__(self, models: ModelProvider) -> None:
        self._models = models

    def run(self, payload: Mapping[str, Any]) -> None:
        self._models.train(actor=SYSTEM_ACTOR, reason="new review decisions")

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """The previous model stays active; the next decision enqueues training again."""
