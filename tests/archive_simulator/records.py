"""The record tree of a 0501 or 0503 and x-man's checks on it.

Reads what x-man reads (``server/internal/db/record.go``, ``core/primary_documents.go``):
Schriftgutobjekt > Akte | Vorgang | Dokument; an Akte holds Teilakte, Vorgang and Dokument
in ``Akteninhalt``; a Vorgang holds Teilvorgang and Dokument; a Dokument holds Version >
Format > Primaerdokument > Dateiname and attachments (Anlage). The discrepancy check
follows ``core/discrepancies.go`` (``FindDiscrepancies``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

APPRAISABLE = ("Akte", "Teilakte", "Vorgang", "Teilvorgang")
"""Objects the archive appraises (x-man's ``AppraisableRecords``); documents follow them."""


@dataclass
class RecordNode:
    object_id: str
    kind: str
    """Akte, Teilakte, Vorgang, Teilvorgang, Dokument or Anlage."""
    parent_id: str | None
    reference: str | None
    """Kennzeichen (Aktenzeichen / Vorgangszeichen)."""
    title: str | None
    """Betreff."""
    proposal: str | None
    """The agency's Aussonderungsart (A, B, V) from ArchivspezifischeMetadaten."""
    file_names: list[str] = field(default_factory=list)
    """Primaerdokument/Dateiname of every version and format (documents only)."""

    @property
    def label(self) -> str:
        """x-man's title for messages about the object (``core/record.go``)."""
        text = self.kind
        if self.reference:
            text += f" {self.reference}"
        if self.title:
            text += f": {self.title}"
        return f"{text} [{self.object_id}]"


def _child(element: etree._Element, ns: str, *path: str) -> etree._Element | None:
    found: etree._Element | None = element
    for name in path:
        if found is None:
            return None
        found = found.find(f"{{{ns}}}{name}")
    return found


def _text(element: etree._Element, ns: str, *path: str) -> str | None:
    found = _child(element, ns, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def parse_records(root: etree._Element) -> dict[str, RecordNode]:
    """Every record object of the message by id, parents before children."""
    ns = etree.QName(root).namespace or ""
    nodes: dict[str, RecordNode] = {}

    def add(element: etree._Element, kind: str, parent: str | None) -> None:
        object_id = _text(element, ns, "Identifikation", "ID") or ""
        appraisal = _child(element, ns, "ArchivspezifischeMetadaten", "Aussonderungsart")
        code = None if appraisal is None else _child(appraisal, ns, "Aussonderungsart")
        proposal = None if code is None else (code.findtext("code") or "").strip() or None
        node = RecordNode(
            object_id=object_id,
            kind=kind,
            parent_id=parent,
            reference=_text(element, ns, "AllgemeineMetadaten", "Kennzeichen"),
            title=_text(element, ns, "AllgemeineMetadaten", "Betreff"),
            proposal=proposal,
        )
        nodes[object_id] = node
        if kind in ("Akte", "Teilakte"):
            content = _child(element, ns, "Akteninhalt")
            children = [] if content is None else list(content)
            for sub in children:
                local = etree.QName(sub).localname
                if local in ("Teilakte", "Vorgang", "Dokument"):
                    add(sub, local, object_id)
        elif kind in ("Vorgang", "Teilvorgang"):
            for sub in element:
                local = etree.QName(sub).localname if isinstance(sub.tag, str) else ""
                if local in ("Teilvorgang", "Dokument"):
                    add(sub, local, object_id)
        else:
            for version in element.findall(f"{{{ns}}}Version"):
                for fmt in version.findall(f"{{{ns}}}Format"):
                    name = _text(fmt, ns, "Primaerdokument", "Dateiname")
                    if name:
                        node.file_names.append(name)
            for attachment in element.findall(f"{{{ns}}}Anlage"):
                add(attachment, "Anlage", object_id)

    for wrapper in root.findall(f"{{{ns}}}Schriftgutobjekt"):
        for element in wrapper:
            if isinstance(element.tag, str):
                add(element, etree.QName(element).localname, None)
    return nodes


def package_of(nodes: Mapping[str, RecordNode], object_id: str) -> str:
    """The root-level object whose archive package holds the object."""
    node = nodes[object_id]
    while node.parent_id is not None:
        node = nodes[node.parent_id]
    return node.object_id


def ancestors(nodes: Mapping[str, RecordNode], object_id: str) -> list[str]:
    result = []
    parent = nodes[object_id].parent_id
    while parent is not None:
        result.append(parent)
        parent = nodes[parent].parent_id
    return result


def appraisable_id(nodes: Mapping[str, RecordNode], object_id: str) -> str | None:
    """The object whose decision counts: itself, or a document's nearest appraisable parent.

    ``None`` for a document outside any Akte or Vorgang; x-man counts those as appraised A
    (its implicit ``root`` appraisal).
    """
    node: RecordNode | None = nodes[object_id]
    while node is not None and node.kind not in APPRAISABLE:
        node = nodes[node.parent_id] if node.parent_id is not None else None
    return None if node is None else node.object_id


@dataclass(frozen=True)
class Discrepancies:
    missing: list[str]
    """Objects appraised A in the 0502 but not in the 0503 (top-most missing only)."""
    surplus: list[str]
    """Objects in the 0503 that were not appraised A (top-most surplus only)."""


def find_discrepancies(
    offered: Mapping[str, RecordNode],
    decisions: Mapping[str, str],
    submitted: Mapping[str, RecordNode],
) -> Discrepancies:
    """x-man's ``FindDiscrepancies``: record set complete and nothing extra.

    ``decisions`` holds the effective A/V per appraisable object of the offer; an object
    without one was left out of the appraisal and must not be transferred.
    """
    missing = []
    for object_id in offered:
        if object_id in submitted:
            continue
        if _decision(offered, decisions, object_id) != "A":
            continue
        if any(a not in submitted for a in ancestors(offered, object_id)):
            continue
        missing.append(object_id)

    def is_surplus(object_id: str) -> bool:
        return object_id not in offered or _decision(offered, decisions, object_id) != "A"

    surplus = [
        object_id
        for object_id in submitted
        if is_surplus(object_id) and not any(is_surplus(a) for a in ancestors(submitted, object_id))
    ]
    return Discrepancies(missing=missing, surplus=surplus)


def _decision(
    nodes: Mapping[str, RecordNode], decisions: Mapping[str, str], object_id: str
) -> str | None:
    decided = appraisable_id(nodes, object_id)
    return "A" if decided is None else decisions.get(decided)
