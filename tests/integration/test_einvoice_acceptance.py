"""Verdicts as the official KoSIT validator for XRechnung 3.0.2 gives them.

Two gaps are closed here (issue 14): an invoice whose BT-24 matches none of the
configuration's scenarios (an XRechnung 2.x identifier, a typo, a trailing blank, a
Peppol identifier) is rejected unchecked, and BR-CO-25 (a positive amount due needs a
due date or payment terms) is checked although CEN's current release 1.3.16 dropped it:
KoSIT's configuration pins CEN 1.3.15, which has it.

The documents are official instances from ../shared/testdata (read in place), some
changed in memory by the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from services.einvoice.acceptance import DEFAULT_ACCEPTED
from services.einvoice.analysis import check_file
from services.einvoice.cen_br_co_25 import br_co_25_findings
from services.einvoice.model import Syntax, ValidationReport
from services.einvoice.recognize import XRECHNUNG_3, XRECHNUNG_3_EXTENSION
from services.einvoice.validate import validate_invoice
from services.settings import EInvoiceSettings

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
XR = TESTDATA / "xrechnung-testsuite"
STANDARD = XR / "business-cases" / "standard"
UBL = STANDARD / "01.01a-INVOICE_ubl.xml"
CII = STANDARD / "01.01a-INVOICE_uncefact.xml"
CREDIT_NOTE = XR / "xrechnung-visualization-instances" / "maxRechnung_creditnote.xml"
EN = TESTDATA / "en16931-examples"

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
UBL_BT24 = "cbc:CustomizationID"
CII_BT24 = "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
XRECHNUNG_2_3 = "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.3"
ACCEPTED = EInvoiceSettings().accepted_customization_ids


def _tree(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


def _with_bt24(path: Path, where: str, value: str | None) -> bytes:
    tree = _tree(path)
    node = tree.getroot().find(where, NS)
    assert node is not None
    if value is None:
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    else:
        node.text = value
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _without(path: Path, *paths: str) -> bytes:
    tree = _tree(path)
    for xpath in paths:
        found = tree.getroot().xpath(xpath, namespaces=NS)
        assert isinstance(found, list) and found, xpath
        for node in found:
            assert isinstance(node, etree._Element)
            parent = node.getparent()
            assert parent is not None
            parent.remove(node)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _validate(xml: bytes) -> ValidationReport:
    return validate_invoice(xml, accepted_customizations=ACCEPTED)


# --- BT-24: exactly an identifier the configuration has a scenario for ---------------

NOT_ACCEPTED = {
    "xrechnung-2.3": XRECHNUNG_2_3,
    "trailing-blank": f"{XRECHNUNG_3} ",
    "leading-blank": f" {XRECHNUNG_3}",
    "typo": XRECHNUNG_3.replace("xrechnung_3.0", "xrechung_3.0"),
    "next-version": XRECHNUNG_3.replace("3.0", "3.1"),
    "peppol-bis": "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
}


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("case", sorted(NOT_ACCEPTED))
def test_a_bt24_without_scenario_is_rejected_unchecked(syntax: str, case: str) -> None:
    found = NOT_ACCEPTED[case]
    path, where = (UBL, UBL_BT24) if syntax == "ubl" else (CII, CII_BT24)
    report = _validate(_with_bt24(path, where, found))
    assert not report.valid
    assert [f.rule for f in report.findings] == ["SPECIFICATION"]
    (finding,) = report.findings
    assert repr(found) in finding.message_de and repr(found) in finding.message_en
    assert "Angenommen werden:" in finding.message_de
    assert repr(XRECHNUNG_3) in finding.message_de
    assert report.recognition is not None and report.recognition.customization_id == found


@pytest.mark.parametrize("path,where", [(UBL, UBL_BT24), (CII, CII_BT24)])
def test_an_invoice_without_bt24_is_rejected(path: Path, where: str) -> None:
    report = _validate(_with_bt24(path, where, None))
    assert [f.rule for f in report.errors] == ["SPECIFICATION"]
    assert "keine Spezifikationskennung (BT-24)" in report.errors[0].message_de


def test_kosit_instance_without_customization_id_matches_no_scenario() -> None:
    """ubl006: "No scenario matches without CustomizationID" (assertions.xml: reject)."""
    xml = (XR / "kosit-validator-config-instances" / "ubl006.xml").read_bytes()
    assert [f.rule for f in _validate(xml).errors] == ["SPECIFICATION"]


def test_the_unchanged_instances_pass_with_the_default_list() -> None:
    assert _validate(UBL.read_bytes()).valid
    assert _validate(CII.read_bytes()).valid


def test_the_default_list_holds_every_identifier_of_the_official_suite() -> None:
    """All 86 suite instances are valid in the official configuration: their BT-24 too."""
    found = set()
    for path in (XR / "business-cases").rglob("*.xml"):
        found.add(_bt24(path))
    for path in (XR / "technical-cases").rglob("*.xml"):
        found.add(_bt24(path))
    assert len(found) == 3  # CIUS, Extension, CVD 0.9
    assert found <= set(DEFAULT_ACCEPTED)
    assert XRECHNUNG_2_3 not in DEFAULT_ACCEPTED
    assert not [a for a in DEFAULT_ACCEPTED if a != a.strip()]


def _bt24(path: Path) -> str:
    root = _tree(path).getroot()
    node = root.find(UBL_BT24, NS)
    if node is None:
        node = root.find(CII_BT24, NS)
    assert node is not None and node.text is not None
    return node.text


EN_FULL = sorted(
    str(p.relative_to(EN))
    for folder in ("examples/ubl", "examples/cii", "testfiles")
    for p in (EN / folder).iterdir()
    if p.suffix.lower() == ".xml"
)


@pytest.mark.parametrize("name", EN_FULL)
def test_en16931_example_verdict_follows_its_scenario(name: str) -> None:
    """Plain EN 16931 (urn:cen.eu:en16931:2017) has scenarios; Peppol and ZUGFeRD 1.0 not."""
    report = _validate((EN / name).read_bytes())
    if _bt24(EN / name) in ACCEPTED:
        assert report.valid, [(f.rule, f.message_en) for f in report.errors]
    else:
        assert [f.rule for f in report.findings] == ["SPECIFICATION"]


def test_an_extension_credit_note_matches_no_scenario() -> None:
    """The official configuration has Extension scenarios for UBL Invoice and CII only."""
    assert _validate(CREDIT_NOTE.read_bytes()).valid
    report = _validate(_with_bt24(CREDIT_NOTE, UBL_BT24, XRECHNUNG_3_EXTENSION))
    assert [f.rule for f in report.findings] == ["SPECIFICATION"]
    assert "UBL-Gutschrift" in report.findings[0].message_de


def test_a_configured_older_identifier_is_checked_again() -> None:
    """With 2.3 in the list, the invoice is checked against EN 16931 with a warning."""
    xml = _with_bt24(UBL, UBL_BT24, XRECHNUNG_2_3)
    report = validate_invoice(xml, accepted_customizations=[*ACCEPTED, XRECHNUNG_2_3])
    assert report.valid
    assert "XRECHNUNG-VERSION" in {f.rule for f in report.warnings}


def test_the_settings_reach_the_verdict(tmp_path: Path) -> None:
    xml = _with_bt24(UBL, UBL_BT24, f"{XRECHNUNG_3} ")
    default = check_file(xml, "application/xml", EInvoiceSettings())
    assert [f.rule for f in default.report.errors] == ["SPECIFICATION"]
    widened = EInvoiceSettings(accepted_customization_ids=[f"{XRECHNUNG_3} "])
    assert check_file(xml, "application/xml", widened).report.valid


# --- BR-CO-25: a positive amount due needs BT-9 or BT-20 -----------------------------


def test_ubl_invoice_with_amount_due_but_no_due_date_or_terms_is_rejected() -> None:
    # 01.01a has payment terms (BT-20) and no due date (BT-9); without the terms it has neither.
    report = _validate(_without(UBL, "//cbc:DueDate | cac:PaymentTerms"))
    assert [f.rule for f in report.errors] == ["BR-CO-25"]
    finding = report.errors[0]
    assert finding.message_en.startswith("[BR-CO-25]-In case the Amount due for payment")
    assert "Fälligkeitsdatum (BT-9)" in finding.message_de
    assert finding.location == "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount[1]"


def test_cii_invoice_with_amount_due_but_no_due_date_or_terms_is_rejected() -> None:
    xml = _without(CII, "//ram:SpecifiedTradePaymentTerms")
    assert [f.rule for f in _validate(xml).errors] == ["BR-CO-25"]


def test_plain_en16931_ubl_example_without_terms_is_rejected() -> None:
    path = EN / "examples" / "ubl" / "ubl-tc434-example1.xml"
    assert _validate(path.read_bytes()).valid
    xml = _without(path, "//cbc:DueDate | //cac:PaymentTerms")
    assert [f.rule for f in _validate(xml).errors] == ["BR-CO-25"]


def test_a_due_date_alone_or_terms_alone_satisfy_br_co_25() -> None:
    assert not br_co_25_findings(_tree(UBL), Syntax.UBL_INVOICE)  # terms, no due date
    terms_only = etree.fromstring(_without(UBL, "cac:PaymentTerms"))
    due = etree.SubElement(terms_only, f"{{{NS['cbc']}}}DueDate")
    due.text = "2026-09-30"
    assert not br_co_25_findings(terms_only, Syntax.UBL_INVOICE)


@pytest.mark.parametrize("amount", ["0", "0.00", "-12.50"])
def test_an_amount_due_not_positive_needs_no_terms(amount: str) -> None:
    root = etree.fromstring(_without(UBL, "//cbc:DueDate | cac:PaymentTerms"))
    payable = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
    assert payable is not None
    payable.text = amount
    assert not br_co_25_findings(root, Syntax.UBL_INVOICE)
    payable.text = "0.01"
    assert [f.rule for f in br_co_25_findings(root, Syntax.UBL_INVOICE)] == ["BR-CO-25"]


def test_ubl_credit_note_is_outside_br_co_25_as_in_cen() -> None:
    """CEN 1.3.15 checks BR-CO-25 in the context /ubl:Invoice only, not /cn:CreditNote."""
    root = etree.fromstring(_without(CREDIT_NOTE, "//cbc:PaymentDueDate | //cac:PaymentTerms"))
    assert not br_co_25_findings(root, Syntax.UBL_CREDIT_NOTE)
