"""The destruction certificate (Vernichtungs- / Löschprotokoll) as plain values.

A :class:`DestructionRecord` says what was destroyed (every Akte with its documents and
the SHA-256 of every version's content and rendition), why (the reason and its legal
basis), who approved it and when.  It knows nothing of the database: the destruction
service builds it from the rows before they go, and
:func:`services.archive.certificate_json.certificate_json` and
:func:`services.archive.certificate_pdf.certificate_pdf` turn it into the two renditions
that are stored.  The SHA-256 of the JSON is printed on every page of the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from file_plan.model import ArchiveValue
from services.archive.xdomea.model import Party

FORMAT = "eakte-destruction-certificate/1"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class DestructionReason(StrEnum):
    """Why the records could be destroyed (or deleted after their transfer)."""

    ARCHIVE_APPRAISED_V = "archive_appraised_v"
    """The archive appraised the offered records V (not worth archiving) in its 0502."""
    OFFER_WAIVED = "offer_waived"
    """The archive waived the offer for the plan code (Anbietungsverzicht)."""
    TRANSFERRED = "transferred"
    """Transferred in a 0503; the archive's 0506 reported the import ``Erfolgreich``."""
    AGENCY_APPRAISED_V = "agency_appraised_v"
    """Two-step flow: the agency appraised V itself (plan value, or B appraised by a person)."""

    @property
    def label(self) -> str:
        return REASON_LABELS[self]

    @property
    def heading(self) -> str:
        """``Löschprotokoll`` after a transfer (the records live on in the archive)."""
        return (
            "Löschprotokoll" if self is DestructionReason.TRANSFERRED else "Vernichtungsprotokoll"
        )


REASON_LABELS = {
    DestructionReason.ARCHIVE_APPRAISED_V: "Vom zuständigen Archiv als nicht archivwürdig "
    "bewertet (V)",
    DestructionReason.OFFER_WAIVED: "Anbietungsverzicht des zuständigen Archivs",
    DestructionReason.TRANSFERRED: "An das zuständige Archiv übergeben; Übernahme mit "
    "xdomea-Nachricht 0506 als erfolgreich bestätigt",
    DestructionReason.AGENCY_APPRAISED_V: "Von der Behörde als nicht archivwürdig bewertet "
    "(V, zweistufiges Verfahren)",
}

DEFAULT_LEGAL_BASIS = {
    DestructionReason.ARCHIVE_APPRAISED_V: "§ 4 Abs. 1 i. V. m. § 10 ArchivG NRW: Anbietung an "
    "das zuständige Archiv; Vernichtung nach Ablauf der Aufbewahrungsfrist und Bewertung als "
    "nicht archivwürdig durch das Archiv; Art. 17 Abs. 1 Buchst. a DSGVO",
    DestructionReason.OFFER_WAIVED: "§ 4 Abs. 1 i. V. m. § 10 ArchivG NRW: Das zuständige Archiv "
    "hat für diese Aktenplanpositionen auf die Anbietung verzichtet; Vernichtung nach Ablauf "
    "der Aufbewahrungsfrist; Art. 17 Abs. 1 Buchst. a DSGVO",
    DestructionReason.TRANSFERRED: "§ 4 Abs. 1 i. V. m. § 10 ArchivG NRW: Übergabe an das "
    "zuständige Archiv; Löschung im abgebenden System nach bestätigter Übernahme",
    DestructionReason.AGENCY_APPRAISED_V: "§ 4 Abs. 1 i. V. m. § 10 ArchivG NRW: Bewertung als "
    "nicht archivwürdig nach dem mit dem Archiv abgestimmten Aktenplan (zweistufiges "
    "Verfahren); Vernichtung nach Ablauf der Aufbewahrungsfrist; Art. 17 Abs. 1 Buchst. a DSGVO",
}
"""Sensible German defaults; the caller passes the text that applies (a setting may differ)."""


class AppraisalSource(StrEnum):
    """Who decided the archive value that led to the destruction."""

    FILE_PLAN = "file_plan"
    ARCHIVE = "archive"
    RECORDS_MANAGER = "records_manager"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    AppraisalSource.FILE_PLAN: "Aktenplan",
    AppraisalSource.ARCHIVE: "Archiv",
    AppraisalSource.RECORDS_MANAGER: "Schriftgutverwaltung",
}


def _check_aware(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone")


def _check_sha256(name: str, value: str | None) -> None:
    if value is not None and not _SHA256.fullmatch(value):
        raise ValueError(f"{name} is not a lower-case hex SHA-256: {value!r}")


@dataclass(frozen=True)
class Appraisal:
    value: ArchiveValue
    """The value that decided: V (destroyed) or A (transferred)."""
    source: AppraisalSource
    by: str | None = None
    """The records manager or the archive; None for the plan's own value."""
    reason: str | None = None
    """The records manager's reason for appraising a B item."""
    appraised_at: datetime | None = None
    plan_value: ArchiveValue | None = None
    """The plan's value, when it differs from the decision (e.g. B appraised V)."""

    def __post_init__(self) -> None:
        _check_aware("appraised_at", self.appraised_at)


@dataclass(frozen=True)
class VersionDigest:
    number: int
    sha256: str
    """SHA-256 of the version's content as it was stored (the original file)."""
    size: int
    rendition_sha256: str | None = None
    """SHA-256 of the PDF/A rendition, if one was made."""
    rendition_size: int | None = None

    def __post_init__(self) -> None:
        _check_sha256("sha256", self.sha256)
        _check_sha256("rendition_sha256", self.rendition_sha256)


@dataclass(frozen=True)
class DestroyedDocument:
    document_id: str
    title: str
    versions: tuple[VersionDigest, ...] = ()


@dataclass(frozen=True)
class DestroyedAkte:
    aktenzeichen: str
    title: str
    plan_code: str
    plan_title: str
    opened_on: date
    closed_on: date | None
    retention_until: date | None
    appraisal: Appraisal
    documents: tuple[DestroyedDocument, ...] = ()
    akte_id: str | None = None
    """The Akte's id in eakte (its tombstone keeps it)."""
    archive_signature: str | None = None
    """The archive's own reference from the 0506, for transferred Akten."""


@dataclass(frozen=True)
class Approval:
    approver: str
    """The records manager who approved the destruction list (actor label)."""
    approved_at: datetime

    def __post_init__(self) -> None:
        _check_aware("approved_at", self.approved_at)


@dataclass(frozen=True)
class DestructionRecord:
    certificate_id: str
    number: str
    """The certificate's printed number, e.g. ``VP-2026-0007``."""
    authority: Party
    """The agency that destroyed the records (name and Behördenkennung)."""
    reason: DestructionReason
    legal_basis: str
    """Usually ``DEFAULT_LEGAL_BASIS[reason]``, or the text the town configured."""
    destroyed_at: datetime
    akten: tuple[DestroyedAkte, ...]
    process_id: str | None = None
    """The ProzessID of the Aussonderung, also for waived or agency-appraised destruction."""
    archive: Party | None = None
    approval: Approval | None = None
    """None when no approval was required (a setting, or the archive's 0506 after a transfer)."""

    def __post_init__(self) -> None:
        _check_aware("destroyed_at", self.destroyed_at)

    @property
    def document_count(self) -> int:
        return sum(len(a.documents) for a in self.akten)

    @property
    def version_count(self) -> int:
        return sum(len(d.versions) for a in self.akten for d in a.documents)
