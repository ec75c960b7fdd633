"""Moving blob content in chunks, checking its SHA-256 on the way, for every blob store.

Uploads and downloads of documents can be large (scans of a whole file, 100 MB and
more); they pass through the stores a chunk at a time, so memory stays flat whatever
the size.  The hash is checked as the bytes pass, and a mismatch is raised before the
last chunk is handed on: a writer never completes an object from a file that is not
what the caller measured, and a reader of a whole blob never receives its last byte
when the blob is damaged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import TracebackType
from typing import IO

from services.errors import IntegrityError, InvalidInputError

CHUNK_SIZE = 1024 * 1024


def check_range(offset: int, length: int | None, size: int, what: str) -> int:
    """The length actually readable at ``offset`` of ``size`` bytes (``length`` clipped).

    An offset past the end is refused; an offset at the end reads nothing.
    """
    if offset < 0 or (length is not None and length < 0):
        raise InvalidInputError(f"negative offset or length for {what}")
    if offset > size:
        raise InvalidInputError(f"offset {offset} lies beyond the {size} bytes of {what}")
    available = size - offset
    return available if length is None else min(length, available)


class VerifyingReader:
    """Reads exactly ``size`` bytes of ``source`` (from its position), checking them.

    ``read`` raises :class:`IntegrityError` instead of returning the chunk that ends the
    content when the SHA-256 is not ``sha256``, when ``source`` ends early, or when it
    holds more than ``size`` bytes: whoever consumes the reader (a copy loop, the S3
    client's part uploader) stops before the content is complete.
    """

    def __init__(self, source: IO[bytes], *, sha256: str, size: int, what: str) -> None:
        if size < 0:
            raise InvalidInputError(f"negative size for {what}")
        self._source = source
        self._sha256 = sha256
        self._size = size
        self._what = what
        self._hash = hashlib.sha256()
        self._count = 0
        if size == 0:
            self._check_end()

    def read(self, n: int = -1) -> bytes:
        remaining = self._size - self._count
        wanted = remaining if n < 0 else min(n, remaining)
        data = self._source.read(wanted) if wanted else b""
        self._hash.update(data)
        self._count += len(data)
        if wanted and not data:
            raise IntegrityError(
                f"{self._what}: the file ended after {self._count} of {self._size} bytes"
            )
        if wanted and self._count == self._size:
            self._check_end()
        return data

    def _check_end(self) -> None:
        if self._source.read(1):
            raise IntegrityError(f"{self._what}: the file holds more than {self._size} bytes")
        if self._hash.hexdigest() != self._sha256:
            raise IntegrityError(
                f"{self._what}: the file's SHA-256 is {self._hash.hexdigest()}, "
                f"not {self._sha256} as given"
            )


def copy_verified(
    source: IO[bytes], target: IO[bytes] | None, *, sha256: str, size: int, what: str
) -> None:
    """Copy ``size`` bytes of ``source`` to ``target`` (or just check them when None)."""
    reader = VerifyingReader(source, sha256=sha256, size=size, what=what)
    while chunk := reader.read(CHUNK_SIZE):
        if target is not None:
            target.write(chunk)


class BlobChunks:
    """An open blob range as an iterator of chunks of at most ``CHUNK_SIZE`` bytes.

    ``expected_sha256`` is given for a read of the whole blob: the last chunk is only
    handed out when the hash matched, else :class:`IntegrityError` is raised in its
    place.  A part of a blob cannot be checked against the blob's hash; the fixity
    checks verify every blob in full.  The source is released when the chunks are
    exhausted, on an error, and by :meth:`close` (or leaving a ``with`` block), which
    a consumer that stops early must call.
    """

    def __init__(
        self,
        read: Callable[[int], bytes],
        release: Callable[[], None],
        *,
        length: int,
        expected_sha256: str | None,
        what: str,
    ) -> None:
        self._read = read
        self._release: Callable[[], None] | None = release
        self._remaining = length
        self._expected = expected_sha256
        self._hash = hashlib.sha256() if expected_sha256 is not None else None
        self._what = what
        if length == 0:
            self.close()

    def __iter__(self) -> BlobChunks:
        return self

    def __next__(self) -> bytes:
        if self._remaining <= 0 or self._release is None:
            self.close()
            raise StopIteration
        try:
            chunk = self._read(min(CHUNK_SIZE, self._remaining))
            if not chunk:
                raise IntegrityError(f"{self._what} ended {self._remaining} bytes early")
            self._remaining -= len(chunk)
            if self._hash is not None:
                self._hash.update(chunk)
                if self._remaining <= 0 and self._hash.hexdigest() != self._expected:
                    raise IntegrityError(f"{self._what} does not match its SHA-256")
        except BaseException:
            self.close()
            raise
        return chunk

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> BlobChunks:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
