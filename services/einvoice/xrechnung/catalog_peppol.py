"""Texts of the Peppol BIS Billing rules that the XRechnung Schematron carries.

Since XRechnung 3.0 (Schematron 2.0.0) KoSIT merges these ``PEPPOL-EN16931-*`` rules
into its own rule set, with their Peppol ids and English texts; KoSIT's validator
therefore reports them for every XRechnung, Peppol or not.  BR-DE-29 was dropped in
favour of R061.  The German texts are our translation.  Rows are
``(id, flag, German, English)``.
"""

from __future__ import annotations

from services.einvoice.model import Severity

FATAL = Severity.FATAL
WARNING = Severity.WARNING

_CHARGE_INDICATOR = (
    "Der Indikator für Zu- oder Abschlag (ChargeIndicator) muss 'true' oder 'false' lauten.",
    "Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'",
)

PEPPOL_RULES: tuple[tuple[str, Severity, str, str], ...] = (
    (
        "PEPPOL-EN16931-R001",
        FATAL,
        'Die Prozesskennung "Business process type" (BT-23) muss angegeben werden.',
        "Business process MUST be provided.",
    ),
    (
        "PEPPOL-EN16931-R005",
        FATAL,
        "Die Währung für die Umsatzsteuer-Buchung (BT-6) muss, wenn angegeben, von der "
        "Rechnungswährung (BT-5) abweichen.",
        "VAT accounting currency code MUST be different from invoice currency code when provided.",
    ),
    (
        "PEPPOL-EN16931-R008",
        FATAL,
        "Das Dokument darf keine leeren Elemente enthalten.",
        "Document MUST not contain empty elements.",
    ),
    (
        "PEPPOL-EN16931-R010",
        FATAL,
        'Die elektronische Adresse des Erwerbers "Buyer electronic address" (BT-49) muss '
        "angegeben werden.",
        "Buyer electronic address MUST be provided",
    ),
    (
        "PEPPOL-EN16931-R020",
        FATAL,
        'Die elektronische Adresse des Verkäufers "Seller electronic address" (BT-34) muss '
        "angegeben werden.",
        "Seller electronic address MUST be provided",
    ),
    (
        "PEPPOL-EN16931-R040",
        FATAL,
        "Der Betrag eines Zu- oder Abschlags muss dem Basisbetrag mal Prozentsatz / 100 "
        "entsprechen, wenn Basisbetrag und Prozentsatz angegeben sind.",
        "Allowance/charge amount must equal base amount * percentage/100 if base amount and "
        "percentage exists",
    ),
    (
        "PEPPOL-EN16931-R041",
        FATAL,
        "Ist der Prozentsatz eines Zu- oder Abschlags angegeben, muss auch der Basisbetrag "
        "angegeben werden.",
        "Allowance/charge base amount MUST be provided when allowance/charge percentage is "
        "provided.",
    ),
    (
        "PEPPOL-EN16931-R042",
        FATAL,
        "Ist der Basisbetrag eines Zu- oder Abschlags angegeben, muss auch der Prozentsatz "
        "angegeben werden.",
        "Allowance/charge percentage MUST be provided when allowance/charge base amount is "
        "provided.",
    ),
    ("PEPPOL-EN16931-R043", FATAL, *_CHARGE_INDICATOR),
    ("PEPPOL-EN16931-R043-1", FATAL, *_CHARGE_INDICATOR),
    ("PEPPOL-EN16931-R043-2", FATAL, *_CHARGE_INDICATOR),
    (
        "PEPPOL-EN16931-R044",
        FATAL,
        "Zuschläge auf Preisebene sind nicht erlaubt; der Indikator muss 'false' lauten.",
        "Charge on price level is NOT allowed. Only value 'false' allowed.",
    ),
    (
        "PEPPOL-EN16931-R046",
        FATAL,
        "Der Nettopreis muss dem Bruttopreis abzüglich des Preisnachlasses entsprechen, wenn "
        "der Bruttopreis angegeben ist.",
        "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided.",
    ),
    (
        "PEPPOL-EN16931-R053",
        FATAL,
        "Es muss genau eine Steuersumme mit Aufschlüsselung (TaxTotal mit TaxSubtotal) "
        "angegeben werden.",
        "Only one tax total with tax subtotals MUST be provided.",
    ),
    (
        "PEPPOL-EN16931-R054",
        FATAL,
        "Eine Steuersumme ohne Aufschlüsselung darf nur, und dann genau einmal, angegeben "
        "werden, wenn die Steuerwährung (BT-6) angegeben ist.",
        "Only one tax total without tax subtotals MUST be provided when tax currency code is "
        "provided.",
    ),
    (
        "PEPPOL-EN16931-R055",
        FATAL,
        "Die Umsatzsteuersumme (BT-110) und die Umsatzsteuersumme in Buchungswährung (BT-111) "
        "müssen dasselbe Vorzeichen haben.",
        "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST "
        "have the same operational sign",
    ),
    (
        "PEPPOL-EN16931-R061",
        FATAL,
        'Bei Lastschrift muss die Mandatsreferenz "Mandate reference identifier" (BT-89) '
        "angegeben werden.",
        "Mandate reference MUST be provided for direct debit.",
    ),
    (
        "PEPPOL-EN16931-R101",
        FATAL,
        "Eine Dokumentreferenz auf Positionsebene darf nur für die Objektkennung der "
        "Rechnungsposition (Code 130) verwendet werden.",
        "Element Document reference can only be used for Invoice line object",
    ),
    (
        "PEPPOL-EN16931-R110",
        FATAL,
        "Das Anfangsdatum des Positionszeitraums muss im Rechnungszeitraum liegen.",
        "Start date of line period MUST be within invoice period.",
    ),
    (
        "PEPPOL-EN16931-R111",
        FATAL,
        "Das Enddatum des Positionszeitraums muss im Rechnungszeitraum liegen.",
        "End date of line period MUST be within invoice period.",
    ),
    (
        "PEPPOL-EN16931-R120",
        WARNING,
        "Der Nettobetrag der Position muss Menge * (Nettopreis / Basismenge) + Zuschläge - "
        "Abschläge der Position entsprechen.",
        "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price "
        "base quantity) + Sum of invoice line charge amount - sum of invoice line allowance "
        "amount",
    ),
    (
        "PEPPOL-EN16931-R121",
        FATAL,
        "Die Basismenge des Preises muss eine positive Zahl größer null sein.",
        "Base quantity MUST be a positive number above zero.",
    ),
    (
        "PEPPOL-EN16931-R130",
        FATAL,
        "Die Einheit der Preisbasismenge muss der Einheit der in Rechnung gestellten Menge "
        "entsprechen.",
        "Unit code of price base quantity MUST be same as invoiced quantity.",
    ),
)
