"""The scheduled job that keeps the store's locks in line with the records.

It brings pending retention and hold changes to the store and renews minimum locks
before they run out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import Document, ObjectPurpose, StoredObject
from services.db.session import unit_of_work
from services.ports import BlobStore, Clock
from services.settings import RetentionSettings
from services.storage.protection import sync_document, sync_object

APPLY_PROTECTION = "storage.protect"
_BATCH = 100


class ApplyProtectionHandler:
    kind = APPLY_PROTECTION

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        clock: Clock,
        settings: RetentionSettings,
    ) -> None:
        self._factory = factory
        self._store = store
        self._clock = clock
        self._settings = settings

    def run(self, payload: Mapping[str, Any]) -> None:
        while self._apply_pending():
            pass
        last_id = 0
        while (last_id := self._renew_expiring(after_id=last_id)) > 0:
            pass

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Nothing to mark: pending documents stay pending for the next run."""

    def _apply_pending(self) -> bool:
        with unit_of_work(self._factory) as session:
            documents = session.scalars(
                select(Document)
                .where(Document.protection_pending.is_(True))
                .order_by(Document.id)
                .limit(_BATCH)
            ).all()
            now = self._clock.now()
            for document in documents:
                sync_document(session, self._store, document, settings=self._settings, now=now)
            return len(documents) == _BATCH

    def _renew_expiring(self, *, after_id: int) -> int:
        """Extend locks ending within the renewal window while they are still needed.

        Returns the last object id looked at, 0 when there were none left.
        """
        with unit_of_work(self._factory) as session:
            now = self._clock.now()
            horizon = now + timedelta(days=self._settings.renewal_window_days)
            expiring = session.scalars(
                select(StoredObject)
                .where(
                    StoredObject.destroyed_at.is_(None),
                    StoredObject.purpose != ObjectPurpose.MODEL,
                    StoredObject.retain_until < horizon,
                    StoredObject.id > after_id,
                )
                .order_by(StoredObject.id)
                .limit(_BATCH)
            ).all()
            for stored in expiring:
                sync_object(session, self._store, stored, settings=self._settings, now=now)
            return expiring[-1].id if expiring else 0
