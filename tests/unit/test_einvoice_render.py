"""German HTML and PDF renditions: complete, escaped, with the validation result."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from lxml import html

from services.einvoice.extract import Identifier, InvoiceData, extract_invoice
from services.einvoice.extraction.data import bt_of
from services.einvoice.model import Finding, Recognition, Severity, Syntax, ValidationReport
from services.einvoice.recognize import recognize
from services.einvoice.render import build_view, render_html, render_pdf
from services.einvoice.rendering.pdf import find_font_dir
from services.einvoice.rendering.view import format_decimal, format_value
from services.einvoice.safe_xml import parse_invoice_xml
from services.errors import ConfigurationError

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
XRECHNUNG = TESTDATA / "xrechnung-testsuite"
EN16931 = TESTDATA / "en16931-examples"
COMPREHENSIVE_UBL = XRECHNUNG / "technical-cases" / "cius" / "01.01_comprehensive_test_ubl.xml"
COMPREHENSIVE_CII = XRECHNUNG / "technical-cases" / "cius" / "01.01_comprehensive_test_uncefact.xml"
EXTENSION = XRECHNUNG / "business-cases" / "extension" / "04.01a-INVOICE_ubl.xml"
CREDIT_NOTE = XRECHNUNG / "xrechnung-visualization-instances" / "maxRechnung_creditnote.xml"
WRONG_DATE = XRECHNUNG / "xrechnung-visualization-instances" / "wrong-date-with-text-uncefact.xml"


def _extract(path: Path) -> InvoiceData:
    tree = parse_invoice_xml(path.read_bytes())
    return extract_invoice(tree, recognize(tree).syntax)


def _documents() -> list[Path]:
    paths = sorted((XRECHNUNG / "business-cases").rglob("*.xml"))
    paths += sorted((XRECHNUNG / "technical-cases").rglob("*.xml"))
    paths += sorted((XRECHNUNG / "xrechnung-visualization-instances").glob("*.xml"))
    paths += sorted((EN16931 / "examples").rglob("*.xml"))
    paths += sorted((EN16931 / "testfiles").glob("*.xml"))
    return paths


def _leaves(obj: Any, role: str | None = None) -> Iterator[tuple[str, str, Any]]:
    """(term id, field name, value) of every present value in the record, recursively."""
    for f in dataclasses.fields(obj):
        if "bt" not in f.metadata:
            continue
        value = getattr(obj, f.name)
        if value is None or value == "" or value == ():
            continue
        inner = f.metadata.get("role") or role
        items = value if isinstance(value, tuple) else (value,)
        if dataclasses.is_dataclass(items[0]) and not isinstance(items[0], Identifier):
            for item in items:
                item_role = inner
                if hasattr(item, "charge"):
                    kind = "charge" if item.charge else "allowance"
                    item_role = f"line-{kind}" if inner == "line" else kind
                yield from _leaves(item, item_role)
        else:
            yield bt_of(f.metadata, role), f.name, value


def _text(document: str) -> str:
    """The visible text of the body, one space between the pieces of text of each element."""
    return " ".join(" ".join(html.fromstring(document).body.itertext()).split())


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_html_shows_every_extracted_term_with_its_id(path: Path) -> None:
    invoice = _extract(path)
    page = render_html(invoice)
    text = _text(page)
    leaves = list(_leaves(invoice))
    assert len(leaves) >= 10
    for bt, name, value in leaves:
        assert bt in text, (bt, name)
        shown = " ".join(format_value(name, value).split())
        assert shown in text, (bt, name, shown)
    if invoice.totals.payable is not None:
        assert format_decimal(invoice.totals.payable, 2) in text


def test_comprehensive_html_sections_and_values() -> None:
    page = render_html(_extract(COMPREHENSIVE_UBL))
    text = _text(page)
    doc = html.fromstring(page)
    assert doc.get("lang") == "de"
    headings = [" ".join(h.text_content().split()) for h in doc.iter("h2")]
    for expected in (
        "Rechnungsdaten",
        "Verkäufer BG-4",
        "Käufer BG-7",
        "Rechnungspositionen BG-25",
        "Aufschlüsselung der Umsatzsteuer BG-23",
        "Gesamtbeträge BG-22",
        "Zahlungsinformationen BG-16",
        "Rechnungsbegründende Unterlagen BG-24",
    ):
        assert expected in headings
    for expected in (
        "BT-115 Fälliger Zahlungsbetrag 12.829,69 EUR",
        "BT-111 Umsatzsteuer gesamt in Abrechnungswährung 2.048,44 GBP",
        "BT-44 Name [Buyer trading name]",
        "BT-31 Umsatzsteuer-Identifikationsnummer ATU123456789",
        "DE79000000001234567890",
        "58 (SEPA-Überweisung)",
        "S (Normalsatz)",
        "01_15_Anhang_01.pdf",
        "150.128 Bytes eingebettet",
        "158,125 EUR",
        "4.743,75 EUR",
    ):
        assert expected in text, expected
    assert "Prüfergebnis" not in text
    assert "<script" not in page.lower() and "http-equiv" not in page.lower()


def test_sub_lines_are_indented_rows() -> None:
    page = render_html(_extract(EXTENSION))
    doc = html.fromstring(page)
    assert doc.xpath("//tr[@class='level-1']")
    assert doc.xpath("//tr[@class='level-2']")


def test_extraction_notes_are_shown() -> None:
    text = _text(render_html(_extract(WRONG_DATE)))
    assert "Hinweise zum Auslesen" in text
    assert "Dies ist kein Datum" in text


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'


def test_supplier_text_is_escaped() -> None:
    invoice = _extract(COMPREHENSIVE_CII)
    assert invoice.seller is not None and invoice.lines
    hostile = dataclasses.replace(
        invoice,
        number=HOSTILE,
        seller=dataclasses.replace(invoice.seller, name=HOSTILE),
        lines=(dataclasses.replace(invoice.lines[0], name=HOSTILE), *invoice.lines[1:]),
    )
    report = ValidationReport.from_findings(
        None, [Finding("BR-01", Severity.FATAL, HOSTILE, HOSTILE, HOSTILE, "en16931")]
    )
    page = render_html(hostile, report)
    doc = html.fromstring(page)
    assert not doc.xpath("//script | //img | //*[@onerror]")
    assert "&lt;script&gt;" in page
    assert _text(page).count(" ".join(HOSTILE.split())) >= 5  # number x2, seller, line, finding


def _report() -> ValidationReport:
    return ValidationReport.from_findings(
        Recognition(
            Syntax.UBL_INVOICE,
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            "xrechnung-3.0",
            None,
        ),
        [
            Finding(
                "BR-DE-15",
                Severity.FATAL,
                "The element 'Buyer reference' (BT-10) must be transmitted.",
                "Das Element „Käuferreferenz“ (BT-10) muss übermittelt werden.",
                "/ubl:Invoice[1]",
                "xrechnung",
            ),
            Finding(
                "BR-DE-21",
                Severity.WARNING,
                "Specification identifier should be XRechnung 3.0.",
                "Die Spezifikationskennung soll XRechnung 3.0 lauten.",
                "/ubl:Invoice[1]/cbc:CustomizationID[1]",
                "xrechnung",
            ),
        ],
    )


def test_validation_result_with_rule_ids() -> None:
    invoice = _extract(COMPREHENSIVE_UBL)
    page = render_html(invoice, _report())
    text = _text(page)
    assert "Die Rechnung ist ungültig." in text
    assert "Fehler (1) Regel Schwere Meldung Fundstelle BR-DE-15 fatal" in text
    assert "Das Element „Käuferreferenz“ (BT-10) muss übermittelt werden." in text
    assert "Warnungen (1)" in text and "BR-DE-21 warning" in text
    assert "/ubl:Invoice[1]/cbc:CustomizationID[1]" in text
    assert "Leitweg-ID formal gültig" in text
    # errors come before the invoice content
    assert text.index("Prüfergebnis") < text.index("Rechnungsdaten")

    valid = ValidationReport.from_findings(_report().recognition, [])
    text = _text(render_html(invoice, valid))
    assert "Die Rechnung ist gültig." in text and "Fehler (0)" in text


def test_wrong_leitweg_id_is_pointed_out() -> None:
    invoice = dataclasses.replace(_extract(COMPREHENSIVE_UBL), buyer_reference="04011000-12345-34")
    text = _text(render_html(invoice, _report()))
    assert "Keine gültige Leitweg-ID" in text and "Prüfziffer 34 ist falsch" in text


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        parts = []
        for page in pdf:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return " ".join(" ".join(parts).split())
    finally:
        pdf.close()


@pytest.mark.parametrize(
    "path", [COMPREHENSIVE_UBL, COMPREHENSIVE_CII, EXTENSION, CREDIT_NOTE, WRONG_DATE]
)
def test_pdf_has_the_same_content(path: Path) -> None:
    invoice = _extract(path)
    data = render_pdf(invoice, _report())
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    assert "Prüfergebnis" in text and "BR-DE-15" in text and "BR-DE-21" in text
    assert "Käuferreferenz" in text
    for bt, name, _value in _leaves(invoice):
        if name in ("content",):
            continue
        assert bt in text, bt
    if invoice.totals.payable is not None:
        assert format_decimal(invoice.totals.payable, 2) in text
    assert invoice.number and invoice.number in text


def test_pdf_embeds_the_font_for_umlauts() -> None:
    data = render_pdf(_extract(COMPREHENSIVE_UBL))
    assert b"DejaVu" in data
    text = _pdf_text(data)
    assert "Verkäufer" in text and "Fälliger Zahlungsbetrag" in text and "Geschäftsführer" in text


def test_missing_font_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="fonts-dejavu-core"):
        find_font_dir([tmp_path])
    assert (find_font_dir() / "DejaVuSans.ttf").is_file()


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234567.5"), 2, "1.234.567,50"),
        (Decimal("-1234.5"), 2, "-1.234,50"),
        (Decimal("158.1250000000"), 2, "158,125"),
        (Decimal("0"), 2, "0,00"),
        (Decimal("0"), 0, "0"),
        (Decimal("30.00000000000"), 0, "30"),
        (Decimal("1E+3"), 0, "1.000"),
        (Decimal("0.19"), 0, "0,19"),
        (Decimal("999"), 2, "999,00"),
    ],
)
def test_german_number_format(value: Decimal, places: int, expected: str) -> None:
    assert format_decimal(value, places) == expected


def test_view_is_shared_by_html_and_pdf() -> None:
    view = build_view(_extract(COMPREHENSIVE_UBL), _report())
    assert view.title == "Handelsrechnung 1234567"
    assert view.validation is not None and not view.validation.valid
    assert [s.bt for s in view.sections][:3] == ["", "BG-4", "BG-7"]


def test_real_validation_report_of_an_invalid_instance() -> None:
    from services.einvoice.validate import validate_invoice

    path = XRECHNUNG / "kosit-validator-config-instances" / "ubl004.xml"  # BR-DE-3 per SOURCES.md
    report = validate_invoice(path.read_bytes())
    assert not report.valid
    invoice = _extract(path)
    text = _text(render_html(invoice, report))
    assert "Die Rechnung ist ungültig." in text
    for finding in report.errors:
        assert finding.rule in text
    assert "BR-DE-3" in text
    assert "BR-DE-3" in _pdf_text(render_pdf(invoice, report))
