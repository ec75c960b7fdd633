"""Anchor the chain head as a write-once object, outside the database's reach.

Anyone who can write the database can recompute every hash after changing an event.
What they cannot do is change an object the store refuses to overwrite or delete (S3
Object Lock in COMPLIANCE mode; the fs store's ledger locally).  Each anchor names a
position and the hash the chain had there, so a rewritten or truncated history no
longer matches an anchor written before the rewrite.

Anchors are named by position (``anchors/audit/000000001000.json``): listing them needs
no database, which is the point when the database is what is in doubt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.audit.chain import canonical_json, normal_time, time_text
from services.audit.head import ANCHOR_LOCK, chain_head, take_lock
from services.audit.policy import AuditPolicy
from services.db.models import AuditAnchor
from services.errors import ConflictError, IntegrityError
from services.ports import BlobStore, Clock, Protection

ANCHOR_FORMAT = "eakte-audit-anchor/1"
ANCHOR_PREFIX = "anchors/audit/"


@dataclass(frozen=True)
class AnchorDocument:
    """The content of one anchor object."""

    seq: int
    event_hash: str
    anchored_at: datetime

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "format": ANCHOR_FORMAT,
                "seq": self.seq,
                "event_hash": self.event_hash,
                "anchored_at": time_text(self.anchored_at),
            }
        ).encode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> AnchorDocument:
        """Read an anchor; IntegrityError when it is not one this format describes."""
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw["format"] != ANCHOR_FORMAT:
                raise ValueError(f"unknown format {raw['format']!r}")
            seq, event_hash = raw["seq"], raw["event_hash"]
            if not isinstance(seq, int) or seq < 1:
                raise ValueError(f"bad seq {seq!r}")
            if not isinstance(event_hash, str) or len(event_hash) != 64:
                raise ValueError(f"bad event_hash {event_hash!r}")
            anchored_at = normal_time(datetime.fromisoformat(raw["anchored_at"]))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise IntegrityError(f"not a readable audit anchor: {exc}") from exc
        return cls(seq=seq, event_hash=event_hash, anchored_at=anchored_at)


def anchor_name(seq: int) -> str:
    return f"{ANCHOR_PREFIX}{seq:012d}.json"


def anchor_head(
    session: Session, store: BlobStore, clock: Clock, policy: AuditPolicy
) -> AuditAnchor | None:
    """Anchor the committed head if it moved since the last anchor; None when it did not.

    Call it in a transaction of its own, so that the head it sees is committed: an
    anchor naming an event that is later rolled back would look like truncation.  If a
    previous attempt wrote the object but its transaction failed, the object is adopted.
    """
    take_lock(session, ANCHOR_LOCK)
    head = chain_head(session)
    if head is None:
        return None
    last = session.scalar(select(func.max(AuditAnchor.seq)))
    if last is not None and last >= head.seq:
        return None
    now = normal_time(clock.now())
    document = AnchorDocument(seq=head.seq, event_hash=head.event_hash, anchored_at=now)
    name = anchor_name(head.seq)
    version_id: str | None = None
    try:
        ref = store.put_named(
            name,
            document.to_bytes(),
            protection=Protection(retain_until=policy.anchor_retain_until(now), legal_hold=False),
        )
        version_id = ref.version_id
    except ConflictError:
        document = _adopt(store, name, document)
    anchor = AuditAnchor(
        seq=document.seq,
        head_hash=document.event_hash,
        anchored_at=document.anchored_at,
        blob_key=name,
        version_id=version_id,
    )
    session.add(anchor)
    session.flush()
    return anchor


def _adopt(store: BlobStore, name: str, wanted: AnchorDocument) -> AnchorDocument:
    existing = AnchorDocument.parse(store.get_named(name))
    if (existing.seq, existing.event_hash) != (wanted.seq, wanted.event_hash):
        raise IntegrityError(
            f"the store already holds {name} for seq {existing.seq} with hash "
            f"{existing.event_hash}, but the chain has {wanted.event_hash} there: "
            "the audit trail was rewritten, or the database was restored from a backup and "
            "the restore not acknowledged before new events were written; run "
            "'eakte audit verify' (see docs/backup.md)"
        )
    return existing


def stored_anchor_names(store: BlobStore) -> list[str]:
    return [name for name in store.list_named(ANCHOR_PREFIX) if name.endswith(".json")]
