"""The validation facade: one call from bytes to a KoSIT-style verdict.

Order as KoSIT runs a scenario: well-formed and safe XML -> recognition (syntax, BT-24)
-> scenario selection -> XML Schema -> EN 16931 Schematron -> the specification's own
rules.  A schema error ends the run, as in KoSIT, where the Schematron steps are skipped
for schema-invalid input: rules written against the schema's structure would only add noise.

Scenario selection: given the accepted BT-24 identifiers (``accepted_customizations``,
from ``EInvoiceSettings.accepted_customization_ids``), an invoice whose BT-24 is not
exactly one of them gets a single fatal "SPECIFICATION" finding and nothing else is
checked, as KoSIT rejects a document no scenario matches
(:mod:`services.einvoice.acceptance`).  Without the list every BT-24 is checked against
the rules below (what CEN's own artefacts would say).

Which rule sets run depends on the recognised specification:

* XRechnung 3.0 (standard, extension, CVD; also as the XRECHNUNG Factur-X profile):
  CEN's EN 16931 rules with the custom levels KoSIT's scenario sets, then the XRechnung
  CIUS / extension rules (BR-DE-*, BR-DEX-*).
* EN 16931 and any other CIUS or unknown BT-24: CEN's rules (the verdict CEN's own
  validation artefacts give).  An unknown BT-24 is named in a warning.
* Factur-X/ZUGFeRD profiles: MINIMUM, BASIC WL and EXTENDED by their Factur-X file;
  BASIC and EN 16931 by CEN's rules plus the profile's restrictions.
* XRechnung 2.x: CEN's rules and a warning that the version is outdated (KoSIT's current
  configuration has no scenario for it).

Findings that are not well-formed or hostile XML become a report with a single fatal
"XML" finding instead of an exception, so every input gets a report to send back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from lxml import etree

from services.einvoice.acceptance import rejection
from services.einvoice.cen_br_co_25 import br_co_25_findings
from services.einvoice.en16931 import en16931_findings
from services.einvoice.facturx_rules import EN16931_PROFILES, facturx_findings, has_profile_rules
from services.einvoice.kosit import run_kosit_scenarios, run_kosit_scenarios_on_tree
from services.einvoice.kosit_levels import apply_custom_levels
from services.einvoice.model import (
    SPEC_FACTURX_EN16931,
    SPEC_UNKNOWN,
    SPEC_XRECHNUNG_2,
    XRECHNUNG_SPECIFICATIONS,
    Finding,
    InvoiceXmlError,
    Recognition,
    Severity,
    ValidationReport,
)
from services.einvoice.recognize import recognize
from services.einvoice.safe_xml import DEFAULT_MAX_BYTES, parse_invoice_xml
from services.einvoice.schema import kosit_cii_xsd, schema_findings
from services.einvoice.xrechnung_rules import xrechnung_findings


def _xml_error(exc: InvoiceXmlError) -> Finding:
    return Finding(
        rule="XML",
        severity=Severity.FATAL,
        message_en=str(exc),
        message_de=f"Die Datei ist kein verarbeitbares XML: {exc}",
        location=None,
        source="xml",
    )


def _notice(rule: str, english: str, german: str) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.WARNING,
        message_en=english,
        message_de=german,
        location=None,
        source="kosit",
    )


def _specification_notice(recognition: Recognition) -> list[Finding]:
    if recognition.specification == SPEC_XRECHNUNG_2:
        return [
            _notice(
                "XRECHNUNG-VERSION",
                f"XRechnung version {recognition.customization_id} is outdated; the current "
                "KoSIT configuration validates XRechnung 3.0 only. Checked against EN 16931.",
                f"Die XRechnung-Version {recognition.customization_id} ist veraltet; die "
                "aktuelle KoSIT-Konfiguration prüft nur XRechnung 3.0. Geprüft wurde gegen "
                "EN 16931.",
            )
        ]
    if recognition.specification == SPEC_UNKNOWN and recognition.customization_id:
        return [
            _notice(
                "SPECIFICATION",
                f"Unknown specification identifier (BT-24) {recognition.customization_id!r}; "
                "checked against EN 16931 only.",
                f"Unbekannte Spezifikationskennung (BT-24) {recognition.customization_id!r}; "
                "geprüft wurde nur gegen EN 16931.",
            )
        ]
    return []


def rule_findings(tree: etree._ElementTree, recognition: Recognition) -> list[Finding]:
    """The Schematron-level findings for a schema-valid invoice (no schema step)."""
    spec = recognition.specification
    findings: list[Finding] = []
    if not has_profile_rules(spec) or spec in EN16931_PROFILES:
        findings += en16931_findings(tree, recognition.syntax)
    if not has_profile_rules(spec) or spec == SPEC_FACTURX_EN16931:
        # KoSIT's scenarios (XRechnung and plain EN 16931 BT-24) run CEN 1.3.15, which
        # still has BR-CO-25; the shipped CEN/Factur-X files (1.3.16) dropped it.
        findings += br_co_25_findings(tree, recognition.syntax)
    findings += facturx_findings(tree, spec)
    if spec in XRECHNUNG_SPECIFICATIONS:
        findings += xrechnung_findings(tree, recognition)
    findings = apply_custom_levels(findings, recognition)
    return findings + _specification_notice(recognition)


def validate_tree(
    tree: etree._ElementTree,
    *,
    hybrid_profile: str | None = None,
    kosit_config_dir: Path | None = None,
    accepted_customizations: Collection[str] | None = None,
) -> ValidationReport:
    """Validate an already safely parsed invoice (e.g. the XML out of a hybrid PDF).

    With ``kosit_config_dir`` the configuration's scenarios run too; their result is
    ``report.kosit``, beside our own verdict (``report.valid``), which it does not change.
    ``accepted_customizations``: the BT-24 identifiers accepted (None: any).
    """
    report = _own_verdict(
        tree,
        hybrid_profile=hybrid_profile,
        kosit_config_dir=kosit_config_dir,
        accepted=accepted_customizations,
    )
    if kosit_config_dir is None:
        return report
    return replace(report, kosit=run_kosit_scenarios_on_tree(tree, kosit_config_dir))


def _own_verdict(
    tree: etree._ElementTree,
    *,
    hybrid_profile: str | None,
    kosit_config_dir: Path | None,
    accepted: Collection[str] | None,
) -> ValidationReport:
    try:
        recognition = recognize(tree, hybrid_profile=hybrid_profile)
    except InvoiceXmlError as exc:
        return ValidationReport.from_findings(None, [_xml_error(exc)])
    if accepted is not None:
        refused = rejection(recognition, accepted)
        if refused is not None:
            return ValidationReport.from_findings(recognition, [refused])
    cii_xsd = kosit_cii_xsd(kosit_config_dir) if kosit_config_dir else None
    schema = schema_findings(tree, recognition, cii_xsd=cii_xsd)
    if any(f.severity is Severity.FATAL for f in schema):
        return ValidationReport.from_findings(recognition, schema)
    return ValidationReport.from_findings(recognition, schema + rule_findings(tree, recognition))


def validate_invoice(
    xml: bytes,
    *,
    kosit_config_dir: Path | None = None,
    hybrid_profile: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    accepted_customizations: Collection[str] | None = None,
) -> ValidationReport:
    """Validate invoice XML bytes as the KoSIT validator would; never raises for bad input.

    ``kosit_config_dir`` (an unpacked KoSIT XRechnung configuration) makes the CII
    schema step use KoSIT's full CII D16B schema, and runs the configuration's own
    scenarios (:mod:`services.einvoice.kosit`): their result is ``report.kosit``, our
    verdict stays ``report.valid``.  A broken configuration raises ConfigurationError.
    ``accepted_customizations``: the BT-24 identifiers accepted, compared exactly (None:
    any BT-24 is checked against the rules).
    """
    try:
        tree = parse_invoice_xml(xml, max_bytes=max_bytes)
    except InvoiceXmlError as exc:
        report = ValidationReport.from_findings(None, [_xml_error(exc)])
        if kosit_config_dir is None:
            return report
        return replace(
            report, kosit=run_kosit_scenarios(xml, kosit_config_dir, max_bytes=max_bytes)
        )
    return validate_tree(
        tree,
        hybrid_profile=hybrid_profile,
        kosit_config_dir=kosit_config_dir,
        accepted_customizations=accepted_customizations,
    )
