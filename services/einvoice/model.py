"""Shared types of the e-invoice package: what was recognised and what validation found.

Every module of ``services.einvoice`` speaks these types, so the parsers, the rule
engines and the facade can be written and tested apart.  They are plain frozen
dataclasses (no pydantic, no ORM): the domain stays free of I/O and the API turns a
report into JSON with :meth:`ValidationReport.to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.errors import InvalidInputError


class Syntax(StrEnum):
    """The XML syntax of an invoice, decided by its root element."""

    UBL_INVOICE = "ubl-invoice"
    UBL_CREDIT_NOTE = "ubl-creditnote"
    CII = "cii"


# Values of ``Recognition.specification`` (BT-24 mapped to the rule set that applies).
SPEC_XRECHNUNG_3 = "xrechnung-3.0"
SPEC_XRECHNUNG_EXTENSION_3 = "xrechnung-extension-3.0"
SPEC_XRECHNUNG_CVD = "xrechnung-cvd"
SPEC_XRECHNUNG_2 = "xrechnung-2.x"
SPEC_EN16931 = "en16931"
SPEC_FACTURX_MINIMUM = "factur-x-minimum"
SPEC_FACTURX_BASIC_WL = "factur-x-basic-wl"
SPEC_FACTURX_BASIC = "factur-x-basic"
SPEC_FACTURX_EN16931 = "factur-x-en16931"
SPEC_FACTURX_EXTENDED = "factur-x-extended"
SPEC_FACTURX_XRECHNUNG = "factur-x-xrechnung"
SPEC_UNKNOWN = "unknown"

#: Specifications whose invoices the XRechnung CIUS rules (BR-DE-*, BR-DEX-*) apply to.
XRECHNUNG_SPECIFICATIONS = frozenset(
    {SPEC_XRECHNUNG_3, SPEC_XRECHNUNG_EXTENSION_3, SPEC_XRECHNUNG_CVD, SPEC_FACTURX_XRECHNUNG}
)


@dataclass(frozen=True)
class Recognition:
    """What an invoice claims to be.

    ``customization_id`` is BT-24 exactly as written in the file; ``specification`` is
    one of the ``SPEC_*`` values above; ``profile`` is the Factur-X/ZUGFeRD profile name
    ("MINIMUM", "BASIC WL", "BASIC", "EN 16931", "EXTENDED", "XRECHNUNG") or None.
    ``business_process`` is BT-23 (UBL ``cbc:ProfileID``, CII business process ID).
    """

    syntax: Syntax
    customization_id: str | None
    specification: str
    profile: str | None
    business_process: str | None = None


class Severity(StrEnum):
    """Severity as the official configuration flags a rule."""

    FATAL = "fatal"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True)
class Finding:
    """One failed rule, with its official id ("BR-06", "BR-DE-3", "XSD", ...).

    ``source`` names the rule set: "xml", "schema", "en16931", "xrechnung", "factur-x"
    or "kosit".  ``location`` is an XPath (or "line N" for schema errors) when known.
    """

    rule: str
    severity: Severity
    message_en: str
    message_de: str
    location: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message_en,
            "message_de": self.message_de,
            "location": self.location,
            "source": self.source,
        }


@dataclass(frozen=True)
class KositResult:
    """What the scenarios of a KoSIT validator configuration say about one document.

    ``scenario`` is the name of the scenario that matched (None: none did, or the input
    is not XML); ``accepted`` is the configuration's accept/reject recommendation.
    Built by :mod:`services.einvoice.kosit`.
    """

    scenario: str | None
    accepted: bool
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "accepted": self.accepted,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
        }


@dataclass(frozen=True)
class ValidationReport:
    """The verdict on one invoice, KoSIT style: invalid if any finding is fatal.

    ``valid`` is always our own verdict.  ``kosit`` is set only when a KoSIT validator
    configuration was given: the result of its scenarios, reported beside ours.
    """

    recognition: Recognition | None
    valid: bool
    findings: tuple[Finding, ...]
    kosit: KositResult | None = None

    @classmethod
    def from_findings(
        cls, recognition: Recognition | None, findings: tuple[Finding, ...] | list[Finding]
    ) -> ValidationReport:
        """Build a report whose ``valid`` follows from the findings (no fatal one)."""
        found = tuple(findings)
        return cls(
            recognition=recognition,
            valid=not any(f.severity is Severity.FATAL for f in found),
            findings=found,
        )

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def to_dict(self) -> dict[str, Any]:
        rec = self.recognition
        data: dict[str, Any] = {
            "syntax": rec.syntax.value if rec else None,
            "customization": rec.customization_id if rec else None,
            "specification": rec.specification if rec else None,
            "profile": rec.profile if rec else None,
            "valid": self.valid,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
        }
        if self.kosit is not None:
            data["kosit"] = self.kosit.to_dict()
        return data


class InvoiceXmlError(InvalidInputError):
    """The XML is hostile, not well-formed, too big or too deep; the message says why."""

    title = "Invalid e-invoice XML"
