"""The plain values a legacy source yields, whatever its format.

Each entry carries a ``key``: stable across runs (the manifest's ids or the xdomea
object's UUID), it names the entry in the ledger and in the report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from services.records.subject_keys import SubjectKey

Opener = Callable[[], AbstractContextManager[BinaryIO]]
"""Opens a file's content as a seekable binary file; raises FileNotFoundError if absent."""


@dataclass(frozen=True)
class LegacyFile:
    name: str
    """As the source names it: the path relative to the import folder, or the zip member."""
    open: Opener = field(compare=False, repr=False)


@dataclass(frozen=True)
class LegacyVersion:
    formats: tuple[LegacyFile, ...]
    """The same version in one or more formats; the first one eakte accepts is imported."""


@dataclass(frozen=True)
class LegacyDocument:
    key: str
    title: str
    versions: tuple[LegacyVersion, ...]
    """Oldest first; the last one is the current content."""
    letter_date: date | None = None
    received_on: date | None = None
    direction: str | None = None
    """``incoming``, ``outgoing`` or ``internal``."""
    sender: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LegacyVorgang:
    key: str
    title: str
    opened_on: date | None
    """None: the Akte's opening day."""
    closed_on: date | None
    documents: tuple[LegacyDocument, ...] = ()


@dataclass(frozen=True)
class LegacyEvent:
    event: str
    occurred_on: date
    note: str | None = None


@dataclass(frozen=True)
class Refusal:
    """An entry that is not imported, and why."""

    key: str
    label: str
    """What the entry is, in words: ``Akte A-17 (Bauakte Gartenstraße 12)``."""
    reason: str


@dataclass(frozen=True)
class LegacyAkte:
    key: str
    label: str
    code: str
    """The eakte plan code (after the source's code map)."""
    title: str
    opened_on: date
    closed_on: date | None
    legacy_reference: str | None = None
    """The Aktenzeichen printed on the old file; kept as a subject key ``legacy_reference``."""
    description: str | None = None
    subject_keys: tuple[SubjectKey, ...] = ()
    events: tuple[LegacyEvent, ...] = ()
    vorgaenge: tuple[LegacyVorgang, ...] = ()
    documents: tuple[LegacyDocument, ...] = ()
    """Filed directly in the Akte."""
    refused: tuple[Refusal, ...] = ()
    """Entries inside the Akte the source could not read (a bad date, no file named)."""

    def fingerprint(self) -> str:
        """SHA-256 of the Akte's own metadata (the ledger keeps it to notice later edits)."""
        data = {
            "code": self.code,
            "title": self.title,
            "opened_on": self.opened_on.isoformat(),
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "legacy_reference": self.legacy_reference,
            "subject_keys": [[k.kind, k.value] for k in self.subject_keys],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def all_documents(self) -> Iterator[tuple[LegacyVorgang | None, LegacyDocument]]:
        for document in self.documents:
            yield None, document
        for vorgang in self.vorgaenge:
            for document in vorgang.documents:
                yield vorgang, document

    def document_count(self) -> int:
        return len(self.documents) + sum(len(v.documents) for v in self.vorgaenge)


SourceItem = LegacyAkte | Refusal
