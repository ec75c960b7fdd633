"""The rules of the CIUS XRechnung CVD (Clean Vehicles Directive, BR-DE-CVD-*, BR-TMP-CVD-01).

An invoice for vehicles procured under the Clean Vehicles Directive states BT-24
``...#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9``, a contract and a tender
reference, and in at least one line the vehicle category (classification scheme 'CVD')
with the attribute 'cva' (clean, zero-emission or other).
"""

from __future__ import annotations

from services.einvoice.xrechnung.formats import (
    CVA_CODES,
    CVD_VEHICLE_CATEGORIES,
    UNTDID_7143_CVD_CODES,
    XR_CVD_ID,
    in_code_list,
)
from services.einvoice.xrechnung.nodes import (
    Element,
    any_text,
    children,
    first,
    norm,
    normalize_space,
    path,
    values,
)
from services.einvoice.xrechnung.report import Findings


def check_cvd_ubl(root: Element, out: Findings) -> None:
    """The CVD rules for UBL, if BT-24 is the CVD identifier."""
    if XR_CVD_ID not in values(children(root, "cbc:CustomizationID")):
        return
    items = [*path(root, "cac:InvoiceLine/cac:Item"), *path(root, "cac:CreditNoteLine/cac:Item")]
    out.check(any_text(path(root, "cac:OriginatorDocumentReference/cbc:ID")), "BR-DE-CVD-02", root)
    out.check(any_text(path(root, "cac:ContractDocumentReference/cbc:ID")), "BR-DE-CVD-01", root)
    out.check(
        any(_cvd_codes_ubl(i) and _cva_attributes_ubl(i) for i in items), "BR-DE-CVD-03", root
    )
    for item in items:
        cvd, cva = _cvd_codes_ubl(item), _cva_attributes_ubl(item)
        out.check(not cvd or len(cva) == 1, "BR-DE-CVD-06-a", item)
        out.check(not cva or len(cvd) == 1, "BR-DE-CVD-06-b", item)
    for item in items:
        for code in path(item, "cac:CommodityClassification/cbc:ItemClassificationCode"):
            _classification(code, code.get("listID") or "", out)
        for attribute in _cva_attributes_ubl(item):
            value = norm(first(attribute, "cbc:Value"))
            out.check(value in CVA_CODES, "BR-DE-CVD-05", attribute)


def _cvd_codes_ubl(item: Element) -> list[Element]:
    codes = path(item, "cac:CommodityClassification/cbc:ItemClassificationCode")
    return [c for c in codes if c.get("listID") == "CVD"]


def _cva_attributes_ubl(item: Element) -> list[Element]:
    properties = children(item, "cac:AdditionalItemProperty")
    return [p for p in properties if "cva" in values(children(p, "cbc:Name"))]


def _classification(code: Element, scheme: str, out: Findings) -> None:
    """BR-TMP-CVD-01 (scheme from UNTDID 7143) and BR-DE-CVD-04 (vehicle category)."""
    out.check(in_code_list(scheme, UNTDID_7143_CVD_CODES), "BR-TMP-CVD-01", code)
    category_ok = normalize_space(scheme) != "CVD" or norm(code) in CVD_VEHICLE_CATEGORIES
    out.check(category_ok, "BR-DE-CVD-04", code)


def check_cvd_cii(root: Element, out: Findings) -> None:
    """The CVD rules for CII, if BT-24 is the CVD identifier."""
    guideline = "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    if XR_CVD_ID not in values(path(root, guideline)):
        return
    for trade in children(root, "rsm:SupplyChainTradeTransaction"):
        products = path(trade, "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct")
        out.check(
            any(_cvd_codes_cii(p) and _cva_attributes_cii(p) for p in products),
            "BR-DE-CVD-03",
            trade,
        )
        for product in products:
            cvd, cva = _cvd_codes_cii(product), _cva_attributes_cii(product)
            out.check(not cva or len(cvd) == 1, "BR-DE-CVD-06-b", product)
            out.check(not cvd or len(cva) == 1, "BR-DE-CVD-06-a", product)
            for code in path(product, "ram:DesignatedProductClassification/ram:ClassCode"):
                _classification(code, code.get("listID") or "", out)
            for characteristic in cva:
                value = norm(first(characteristic, "ram:Value"))
                out.check(value in CVA_CODES, "BR-DE-CVD-05", characteristic)
        for agreement in children(trade, "ram:ApplicableHeaderTradeAgreement"):
            contract = path(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID")
            out.check(any_text(contract), "BR-DE-CVD-01", agreement)
            tenders = [
                d
                for d in children(agreement, "ram:AdditionalReferencedDocument")
                if norm(first(d, "ram:TypeCode")) == "50"
                and any_text(children(d, "ram:IssuerAssignedID"))
            ]
            out.check(bool(tenders), "BR-DE-CVD-02", agreement)


def _cvd_codes_cii(product: Element) -> list[Element]:
    codes = path(product, "ram:DesignatedProductClassification/ram:ClassCode")
    return [c for c in codes if c.get("listID") == "CVD"]


def _cva_attributes_cii(product: Element) -> list[Element]:
    characteristics = children(product, "ram:ApplicableProductCharacteristic")
    return [c for c in characteristics if "cva" in values(children(c, "ram:Description"))]
