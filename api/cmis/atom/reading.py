"""Reading what clients send: Atom entries (streamed), query, ACL and small documents.

An entry that creates a document carries its content base64-encoded in
``cmisra:content`` (or in ``atom:content``).  The entry is parsed with lxml's event
target from a spooled body in chunks, and the base64 text is decoded as it arrives
into a spooled file: the content is never whole in memory.  No DTD is accepted, no
entity resolved, nothing fetched from the network.
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from dataclasses import dataclass, field, replace
from typing import IO, Any

from lxml import etree

from api.cmis.atom.ns import ATOM, CMIS, CMISRA
from api.spooled_body import IN_MEMORY_BYTES
from services.cmis.errors import InvalidArgument
from services.cmis.model import IncomingContent
from services.errors import LimitExceededError


class BodyTooLarge(LimitExceededError):
    """A request body (or the content in it) over its limit: 413."""


CHUNK = 64 * 1024
SMALL_DOCUMENT_BYTES = 1024 * 1024
_WHITESPACE = re.compile(rb"\s+")
_TEXT_TYPES = ("text", "html", "xhtml")
_CAPTURED = {f"{{{CMISRA}}}type": "type", f"{{{CMISRA}}}bulkUpdate": "bulkUpdate"}
"""Small parts of an entry kept whole, as trees."""
_CHEMISTRY_FILENAME = "{http://chemistry.apache.org/}filename"
"""The file name OpenCMIS clients put beside the base64 content (no CMIS element for it)."""


def safe_parser(**options: Any) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, **options
    )


class _Base64Sink:
    """Decodes base64 text arriving in pieces into a spooled file, up to ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (handed on)
        self.size = 0
        self.limit = limit
        self._rest = b""

    def write_text(self, text: str) -> None:
        data = self._rest + _WHITESPACE.sub(b"", text.encode("ascii", "replace"))
        usable = len(data) - len(data) % 4
        self._rest = data[usable:]
        if usable:
            self._write(data[:usable])

    def _write(self, encoded: bytes) -> None:
        try:
            decoded = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise InvalidArgument("the content is not valid base64") from exc
        self.size += len(decoded)
        if self.size > self.limit:
            raise BodyTooLarge(f"the content is larger than {self.limit} bytes")
        self.file.write(decoded)

    def write_raw(self, text: str) -> None:
        data = text.encode("utf-8")
        self.size += len(data)
        if self.size > self.limit:
            raise BodyTooLarge(f"the content is larger than {self.limit} bytes")
        self.file.write(data)

    @property
    def pending(self) -> bool:
        return bool(self._rest)

    def finish(self) -> None:
        if self._rest:
            self._write(self._rest)
        self.file.seek(0)


@dataclass
class ParsedEntry:
    title: str | None = None
    properties: dict[str, list[str]] = field(default_factory=dict)
    content: IncomingContent | None = None
    captured: dict[str, Any] = field(default_factory=dict)
    """``type`` (createType) and ``bulkUpdate``: the ``cmisra:`` elements as lxml trees."""

    def close(self) -> None:
        if self.content is not None:
            self.content.file.close()


class _EntryTarget:
    """The lxml parser target collecting what an entry says."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entry = ParsedEntry()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.property_id: str | None = None
        self.sink: _Base64Sink | None = None
        self.sink_raw = False
        self.media_type: str | None = None
        self.filename: str | None = None
        self.cmisra_content = False
        self.capture: etree.TreeBuilder | None = None
        self.capture_depth = 0
        self.text_size = 0
        """Characters outside the content: properties and a type are small documents."""

    def _count(self, text: str) -> None:
        self.text_size += len(text)
        if self.text_size > SMALL_DOCUMENT_BYTES:
            raise BodyTooLarge(
                f"the entry has more than {SMALL_DOCUMENT_BYTES} characters besides its content"
            )

    def doctype(self, *_: Any) -> None:
        raise InvalidArgument("a document type declaration is not accepted")

    def start(self, tag: str, attrib: dict[str, str], nsmap: Any = None) -> None:
        parent = self.stack[-1] if self.stack else None
        self.stack.append(tag)
        self.text = []
        if self.capture is not None:
            self.capture_depth += 1
            self.capture.start(tag, dict(attrib))
            return
        if tag in _CAPTURED and parent == f"{{{ATOM}}}entry":
            self.capture = etree.TreeBuilder()
            self.capture_depth = 1
            self.capture.start(tag, dict(attrib))
        elif parent == f"{{{CMIS}}}properties" and tag.startswith(f"{{{CMIS}}}property"):
            self.property_id = attrib.get("propertyDefinitionId")
            if self.property_id:
                self.entry.properties.setdefault(self.property_id, [])
        elif tag == f"{{{CMISRA}}}base64" and parent == f"{{{CMISRA}}}content":
            self._open_sink(raw=False)
        elif self._inline_atom_content(tag, parent, attrib):
            media_type = attrib.get("type", "text")
            self.media_type = media_type
            self._open_sink(raw=media_type.split("/")[0] in _TEXT_TYPES)

    def _inline_atom_content(self, tag: str, parent: str | None, attrib: dict[str, str]) -> bool:
        """``atom:content`` with the content in it (not a ``src``), unless cmisra:content came."""
        return (
            tag == f"{{{ATOM}}}content"
            and parent == f"{{{ATOM}}}entry"
            and "src" not in attrib
            and not self.cmisra_content
        )

    def _open_sink(self, *, raw: bool) -> None:
        if self.sink is not None:
            self.sink.file.close()
        self.sink = _Base64Sink(self.limit)
        self.sink_raw = raw

    def data(self, text: str) -> None:
        if self.capture is not None:
            self._count(text)
            self.capture.data(text)
        elif self.sink is not None and self.stack[-1] in (
            f"{{{CMISRA}}}base64",
            f"{{{ATOM}}}content",
        ):
            if self.sink_raw:
                self.sink.write_raw(text)
            else:
                self.sink.write_text(text)
        else:
            self._count(text)
            self.text.append(text)

    def end(self, tag: str) -> None:
        self.stack.pop()
        text = "".join(self.text)
        self.text = []
        if self.capture is not None:
            self.capture.end(tag)
            self.capture_depth -= 1
            if self.capture_depth == 0:
                self.entry.captured[_CAPTURED[tag]] = self.capture.close()
                self.capture = None
            return
        parent = self.stack[-1] if self.stack else None
        if tag == f"{{{CMIS}}}value" and self.property_id:
            self.entry.properties[self.property_id].append(text)
        elif tag.startswith(f"{{{CMIS}}}property") and parent == f"{{{CMIS}}}properties":
            self.property_id = None
        elif tag == f"{{{ATOM}}}title" and parent == f"{{{ATOM}}}entry":
            self.entry.title = text
        elif tag == f"{{{CMISRA}}}mediatype" and parent == f"{{{CMISRA}}}content":
            self.media_type = text.strip() or None
        elif tag == _CHEMISTRY_FILENAME and parent == f"{{{CMISRA}}}content":
            self.filename = text.strip() or None
        elif tag == f"{{{CMISRA}}}base64":
            self.cmisra_content = True
            self._finish_content()
        elif tag == f"{{{ATOM}}}content" and parent == f"{{{ATOM}}}entry" and self.sink:
            if self.sink.size or self.sink.pending:
                self._finish_content()
            else:  # an empty atom:content carries no content stream
                self.sink.file.close()
                self.sink = None

    def _finish_content(self) -> None:
        sink = self.sink
        if sink is None:
            return
        sink.finish()
        if self.entry.content is not None:
            self.entry.content.file.close()
        self.entry.content = IncomingContent(
            filename=None, mime_type=self.media_type, file=sink.file, size=sink.size
        )
        self.sink = None

    def close(self) -> ParsedEntry:
        return self.entry

    def abandon(self) -> None:
        if self.sink is not None:
            self.sink.file.close()
        self.entry.close()


def parse_entry(body: IO[bytes], *, content_limit: int) -> ParsedEntry:
    """The entry in ``body`` (a file at its start); content spooled, at most ``content_limit``.

    The media type (and OpenCMIS's file name) of ``cmisra:content`` may follow the base64
    text; they are taken either way.
    """
    target = _EntryTarget(content_limit)
    parser = safe_parser(target=target)
    try:
        while chunk := body.read(CHUNK):
            parser.feed(chunk)
        entry: ParsedEntry = parser.close()
    except etree.XMLSyntaxError as exc:
        target.abandon()
        raise InvalidArgument(f"the entry is not well-formed XML: {exc}") from exc
    except BaseException:
        target.abandon()
        raise
    if entry.content is not None:  # the media type and file name may follow the content
        entry.content = replace(
            entry.content,
            mime_type=entry.content.mime_type or target.media_type,
            filename=target.filename,
        )
    return entry


def parse_small(body: IO[bytes]) -> Any:
    """The root element of a small document (query, ACL, type): at most 1 MiB, no DTD."""
    data = body.read(SMALL_DOCUMENT_BYTES + 1)
    if len(data) > SMALL_DOCUMENT_BYTES:
        raise BodyTooLarge(f"the document is larger than {SMALL_DOCUMENT_BYTES} bytes")
    return parse_small_bytes(data)


def parse_small_bytes(data: bytes) -> Any:
    try:
        tree = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidArgument(f"the document is not well-formed XML: {exc}") from exc
    if tree.getroottree().docinfo.doctype:
        raise InvalidArgument("a document type declaration is not accepted")
    return tree


def child_text(element: Any, ns: str, name: str) -> str | None:
    found = element.find(f"{{{ns}}}{name}")
    return None if found is None or found.text is None else str(found.text).strip()


@dataclass(frozen=True)
class QueryRequest:
    statement: str
    search_all_versions: bool
    include_allowable_actions: bool
    max_items: int | None
    skip_count: int


def _flag(text: str | None) -> bool:
    return (text or "").strip().lower() == "true"


def _number(text: str | None, name: str) -> int | None:
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError as exc:
        raise InvalidArgument(f"{name} must be an integer") from exc
    if value < 0:
        raise InvalidArgument(f"{name} must not be negative")
    return value


def parse_query_root(root: Any) -> QueryRequest:
    if root.tag != f"{{{CMIS}}}query":
        raise InvalidArgument("expected a cmis:query document")
    statement = child_text(root, CMIS, "statement")
    if not statement:
        raise InvalidArgument("the query has no statement")
    return QueryRequest(
        statement=statement,
        search_all_versions=_flag(child_text(root, CMIS, "searchAllVersions")),
        include_allowable_actions=_flag(child_text(root, CMIS, "includeAllowableActions")),
        max_items=_number(child_text(root, CMIS, "maxItems"), "maxItems"),
        skip_count=_number(child_text(root, CMIS, "skipCount"), "skipCount") or 0,
    )
