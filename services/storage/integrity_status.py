"""Figures for the integrity page: evidence sealing, fixity runs, pending protection.

Fixity failures themselves come from :func:`services.storage.fixity.storage_health`.
These are counts about the store as a whole, shown to auditing roles only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import Document, EvidenceTree, StoredObject


@dataclass(frozen=True)
class EvidenceStatus:
    sealed_days: int
    last_sealed_day: date | None
    last_sealed_at: datetime | None
    anchored_days: int
    timestamped_days: int
    unsealed_objects: int
    """Live objects whose day has not been sealed yet (sealing runs after each UTC day)."""


@dataclass(frozen=True)
class ProtectionStatus:
    last_fixity_check: datetime | None
    pending_protection: int
    """Documents whose retention or hold the store has not caught up with yet."""


def evidence_status(session: Session, scope: Scope) -> EvidenceStatus:
    scope.require(Permission.READ_AUDIT)
    sealed, last_day, last_at, anchored, stamped = session.execute(
        select(
            func.count(EvidenceTree.id),
            func.max(EvidenceTree.day),
            func.max(EvidenceTree.sealed_at),
            func.count(EvidenceTree.anchor_key),
            func.count(EvidenceTree.timestamp_token),
        )
    ).one()
    unsealed = session.scalar(
        select(func.count())
        .select_from(StoredObject)
        .where(StoredObject.destroyed_at.is_(None), StoredObject.evidence_tree_id.is_(None))
    )
    return EvidenceStatus(
        sealed_days=sealed or 0,
        last_sealed_day=last_day,
        last_sealed_at=last_at,
        anchored_days=anchored or 0,
        timestamped_days=stamped or 0,
        unsealed_objects=unsealed or 0,
    )


def protection_status(session: Session, scope: Scope) -> ProtectionStatus:
    scope.require(Permission.READ_AUDIT)
    last_check = session.scalar(select(func.max(StoredObject.fixity_checked_at)))
    pending = session.scalar(
        select(func.count())
        .select_from(Document)
        .where(Document.protection_pending.is_(True), Document.disposed_at.is_(None))
    )
    return ProtectionStatus(last_fixity_check=last_check, pending_protection=pending or 0)
