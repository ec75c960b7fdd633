"""The official xdomea XSDs: loading them once per process and checking message files.

The schemas are not shipped with eakte (KoSIT licence); ``settings.archive.schema_dir``
points at a directory laid out as x-man and the XRepository download have them::

    <schema_dir>/3.1.0/xdomea-Nachrichten-AussonderungDurchfuehren.xsd  (+ the files it includes)
    <schema_dir>/3.0.0/...
    <schema_dir>/xoev/xoev-code.xsd

Like x-man, messages are checked against the Aussonderung message group, which includes
the Baukasten and the types it needs (loads in a few milliseconds).  A message file is
validated while it is parsed, elements cleared as they end, so a 0503 with ten thousand
documents is checked in bounded memory.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from services.archive.xdomea.codes import namespace
from services.archive.xdomea.model import SUPPORTED_VERSIONS, XdomeaMessageError
from services.errors import ConfigurationError

ENTRY_POINT = "xdomea-Nachrichten-AussonderungDurchfuehren.xsd"
_REQUIRED = (ENTRY_POINT, "xdomea-Baukasten.xsd", "xdomea-Datentypen.xsd")
_XOEV_REQUIRED = ("xoev-code.xsd",)
DOWNLOAD_HINT = (
    "download the xdomea schemas (XSD) of versions {versions} from XRepository "
    "(https://www.xrepository.de/details/urn:xoev-de:xdomea:kosit:standard:xdomea) and lay "
    "them out as <dir>/<version>/xdomea-Nachrichten-AussonderungDurchfuehren.xsd (with the "
    "files it includes) and <dir>/xoev/xoev-code.xsd, then set EAKTE_ARCHIVE__SCHEMA_DIR=<dir>"
)
MAX_REPORTED_ERRORS = 5
LINE_NUMBER_LIMIT = 32 * 1024 * 1024
"""Streaming validation loses line numbers; an invalid file up to this size is validated
again as a tree to report them (replies are small; our own messages are valid)."""


def _hint() -> str:
    return DOWNLOAD_HINT.format(versions=" and ".join(SUPPORTED_VERSIONS))


def check_schema_dir(schema_dir: Path | None, version: str) -> Path:
    """The entry XSD of ``version`` in ``schema_dir``; ConfigurationError if anything is missing."""
    if schema_dir is None:
        raise ConfigurationError(f"the xdomea schema directory is not set: {_hint()}")
    if version not in SUPPORTED_VERSIONS:
        raise XdomeaMessageError(
            f"xdomea {version} is not supported; supported are {', '.join(SUPPORTED_VERSIONS)}"
        )
    root = Path(schema_dir)
    wanted = [root / version / name for name in _REQUIRED]
    wanted += [root / "xoev" / name for name in _XOEV_REQUIRED]
    missing = [path for path in wanted if not path.is_file()]
    if missing:
        listed = ", ".join(str(path) for path in missing)
        raise ConfigurationError(f"the xdomea schema directory is incomplete ({listed}): {_hint()}")
    return root / version / ENTRY_POINT


def load_schema(schema_dir: Path | None, version: str) -> etree.XMLSchema:
    """The parsed schema of ``version``, cached per directory and version for the process."""
    entry = check_schema_dir(schema_dir, version)
    return _parse_schema(str(entry.resolve()))


@functools.lru_cache(maxsize=8)
def _parse_schema(entry: str) -> etree.XMLSchema:
    try:
        return etree.XMLSchema(etree.parse(entry))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise ConfigurationError(
            f"the xdomea schema {entry} cannot be loaded ({error}): {_hint()}"
        ) from error


def version_of(tag: str) -> str:
    """The xdomea version named by a root element's ``{namespace}name``; refused if not read."""
    ns = etree.QName(tag).namespace or ""
    for version in SUPPORTED_VERSIONS:
        if ns == namespace(version):
            return version
    if ns.startswith(namespace("")):
        found = ns.removeprefix(namespace(""))
        raise XdomeaMessageError(
            f"the message is xdomea {found}; eakte reads {' and '.join(SUPPORTED_VERSIONS)}"
        )
    raise XdomeaMessageError(f"the root element {tag} is not in an xdomea namespace")


def _iterparse(
    path: Path, schema: etree.XMLSchema | None, events: tuple[str, ...]
) -> Iterator[tuple[str, etree._Element]]:
    # resolve_entities="internal": no external entities; note that resolve_entities=False
    # together with a schema makes lxml 6 accept truncated files, so it is not used.
    parser: Iterator[tuple[str, etree._Element]] = etree.iterparse(
        str(path), events=events, schema=schema, resolve_entities="internal", no_network=True
    )
    return parser


def detect_version(path: Path) -> str:
    """The xdomea version of a message file, from its root element's namespace only."""
    try:
        for _event, element in _iterparse(path, None, ("start",)):
            return version_of(element.tag)
    except etree.XMLSyntaxError as error:
        raise XdomeaMessageError(f"{path.name} is not well-formed XML: {error}") from error
    raise XdomeaMessageError(f"{path.name} is empty")


def iter_items(path: Path, schema_dir: Path | None, version: str) -> Iterator[etree._Element]:
    """The root's children of ``path`` (Kopf, then the listed objects), each complete.

    The file is validated against ``version`` while it is parsed; each item is cleared
    once the caller asks for the next one.  Validation errors surface as
    :class:`XdomeaMessageError` at the latest when the iteration ends, so the caller may
    use what it read only after exhausting the iterator.
    """
    yield from _walk(path, load_schema(schema_dir, version), version, items_only=True)


def _walk(
    path: Path, schema: etree.XMLSchema, version: str, *, items_only: bool
) -> Iterator[etree._Element]:
    events = _iterparse(path, schema, ("end",))
    try:
        for _event, element in events:
            parent = element.getparent()
            if items_only and parent is not None and parent.getparent() is not None:
                continue  # part of an item: cleared with it
            yield element
            element.clear(keep_tail=True)
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        # the parser's own log: the exception's may hold entries of earlier parses
        log = getattr(events, "error_log", [])
        raise XdomeaMessageError(_describe(path, version, schema, error, list(log))) from error


def validate_file(path: Path, schema_dir: Path | None, version: str | None = None) -> str:
    """Check ``path`` against its xdomea schema in bounded memory; returns the version.

    ``version``, if given, is the one the message must be in.
    """
    found = detect_version(path)
    if version is not None and found != version:
        raise XdomeaMessageError(f"{path.name} is xdomea {found}, expected {version}")
    for _element in _walk(path, load_schema(schema_dir, found), found, items_only=False):
        pass
    return found


def _describe(
    path: Path,
    version: str,
    schema: etree.XMLSchema,
    error: etree.XMLSyntaxError,
    log: list[etree._LogEntry],
) -> str:
    entries = [entry for entry in log if entry.level_name in ("ERROR", "FATAL")]
    if not entries or any(entry.domain_name != "SCHEMASV" for entry in entries):
        return f"{path.name} is not well-formed XML: {error}"
    if path.stat().st_size <= LINE_NUMBER_LIMIT:
        entries = _located_errors(path, schema) or entries
    lines = [
        (f"line {entry.line}: " if entry.line else "") + entry.message
        for entry in entries[:MAX_REPORTED_ERRORS]
    ]
    more = len(entries) - MAX_REPORTED_ERRORS
    suffix = f" (and {more} more)" if more > 0 else ""
    return f"{path.name} is not valid xdomea {version}: " + "; ".join(lines) + suffix


def _located_errors(path: Path, schema: etree.XMLSchema) -> list[etree._LogEntry]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError:
        return []
    if schema.validate(tree):
        return []
    return list(schema.error_log)
