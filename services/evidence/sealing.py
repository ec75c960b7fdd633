"""Seal finished days: one hash tree per UTC day over the content hashes stored that day.

A day is sealed once it is over (``through`` defaults to today, exclusive), so every tree
is final when it is written.  The root is recorded in ``evidence_trees`` and anchored as
a named, retention-locked object ``anchors/evidence/<YYYY-MM-DD>.json`` in the blob store:
rewriting the database (a leaf hash, a root) no longer matches what the store keeps.

Leaves are the objects' SHA-256 content hashes in ``stored_objects.id`` order; originals,
contents and renditions are sealed, classifier models (working data) are not.  An object
whose ``stored_at`` falls on a day that is already sealed (a late commit, clock skew, or
a day sealed early with ``--today``) joins the next day that is not sealed yet.  Nothing
is ever added to a sealed tree.

The anchor's bytes depend only on the tree (day, root, leaf count), so a run that crashed
after anchoring and before its transaction committed anchors the same bytes again
(``put_named`` returns the existing object).  Should the repeated run see a different set
of objects for that day, the name is taken by bytes the database never committed; the
tree is then anchored under ``<day>.<root>.json`` instead, and the record names that.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.trail import SYSTEM_ACTOR, record_event
from services.db.models import EvidenceTree, ObjectPurpose, StoredObject
from services.errors import ConflictError
from services.evidence.merkle import HASH_ALGORITHM, build
from services.ports import BlobRef, BlobStore, Clock, Protection

ANCHOR_PREFIX = "anchors/evidence/"
ANCHOR_FORMAT = "eakte-evidence-anchor"
ANCHOR_VERSION = 1
SEALED_PURPOSES = (
    ObjectPurpose.ORIGINAL,
    ObjectPurpose.CONTENT,
    ObjectPurpose.RENDITION,
    ObjectPurpose.ARCHIVE_MESSAGE,
    ObjectPurpose.CERTIFICATE,
)
"""Records and the proof about them; classifier models are working data, not sealed."""
DEFAULT_ANCHOR_RETENTION = timedelta(days=30 * 365)
"""Anchors are kept at least this long, and at least as long as any object they cover."""


@dataclass(frozen=True)
class SealedDay:
    day: date
    tree_id: int
    leaf_count: int
    root: str
    anchor_name: str
    anchor_version_id: str | None


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def anchor_name(day: date) -> str:
    return f"{ANCHOR_PREFIX}{day.isoformat()}.json"


def anchor_document(day: date, root: str, leaf_count: int) -> bytes:
    """The anchored statement: canonical JSON, a function of the tree alone."""
    statement = {
        "format": ANCHOR_FORMAT,
        "version": ANCHOR_VERSION,
        "day": day.isoformat(),
        "hash_algorithm": HASH_ALGORITHM,
        "root": root,
        "leaf_count": leaf_count,
    }
    return (json.dumps(statement, sort_keys=True, separators=(",", ":")) + "\n").encode()


def seal_days(
    session: Session,
    store: BlobStore,
    clock: Clock,
    *,
    through: date | None = None,
    anchor_retention: timedelta = DEFAULT_ANCHOR_RETENTION,
    actor: str = SYSTEM_ACTOR,
) -> list[SealedDay]:
    """Seal every day before ``through`` (default: today, UTC) that has unsealed objects.

    Writes into the caller's transaction (trees, leaf positions, audit events) and anchors
    each root in ``store`` before returning; the caller commits.
    """
    now = clock.now()
    end = through or utc_day(now)
    groups = _group_by_day(session, end)
    return [
        _seal_day(session, store, clock, day, objects, anchor_retention, actor)
        for day, objects in sorted(groups.items())
    ]


def _group_by_day(session: Session, end: date) -> dict[date, list[StoredObject]]:
    pending = list(
        session.scalars(
            select(StoredObject)
            .where(
                StoredObject.evidence_tree_id.is_(None),
                StoredObject.stored_at < day_start(end),
                StoredObject.purpose.in_([str(purpose) for purpose in SEALED_PURPOSES]),
            )
            .order_by(StoredObject.id)
        )
    )
    if not pending:
        return {}
    first = min(utc_day(stored.stored_at) for stored in pending)
    sealed = set(session.scalars(select(EvidenceTree.day).where(EvidenceTree.day >= first)))
    groups: dict[date, list[StoredObject]] = defaultdict(list)
    for stored in pending:
        day = utc_day(stored.stored_at)
        while day in sealed:
            day += timedelta(days=1)
        if day < end:
            groups[day].append(stored)
    return groups


def _seal_day(
    session: Session,
    store: BlobStore,
    clock: Clock,
    day: date,
    objects: Sequence[StoredObject],
    anchor_retention: timedelta,
    actor: str,
) -> SealedDay:
    tree = build([bytes.fromhex(stored.sha256) for stored in objects])
    root = tree.root.hex()
    now = clock.now()
    row = EvidenceTree(day=day, leaf_count=tree.leaf_count, root_hash=root, sealed_at=now)
    session.add(row)
    session.flush()
    for index, stored in enumerate(objects):
        stored.evidence_tree_id = row.id
        stored.evidence_leaf_index = index
    retain_until = max([now + anchor_retention, *(stored.retain_until for stored in objects)])
    name, ref = _anchor(store, day, root, tree.leaf_count, Protection(retain_until=retain_until))
    row.anchor_key = name
    row.anchor_version_id = ref.version_id
    session.flush()
    record_event(
        session,
        actor=actor,
        action="evidence.sealed",
        object_type="evidence_tree",
        object_id=day.isoformat(),
        details={
            "tree_id": row.id,
            "root": root,
            "leaf_count": tree.leaf_count,
            "anchor": name,
            "anchor_version_id": ref.version_id,
        },
        clock=clock,
    )
    return SealedDay(
        day=day,
        tree_id=row.id,
        leaf_count=tree.leaf_count,
        root=root,
        anchor_name=name,
        anchor_version_id=ref.version_id,
    )


def _anchor(
    store: BlobStore, day: date, root: str, leaf_count: int, lock: Protection
) -> tuple[str, BlobRef]:
    data = anchor_document(day, root, leaf_count)
    name = anchor_name(day)
    try:
        return name, store.put_named(name, data, protection=lock)
    except ConflictError:
        # An uncommitted earlier run left other bytes under the day's name (module docstring).
        name = f"{ANCHOR_PREFIX}{day.isoformat()}.{root}.json"
        return name, store.put_named(name, data, protection=lock)
