"""Read an :class:`InvoiceData` from a UN/CEFACT CII D16B invoice (EN 16931-3-3 binding).

The same reader serves XRechnung CII and the Factur-X/ZUGFeRD profiles: lower profiles
(MINIMUM, BASIC WL) simply leave more terms empty.  XRechnung extension sub-lines are
flat in CII and point to their parent with ``ParentLineID``; they are nested here so
both syntaxes give the same shape.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from lxml import etree

from services.einvoice.extraction.data import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    Delivery,
    Identifier,
    InvoiceData,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    PaymentInstructions,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from services.einvoice.extraction.xmlread import Element, Reader

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
_SPECIAL_DOCUMENT_TYPES = ("50", "130")  # BT-17 tender and BT-18 invoiced object
_DATE = "udt:DateTimeString"


def read_cii(tree: etree._ElementTree | Element) -> InvoiceData:
    """Extract the EN 16931 terms of a CrossIndustryInvoice."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    r = Reader(NAMESPACES)
    ctx = r.node(root, "rsm:ExchangedDocumentContext")
    doc = r.node(root, "rsm:ExchangedDocument")
    tx = r.node(root, "rsm:SupplyChainTradeTransaction")
    agr = r.node(tx, "ram:ApplicableHeaderTradeAgreement")
    dlv = r.node(tx, "ram:ApplicableHeaderTradeDelivery")
    stl = r.node(tx, "ram:ApplicableHeaderTradeSettlement")
    terms = r.nodes(stl, "ram:SpecifiedTradePaymentTerms")
    currency = r.text(stl, "ram:InvoiceCurrencyCode")
    tax_currency = r.text(stl, "ram:TaxCurrencyCode")
    invoice = InvoiceData(
        number=r.text(doc, "ram:ID"),
        issue_date=r.date(doc, f"ram:IssueDateTime/{_DATE}", "BT-2"),
        type_code=r.text(doc, "ram:TypeCode"),
        currency=currency,
        tax_currency=tax_currency,
        tax_point_date=r.date(
            stl, "ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString", "BT-7"
        ),
        due_date=r.date(stl, f"ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/{_DATE}", "BT-9"),
        buyer_reference=r.text(agr, "ram:BuyerReference"),
        project_reference=r.text(agr, "ram:SpecifiedProcuringProject/ram:ID"),
        contract_reference=r.text(agr, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        order_reference=r.text(agr, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        sales_order_reference=r.text(agr, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"),
        receiving_advice_reference=r.text(
            dlv, "ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID"
        ),
        despatch_advice_reference=r.text(
            dlv, "ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID"
        ),
        tender_reference=r.text(
            agr, "ram:AdditionalReferencedDocument[ram:TypeCode='50']/ram:IssuerAssignedID"
        ),
        invoiced_object=_object_reference(r, agr),
        buyer_accounting_reference=r.text(
            stl, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        payment_terms="\n".join(r.texts(stl, "ram:SpecifiedTradePaymentTerms/ram:Description"))
        or None,
        notes=tuple(
            Note(subject_code=r.text(n, "ram:SubjectCode"), text=r.text(n, "ram:Content") or "")
            for n in r.nodes(doc, "ram:IncludedNote")
        ),
        process_id=r.text(ctx, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
        specification_id=r.text(ctx, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
        preceding_invoices=tuple(
            PrecedingInvoice(
                number=r.text(ref, "ram:IssuerAssignedID") or "",
                issue_date=r.date(ref, "ram:FormattedIssueDateTime/qdt:DateTimeString", "BT-26"),
            )
            for ref in r.nodes(stl, "ram:InvoiceReferencedDocument")
        ),
        seller=_party(r, r.node(agr, "ram:SellerTradeParty")),
        buyer=_party(r, r.node(agr, "ram:BuyerTradeParty")),
        payee=_party(r, r.node(stl, "ram:PayeeTradeParty")),
        tax_representative=_party(r, r.node(agr, "ram:SellerTaxRepresentativeTradeParty")),
        delivery=_delivery(r, dlv),
        invoice_period=_period(r, r.node(stl, "ram:BillingSpecifiedPeriod"), "BT-73", "BT-74"),
        payment=_payment(r, stl, terms),
        allowances_charges=tuple(
            _allowance_charge(r, n) for n in r.nodes(stl, "ram:SpecifiedTradeAllowanceCharge")
        ),
        totals=_totals(r, stl, currency, tax_currency),
        vat_breakdown=tuple(
            VatBreakdown(
                category=r.text(tax, "ram:CategoryCode"),
                rate=r.decimal(tax, "ram:RateApplicablePercent", "BT-119"),
                taxable_amount=r.decimal(tax, "ram:BasisAmount", "BT-116"),
                tax_amount=r.decimal(tax, "ram:CalculatedAmount", "BT-117"),
                exemption_reason=r.text(tax, "ram:ExemptionReason"),
                exemption_reason_code=r.text(tax, "ram:ExemptionReasonCode"),
            )
            for tax in r.nodes(stl, "ram:ApplicableTradeTax")
        ),
        attachments=tuple(
            _attachment(r, ref)
            for ref in r.nodes(agr, "ram:AdditionalReferencedDocument")
            if r.text(ref, "ram:TypeCode") not in _SPECIAL_DOCUMENT_TYPES
        ),
        lines=_lines(r, r.nodes(tx, "ram:IncludedSupplyChainTradeLineItem")),
    )
    return replace(invoice, extraction_notes=tuple(r.notes))


def _object_reference(r: Reader, node: Element | None) -> Identifier | None:
    """BT-18 / BT-128: a referenced document of type 130, its scheme in ReferenceTypeCode."""
    ref = r.node(node, "ram:AdditionalReferencedDocument[ram:TypeCode='130']")
    value = r.text(ref, "ram:IssuerAssignedID")
    if value is None:
        return None
    return Identifier(value=value, scheme=r.text(ref, "ram:ReferenceTypeCode"))


def _address(r: Reader, node: Element | None) -> Address | None:
    if node is None:
        return None
    return Address(
        line1=r.text(node, "ram:LineOne"),
        line2=r.text(node, "ram:LineTwo"),
        line3=r.text(node, "ram:LineThree"),
        city=r.text(node, "ram:CityName"),
        postcode=r.text(node, "ram:PostcodeCode"),
        subdivision=r.text(node, "ram:CountrySubDivisionName"),
        country=r.text(node, "ram:CountryID"),
    )


def _contact(r: Reader, node: Element | None) -> Contact | None:
    if node is None:
        return None
    # BT-41 maps to PersonName and DepartmentName; show both when both are given
    name = ", ".join(r.texts(node, "ram:PersonName | ram:DepartmentName")) or None
    return Contact(
        name=name,
        phone=r.text(node, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
        email=r.text(node, "ram:EmailURIUniversalCommunication/ram:URIID"),
    )


def _party(r: Reader, party: Element | None) -> Party | None:
    if party is None:
        return None
    return Party(
        name=r.text(party, "ram:Name"),
        trading_name=r.text(party, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        identifiers=r.idents(party, "ram:ID | ram:GlobalID"),
        legal_registration_id=r.ident(party, "ram:SpecifiedLegalOrganization/ram:ID"),
        vat_id=r.text(party, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        tax_number=r.text(party, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
        legal_info=r.text(party, "ram:Description"),
        electronic_address=r.ident(party, "ram:URIUniversalCommunication/ram:URIID"),
        address=_address(r, r.node(party, "ram:PostalTradeAddress")),
        contact=_contact(r, r.node(party, "ram:DefinedTradeContact")),
    )


def _delivery(r: Reader, dlv: Element | None) -> Delivery | None:
    ship_to = r.node(dlv, "ram:ShipToTradeParty")
    event = f"ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/{_DATE}"
    delivered = r.date(dlv, event, "BT-72")
    if ship_to is None and delivered is None:
        return None
    return Delivery(
        party_name=r.text(ship_to, "ram:Name"),
        location_id=r.ident(ship_to, "ram:ID | ram:GlobalID"),
        delivery_date=delivered,
        address=_address(r, r.node(ship_to, "ram:PostalTradeAddress")),
    )


def _period(r: Reader, node: Element | None, start_bt: str, end_bt: str) -> Period | None:
    if node is None:
        return None
    return Period(
        start=r.date(node, f"ram:StartDateTime/{_DATE}", start_bt),
        end=r.date(node, f"ram:EndDateTime/{_DATE}", end_bt),
    )


def _payment(r: Reader, stl: Element | None, terms: list[Element]) -> PaymentInstructions | None:
    means_nodes = r.nodes(stl, "ram:SpecifiedTradeSettlementPaymentMeans")
    remittance = r.text(stl, "ram:PaymentReference")
    mandate = next((m for t in terms if (m := r.text(t, "ram:DirectDebitMandateID"))), None)
    if not means_nodes and remittance is None and mandate is None:
        return None
    creditor_account = "ram:PayeePartyCreditorFinancialAccount"
    return PaymentInstructions(
        means=tuple(
            PaymentMeans(
                code=r.text(n, "ram:TypeCode"),
                text=r.text(n, "ram:Information"),
                account_id=r.text(n, f"{creditor_account}/ram:IBANID")
                or r.text(n, f"{creditor_account}/ram:ProprietaryID"),
                account_name=r.text(n, f"{creditor_account}/ram:AccountName"),
                bic=r.text(n, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
                card_pan=r.text(n, "ram:ApplicableTradeSettlementFinancialCard/ram:ID"),
                card_holder=r.text(
                    n, "ram:ApplicableTradeSettlementFinancialCard/ram:CardholderName"
                ),
            )
            for n in means_nodes
        ),
        remittance_information=remittance,
        mandate_reference=mandate,
        creditor_id=r.text(stl, "ram:CreditorReferenceID"),
        debited_account=r.text(
            stl,
            "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount"
            "/ram:IBANID",
        ),
    )


def _allowance_charge(r: Reader, node: Element) -> AllowanceCharge:
    return AllowanceCharge(
        charge=bool(r.boolean(node, "ram:ChargeIndicator/udt:Indicator")),
        amount=r.decimal(node, "ram:ActualAmount", "BT-92/BT-99"),
        base_amount=r.decimal(node, "ram:BasisAmount", "BT-93/BT-100"),
        percentage=r.decimal(node, "ram:CalculationPercent", "BT-94/BT-101"),
        vat_category=r.text(node, "ram:CategoryTradeTax/ram:CategoryCode"),
        vat_rate=r.decimal(node, "ram:CategoryTradeTax/ram:RateApplicablePercent", "BT-96/BT-103"),
        reason=r.text(node, "ram:Reason"),
        reason_code=r.text(node, "ram:ReasonCode"),
    )


def _totals(
    r: Reader, stl: Element | None, currency: str | None, tax_currency: str | None
) -> Totals:
    m = r.node(stl, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    vat_total = r.decimal(m, f"ram:TaxTotalAmount[@currencyID='{currency}']", "BT-110")
    if vat_total is None and (not tax_currency or tax_currency == currency):
        vat_total = r.decimal(m, "ram:TaxTotalAmount", "BT-110")
    vat_accounting = None
    if tax_currency and tax_currency != currency:
        vat_accounting = r.decimal(m, f"ram:TaxTotalAmount[@currencyID='{tax_currency}']", "BT-111")
    return Totals(
        line_net_total=r.decimal(m, "ram:LineTotalAmount", "BT-106"),
        allowance_total=r.decimal(m, "ram:AllowanceTotalAmount", "BT-107"),
        charge_total=r.decimal(m, "ram:ChargeTotalAmount", "BT-108"),
        tax_exclusive=r.decimal(m, "ram:TaxBasisTotalAmount", "BT-109"),
        vat_total=vat_total,
        vat_total_accounting_currency=vat_accounting,
        tax_inclusive=r.decimal(m, "ram:GrandTotalAmount", "BT-112"),
        prepaid=r.decimal(m, "ram:TotalPrepaidAmount", "BT-113"),
        rounding=r.decimal(m, "ram:RoundingAmount", "BT-114"),
        payable=r.decimal(m, "ram:DuePayableAmount", "BT-115"),
    )


def _attachment(r: Reader, ref: Element) -> Attachment:
    binary = "ram:AttachmentBinaryObject"
    return Attachment(
        id=r.text(ref, "ram:IssuerAssignedID"),
        description=r.text(ref, "ram:Name"),
        uri=r.text(ref, "ram:URIID"),
        content=r.binary(ref, binary, "BT-125"),
        mime_code=r.attr(ref, binary, "mimeCode"),
        filename=r.attr(ref, binary, "filename"),
    )


def _lines(r: Reader, nodes: list[Element]) -> tuple[InvoiceLine, ...]:
    """Top-level lines, with extension sub-lines nested under their ``ParentLineID``."""
    doc = "ram:AssociatedDocumentLineDocument"
    ids = {r.text(n, f"{doc}/ram:LineID") for n in nodes}
    children: defaultdict[str | None, list[Element]] = defaultdict(list)
    for node in nodes:
        parent = r.text(node, f"{doc}/ram:ParentLineID")
        children[parent if parent in ids else None].append(node)

    def build(node: Element, seen: frozenset[str]) -> InvoiceLine:
        line = _line(r, node)
        if line.id is None or line.id in seen:
            return line
        subs = tuple(build(c, seen | {line.id}) for c in children.get(line.id, []))
        return replace(line, sub_lines=subs)

    return tuple(build(n, frozenset()) for n in children[None])


def _line(r: Reader, node: Element) -> InvoiceLine:
    doc = r.node(node, "ram:AssociatedDocumentLineDocument")
    product = r.node(node, "ram:SpecifiedTradeProduct")
    agreement = r.node(node, "ram:SpecifiedLineTradeAgreement")
    settlement = r.node(node, "ram:SpecifiedLineTradeSettlement")
    gross = r.node(agreement, "ram:GrossPriceProductTradePrice")
    net = r.node(agreement, "ram:NetPriceProductTradePrice")
    quantity = "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    base = net if r.node(net, "ram:BasisQuantity") is not None else gross
    return InvoiceLine(
        id=r.text(doc, "ram:LineID"),
        note=r.text(doc, "ram:IncludedNote/ram:Content"),
        object_id=_object_reference(r, settlement),
        quantity=r.decimal(node, quantity, "BT-129"),
        unit=r.attr(node, quantity, "unitCode"),
        net_amount=r.decimal(
            settlement,
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            "BT-131",
        ),
        order_line_reference=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
        accounting_reference=r.text(
            settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        period=_period(r, r.node(settlement, "ram:BillingSpecifiedPeriod"), "BT-134", "BT-135"),
        allowances_charges=tuple(
            _allowance_charge(r, n)
            for n in r.nodes(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ),
        net_price=r.decimal(net, "ram:ChargeAmount", "BT-146"),
        price_discount=r.decimal(
            gross, "ram:AppliedTradeAllowanceCharge/ram:ActualAmount", "BT-147"
        ),
        gross_price=r.decimal(gross, "ram:ChargeAmount", "BT-148"),
        base_quantity=r.decimal(base, "ram:BasisQuantity", "BT-149"),
        base_quantity_unit=r.attr(base, "ram:BasisQuantity", "unitCode"),
        vat_category=r.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
        vat_rate=r.decimal(
            settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent", "BT-152"
        ),
        name=r.text(product, "ram:Name"),
        description=r.text(product, "ram:Description"),
        seller_item_id=r.text(product, "ram:SellerAssignedID"),
        buyer_item_id=r.text(product, "ram:BuyerAssignedID"),
        standard_item_id=r.ident(product, "ram:GlobalID"),
        classifications=r.idents(
            product, "ram:DesignatedProductClassification/ram:ClassCode", "listID"
        ),
        origin_country=r.text(product, "ram:OriginTradeCountry/ram:ID"),
        attributes=tuple(
            ItemAttribute(
                name=r.text(c, "ram:Description") or "", value=r.text(c, "ram:Value") or ""
            )
            for c in r.nodes(product, "ram:ApplicableProductCharacteristic")
        ),
    )
