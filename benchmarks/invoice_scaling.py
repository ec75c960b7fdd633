"""Scale an official single-line XRechnung to N lines, keeping it valid.

The line is repeated with new line ids and the document totals and the VAT breakdown
are recomputed from the lines, so the result passes the same rules as the template
(one VAT category, no document-level allowances or charges, nothing prepaid).
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

UBL_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CENT = Decimal("0.01")


def scale_ubl(template: bytes, lines: int) -> bytes:
    root = etree.fromstring(template)
    ns = {"cac": UBL_CAC, "cbc": UBL_CBC}
    [line] = root.findall("cac:InvoiceLine", ns)
    net = Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=ns) or "0")
    rate = Decimal(line.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", namespaces=ns))
    _repeat(line, lines, lambda copy_, n: _set(copy_, "cbc:ID", str(n), ns))
    total, tax = _totals(net, rate, lines)
    _set(root, "cac:TaxTotal/cbc:TaxAmount", tax, ns)
    _set(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", total, ns)
    _set(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", tax, ns)
    monetary = "cac:LegalMonetaryTotal/cbc:"
    _set(root, monetary + "LineExtensionAmount", total, ns)
    _set(root, monetary + "TaxExclusiveAmount", total, ns)
    _set(root, monetary + "TaxInclusiveAmount", total + tax, ns)
    _set(root, monetary + "PayableAmount", total + tax, ns)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def scale_cii(template: bytes, lines: int) -> bytes:
    root = etree.fromstring(template)
    ns = {"ram": RAM}
    [line] = root.findall(".//ram:IncludedSupplyChainTradeLineItem", ns)
    settlement = "ram:SpecifiedLineTradeSettlement/"
    net = Decimal(
        line.findtext(
            settlement + "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            namespaces=ns,
        )
        or "0"
    )
    rate = Decimal(
        line.findtext(
            settlement + "ram:ApplicableTradeTax/ram:RateApplicablePercent", namespaces=ns
        )
    )
    _repeat(
        line,
        lines,
        lambda copy_, n: _set(copy_, "ram:AssociatedDocumentLineDocument/ram:LineID", str(n), ns),
    )
    total, tax = _totals(net, rate, lines)
    header = root.find(".//ram:ApplicableHeaderTradeSettlement", ns)
    assert header is not None
    _set(header, "ram:ApplicableTradeTax/ram:BasisAmount", total, ns)
    _set(header, "ram:ApplicableTradeTax/ram:CalculatedAmount", tax, ns)
    summary = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    _set(header, summary + "LineTotalAmount", total, ns)
    _set(header, summary + "TaxBasisTotalAmount", total, ns)
    _set(header, summary + "TaxTotalAmount", tax, ns)
    _set(header, summary + "GrandTotalAmount", total + tax, ns)
    _set(header, summary + "DuePayableAmount", total + tax, ns)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _repeat(line: etree._Element, count: int, renumber: object) -> None:
    parent = line.getparent()
    assert parent is not None and callable(renumber)
    position = parent.index(line)
    renumber(line, 1)
    for number in range(2, count + 1):
        duplicate = copy.deepcopy(line)
        renumber(duplicate, number)
        position += 1
        parent.insert(position, duplicate)


def _totals(net: Decimal, rate: Decimal, lines: int) -> tuple[Decimal, Decimal]:
    total = (net * lines).quantize(CENT)
    tax = (total * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return total, tax


def _set(node: etree._Element, path: str, value: object, ns: dict[str, str]) -> None:
    found = node.find(path, ns)
    if found is None:
        raise ValueError(f"template has no {path}")
    found.text = str(value)
