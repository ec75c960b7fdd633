"""The values exchanged with an archive, independent of the database and of XML.

The process services build these from Akten, Vorgänge and documents; the writers turn
them into xdomea messages, and the readers turn the archive's replies back into them.
An object's ``xdomea_id`` is a UUID chosen when the object is first offered and kept
from 0501 to 0503, so that the archive's appraisal and import results name the same
objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import BinaryIO

from services.errors import InvalidInputError

SUPPORTED_VERSIONS = ("3.1.0", "3.0.0")
"""xdomea versions read; messages are written in the first one."""


class MessageType(StrEnum):
    """The Aussonderung messages, by their code in the Nachrichtentyp code list."""

    OFFER = "0501"
    """Anbieteverzeichnis: the offered records as metadata, no files."""
    APPRAISAL = "0502"
    """Bewertungsverzeichnis: the archive's A or V per offered object."""
    TRANSFER = "0503"
    """Aussonderung: the records appraised A, with every version's files."""
    OFFER_RECEIVED = "0504"
    """AnbietungEmpfangBestaetigen: the archive received the 0501."""
    APPRAISAL_RECEIVED = "0505"
    """BewertungEmpfangBestaetigen: the agency received the 0502."""
    IMPORT_CONFIRMED = "0506"
    """AussonderungImportBestaetigen: per object, whether the archive took it in."""
    TRANSFER_RECEIVED = "0507"
    """AussonderungEmpfangBestaetigen: the archive received the 0503 (nothing more)."""

    @property
    def element_name(self) -> str:
        """The message's root element without namespace, e.g. ``Aussonderung.Aussonderung.0503``."""
        return f"Aussonderung.{_ELEMENT_NAMES[self]}.{self.value}"

    @property
    def file_label(self) -> str:
        """The middle of the transfer file name, e.g. ``Aussonderung.Aussonderung.0503``."""
        return self.element_name


_ELEMENT_NAMES = {
    MessageType.OFFER: "Anbieteverzeichnis",
    MessageType.APPRAISAL: "Bewertungsverzeichnis",
    MessageType.TRANSFER: "Aussonderung",
    MessageType.OFFER_RECEIVED: "AnbietungEmpfangBestaetigen",
    MessageType.APPRAISAL_RECEIVED: "BewertungEmpfangBestaetigen",
    MessageType.IMPORT_CONFIRMED: "AussonderungImportBestaetigen",
    MessageType.TRANSFER_RECEIVED: "AussonderungEmpfangBestaetigen",
}


class XdomeaMessageError(InvalidInputError):
    """A message that is not schema-valid xdomea, or not the message it claims to be."""


@dataclass(frozen=True)
class Party:
    """Sender or recipient of a message: the agency (Behörde) or the archive."""

    authority_key: str
    """Behördenkennung (Behördenschlüssel code), e.g. ``05958016`` or ``LWL-AA``."""
    name: str
    """Name of the institution, e.g. ``Stadt Hagen``."""
    short_name: str | None = None


@dataclass(frozen=True)
class Header:
    """The Kopf of every message."""

    process_id: str
    """ProzessID: one UUID per Aussonderung process, in every message of the process."""
    message_type: MessageType
    created_at: datetime
    sender: Party
    recipient: Party


@dataclass(frozen=True)
class PrimaryFile:
    """One file of a document version (Primärdokument), as it travels in a 0503 zip."""

    file_name: str
    """The name inside the transfer zip: ``<uuid>_<name>.<ext>``, flat, unique in the zip."""
    original_name: str
    """The name the file had when it came in (DateinameOriginal)."""
    media_type: str
    sha256: str
    size: int
    created_at: datetime
    open: Callable[[], BinaryIO] = field(compare=False, repr=False)
    """Opens the content for reading; called once, while the 0503 zip is written."""


@dataclass(frozen=True)
class DocumentVersionRecord:
    number: int
    files: tuple[PrimaryFile, ...]
    """The original file and, if made, its PDF/A rendition (two formats of one version)."""


@dataclass(frozen=True)
class DocumentRecord:
    xdomea_id: str
    title: str
    created_on: date
    """When the document came into the file (Erfassungsdatum / Ablagedatum)."""
    confidentiality: str = "003"
    """xdomea Vertraulichkeitsstufe code."""
    letter_date: date | None = None
    received_on: date | None = None
    direction: str | None = None
    """``incoming``, ``outgoing`` or ``internal``."""
    sender: str | None = None
    versions: tuple[DocumentVersionRecord, ...] = ()
    """Empty in a 0501 (metadata only); every version in a 0503."""


@dataclass(frozen=True)
class VorgangRecord:
    xdomea_id: str
    reference: str
    """Kennzeichen of the Vorgang, e.g. ``622.12/2019/0007-3``."""
    title: str
    opened_on: date
    closed_on: date | None
    documents: tuple[DocumentRecord, ...] = ()


@dataclass(frozen=True)
class AkteRecord:
    xdomea_id: str
    aktenzeichen: str
    title: str
    file_plan_code: str
    file_plan_title: str
    opened_on: date
    closed_on: date | None
    retention_until: date | None
    archive_value: str | None
    """The agency's value: A, B or V (Aussonderungsart / Bewertungsvorschlag)."""
    confidentiality: str = "003"
    vorgaenge: tuple[VorgangRecord, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    """Documents filed directly in the Akte, not in a Vorgang."""


@dataclass(frozen=True)
class ReceivedMessage:
    """A reply read from the archive, after its schema check."""

    header: Header
    version: str
    """The xdomea version the message was written in (``3.1.0`` or ``3.0.0``)."""


@dataclass(frozen=True)
class ObjectAppraisal:
    object_id: str
    """The ``xdomea_id`` of an offered Akte or Vorgang."""
    value: str
    """``A`` (archive) or ``V`` (destroy)."""


@dataclass(frozen=True)
class AppraisalList(ReceivedMessage):
    """0502: the archive's appraisal; objects it leaves out are kept, never destroyed."""

    appraisals: tuple[ObjectAppraisal, ...] = ()
    receipt_requested: bool = False
    """The archive asks for a 0505."""


@dataclass(frozen=True)
class Receipt(ReceivedMessage):
    """0504 or 0507: the archive received our message; nothing else follows from it."""


@dataclass(frozen=True)
class ImportResult:
    object_id: str
    success: bool
    """True only for the code the archive uses for ``Erfolgreich``."""
    archive_signature: str | None = None
    """The archive's own reference (Archivsignatur / Archivkennung), if given."""
    message: str | None = None


@dataclass(frozen=True)
class ImportConfirmation(ReceivedMessage):
    """0506: per transferred object, whether the archive took it in."""

    results: tuple[ImportResult, ...] = ()
