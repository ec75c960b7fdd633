"""Check the audit trail: every hash, every link, every position, every anchor.

Three kinds of tampering, three checks:

- an event changed in place: its recomputed hash no longer matches the stored one;
- an event removed or inserted: positions are not 1..n, or a ``prev_hash`` link breaks;
- history rewritten consistently (every hash recomputed after a change) or cut off at
  the end: the chain disagrees with an anchor in the write-once store, or an anchor
  names a position that no longer exists.

A database restored from a backup looks like the last case until the restore is
acknowledged with a marker in the store (:mod:`services.audit.restores`); the gap the
marker declares is then reported as a restore, not as a break.

The anchors are read from the store itself, not from the ``audit_anchors`` table: the
table lives in the database that is in doubt.  The table is only checked against the
store (an anchor row whose object is missing is reported too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.anchors import AnchorDocument, anchor_name, stored_anchor_names
from services.audit.chain import GENESIS_HASH, ChainFields, chain_hash, normal_time
from services.audit.restores import RestoreMarker, read_markers
from services.db.models import AuditAnchor, AuditEvent
from services.errors import EAkteError
from services.ports import BlobStore

MAX_BREAKS = 100
"""Report at most this many breaks; the first one is what matters."""

_ANCHOR_SEQ = re.compile(r"(\d{12})\.json$")


@dataclass(frozen=True)
class Break:
    """One place where the trail is not what was written."""

    seq: int | None
    """The chain position concerned; None for a row that has no position at all."""
    event_id: int | None
    """The row concerned, when there is one (a deleted event has none)."""
    problem: str
    """altered | missing | link | unchained | anchor_mismatch | anchor_beyond_head |
    anchor_unreadable | anchor_object_missing | restore_mismatch"""
    detail: str

    def describe(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "unchained row"
        row = f" (id {self.event_id})" if self.event_id is not None else ""
        return f"{where}{row}: {self.detail}"


@dataclass
class VerificationReport:
    events: int = 0
    anchors: int = 0
    """Anchor objects found in the store and checked against the chain."""
    head_seq: int | None = None
    head_hash: str | None = None
    last_anchored_seq: int | None = None
    breaks: list[Break] = field(default_factory=list)
    restores: list[str] = field(default_factory=list)
    """Acknowledged restores the chain agrees with: events lost, said openly, not breaks."""

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        """The earliest position that is wrong (rows without a position come last)."""
        if not self.breaks:
            return None
        return min(self.breaks, key=lambda b: (b.seq is None, b.seq or 0))

    def add(self, item: Break) -> None:
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(item)

    def to_dict(self) -> dict[str, Any]:
        first = self.first_break
        return {
            "ok": self.ok,
            "events": self.events,
            "anchors": self.anchors,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "last_anchored_seq": self.last_anchored_seq,
            "first_break": _break_dict(first) if first else None,
            "breaks": [_break_dict(b) for b in self.breaks],
            "restores": list(self.restores),
        }


def _break_dict(item: Break) -> dict[str, Any]:
    return {
        "seq": item.seq,
        "event_id": item.event_id,
        "problem": item.problem,
        "detail": item.detail,
    }


def verify_trail(session: Session, store: BlobStore) -> VerificationReport:
    """Recompute the whole chain and compare it with the anchors in ``store``."""
    report = VerificationReport()
    anchors = _read_store_anchors(store, report)
    report.anchors = sum(len(found) for found in anchors.values())
    markers, unreadable = read_markers(store)
    for problem in unreadable:
        report.add(Break(None, None, "anchor_unreadable", problem))
    _check_chain(session, anchors, markers, report)
    _check_unchained(session, report)
    _check_anchor_rows(session, store, report)
    return report


def _read_store_anchors(
    store: BlobStore, report: VerificationReport
) -> dict[int, list[tuple[str, AnchorDocument]]]:
    anchors: dict[int, list[tuple[str, AnchorDocument]]] = {}
    for name in stored_anchor_names(store):
        named = _ANCHOR_SEQ.search(name)
        named_seq = int(named.group(1)) if named else None
        try:
            document = AnchorDocument.parse(store.get_named(name))
        except EAkteError as exc:
            report.add(Break(named_seq, None, "anchor_unreadable", f"{name}: {exc.detail}"))
            continue
        if anchor_name(document.seq) != name:
            report.add(
                Break(
                    named_seq,
                    None,
                    "anchor_unreadable",
                    f"{name} names seq {document.seq} inside: the object is not where it was put",
                )
            )
            continue
        anchors.setdefault(document.seq, []).append((name, document))
    return anchors


def _check_chain(
    session: Session,
    anchors: dict[int, list[tuple[str, AnchorDocument]]],
    markers: dict[int, RestoreMarker],
    report: VerificationReport,
) -> None:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    last_good_anchor = 0
    seen_anchors: set[int] = set()
    lost_in_restore: set[int] = set()
    query = (
        select(
            AuditEvent.id,
            AuditEvent.seq,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.details,
            AuditEvent.prev_hash,
            AuditEvent.event_hash,
        )
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=1000)
    )
    for row in session.execute(query):
        event_id, seq = row.id, row.seq
        report.events += 1
        marker = markers.pop(seq, None)
        if marker is not None and _declared_gap(marker, expected_seq, prev_hash, row.prev_hash):
            report.restores.append(marker.describe())
            lost_in_restore.update(s for s in anchors if expected_seq <= s < seq)
            for lost_marker in [s for s in markers if expected_seq <= s < seq]:
                del markers[lost_marker]  # acknowledged in a history this restore lost
        elif marker is not None:
            report.add(
                Break(
                    seq,
                    event_id,
                    "restore_mismatch",
                    f"restore marker {marker.name} says the database was restored at seq "
                    f"{marker.restored_seq} ({marker.restored_hash}) and resumed here, but the "
                    "chain does not agree: the marker does not explain this part of the trail",
                )
            )
        if seq > expected_seq and marker is None:
            what = (
                "the event is missing"
                if seq == expected_seq + 1
                else f"the events up to seq {seq - 1} are missing"
            )
            report.add(
                Break(expected_seq, None, "missing", f"{what} (the next one is id {event_id})")
            )
        elif seq < expected_seq:
            report.add(Break(seq, event_id, "missing", f"seq {seq} appears twice"))
        if row.prev_hash != prev_hash:
            report.add(
                Break(
                    seq,
                    event_id,
                    "link",
                    f"prev_hash {row.prev_hash} does not match the hash of the event before "
                    f"it ({prev_hash}): an event was removed, inserted or its hash replaced",
                )
            )
        recomputed = _recompute(row)
        if recomputed != row.event_hash:
            report.add(
                Break(
                    seq,
                    event_id,
                    "altered",
                    f"content does not match its hash (stored {row.event_hash}, recomputed "
                    f"{recomputed}): the event was changed after it was written",
                )
            )
        if seq in anchors:
            seen_anchors.add(seq)
        for name, document in anchors.get(seq, []):
            if document.event_hash != recomputed:
                report.add(
                    Break(
                        seq,
                        event_id,
                        "anchor_mismatch",
                        f"anchor {name} (written {document.anchored_at.isoformat()}) holds "
                        f"hash {document.event_hash}, the chain recomputes {recomputed}: "
                        f"history between seq {last_good_anchor + 1} and {seq} was rewritten "
                        "(or the database was restored from a backup and new events took "
                        "positions anchored before the restore; see docs/backup.md)",
                    )
                )
            else:
                last_good_anchor = seq
        expected_seq = seq + 1
        prev_hash = row.event_hash or ""
        report.head_seq, report.head_hash = seq, row.event_hash
    last_seq = report.head_seq or 0
    for seq in sorted(set(anchors) - seen_anchors - lost_in_restore):
        names = ", ".join(name for name, _ in anchors[seq])
        if seq > last_seq:
            report.add(
                Break(
                    last_seq + 1,
                    None,
                    "anchor_beyond_head",
                    f"the trail ends at seq {last_seq} but anchor {names} names seq {seq}: "
                    "events were removed from the end, or the database was restored from a "
                    f"backup taken at seq {last_seq} and the events written after it are lost "
                    "(then say so: 'eakte backup acknowledge-restore', see docs/backup.md)",
                )
            )
        else:
            report.add(
                Break(
                    seq,
                    None,
                    "missing",
                    f"anchor {names} names seq {seq}, which is no longer in the trail",
                )
            )
    for marker in markers.values():
        if marker.resume_seq > last_seq:
            report.add(
                Break(
                    last_seq + 1,
                    None,
                    "anchor_beyond_head",
                    f"the trail ends at seq {last_seq} but restore marker {marker.name} names "
                    f"seq {marker.resume_seq}: events were removed from the end, or the "
                    f"database was restored again from a backup taken at seq {last_seq}, "
                    "before that restore was acknowledged (then say so: "
                    "'eakte backup acknowledge-restore', see docs/backup.md)",
                )
            )
            continue
        report.add(
            Break(
                marker.resume_seq,
                None,
                "restore_mismatch",
                f"restore marker {marker.name} says the trail resumes at seq "
                f"{marker.resume_seq} after a restore at seq {marker.restored_seq}, but the "
                "trail has no such event",
            )
        )
    report.last_anchored_seq = max(seen_anchors) if seen_anchors else None


def _declared_gap(
    marker: RestoreMarker, expected_seq: int, prev_hash: str, row_prev_hash: str | None
) -> bool:
    """The chain continues at the marker's resume position from the restored head."""
    return (
        marker.restored_seq == expected_seq - 1
        and marker.restored_hash == prev_hash
        and row_prev_hash == prev_hash
    )


def _recompute(row: Any) -> str:
    """The hash the row's fields give; a field no event can have gives a marker instead."""
    try:
        return chain_hash(
            ChainFields(
                seq=row.seq,
                occurred_at=normal_time(row.occurred_at),
                actor=row.actor,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                details=row.details,
                prev_hash=row.prev_hash,
            )
        )
    except (TypeError, ValueError, AttributeError) as exc:
        return f"(not computable: {exc})"


def _check_unchained(session: Session, report: VerificationReport) -> None:
    for event_id in session.scalars(
        select(AuditEvent.id).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id)
    ):
        report.add(
            Break(
                None,
                event_id,
                "unchained",
                "the row has no chain position: it was added outside eakte's trail",
            )
        )


def _check_anchor_rows(session: Session, store: BlobStore, report: VerificationReport) -> None:
    # Rows first, then a fresh listing: an anchor object is written before its row
    # commits, so every row seen here has its object in a listing taken afterwards.
    rows = list(session.scalars(select(AuditAnchor).order_by(AuditAnchor.seq)))
    in_store = set(stored_anchor_names(store))
    for row in rows:
        if row.blob_key not in in_store:
            report.add(
                Break(
                    row.seq,
                    None,
                    "anchor_object_missing",
                    f"the database records anchor {row.blob_key} (hash {row.head_hash}), "
                    "but the store has no such object",
                )
            )
