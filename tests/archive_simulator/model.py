"""What the simulator received, sent and archived, for the tests to inspect."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tests.archive_simulator.records import RecordNode
from tests.archive_simulator.replies import ImportOutcome


@dataclass(frozen=True)
class ArchiveIdentity:
    """The archive as it names itself (same fields as the eakte ``Party``)."""

    authority_key: str = "LATh"
    name: str = "Landesarchiv Thüringen"
    short_name: str | None = "LATh"


@dataclass(frozen=True)
class OfferedObject:
    """An Akte, Teilakte, Vorgang or Teilvorgang of a 0501, as the appraisal callback sees it."""

    process_id: str
    object_id: str
    kind: str
    parent_id: str | None
    reference: str | None
    title: str | None
    proposal: str | None
    """The agency's own value (Aussonderungsart A, B or V), if it gave one."""


@dataclass(frozen=True)
class ProcessingError:
    """What x-man would show as a Fehler; the simulator records it and goes on."""

    file_name: str
    title: str
    process_id: str | None = None
    info: str = ""


@dataclass(frozen=True)
class ReceivedMessage:
    file_name: str
    process_id: str
    code: str
    version: str | None
    xml: bytes
    members: tuple[str, ...]
    """Every file in the zip, XML included."""
    accepted: bool
    """Schema-valid and processed (x-man stops at a schema error and does not reply)."""


@dataclass(frozen=True)
class SentMessage:
    path: Path
    process_id: str
    """The ProzessID written, which differs from the process's when told to."""
    code: str
    version: str
    xml: bytes
    schema_valid: bool

    def root(self) -> etree._Element:
        return etree.fromstring(self.xml)


@dataclass
class ArchivedFile:
    """A primary file received in a 0503."""

    process_id: str
    object_id: str
    """The document it belongs to."""
    file_name: str
    sha256: str
    size: int
    imported: bool | None = None
    """Whether the 0506 reported its document imported; ``None`` before the 0506."""


@dataclass
class SimProcess:
    """One Aussonderung as the archive knows it."""

    process_id: str
    messages: dict[str, ReceivedMessage] = field(default_factory=dict)
    offered: dict[str, RecordNode] | None = None
    decisions: dict[str, str] | None = None
    """Effective A/V per appraisable object of the offer; left-out objects have none."""
    appraisal_sent: bool = False
    """A 0502 left; x-man's appraisal is finished (a 0503 before that is an error)."""
    appraisal_listed: list[tuple[str, str]] = field(default_factory=list)
    submitted: dict[str, RecordNode] | None = None
    outcomes: list[ImportOutcome] | None = None
    held: list[tuple[str, etree._Element]] = field(default_factory=list)
    """Replies written only on ``release()``."""
