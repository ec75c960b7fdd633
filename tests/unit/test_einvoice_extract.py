"""Extraction of the EN 16931 terms from the official UBL and CII test instances.

The expectations are read from the files themselves with absolute XPaths written here
(independently of the readers), and cross-checked by the EN 16931 arithmetic that every
valid instance satisfies, and by the KoSIT test suite's UBL/CII twins, which encode the
same invoice in both syntaxes.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from services.einvoice.extract import InvoiceData, InvoiceLine, extract_invoice
from services.einvoice.hybrid import find_embedded_invoice
from services.einvoice.model import Syntax
from services.einvoice.recognize import recognize
from services.einvoice.safe_xml import parse_invoice_xml

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
XRECHNUNG = TESTDATA / "xrechnung-testsuite"
EN16931 = TESTDATA / "en16931-examples"
ZUGFERD = TESTDATA / "zugferd"

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
ROOTS = {
    "Invoice": Syntax.UBL_INVOICE,
    "CreditNote": Syntax.UBL_CREDIT_NOTE,
    "CrossIndustryInvoice": Syntax.CII,
}

_SUM = (
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
    "ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
)
# BT id -> absolute XPath, written from the EN 16931-3-2/3-3 syntax bindings
TOTALS_XPATH = {
    "ubl": {
        "line_net_total": "/*/cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
        "allowance_total": "/*/cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount",
        "charge_total": "/*/cac:LegalMonetaryTotal/cbc:ChargeTotalAmount",
        "tax_exclusive": "/*/cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
        "vat_total": "/*/cac:TaxTotal/cbc:TaxAmount[@currencyID=/*/cbc:DocumentCurrencyCode]",
        "tax_inclusive": "/*/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        "prepaid": "/*/cac:LegalMonetaryTotal/cbc:PrepaidAmount",
        "rounding": "/*/cac:LegalMonetaryTotal/cbc:PayableRoundingAmount",
        "payable": "/*/cac:LegalMonetaryTotal/cbc:PayableAmount",
    },
    "cii": {
        "line_net_total": _SUM + "ram:LineTotalAmount",
        "allowance_total": _SUM + "ram:AllowanceTotalAmount",
        "charge_total": _SUM + "ram:ChargeTotalAmount",
        "tax_exclusive": _SUM + "ram:TaxBasisTotalAmount",
        "vat_total": _SUM + "ram:TaxTotalAmount[@currencyID=/rsm:CrossIndustryInvoice"
        "/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
        "/ram:InvoiceCurrencyCode]",
        "tax_inclusive": _SUM + "ram:GrandTotalAmount",
        "prepaid": _SUM + "ram:TotalPrepaidAmount",
        "rounding": _SUM + "ram:RoundingAmount",
        "payable": _SUM + "ram:DuePayableAmount",
    },
}
HEADER_XPATH = {
    "ubl": {
        "number": "/*/cbc:ID",
        "currency": "/*/cbc:DocumentCurrencyCode",
        "buyer_reference": "/*/cbc:BuyerReference",
        "type_code": "/*/cbc:InvoiceTypeCode | /*/cbc:CreditNoteTypeCode",
        "seller_vat": "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
        "[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
    },
    "cii": {
        "number": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
        "currency": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode",
        "buyer_reference": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference",
        "type_code": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode",
        "seller_vat": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
        "/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    },
}
LINE_AMOUNTS_XPATH = {  # (top-level line, its net amount BT-131)
    "ubl": ("/*/cac:InvoiceLine | /*/cac:CreditNoteLine", "cbc:LineExtensionAmount"),
    "cii": (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:IncludedSupplyChainTradeLineItem[not(ram:AssociatedDocumentLineDocument"
        "/ram:ParentLineID)]",
        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
        "/ram:LineTotalAmount",
    ),
}
VAT_XPATH = {
    "ubl": (
        "/*/cac:TaxTotal/cac:TaxSubtotal",
        "cac:TaxCategory/cbc:ID",
        "cac:TaxCategory/cbc:Percent",
        "cbc:TaxableAmount",
        "cbc:TaxAmount",
    ),
    "cii": (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
        "ram:CategoryCode",
        "ram:RateApplicablePercent",
        "ram:BasisAmount",
        "ram:CalculatedAmount",
    ),
}


def _parse(path: Path) -> etree._ElementTree:
    return parse_invoice_xml(path.read_bytes())


def _syntax(tree: etree._ElementTree) -> Syntax:
    syntax = recognize(tree).syntax
    assert syntax is ROOTS[etree.QName(tree.getroot()).localname]
    return syntax


def _family(syntax: Syntax) -> str:
    return "cii" if syntax is Syntax.CII else "ubl"


def _full_documents() -> Iterator[Path]:
    """Every complete invoice of the two official suites (no unit-test fragments)."""
    for folder in ("business-cases", "technical-cases", "xrechnung-visualization-instances"):
        yield from sorted((XRECHNUNG / folder).rglob("*.xml"))
    for path in sorted((XRECHNUNG / "kosit-validator-config-instances").glob("*.xml")):
        if path.name not in ("bin001.xml", "ubl007.xml"):  # not XML / not well-formed
            yield path
    yield from sorted((EN16931 / "examples").rglob("*.xml"))
    yield from sorted((EN16931 / "examples").rglob("*.XML"))
    yield from sorted((EN16931 / "testfiles").glob("*.xml"))


def _valid_documents() -> Iterator[Path]:
    """Instances SOURCES.md states to be valid: EN 16931 arithmetic must hold in them."""
    yield from sorted((XRECHNUNG / "business-cases").rglob("*.xml"))
    yield from sorted((XRECHNUNG / "technical-cases").rglob("*.xml"))
    yield from sorted((EN16931 / "examples").rglob("*.xml"))
    yield from sorted((EN16931 / "examples").rglob("*.XML"))
    yield from sorted((EN16931 / "testfiles").glob("*.xml"))


FULL = list(_full_documents())
VALID = list(_valid_documents())


def _id(path: Path) -> str:
    return str(path.relative_to(TESTDATA))


def _decimal(tree: etree._ElementTree, xpath: str) -> Decimal | None:
    found = tree.xpath(xpath, namespaces=NS)
    assert isinstance(found, list)
    texts = [e.text.strip() for e in found if isinstance(e, etree._Element) and e.text]
    return Decimal(texts[0]) if texts else None


def _string(tree: etree._ElementTree, xpath: str) -> str | None:
    found = tree.xpath(xpath, namespaces=NS)
    assert isinstance(found, list)
    texts = [e.text.strip() for e in found if isinstance(e, etree._Element) and e.text]
    return texts[0] if texts and texts[0] else None


def _extract(path: Path) -> tuple[etree._ElementTree, InvoiceData]:
    tree = _parse(path)
    return tree, extract_invoice(tree, _syntax(tree))


def test_the_suites_are_there() -> None:
    assert len(FULL) >= 130
    assert len(VALID) >= 120


@pytest.mark.parametrize("path", FULL, ids=_id)
def test_totals_equal_the_values_in_the_xml(path: Path) -> None:
    tree, invoice = _extract(path)
    family = _family(_syntax(tree))
    for name, xpath in TOTALS_XPATH[family].items():
        extracted = getattr(invoice.totals, name)
        expected = _decimal(tree, xpath)
        assert extracted == expected, name
        assert extracted is None or isinstance(extracted, Decimal)
    assert invoice.totals.payable is not None or "ubl005" in path.name


@pytest.mark.parametrize("path", FULL, ids=_id)
def test_header_lines_and_vat_breakdown_equal_the_xml(path: Path) -> None:
    tree, invoice = _extract(path)
    family = _family(_syntax(tree))
    header = HEADER_XPATH[family]
    assert invoice.number == _string(tree, header["number"])
    assert invoice.currency == _string(tree, header["currency"])
    assert invoice.buyer_reference == _string(tree, header["buyer_reference"])
    assert invoice.type_code == _string(tree, header["type_code"])
    assert (invoice.seller.vat_id if invoice.seller else None) == _string(
        tree, header["seller_vat"]
    )

    line_path, amount_path = LINE_AMOUNTS_XPATH[family]
    expected_lines = [_decimal(n, amount_path) for n in tree.xpath(line_path, namespaces=NS)]
    assert [line.net_amount for line in invoice.lines] == expected_lines

    base, category, rate, taxable, tax = VAT_XPATH[family]
    expected_vat = [
        (
            _string(sub, category),
            _decimal(sub, rate),
            _decimal(sub, taxable),
            _decimal(sub, tax),
        )
        for sub in tree.xpath(base, namespaces=NS)
    ]
    assert [
        (v.category, v.rate, v.taxable_amount, v.tax_amount) for v in invoice.vat_breakdown
    ] == expected_vat
    assert expected_vat or invoice.vat_breakdown == ()


def _all_lines(lines: tuple[InvoiceLine, ...]) -> Iterator[InvoiceLine]:
    """Lines and sub-lines in document order (depth first, as they nest in UBL)."""
    for line in lines:
        yield line
        yield from _all_lines(line.sub_lines)


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_valid_invoices_satisfy_the_en16931_sums(path: Path) -> None:
    _, invoice = _extract(path)
    t = invoice.totals
    zero = Decimal(0)
    assert invoice.issue_date is not None
    assert invoice.extraction_notes == ()
    # BR-CO-10: sum of the (top-level) line net amounts
    assert sum((line.net_amount or zero for line in invoice.lines), zero) == t.line_net_total
    # BR-CO-13: tax exclusive = lines - allowances + charges
    assert t.tax_exclusive == (t.line_net_total or zero) - (t.allowance_total or zero) + (
        t.charge_total or zero
    )
    # BR-CO-11/12: document level allowances and charges add up
    allowances = [ac.amount or zero for ac in invoice.allowances_charges if not ac.charge]
    charges = [ac.amount or zero for ac in invoice.allowances_charges if ac.charge]
    assert sum(allowances, zero) == (t.allowance_total or zero)
    assert sum(charges, zero) == (t.charge_total or zero)
    # BR-CO-14: VAT total = sum of the breakdown
    assert sum((v.tax_amount or zero for v in invoice.vat_breakdown), zero) == (t.vat_total or zero)
    # BR-CO-16 (BR-DEX-09 in the extension): payable = inclusive - prepaid + rounding
    # + amounts collected by third parties
    third_party = sum((p.amount or zero for p in invoice.third_party_payments), zero)
    assert (
        t.payable
        == (t.tax_inclusive or zero) - (t.prepaid or zero) + (t.rounding or zero) + third_party
    )


def _twins() -> Iterator[tuple[Path, Path]]:
    for ubl in sorted(XRECHNUNG.rglob("*_ubl.xml")):
        cii = ubl.with_name(ubl.name.replace("_ubl.xml", "_uncefact.xml"))
        if cii.exists():
            yield ubl, cii


TWINS = list(_twins())


@pytest.mark.parametrize(("ubl", "cii"), TWINS, ids=lambda p: p.name)
def test_ubl_and_cii_twins_give_the_same_record(ubl: Path, cii: Path) -> None:
    _, a = _extract(ubl)
    _, b = _extract(cii)
    assert (a.number, a.issue_date, a.type_code, a.currency, a.due_date) == (
        b.number,
        b.issue_date,
        b.type_code,
        b.currency,
        b.due_date,
    )
    assert a.buyer_reference == b.buyer_reference
    assert a.seller is not None and b.seller is not None
    assert a.seller.name == b.seller.name
    assert a.vat_breakdown[0].category == b.vat_breakdown[0].category
    for name in ("line_net_total", "tax_exclusive", "vat_total", "tax_inclusive", "payable"):
        # 01.05 minimal: the CII twin leaves BT-110 out where UBL writes 0
        assert (getattr(a.totals, name) or 0) == (getattr(b.totals, name) or 0), name
    assert [(ln.id, ln.quantity, ln.unit, ln.net_amount, ln.net_price) for ln in a.lines] == [
        (ln.id, ln.quantity, ln.unit, ln.net_amount, ln.net_price) for ln in b.lines
    ]
    assert [(ln.name, ln.vat_category, ln.vat_rate) for ln in a.lines] == [
        (ln.name, ln.vat_category, ln.vat_rate) for ln in b.lines
    ]
    assert (a.payment is None) == (b.payment is None)
    if a.payment and b.payment:
        assert [m.code for m in a.payment.means] == [m.code for m in b.payment.means]
        assert [m.account_id for m in a.payment.means] == [m.account_id for m in b.payment.means]
        assert a.payment.mandate_reference == b.payment.mandate_reference
        assert a.payment.debited_account == b.payment.debited_account
    assert [(x.id, x.filename, x.mime_code, x.content) for x in a.attachments] == [
        (x.id, x.filename, x.mime_code, x.content) for x in b.attachments
    ]


def test_there_are_enough_twins() -> None:
    assert len(ZUGFERD_VALID) >= 15
    assert len(TWINS) >= 40


@pytest.mark.parametrize(
    "name", ["01.01_comprehensive_test_ubl.xml", "01.01_comprehensive_test_uncefact.xml"]
)
def test_comprehensive_instance_in_detail(name: str) -> None:
    _, inv = _extract(XRECHNUNG / "technical-cases" / "cius" / name)
    assert inv.number == "1234567"
    assert inv.issue_date is not None and inv.issue_date.isoformat() == "2018-04-13"
    assert inv.specification_id == (
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    )
    assert inv.tax_currency == "GBP"
    assert inv.totals.vat_total_accounting_currency == Decimal("2048.44")
    assert (inv.order_reference, inv.sales_order_reference) == ("65002278", "ABC123456789")
    assert inv.contract_reference == "0000000752"
    assert inv.project_reference == "PR12345678"
    assert inv.receiving_advice_reference == "RAR123456789"
    assert inv.despatch_advice_reference == "DAR123456789"
    assert inv.tender_reference == "ANG987654321"
    assert inv.invoiced_object is not None and inv.invoiced_object.value == "OK987654321"
    assert inv.buyer_accounting_reference == "Buchungscode1"
    assert inv.notes[0].subject_code == "AAC"
    assert inv.notes[0].text == "Invoice Note Description"
    seller = inv.seller
    assert seller is not None
    assert (seller.vat_id, seller.tax_number) == ("ATU123456789", "123/456/789")
    assert seller.address is not None
    assert (seller.address.postcode, seller.address.country) == ("12345", "DE")
    assert seller.contact is not None and seller.contact.email == "tim.tester@test.com"
    assert seller.electronic_address is not None
    assert seller.electronic_address.scheme == "EM"
    assert inv.buyer is not None and inv.buyer.vat_id == "DE12345ABC"
    assert inv.payee is not None and inv.payee.name == "[Payee name]"
    assert inv.tax_representative is not None and inv.tax_representative.vat_id == "DE124567"
    assert inv.delivery is not None and inv.delivery.delivery_date is not None
    assert inv.payment is not None
    assert [m.account_id for m in inv.payment.means] == [
        "DE79000000001234567890",
        "DE16000000002345678901",
    ]
    assert inv.payment.remittance_information == "Deb. 12345 / Fact. 9876543"
    assert len(inv.allowances_charges) == 4
    exempt = inv.vat_breakdown[1]
    assert (exempt.category, exempt.exemption_reason_code) == ("E", "VATEX-EU-132-1A")
    line = inv.lines[0]
    assert (line.name, line.description) == ("Beratung", "Anforderungsmanagement")
    assert (line.seller_item_id, line.buyer_item_id) == ("1034", "5034")
    assert [c.value for c in line.classifications] == ["0721-880X", "0721-880XYZ"]
    assert line.net_price == Decimal("158.125")
    assert line.gross_price == Decimal("168.125") and line.price_discount == Decimal(10)
    assert line.origin_country == "DE"
    assert [(a.name, a.value) for a in line.attributes][0] == ("[Description]", "[Value]")
    assert len(line.allowances_charges) == 4
    assert line.period is not None and line.period.start is not None


@pytest.mark.parametrize("path", FULL, ids=_id)
def test_embedded_attachments_are_the_decoded_bytes(path: Path) -> None:
    tree, invoice = _extract(path)
    objects = tree.xpath(
        "//cbc:EmbeddedDocumentBinaryObject | //ram:AttachmentBinaryObject", namespaces=NS
    )
    assert isinstance(objects, list)
    expected = [
        (e.get("filename"), e.get("mimeCode"), base64.b64decode("".join(str(e.text).split())))
        for e in objects
        if isinstance(e, etree._Element)
    ]
    got = [(a.filename, a.mime_code, a.content) for a in invoice.attachments if a.content]
    assert got == expected
    if XRECHNUNG in path.parents:  # (some CEN examples embed placeholder text)
        for _filename, mime, content in expected:
            if mime == "application/pdf":
                assert content.startswith(b"%PDF")


def test_extension_sub_lines_are_nested() -> None:
    path = XRECHNUNG / "business-cases" / "extension" / "04.01a-INVOICE_ubl.xml"
    tree, invoice = _extract(path)
    count = tree.xpath("count(//cac:SubInvoiceLine)", namespaces=NS)
    top = tree.xpath("count(/*/cac:InvoiceLine)", namespaces=NS)
    subs = sum(1 for _ in _all_lines(invoice.lines)) - len(invoice.lines)
    assert subs == count > 0
    assert len(invoice.lines) == top


def test_credit_note_reads_credited_quantities() -> None:
    path = XRECHNUNG / "xrechnung-visualization-instances" / "maxRechnung_creditnote.xml"
    tree, invoice = _extract(path)
    assert _syntax(tree) is Syntax.UBL_CREDIT_NOTE
    assert invoice.type_code == "381"
    quantities = tree.xpath("/*/cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS)
    assert isinstance(quantities, list)
    assert [ln.quantity for ln in invoice.lines] == [
        Decimal(str(q.text).strip()) for q in quantities if isinstance(q, etree._Element)
    ]
    assert all(ln.unit for ln in invoice.lines)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("wrong-date-with-text-uncefact.xml", "Dies ist kein Datum"),
        ("wrong-date-with-zeros-uncefact.xml", "00000000"),
    ],
)
def test_unreadable_issue_date_is_noted_not_fatal(name: str, raw: str) -> None:
    _, invoice = _extract(XRECHNUNG / "xrechnung-visualization-instances" / name)
    assert invoice.issue_date is None
    assert invoice.number
    assert any(n.startswith("BT-2:") and raw in n for n in invoice.extraction_notes)


def test_dates_with_time_zone_are_read() -> None:
    path = XRECHNUNG / "kosit-validator-config-instances" / "ubl-br-dex-09-prepaidpayment.xml"
    _, invoice = _extract(path)
    assert invoice.issue_date is not None and invoice.issue_date.isoformat() == "2016-04-04"
    assert invoice.extraction_notes == ()


def test_records_are_frozen() -> None:
    _, invoice = _extract(FULL[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        invoice.number = "x"  # type: ignore[misc]


def test_every_field_names_its_business_term() -> None:
    from services.einvoice.extraction import data

    classes = [
        obj
        for obj in vars(data).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj is not data.Identifier
    ]
    assert len(classes) >= 15
    for cls in classes:
        for f in dataclasses.fields(cls):
            if f.name == "extraction_notes":
                continue
            assert "bt" in f.metadata and f.metadata["de"], f"{cls.__name__}.{f.name}"


# ZUGFeRD 1.0 ("v1-*") predates EN 16931; recognition refuses it, so nothing is extracted
ZUGFERD_VALID = sorted(p for p in (ZUGFERD / "valid").glob("*.pdf") if not p.name.startswith("v1-"))


@pytest.mark.parametrize("path", ZUGFERD_VALID, ids=lambda p: p.name)
def test_zugferd_hybrids_extract_from_the_embedded_xml(path: Path) -> None:
    hybrid = find_embedded_invoice(path.read_bytes())
    assert hybrid is not None
    tree = parse_invoice_xml(hybrid.xml)
    recognition = recognize(tree, hybrid_profile=hybrid.profile)
    assert recognition.syntax is Syntax.CII
    invoice = extract_invoice(tree, recognition.syntax)
    totals = TOTALS_XPATH["cii"]
    assert invoice.totals.payable == _decimal(tree, totals["payable"])
    assert invoice.totals.tax_inclusive == _decimal(tree, totals["tax_inclusive"])
    assert invoice.number == _string(tree, HEADER_XPATH["cii"]["number"])
    assert invoice.type_code == _string(tree, HEADER_XPATH["cii"]["type_code"])
    assert invoice.seller is not None and invoice.seller.name
    if recognition.profile not in ("MINIMUM", "BASIC WL"):
        assert invoice.lines
