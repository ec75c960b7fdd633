"""Find the invoice XML inside a ZUGFeRD / Factur-X / XRechnung hybrid PDF (PDF/A-3 or A-4).

The XML is an embedded file.  Its name is fixed by the specifications: ``factur-x.xml``
(Factur-X, ZUGFeRD 2.1+), ``zugferd-invoice.xml`` (ZUGFeRD 2.0), ``ZUGFeRD-invoice.xml``
(ZUGFeRD 1.0) and ``xrechnung.xml`` (profile XRECHNUNG).  ``order-x.xml`` is an order,
not an invoice, and is never taken.  Embedded files are listed in the document's
``/Names/EmbeddedFiles`` tree and, for PDF/A-3, in the catalogue's ``/AF`` array; both are
read, since producers do not always fill both.  The profile comes from the XMP metadata
(``fx:ConformanceLevel``; the prefix and namespace differ between Factur-X, ZUGFeRD 1.0
and 2.0, so properties are matched by local name).

The PDF is untrusted too: embedded streams are inflated with a size cap so a small file
cannot expand into gigabytes, and the XMP is parsed with the hardened XML parser.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

import pikepdf
from lxml import etree

from services.einvoice.model import InvoiceXmlError
from services.einvoice.recognize import normalize_profile
from services.einvoice.safe_xml import DEFAULT_MAX_BYTES, parse_invoice_xml
from services.errors import InvalidInputError, LimitExceededError

#: Names of the invoice XML, in order of preference, compared case-insensitively.
INVOICE_FILENAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
#: Embedded XML that is known not to be an invoice.
NOT_INVOICE_FILENAMES = frozenset({"order-x.xml"})
DEFAULT_MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
_MAX_XMP_BYTES = 4 * 1024 * 1024
_XMP_PROPERTIES = ("ConformanceLevel", "DocumentFileName", "DocumentType", "Version")


@dataclass(frozen=True)
class Attachment:
    """An embedded file of the PDF; ``relationship`` is its PDF/A-3 /AFRelationship."""

    filename: str
    data: bytes
    mime_type: str | None
    description: str | None
    relationship: str | None


@dataclass(frozen=True)
class HybridInvoice:
    """The invoice XML of a hybrid PDF, what the XMP says about it, and the other files."""

    xml: bytes
    filename: str
    profile: str | None
    xmp_document_type: str | None
    xmp_version: str | None
    relationship: str | None
    attachments: tuple[Attachment, ...]


def looks_like_pdf(data: bytes) -> bool:
    """True if the PDF header is where readers look for it (in the first KiB)."""
    return b"%PDF-" in data[:1024]


def find_embedded_invoice(
    pdf: bytes,
    *,
    max_xml_bytes: int = DEFAULT_MAX_BYTES,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
) -> HybridInvoice | None:
    """The embedded invoice of a hybrid PDF, or None for a PDF without one.

    Raises :class:`InvalidInputError` for content that is not a readable PDF (or needs a
    password), :class:`InvoiceXmlError` if the invoice XML exceeds ``max_xml_bytes`` and
    :class:`LimitExceededError` if another embedded file exceeds ``max_attachment_bytes``.
    """
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            specs = _file_specs(document)
            xmp = _xmp_properties(document)
            chosen = _choose_invoice(specs, xmp)
            if chosen is None:
                return None
            invoice_spec = specs[chosen]
            try:
                xml = _read_embedded(invoice_spec, max_xml_bytes)
            except LimitExceededError as exc:
                raise InvoiceXmlError(f"embedded invoice {chosen!r}: {exc.detail}") from None
            others = tuple(
                _attachment(name, spec, max_attachment_bytes)
                for name, spec in specs.items()
                if name != chosen
            )
            return HybridInvoice(
                xml=xml,
                filename=_filename(invoice_spec) or chosen,
                profile=normalize_profile(xmp.get("ConformanceLevel")),
                xmp_document_type=xmp.get("DocumentType"),
                xmp_version=xmp.get("Version"),
                relationship=_name(invoice_spec.get("/AFRelationship")),
                attachments=others,
            )
    except pikepdf.PasswordError:
        raise InvalidInputError("the PDF is encrypted and needs a password") from None
    except pikepdf.PdfError as exc:
        raise InvalidInputError(f"not a readable PDF: {exc}") from None


def _file_specs(document: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    """File specifications from the EmbeddedFiles name tree and the /AF array, by name."""
    specs: dict[str, pikepdf.Dictionary] = {}
    for key, attached in document.attachments.items():
        spec = attached.obj
        name = _filename(spec) or str(key)
        specs.setdefault(name, spec)
    associated = document.Root.get("/AF")
    if isinstance(associated, pikepdf.Array):
        for item in associated:
            if isinstance(item, pikepdf.Dictionary) and "/EF" in item:
                af_name = _filename(item)
                if af_name:
                    specs.setdefault(af_name, item)
    return specs


def _choose_invoice(specs: dict[str, pikepdf.Dictionary], xmp: dict[str, str]) -> str | None:
    # Match on the last path component: /F may carry a path ("C:\\x\\factur-x.xml").
    by_lower = {_basename(name).lower(): name for name in specs}
    for candidate in INVOICE_FILENAMES:
        if candidate in by_lower:
            return by_lower[candidate]
    # A producer that names the file differently still declares it in the XMP.
    declared = xmp.get("DocumentFileName", "").lower()
    if (
        declared.endswith(".xml")
        and declared not in NOT_INVOICE_FILENAMES
        and xmp.get("DocumentType", "INVOICE").upper() == "INVOICE"
        and declared in by_lower
    ):
        return by_lower[declared]
    return None


def _attachment(name: str, spec: pikepdf.Dictionary, limit: int) -> Attachment:
    stream = _stream(spec)
    subtype = _name(stream.get("/Subtype")) if stream is not None else None
    return Attachment(
        filename=name,
        data=_read_embedded(spec, limit),
        mime_type=subtype.replace("#2F", "/") if subtype else None,
        description=_string(spec.get("/Desc")),
        relationship=_name(spec.get("/AFRelationship")),
    )


def _read_embedded(spec: pikepdf.Dictionary, limit: int) -> bytes:
    stream = _stream(spec)
    if stream is None:
        raise InvalidInputError(f"embedded file {_filename(spec)!r} has no content stream")
    return read_stream_capped(stream, limit)


def read_stream_capped(stream: pikepdf.Stream, limit: int) -> bytes:
    """Decode a PDF stream, refusing to produce more than ``limit`` bytes.

    Plain Flate streams (by far the usual case) are inflated here with a cap, so a
    decompression bomb stops at the limit; other filters are decoded by qpdf and
    checked afterwards.
    """
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    plain_flate = filters == pikepdf.Name.FlateDecode and "/DecodeParms" not in stream
    if plain_flate:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(stream.read_raw_bytes(), limit + 1)
        except zlib.error as exc:
            raise InvalidInputError(f"a compressed stream of the PDF is damaged: {exc}") from None
    elif filters is None:
        data = stream.read_raw_bytes()
    else:
        data = stream.read_bytes()
    if len(data) > limit:
        raise LimitExceededError(f"an embedded file is larger than {limit:,} bytes")
    return data


def _xmp_properties(document: pikepdf.Pdf) -> dict[str, str]:
    """Factur-X/ZUGFeRD properties of the XMP (element or attribute form); {} if absent."""
    metadata = document.Root.get("/Metadata")
    if not isinstance(metadata, pikepdf.Stream):
        return {}
    try:
        tree = parse_invoice_xml(read_stream_capped(metadata, _MAX_XMP_BYTES))
    except (InvoiceXmlError, InvalidInputError, LimitExceededError):
        return {}  # broken XMP does not make the invoice unreadable; the profile stays unknown
    found: dict[str, str] = {}
    for element in tree.iter(etree.Element):
        local = etree.QName(element).localname
        if local in _XMP_PROPERTIES and element.text and element.text.strip():
            found.setdefault(local, element.text.strip())
        for attribute, value in element.attrib.items():
            attr_local = etree.QName(attribute).localname
            if attr_local in _XMP_PROPERTIES and value.strip():
                found.setdefault(attr_local, value.strip())
    return found


def _stream(spec: pikepdf.Dictionary) -> pikepdf.Stream | None:
    embedded = spec.get("/EF")
    if not isinstance(embedded, pikepdf.Dictionary):
        return None
    for key in ("/UF", "/F"):
        stream = embedded.get(key)
        if isinstance(stream, pikepdf.Stream):
            return stream
    return None


def _filename(spec: pikepdf.Dictionary) -> str | None:
    for key in ("/UF", "/F"):
        value = _string(spec.get(key))
        if value:
            return value
    return None


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _string(value: object) -> str | None:
    return str(value) if isinstance(value, pikepdf.String) else None


def _name(value: object) -> str | None:
    return str(value).lstrip("/") if isinstance(value, pikepdf.Name) else None
