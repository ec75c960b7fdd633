"""The ``audit.anchor`` job: anchor the head every N events and every few minutes.

Two things enqueue it: ``record_event`` when the chain reaches a multiple of
``anchor_every_events`` (deduplicated per position), and the schedule: bootstrap wraps
:class:`AnchorAuditHandler` in :class:`services.jobs.periodic.PeriodicHandler` with
:func:`anchor_interval`, so every run (triggered or scheduled) makes sure the next one
is waiting.  Anchoring twice is harmless: an unchanged head is not anchored again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.audit.anchors import anchor_head
from services.audit.policy import AuditPolicy
from services.db.session import unit_of_work
from services.jobs.queue import enqueue
from services.ports import BlobStore, Clock
from services.settings import JobSettings

ANCHOR_AUDIT = "audit.anchor"


def enqueue_anchor(session: Session, *, seq: int, clock: Clock, jobs: JobSettings) -> None:
    """Anchor soon because the chain reached ``seq`` (once per position)."""
    enqueue(
        session,
        ANCHOR_AUDIT,
        {"seq": seq},
        clock=clock,
        settings=jobs,
        dedupe_key=f"{ANCHOR_AUDIT}:{seq}",
    )


def anchor_interval(policy: AuditPolicy) -> timedelta:
    return timedelta(minutes=policy.anchor_interval_minutes)


class AnchorAuditHandler:
    """Anchor the committed head in the store if it moved since the last anchor."""

    kind = ANCHOR_AUDIT

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        policy: AuditPolicy,
        clock: Clock,
    ) -> None:
        self._factory = factory
        self._store = store
        self._policy = policy
        self._clock = clock

    def run(self, payload: Mapping[str, Any]) -> None:
        with unit_of_work(self._factory) as session:
            anchor_head(session, self._store, self._clock, self._policy)

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Nothing to mark: the next scheduled run anchors whatever head there is then."""
