"""Evidence records: export the proof for one object, and check bytes against it.

A record is plain JSON (a self-describing dict) holding what RFC 4998 puts into an
evidence record: the hash algorithm, the object's hash, the reduced hash tree leading to
the day's root, where that root is anchored, and the RFC 3161 time-stamp over the root
when there is one.  Checking needs only SHA-256 and the record; the anchor check also
reads the anchored root from the write-once store.

Export rebuilds the day's tree from the leaf hashes in the database and refuses when it
no longer gives the sealed root (or, with a store, the anchored one): a changed hash in
``stored_objects`` is then reported instead of being exported as evidence.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.db.models import Document, DocumentVersion, EvidenceTree, StoredObject
from services.documents.versions import Part
from services.errors import EAkteError, IntegrityError, NotFoundError
from services.evidence.merkle import (
    HASH_ALGORITHM,
    HASH_OID,
    MerkleError,
    ReducedHashtree,
    build,
    reduce,
)
from services.evidence.sealing import ANCHOR_FORMAT, utc_day
from services.evidence.timestamps import TimestampError, check_token
from services.ports import BlobStore

RECORD_FORMAT = "eakte-evidence-record"
RECORD_VERSION = 1


class EvidencePendingError(NotFoundError):
    """The object's day has not been sealed yet, so there is no evidence record for it."""

    title = "Evidence not sealed yet"


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    reason: str
    """Why the record does not prove the bytes, or what was checked when it does."""


def evidence_record(session: Session, store: BlobStore | None, object_id: int) -> dict[str, Any]:
    """The evidence record of one stored object version (JSON-serialisable).

    With a store, the anchored root is compared with the database's first.  Raises
    :class:`EvidencePendingError` while the object's day is not sealed.
    """
    stored = session.get(StoredObject, object_id)
    if stored is None:
        raise NotFoundError(f"stored object {object_id} does not exist")
    if stored.evidence_tree_id is None or stored.evidence_leaf_index is None:
        raise EvidencePendingError(
            f"object {stored.blob_key} (stored {utc_day(stored.stored_at).isoformat()}) is not "
            "sealed yet: each day's content is sealed into an evidence tree after the day ends "
            "(UTC)"
        )
    tree = session.get_one(EvidenceTree, stored.evidence_tree_id)
    path = _checked_path(session, tree, stored.evidence_leaf_index)
    if store is not None and tree.anchor_key is not None:
        _check_anchor(store, tree)
    return {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "hash_algorithm": HASH_ALGORITHM,
        "hash_algorithm_oid": HASH_OID,
        "object": {
            "id": stored.id,
            "key": stored.blob_key,
            "version_id": stored.version_id,
            "sha256": stored.sha256,
            "size": stored.size,
            "media_type": stored.media_type,
            "purpose": stored.purpose,
            "stored_at": stored.stored_at.isoformat(),
        },
        "tree": {
            "day": tree.day.isoformat(),
            "root": tree.root_hash,
            "leaf_count": tree.leaf_count,
            "leaf_index": stored.evidence_leaf_index,
            "sealed_at": tree.sealed_at.isoformat(),
        },
        "reduced_hash_tree": [[value.hex() for value in group] for group in path],
        "anchor": {"name": tree.anchor_key, "version_id": tree.anchor_version_id},
        "timestamp": _timestamp(tree),
    }


def document_evidence_record(
    session: Session,
    store: BlobStore | None,
    document_id: str,
    *,
    version: int | None = None,
    part: Part = Part.CONTENT,
) -> dict[str, Any]:
    """The record of a document version's content or rendition (default: current version)."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"document {document_id} does not exist")
    number = document.current_version if version is None else version
    row = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document_id, DocumentVersion.number == number
        )
    )
    if row is None:
        raise NotFoundError(f"document {document_id} has no version {number}")
    object_id = row.content_object_id if part == Part.CONTENT else row.rendition_object_id
    if object_id is None:
        raise NotFoundError(f"version {number} of document {document_id} has no rendition (yet)")
    record = evidence_record(session, store, object_id)
    record["document"] = {"id": document_id, "version": number, "part": str(part)}
    return record


def verify_record(
    data: bytes, record: dict[str, Any], *, store: BlobStore | None = None
) -> VerificationResult:
    """Check ``data`` against ``record``: its hash, the path to the root, and the anchor.

    Never raises for a bad record or a failing store: the result says what is wrong.
    """
    try:
        claim = _Claim.of(record)
    except (KeyError, TypeError, ValueError) as exc:
        return VerificationResult(False, f"the record is malformed: {exc!r}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != claim.sha256:
        return VerificationResult(
            False, f"the file's SHA-256 {digest} is not the object's {claim.sha256}"
        )
    try:
        root = reduce(bytes.fromhex(digest), claim.path).hex()
    except MerkleError as exc:
        return VerificationResult(False, f"the reduced hash tree is invalid: {exc}")
    if root != claim.root:
        return VerificationResult(
            False, f"the reduced hash tree leads to {root}, not to the day's root {claim.root}"
        )
    checked = f"SHA-256 {digest} is in the evidence tree of {claim.day} (root {root})"
    if claim.timestamp is not None:
        try:
            stamp = check_token(claim.timestamp, bytes.fromhex(root))
        except TimestampError as exc:
            return VerificationResult(False, f"the time-stamp is not accepted: {exc}")
        checked += (
            f"; time-stamped {stamp.gen_time.isoformat()} by {stamp.signer} (signature "
            "checked; whether to trust that authority is yours to decide)"
        )
    if store is None:
        return VerificationResult(True, checked + "; anchor not checked (offline)")
    if claim.anchor_name is None:
        return VerificationResult(False, f"the tree of {claim.day} has no anchor to check")
    try:
        anchored = read_anchor(store, claim.anchor_name, claim.anchor_version_id)
    except EAkteError as exc:
        return VerificationResult(False, f"the anchor cannot be read: {exc.detail}")
    if anchored.get("root") != claim.root or anchored.get("day") != claim.day.isoformat():
        return VerificationResult(
            False,
            f"the anchor {claim.anchor_name} in store {store.name!r} says root "
            f"{anchored.get('root')} for {anchored.get('day')}, the record {claim.root} "
            f"for {claim.day}",
        )
    return VerificationResult(True, f"{checked}; anchored as {claim.anchor_name}")


def read_anchor(store: BlobStore, name: str, version_id: str | None) -> dict[str, Any]:
    """The anchored statement; :class:`IntegrityError` when it is not an evidence anchor."""
    raw = store.get_named(name, version_id)
    try:
        statement = json.loads(raw)
    except ValueError as exc:
        raise IntegrityError(f"anchor {name} is not JSON") from exc
    if not isinstance(statement, dict) or statement.get("format") != ANCHOR_FORMAT:
        raise IntegrityError(f"anchor {name} is not an evidence anchor")
    return statement


def _checked_path(session: Session, tree: EvidenceTree, leaf_index: int) -> ReducedHashtree:
    leaves = list(
        session.scalars(
            select(StoredObject.sha256)
            .where(StoredObject.evidence_tree_id == tree.id)
            .order_by(StoredObject.evidence_leaf_index)
        )
    )
    built = build([bytes.fromhex(leaf) for leaf in leaves])
    if built.leaf_count != tree.leaf_count or built.root.hex() != tree.root_hash:
        raise IntegrityError(
            f"the evidence tree of {tree.day.isoformat()} no longer matches its leaves: "
            "object hashes in the database were changed"
        )
    return built.paths[leaf_index]


def _check_anchor(store: BlobStore, tree: EvidenceTree) -> None:
    assert tree.anchor_key is not None
    anchored = read_anchor(store, tree.anchor_key, tree.anchor_version_id)
    if anchored.get("root") != tree.root_hash:
        raise IntegrityError(
            f"the evidence tree of {tree.day.isoformat()} does not match its anchor "
            f"{tree.anchor_key}: the database's root was changed"
        )


def _timestamp(tree: EvidenceTree) -> dict[str, Any] | None:
    if tree.timestamp_token is None:
        return None
    return {
        "tsa_url": tree.tsa_url,
        "token": base64.b64encode(tree.timestamp_token).decode("ascii"),
    }


@dataclass(frozen=True)
class _Claim:
    """What a record asserts, read strictly (unknown formats and algorithms are refused)."""

    sha256: str
    root: str
    day: date
    path: ReducedHashtree
    anchor_name: str | None
    anchor_version_id: str | None
    timestamp: bytes | None

    @classmethod
    def of(cls, record: dict[str, Any]) -> _Claim:
        if record.get("format") != RECORD_FORMAT or record.get("version") != RECORD_VERSION:
            raise ValueError(f"not a {RECORD_FORMAT} version {RECORD_VERSION}")
        if record.get("hash_algorithm") != HASH_ALGORITHM:
            raise ValueError(f"unsupported hash algorithm {record.get('hash_algorithm')!r}")
        path = tuple(
            tuple(bytes.fromhex(value) for value in group) for group in record["reduced_hash_tree"]
        )
        anchor = record.get("anchor") or {}
        stamp = record.get("timestamp")
        return cls(
            sha256=_hex(record["object"]["sha256"]),
            root=_hex(record["tree"]["root"]),
            day=date.fromisoformat(record["tree"]["day"]),
            path=path,
            anchor_name=anchor.get("name"),
            anchor_version_id=anchor.get("version_id"),
            timestamp=base64.b64decode(stamp["token"], validate=True) if stamp else None,
        )


def _hex(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64:
        raise ValueError(f"not a SHA-256 hex digest: {value!r:.80}")
    return bytes.fromhex(value).hex()
