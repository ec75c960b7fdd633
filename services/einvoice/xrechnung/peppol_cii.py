"""The Peppol BIS rules of the XRechnung Schematron, CII binding.

KoSIT adapted them to CII: R043 is split into R043-1 (document and line allowances)
and R043-2 (price discounts), R008 spares an empty ``ApplicableHeaderTradeDelivery``
(CII requires the element even when there is nothing to say), and R120 takes the
gross price's base quantity when the net price has none.  Dates (format 102) are
compared as strings, as the official rules do.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from services.einvoice.xrechnung.nodes import (
    Element,
    children,
    collect,
    decimal,
    decimal_or,
    exists,
    first,
    norm,
    path,
    slack,
    values,
)
from services.einvoice.xrechnung.peppol_ubl import (
    ONE,
    ZERO,
    line_allowances,
    line_net,
    slack_value,
)
from services.einvoice.xrechnung.report import Findings

#: R008 in CII spares the (mandatory, possibly empty) delivery element, by its prefixed name.
_EMPTY_ELEMENTS = etree.XPath(
    "//*[not(name() = 'ram:ApplicableHeaderTradeDelivery') and not(*) and not(normalize-space())]"
)
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_LINE_ITEM = "ram:IncludedSupplyChainTradeLineItem"


def check_peppol_cii(root: Element, out: Findings) -> None:
    """Run the Peppol rules of the XRechnung CII Schematron."""
    currencies = values(path(root, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode"))
    tax_currencies = values(path(root, f"{_SETTLEMENT}/ram:TaxCurrencyCode"))
    tolerance = slack_value(currencies[0] if currencies else "")
    found = collect(
        root,
        "rsm:ExchangedDocumentContext",
        "ram:ApplicableHeaderTradeSettlement",
        "ram:BuyerTradeParty",
        "ram:SellerTradeParty",
        "ram:SpecifiedTradeAllowanceCharge",
        "ram:AppliedTradeAllowanceCharge",
        "ram:SpecifiedTradeSettlementPaymentMeans",
        "rsm:SupplyChainTradeTransaction",
        _LINE_ITEM,
        "ram:NetPriceProductTradePrice",
        "ram:GrossPriceProductTradePrice",
    )
    for context in found["rsm:ExchangedDocumentContext"]:
        out.check(
            exists(context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
            "PEPPOL-EN16931-R001",
            context,
        )
    for settlement in found["ram:ApplicableHeaderTradeSettlement"]:
        _settlement(root, settlement, currencies, tax_currencies, out)
    for party, rule_id in (("ram:BuyerTradeParty", "R010"), ("ram:SellerTradeParty", "R020")):
        for el in found[party]:
            address = exists(el, "ram:URIUniversalCommunication/ram:URIID")
            out.check(address, f"PEPPOL-EN16931-{rule_id}", el)
    for charge in found["ram:SpecifiedTradeAllowanceCharge"]:
        _allowance_charge(charge, tolerance, out)
    for discount in found["ram:AppliedTradeAllowanceCharge"]:
        indicator = norm(first(discount, "ram:ChargeIndicator/udt:Indicator"))
        out.check(indicator in ("true", "false"), "PEPPOL-EN16931-R043-2", discount)
    for means in found["ram:SpecifiedTradeSettlementPaymentMeans"]:
        if norm(first(means, "ram:TypeCode")) in ("49", "59"):
            mandate = exists(
                means.getparent(), "ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"
            )
            out.check(mandate, "PEPPOL-EN16931-R061", means)
    for trade in found["rsm:SupplyChainTradeTransaction"]:
        _line_periods(trade, out)
    for line in found[_LINE_ITEM]:
        _line(line, tolerance, out)
    for price in [
        *found["ram:NetPriceProductTradePrice"],
        *found["ram:GrossPriceProductTradePrice"],
    ]:
        base = first(price, "ram:BasisQuantity")
        positive = base is None or ((value := decimal(base)) is not None and value > 0)
        out.check(positive, "PEPPOL-EN16931-R121", price)
        for quantity in children(price, "ram:BasisQuantity"):
            _base_quantity_unit(quantity, out)
    for el in _EMPTY_ELEMENTS(root):
        out.fail("PEPPOL-EN16931-R008", el)
    for gross in path(
        root,
        f"rsm:SupplyChainTradeTransaction/{_LINE_ITEM}/ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice",
    ):
        _gross_price(gross, out)


def _settlement(
    root: Element,
    settlement: Element,
    currencies: list[str],
    tax_currencies: list[str],
    out: Findings,
) -> None:
    """R005 and the tax total rules R053-R055 (currencies compared as written)."""
    own_tax_currency = first(settlement, "ram:TaxCurrencyCode")
    out.check(
        own_tax_currency is None
        or norm(own_tax_currency) != norm(first(settlement, "ram:InvoiceCurrencyCode")),
        "PEPPOL-EN16931-R005",
        settlement,
    )
    totals = path(
        settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
    )
    in_document = [t for t in totals if t.get("currencyID") in currencies]
    other = [
        t
        for t in totals
        if t.get("currencyID") is not None and any(t.get("currencyID") != c for c in currencies)
    ]
    out.check(len(in_document) <= 1, "PEPPOL-EN16931-R053", settlement)
    expected = 1 if own_tax_currency is not None else 0
    out.check(len(other) == expected, "PEPPOL-EN16931-R054", settlement)
    if not (exists(root, f"{_SETTLEMENT}/ram:TaxCurrencyCode") and in_document):
        return
    in_tax = [decimal(t) for t in totals if t.get("currencyID") in tax_currencies]
    document_values = [decimal(t) for t in in_document]
    negative = _some(in_tax, lambda v: v < 0) and _some(document_values, lambda v: v < 0)
    positive = _some(in_tax, lambda v: v >= 0) and _some(document_values, lambda v: v >= 0)
    out.check(negative or positive, "PEPPOL-EN16931-R055", settlement)


def _some(items: list[Decimal | None], test: Callable[[Decimal], bool]) -> bool:
    """A general comparison: true if any (numeric) item passes."""
    return any(v is not None and test(v) for v in items)


def _allowance_charge(charge: Element, tolerance: Decimal, out: Findings) -> None:
    """R040-R043-1 (first matching rule only, as in the Schematron pattern)."""
    percent = first(charge, "ram:CalculationPercent")
    base = first(charge, "ram:BasisAmount")
    if percent is not None and base is None:
        out.fail("PEPPOL-EN16931-R041", charge)
        return
    if percent is None and base is not None:
        out.fail("PEPPOL-EN16931-R042", charge)
        return
    if percent is not None and base is not None:
        amount = decimal_or(first(charge, "ram:ActualAmount"), ZERO)
        base_value, percent_value = decimal(base), decimal(percent)
        if amount is not None and base_value is not None and percent_value is not None:
            expected = base_value * percent_value / 100
            out.check(slack(amount, expected, tolerance), "PEPPOL-EN16931-R040", charge)
    indicator = norm(first(charge, "ram:ChargeIndicator/udt:Indicator"))
    out.check(indicator in ("true", "false"), "PEPPOL-EN16931-R043-1", charge)


def _line_periods(trade: Element, out: Findings) -> None:
    """R110/R111: line periods within the invoice period (format 102 compares as text)."""
    period = "ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod"
    line_period = f"{_LINE_ITEM}/ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod"
    for bound, rule_id in (
        ("ram:StartDateTime", "PEPPOL-EN16931-R110"),
        ("ram:EndDateTime", "PEPPOL-EN16931-R111"),
    ):
        header = path(trade, f"{period}/{bound}")
        if not header:
            continue
        limits = values(path(trade, f"{period}/{bound}/udt:DateTimeString"))
        for line_bound in path(trade, f"{line_period}/{bound}"):
            dates = values(children(line_bound, "udt:DateTimeString"))
            if rule_id.endswith("R110"):
                ok = any(d >= limit for d in dates for limit in limits)
            else:
                ok = any(d <= limit for d in dates for limit in limits)
            out.check(ok, rule_id, line_bound)


def _line(line: Element, tolerance: Decimal, out: Findings) -> None:
    """R120 (a warning) and R101 for one line item."""
    settlement = first(line, "ram:SpecifiedLineTradeSettlement")
    net = decimal_or(
        first(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
        ZERO,
    )
    quantity = decimal_or(first(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"), ONE)
    agreement = first(line, "ram:SpecifiedLineTradeAgreement")
    price = decimal_or(first(agreement, "ram:NetPriceProductTradePrice/ram:ChargeAmount"), ZERO)
    base = decimal(first(agreement, "ram:NetPriceProductTradePrice/ram:BasisQuantity")) or decimal(
        first(agreement, "ram:GrossPriceProductTradePrice/ram:BasisQuantity")
    )
    allowances, charges = line_allowances(
        children(settlement, "ram:SpecifiedTradeAllowanceCharge"),
        "ram:ChargeIndicator/udt:Indicator",
        "ram:ActualAmount",
    )
    expected = line_net(quantity, price, base, charges, allowances)
    if net is not None and expected is not None:
        out.check(slack(net, expected, tolerance), "PEPPOL-EN16931-R120", line)
    references = children(settlement, "ram:AdditionalReferencedDocument")
    codes = values(c for r in references for c in children(r, "ram:TypeCode"))
    out.check(not references or "130" in codes, "PEPPOL-EN16931-R101", line)


def _base_quantity_unit(quantity: Element, out: Findings) -> None:
    """R130: unit of the price base quantity equals the unit of the billed quantity."""
    unit = quantity.get("unitCode")
    if unit is None:
        return
    line: Element | None = quantity
    for _ in range(3):  # price, agreement, line item
        line = line.getparent() if line is not None else None
    billed = path(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    out.check(unit in {b.get("unitCode") for b in billed}, "PEPPOL-EN16931-R130", quantity)


def _gross_price(gross: Element, out: Findings) -> None:
    """R044 (no charge on the price) and R046 (net = gross - discount)."""
    discounts = children(gross, "ram:AppliedTradeAllowanceCharge")
    has_amount = any(exists(d, "ram:ActualAmount") for d in discounts)
    indicators = values(i for d in discounts for i in path(d, "ram:ChargeIndicator/udt:Indicator"))
    out.check(not has_amount or "false" in indicators, "PEPPOL-EN16931-R044", gross)
    if first(gross, "ram:ChargeAmount") is None:
        return
    net = decimal(first(gross.getparent(), "ram:NetPriceProductTradePrice/ram:ChargeAmount"))
    amounts = [a for d in discounts for a in children(d, "ram:ActualAmount")[:1]]
    discount = decimal(amounts[0]) if amounts else ZERO
    gross_value = decimal(first(gross, "ram:ChargeAmount"))
    ok = (
        net is not None
        and gross_value is not None
        and discount is not None
        and net == gross_value - discount
    )
    out.check(ok, "PEPPOL-EN16931-R046", gross)
