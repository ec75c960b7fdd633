"""XRechnung CIUS rules (BR-DE-*, BR-TMP-2, BR-DE-TMP-32) for UBL Invoice and CreditNote.

One function per Schematron rule context, each asserting what the official rule asserts
for that context.  Comparisons use the raw string values where the rule compares nodes
directly (``cbc:CustomizationID = $XR-CIUS-ID``) and ``normalize-space`` where it does,
because that difference decides edge cases (a code with surrounding blanks).
"""

from __future__ import annotations

from services.einvoice.xrechnung.formats import (
    XR_IDS,
    email_ok,
    iban_ok,
    phone_ok,
    skonto_ok,
    url_ok,
)
from services.einvoice.xrechnung.nodes import (
    Element,
    any_text,
    children,
    exists,
    first,
    norm,
    path,
    string,
    values,
)
from services.einvoice.xrechnung.report import Findings

VAT_CODES = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})
TYPE_CODES = frozenset({"326", "380", "384", "389", "381", "875", "876", "877"})


def check_cius_ubl(root: Element, out: Findings) -> None:
    """Run the UBL CIUS rules over an Invoice or CreditNote root element."""
    _document(root, out)
    for reference in path(
        root, "cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference"
    ):
        out.check(url_ok(string(first(reference, "cbc:URI"))), "BR-TMP-2", reference)
    for supplier in children(root, "cac:AccountingSupplierParty"):
        out.check(exists(supplier, "cac:Party/cac:Contact"), "BR-DE-2", supplier)
    for address in path(root, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"):
        out.check(any_text(children(address, "cbc:CityName")), "BR-DE-3", address)
        out.check(any_text(children(address, "cbc:PostalZone")), "BR-DE-4", address)
    for contact in path(root, "cac:AccountingSupplierParty/cac:Party/cac:Contact"):
        _seller_contact(contact, out)
    for address in path(root, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"):
        out.check(any_text(children(address, "cbc:CityName")), "BR-DE-8", address)
        out.check(any_text(children(address, "cbc:PostalZone")), "BR-DE-9", address)
    for address in path(root, "cac:Delivery/cac:DeliveryLocation/cac:Address"):
        out.check(any_text(children(address, "cbc:CityName")), "BR-DE-10", address)
        out.check(any_text(children(address, "cbc:PostalZone")), "BR-DE-11", address)
    for means in children(root, "cac:PaymentMeans"):
        _payment_means(means, out)
    for subtotal in path(root, "cac:TaxTotal/cac:TaxSubtotal"):
        percent = path(subtotal, "cac:TaxCategory/cbc:Percent")
        out.check(any_text(percent), "BR-DE-14", subtotal)


def _document(root: Element, out: Findings) -> None:
    out.check(exists(root, "cac:PaymentMeans"), "BR-DE-1", root)
    out.check(any_text(children(root, "cbc:BuyerReference")), "BR-DE-15", root)
    out.check(_seller_tax_ok(root), "BR-DE-16", root)
    type_code = _type_code(root)
    out.check(type_code in TYPE_CODES, "BR-DE-17", root)
    notes = [
        string(n)
        for terms in children(root, "cac:PaymentTerms")
        for n in children(terms, "cbc:Note")[:1]
    ]
    out.check(skonto_ok(notes), "BR-DE-18", root)
    out.check(
        any(v in XR_IDS for v in values(children(root, "cbc:CustomizationID"))), "BR-DE-21", root
    )
    out.check(_filenames_unique(root), "BR-DE-22", root)
    corrected = type_code == "384"
    out.check(
        not corrected or exists(root, "cac:BillingReference/cac:InvoiceDocumentReference"),
        "BR-DE-26",
        root,
    )
    mandate = exists(root, "cac:PaymentMeans/cac:PaymentMandate")
    sepa_ids = [
        *path(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID"),
        *path(root, "cac:PayeeParty/cac:PartyIdentification/cbc:ID"),
    ]
    out.check(not mandate or any(i.get("schemeID") == "SEPA" for i in sepa_ids), "BR-DE-30", root)
    out.check(
        not mandate
        or exists(root, "cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
        "BR-DE-31",
        root,
    )
    lines = [*children(root, "cac:InvoiceLine"), *children(root, "cac:CreditNoteLine")]
    out.check(
        exists(root, "cac:Delivery/cbc:ActualDeliveryDate")
        or exists(root, "cac:InvoicePeriod")
        or all(exists(line, "cac:InvoicePeriod") for line in lines),
        "BR-DE-TMP-32",
        root,
    )


def _type_code(root: Element) -> str:
    """BT-3 normalised; an Invoice has InvoiceTypeCode, a CreditNote CreditNoteTypeCode."""
    code = first(root, "cbc:InvoiceTypeCode")
    return norm(code if code is not None else first(root, "cbc:CreditNoteTypeCode"))


def _seller_tax_ok(root: Element) -> bool:
    """BR-DE-16: VAT codes S, Z, E, AE, K, G, L, M need BT-31, BT-32 or BG-11.

    The codes come from document-level allowances (BT-95) and charges (BT-102) and from
    the lines (BT-151), compared as written (no trimming), like the official rule.
    """
    used: list[str] = []
    for charge in children(root, "cac:AllowanceCharge"):
        indicator = values(children(charge, "cbc:ChargeIndicator"))
        if "false" in indicator or "true" in indicator:
            used += values(path(charge, "cac:TaxCategory/cbc:ID"))
    for line_tag in ("cac:InvoiceLine", "cac:CreditNoteLine"):
        used += values(path(root, f"{line_tag}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID"))
    if not any(code in VAT_CODES for code in used):
        return True
    tax_ids = path(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")
    return exists(root, "cac:TaxRepresentativeParty") or any_text(tax_ids)


def _filenames_unique(root: Element) -> bool:
    """BR-DE-22: no attachment repeats a file name of an earlier attachment."""
    seen: set[str] = set()
    for reference in children(root, "cac:AdditionalDocumentReference"):
        objects = path(reference, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
        names = {name for o in objects if (name := o.get("filename")) is not None}
        if names & seen:
            return False
        seen |= names
    return True


def _seller_contact(contact: Element, out: Findings) -> None:
    out.check(any_text(children(contact, "cbc:Name")), "BR-DE-5", contact)
    out.check(any_text(children(contact, "cbc:Telephone")), "BR-DE-6", contact)
    out.check(any_text(children(contact, "cbc:ElectronicMail")), "BR-DE-7", contact)
    out.check(phone_ok(string(first(contact, "cbc:Telephone"))), "BR-DE-27", contact)
    out.check(email_ok(string(first(contact, "cbc:ElectronicMail"))), "BR-DE-28", contact)


def _payment_means(means: Element, out: Findings) -> None:
    """BR-DE-19/20/23/24/25: the payment group (BG-17/18/19) must match BT-81."""
    code = norm(first(means, "cbc:PaymentMeansCode"))
    transfer = exists(means, "cac:PayeeFinancialAccount")
    card = exists(means, "cac:CardAccount")
    mandate = exists(means, "cac:PaymentMandate")
    if code in ("30", "58"):
        account = string(first(means, "cac:PayeeFinancialAccount/cbc:ID"))
        out.check(code != "58" or iban_ok(account), "BR-DE-19", means)
        out.check(transfer, "BR-DE-23-a", means)
        out.check(not card and not mandate, "BR-DE-23-b", means)
    elif code in ("48", "54", "55"):
        out.check(card, "BR-DE-24-a", means)
        out.check(not transfer and not mandate, "BR-DE-24-b", means)
    elif code == "59":
        debited = string(first(means, "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"))
        out.check(iban_ok(debited), "BR-DE-20", means)
        out.check(mandate, "BR-DE-25-a", means)
        out.check(not transfer and not card, "BR-DE-25-b", means)
