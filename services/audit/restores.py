"""Restore markers: the write-once statement that a database restore lost the trail's end.

A database restored from a backup ends at the backup's head, while the store still holds
the anchors written after the backup.  To the chain check that is indistinguishable from
cutting events off the end, and it must stay a break until someone says so: an operator
acknowledges the restore (``eakte backup acknowledge-restore``), which writes a marker
here and continues the chain *after* the last lost anchor, so that no new event takes a
position an old anchor names.  The marker names the restored head (position and hash)
and the position where the chain resumes; :mod:`services.audit.verify` accepts the gap
between the two only when the chain agrees with both, and reports it every time.

Markers are named by the resume position (``anchors/restore/000000000011.json``) and
locked like anchors: a restore, once acknowledged, can never be taken back or hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from services.audit.chain import canonical_json, normal_time, time_text
from services.errors import EAkteError, IntegrityError
from services.ports import BlobStore

RESTORE_FORMAT = "eakte-audit-restore/1"
RESTORE_PREFIX = "anchors/restore/"
RESTORE_ACKNOWLEDGED = "audit.restore_acknowledged"


@dataclass(frozen=True)
class RestoreMarker:
    restored_seq: int
    """The head of the restored database (0 when it had no events)."""
    restored_hash: str
    resume_seq: int
    """The position of the acknowledging event: one past the last lost anchor."""
    lost_anchors: tuple[str, ...]
    acknowledged_at: datetime
    actor: str

    @property
    def name(self) -> str:
        return restore_name(self.resume_seq)

    def describe(self) -> str:
        return (
            f"restore acknowledged {time_text(self.acknowledged_at)} by {self.actor}: the "
            f"database was restored at seq {self.restored_seq}; the events "
            f"{self.restored_seq + 1}..{self.resume_seq - 1} written after the backup are "
            f"lost (anchors {', '.join(self.lost_anchors)} prove they existed); the trail "
            f"resumes at seq {self.resume_seq}"
        )

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "format": RESTORE_FORMAT,
                "restored_seq": self.restored_seq,
                "restored_hash": self.restored_hash,
                "resume_seq": self.resume_seq,
                "lost_anchors": list(self.lost_anchors),
                "acknowledged_at": time_text(self.acknowledged_at),
                "actor": self.actor,
            }
        ).encode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> RestoreMarker:
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw["format"] != RESTORE_FORMAT:
                raise ValueError(f"unknown format {raw['format']!r}")
            restored, resume = raw["restored_seq"], raw["resume_seq"]
            if not (isinstance(restored, int) and isinstance(resume, int) and resume > restored):
                raise ValueError(f"bad positions {restored!r}, {resume!r}")
            lost = raw["lost_anchors"]
            if not isinstance(lost, list) or not all(isinstance(n, str) for n in lost):
                raise ValueError("bad lost_anchors")
            return cls(
                restored_seq=restored,
                restored_hash=str(raw["restored_hash"]),
                resume_seq=resume,
                lost_anchors=tuple(lost),
                acknowledged_at=normal_time(datetime.fromisoformat(raw["acknowledged_at"])),
                actor=str(raw["actor"]),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise IntegrityError(f"not a readable restore marker: {exc}") from exc


def restore_name(resume_seq: int) -> str:
    return f"{RESTORE_PREFIX}{resume_seq:012d}.json"


def read_markers(store: BlobStore) -> tuple[dict[int, RestoreMarker], list[str]]:
    """The markers by resume position, and a message for each one that cannot be read."""
    markers: dict[int, RestoreMarker] = {}
    unreadable: list[str] = []
    for name in store.list_named(RESTORE_PREFIX):
        if not name.endswith(".json"):
            continue
        try:
            marker = RestoreMarker.parse(store.get_named(name))
        except EAkteError as exc:
            unreadable.append(f"{name}: {exc.detail}")
            continue
        if marker.name != name:
            unreadable.append(f"{name} names resume seq {marker.resume_seq} inside")
            continue
        markers[marker.resume_seq] = marker
    return markers, unreadable
