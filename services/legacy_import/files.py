"""The mail room's checks for every legacy file, and storing what passed.

Each file goes through :func:`services.intake.spooled_upload.preflight_upload` (size
limits, the real type by content: PDF, TIFF, JPEG or PNG, the inspection of pages,
pixels and encryption), read in place so that a large scan never sits in memory.  A
version may come in several formats (xdomea); the first one that passes is taken.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from services.errors import EAkteError
from services.intake.spooled_upload import (
    PreparedUpload,
    SpooledUpload,
    preflight_upload,
    store_upload,
)
from services.legacy_import.model import LegacyDocument, LegacyFile, LegacyVersion
from services.ports import BlobRef, BlobStore
from services.settings import Settings

_UUID_PREFIX = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}_"
)


class FileRefusedError(EAkteError):
    """No format of a version passed the checks (or the file is missing)."""

    title = "File refused"


@dataclass(frozen=True)
class CheckedFile:
    file: LegacyFile
    prepared: PreparedUpload


def original_name(file: LegacyFile) -> str:
    """The file's own name: without folders and without an xdomea ``<uuid>_`` prefix."""
    return _UUID_PREFIX.sub("", PurePath(file.name).name)


def check_document(document: LegacyDocument, settings: Settings) -> list[CheckedFile]:
    """Every version of ``document`` checked; FileRefusedError names what failed."""
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for number, version in enumerate(document.versions, start=1):
        try:
            checked.append(check_version(version, settings))
        except FileRefusedError as exc:
            prefix = f"version {number}: " if len(document.versions) > 1 else ""
            problems.append(prefix + exc.detail)
    if problems:
        raise FileRefusedError("; ".join(problems))
    return checked


def check_version(version: LegacyVersion, settings: Settings) -> CheckedFile:
    reasons: list[str] = []
    for candidate in version.formats:
        try:
            with candidate.open() as handle:
                size = handle.seek(0, os.SEEK_END)
                upload = SpooledUpload(filename=original_name(candidate), file=handle, size=size)
                return CheckedFile(file=candidate, prepared=preflight_upload(upload, settings))
        except FileNotFoundError:
            reasons.append(f"{candidate.name}: the file is missing")
        except OSError as exc:
            reasons.append(f"{candidate.name}: the file cannot be read ({exc.strerror or exc})")
        except EAkteError as exc:
            reasons.append(f"{candidate.name}: {exc.detail}")
    raise FileRefusedError("; ".join(reasons) or "the version names no file")


def store_checked(
    store: BlobStore, checked: CheckedFile, *, settings: Settings, now: datetime
) -> BlobRef:
    """Write a checked file with the minimum lock, before (and outside) its transaction.

    The store verifies the bytes against the checked hash and size: a file changed since
    its check is refused, never stored under the wrong hash.
    """
    with checked.file.open() as handle:
        upload = SpooledUpload(
            filename=checked.prepared.filename, file=handle, size=checked.prepared.size
        )
        return store_upload(store, upload, checked.prepared, settings=settings, now=now)
