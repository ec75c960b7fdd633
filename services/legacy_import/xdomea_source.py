"""xdomea 0503 messages (Aussonderung) exported by another DMS, as a legacy source.

A message is a zip holding ``<ProzessID>_Aussonderung.Aussonderung.0503.xml`` and the
primary files (flat), or that XML beside its files in a folder.  It is read with lxml's
``iterparse`` one Schriftgutobjekt at a time (cleared after use), so a large export is
read in bounded memory.  When ``EAKTE_ARCHIVE__SCHEMA_DIR`` is set the message is first
checked against the xdomea schema of its version (3.1.0 or 3.0.0), streaming too.

Mapping: Akte (Kennzeichen -> legacy reference, Aktenplaneinheit -> plan code through
the code map, Laufzeit -> opened/closed), Teilakte -> its content joins the Akte,
Vorgang (Laufzeit, or ZdADatum), Teilvorgang -> its documents join the Vorgang,
Dokument and its Anlagen (DatumDesSchreibens -> letter date, Posteingangsdatum ->
received on; the direction from Typ ``Eingang``/``Ausgang``/``Intern`` as eakte writes it,
else incoming with a Posteingangsdatum, outgoing with a Postausgangsdatum), Version by
Nummer (the last is current), Format -> the version's alternative files.  Object ids
are the ledger keys.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import BinaryIO, cast

from lxml import etree

from services.archive.xdomea.codes import namespace
from services.archive.xdomea.model import MessageType, XdomeaMessageError
from services.archive.xdomea.schema import detect_version, validate_file
from services.errors import EAkteError, InvalidInputError
from services.legacy_import.manifest import DIRECTIONS, parse_day
from services.legacy_import.model import (
    LegacyAkte,
    LegacyDocument,
    LegacyFile,
    LegacyVersion,
    LegacyVorgang,
    Refusal,
    SourceItem,
)


class Message:
    """One 0503 message: its XML on disk (extracted from a zip) and its primary files."""

    def __init__(self, path: Path, stack: ExitStack) -> None:
        self.name = path.name
        if zipfile.is_zipfile(path):
            self._zip: zipfile.ZipFile | None = stack.enter_context(zipfile.ZipFile(path))
            members = [n for n in self._zip.namelist() if n.endswith(".0503.xml")]
            if len(members) != 1:
                raise XdomeaMessageError(f"{path.name} holds no single *.0503.xml message")
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            self.xml = workdir / Path(members[0]).name
            with self._zip.open(members[0]) as source, self.xml.open("wb") as target:
                shutil.copyfileobj(source, target)
            self._folder = path.parent
        else:
            self._zip = None
            self.xml = path
            self._folder = path.parent

    def file(self, name: str) -> LegacyFile:
        """A primary file named in the message (flat: no folders)."""
        if Path(name).name != name or name in ("", ".", ".."):
            raise InvalidInputError(f"the primary file name {name!r} is not a plain file name")
        archive, folder = self._zip, self._folder

        def opener() -> AbstractContextManager[BinaryIO]:
            if archive is None:
                return (folder / name).open("rb")
            return _zip_member(archive, name)

        return LegacyFile(name=name, open=opener)


@contextmanager
def _zip_member(archive: zipfile.ZipFile, name: str) -> Iterator[BinaryIO]:
    """The member copied to a temporary file: the checks need to seek in it."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise FileNotFoundError(f"{name} is not in the zip") from None
    with tempfile.TemporaryFile() as spool, archive.open(info) as source:
        shutil.copyfileobj(source, spool)
        spool.seek(0)
        yield cast("BinaryIO", spool)


def read_message(
    message: Message, *, code_map: Mapping[str, str], schema_dir: Path | None
) -> Iterator[SourceItem]:
    """The Akten of a 0503 message, one at a time (or why each is refused)."""
    version = detect_version(message.xml)
    if schema_dir is not None:
        validate_file(message.xml, schema_dir, version)
    ns = namespace(version)
    reader = _Reader(message, ns, code_map)
    root_seen = False
    for event, element in etree.iterparse(
        str(message.xml), events=("start", "end"), resolve_entities="internal", no_network=True
    ):
        if not root_seen:
            root_seen = True
            if etree.QName(element).localname != MessageType.TRANSFER.element_name:
                raise XdomeaMessageError(
                    f"{message.name} is {etree.QName(element).localname}, not a 0503 Aussonderung"
                )
            continue
        if event != "end" or element.tag != f"{{{ns}}}Schriftgutobjekt":
            continue
        yield from reader.objects(element)
        element.clear(keep_tail=True)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def count_documents(message: Message) -> int:
    """How many Dokument elements (with Anlagen) the message holds; a cheap streaming pass."""
    ns = namespace(detect_version(message.xml))
    count = 0
    for _event, element in etree.iterparse(
        str(message.xml), events=("end",), tag=f"{{{ns}}}Dokument", resolve_entities="internal"
    ):
        count += 1
        element.clear(keep_tail=True)
    return count


class _Reader:
    def __init__(self, message: Message, ns: str, code_map: Mapping[str, str]) -> None:
        self._message = message
        self._ns = {"x": ns}
        self._code_map = code_map

    def objects(self, item: etree._Element) -> Iterator[SourceItem]:
        for child in item:
            name = etree.QName(child).localname
            ident = self._text(child, "x:Identifikation/x:ID") or "?"
            if name == "Akte":
                yield self._akte(child, ident)
            else:
                yield Refusal(
                    key=f"xdomea:{ident}",
                    label=f"{name} {ident} in {self._message.name}",
                    reason=f"a {name} outside an Akte cannot be imported; eakte files into Akten",
                )

    def _akte(self, akte: etree._Element, ident: str) -> SourceItem:
        title = self._text(akte, "x:AllgemeineMetadaten/x:Betreff") or "(ohne Betreff)"
        key, label = f"xdomea:{ident}", f"Akte {ident} ({title})"
        try:
            foreign = self._text(akte, "x:AllgemeineMetadaten/x:Aktenplaneinheit/x:Kennzeichen")
            if foreign is None:
                raise InvalidInputError("the Akte names no Aktenplaneinheit (plan code)")
            opened_on = self._date(akte, "x:Laufzeit/x:Beginn")
            if opened_on is None:
                raise InvalidInputError("the Akte has no Laufzeit/Beginn (opening day)")
            refused: list[Refusal] = []
            vorgaenge: list[LegacyVorgang] = []
            documents: list[LegacyDocument] = []
            self._content(akte, vorgaenge, documents, refused)
            return LegacyAkte(
                key=key,
                label=label,
                code=self._code_map.get(foreign, foreign),
                title=title,
                opened_on=opened_on,
                closed_on=self._date(akte, "x:Laufzeit/x:Ende"),
                legacy_reference=self._text(akte, "x:AllgemeineMetadaten/x:Kennzeichen"),
                description=self._text(akte, "x:AllgemeineMetadaten/x:Bemerkung"),
                vorgaenge=tuple(vorgaenge),
                documents=tuple(documents),
                refused=tuple(refused),
            )
        except EAkteError as exc:
            return Refusal(key=key, label=label, reason=exc.detail)

    def _content(
        self,
        akte: etree._Element,
        vorgaenge: list[LegacyVorgang],
        documents: list[LegacyDocument],
        refused: list[Refusal],
    ) -> None:
        for child in akte.iterfind("x:Akteninhalt/*", self._ns):
            name = etree.QName(child).localname
            if name == "Dokument":
                documents.extend(self._documents(child, refused))
            elif name == "Vorgang":
                vorgaenge.append(self._vorgang(child, refused))
            elif name == "Teilakte":
                self._content(child, vorgaenge, documents, refused)

    def _vorgang(self, vorgang: etree._Element, refused: list[Refusal]) -> LegacyVorgang:
        ident = self._text(vorgang, "x:Identifikation/x:ID") or "?"
        documents: list[LegacyDocument] = []
        for element in vorgang.iter(f"{{{self._ns['x']}}}Dokument"):
            if etree.QName(element.getparent()).localname in ("Vorgang", "Teilvorgang"):
                documents.extend(self._documents(element, refused))
        closed_on = self._date(vorgang, "x:Laufzeit/x:Ende") or self._date(vorgang, "x:ZdADatum")
        return LegacyVorgang(
            key=f"xdomea:{ident}",
            title=self._text(vorgang, "x:AllgemeineMetadaten/x:Betreff") or "(ohne Betreff)",
            opened_on=self._date(vorgang, "x:Laufzeit/x:Beginn"),
            closed_on=closed_on,
            documents=tuple(documents),
        )

    def _documents(
        self, element: etree._Element, refused: list[Refusal]
    ) -> Iterator[LegacyDocument]:
        """The document and its Anlagen (attachments become documents beside it)."""
        ident = self._text(element, "x:Identifikation/x:ID") or "?"
        title = self._text(element, "x:AllgemeineMetadaten/x:Betreff")
        try:
            yield self._document(element, ident, title)
        except EAkteError as exc:
            refused.append(
                Refusal(
                    key=f"xdomea:{ident}",
                    label=f"document {ident} ({title or 'ohne Betreff'})",
                    reason=exc.detail,
                )
            )
        for attachment in element.iterfind("x:Anlage", self._ns):
            yield from self._documents(attachment, refused)

    def _document(self, element: etree._Element, ident: str, title: str | None) -> LegacyDocument:
        versions = sorted(
            element.iterfind("x:Version", self._ns),
            key=lambda v: _version_number(self._text(v, "x:Nummer")),
        )
        legacy_versions = []
        for version in versions:
            names = [
                name
                for fmt in version.iterfind("x:Format", self._ns)
                if (name := self._text(fmt, "x:Primaerdokument/x:Dateiname"))
            ]
            if names:
                legacy_versions.append(
                    LegacyVersion(formats=tuple(self._message.file(n) for n in names))
                )
        if not legacy_versions:
            raise InvalidInputError("the document has no version with a primary file")
        received = self._date(element, "x:Posteingangsdatum")
        sent = self._date(element, "x:Postausgangsdatum")
        typ = (self._text(element, "x:Typ") or "").casefold()
        direction = DIRECTIONS.get(typ) or (
            "incoming" if received else "outgoing" if sent else None
        )
        return LegacyDocument(
            key=f"xdomea:{ident}",
            title=title or self._text(element, "x:AllgemeineMetadaten/x:Kennzeichen") or ident,
            versions=tuple(legacy_versions),
            letter_date=self._date(element, "x:DatumDesSchreibens"),
            received_on=received,
            direction=direction,
            sender=self._sender(element),
            description=self._text(element, "x:AllgemeineMetadaten/x:Bemerkung"),
        )

    def _sender(self, element: etree._Element) -> str | None:
        sender = element.find("x:Absender", self._ns)
        if sender is None:
            return None
        institution = self._text(sender, "x:Institution/x:Name")
        person = " ".join(
            part
            for part in (
                self._text(sender, "x:Name/x:Vorname/x:Name"),
                self._text(sender, "x:Name/x:Familienname/x:Name"),
            )
            if part
        )
        return ", ".join(part for part in (person, institution) if part) or None

    def _text(self, element: etree._Element, path: str) -> str | None:
        found = element.find(path, self._ns)
        if found is None or found.text is None:
            return None
        text = " ".join(found.text.split())
        return text or None

    def _date(self, element: etree._Element, path: str) -> date | None:
        text = self._text(element, path)
        return None if text is None else parse_day(text, path.rsplit("/", 1)[-1].removeprefix("x:"))


def _version_number(text: str | None) -> tuple[int, ...]:
    """``2.95`` -> (2, 95): version numbers sort by their parts, not as text."""
    parts = []
    for part in (text or "").split("."):
        parts.append(int(part) if part.isdigit() else 0)
    return tuple(parts)


def message_files(path: Path) -> list[Path]:
    """The 0503 messages at ``path``: the file itself, or the folder's, sorted by name."""
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.iterdir() if p.is_file() and p.name.endswith((".0503.zip", ".0503.xml"))
    )
