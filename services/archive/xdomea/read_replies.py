"""Reading the archive's replies: 0502, 0504, 0506 and 0507 in xdomea 3.1.0 and 3.0.0.

A reply is schema-checked while it is parsed (in bounded memory) and its values are used
only once the whole file proved valid.  The message type comes from the root element
(x-man names the file and the root alike; Kopf/Nachrichtentyp is not compared, the
xdomea_toolkit's own 0502 template carries 0503 there).

What x-man writes (server/internal/core/generator.go): a 0502 lists every appraisable
object as BewertetesObjekt with ID and Aussonderungsart/Aussonderungsart/code A or V and
asks for a receipt (Kopf/Empfangsbestaetigung); a 0506 lists AusgesondertesSGO with
IDSGO, ``Erfolgreich`` (xs:boolean, ``true`` for an archived object) and, with DIMAG,
the archive package id as Archivkennung.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TypeVar

from lxml import etree

from services.archive.xdomea import codes
from services.archive.xdomea.model import (
    AppraisalList,
    Header,
    ImportConfirmation,
    ImportResult,
    MessageType,
    ObjectAppraisal,
    Party,
    Receipt,
    ReceivedMessage,
    XdomeaMessageError,
)
from services.archive.xdomea.schema import iter_items, version_of

READ_TYPES = (
    MessageType.APPRAISAL,
    MessageType.OFFER_RECEIVED,
    MessageType.IMPORT_CONFIRMED,
    MessageType.TRANSFER_RECEIVED,
)
Reply = AppraisalList | Receipt | ImportConfirmation
_BY_ELEMENT = {message_type.element_name: message_type for message_type in MessageType}
_TRUE = ("true", "1")
_Entry = TypeVar("_Entry", ObjectAppraisal, ImportResult)


def peek_header(path: Path) -> ReceivedMessage:
    """The Kopf and xdomea version, read without the schema check and up to the Kopf only.

    For listing and routing; :func:`read_message` is what decides whether a reply is used.
    """
    root = _root_tag(path)
    version = version_of(root)
    message_type = _message_type(root, path)
    try:
        for _event, element in etree.iterparse(
            str(path), events=("end",), resolve_entities="internal", no_network=True
        ):
            if etree.QName(element).localname == "Kopf":
                return ReceivedMessage(header=_header(element, message_type), version=version)
    except etree.XMLSyntaxError as error:
        raise XdomeaMessageError(f"{path.name} is not well-formed XML: {error}") from error
    raise XdomeaMessageError(f"{path.name} has no Kopf")


def read_message(path: Path, schema_dir: Path | None, expected: MessageType | None = None) -> Reply:
    """Check ``path`` against its schema and read it as the reply it is.

    ``expected``, if given, is the only message type accepted.  Raises
    :class:`XdomeaMessageError` for a message that is not well-formed or not valid, in a
    version not read, of a type eakte sends rather than reads, or not the one expected.
    """
    root = _root_tag(path)
    version = version_of(root)
    message_type = _message_type(root, path)
    if message_type not in READ_TYPES:
        raise XdomeaMessageError(
            f"{path.name} is a {message_type.value} ({message_type.element_name}), a message "
            "eakte sends; replies read are " + ", ".join(t.value for t in READ_TYPES)
        )
    if expected is not None and message_type is not expected:
        raise XdomeaMessageError(
            f"{path.name} is a {message_type.value}, expected a {expected.value}"
        )
    header: Header | None = None
    receipt_requested = False
    appraisals: dict[str, ObjectAppraisal] = {}
    results: dict[str, ImportResult] = {}
    for item in iter_items(path, schema_dir, version):
        name = etree.QName(item).localname
        if name == "Kopf":
            header = _header(item, message_type)
            receipt_requested = _text(item, "Empfangsbestaetigung") in _TRUE
        elif name == "BewertetesObjekt":
            _add(appraisals, _appraisal(item, path), path)
        elif name == "AusgesondertesSGO":
            _add(results, _import_result(item), path)
    if header is None:  # the schema requires a Kopf; kept for a clear message all the same
        raise XdomeaMessageError(f"{path.name} has no Kopf")
    if message_type is MessageType.APPRAISAL:
        return AppraisalList(
            header=header,
            version=version,
            appraisals=tuple(appraisals.values()),
            receipt_requested=receipt_requested,
        )
    if message_type is MessageType.IMPORT_CONFIRMED:
        return ImportConfirmation(header=header, version=version, results=tuple(results.values()))
    return Receipt(header=header, version=version)


def _root_tag(path: Path) -> str:
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities="internal", no_network=True
        ):
            return str(element.tag)
    except etree.XMLSyntaxError as error:
        raise XdomeaMessageError(f"{path.name} is not well-formed XML: {error}") from error
    raise XdomeaMessageError(f"{path.name} is empty")


def _message_type(tag: str, path: Path) -> MessageType:
    name = etree.QName(tag).localname
    message_type = _BY_ELEMENT.get(name)
    if message_type is None:
        raise XdomeaMessageError(f"{path.name}: {name} is not an Aussonderung message eakte knows")
    return message_type


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if etree.QName(child).localname == name]


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None, *path: str) -> str | None:
    for name in path:
        element = _child(element, name)
    if element is None or element.text is None:
        return None
    return str(element.text).strip()


def _header(kopf: etree._Element, message_type: MessageType) -> Header:
    process_id = _text(kopf, "ProzessID")
    if not process_id:
        raise XdomeaMessageError(f"the Kopf of the {message_type.value} has no ProzessID")
    created = _text(kopf, "Erstellungszeitpunkt")
    try:
        created_at = datetime.fromisoformat(created or "")
    except ValueError:
        raise XdomeaMessageError(f"Erstellungszeitpunkt {created!r} is not a date-time") from None
    return Header(
        process_id=process_id.lower(),
        message_type=message_type,
        created_at=created_at,
        sender=_party(_child(kopf, "Absender")),
        recipient=_party(_child(kopf, "Empfaenger")),
    )


def _party(contact: etree._Element | None) -> Party:
    """Behördenschlüssel and institution; x-man sends the institution only, then the key is ''."""
    key = _text(contact, "Behoerdenkennung", "Behoerdenschluessel", "code")
    return Party(
        authority_key=key or "",
        name=_text(contact, "Institution", "Name") or "",
        short_name=_text(contact, "Institution", "Kurzbezeichnung"),
    )


def _appraisal(item: etree._Element, path: Path) -> ObjectAppraisal:
    object_id = (_text(item, "ID") or "").lower()
    kind = _child(item, "Aussonderungsart")
    value = _text(kind, "Aussonderungsart", "code") or _text(kind, "AussonderungsartKonfigurierbar")
    if value not in codes.DECISIONS:
        raise XdomeaMessageError(
            f"{path.name}: object {object_id} is appraised {value!r}; an appraisal is A or V"
        )
    return ObjectAppraisal(object_id=object_id, value=value)


def _import_result(item: etree._Element) -> ImportResult:
    messages = [(child.text or "").strip() for child in _children(item, "Fehlermeldung")]
    messages += [
        code for child in _children(item, "FehlermeldungCode") if (code := _text(child, "code"))
    ]
    return ImportResult(
        object_id=(_text(item, "IDSGO") or "").lower(),
        success=_text(item, "Erfolgreich") in _TRUE,
        archive_signature=_text(item, "Archivkennung") or None,
        message="; ".join(message for message in messages if message) or None,
    )


def _add(found: dict[str, _Entry], entry: _Entry, path: Path) -> None:
    earlier = found.get(entry.object_id)
    if earlier is not None and earlier != entry:
        raise XdomeaMessageError(f"{path.name} lists object {entry.object_id} twice, differently")
    found[entry.object_id] = entry
