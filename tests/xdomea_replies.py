"""Small xdomea replies (0502, 0504, 0506, 0507) as x-man writes them, built with lxml.

Shaped after x-man's generator (server/internal/core/generator.go): the Kopf names the
archive by institution only, a 0502 lists BewertetesObjekt with ID and
Aussonderungsart/Aussonderungsart/code, a 0506 AusgesondertesSGO with IDSGO, Erfolgreich
and Archivkennung.  No reply examples in 3.1.0 are public, so the tests use these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from lxml import etree

from services.archive.xdomea.model import MessageType

VERSION = "3.1.0"


def _ns(version: str) -> str:
    return f"urn:xoev-de:xdomea:schema:{version}"


class _Builder:
    def __init__(self, version: str) -> None:
        self.ns = _ns(version)

    def el(self, parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{name}")
        if text is not None:
            element.text = text
        return element

    def code(self, parent: etree._Element, name: str, value: str) -> etree._Element:
        element = self.el(parent, name)
        etree.SubElement(element, "code").text = value
        return element


def reply(
    message_type: MessageType,
    process_id: str,
    *,
    version: str = VERSION,
    appraisals: Iterable[tuple[str, str]] = (),
    receipt_requested: bool = True,
    results: Iterable[tuple[str, bool, str | None]] = (),
    errors: dict[str, str] | None = None,
) -> bytes:
    """The reply's XML.

    ``appraisals``: (object id, A|V) for a 0502; ``results``: (object id, success,
    Archivkennung) for a 0506, with ``errors`` giving a Fehlermeldung per object id.
    """
    b = _Builder(version)
    root = etree.Element(f"{{{b.ns}}}{message_type.element_name}", nsmap={"xdomea": b.ns})
    kopf = b.el(root, "Kopf")
    b.el(kopf, "ProzessID", process_id)
    b.code(kopf, "Nachrichtentyp", message_type.value)
    b.el(kopf, "Erstellungszeitpunkt", datetime(2026, 3, 1, 12, 0, 0).isoformat())
    for name, institution in (("Absender", "Landesarchiv Test"), ("Empfaenger", "Stadt Test")):
        contact = b.el(kopf, name)
        b.el(b.el(contact, "Institution"), "Name", institution)
    system = b.el(kopf, "SendendesSystem")
    b.el(system, "Produktname", "X-MAN")
    if message_type is MessageType.APPRAISAL:
        b.el(kopf, "Empfangsbestaetigung", "true" if receipt_requested else "false")
        for object_id, value in appraisals:
            item = b.el(root, "BewertetesObjekt")
            b.el(item, "ID", object_id)
            b.code(b.el(item, "Aussonderungsart"), "Aussonderungsart", value)
    if message_type is MessageType.IMPORT_CONFIRMED:
        for object_id, success, signature in results:
            item = b.el(root, "AusgesondertesSGO")
            b.el(item, "IDSGO", object_id)
            b.el(item, "Erfolgreich", "true" if success else "false")
            if errors and object_id in errors:
                b.el(item, "Fehlermeldung", errors[object_id])
            if signature is not None:
                b.el(item, "Archivkennung", signature)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_reply(
    directory: Path, message_type: MessageType, process_id: str, **kwargs: object
) -> Path:
    """The reply as a file named like the XML inside a transfer zip."""
    path = directory / f"{process_id}_{message_type.file_label}.xml"
    path.write_bytes(reply(message_type, process_id, **kwargs))  # type: ignore[arg-type]
    return path
