"""Content addresses shared by every blob store: ``sha256/ab/cd/<64 hex digits>``.

The two fan-out levels keep directories (and S3 listing prefixes) small.  A key is
derived from the bytes alone, so the same content always lands under the same key and
a stored blob can be verified against its own name.
"""

from __future__ import annotations

import hashlib
import re

from services.errors import InvalidInputError

_KEY = re.compile(r"sha256/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")


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
