"""Read an :class:`InvoiceData` from a UBL 2.1 Invoice or CreditNote (EN 16931-3-2 binding).

CreditNote differs from Invoice only in a few element names (type code, line and
quantity element, where the due date sits), so one reader serves both.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from services.einvoice.extraction.data import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    Delivery,
    InvoiceData,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    PaymentInstructions,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    ThirdPartyPayment,
    Totals,
    VatBreakdown,
)
from services.einvoice.extraction.xmlread import Element, Reader

NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_SPECIAL_DOCUMENT_TYPES = ("50", "130")  # BT-17 tender and BT-18 invoiced object


def read_ubl(tree: etree._ElementTree | Element, *, credit_note: bool) -> InvoiceData:
    """Extract the EN 16931 terms of a UBL Invoice (or CreditNote when ``credit_note``)."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    r = Reader(NAMESPACES)
    kind = "CreditNote" if credit_note else "Invoice"
    supplier = r.node(root, "cac:AccountingSupplierParty/cac:Party")
    customer = r.node(root, "cac:AccountingCustomerParty/cac:Party")
    currency = r.text(root, "cbc:DocumentCurrencyCode")
    tax_currency = r.text(root, "cbc:TaxCurrencyCode")
    due_path = "cac:PaymentMeans/cbc:PaymentDueDate" if credit_note else "cbc:DueDate"
    invoice = InvoiceData(
        number=r.text(root, "cbc:ID"),
        issue_date=r.date(root, "cbc:IssueDate", "BT-2"),
        type_code=r.text(root, f"cbc:{kind}TypeCode"),
        currency=currency,
        tax_currency=tax_currency,
        tax_point_date=r.date(root, "cbc:TaxPointDate", "BT-7"),
        due_date=r.date(root, due_path, "BT-9") or r.date(root, "cbc:DueDate", "BT-9"),
        buyer_reference=r.text(root, "cbc:BuyerReference"),
        project_reference=r.text(root, "cac:ProjectReference/cbc:ID")
        or r.text(root, "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID"),
        contract_reference=r.text(root, "cac:ContractDocumentReference/cbc:ID"),
        order_reference=r.text(root, "cac:OrderReference/cbc:ID"),
        sales_order_reference=r.text(root, "cac:OrderReference/cbc:SalesOrderID"),
        receiving_advice_reference=r.text(root, "cac:ReceiptDocumentReference/cbc:ID"),
        despatch_advice_reference=r.text(root, "cac:DespatchDocumentReference/cbc:ID"),
        tender_reference=r.text(root, "cac:OriginatorDocumentReference/cbc:ID"),
        invoiced_object=r.ident(
            root, "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID"
        ),
        buyer_accounting_reference=r.text(root, "cbc:AccountingCost"),
        payment_terms="\n".join(r.texts(root, "cac:PaymentTerms/cbc:Note")) or None,
        notes=tuple(_note(text) for text in r.texts(root, "cbc:Note")),
        process_id=r.text(root, "cbc:ProfileID"),
        specification_id=r.text(root, "cbc:CustomizationID"),
        preceding_invoices=tuple(
            PrecedingInvoice(
                number=r.text(ref, "cbc:ID") or "",
                issue_date=r.date(ref, "cbc:IssueDate", "BT-26"),
            )
            for ref in r.nodes(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ),
        seller=_party(r, supplier),
        buyer=_party(r, customer),
        payee=_party(r, r.node(root, "cac:PayeeParty")),
        tax_representative=_party(r, r.node(root, "cac:TaxRepresentativeParty")),
        delivery=_delivery(r, r.node(root, "cac:Delivery")),
        invoice_period=_period(r, r.node(root, "cac:InvoicePeriod"), "BT-73", "BT-74"),
        payment=_payment(r, root, supplier),
        allowances_charges=tuple(
            _allowance_charge(r, n) for n in r.nodes(root, "cac:AllowanceCharge")
        ),
        totals=_totals(r, root, currency, tax_currency),
        third_party_payments=tuple(
            ThirdPartyPayment(
                type=r.text(n, "cbc:ID"),
                amount=r.decimal(n, "cbc:PaidAmount", "BT-DEX-002"),
                description=r.text(n, "cbc:InstructionID"),
            )
            for n in r.nodes(root, "cac:PrepaidPayment")
        ),
        vat_breakdown=tuple(
            VatBreakdown(
                category=r.text(sub, "cac:TaxCategory/cbc:ID"),
                rate=r.decimal(sub, "cac:TaxCategory/cbc:Percent", "BT-119"),
                taxable_amount=r.decimal(sub, "cbc:TaxableAmount", "BT-116"),
                tax_amount=r.decimal(sub, "cbc:TaxAmount", "BT-117"),
                exemption_reason=r.text(sub, "cac:TaxCategory/cbc:TaxExemptionReason"),
                exemption_reason_code=r.text(sub, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
            )
            for sub in r.nodes(root, "cac:TaxTotal/cac:TaxSubtotal")
        ),
        attachments=tuple(
            _attachment(r, ref)
            for ref in r.nodes(root, "cac:AdditionalDocumentReference")
            if r.text(ref, "cbc:DocumentTypeCode") not in _SPECIAL_DOCUMENT_TYPES
        ),
        lines=tuple(_line(r, n, kind) for n in r.nodes(root, f"cac:{kind}Line")),
    )
    return replace(invoice, extraction_notes=tuple(r.notes))


def _note(text: str) -> Note:
    """UBL has no subject code element; XRechnung writes it as ``#CODE#text``."""
    if text.startswith("#") and text.count("#") >= 2:
        _, code, rest = text.split("#", 2)
        if code.isalnum() and len(code) <= 3:
            return Note(subject_code=code, text=rest)
    return Note(text=text)


def _address(r: Reader, node: Element | None) -> Address | None:
    if node is None:
        return None
    return Address(
        line1=r.text(node, "cbc:StreetName"),
        line2=r.text(node, "cbc:AdditionalStreetName"),
        line3=r.text(node, "cac:AddressLine/cbc:Line"),
        city=r.text(node, "cbc:CityName"),
        postcode=r.text(node, "cbc:PostalZone"),
        subdivision=r.text(node, "cbc:CountrySubentity"),
        country=r.text(node, "cac:Country/cbc:IdentificationCode"),
    )


def _party(r: Reader, party: Element | None) -> Party | None:
    if party is None:
        return None
    contact = r.node(party, "cac:Contact")
    registration = r.text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
    trading = r.text(party, "cac:PartyName/cbc:Name")
    return Party(
        # payee and tax representative only have PartyName
        name=registration or trading,
        trading_name=trading if registration else None,
        identifiers=tuple(
            i
            for i in r.idents(party, "cac:PartyIdentification/cbc:ID")
            if i.scheme != "SEPA"  # that one is the creditor id BT-90
        ),
        legal_registration_id=r.ident(party, "cac:PartyLegalEntity/cbc:CompanyID"),
        vat_id=r.text(party, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        tax_number=r.text(party, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/cbc:CompanyID"),
        legal_info=r.text(party, "cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        electronic_address=r.ident(party, "cbc:EndpointID"),
        address=_address(r, r.node(party, "cac:PostalAddress")),
        contact=Contact(
            name=r.text(contact, "cbc:Name"),
            phone=r.text(contact, "cbc:Telephone"),
            email=r.text(contact, "cbc:ElectronicMail"),
        )
        if contact is not None
        else None,
    )


def _delivery(r: Reader, node: Element | None) -> Delivery | None:
    if node is None:
        return None
    return Delivery(
        party_name=r.text(node, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
        location_id=r.ident(node, "cac:DeliveryLocation/cbc:ID"),
        delivery_date=r.date(node, "cbc:ActualDeliveryDate", "BT-72"),
        address=_address(r, r.node(node, "cac:DeliveryLocation/cac:Address")),
    )


def _period(r: Reader, node: Element | None, start_bt: str, end_bt: str) -> Period | None:
    if node is None:
        return None
    return Period(
        start=r.date(node, "cbc:StartDate", start_bt), end=r.date(node, "cbc:EndDate", end_bt)
    )


def _payment(r: Reader, root: Element, supplier: Element | None) -> PaymentInstructions | None:
    means_nodes = r.nodes(root, "cac:PaymentMeans")
    if not means_nodes:
        return None
    creditor = r.text(supplier, "cac:PartyIdentification/cbc:ID[@schemeID='SEPA']") or r.text(
        root, "cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"
    )
    return PaymentInstructions(
        means=tuple(
            PaymentMeans(
                code=r.text(n, "cbc:PaymentMeansCode"),
                text=r.attr(n, "cbc:PaymentMeansCode", "name"),
                account_id=r.text(n, "cac:PayeeFinancialAccount/cbc:ID"),
                account_name=r.text(n, "cac:PayeeFinancialAccount/cbc:Name"),
                bic=r.text(n, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
                card_pan=r.text(n, "cac:CardAccount/cbc:PrimaryAccountNumberID"),
                card_holder=r.text(n, "cac:CardAccount/cbc:HolderName"),
            )
            for n in means_nodes
        ),
        remittance_information=r.text(root, "cac:PaymentMeans/cbc:PaymentID"),
        mandate_reference=r.text(root, "cac:PaymentMeans/cac:PaymentMandate/cbc:ID"),
        creditor_id=creditor,
        debited_account=r.text(
            root, "cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"
        ),
    )


def _allowance_charge(r: Reader, node: Element) -> AllowanceCharge:
    return AllowanceCharge(
        charge=bool(r.boolean(node, "cbc:ChargeIndicator")),
        amount=r.decimal(node, "cbc:Amount", "BT-92/BT-99"),
        base_amount=r.decimal(node, "cbc:BaseAmount", "BT-93/BT-100"),
        percentage=r.decimal(node, "cbc:MultiplierFactorNumeric", "BT-94/BT-101"),
        vat_category=r.text(node, "cac:TaxCategory/cbc:ID"),
        vat_rate=r.decimal(node, "cac:TaxCategory/cbc:Percent", "BT-96/BT-103"),
        reason=r.text(node, "cbc:AllowanceChargeReason"),
        reason_code=r.text(node, "cbc:AllowanceChargeReasonCode"),
    )


def _totals(r: Reader, root: Element, currency: str | None, tax_currency: str | None) -> Totals:
    m = r.node(root, "cac:LegalMonetaryTotal")
    vat_total = r.decimal(root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']", "BT-110")
    if vat_total is None and not tax_currency:
        vat_total = r.decimal(root, "cac:TaxTotal/cbc:TaxAmount", "BT-110")
    vat_accounting = None
    if tax_currency and tax_currency != currency:
        vat_accounting = r.decimal(
            root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{tax_currency}']", "BT-111"
        )
    return Totals(
        line_net_total=r.decimal(m, "cbc:LineExtensionAmount", "BT-106"),
        allowance_total=r.decimal(m, "cbc:AllowanceTotalAmount", "BT-107"),
        charge_total=r.decimal(m, "cbc:ChargeTotalAmount", "BT-108"),
        tax_exclusive=r.decimal(m, "cbc:TaxExclusiveAmount", "BT-109"),
        vat_total=vat_total,
        vat_total_accounting_currency=vat_accounting,
        tax_inclusive=r.decimal(m, "cbc:TaxInclusiveAmount", "BT-112"),
        prepaid=r.decimal(m, "cbc:PrepaidAmount", "BT-113"),
        rounding=r.decimal(m, "cbc:PayableRoundingAmount", "BT-114"),
        payable=r.decimal(m, "cbc:PayableAmount", "BT-115"),
    )


def _attachment(r: Reader, ref: Element) -> Attachment:
    binary = "cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
    return Attachment(
        id=r.text(ref, "cbc:ID"),
        description=r.text(ref, "cbc:DocumentDescription"),
        uri=r.text(ref, "cac:Attachment/cac:ExternalReference/cbc:URI"),
        content=r.binary(ref, binary, "BT-125"),
        mime_code=r.attr(ref, binary, "mimeCode"),
        filename=r.attr(ref, binary, "filename"),
    )


def _line(r: Reader, node: Element, kind: str) -> InvoiceLine:
    quantity = "cbc:CreditedQuantity" if kind == "CreditNote" else "cbc:InvoicedQuantity"
    item = r.node(node, "cac:Item")
    price = r.node(node, "cac:Price")
    return InvoiceLine(
        id=r.text(node, "cbc:ID"),
        note=r.text(node, "cbc:Note"),
        object_id=r.ident(node, "cac:DocumentReference/cbc:ID"),
        quantity=r.decimal(node, quantity, "BT-129"),
        unit=r.attr(node, quantity, "unitCode"),
        net_amount=r.decimal(node, "cbc:LineExtensionAmount", "BT-131"),
        order_line_reference=r.text(node, "cac:OrderLineReference/cbc:LineID"),
        accounting_reference=r.text(node, "cbc:AccountingCost"),
        period=_period(r, r.node(node, "cac:InvoicePeriod"), "BT-134", "BT-135"),
        allowances_charges=tuple(
            _allowance_charge(r, n) for n in r.nodes(node, "cac:AllowanceCharge")
        ),
        net_price=r.decimal(price, "cbc:PriceAmount", "BT-146"),
        price_discount=r.decimal(price, "cac:AllowanceCharge/cbc:Amount", "BT-147"),
        gross_price=r.decimal(price, "cac:AllowanceCharge/cbc:BaseAmount", "BT-148"),
        base_quantity=r.decimal(price, "cbc:BaseQuantity", "BT-149"),
        base_quantity_unit=r.attr(price, "cbc:BaseQuantity", "unitCode"),
        vat_category=r.text(item, "cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=r.decimal(item, "cac:ClassifiedTaxCategory/cbc:Percent", "BT-152"),
        name=r.text(item, "cbc:Name"),
        description=r.text(item, "cbc:Description"),
        seller_item_id=r.text(item, "cac:SellersItemIdentification/cbc:ID"),
        buyer_item_id=r.text(item, "cac:BuyersItemIdentification/cbc:ID"),
        standard_item_id=r.ident(item, "cac:StandardItemIdentification/cbc:ID"),
        classifications=r.idents(
            item, "cac:CommodityClassification/cbc:ItemClassificationCode", "listID"
        ),
        origin_country=r.text(item, "cac:OriginCountry/cbc:IdentificationCode"),
        attributes=tuple(
            ItemAttribute(name=r.text(p, "cbc:Name") or "", value=r.text(p, "cbc:Value") or "")
            for p in r.nodes(item, "cac:AdditionalItemProperty")
        ),
        sub_lines=tuple(_line(r, sub, kind) for sub in r.nodes(node, f"cac:Sub{kind}Line")),
    )
