"""The XRechnung rules against the official test data.

Expectations come from the data, never from a list typed in here:

* ``xrechnung-schematron-unit/templates`` are KoSIT's XML-Mutate unit tests of the
  XRechnung Schematron.  Each ``<?xmute?>`` instruction says which mutation of the next
  element (identity, remove, code values) must leave a rule valid or make it fire; the
  tests below carry out every such mutation (as XML-Mutate would) and check the verdict.
* ``derived-invalid`` and the KoSIT validator instances: the SOURCES.md tables name the
  rule that must fire, or whether the XRechnung step is valid.
* The XRechnung test suite's business and technical cases are all valid (SOURCES.md);
  none may raise a fatal XRechnung finding.

Where the data has no instance for a rule, a real suite file is mutated in memory and
the rule must fire on the mutant but not on the original.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from services.einvoice import xrechnung_rules
from services.einvoice.model import Recognition, Severity, Syntax
from services.einvoice.xrechnung import all_rules, applies_to, xrechnung_findings
from services.einvoice.xrechnung.formats import XR_EXTENSION_ID
from services.einvoice.xrechnung.nodes import NS

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
SUITE = TESTDATA / "xrechnung-testsuite"
SOURCES = SUITE / "SOURCES.md"
UNIT = SUITE / "xrechnung-schematron-unit"

pytestmark = pytest.mark.skipif(not SOURCES.is_file(), reason="shared test data not present")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def load(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), _PARSER)


def fired(tree: etree._ElementTree | etree._Element) -> dict[str, Severity]:
    return {f.rule: f.severity for f in xrechnung_findings(tree)}


def fatal(tree: etree._ElementTree | etree._Element) -> list[str]:
    return sorted({f.rule for f in xrechnung_findings(tree) if f.severity is Severity.FATAL})


def source_section(number: int) -> str:
    """The text of section ``## <number>.`` of the test data's SOURCES.md."""
    text = SOURCES.read_text(encoding="utf-8") if SOURCES.is_file() else ""
    parts = re.split(r"^## (?=\d+\.)", text, flags=re.MULTILINE)
    return next((p for p in parts if p.startswith(f"{number}.")), "")


def table_rows(section: str) -> list[tuple[str, list[str]]]:
    """``(first column, other columns)`` of every table row whose first cell is code."""
    rows = []
    for line in section.splitlines():
        match = _ROW.match(line.strip())
        if match:
            rows.append((match.group(1), [c.strip() for c in match.group(2).split("|")]))
    return rows


# --- the XRechnung test suite: every case is valid --------------------------------------


def valid_suite_cases() -> list[str]:
    return [name for name, cells in table_rows(source_section(1)) if cells[-1].startswith("valid")]


@pytest.mark.parametrize("name", valid_suite_cases())
def test_valid_suite_case_has_no_fatal_finding(name: str) -> None:
    assert fatal(load(SUITE / name)) == []


def test_the_suite_table_lists_every_case() -> None:
    """A case added to the data but not to the table would escape the test above."""
    on_disk = {
        str(p.relative_to(SUITE))
        for folder in ("business-cases", "technical-cases")
        for p in (SUITE / folder).rglob("*.xml")
    }
    assert on_disk and on_disk == set(valid_suite_cases())


def test_extension_cases_are_checked_with_the_extension_rules() -> None:
    """The extension cases pass because the BR-DEX rules allow what the CIUS would not."""
    tree = load(SUITE / "business-cases/extension/04.01a-INVOICE_ubl.xml")
    sub_line_amount = tree.find(".//cac:SubInvoiceLine/cbc:LineExtensionAmount", NS)
    assert sub_line_amount is not None
    sub_line_amount.text = "0.01"
    assert fired(tree).get("BR-DEX-02") is Severity.WARNING


# --- the KoSIT validator configuration's report tests -----------------------------------


def kosit_expectations() -> Iterator[tuple[str, bool, list[str]]]:
    """``(file, XRechnung step valid, rules that must fire)`` from SOURCES.md section 2."""
    for name, cells in table_rows(source_section(2)):
        expected, defect = cells[1], cells[2]
        if re.search(r"sch\.2[^;,]*?\b(ok|all valid)\b", expected):
            yield name, True, []
        elif re.search(r"sch\.2[^;,]*errors", expected):
            yield name, False, re.findall(r"\((BR-DEX?-[\w-]+)\)", defect)


@pytest.mark.parametrize(("name", "valid", "rules"), list(kosit_expectations()))
def test_kosit_instance(name: str, valid: bool, rules: list[str]) -> None:
    errors = fatal(load(SUITE / "kosit-validator-config-instances" / name))
    if valid:
        assert errors == []
    else:
        assert errors
        assert set(rules) <= set(errors)


def test_kosit_table_names_br_de_3_for_ubl004() -> None:
    """Guards the parsing above: the table's XRechnung error case must be found."""
    assert ("ubl004.xml", False, ["BR-DE-3"]) in list(kosit_expectations())


def visualization_positives() -> list[str]:
    section = source_section(3)
    listed = re.search(r"src/test/instances/\{([^}]*)\}", section)
    excluded = re.search(r"excluding `([^`]+)`", section)
    assert listed and excluded
    names = [f"{n.strip()}.xml" for n in listed.group(1).split(",")]
    return [n for n in names if not fnmatch.fnmatch(n, excluded.group(1))]


@pytest.mark.parametrize("name", visualization_positives())
def test_visualization_positive_instance(name: str) -> None:
    assert fatal(load(SUITE / "xrechnung-visualization-instances" / name)) == []


# --- the XRechnung Schematron unit tests ------------------------------------------------


def derived_cases() -> list[tuple[str, str]]:
    rows = table_rows(source_section(4))
    return [(name, cells[1].strip("`").split(":")[-1]) for name, cells in rows]


@pytest.mark.parametrize(("name", "rule"), derived_cases())
def test_derived_invalid_fires_its_rule(name: str, rule: str) -> None:
    assert rule in fired(load(UNIT / "derived-invalid" / name))


def test_every_derived_file_is_in_the_table() -> None:
    on_disk = {p.name for p in (UNIT / "derived-invalid").glob("*.xml")}
    assert on_disk and on_disk == {name for name, _ in derived_cases()}


def _next_element(pi: etree._Element) -> etree._Element:
    for sibling in pi.itersiblings():
        if isinstance(sibling.tag, str):
            return sibling
    raise AssertionError(f"no element after {pi}")


_PSEUDO_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def pseudo_attributes(pi: etree._Element) -> dict[str, str]:
    """The ``name="value"`` pairs of a PI (lxml's own parser skips names with '-')."""
    return {m[1]: m[2] or m[3] for m in _PSEUDO_ATTRIBUTE.finditer(pi.text or "")}


def _rules(value: str | None) -> list[str]:
    return [r.split(":")[-1] for r in (value or "").split()]


def xmute_cases() -> Iterator[tuple[str, Path, int, str | None, list[str], list[str]]]:
    """``(id, file, PI index, code value, must pass, must fire)`` for every mutation."""
    files = sorted((UNIT / "templates").glob("*.xml")) if UNIT.is_dir() else []
    files.append(SUITE / "kosit-validator-config-instances" / "ubl-br-dex-09-prepaidpayment.xml")
    for path in files:
        if not path.is_file():
            continue
        pis = [pi for pi in load(path).iter(etree.ProcessingInstruction) if pi.target == "xmute"]
        for index, pi in enumerate(pis):
            attributes = pseudo_attributes(pi)
            valid = _rules(attributes.get("schematron-valid"))
            invalid = _rules(attributes.get("schematron-invalid"))
            mutator = attributes.get("mutator")
            values = attributes.get("values", "").split(",") if mutator == "code" else [None]
            for value in values:
                case = f"{path.stem}:{attributes.get('id')}" + (f"={value}" if value else "")
                yield case, path, index, value, valid, invalid


@pytest.mark.parametrize(
    ("path", "index", "value", "valid", "invalid"),
    [pytest.param(*c[1:], id=c[0]) for c in xmute_cases()],
)
def test_xml_mutate_case(
    path: Path, index: int, value: str | None, valid: list[str], invalid: list[str]
) -> None:
    tree = load(path)
    pi = [p for p in tree.iter(etree.ProcessingInstruction) if p.target == "xmute"][index]
    mutator = pseudo_attributes(pi).get("mutator")
    if mutator == "remove":
        target = _next_element(pi)
        target.getparent().remove(target)
    elif mutator == "code":
        _next_element(pi).text = value
    else:
        assert mutator == "identity"
    rules = fired(tree)
    assert not set(valid) & set(rules), f"{valid} must not fire"
    assert set(invalid) <= set(rules), f"{invalid} must fire"


def test_there_are_unit_cases_for_every_br_de_rule_in_the_templates() -> None:
    named = {r for c in xmute_cases() for r in (*c[4], *c[5])}
    assert {"BR-DE-1", "BR-DE-3", "BR-DE-14", "BR-DE-25-b", "BR-DEX-09"} <= named
    assert len(list(xmute_cases())) >= 110


# --- rules without an official instance: mutants of real suite files -------------------

UBL = "xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_ubl.xml"
CII = "xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_uncefact.xml"
SKONTO_UBL = "xrechnung-testsuite/business-cases/standard/01.10a-INVOICE_ubl.xml"
SKONTO_CII = "xrechnung-testsuite/business-cases/standard/01.10a-INVOICE_uncefact.xml"
DEBIT_UBL = "xrechnung-testsuite/business-cases/standard/03.04a-INVOICE_ubl.xml"
DEBIT_CII = "xrechnung-testsuite/business-cases/standard/03.04a-INVOICE_uncefact.xml"
ATTACHED = "xrechnung-testsuite/business-cases/standard/02.03a-INVOICE_ubl.xml"
LINKED = "xrechnung-testsuite/business-cases/standard/03.03a-INVOICE_ubl.xml"
EXT_UBL = "xrechnung-testsuite/business-cases/extension/04.01a-INVOICE_ubl.xml"
EXT_CII = "xrechnung-testsuite/business-cases/extension/04.05a-INVOICE_uncefact.xml"
THIRD_PARTY = "xrechnung-testsuite/business-cases/extension/05.01a-INVOICE_ubl.xml"
CVD_UBL = "xrechnung-testsuite/technical-cases/cvd/02.01a-cvd_INVOICE_ubl.xml"
CVD_CII = "xrechnung-testsuite/technical-cases/cvd/02.01a-cvd_INVOICE_uncefact.xml"

_HEAD = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
_SETTLE = f"{_HEAD}/ram:ApplicableHeaderTradeSettlement"
_SELLER = f"{_HEAD}/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
_GUIDELINE = "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
_NOTE = "/ubl:Invoice/cac:PaymentTerms/cbc:Note"
_CVD_CODE = "//cbc:ItemClassificationCode[@listID='CVD']"

F, W, INFO = Severity.FATAL, Severity.WARNING, Severity.INFORMATION
Op = tuple[str, str, str]
# (id, file, operations (xpath, action, value), {rule: severity}; None = must not fire)
MUTANTS: list[tuple[str, str, list[Op], dict[str, Severity | None]]] = [
    (
        "skonto-lowercase",
        SKONTO_UBL,
        [(_NOTE, "text", "#skonto#TAGE=7#PROZENT=2.00#\n")],
        {"BR-DE-18": F},
    ),
    (
        "skonto-one-decimal",
        SKONTO_UBL,
        [(_NOTE, "text", "#SKONTO#TAGE=7#PROZENT=2.0#\n")],
        {"BR-DE-18": F},
    ),
    (
        "skonto-no-break",
        SKONTO_UBL,
        [(_NOTE, "text", "#SKONTO#TAGE=7#PROZENT=2.00#")],
        {"BR-DE-18": F},
    ),
    (
        "skonto-text-after",
        SKONTO_UBL,
        [(_NOTE, "text", "#SKONTO#TAGE=7#PROZENT=2.00# bis\n")],
        {"BR-DE-18": F},
    ),
    (
        "skonto-base-amount",
        SKONTO_UBL,
        [(_NOTE, "text", "#SKONTO#TAGE=7#PROZENT=2.00#BASISBETRAG=-12.50#\nZahlbar sofort")],
        {"BR-DE-18": None},
    ),
    (
        "skonto-cii-comma",
        SKONTO_CII,
        [
            (
                f"{_SETTLE}/ram:SpecifiedTradePaymentTerms/ram:Description",
                "text",
                "#SKONTO#TAGE=7#PROZENT=2,00#\n",
            )
        ],
        {"BR-DE-18": F},
    ),
    (
        "iban",
        UBL,
        [("//cac:PayeeFinancialAccount/cbc:ID", "text", "DE79000000001234567891")],
        {"BR-DE-19": W},
    ),
    (
        "iban-blanks",
        UBL,
        [("//cac:PayeeFinancialAccount/cbc:ID", "text", "DE79 0000 0000 1234 5678 90")],
        {"BR-DE-19": None},
    ),
    (
        "iban-cii",
        CII,
        [("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID", "text", "DE00123")],
        {"BR-DE-19": W},
    ),
    (
        "debit-iban",
        DEBIT_UBL,
        [("//cac:PayerFinancialAccount/cbc:ID", "text", "DE79000000001234567899")],
        {"BR-DE-20": W},
    ),
    (
        "debit-no-account",
        DEBIT_UBL,
        [("//cac:PayerFinancialAccount", "remove", "")],
        {"BR-DE-31": F},
    ),
    (
        "debit-no-mandate-id",
        DEBIT_UBL,
        [("//cac:PaymentMandate/cbc:ID", "remove", "")],
        {"PEPPOL-EN16931-R061": F},
    ),
    (
        "debit-no-creditor-id",
        DEBIT_UBL,
        [("//cbc:ID[@schemeID='SEPA']", "remove", "")],
        {"BR-DE-30": F},
    ),
    (
        "debit-cii-no-creditor-id",
        DEBIT_CII,
        [("//ram:CreditorReferenceID", "remove", "")],
        {"BR-DE-30": F},
    ),
    (
        "debit-cii-no-mandate",
        DEBIT_CII,
        [("//ram:DirectDebitMandateID", "remove", "")],
        {"PEPPOL-EN16931-R061": F},
    ),
    (
        "debit-as-transfer",
        DEBIT_UBL,
        [("//cbc:PaymentMeansCode", "text", "58")],
        {"BR-DE-23-a": F, "BR-DE-23-b": F},
    ),
    (
        "transfer-as-card",
        UBL,
        [("//cbc:PaymentMeansCode", "text", "48")],
        {"BR-DE-24-a": F, "BR-DE-24-b": F},
    ),
    (
        "transfer-as-debit",
        UBL,
        [("//cbc:PaymentMeansCode", "text", "59")],
        {"BR-DE-25-a": F, "BR-DE-25-b": F, "PEPPOL-EN16931-R061": F},
    ),
    (
        "specification-id",
        UBL,
        [("/ubl:Invoice/cbc:CustomizationID", "text", "urn:cen.eu:en16931:2017")],
        {"BR-DE-21": W},
    ),
    (
        "specification-id-cii",
        CII,
        [(_GUIDELINE, "text", "urn:cen.eu:en16931:2017")],
        {"BR-DE-21": W},
    ),
    (
        "corrected-invoice",
        UBL,
        [("/ubl:Invoice/cbc:InvoiceTypeCode", "text", "384")],
        {"BR-DE-26": W},
    ),
    ("type-code", UBL, [("/ubl:Invoice/cbc:InvoiceTypeCode", "text", "382")], {"BR-DE-17": W}),
    (
        "no-vat-id",
        UBL,
        [("//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", "remove", "")],
        {"BR-DE-16": F},
    ),
    (
        "no-vat-id-cii",
        CII,
        [(f"{_SELLER}/ram:SpecifiedTaxRegistration", "remove", "")],
        {"BR-DE-16": F},
    ),
    ("phone", UBL, [("//cac:Contact/cbc:Telephone", "text", "12")], {"BR-DE-27": W}),
    ("email", UBL, [("//cac:Contact/cbc:ElectronicMail", "text", "seller@email")], {"BR-DE-28": W}),
    (
        "email-cii",
        CII,
        [(f"{_SELLER}//ram:EmailURIUniversalCommunication/ram:URIID", "text", "a @b.de")],
        {"BR-DE-28": W},
    ),
    (
        "attachment-twice",
        ATTACHED,
        [
            (
                "//cac:AdditionalDocumentReference[cac:Attachment/cbc:EmbeddedDocumentBinaryObject]",
                "duplicate",
                "",
            )
        ],
        {"BR-DE-22": F},
    ),
    (
        "relative-url",
        LINKED,
        [("(//cac:ExternalReference/cbc:URI)[1]", "text", "anhang.pdf")],
        {"BR-TMP-2": W},
    ),
    (
        "no-delivery-date",
        ATTACHED,
        [
            ("//cac:InvoicePeriod", "remove", ""),
            ("//cac:Delivery/cbc:ActualDeliveryDate", "remove", ""),
        ],
        {"BR-DE-TMP-32": INFO},
    ),
    ("no-profile", UBL, [("/ubl:Invoice/cbc:ProfileID", "remove", "")], {"PEPPOL-EN16931-R001": F}),
    (
        "no-seller-endpoint",
        UBL,
        [("//cac:AccountingSupplierParty//cbc:EndpointID", "remove", "")],
        {"PEPPOL-EN16931-R020": F},
    ),
    (
        "no-buyer-endpoint",
        UBL,
        [("//cac:AccountingCustomerParty//cbc:EndpointID", "remove", "")],
        {"PEPPOL-EN16931-R010": F},
    ),
    ("empty-note", UBL, [("/ubl:Invoice/cbc:Note", "text", "  ")], {"PEPPOL-EN16931-R008": F}),
    (
        "two-tax-totals",
        UBL,
        [("/ubl:Invoice/cac:TaxTotal", "duplicate", "")],
        {"PEPPOL-EN16931-R053": F},
    ),
    (
        "line-net",
        UBL,
        [("(//cac:InvoiceLine/cbc:LineExtensionAmount)[1]", "text", "1.00")],
        {"PEPPOL-EN16931-R120": W},
    ),
    (
        "no-profile-cii",
        CII,
        [("//ram:BusinessProcessSpecifiedDocumentContextParameter", "remove", "")],
        {"PEPPOL-EN16931-R001": F},
    ),
    (
        "no-seller-endpoint-cii",
        CII,
        [(f"{_SELLER}/ram:URIUniversalCommunication", "remove", "")],
        {"PEPPOL-EN16931-R020": F},
    ),
    (
        "base-quantities-differ",
        "en16931-examples/examples/cii/CII_example5.xml",
        [],
        {"BR-TMP-3": F},
    ),
    (
        "sub-line-tax",
        EXT_UBL,
        [("//cac:SubInvoiceLine/cac:Item/cac:ClassifiedTaxCategory", "remove", "")],
        {"BR-DEX-03": F},
    ),
    (
        "ext-endpoint-scheme",
        EXT_UBL,
        [("(//cbc:EndpointID)[1]", "@schemeID", "XX")],
        {"BR-DEX-07": F},
    ),
    (
        "ext-diga-scheme",
        EXT_CII,
        [("//ram:BuyerTradeParty/ram:GlobalID", "@schemeID", "XR99")],
        {"BR-DEX-04": F},
    ),
    (
        "ext-diga-product",
        EXT_CII,
        [("//ram:SpecifiedTradeProduct/ram:GlobalID", "@schemeID", "XR9")],
        {"BR-DEX-06": F},
    ),
    (
        "cius-ignores-diga-rules",
        EXT_CII,
        [
            (
                _GUIDELINE,
                "text",
                "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            ),
            ("(//ram:GlobalID)[1]", "@schemeID", "XR99"),
        ],
        {"BR-DEX-04": None},
    ),
    (
        "ext-mime",
        ATTACHED,
        [
            ("/ubl:Invoice/cbc:CustomizationID", "text", XR_EXTENSION_ID),
            ("//cbc:EmbeddedDocumentBinaryObject", "@mimeCode", "application/zip"),
        ],
        {"BR-DEX-01": F},
    ),
    (
        "ext-mime-xml",
        ATTACHED,
        [
            ("/ubl:Invoice/cbc:CustomizationID", "text", XR_EXTENSION_ID),
            ("//cbc:EmbeddedDocumentBinaryObject", "@mimeCode", "application/xml"),
        ],
        {"BR-DEX-01": None},
    ),
    (
        "third-party-type",
        THIRD_PARTY,
        [("(//cac:PrepaidPayment/cbc:ID)[1]", "remove", "")],
        {"BR-DEX-10": F},
    ),
    (
        "third-party-digits",
        THIRD_PARTY,
        [("(//cac:PrepaidPayment/cbc:PaidAmount)[1]", "text", "19.960")],
        {"BR-DEX-13": F},
    ),
    (
        "third-party-currency",
        THIRD_PARTY,
        [("(//cac:PrepaidPayment/cbc:PaidAmount)[1]", "@currencyID", "USD")],
        {"BR-DEX-14": F},
    ),
    (
        "third-party-sum",
        THIRD_PARTY,
        [("//cac:LegalMonetaryTotal/cbc:PayableAmount", "text", "1.00")],
        {"BR-DEX-09": F},
    ),
    (
        "cvd-contract",
        CVD_UBL,
        [("/ubl:Invoice/cac:ContractDocumentReference", "remove", "")],
        {"BR-DE-CVD-01": F},
    ),
    (
        "cvd-tender",
        CVD_UBL,
        [("/ubl:Invoice/cac:OriginatorDocumentReference", "remove", "")],
        {"BR-DE-CVD-02": F},
    ),
    ("cvd-category", CVD_UBL, [(_CVD_CODE, "text", "X9")], {"BR-DE-CVD-04": F}),
    (
        "cvd-attribute",
        CVD_UBL,
        [("//cac:AdditionalItemProperty[cbc:Name='cva']/cbc:Value", "text", "diesel")],
        {"BR-DE-CVD-05": F},
    ),
    (
        "cvd-scheme",
        CVD_UBL,
        [(_CVD_CODE, "@listID", "QQ")],
        {"BR-TMP-CVD-01": F, "BR-DE-CVD-03": F, "BR-DE-CVD-06-b": F},
    ),
    (
        "cvd-contract-cii",
        CVD_CII,
        [("//ram:ContractReferencedDocument", "remove", "")],
        {"BR-DE-CVD-01": F},
    ),
    (
        "cvd-category-cii",
        CVD_CII,
        [("//ram:ClassCode[@listID='CVD']", "text", "Z1")],
        {"BR-DE-CVD-04": F},
    ),
]


def mutate(tree: etree._ElementTree, operations: list[Op]) -> None:
    for xpath, action, value in operations:
        nodes = tree.xpath(xpath, namespaces=NS)
        assert nodes, f"{xpath} matches nothing"
        for node in nodes:
            if action == "remove":
                node.getparent().remove(node)
            elif action == "text":
                node.text = value
            elif action == "duplicate":
                node.addnext(copy.deepcopy(node))
            else:
                node.set(action.lstrip("@"), value)


@pytest.mark.parametrize(
    ("name", "operations", "expected"),
    [pytest.param(m[1], m[2], m[3], id=m[0]) for m in MUTANTS],
)
def test_mutant(name: str, operations: list[Op], expected: dict[str, Severity | None]) -> None:
    tree = load(TESTDATA / name)
    if operations:
        before = fired(tree)
        assert not {r for r, s in expected.items() if s} & set(before), "fires without mutation"
        mutate(tree, operations)
    after = fired(tree)
    for rule_id, severity in expected.items():
        assert after.get(rule_id) is severity, rule_id


# --- the findings themselves -------------------------------------------------------------


def test_findings_carry_rule_text_severity_and_a_location_that_resolves() -> None:
    tree = load(UNIT / "derived-invalid/ubl-inv-br-de-3-test--ubl-inv-mandatory-BT-37-2.xml")
    (finding,) = [f for f in xrechnung_findings(tree) if f.rule == "BR-DE-3"]
    assert finding.severity is Severity.FATAL
    assert finding.source == "xrechnung"
    assert finding.message_de == 'Das Element "Seller city" (BT-37) muss übermittelt werden.'
    assert finding.message_en == 'The element "Seller city" (BT-37) must be provided.'
    assert finding.location == (
        "/ubl:Invoice[1]/cac:AccountingSupplierParty[1]/cac:Party[1]/cac:PostalAddress[1]"
    )
    (node,) = tree.xpath(finding.location, namespaces=NS)
    assert etree.QName(node).localname == "PostalAddress"


def test_every_location_of_the_unit_cases_resolves_to_one_element() -> None:
    for path in sorted((UNIT / "derived-invalid").glob("*.xml")):
        tree = load(path)
        for finding in xrechnung_findings(tree):
            assert finding.location is not None
            assert len(tree.xpath(finding.location, namespaces=NS)) == 1, finding


def test_message_placeholders_are_filled() -> None:
    tree = load(TESTDATA / ATTACHED)
    mutate(
        tree,
        [
            ("/ubl:Invoice/cbc:CustomizationID", "text", XR_EXTENSION_ID),
            ("//cbc:EmbeddedDocumentBinaryObject", "@mimeCode", "application/zip"),
        ],
    )
    (finding,) = [f for f in xrechnung_findings(tree) if f.rule == "BR-DEX-01"]
    assert "cbc:EmbeddedDocumentBinaryObject" in finding.message_de
    assert "application/zip" in finding.message_en


def test_every_rule_has_both_texts_and_an_official_flag() -> None:
    rules = all_rules()
    assert len(rules) >= 70
    for rule in rules:
        assert rule.de.strip() and rule.en.strip(), rule.id
        assert rule.severity in (Severity.FATAL, Severity.WARNING, Severity.INFORMATION)
        rule.de.format(name="x", mime="y", regex="z")
        rule.en.format(name="x", mime="y", regex="z")
    flags = {r.id: r.severity for r in rules}
    assert flags["BR-DE-21"] is Severity.WARNING and flags["BR-DE-26"] is Severity.WARNING
    assert flags["BR-DE-TMP-32"] is Severity.INFORMATION and flags["BR-DE-15"] is Severity.FATAL


def test_other_documents_get_no_xrechnung_findings() -> None:
    assert xrechnung_findings(etree.fromstring(b"<Order xmlns='urn:x'/>")) == []


def test_facade_module_and_scope() -> None:
    assert xrechnung_rules.xrechnung_findings is xrechnung_findings
    xr = Recognition(Syntax.CII, "urn:x", "xrechnung-3.0", None)
    cen = Recognition(Syntax.CII, "urn:cen.eu:en16931:2017", "en16931", None)
    assert applies_to(xr) and not applies_to(cen) and not applies_to(None)
