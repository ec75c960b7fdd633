"""The active classifier: trained from the plan, the shipped letters and human decisions.

Trained models are immutable blobs in the blob store with a row per version (training
data hash, metrics, threshold); the newest row is the active model.  Every process
loads it once per version.  A model trained for another target precision than the one
configured is replaced on first use, so that changing the setting takes effect.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from file_plan import FilePlan
from services.audit.trail import SYSTEM_ACTOR, record_event
from services.classification.model import TextClassifier
from services.classification.models_query import newest_model
from services.classification.training_set import (
    Example,
    ExampleSource,
    shipped_examples,
)
from services.db.models import (
    ClassifierModelVersion,
    DocumentPage,
    ObjectPurpose,
    TrainingExample,
)
from services.db.session import unit_of_work
from services.ports import BlobStore, Clock, Protection
from services.records.file_plans import active_plan
from services.settings import ClassificationSettings, RetentionSettings
from services.storage.objects import register_object


@dataclass(frozen=True)
class ActiveModel:
    version: int
    model: TextClassifier


class ModelProvider:
    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        clock: Clock,
        settings: ClassificationSettings,
        retention: RetentionSettings,
    ) -> None:
        self._factory = factory
        self._store = store
        self._clock = clock
        self._settings = settings
        self._retention = retention
        self._cached: ActiveModel | None = None
        self._lock = threading.Lock()

    def current(self) -> ActiveModel:
        """The newest model; trains the first one when there is none yet."""
        with self._lock:
            with unit_of_work(self._factory, write=False) as session:
                row = newest_model(session)
            if row is None or row.target_precision != self._settings.target_precision:
                return self._train(actor=SYSTEM_ACTOR, reason="no model for the configured target")
            if self._cached is None or self._cached.version != row.version:
                model = TextClassifier.from_bytes(self._store.get(row.blob_key))
                self._cached = ActiveModel(version=row.version, model=model)
            return self._cached

    def train(self, *, actor: str, reason: str) -> ActiveModel:
        """Train a new version on everything known now and make it the active one."""
        with self._lock:
            return self._train(actor=actor, reason=reason)

    def _train(self, *, actor: str, reason: str) -> ActiveModel:
        with unit_of_work(self._factory, write=False) as session:
            plan = active_plan(session)
            examples = training_examples(session, plan)
        model = _train_memoised(tuple(examples), self._settings.target_precision)
        # Models are working data, not records: a short lock, so old ones can be pruned.
        lock = Protection(self._clock.now() + timedelta(days=self._retention.model_days))
        blob = self._store.put(
            model.to_bytes(), protection=lock, content_type="application/octet-stream"
        )
        meta = model.metadata
        with unit_of_work(self._factory) as session:
            register_object(
                session,
                blob,
                media_type="application/octet-stream",
                purpose=ObjectPurpose.MODEL,
                retain_until=lock.retain_until,
                now=self._clock.now(),
            )
            row = ClassifierModelVersion(
                blob_key=blob.key,
                sha256=blob.sha256,
                size=blob.size,
                training_hash=meta.training_hash,
                n_examples=meta.n_examples,
                target_precision=self._settings.target_precision,
                threshold=model.threshold,
                metrics=meta.to_dict(),
                created_at=self._clock.now(),
            )
            session.add(row)
            session.flush()
            record_event(
                session,
                actor=actor,
                action="classifier.trained",
                object_type="classifier_model",
                object_id=str(row.version),
                details={
                    "reason": reason,
                    "training_hash": meta.training_hash,
                    "n_examples": meta.n_examples,
                    "threshold": model.threshold,
                    "model_sha256": blob.sha256,
                },
                clock=self._clock,
            )
        self._cached = ActiveModel(version=row.version, model=model)
        return self._cached


@lru_cache(maxsize=2)
def _train_memoised(examples: tuple[Example, ...], target_precision: float) -> TextClassifier:
    """Train, or reuse this process's model for exactly the same data.

    Training is deterministic, so a process that trains twice on the same examples (the
    many services of a test run, a retraining without new decisions) reuses the result.
    """
    return TextClassifier.train(list(examples), target_precision=target_precision)


def training_examples(session: Session, plan: FilePlan) -> list[Example]:
    """The plan's leaves, the shipped letters and the latest human decision per document."""
    leaves = {item.code for item in plan.leaves()}
    return shipped_examples(plan) + human_examples(session, leaves)


def human_examples(session: Session, codes: set[str]) -> list[Example]:
    latest: dict[str, str] = {}
    for document_id, code in session.execute(
        select(TrainingExample.document_id, TrainingExample.code).order_by(TrainingExample.id)
    ):
        latest[document_id] = code
    if not latest:
        return []
    texts: dict[str, list[str]] = {}
    for document_id, text in session.execute(
        select(DocumentPage.document_id, DocumentPage.text)
        .where(DocumentPage.document_id.in_(list(latest)))
        .order_by(DocumentPage.document_id, DocumentPage.page_number)
    ):
        texts.setdefault(document_id, []).append(text)
    return [
        Example(text="\n".join(texts[doc]), code=code, source=ExampleSource.HUMAN)
        for doc, code in latest.items()
        if code in codes and doc in texts
    ]
