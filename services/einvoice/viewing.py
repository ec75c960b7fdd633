"""The German view of an invoice for a web page, read like any content: scoped and audited.

The stored HTML rendition is a page of its own (inline stylesheet, sandboxed when the API
serves it).  A page that embeds the invoice instead takes the same view model
(:func:`services.einvoice.render.build_view`) from the invoice document's XML, read
through :func:`services.documents.reading.read_content`, so that showing an invoice on
a page leaves the same ``content.read`` event as downloading it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.db.models import EInvoice
from services.documents.reading import read_content
from services.documents.versions import Part
from services.einvoice.extract import extract_invoice
from services.einvoice.model import Syntax
from services.einvoice.render import InvoiceView, build_view
from services.einvoice.safe_xml import parse_invoice_xml
from services.errors import EAkteError, GoneError
from services.ports import BlobStore, Clock
from services.settings import EInvoiceSettings

_XML_TYPES = ("application/xml", "text/xml")


def invoice_view(
    session: Session,
    scope: Scope,
    store: BlobStore,
    invoice: EInvoice,
    *,
    settings: EInvoiceSettings,
    clock: Clock,
) -> InvoiceView | None:
    """The business terms of ``invoice`` as German sections, or None if none can be read.

    ``invoice`` must come from a scoped query (:func:`services.einvoice.queries.get_einvoice`);
    its document is read with the caller's scope again.  None for an invoice without a
    document (not yet processed, a duplicate), with no XML (a plain PDF) or whose XML
    cannot be read, and for a destroyed document.
    """
    if invoice.document_id is None or invoice.syntax is None:
        return None
    try:
        _, content = read_content(
            session, scope, store, invoice.document_id, None, Part.CONTENT, clock=clock
        )
    except GoneError:
        return None
    if content.media_type.split(";")[0].strip() not in _XML_TYPES:
        return None
    try:
        tree = parse_invoice_xml(
            content.data, max_bytes=settings.max_bytes, max_depth=settings.max_depth
        )
        data = extract_invoice(tree, Syntax(invoice.syntax))
    except (EAkteError, ValueError, ArithmeticError):
        return None
    return build_view(data)
