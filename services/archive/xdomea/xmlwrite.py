"""Streaming xdomea 3.1.0 writing shared by the messages eakte sends (0501, 0503, 0505).

Everything goes through ``lxml.etree.xmlfile``: elements are written as they are opened
and closed, so a message's size never has to fit in memory.  Element order follows the
Baukasten types (AkteType, VorgangType, DokumentType, FormatType); x-man and DiPS read the
same elements (Identifikation/ID, AllgemeineMetadaten/Kennzeichen and Aktenplaneinheit,
ArchivspezifischeMetadaten/Aussonderungsart, Laufzeit, Version/Format/Primaerdokument).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from services.archive.xdomea import codes
from services.archive.xdomea.model import (
    AkteRecord,
    DocumentRecord,
    Header,
    MessageType,
    Party,
    PrimaryFile,
    VorgangRecord,
)

SENDING_SYSTEM = "eakte"
_DIRECTIONS = {"incoming": "Eingang", "outgoing": "Ausgang", "internal": "Intern"}
"""Dokument/Typ: free text in xdomea; the German word for the document's direction."""


@dataclass
class WrittenCounts:
    """What a message listed; returned by the writers for logs and process records."""

    akten: int = 0
    vorgaenge: int = 0
    documents: int = 0
    files: int = 0


class MessageWriter:
    """Qualified elements, leaves and code values on an open ``xmlfile``."""

    def __init__(self, xf: Any, version: str = codes.WRITTEN_VERSION) -> None:
        self.xf = xf
        self.ns = codes.namespace(version)
        self.counts = WrittenCounts()

    def element(
        self, name: str, attrib: dict[str, str] | None = None
    ) -> AbstractContextManager[None]:
        context: AbstractContextManager[None] = self.xf.element(
            f"{{{self.ns}}}{name}", attrib or {}
        )
        return context

    def leaf(self, name: str, value: str | None) -> None:
        if value is None:
            return
        with self.element(name):
            self.xf.write(value)

    def date(self, name: str, value: date | None) -> None:
        self.leaf(name, value.isoformat() if value is not None else None)

    def boolean(self, name: str, value: bool) -> None:
        self.leaf(name, "1" if value else "0")

    def code(self, name: str, value: str, code_list: tuple[str, str] | None = None) -> None:
        attrib = {"listURI": code_list[0], "listVersionID": code_list[1]} if code_list else {}
        with self.element(name, attrib), self.xf.element("code"):
            self.xf.write(value)


def timestamp(value: datetime) -> str:
    """An ``xs:dateTime`` to the second, with the offset if the value has one."""
    return value.isoformat(timespec="seconds")


def require_type(header: Header, message_type: MessageType) -> None:
    if header.message_type is not message_type:
        raise ValueError(f"header is for {header.message_type.value}, not {message_type.value}")


@contextmanager
def open_message(path: Path, header: Header) -> Iterator[MessageWriter]:
    """Write the message root for ``header.message_type``; the body goes inside."""
    ns = codes.namespace(codes.WRITTEN_VERSION)
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        root = f"{{{ns}}}{header.message_type.element_name}"
        with xf.element(root, nsmap={codes.NAMESPACE_PREFIX: ns}):
            yield MessageWriter(xf)


def write_kopf(w: MessageWriter, header: Header, flags: tuple[tuple[str, bool], ...] = ()) -> None:
    """NkBasisType, followed by the message's own flags (e.g. Empfangsbestaetigung)."""
    with w.element("Kopf"):
        w.leaf("ProzessID", header.process_id)
        w.code("Nachrichtentyp", header.message_type.value, codes.NACHRICHTENTYP_LIST)
        w.leaf("Erstellungszeitpunkt", timestamp(header.created_at))
        _contact(w, "Absender", header.sender)
        _contact(w, "Empfaenger", header.recipient)
        with w.element("SendendesSystem"):
            w.leaf("Produktname", SENDING_SYSTEM)
        for name, value in flags:
            w.boolean(name, value)


def _contact(w: MessageWriter, name: str, party: Party) -> None:
    with w.element(name):
        with w.element("Behoerdenkennung"), w.element("Behoerdenschluessel"):
            with w.xf.element("code"):
                w.xf.write(party.authority_key)
            with w.xf.element("name"):
                w.xf.write(party.name)
        with w.element("Institution"):
            w.leaf("Name", party.name)
            w.leaf("Kurzbezeichnung", party.short_name)


OnFile = Callable[[PrimaryFile], None]


def write_akte(
    w: MessageWriter, akte: AkteRecord, *, with_files: bool, on_file: OnFile | None = None
) -> None:
    """One Akte as a Schriftgutobjekt, its documents and Vorgänge inside."""
    w.counts.akten += 1
    with w.element("Akte"):
        _identification(w, akte.xdomea_id)
        plan = (akte.file_plan_code, akte.file_plan_title)
        _general(w, akte.title, akte.aktenzeichen, akte.confidentiality, plan)
        _archive_metadata(w, akte.archive_value, akte.retention_until)
        _period(w, akte.opened_on, akte.closed_on)
        if akte.documents or akte.vorgaenge:
            with w.element("Akteninhalt"):
                for document in akte.documents:
                    write_document(w, document, with_files=with_files, on_file=on_file)
                for vorgang in akte.vorgaenge:
                    _vorgang(w, vorgang, akte, with_files=with_files, on_file=on_file)
        if akte.closed_on is not None:
            w.boolean("ZdA", True)
            w.date("ZdADatum", akte.closed_on)


def _vorgang(
    w: MessageWriter,
    vorgang: VorgangRecord,
    akte: AkteRecord,
    *,
    with_files: bool,
    on_file: OnFile | None,
) -> None:
    w.counts.vorgaenge += 1
    with w.element("Vorgang"):
        _identification(w, vorgang.xdomea_id)
        _general(w, vorgang.title, vorgang.reference, akte.confidentiality, None)
        _archive_metadata(w, akte.archive_value, akte.retention_until)
        w.leaf("Aktenbetreff", akte.title)
        if vorgang.closed_on is not None:
            w.boolean("ZdA", True)
            w.date("ZdADatum", vorgang.closed_on)
        _period(w, vorgang.opened_on, vorgang.closed_on)
        for document in vorgang.documents:
            write_document(w, document, with_files=with_files, on_file=on_file)


def write_document(
    w: MessageWriter, document: DocumentRecord, *, with_files: bool, on_file: OnFile | None
) -> None:
    """DokumentType; with ``with_files`` every version and its Primärdokument entries."""
    w.counts.documents += 1
    with w.element("Dokument"):
        _identification(w, document.xdomea_id)
        _general(w, document.title, None, document.confidentiality, None, medium=False)
        w.date("Posteingangsdatum", document.received_on)
        w.date("DatumDesSchreibens", document.letter_date)
        w.leaf("Typ", _DIRECTIONS.get(document.direction or ""))
        if with_files:
            for version in document.versions:
                with w.element("Version"):
                    w.leaf("Nummer", str(version.number))
                    for file in version.files:
                        _format(w, file)
                        w.counts.files += 1
                        if on_file is not None:
                            on_file(file)
        if document.sender:
            with w.element("Absender"), w.element("Institution"):
                w.leaf("Name", document.sender)


def _format(w: MessageWriter, file: PrimaryFile) -> None:
    code, other_name = codes.file_format(file.media_type)
    with w.element("Format"):
        w.code("Name", code, codes.DATEIFORMAT_LIST)
        w.leaf("SonstigerName", other_name)
        w.leaf("Version", "")
        with w.element("Primaerdokument"):
            w.leaf("Dateiname", file.file_name)
            w.leaf("DateinameOriginal", file.original_name)
            w.leaf("DatumUhrzeit", timestamp(file.created_at))


def _identification(w: MessageWriter, xdomea_id: str) -> None:
    with w.element("Identifikation"):
        w.leaf("ID", xdomea_id)


def _general(
    w: MessageWriter,
    subject: str,
    reference: str | None,
    confidentiality: str,
    plan: tuple[str, str] | None,
    *,
    medium: bool = True,
) -> None:
    with w.element("AllgemeineMetadaten"):
        w.leaf("Betreff", subject)
        w.leaf("Kennzeichen", reference)
        w.code("Vertraulichkeitsstufe", confidentiality, codes.VERTRAULICHKEIT_LIST)
        if medium:
            w.code("Medium", codes.MEDIUM_ELECTRONIC, codes.MEDIUM_LIST)
        if plan is not None:
            with w.element("Aktenplaneinheit"):
                w.leaf("Kennzeichen", plan[0])
                w.leaf("BetreffKurz", plan[1])


def _archive_metadata(w: MessageWriter, archive_value: str | None, until: date | None) -> None:
    if archive_value is None and until is None:
        return
    with w.element("ArchivspezifischeMetadaten"):
        if archive_value is not None:
            with w.element("Aussonderungsart"):
                w.code("Aussonderungsart", archive_value, codes.AUSSONDERUNGSART_LIST)
            if archive_value in codes.DECISIONS:
                w.code("Bewertungsvorschlag", archive_value, codes.BEWERTUNGSVORSCHLAG_LIST)
        w.date("Aufbewahrungsende", until)


def _period(w: MessageWriter, start: date, end: date | None) -> None:
    with w.element("Laufzeit"):
        w.date("Beginn", start)
        w.date("Ende", end)
