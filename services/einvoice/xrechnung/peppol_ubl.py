"""The Peppol BIS rules of the XRechnung Schematron, UBL binding.

Within one Schematron pattern a node is checked by the first rule whose context it
matches only; that is why an allowance with a percentage but no base amount is
reported as R041 and not also checked by R040/R043.
"""

from __future__ import annotations

from datetime import date
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
    round2,
    slack,
    string,
    tag,
    values,
)
from services.einvoice.xrechnung.report import Findings

ZERO = Decimal(0)
ONE = Decimal(1)


def slack_value(currency: str) -> Decimal:
    """The tolerance of the amount rules: half a forint for HUF, two cents otherwise."""
    return Decimal("0.5") if currency == "HUF" else Decimal("0.02")


#: R008's context, compiled once; XPath 1.0 ``normalize-space`` strips the same white space.
EMPTY_ELEMENTS = etree.XPath("//*[not(*) and not(normalize-space())]")


def xs_date(el: Element | None) -> date | None:
    """``xs:date(.)`` for the date part; None where the cast would fail."""
    try:
        return date.fromisoformat(string(el).strip()[:10])
    except ValueError:
        return None


def check_peppol_ubl(root: Element, out: Findings) -> None:
    """Run the Peppol rules of the XRechnung UBL Schematron."""
    for el in EMPTY_ELEMENTS(root):
        out.fail("PEPPOL-EN16931-R008", el)
    _document(root, out)
    tolerance = slack_value(string(first(root, "cbc:DocumentCurrencyCode")))
    found = collect(
        root,
        "cbc:TaxCurrencyCode",
        "cac:Party",
        "cac:PaymentMeans",
        "cac:InvoiceLine",
        "cac:CreditNoteLine",
        "cac:AllowanceCharge",
        "cbc:BaseQuantity",
    )
    for code in found["cbc:TaxCurrencyCode"]:
        document = first(code.getparent(), "cbc:DocumentCurrencyCode")
        out.check(norm(code) != norm(document), "PEPPOL-EN16931-R005", code)
    for party in found["cac:Party"]:
        role = _parent_tag(party)
        if role == tag("cac:AccountingCustomerParty"):
            out.check(exists(party, "cbc:EndpointID"), "PEPPOL-EN16931-R010", party)
        elif role == tag("cac:AccountingSupplierParty"):
            out.check(exists(party, "cbc:EndpointID"), "PEPPOL-EN16931-R020", party)
    for charge in [
        *children(root, "cac:AllowanceCharge"),
        *path(root, "cac:InvoiceLine/cac:AllowanceCharge"),
        *path(root, "cac:CreditNoteLine/cac:AllowanceCharge"),
    ]:
        _allowance_charge(charge, tolerance, out)
    for means in found["cac:PaymentMeans"]:
        if norm(first(means, "cbc:PaymentMeansCode")) in ("49", "59"):
            out.check(exists(means, "cac:PaymentMandate/cbc:ID"), "PEPPOL-EN16931-R061", means)
    _line_periods(root, out)
    invoice = root.tag == tag("ubl:Invoice")
    for line in [*found["cac:InvoiceLine"], *found["cac:CreditNoteLine"]]:
        _line(line, invoice, tolerance, out)
    for charge in found["cac:AllowanceCharge"]:
        if _parent_tag(charge) == tag("cac:Price"):
            _price_discount(charge, out)
    for base in found["cbc:BaseQuantity"]:
        _base_quantity_unit(base, invoice, out)


def _parent_tag(el: Element) -> str | None:
    parent = el.getparent()
    return None if parent is None else str(parent.tag)


def _document(root: Element, out: Findings) -> None:
    out.check(exists(root, "cbc:ProfileID"), "PEPPOL-EN16931-R001", root)
    totals = children(root, "cac:TaxTotal")
    with_breakdown = [t for t in totals if exists(t, "cac:TaxSubtotal")]
    out.check(len(with_breakdown) == 1, "PEPPOL-EN16931-R053", root)
    tax_currency = first(root, "cbc:TaxCurrencyCode")
    expected = 1 if tax_currency is not None else 0
    out.check(len(totals) - len(with_breakdown) == expected, "PEPPOL-EN16931-R054", root)
    if tax_currency is None:
        return
    amounts = path(root, "cac:TaxTotal/cbc:TaxAmount")
    in_tax = [decimal(a) for a in amounts if a.get("currencyID") == norm(tax_currency)]
    document = norm(first(root, "cbc:DocumentCurrencyCode"))
    in_document = [decimal(a) for a in amounts if a.get("currencyID") == document]
    out.check(_same_sign(in_tax, in_document), "PEPPOL-EN16931-R055", root)


def _same_sign(first_values: list[Decimal | None], other: list[Decimal | None]) -> bool:
    """Both amount lists hold a value <= 0, or both hold a value >= 0 (general comparisons)."""

    def some(items: list[Decimal | None], negative: bool) -> bool:
        return any(v is not None and (v <= 0 if negative else v >= 0) for v in items)

    return (some(first_values, True) and some(other, True)) or (
        some(first_values, False) and some(other, False)
    )


def _allowance_charge(charge: Element, tolerance: Decimal, out: Findings) -> None:
    """R040-R043 for a document or line allowance/charge (first matching rule only)."""
    percent = first(charge, "cbc:MultiplierFactorNumeric")
    base = first(charge, "cbc:BaseAmount")
    if percent is not None and base is None:
        out.fail("PEPPOL-EN16931-R041", charge)
        return
    if percent is None and base is not None:
        out.fail("PEPPOL-EN16931-R042", charge)
        return
    if percent is not None and base is not None:
        amount = decimal_or(first(charge, "cbc:Amount"), ZERO)
        base_value, percent_value = decimal(base), decimal(percent)
        if amount is not None and base_value is not None and percent_value is not None:
            expected = base_value * percent_value / 100
            out.check(slack(amount, expected, tolerance), "PEPPOL-EN16931-R040", charge)
    indicator = norm(first(charge, "cbc:ChargeIndicator"))
    out.check(indicator in ("true", "false"), "PEPPOL-EN16931-R043", charge)


def _line_periods(root: Element, out: Findings) -> None:
    """R110/R111: a line period lies within the invoice period, where that is given."""
    start = xs_date(first(root, "cac:InvoicePeriod/cbc:StartDate"))
    end = xs_date(first(root, "cac:InvoicePeriod/cbc:EndDate"))
    for line_tag in ("cac:InvoiceLine", "cac:CreditNoteLine"):
        for line_start in path(root, f"{line_tag}/cac:InvoicePeriod/cbc:StartDate"):
            value = xs_date(line_start)
            if start is not None and value is not None:
                out.check(value >= start, "PEPPOL-EN16931-R110", line_start)
        for line_end in path(root, f"{line_tag}/cac:InvoicePeriod/cbc:EndDate"):
            value = xs_date(line_end)
            if end is not None and value is not None:
                out.check(value <= end, "PEPPOL-EN16931-R111", line_end)


def _line(line: Element, invoice: bool, tolerance: Decimal, out: Findings) -> None:
    """R120 (line net amount, a warning since 2.4), R121 (base quantity), R101."""
    quantity_tag = "cbc:InvoicedQuantity" if invoice else "cbc:CreditedQuantity"
    net = decimal_or(first(line, "cbc:LineExtensionAmount"), ZERO)
    quantity = decimal_or(first(line, quantity_tag), ONE)
    price = decimal_or(first(line, "cac:Price/cbc:PriceAmount"), ZERO)
    base = decimal(first(line, "cac:Price/cbc:BaseQuantity"))
    allowances, charges = line_allowances(
        children(line, "cac:AllowanceCharge"), "cbc:ChargeIndicator", "cbc:Amount"
    )
    expected = line_net(quantity, price, base, charges, allowances)
    if net is not None and expected is not None:
        out.check(slack(net, expected, tolerance), "PEPPOL-EN16931-R120", line)
    base_node = first(line, "cac:Price/cbc:BaseQuantity")
    out.check(base_node is None or (base is not None and base > 0), "PEPPOL-EN16931-R121", line)
    type_codes = values(path(line, "cac:DocumentReference/cbc:DocumentTypeCode"))
    out.check(
        not exists(line, "cac:DocumentReference") or "130" in type_codes,
        "PEPPOL-EN16931-R101",
        line,
    )


def line_net(
    quantity: Decimal | None,
    price: Decimal | None,
    base: Decimal | None,
    charges: Decimal | None,
    allowances: Decimal | None,
) -> Decimal | None:
    """R120's expected line net amount; a base quantity of 0 (or none) counts as 1."""
    if quantity is None or price is None or charges is None or allowances is None:
        return None
    return quantity * (price / (base or ONE)) + charges - allowances


def line_allowances(
    charges: list[Element], indicator_path: str, amount_tag: str
) -> tuple[Decimal | None, Decimal | None]:
    """The rounded sums of a line's allowances and charges (None if an amount is no number)."""
    sums: dict[str, Decimal | None] = {}
    for kind in ("false", "true"):
        chosen = [c for c in charges if norm(first(c, indicator_path)) == kind]
        amounts = [decimal(a) for c in chosen for a in children(c, amount_tag)]
        if None in amounts:
            sums[kind] = None
        else:
            sums[kind] = (
                round2(sum((a for a in amounts if a is not None), ZERO)) if chosen else ZERO
            )
    return sums["false"], sums["true"]


def _price_discount(charge: Element, out: Findings) -> None:
    """R044 (no charge on the price) and R046 (net price = gross price - discount)."""
    out.check(norm(first(charge, "cbc:ChargeIndicator")) == "false", "PEPPOL-EN16931-R044", charge)
    if first(charge, "cbc:BaseAmount") is None:
        return
    price = charge.getparent()
    net = decimal(first(price, "cbc:PriceAmount"))
    gross = decimal(first(charge, "cbc:BaseAmount"))
    discount = decimal(first(charge, "cbc:Amount"))
    ok = net is not None and gross is not None and discount is not None and net == gross - discount
    out.check(ok, "PEPPOL-EN16931-R046", charge)


def _base_quantity_unit(base: Element, invoice: bool, out: Findings) -> None:
    """R130: the unit of the price base quantity is the unit of the invoiced quantity."""
    price = base.getparent()
    if price is None or price.tag != tag("cac:Price") or base.get("unitCode") is None:
        return
    line = price.getparent()
    has_quantity = exists(line, "cbc:InvoicedQuantity") or exists(line, "cbc:CreditedQuantity")
    quantity = children(line, "cbc:InvoicedQuantity" if invoice else "cbc:CreditedQuantity")
    units = {q.get("unitCode") for q in quantity}
    out.check(not has_quantity or base.get("unitCode") in units, "PEPPOL-EN16931-R130", base)
