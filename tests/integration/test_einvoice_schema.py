"""XML Schema validation over every instance of the test data, with the packaged schemas.

Expected verdicts come from the SOURCES.md files: full documents of the XRechnung test
suite and the EN 16931 examples are schema-valid, ``ubl005.xml`` is the KoSIT instance
that is "XSD invalid", and the EN 16931 unit fragments are "none of them XSD-valid".
"""

from __future__ import annotations

import copy
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from services.einvoice.model import Severity, Syntax
from services.einvoice.recognize import recognize
from services.einvoice.safe_xml import parse_invoice_xml
from services.einvoice.schema import kosit_cii_xsd, schema_findings, schema_path
from services.errors import ConfigurationError

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
XRECHNUNG = TESTDATA / "xrechnung-testsuite"
EN16931 = TESTDATA / "en16931-examples"
ZUGFERD = TESTDATA / "zugferd"
D16B_UNCOUPLED = (
    TESTDATA
    / "einvoice-xsd/cii-d16b/uncoupled/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd"
)
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


def table_rows(path: Path) -> list[dict[str, str]]:
    """Rows of all tables in a SOURCES.md, keyed by their header cells."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: "):
            rows.append(dict(zip(header, cells, strict=False)))
    return rows


def findings_for(path: Path, *, cii_xsd: Path | None = None) -> list[str]:
    tree = parse_invoice_xml(path.read_bytes())
    return [f.message_en for f in schema_findings(tree, recognize(tree), cii_xsd=cii_xsd)]


def full_documents() -> list[Path]:
    """Every complete invoice of the test data that SOURCES.md does not call XSD-invalid."""
    kosit = {
        row["file"]: row
        for row in table_rows(XRECHNUNG / "SOURCES.md")
        if "expected (from assertions.xml)" in row
    }
    documents = sorted((XRECHNUNG / "business-cases").rglob("*.xml"))
    documents += sorted((XRECHNUNG / "technical-cases").rglob("*.xml"))
    documents += sorted((XRECHNUNG / "xrechnung-schematron-unit").rglob("*.xml"))
    documents += sorted((XRECHNUNG / "xrechnung-visualization-instances").glob("*.xml"))
    for name, row in kosit.items():
        expected = row["expected (from assertions.xml)"]
        if "XSD invalid" in expected or "not well-formed" in expected or "not XML" in row["syntax"]:
            continue
        documents.append(XRECHNUNG / "kosit-validator-config-instances" / name)
    documents += sorted((EN16931 / "examples").rglob("*.xml"))
    documents += sorted((EN16931 / "testfiles").glob("*.xml"))
    return documents


def test_every_full_document_is_schema_valid() -> None:
    documents = full_documents()
    assert len(documents) >= 190
    syntaxes = set()
    for path in documents:
        tree = parse_invoice_xml(path.read_bytes())
        recognition = recognize(tree)
        syntaxes.add(recognition.syntax)
        assert schema_findings(tree, recognition) == [], path
    assert syntaxes == set(Syntax)


def test_the_xsd_invalid_kosit_instance_fails_with_line_and_location() -> None:
    invalid = [
        row["file"]
        for row in table_rows(XRECHNUNG / "SOURCES.md")
        if "XSD invalid" in row.get("expected (from assertions.xml)", "")
    ]
    assert invalid == ["ubl005.xml"]
    tree = parse_invoice_xml(
        (XRECHNUNG / "kosit-validator-config-instances" / invalid[0]).read_bytes()
    )
    findings = schema_findings(tree, recognize(tree))
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.severity, finding.source) == ("XSD", Severity.FATAL, "schema")
    # IssueDate was removed, so the schema stumbles over the DueDate in its place.
    due_date_line = tree.xpath("//*[local-name()='DueDate']")[0].sourceline
    assert f"line {due_date_line}:" in finding.message_en
    assert "cbc:DueDate" in finding.message_en and "cbc:IssueDate" in finding.message_en
    assert finding.location == "/*/cbc:DueDate"
    assert "Zeile" in finding.message_de


def test_the_unit_fragments_are_not_schema_valid() -> None:
    sources = (EN16931 / "SOURCES.md").read_text(encoding="utf-8")
    assert "none of them is XSD-valid" in sources
    fragments = sorted((EN16931 / "unit-extracted").glob("*.xml"))
    assert len(fragments) == 46
    for path in fragments:
        assert f"`{path.name}`" in sources
        assert findings_for(path), path.name


def test_many_errors_are_capped() -> None:
    path = XRECHNUNG / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml"
    tree = parse_invoice_xml(path.read_bytes())
    root = tree.getroot()
    for _ in range(80):
        root.append(etree.Element("{urn:example}Unexpected"))
    findings = schema_findings(tree, recognize(tree))
    assert len(findings) <= 51
    assert all(f.severity is Severity.FATAL and f.rule == "XSD" for f in findings)


def embedded_xml(pdf: Path) -> bytes:
    with pikepdf.open(pdf) as document:
        for name, attached in document.attachments.items():
            if name.lower().endswith(".xml"):
                return bytes(attached.get_file().read_bytes())
    raise AssertionError(f"{pdf} has no embedded XML")


def test_zugferd_2_and_factur_x_invoices_are_schema_valid() -> None:
    rows = [
        row
        for row in table_rows(ZUGFERD / "SOURCES.md")
        if row.get("file", "").startswith("valid/")
    ]
    assert len(rows) == 19
    checked = 0
    for row in rows:
        if "ZUGFeRD 1.0" in row["profile"] or row["file"].startswith("valid/v1-"):
            continue  # CrossIndustryDocument, not CII D16B: refused by recognition
        tree = parse_invoice_xml(embedded_xml(ZUGFERD / row["file"]))
        assert schema_findings(tree, recognize(tree)) == [], row["file"]
        checked += 1
    assert checked == 17


def test_an_invalid_zugferd_invoice_fails_the_schema() -> None:
    # Mustang's 507a puts BuyerReference into no namespace: a schema error in any CII schema.
    pdf = ZUGFERD / "invalid" / "Mustangproject-MustangGnuaccountingBeispielRE-20190610_507a.pdf"
    tree = parse_invoice_xml(embedded_xml(pdf))
    findings = schema_findings(tree, recognize(tree))
    assert findings
    assert "'BuyerReference'" in findings[0].message_en


# --- the choice of the CII schema ----------------------------------------------------------


def cii_variant(change: str) -> etree._ElementTree:
    path = XRECHNUNG / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml"
    tree = copy.deepcopy(parse_invoice_xml(path.read_bytes()))
    ns = {"ram": RAM, "rsm": RSM}
    if change == "language":
        # D16B allows ExchangedDocument/LanguageID; EN 16931 does not use it (CII-SR warning).
        issued = tree.xpath("//rsm:ExchangedDocument/ram:IssueDateTime", namespaces=ns)[0]
        language = etree.Element(f"{{{RAM}}}LanguageID")
        language.text = "de"
        issued.addnext(language)
    elif change == "two preceding invoices":
        settlement = tree.xpath("//ram:ApplicableHeaderTradeSettlement", namespaces=ns)[0]
        anchor = settlement.find(f"{{{RAM}}}SpecifiedTradeSettlementHeaderMonetarySummation")
        for number in ("R-1", "R-2"):
            reference = etree.Element(f"{{{RAM}}}InvoiceReferencedDocument")
            etree.SubElement(reference, f"{{{RAM}}}IssuerAssignedID").text = number
            anchor.addnext(reference)
            anchor = reference
    return tree


def test_packaged_cii_schema_accepts_what_d16b_accepts() -> None:
    tree = cii_variant("language")
    recognition = recognize(tree)
    assert schema_findings(tree, recognition) == []
    assert schema_findings(tree, recognition, cii_xsd=D16B_UNCOUPLED) == []
    # ... where the Factur-X EN16931 profile schema would wrongly reject the invoice.
    facturx_en16931 = (
        schema_path(Syntax.CII).parents[1] / "facturx-en16931" / "Factur-X_EN16931.xsd"
    )
    assert schema_findings(tree, recognition, cii_xsd=facturx_en16931)


def test_known_difference_d22b_relaxes_some_d16b_cardinalities() -> None:
    # Documented in services/einvoice/schema.py: D16B allows one InvoiceReferencedDocument
    # per settlement; the packaged D22B allows several.  With the KoSIT schema the
    # difference disappears.
    tree = cii_variant("two preceding invoices")
    recognition = recognize(tree)
    assert schema_findings(tree, recognition) == []
    assert schema_findings(tree, recognition, cii_xsd=D16B_UNCOUPLED)


def test_every_cii_document_is_valid_against_d16b_too() -> None:
    cii = [p for p in full_documents() if b"CrossIndustryInvoice" in p.read_bytes()[:2000]]
    assert len(cii) >= 59
    for path in cii:
        assert findings_for(path, cii_xsd=D16B_UNCOUPLED) == [], path


def test_kosit_cii_xsd_is_found_in_a_configuration(tmp_path: Path) -> None:
    assert kosit_cii_xsd(tmp_path) is None
    target = tmp_path / "resources" / "cii" / "16b" / "xsd" / "CrossIndustryInvoice_100pD16B.xsd"
    target.parent.mkdir(parents=True)
    target.write_text("<x/>", encoding="utf-8")
    assert kosit_cii_xsd(tmp_path) == target


def test_a_missing_schema_is_a_configuration_error(tmp_path: Path) -> None:
    tree = parse_invoice_xml(
        (XRECHNUNG / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml").read_bytes()
    )
    with pytest.raises(ConfigurationError, match="does not exist"):
        schema_findings(tree, recognize(tree), cii_xsd=tmp_path / "missing.xsd")
    broken = tmp_path / "broken.xsd"
    broken.write_text("<not-a-schema/>", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot load"):
        schema_findings(tree, recognize(tree), cii_xsd=broken)
