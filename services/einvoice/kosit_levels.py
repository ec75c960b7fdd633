"""The severity overrides KoSIT's XRechnung configuration puts on CEN rules.

KoSIT's ``scenarios.xml`` (validator-configuration-xrechnung, release for XRechnung
3.0.2) runs CEN's Schematron unchanged but lowers some rules in the report with
``<customLevel>``: the unit-code and item-scheme lists in every XRechnung scenario, the
scheme lists and BR-CO-16 where the Extension widens them (sub-invoice lines, DiGA,
third-party payment), BR-CL-13 in the CVD scenario (its "CVD" classification scheme).
Without these the official test suite's extension and CVD instances would be rejected.
The EN 16931 scenarios of that configuration set no custom levels.
"""

from __future__ import annotations

from dataclasses import replace

from services.einvoice.model import (
    SPEC_FACTURX_XRECHNUNG,
    SPEC_XRECHNUNG_3,
    SPEC_XRECHNUNG_CVD,
    SPEC_XRECHNUNG_EXTENSION_3,
    Finding,
    Recognition,
    Severity,
    Syntax,
)

W = Severity.WARNING
I = Severity.INFORMATION  # noqa: E741 - reads like the configuration's level names

_CIUS = {"BR-CL-23": W, "BR-CL-21": W}
_EXTENSION_UBL = {
    "BR-CL-21": I,
    "BR-CL-23": W,
    "BR-CL-24": W,
    "BR-CL-10": I,
    "BR-CL-11": I,
    "BR-CL-25": I,
    "BR-CL-26": I,
    "BR-CO-16": I,
}
_EXTENSION_CII = {
    "BR-CL-23": W,
    "BR-CL-21": I,
    "BR-CL-11": I,
    "BR-CL-10": I,
    "BR-CL-25": I,
    "BR-CL-26": I,
}
_CVD = {**_CIUS, "BR-CL-13": I}


def custom_levels(recognition: Recognition) -> dict[str, Severity]:
    """The rule -> level overrides of the KoSIT scenario this invoice matches."""
    spec = recognition.specification
    if spec == SPEC_XRECHNUNG_EXTENSION_3:
        return _EXTENSION_CII if recognition.syntax is Syntax.CII else _EXTENSION_UBL
    if spec == SPEC_XRECHNUNG_CVD:
        return _CVD
    if spec in (SPEC_XRECHNUNG_3, SPEC_FACTURX_XRECHNUNG):
        return _CIUS
    return {}


def apply_custom_levels(findings: list[Finding], recognition: Recognition) -> list[Finding]:
    """Return the findings with KoSIT's levels for CEN rules (``source == "en16931"``)."""
    levels = custom_levels(recognition)
    if not levels:
        return findings
    return [
        replace(f, severity=levels[f.rule]) if f.source == "en16931" and f.rule in levels else f
        for f in findings
    ]
