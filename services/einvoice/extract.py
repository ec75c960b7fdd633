"""Extract the invoice record (:class:`InvoiceData`) from a parsed e-invoice.

The entry point takes a tree that was already parsed safely and recognised (helper
modules ``safe_xml`` and ``recognize``), so extraction never touches raw bytes and can
never be the door for hostile XML.  The syntax decides the reader; the specification
(XRechnung, Factur-X profile, ...) does not matter here, because all of them use the
same EN 16931 terms and lower profiles just leave more of them empty.
"""

from __future__ import annotations

from lxml import etree

from services.einvoice.extraction.cii import read_cii
from services.einvoice.extraction.data import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    Delivery,
    Identifier,
    InvoiceData,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    PaymentInstructions,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    ThirdPartyPayment,
    Totals,
    VatBreakdown,
)
from services.einvoice.extraction.ubl import read_ubl
from services.einvoice.model import Syntax

__all__ = [
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Contact",
    "Delivery",
    "Identifier",
    "InvoiceData",
    "InvoiceLine",
    "ItemAttribute",
    "Note",
    "Party",
    "PaymentInstructions",
    "PaymentMeans",
    "Period",
    "PrecedingInvoice",
    "ThirdPartyPayment",
    "Totals",
    "VatBreakdown",
    "extract_invoice",
]


def extract_invoice(tree: etree._ElementTree | etree._Element, syntax: Syntax) -> InvoiceData:
    """The business terms of ``tree`` read according to ``syntax``."""
    if syntax is Syntax.CII:
        return read_cii(tree)
    if syntax is Syntax.UBL_CREDIT_NOTE:
        return read_ubl(tree, credit_note=True)
    return read_ubl(tree, credit_note=False)
