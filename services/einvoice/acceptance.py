"""Which specification identifiers (BT-24) a receiver accepts at all.

The KoSIT validator selects a scenario by comparing BT-24 *exactly* with the identifiers
of the configured XRechnung release (``cbc:CustomizationID[. = '...']``, resp. the CII
guideline ``ram:ID``).  An invoice whose BT-24 matches no scenario -- an XRechnung 2.x
identifier, a typo, a trailing blank, a Peppol BIS identifier -- is not checked further
and rejected ("no scenario matched").  Eakte does the same with the list of identifiers
in ``EInvoiceSettings.accepted_customization_ids``.

The default is what the official configuration for XRechnung 3.0.2
(itplr-kosit/validator-configuration-xrechnung, ``build.xml``/``scenarios.xml``) has
scenarios for: XRechnung 3.0 CIUS, Extension and CVD 0.9, and plain EN 16931
(``urn:cen.eu:en16931:2017``); plus the Factur-X/ZUGFeRD profile identifiers eakte
validates with the Factur-X artefacts, so that hybrid PDFs keep their verdicts.
"""

from __future__ import annotations

from collections.abc import Collection

from services.einvoice.model import Finding, Recognition, Severity, Syntax
from services.einvoice.recognize import (
    EN16931,
    FACTURX_IDENTIFIERS,
    XRECHNUNG_3,
    XRECHNUNG_3_CVD,
    XRECHNUNG_3_EXTENSION,
)

RULE = "SPECIFICATION"

#: The default of ``EAKTE_EINVOICE__ACCEPTED_CUSTOMIZATION_IDS``.
DEFAULT_ACCEPTED: tuple[str, ...] = (
    XRECHNUNG_3,
    XRECHNUNG_3_EXTENSION,
    XRECHNUNG_3_CVD,
    EN16931,
    *FACTURX_IDENTIFIERS,
)

# The official configuration has Extension scenarios for UBL Invoice and CII only: a UBL
# CreditNote with the Extension identifier matches no scenario there.
_NO_SCENARIO: frozenset[tuple[Syntax, str]] = frozenset(
    {(Syntax.UBL_CREDIT_NOTE, XRECHNUNG_3_EXTENSION)}
)


def rejection(recognition: Recognition, accepted: Collection[str]) -> Finding | None:
    """A fatal finding if BT-24 is not one of ``accepted`` (compared exactly), else None."""
    found = recognition.customization_id
    if found is not None and found in accepted and (recognition.syntax, found) not in _NO_SCENARIO:
        return None
    listed = ", ".join(repr(a) for a in accepted) or "(keine)"
    listed_en = ", ".join(repr(a) for a in accepted) or "(none)"
    if found is None:
        english = f"The invoice has no specification identifier (BT-24); accepted: {listed_en}."
        german = (
            "Die Rechnung enthält keine Spezifikationskennung (BT-24); angenommen werden: "
            f"{listed}."
        )
    elif found in accepted:
        english = (
            f"The specification identifier (BT-24) {found!r} is not defined for a "
            f"{_SYNTAX_EN[recognition.syntax]}; no validation scenario applies."
        )
        german = (
            f"Die Spezifikationskennung (BT-24) {found!r} ist für "
            f"{_SYNTAX_DE[recognition.syntax]} nicht vorgesehen; kein Prüfszenario passt."
        )
    else:
        english = (
            f"The specification identifier (BT-24) {found!r} is not accepted (it must match "
            f"exactly, without blanks); no validation scenario applies. Accepted: {listed_en}."
        )
        german = (
            f"Die Spezifikationskennung (BT-24) {found!r} wird nicht angenommen (sie muss "
            "exakt, ohne Leerzeichen, übereinstimmen); kein Prüfszenario passt. "
            f"Angenommen werden: {listed}."
        )
    return Finding(
        rule=RULE,
        severity=Severity.FATAL,
        message_en=english,
        message_de=german,
        location=_LOCATION[recognition.syntax],
        source="kosit",
    )


_SYNTAX_EN = {
    Syntax.UBL_INVOICE: "UBL Invoice",
    Syntax.UBL_CREDIT_NOTE: "UBL CreditNote",
    Syntax.CII: "CII invoice",
}
_SYNTAX_DE = {
    Syntax.UBL_INVOICE: "eine UBL-Rechnung (Invoice)",
    Syntax.UBL_CREDIT_NOTE: "eine UBL-Gutschrift (CreditNote)",
    Syntax.CII: "eine CII-Rechnung",
}
_LOCATION = {
    Syntax.UBL_INVOICE: "/Invoice/cbc:CustomizationID",
    Syntax.UBL_CREDIT_NOTE: "/CreditNote/cbc:CustomizationID",
    Syntax.CII: "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
    "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
}
