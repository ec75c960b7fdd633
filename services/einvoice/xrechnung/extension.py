"""The XRechnung Extension rules (BR-DEX-01..15), UBL and CII.

They apply only when BT-24 is exactly the extension identifier.  The extension allows
what the CIUS forbids (sub invoice lines, third-party payments, XML attachments, the
DiGA scheme codes XR01..XR03); several BR-DEX rules replace a CEN rule for that reason
(BR-DEX-09 replaces BR-CO-16, BR-DEX-04..08 replace BR-CL-10/11/21/25/26).
"""

from __future__ import annotations

from decimal import Decimal

from services.einvoice.xrechnung.formats import (
    EAS_EXT_CODES,
    EXTENSION_MIME_CODES,
    ICD_EXT_CODES,
    XR_EXTENSION_ID,
    in_code_list,
)
from services.einvoice.xrechnung.nodes import (
    Element,
    any_text,
    children,
    decimal,
    decimal_or,
    descendants,
    first,
    normalize_space,
    path,
    round2,
    string,
    tag,
    values,
)
from services.einvoice.xrechnung.report import Findings

ZERO = Decimal(0)


def is_extension(guideline_ids: list[str]) -> bool:
    """BT-24 names the XRechnung 3.0 Extension (compared exactly, as the rules do)."""
    return XR_EXTENSION_ID in guideline_ids


def check_extension_ubl(root: Element, out: Findings) -> None:
    """BR-DEX-01..14 for UBL."""
    if not is_extension(values(children(root, "cbc:CustomizationID"))):
        return
    for attachment in root.iter(tag("cbc:EmbeddedDocumentBinaryObject")):
        mime = attachment.get("mimeCode") or ""
        out.check(mime in EXTENSION_MIME_CODES, "BR-DEX-01", attachment, mime=mime)
    if root.tag == tag("ubl:Invoice"):
        out.check(_sub_lines_add_up(root), "BR-DEX-02", root)
        items = [
            i for sub in descendants(root, "cac:SubInvoiceLine") for i in children(sub, "cac:Item")
        ]
        single = all(len(children(i, "cac:ClassifiedTaxCategory")) == 1 for i in items)
        out.check(single, "BR-DEX-03", root)
    for total in root.iter(tag("cac:LegalMonetaryTotal")):
        out.check(_amount_due_ok(total), "BR-DEX-09", total)
    _scheme_ids_ubl(root, out)
    if root.tag == tag("ubl:Invoice"):
        for payment in children(root, "cac:PrepaidPayment"):
            _third_party_payment(root, payment, out)


def _sub_lines_add_up(root: Element) -> bool:
    """BR-DEX-02: each line (or sub line) with sub lines is the sum of their net amounts."""
    parents = [
        line for line in children(root, "cac:InvoiceLine") if children(line, "cac:SubInvoiceLine")
    ]
    parents += [
        s for s in descendants(root, "cac:SubInvoiceLine") if children(s, "cac:SubInvoiceLine")
    ]
    for parent in parents:
        amount = decimal(first(parent, "cbc:LineExtensionAmount"))
        parts = [
            decimal(first(s, "cbc:LineExtensionAmount"))
            for s in children(parent, "cac:SubInvoiceLine")
        ]
        if (
            amount is None
            or None in parts
            or amount != sum((p for p in parts if p is not None), ZERO)
        ):
            return False
    return True


def _amount_due_ok(total: Element) -> bool:
    """BR-DEX-09: BT-115 = BT-112 - BT-113 + BT-114 + third-party payments (to the cent)."""
    payable = decimal(first(total, "cbc:PayableAmount"))
    with_vat = decimal(first(total, "cbc:TaxInclusiveAmount"))
    prepaid = decimal_or(first(total, "cbc:PrepaidAmount"), ZERO)
    rounding = decimal_or(first(total, "cbc:PayableRoundingAmount"), ZERO)
    paid = path(total.getparent(), "cac:PrepaidPayment/cbc:PaidAmount")
    third_party: Decimal | None = ZERO
    if any(normalize_space(string(p)) for p in paid):
        amounts = [decimal(p) for p in paid]
        third_party = None if None in amounts else sum((a for a in amounts if a is not None), ZERO)
    if payable is None or with_vat is None or prepaid is None:
        return False
    if rounding is None or third_party is None:
        return False
    return round2(payable - rounding) == round2(with_vat - prepaid + third_party)


def _scheme_ids_ubl(root: Element, out: Findings) -> None:
    """BR-DEX-04..08: scheme ids from ISO 6523 ICD / CEF EAS plus XR01..XR03."""
    for el in root.iter(tag("cbc:ID"), tag("cbc:CompanyID"), tag("cbc:EndpointID")):
        scheme = el.get("schemeID")
        parent = el.getparent()
        if scheme is None or parent is None:
            continue
        if el.tag == tag("cbc:EndpointID"):
            out.check(in_code_list(scheme, EAS_EXT_CODES), "BR-DEX-07", el)
        elif parent.tag == tag("cac:PartyIdentification") and el.tag == tag("cbc:ID"):
            sepa = normalize_space(scheme) == "SEPA" and any(
                a.tag in (tag("cac:AccountingSupplierParty"), tag("cac:PayeeParty"))
                for a in el.iterancestors()
            )
            out.check(in_code_list(scheme, ICD_EXT_CODES) or sepa, "BR-DEX-04", el)
        elif parent.tag == tag("cac:PartyLegalEntity") and el.tag == tag("cbc:CompanyID"):
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-05", el)
        elif parent.tag == tag("cac:StandardItemIdentification") and el.tag == tag("cbc:ID"):
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-06", el)
        elif parent.tag == tag("cac:DeliveryLocation") and el.tag == tag("cbc:ID"):
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-08", el)


def _third_party_payment(root: Element, payment: Element, out: Findings) -> None:
    """BR-DEX-10..14 for one "THIRD PARTY PAYMENT" (BG-DEX-09)."""
    out.check(any_text(children(payment, "cbc:ID")), "BR-DEX-10", payment)
    out.check(any_text(children(payment, "cbc:PaidAmount")), "BR-DEX-11", payment)
    out.check(any_text(children(payment, "cbc:InstructionID")), "BR-DEX-12", payment)
    amount = string(first(payment, "cbc:PaidAmount"))
    out.check(len(amount.partition(".")[2]) <= 2, "BR-DEX-13", payment)
    currencies = {a.get("currencyID") for a in children(payment, "cbc:PaidAmount")}
    document = set(values(children(root, "cbc:DocumentCurrencyCode")))
    out.check(bool(currencies & document), "BR-DEX-14", payment)


def check_extension_cii(root: Element, out: Findings) -> None:
    """BR-DEX-01, 04..08 and 15 for CII (CII has no sub lines or third-party payments)."""
    ids = values(
        path(
            root,
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        )
    )
    if not is_extension(ids):
        return
    sub_lines = any(True for _ in descendants(root, "ram:ParentLineID"))
    lines = path(root, "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem")
    for document in [
        d for line in lines for d in children(line, "ram:AssociatedDocumentLineDocument")
    ]:
        out.check(not sub_lines, "BR-DEX-15", document)
    for el in root.iter(tag("ram:GlobalID"), tag("ram:ID"), tag("ram:URIID")):
        scheme = el.get("schemeID")
        if scheme is not None:
            _scheme_id_cii(el, scheme, out)
    for attachment in root.iter(tag("ram:AttachmentBinaryObject")):
        mime = attachment.get("mimeCode") or ""
        out.check(mime in EXTENSION_MIME_CODES, "BR-DEX-01", attachment, mime=mime)


def _scheme_id_cii(el: Element, scheme: str, out: Findings) -> None:
    parent = el.getparent()
    ancestors = {a.tag for a in el.iterancestors()}
    if el.tag == tag("ram:GlobalID"):
        if (
            tag("ram:SpecifiedTradeProduct") not in ancestors
            and tag("ram:ShipToTradeParty") not in ancestors
        ):
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-04", el)
        elif parent is not None and parent.tag == tag("ram:SpecifiedTradeProduct"):
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-06", el)
        elif _child_of(parent, "ram:ShipToTradeParty", "ram:ApplicableHeaderTradeDelivery"):
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-08", el)
    elif el.tag == tag("ram:ID"):
        if tag("ram:SpecifiedTaxRegistration") not in ancestors:
            out.check(in_code_list(scheme, ICD_EXT_CODES), "BR-DEX-05", el)
    elif parent is not None and parent.tag == tag("ram:URIUniversalCommunication"):
        out.check(in_code_list(scheme, EAS_EXT_CODES), "BR-DEX-07", el)


def _child_of(parent: Element | None, name: str, grandparent: str) -> bool:
    if parent is None or parent.tag != tag(name):
        return False
    above = parent.getparent()
    return above is not None and above.tag == tag(grandparent)
