"""The invoice record extracted from an e-invoice, in EN 16931 terms.

Every field carries its business term id (``BT-n`` / ``BG-n``) and German label in the
dataclass field metadata.  That keeps the semantic model in one place: the UBL and CII
readers fill the same record, and the renderer shows each present term with its id
without a second table that could drift.  Terms whose id depends on the party (the
seller's name is BT-27, the buyer's BT-44) carry a mapping ``role -> id``.

Amounts, quantities and rates are :class:`~decimal.Decimal` exactly as written in the
XML (no rounding); dates are :class:`~datetime.date`.  A value that cannot be read
(e.g. an issue date "Dies ist kein Datum") is left ``None`` and explained in
:attr:`InvoiceData.extraction_notes` instead of failing the whole record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

BtId = str | Mapping[str, str]


def term(bt: BtId, de: str, default: Any = None, *, role: str | None = None) -> Any:
    """A dataclass field for business term ``bt`` with German label ``de``.

    ``role`` is set on group fields (a party, an address) and selects the id of the
    role-dependent terms inside it.
    """
    return field(default=default, metadata={"bt": bt, "de": de, "role": role})


def bt_of(meta: Mapping[str, Any], role: str | None) -> str:
    """The term id in field metadata, resolved for ``role`` where it depends on one."""
    bt = meta["bt"]
    if isinstance(bt, str):
        return bt
    return str(bt.get(role or "", next(iter(bt.values()))))


@dataclass(frozen=True, kw_only=True)
class Identifier:
    """An identifier with its optional scheme (ISO 6523 ICD, "EM", "VA", "SEPA", ...)."""

    value: str
    scheme: str | None = None

    def __str__(self) -> str:
        return f"{self.value} ({self.scheme})" if self.scheme else self.value


@dataclass(frozen=True, kw_only=True)
class Address:
    line1: str | None = term(
        {"seller": "BT-35", "buyer": "BT-50", "tax_representative": "BT-64", "delivery": "BT-75"},
        "Straße / Adresszeile 1",
    )
    line2: str | None = term(
        {"seller": "BT-36", "buyer": "BT-51", "tax_representative": "BT-65", "delivery": "BT-76"},
        "Adresszeile 2",
    )
    line3: str | None = term(
        {
            "seller": "BT-162",
            "buyer": "BT-163",
            "tax_representative": "BT-164",
            "delivery": "BT-165",
        },
        "Adresszeile 3",
    )
    city: str | None = term(
        {"seller": "BT-37", "buyer": "BT-52", "tax_representative": "BT-66", "delivery": "BT-77"},
        "Ort",
    )
    postcode: str | None = term(
        {"seller": "BT-38", "buyer": "BT-53", "tax_representative": "BT-67", "delivery": "BT-78"},
        "Postleitzahl",
    )
    subdivision: str | None = term(
        {"seller": "BT-39", "buyer": "BT-54", "tax_representative": "BT-68", "delivery": "BT-79"},
        "Bundesland / Region",
    )
    country: str | None = term(
        {"seller": "BT-40", "buyer": "BT-55", "tax_representative": "BT-69", "delivery": "BT-80"},
        "Ländercode",
    )


@dataclass(frozen=True, kw_only=True)
class Contact:
    name: str | None = term({"seller": "BT-41", "buyer": "BT-56"}, "Kontaktstelle / Name")
    phone: str | None = term({"seller": "BT-42", "buyer": "BT-57"}, "Telefon")
    email: str | None = term({"seller": "BT-43", "buyer": "BT-58"}, "E-Mail")


@dataclass(frozen=True, kw_only=True)
class Party:
    """Seller (BG-4), buyer (BG-7), payee (BG-10) or seller's tax representative (BG-11)."""

    name: str | None = term(
        {"seller": "BT-27", "buyer": "BT-44", "payee": "BT-59", "tax_representative": "BT-62"},
        "Name",
    )
    trading_name: str | None = term({"seller": "BT-28", "buyer": "BT-45"}, "Handelsname")
    identifiers: tuple[Identifier, ...] = term(
        {"seller": "BT-29", "buyer": "BT-46", "payee": "BT-60"}, "Kennung", ()
    )
    legal_registration_id: Identifier | None = term(
        {"seller": "BT-30", "buyer": "BT-47", "payee": "BT-61"}, "Registernummer"
    )
    vat_id: str | None = term(
        {"seller": "BT-31", "buyer": "BT-48", "tax_representative": "BT-63"},
        "Umsatzsteuer-Identifikationsnummer",
    )
    tax_number: str | None = term({"seller": "BT-32"}, "Steuernummer")
    legal_info: str | None = term({"seller": "BT-33"}, "Weitere rechtliche Informationen")
    electronic_address: Identifier | None = term(
        {"seller": "BT-34", "buyer": "BT-49"}, "Elektronische Adresse"
    )
    address: Address | None = term(
        {"seller": "BG-5", "buyer": "BG-8", "tax_representative": "BG-12"}, "Anschrift"
    )
    contact: Contact | None = term({"seller": "BG-6", "buyer": "BG-9"}, "Kontakt")


@dataclass(frozen=True, kw_only=True)
class Delivery:
    party_name: str | None = term("BT-70", "Name des Empfängers")
    location_id: Identifier | None = term("BT-71", "Kennung des Lieferorts")
    delivery_date: date | None = term("BT-72", "Tatsächliches Lieferdatum")
    address: Address | None = term("BG-15", "Lieferanschrift", role="delivery")


@dataclass(frozen=True, kw_only=True)
class Period:
    start: date | None = term({"invoice": "BT-73", "line": "BT-134"}, "Beginn")
    end: date | None = term({"invoice": "BT-74", "line": "BT-135"}, "Ende")


@dataclass(frozen=True, kw_only=True)
class Note:
    subject_code: str | None = term("BT-21", "Betreff (Code)")
    text: str = term("BT-22", "Bemerkung", "")


@dataclass(frozen=True, kw_only=True)
class PrecedingInvoice:
    number: str = term("BT-25", "Nummer der vorausgegangenen Rechnung", "")
    issue_date: date | None = term("BT-26", "Datum der vorausgegangenen Rechnung")


@dataclass(frozen=True, kw_only=True)
class PaymentMeans:
    """One way to pay (UBL PaymentMeans / CII SpecifiedTradeSettlementPaymentMeans)."""

    code: str | None = term("BT-81", "Code für das Zahlungsmittel")
    text: str | None = term("BT-82", "Zahlungsmittel (Text)")
    account_id: str | None = term("BT-84", "Kennung des Zahlungskontos (IBAN)")
    account_name: str | None = term("BT-85", "Name des Zahlungskontos")
    bic: str | None = term("BT-86", "Kennung des Zahlungsdienstleisters (BIC)")
    card_pan: str | None = term("BT-87", "Kartennummer (PAN)")
    card_holder: str | None = term("BT-88", "Karteninhaber")


@dataclass(frozen=True, kw_only=True)
class PaymentInstructions:
    means: tuple[PaymentMeans, ...] = term("BG-16", "Zahlungsmittel", ())
    remittance_information: str | None = term("BT-83", "Verwendungszweck")
    mandate_reference: str | None = term("BT-89", "Mandatsreferenz")
    creditor_id: str | None = term("BT-90", "Gläubiger-ID")
    debited_account: str | None = term("BT-91", "Belastetes Konto (IBAN)")


@dataclass(frozen=True, kw_only=True)
class AllowanceCharge:
    """A document level (BG-20/BG-21) or line level (BG-27/BG-28) allowance or charge."""

    charge: bool = term(
        {
            "allowance": "BG-20",
            "charge": "BG-21",
            "line-allowance": "BG-27",
            "line-charge": "BG-28",
        },
        "Art",
        False,
    )
    amount: Decimal | None = term(
        {
            "allowance": "BT-92",
            "charge": "BT-99",
            "line-allowance": "BT-136",
            "line-charge": "BT-141",
        },
        "Betrag",
    )
    base_amount: Decimal | None = term(
        {
            "allowance": "BT-93",
            "charge": "BT-100",
            "line-allowance": "BT-137",
            "line-charge": "BT-142",
        },
        "Basisbetrag",
    )
    percentage: Decimal | None = term(
        {
            "allowance": "BT-94",
            "charge": "BT-101",
            "line-allowance": "BT-138",
            "line-charge": "BT-143",
        },
        "Prozentsatz",
    )
    vat_category: str | None = term(
        {"allowance": "BT-95", "charge": "BT-102"}, "Umsatzsteuerkategorie"
    )
    vat_rate: Decimal | None = term({"allowance": "BT-96", "charge": "BT-103"}, "Steuersatz")
    reason: str | None = term(
        {
            "allowance": "BT-97",
            "charge": "BT-104",
            "line-allowance": "BT-139",
            "line-charge": "BT-144",
        },
        "Grund",
    )
    reason_code: str | None = term(
        {
            "allowance": "BT-98",
            "charge": "BT-105",
            "line-allowance": "BT-140",
            "line-charge": "BT-145",
        },
        "Grund (Code)",
    )


@dataclass(frozen=True, kw_only=True)
class ThirdPartyPayment:
    """XRechnung extension BG-DEX-09: an amount a third party collected (counts for BT-115).

    The extension defines it for UBL only (``cac:PrepaidPayment``); CII has no binding.
    """

    type: str | None = term("BT-DEX-001", "Art der Drittzahlung")
    amount: Decimal | None = term("BT-DEX-002", "Betrag der Drittzahlung")
    description: str | None = term("BT-DEX-003", "Beschreibung der Drittzahlung")


@dataclass(frozen=True, kw_only=True)
class Totals:
    """Document totals (BG-22)."""

    line_net_total: Decimal | None = term("BT-106", "Summe der Nettobeträge der Positionen")
    allowance_total: Decimal | None = term("BT-107", "Summe der Abschläge")
    charge_total: Decimal | None = term("BT-108", "Summe der Zuschläge")
    tax_exclusive: Decimal | None = term("BT-109", "Gesamtbetrag ohne Umsatzsteuer")
    vat_total: Decimal | None = term("BT-110", "Umsatzsteuer gesamt")
    vat_total_accounting_currency: Decimal | None = term(
        "BT-111", "Umsatzsteuer gesamt in Abrechnungswährung"
    )
    tax_inclusive: Decimal | None = term("BT-112", "Gesamtbetrag mit Umsatzsteuer")
    prepaid: Decimal | None = term("BT-113", "Gezahlter Betrag")
    rounding: Decimal | None = term("BT-114", "Rundungsbetrag")
    payable: Decimal | None = term("BT-115", "Fälliger Zahlungsbetrag")


@dataclass(frozen=True, kw_only=True)
class VatBreakdown:
    """One VAT category and rate (BG-23)."""

    category: str | None = term("BT-118", "Umsatzsteuerkategorie")
    rate: Decimal | None = term("BT-119", "Steuersatz (%)")
    taxable_amount: Decimal | None = term("BT-116", "Steuerbasisbetrag")
    tax_amount: Decimal | None = term("BT-117", "Steuerbetrag")
    exemption_reason: str | None = term("BT-120", "Befreiungsgrund")
    exemption_reason_code: str | None = term("BT-121", "Befreiungsgrund (Code)")


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A supporting document (BG-24), embedded (BT-125) or referenced by URI (BT-124)."""

    id: str | None = term("BT-122", "Kennung")
    description: str | None = term("BT-123", "Beschreibung")
    uri: str | None = term("BT-124", "Externer Speicherort")
    content: bytes | None = term("BT-125", "Eingebettetes Dokument")
    mime_code: str | None = term("BT-125-1", "MIME-Typ")
    filename: str | None = term("BT-125-2", "Dateiname")


@dataclass(frozen=True, kw_only=True)
class ItemAttribute:
    name: str = term("BT-160", "Eigenschaft", "")
    value: str = term("BT-161", "Wert", "")


@dataclass(frozen=True, kw_only=True)
class InvoiceLine:
    """One invoice line (BG-25); ``sub_lines`` are XRechnung extension sub-lines (BG-DEX-01)."""

    id: str | None = term("BT-126", "Position")
    note: str | None = term("BT-127", "Bemerkung")
    object_id: Identifier | None = term("BT-128", "Objektkennung")
    quantity: Decimal | None = term("BT-129", "Menge")
    unit: str | None = term("BT-130", "Einheit")
    net_amount: Decimal | None = term("BT-131", "Nettobetrag")
    order_line_reference: str | None = term("BT-132", "Referenz zur Bestellposition")
    accounting_reference: str | None = term("BT-133", "Buchungsreferenz")
    period: Period | None = term("BG-26", "Abrechnungszeitraum", role="line")
    allowances_charges: tuple[AllowanceCharge, ...] = term(
        "BG-27/BG-28", "Abschläge und Zuschläge", ()
    )
    net_price: Decimal | None = term("BT-146", "Nettopreis")
    price_discount: Decimal | None = term("BT-147", "Rabatt auf den Preis")
    gross_price: Decimal | None = term("BT-148", "Bruttopreis")
    base_quantity: Decimal | None = term("BT-149", "Basismenge")
    base_quantity_unit: str | None = term("BT-150", "Einheit der Basismenge")
    vat_category: str | None = term("BT-151", "Umsatzsteuerkategorie")
    vat_rate: Decimal | None = term("BT-152", "Steuersatz (%)")
    name: str | None = term("BT-153", "Artikelname")
    description: str | None = term("BT-154", "Artikelbeschreibung")
    seller_item_id: str | None = term("BT-155", "Artikelnummer des Verkäufers")
    buyer_item_id: str | None = term("BT-156", "Artikelnummer des Käufers")
    standard_item_id: Identifier | None = term("BT-157", "Standardkennung des Artikels")
    classifications: tuple[Identifier, ...] = term("BT-158", "Artikelklassifizierung", ())
    origin_country: str | None = term("BT-159", "Ursprungsland")
    attributes: tuple[ItemAttribute, ...] = term("BG-32", "Artikeleigenschaften", ())
    sub_lines: tuple[InvoiceLine, ...] = term("BG-DEX-01", "Unterpositionen", (), role="line")


@dataclass(frozen=True, kw_only=True)
class InvoiceData:
    """Everything extracted from one invoice; the XML stays the legally relevant original."""

    number: str | None = term("BT-1", "Rechnungsnummer")
    issue_date: date | None = term("BT-2", "Rechnungsdatum")
    type_code: str | None = term("BT-3", "Rechnungsart (Code)")
    currency: str | None = term("BT-5", "Währung")
    tax_currency: str | None = term("BT-6", "Umsatzsteuer-Abrechnungswährung")
    tax_point_date: date | None = term("BT-7", "Steuerlicher Leistungszeitpunkt")
    due_date: date | None = term("BT-9", "Fälligkeitsdatum")
    buyer_reference: str | None = term("BT-10", "Käuferreferenz (Leitweg-ID)")
    project_reference: str | None = term("BT-11", "Projektreferenz")
    contract_reference: str | None = term("BT-12", "Vertragsreferenz")
    order_reference: str | None = term("BT-13", "Bestellreferenz")
    sales_order_reference: str | None = term("BT-14", "Auftragsreferenz")
    receiving_advice_reference: str | None = term("BT-15", "Wareneingangsmeldung")
    despatch_advice_reference: str | None = term("BT-16", "Versandanzeige")
    tender_reference: str | None = term("BT-17", "Vergabe- oder Losreferenz")
    invoiced_object: Identifier | None = term("BT-18", "Kennung des Rechnungsobjekts")
    buyer_accounting_reference: str | None = term("BT-19", "Buchungsreferenz des Käufers")
    payment_terms: str | None = term("BT-20", "Zahlungsbedingungen")
    notes: tuple[Note, ...] = term("BG-1", "Bemerkungen zur Rechnung", ())
    process_id: str | None = term("BT-23", "Geschäftsprozess")
    specification_id: str | None = term("BT-24", "Spezifikationskennung")
    preceding_invoices: tuple[PrecedingInvoice, ...] = term(
        "BG-3", "Vorausgegangene Rechnungen", ()
    )
    seller: Party | None = term("BG-4", "Verkäufer", role="seller")
    buyer: Party | None = term("BG-7", "Käufer", role="buyer")
    payee: Party | None = term("BG-10", "Zahlungsempfänger", role="payee")
    tax_representative: Party | None = term(
        "BG-11", "Steuerbevollmächtigter des Verkäufers", role="tax_representative"
    )
    delivery: Delivery | None = term("BG-13", "Lieferinformationen")
    invoice_period: Period | None = term("BG-14", "Abrechnungszeitraum", role="invoice")
    payment: PaymentInstructions | None = term("BG-16", "Zahlungsanweisungen")
    allowances_charges: tuple[AllowanceCharge, ...] = term(
        "BG-20/BG-21", "Abschläge und Zuschläge auf Dokumentenebene", ()
    )
    totals: Totals = term("BG-22", "Gesamtbeträge", Totals())
    third_party_payments: tuple[ThirdPartyPayment, ...] = term("BG-DEX-09", "Drittzahlungen", ())
    vat_breakdown: tuple[VatBreakdown, ...] = term("BG-23", "Aufschlüsselung der Umsatzsteuer", ())
    attachments: tuple[Attachment, ...] = term("BG-24", "Rechnungsbegründende Unterlagen", ())
    lines: tuple[InvoiceLine, ...] = term("BG-25", "Rechnungspositionen", (), role="line")
    extraction_notes: tuple[str, ...] = field(default=())
