"""The canonical form of an audit event and its SHA-256 chain hash.

An event's hash covers every field a reader relies on plus the previous event's hash, so
changing, inserting or removing any event breaks every later link.  The serialisation is
versioned (``FORMAT``) because it must be recomputed identically decades from now, by
this code or by an auditor's own script: a JSON array of the fields in a fixed order,
with sorted keys, no whitespace and UTF-8 text, which any JSON library can reproduce.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.db.models import AuditEvent

FORMAT = "eakte-audit-event/1"
"""Names the serialisation below; a change to it needs a new format name."""

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first event."""


@dataclass(frozen=True)
class ChainFields:
    """What an event's hash covers, in the form it has after a database round trip."""

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    prev_hash: str

    @classmethod
    def of(cls, event: AuditEvent, *, seq: int, prev_hash: str) -> ChainFields:
        return cls(
            seq=seq,
            occurred_at=normal_time(event.occurred_at),
            actor=event.actor,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            details=normal_details(event.details),
            prev_hash=prev_hash,
        )


def normal_time(moment: datetime) -> datetime:
    """Aware UTC with microsecond precision: what SQLite and PostgreSQL both give back.

    Python datetimes never hold more than microseconds, so only the zone needs fixing.
    """
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC)


def normal_details(details: dict[str, Any]) -> dict[str, Any]:
    """The details as the JSON column will return them (tuples become lists, keys strings).

    Hashing this form, and storing it, keeps the hash valid after the round trip.
    Values JSON cannot represent (dates, NaN, objects) are refused rather than coerced.
    """
    loaded: dict[str, Any] = json.loads(json.dumps(details, ensure_ascii=False, allow_nan=False))
    return loaded


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def time_text(moment: datetime) -> str:
    """ISO 8601 in UTC with exactly six fractional digits, e.g. 2026-03-03T09:00:00.000000+00:00."""
    return normal_time(moment).isoformat(timespec="microseconds")


def canonical_bytes(fields: ChainFields) -> bytes:
    record = [
        FORMAT,
        fields.seq,
        time_text(fields.occurred_at),
        fields.actor,
        fields.action,
        fields.object_type,
        fields.object_id,
        fields.details,
        fields.prev_hash,
    ]
    return canonical_json(record).encode("utf-8")


def chain_hash(fields: ChainFields) -> str:
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def recompute(event: AuditEvent) -> str | None:
    """The hash an already chained event must carry; None for a row without a position."""
    if event.seq is None or event.prev_hash is None:
        return None
    return chain_hash(ChainFields.of(event, seq=event.seq, prev_hash=event.prev_hash))
