"""The archive's messages 0502, 0504, 0506 and 0507, built as x-man builds them.

Follows ``server/internal/core/generator.go``: the Kopf names the archive as Absender by
its Institution (Name, Kurzbezeichnung) only, copies the agency's Institution into
Empfaenger, names ``X-MAN`` as SendendesSystem and gives Erstellungszeitpunkt as local time
without zone; the 0502 asks for a receipt (Empfangsbestaetigung) and lists every
appraised object with ``Aussonderungsart/Aussonderungsart/code``; the 0506 has one
``AusgesondertesSGO`` (IDSGO, Erfolgreich, Fehlermeldung, Archivkennung) per object.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lxml import etree

from tests.archive_simulator.naming import MESSAGE_NAMES
from tests.archive_simulator.schemas import namespace

XSI = "http://www.w3.org/2001/XMLSchema-instance"


class PartyLike(Protocol):
    """Anything with the fields of ``services.archive.xdomea.model.Party``."""

    @property
    def authority_key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def short_name(self) -> str | None: ...


@dataclass(frozen=True)
class ReplyHead:
    process_id: str
    version: str
    archive: PartyLike
    agency_contact: etree._Element | None
    """The Absender of the message answered; its Institution becomes our Empfaenger."""
    with_authority_key: bool
    """Also name Behördenkennungen (x-man does not)."""
    numeric_booleans: bool = False
    """Write xs:boolean as ``1``/``0`` (equally valid) instead of x-man's ``true``/``false``."""


@dataclass(frozen=True)
class ImportOutcome:
    """One ``AusgesondertesSGO`` of a 0506."""

    object_id: str
    success: bool
    archive_signature: str | None = None
    message: str | None = None


def _el(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _code(parent: etree._Element, ns: str, name: str, value: str) -> etree._Element:
    element = _el(parent, ns, name)
    etree.SubElement(element, "code").text = value
    return element


def _start(code: str, head: ReplyHead) -> tuple[etree._Element, str]:
    ns = namespace(head.version)
    root = etree.Element(
        f"{{{ns}}}Aussonderung.{MESSAGE_NAMES[code]}.{code}", nsmap={"xdomea": ns, "xsi": XSI}
    )
    kopf = _el(root, ns, "Kopf")
    _el(kopf, ns, "ProzessID", head.process_id)
    _code(kopf, ns, "Nachrichtentyp", code)
    _el(kopf, ns, "Erstellungszeitpunkt", datetime.now().strftime("%Y-%m-%dT%H:%M:%S"))
    sender = _el(kopf, ns, "Absender")
    if head.with_authority_key:
        _code(
            _el(sender, ns, "Behoerdenkennung"),
            ns,
            "Behoerdenschluessel",
            head.archive.authority_key,
        )
    institution = _el(sender, ns, "Institution")
    _el(institution, ns, "Name", head.archive.name)
    if head.archive.short_name:
        _el(institution, ns, "Kurzbezeichnung", head.archive.short_name)
    recipient = _el(kopf, ns, "Empfaenger")
    if head.agency_contact is not None:
        wanted = (
            ("Behoerdenkennung", "Institution") if head.with_authority_key else ("Institution",)
        )
        for part in head.agency_contact:
            if isinstance(part.tag, str) and etree.QName(part).localname in wanted:
                recipient.append(_renamespaced(part, ns))
    system = _el(kopf, ns, "SendendesSystem")
    _el(system, ns, "Produktname", "X-MAN")
    _el(system, ns, "Version", "eakte-test-simulator")
    return root, ns


def _renamespaced(element: etree._Element, ns: str) -> etree._Element:
    """A copy of a 3.0.0 or 3.1.0 element in the reply's namespace."""
    result = copy.deepcopy(element)
    for node in result.iter():
        if isinstance(node.tag, str) and etree.QName(node).namespace:
            node.tag = f"{{{ns}}}{etree.QName(node).localname}"
    etree.cleanup_namespaces(result)
    return result


def receipt(code: str, head: ReplyHead) -> etree._Element:
    """0504 (offer received) or 0507 (transfer received): a Kopf and nothing else."""
    root, _ = _start(code, head)
    return root


def appraisal_list(head: ReplyHead, decisions: Iterable[tuple[str, str]]) -> etree._Element:
    """0502 with one BewertetesObjekt per ``(object_id, "A" | "V")``."""
    root, ns = _start("0502", head)
    _el(root[0], ns, "Empfangsbestaetigung", _boolean(True, head))
    for object_id, value in decisions:
        appraised = _el(root, ns, "BewertetesObjekt")
        _el(appraised, ns, "ID", object_id)
        _code(_el(appraised, ns, "Aussonderungsart"), ns, "Aussonderungsart", value)
    return root


def import_confirmation(head: ReplyHead, outcomes: Iterable[ImportOutcome]) -> etree._Element:
    """0506 with one AusgesondertesSGO per object."""
    root, ns = _start("0506", head)
    for outcome in outcomes:
        entry = _el(root, ns, "AusgesondertesSGO")
        _el(entry, ns, "IDSGO", outcome.object_id)
        _el(entry, ns, "Erfolgreich", _boolean(outcome.success, head))
        if outcome.message:
            _el(entry, ns, "Fehlermeldung", outcome.message)
        if outcome.archive_signature:
            _el(entry, ns, "Archivkennung", outcome.archive_signature)
    return root


def _boolean(value: bool, head: ReplyHead) -> str:
    if head.numeric_booleans:
        return "1" if value else "0"
    return "true" if value else "false"


def break_schema(root: etree._Element) -> None:
    """Make a reply schema-invalid: an element the Kopf does not allow."""
    ns = etree.QName(root).namespace
    kopf = root.find(f"{{{ns}}}Kopf")
    assert kopf is not None
    _el(kopf, ns or "", "UnbekanntesElement", "kein xdomea")
