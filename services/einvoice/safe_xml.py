"""Parsing untrusted invoice XML without letting it reach the file system or the network.

An e-invoice never needs a document type declaration: UBL and CII are defined by XML
Schema, and no official instance carries a DOCTYPE.  A DOCTYPE is, on the other hand,
what every classic XML attack needs: entity expansion (billion laughs, quadratic blow-up),
external entities (XXE: ``file:///etc/passwd``, ``http://...``), external DTDs and
parameter entities.  So the prolog is checked *before* the XML parser sees the bytes and
any DOCTYPE is refused with a reason.  The parser itself is hardened as a second line
(no DTD loading, no entity resolution, no network, no huge trees), and XInclude elements
are refused after parsing (lxml only follows them when asked to, which we never do, but a
later consumer of the bytes might).

Size and depth are limited because a valid invoice of 2,000 lines is a few MiB and
rarely 15 levels deep; the limits stop memory and stack exhaustion, not real invoices.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from lxml import etree

from services.einvoice.model import InvoiceXmlError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_DEPTH = 200
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The XML declaration is ASCII in every ASCII-compatible encoding; UTF-16/32 without a BOM
# are recognised by the zero bytes around "<?" (XML 1.0, appendix F).
_NO_BOM_PATTERNS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_EBCDIC_XML_DECL = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC
_ENCODING_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"'<>]{1,64})["']""")
_PROLOG_CHUNK = 64 * 1024


def hardened_parser() -> etree.XMLParser:
    """The lxml parser used for every untrusted XML: it loads nothing and expands nothing.

    Exposed so that tests can show the parser alone (without the prolog check) stays
    offline, and so that other modules parse embedded XML (e.g. XMP) the same way.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
        collect_ids=False,
    )


def parse_invoice_xml(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> etree._ElementTree:
    """Parse untrusted XML bytes into a tree, or raise :class:`InvoiceXmlError` saying why.

    Refused: more than ``max_bytes``, empty input, an unknown encoding, any DOCTYPE
    (so no entity declarations and no external DTD), XML that is not well-formed,
    elements nested deeper than ``max_depth`` and XInclude elements.
    """
    if len(data) > max_bytes:
        raise InvoiceXmlError(
            f"XML refused: {len(data):,} bytes exceed the limit of {max_bytes:,} bytes"
        )
    if not data.strip():
        raise InvoiceXmlError("XML refused: the content is empty")
    check_prolog(data)
    try:
        tree = etree.ElementTree(etree.fromstring(data, hardened_parser()))
    except etree.XMLSyntaxError as exc:
        raise InvoiceXmlError(_syntax_reason(exc)) from None
    except (ValueError, LookupError) as exc:  # e.g. an encoding lxml does not know
        raise InvoiceXmlError(f"XML is not well-formed: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # Unreachable after check_prolog; kept so the guarantee does not rest on one check.
        raise InvoiceXmlError(_DOCTYPE_REASON)
    if _deeper_than(max_depth)(tree):
        raise InvoiceXmlError(f"XML refused: elements are nested deeper than {max_depth} levels")
    if _has_xinclude(tree):
        raise InvoiceXmlError(
            "XML refused: it contains XInclude elements, which would load other files"
        )
    return tree


_DOCTYPE_REASON = (
    "XML refused: it contains a document type declaration (<!DOCTYPE>). E-invoices never "
    "need one, and it is how entity expansion (billion laughs), external entities (XXE), "
    "external DTDs and parameter entities are declared; nothing was loaded"
)


def check_prolog(data: bytes) -> None:
    """Refuse a DOCTYPE (and an unknown encoding) by reading only the prolog.

    The prolog is everything before the root element: the XML declaration, comments,
    processing instructions and whitespace, and the only place a DOCTYPE may stand.  It
    is decoded incrementally, so a long comment cannot push the DOCTYPE out of sight and
    a large document is not decoded as a whole.
    """
    encoding = detect_encoding(data)
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    except LookupError:
        raise InvoiceXmlError(
            f"XML is not well-formed: unknown character encoding {encoding!r}"
        ) from None
    text = ""
    pos = 0
    offset = 0
    while True:
        chunk = data[offset : offset + _PROLOG_CHUNK]
        offset += len(chunk)
        try:
            text += decoder.decode(chunk, final=not chunk)
        except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM"
            raise InvoiceXmlError(
                f"XML is not well-formed: the bytes do not match the encoding {encoding!r} ({exc})"
            ) from None
        status, pos = _scan_prolog(text, pos)
        if status == "doctype":
            raise InvoiceXmlError(_DOCTYPE_REASON)
        if status == "root" or not chunk:
            return


def detect_encoding(data: bytes) -> str:
    """The character encoding of an XML document: BOM, then declaration, else UTF-8.

    EBCDIC documents are refused: their declaration cannot be read as ASCII, so the
    prolog check could not see a DOCTYPE in them (libxml2 would still parse them).
    """
    if data.startswith(_EBCDIC_XML_DECL):
        raise InvoiceXmlError("XML refused: EBCDIC-encoded XML is not accepted")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for pattern, name in _NO_BOM_PATTERNS:
        if data.startswith(pattern):
            return name
    match = _ENCODING_DECL.match(data[:1024])
    if not match:
        return "utf-8"
    declared = match.group(1).decode("ascii", "replace").lower()
    if re.match(r"(utf-?(16|32)|ucs-?[24]|iso-10646)", declared):
        # The declaration was readable as ASCII, so the document is not in a 16/32-bit
        # encoding whatever it says; libxml2 would guess, we refuse.
        raise InvoiceXmlError(
            f"XML is not well-formed: it declares the encoding {declared!r} but is not "
            "encoded so (no byte order mark, 8-bit characters)"
        )
    return declared


def _scan_prolog(text: str, pos: int) -> tuple[str, int]:
    """Walk the prolog from ``pos``: ("doctype"|"root"|"more", where to resume)."""
    text_len = len(text)
    while pos < text_len:
        char = text[pos]
        if char in " \t\r\n\ufeff":
            pos += 1
            continue
        if char != "<":
            return "root", pos  # text before the root: not well-formed; the parser says so
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                return "more", pos
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return "more", pos
            pos = end + 3
        elif text.startswith("<!", pos):
            if pos + 9 > text_len:
                return "more", pos
            # <!DOCTYPE, and anything else starting "<!" here is not well-formed anyway;
            # refusing it all keeps entity declarations away from the parser.
            return "doctype", pos
        else:
            return "root", pos
    return "more", pos


def _syntax_reason(exc: etree.XMLSyntaxError) -> str:
    message = str(exc.msg or exc).strip()
    lowered = message.lower()
    if "depth" in lowered:
        return f"XML refused: elements are nested too deeply ({message})"
    if "huge" in lowered or "too large" in lowered or "too long" in lowered:
        return f"XML refused: a text or attribute value is too large ({message})"
    if "entity" in lowered:
        return f"XML refused: it references an entity that is not allowed ({message})"
    line = f" (line {exc.lineno})" if exc.lineno else ""
    return f"XML is not well-formed{line}: {message}"


@lru_cache(maxsize=8)
def _deeper_than(max_depth: int) -> etree.XPath:
    # One location step per level: libxml2 walks the tree in C, far cheaper than Python.
    return etree.XPath("boolean(" + "/*" * (max_depth + 1) + ")")


_has_xinclude = etree.XPath(f"boolean(//*[namespace-uri() = '{XINCLUDE_NS}'])")
