"""What an invoice claims to be: syntax from the root element, rule set from BT-24.

The specification identifier (BT-24: UBL ``cbc:CustomizationID``, CII
``GuidelineSpecifiedDocumentContextParameter/ram:ID``) is compared *exactly*, as the
KoSIT validator's scenarios do (``cbc:CustomizationID = '...'``): an identifier with
stray whitespace or an unknown suffix matches no scenario there, so it must not be
silently taken for XRechnung here either.

A Factur-X/ZUGFeRD PDF also names its profile in the XMP metadata; the hybrid reader
passes it in as ``hybrid_profile``.  The profile of an invoice in the XML-only profiles
(MINIMUM, BASIC WL, BASIC, EXTENDED) follows from BT-24 alone; EN 16931 and XRECHNUNG
share their identifier with plain EN 16931 and XRechnung invoices, so only the PDF tells
them apart.
"""

from __future__ import annotations

import re

from lxml import etree

from services.einvoice import model
from services.einvoice.model import InvoiceXmlError, Recognition, Syntax

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
RSM_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
ZUGFERD_1_NS = "urn:ferd:CrossIndustryDocument:invoice:1p0"

ROOTS: dict[str, Syntax] = {
    f"{{{UBL_INVOICE_NS}}}Invoice": Syntax.UBL_INVOICE,
    f"{{{UBL_CREDIT_NOTE_NS}}}CreditNote": Syntax.UBL_CREDIT_NOTE,
    f"{{{RSM_NS}}}CrossIndustryInvoice": Syntax.CII,
}

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG_3 = f"{EN16931}#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
XRECHNUNG_3_EXTENSION = f"{XRECHNUNG_3}#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0"
#: The CVD identifier of the current official configuration (XRechnung 3.0.2: CVD 0.9).
XRECHNUNG_3_CVD = f"{XRECHNUNG_3}#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9"

# BT-24 -> (specification, Factur-X profile).  ZUGFeRD 2.x used its own URNs for the
# same profiles that Factur-X 1.0 names; both are in use.
_EXACT: dict[str, tuple[str, str | None]] = {
    XRECHNUNG_3: (model.SPEC_XRECHNUNG_3, None),
    XRECHNUNG_3_EXTENSION: (model.SPEC_XRECHNUNG_EXTENSION_3, None),
    EN16931: (model.SPEC_EN16931, None),
    "urn:factur-x.eu:1p0:minimum": (model.SPEC_FACTURX_MINIMUM, "MINIMUM"),
    "urn:zugferd.de:2p0:minimum": (model.SPEC_FACTURX_MINIMUM, "MINIMUM"),
    "urn:factur-x.eu:1p0:basicwl": (model.SPEC_FACTURX_BASIC_WL, "BASIC WL"),
    "urn:zugferd.de:2p0:basicwl": (model.SPEC_FACTURX_BASIC_WL, "BASIC WL"),
    f"{EN16931}#compliant#urn:factur-x.eu:1p0:basic": (model.SPEC_FACTURX_BASIC, "BASIC"),
    f"{EN16931}#compliant#urn:zugferd.de:2p0:basic": (model.SPEC_FACTURX_BASIC, "BASIC"),
    f"{EN16931}#conformant#urn:factur-x.eu:1p0:extended": (
        model.SPEC_FACTURX_EXTENDED,
        "EXTENDED",
    ),
    # Early Factur-X 1.0 producers (e.g. the FNFE samples) write ":compliant:"/":conformant:".
    f"{EN16931}:compliant:factur-x.eu:1p0:basic": (model.SPEC_FACTURX_BASIC, "BASIC"),
    f"{EN16931}:conformant:factur-x.eu:1p0:extended": (model.SPEC_FACTURX_EXTENDED, "EXTENDED"),
    f"{EN16931}#conformant#urn:zugferd.de:2p0:extended": (
        model.SPEC_FACTURX_EXTENDED,
        "EXTENDED",
    ),
}
#: The Factur-X/ZUGFeRD profile identifiers (all of ``_EXACT`` but XRechnung and EN 16931).
FACTURX_IDENTIFIERS: tuple[str, ...] = tuple(
    key for key, (_, profile) in _EXACT.items() if profile is not None
)
# XRechnung CVD (Clean Vehicles Directive) builds on the 3.0 CIUS: "..._3.0#compliant#...cvd_0.9".
_CVD = re.compile(
    re.escape(XRECHNUNG_3) + r"#compliant#urn:xeinkauf\.de:kosit:xrechnung:cvd_\d+\.\d+"
)
# XRechnung 1.x/2.x (urn:xoev-de:...:xrechnung_1.2, _2.0 ... _2.3, and their extensions).
_OLD_XRECHNUNG = re.compile(r"urn:xoev-de:kosit:(standard|extension):xrechnung_[12]\.\d+")
# Any other CIUS of EN 16931 (e.g. Peppol BIS Billing 3.0) is, by definition, bound by the
# EN 16931 rules; an extension ("#conformant#") is not.
_OTHER_CIUS = re.compile(re.escape(EN16931) + r"#compliant#\S+")

_PROFILE_NAMES = {
    "MINIMUM": "MINIMUM",
    "BASICWL": "BASIC WL",
    "BASIC": "BASIC",
    "EN16931": "EN 16931",
    "EXTENDED": "EXTENDED",
    "XRECHNUNG": "XRECHNUNG",
}


def recognize(tree: etree._ElementTree, *, hybrid_profile: str | None = None) -> Recognition:
    """Recognise syntax, BT-24, specification and profile of a parsed invoice.

    ``hybrid_profile`` is the conformance level from a Factur-X/ZUGFeRD PDF's XMP, if the
    XML came out of one.  Raises :class:`InvoiceXmlError` when the root element is not
    a UBL Invoice/CreditNote or a CII CrossIndustryInvoice.
    """
    root = tree.getroot()
    syntax = ROOTS.get(root.tag)
    if syntax is None:
        raise InvoiceXmlError(_not_an_invoice(root))
    if syntax is Syntax.CII:
        customization = _text(root, _CII_GUIDELINE)
        business_process = _text(root, _CII_PROCESS)
    else:
        customization = _text(root, _UBL_CUSTOMIZATION)
        business_process = _text(root, _UBL_PROFILE)
    pdf_profile = normalize_profile(hybrid_profile)
    specification, profile = specification_of(customization, hybrid=pdf_profile is not None)
    return Recognition(
        syntax=syntax,
        customization_id=customization,
        specification=specification,
        profile=profile or pdf_profile,
        business_process=business_process,
    )


def specification_of(
    customization_id: str | None, *, hybrid: bool = False
) -> tuple[str, str | None]:
    """Map BT-24 to (specification, profile); ``hybrid`` if the XML came from a PDF."""
    if customization_id is None:
        return model.SPEC_UNKNOWN, None
    known = _EXACT.get(customization_id)
    if known is not None:
        specification, profile = known
        if hybrid and specification == model.SPEC_EN16931:
            return model.SPEC_FACTURX_EN16931, "EN 16931"
        if hybrid and specification == model.SPEC_XRECHNUNG_3:
            return model.SPEC_FACTURX_XRECHNUNG, "XRECHNUNG"
        return known
    if _CVD.fullmatch(customization_id):
        return model.SPEC_XRECHNUNG_CVD, None
    if _OLD_XRECHNUNG.search(customization_id):
        return model.SPEC_XRECHNUNG_2, "XRECHNUNG" if hybrid else None
    if _OTHER_CIUS.fullmatch(customization_id):
        return model.SPEC_EN16931, None
    return model.SPEC_UNKNOWN, None


def normalize_profile(name: str | None) -> str | None:
    """The canonical profile name for an XMP ConformanceLevel ("BASIC-WL" -> "BASIC WL")."""
    if name is None:
        return None
    key = re.sub(r"[\s_-]+", "", name).upper()
    return _PROFILE_NAMES.get(key, name.strip() or None)


def _text(root: etree._Element, path: etree.XPath) -> str | None:
    """String value of the first match (as XPath ``.`` compares it), None if absent."""
    found = path(root)
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return None
    return "".join(found[0].itertext())


def _not_an_invoice(root: etree._Element) -> str:
    qname = etree.QName(root)
    if qname.namespace == ZUGFERD_1_NS:
        return (
            "ZUGFeRD 1.0 (CrossIndustryDocument) is not supported: it predates EN 16931; "
            "ZUGFeRD 2.x/Factur-X or XRechnung is required"
        )
    where = f"in namespace {qname.namespace!r}" if qname.namespace else "without a namespace"
    return (
        f"not an e-invoice: the root element is {qname.localname!r} {where}; expected a "
        "UBL 2.1 Invoice or CreditNote or a UN/CEFACT CrossIndustryInvoice"
    )


_NS = {"cbc": CBC_NS, "rsm": RSM_NS, "ram": RAM_NS}
_UBL_CUSTOMIZATION = etree.XPath("cbc:CustomizationID", namespaces=_NS)
_UBL_PROFILE = etree.XPath("cbc:ProfileID", namespaces=_NS)
_CII_GUIDELINE = etree.XPath(
    "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    namespaces=_NS,
)
_CII_PROCESS = etree.XPath(
    "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
    namespaces=_NS,
)
