"""Keys, names and retention values shared by every blob store.

Content blobs live under ``sha256/ab/cd/<64 hex digits>``: the two fan-out levels keep
directories (and S3 listing prefixes) small, and a key derived from the bytes alone lets
a stored blob be verified against its own name.

Named objects (audit anchors, evidence roots) live under ``anchors/``.  Their names
become file paths on the fs store, so the rules are strict: lowercase letters, digits
and ``._-/`` only, no empty or dot-leading segment (temporary files start with a dot),
no ``..``.  Both stores validate every key and name before touching storage.

Retention ends are kept to the whole second, rounded up, on both stores: S3 Object Lock
has second granularity, and rounding up never protects less than was asked.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from services.errors import InvalidInputError, RetentionViolationError
from services.ports import Protection

ANCHOR_PREFIX = "anchors/"
_KEY = re.compile(r"sha256/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
_NAME = re.compile(r"anchors/[a-z0-9][a-z0-9._/-]{0,180}")
_PREFIX = re.compile(r"anchors/[a-z0-9._/-]{0,180}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_for_digest(digest: str) -> str:
    """Build the key of a lowercase hex SHA-256 digest."""
    return f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"


def digest_of_key(key: str) -> str:
    """Return the hex digest a key names; raise :class:`InvalidInputError` if malformed.

    Only exact, fully lowercase keys whose fan-out matches the digest are accepted, which
    also rules out path traversal and any alias of a valid key.
    """
    match = _KEY.fullmatch(key)
    if match is None or key != key_for_digest(match.group(3)):
        raise InvalidInputError(f"not a blob key: {key[:100]!r}")
    return match.group(3)


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid named-object name, else raise InvalidInputError."""
    segments = name.split("/")
    if (
        _NAME.fullmatch(name) is None
        or ".." in name
        or any(not segment or segment.startswith(".") for segment in segments)
    ):
        raise InvalidInputError(f"not a named-object name: {name[:100]!r}")
    return name


def is_name(name: str) -> bool:
    try:
        check_name(name)
    except InvalidInputError:
        return False
    return True


def check_name_prefix(prefix: str) -> str:
    """Return ``prefix`` if it can only select names under ``anchors/``."""
    if _PREFIX.fullmatch(prefix) is None or ".." in prefix or "//" in prefix:
        raise InvalidInputError(f"not a named-object prefix: {prefix[:100]!r}")
    return prefix


def expected_digest(key: str) -> str | None:
    """The digest a content key names, or None for a named object (its hash is recorded).

    Raises InvalidInputError for anything that is neither.
    """
    if key.startswith(ANCHOR_PREFIX):
        check_name(key)
        return None
    return digest_of_key(key)


def retention_instant(value: datetime) -> datetime:
    """``value`` as aware UTC, rounded up to the whole second; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(f"retention end {value.isoformat()} has no time zone")
    value = value.astimezone(UTC)
    if value.microsecond:
        value = value.replace(microsecond=0) + timedelta(seconds=1)
    return value


def new_protection(protection: Protection, now: datetime) -> Protection:
    """Normalise the protection asked for a put; its end must lie in the future."""
    until = retention_instant(protection.retain_until)
    if until <= now:
        raise InvalidInputError(
            f"retention end {until.isoformat()} is not in the future (now {now.isoformat()})"
        )
    return Protection(retain_until=until, legal_hold=protection.legal_hold)


def describe(key: str, version_id: str | None = None) -> str:
    """How messages name an object: ``blob sha256/...`` or ``named object anchors/...``."""
    kind = "named object" if key.startswith(ANCHOR_PREFIX) else "blob"
    version = f" (version {version_id})" if version_id else ""
    return f"{kind} {key}{version}"


def deletion_refusal(
    key: str, version_id: str | None, protection: Protection, now: datetime
) -> RetentionViolationError | None:
    """The error that forbids deleting an object with ``protection`` at ``now``, if any."""
    reasons = []
    if protection.legal_hold:
        reasons.append("is under legal hold")
    if protection.retain_until > now:
        reasons.append(f"is retained until {protection.retain_until.isoformat()}")
    if not reasons:
        return None
    return RetentionViolationError(f"{describe(key, version_id)} {' and '.join(reasons)}")


def shortening_refusal(
    key: str, version_id: str | None, current: datetime, asked: datetime
) -> RetentionViolationError:
    return RetentionViolationError(
        f"{describe(key, version_id)} is retained until {current.isoformat()}; "
        f"retention cannot be shortened to {asked.isoformat()}"
    )
