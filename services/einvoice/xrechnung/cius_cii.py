"""XRechnung CIUS rules (BR-DE-*, BR-TMP-2/3, BR-DE-TMP-32) for UN/CEFACT CII.

The CII binding differs from UBL where CII has no element for a group: there is no
"DIRECT DEBIT" element, so BG-19 counts as present when any of BT-89 (mandate), BT-90
(creditor id) or BT-91 (debited account) is, and BR-DE-30/31 demand the others then.
"""

from __future__ import annotations

from services.einvoice.xrechnung.cius_ubl import TYPE_CODES, VAT_CODES
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
    descendants,
    exists,
    first,
    norm,
    normalize_space,
    path,
    string,
    values,
)
from services.einvoice.xrechnung.report import Findings

_TRADE = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TRADE}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TRADE}/ram:ApplicableHeaderTradeSettlement"


def check_cius_cii(root: Element, out: Findings) -> None:
    """Run the CII CIUS rules over a CrossIndustryInvoice root element."""
    _document(root, out)
    for context in children(root, "rsm:ExchangedDocumentContext"):
        ids = values(path(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"))
        out.check(any(i in XR_IDS for i in ids), "BR-DE-21", context)
    for seller in path(root, f"{_AGREEMENT}/ram:SellerTradeParty"):
        out.check(exists(seller, "ram:DefinedTradeContact"), "BR-DE-2", seller)
    for address in path(root, f"{_AGREEMENT}/ram:SellerTradeParty/ram:PostalTradeAddress"):
        out.check(any_text(children(address, "ram:CityName")), "BR-DE-3", address)
        out.check(any_text(children(address, "ram:PostcodeCode")), "BR-DE-4", address)
    for contact in path(root, f"{_AGREEMENT}/ram:SellerTradeParty/ram:DefinedTradeContact"):
        _seller_contact(contact, out)
    for address in path(root, f"{_AGREEMENT}/ram:BuyerTradeParty/ram:PostalTradeAddress"):
        out.check(any_text(children(address, "ram:CityName")), "BR-DE-8", address)
        out.check(any_text(children(address, "ram:PostcodeCode")), "BR-DE-9", address)
    for reference in path(root, f"{_AGREEMENT}/ram:AdditionalReferencedDocument"):
        if "916" in values(children(reference, "ram:TypeCode")):
            uri = first(reference, "ram:URIID")
            out.check(uri is None or url_ok(string(uri)), "BR-TMP-2", reference)
    delivery = (
        f"{_TRADE}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress"
    )
    for address in path(root, delivery):
        out.check(any_text(children(address, "ram:CityName")), "BR-DE-10", address)
        out.check(any_text(children(address, "ram:PostcodeCode")), "BR-DE-11", address)
    for means in path(root, f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"):
        _payment_means(root, means, out)
    for tax in path(root, f"{_SETTLEMENT}/ram:ApplicableTradeTax"):
        out.check(any_text(children(tax, "ram:RateApplicablePercent")), "BR-DE-14", tax)
    for trade in children(root, _TRADE):
        lines = children(trade, "ram:IncludedSupplyChainTradeLineItem")
        out.check(
            exists(
                trade,
                "ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime",
            )
            or exists(trade, "ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod")
            or all(
                exists(line, "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod")
                for line in lines
            ),
            "BR-DE-TMP-32",
            trade,
        )
        for line in lines:
            out.check(_base_quantities_agree(line), "BR-TMP-3", line)


def _direct_debit(root: Element) -> tuple[bool, bool, bool]:
    """Whether BT-89 (mandate), BT-90 (creditor id) and BT-91 (debited account) exist."""
    return (
        exists(root, f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),
        exists(root, f"{_SETTLEMENT}/ram:CreditorReferenceID"),
        exists(
            root,
            f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID",
        ),
    )


def _document(root: Element, out: Findings) -> None:
    mandate, creditor, debited = _direct_debit(root)
    absent = not (mandate or creditor or debited)
    out.check(((mandate or debited) and creditor) or absent, "BR-DE-30", root)
    out.check(((mandate or creditor) and debited) or absent, "BR-DE-31", root)
    out.check(
        exists(root, f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"), "BR-DE-1", root
    )
    out.check(any_text(path(root, f"{_AGREEMENT}/ram:BuyerReference")), "BR-DE-15", root)
    out.check(_seller_tax_ok(root), "BR-DE-16", root)
    type_code = norm(first(root, "rsm:ExchangedDocument/ram:TypeCode"))
    out.check(type_code in TYPE_CODES, "BR-DE-17", root)
    notes = [
        string(d)
        for terms in path(root, f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms")
        for d in children(terms, "ram:Description")[:1]
    ]
    out.check(skonto_ok(notes), "BR-DE-18", root)
    out.check(_filenames_unique(root), "BR-DE-22", root)
    out.check(
        type_code != "384" or exists(root, f"{_SETTLEMENT}/ram:InvoiceReferencedDocument"),
        "BR-DE-26",
        root,
    )


def _seller_tax_ok(root: Element) -> bool:
    """BR-DE-16 in CII: VAT codes on lines or document allowances/charges need BT-31/32/BG-11.

    As in the official rule the type code and the category code are tested across all
    line taxes (not per tax), and a document-level ``CategoryTradeTax`` only counts when
    its whole text is 'VAT' - which a well-formed one never is.
    """
    line_taxes = path(
        root,
        f"{_TRADE}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax",
    )
    line_vat = "VAT" in values(t for x in line_taxes for t in children(x, "ram:TypeCode"))
    line_codes = values(c for x in line_taxes for c in children(x, "ram:CategoryCode"))
    doc_taxes = path(root, f"{_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax")
    doc_vat = "VAT" in values(doc_taxes)
    doc_codes = values(c for x in doc_taxes for c in children(x, "ram:CategoryCode"))
    used = (line_vat and any(c in VAT_CODES for c in line_codes)) or (
        doc_vat and any(c in VAT_CODES for c in doc_codes)
    )
    if not used:
        return True
    seller_ids = [
        i
        for i in path(
            root, f"{_AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
        )
        if normalize_space(i.get("schemeID") or "") in ("VA", "FC")
    ]
    return any_text(seller_ids) or exists(
        root, f"{_AGREEMENT}/ram:SellerTaxRepresentativeTradeParty"
    )


def _filenames_unique(root: Element) -> bool:
    """BR-DE-22: no referenced document repeats a file name of an earlier sibling."""
    for reference in descendants(root, "ram:AdditionalReferencedDocument"):
        names = {
            name
            for o in children(reference, "ram:AttachmentBinaryObject")
            if (name := o.get("filename")) is not None
        }
        for earlier in reference.itersiblings(reference.tag, preceding=True):
            for o in children(earlier, "ram:AttachmentBinaryObject"):
                if o.get("filename") in names:
                    return False
    return True


def _seller_contact(contact: Element, out: Findings) -> None:
    names = [*children(contact, "ram:PersonName"), *children(contact, "ram:DepartmentName")]
    phone = path(contact, "ram:TelephoneUniversalCommunication/ram:CompleteNumber")
    email = path(contact, "ram:EmailURIUniversalCommunication/ram:URIID")
    out.check(any_text(names), "BR-DE-5", contact)
    out.check(any_text(phone), "BR-DE-6", contact)
    out.check(any_text(email), "BR-DE-7", contact)
    out.check(phone_ok(string(phone[0] if phone else None)), "BR-DE-27", contact)
    out.check(email_ok(string(email[0] if email else None)), "BR-DE-28", contact)


def _payment_means(root: Element, means: Element, out: Findings) -> None:
    """BR-DE-19/20/23/24/25 for one payment means; BG-19 is BT-89/90 or this BT-91."""
    code = norm(first(means, "ram:TypeCode"))
    mandate, creditor, _ = _direct_debit(root)
    debit = mandate or creditor or exists(means, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID")
    transfer = exists(means, "ram:PayeePartyCreditorFinancialAccount")
    card = exists(means, "ram:ApplicableTradeSettlementFinancialCard")
    if code in ("30", "58"):
        account = string(first(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"))
        out.check(code != "58" or iban_ok(account), "BR-DE-19", means)
        out.check(transfer, "BR-DE-23-a", means)
        out.check(not card and not debit, "BR-DE-23-b", means)
    elif code in ("48", "54", "55"):
        out.check(card, "BR-DE-24-a", means)
        out.check(not transfer and not debit, "BR-DE-24-b", means)
    elif code == "59":
        debited = string(first(means, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"))
        out.check(iban_ok(debited), "BR-DE-20", means)
        out.check(debit, "BR-DE-25-a", means)
        institutions = exists(means, "ram:PayeeSpecifiedCreditorFinancialInstitution") or exists(
            means, "ram:PayerSpecifiedDebtorFinancialInstitution"
        )
        out.check(not transfer and not institutions and not card, "BR-DE-25-b", means)


def _base_quantities_agree(line: Element) -> bool:
    """BR-TMP-3: BT-149 (and BT-150) equal in the gross and the net price, as strings."""
    gross = path(
        line, "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:BasisQuantity"
    )
    net = path(
        line, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity"
    )
    if not (gross and net):
        return True
    if not set(values(gross)) & set(values(net)):
        return False
    gross_units = {u for q in gross if (u := q.get("unitCode")) is not None}
    net_units = {u for q in net if (u := q.get("unitCode")) is not None}
    return not (gross_units and net_units) or bool(gross_units & net_units)
