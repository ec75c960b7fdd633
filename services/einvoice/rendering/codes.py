"""German names for the code values an approver meets most (UNTDID 1001/4461/5305, UN/ECE Rec 20).

Only the common codes are named; any other code is shown as it is, which is still
correct, just less friendly.  The lists are deliberately short: the official code lists
change with every XRechnung release and the code itself stays the authority.
"""

from __future__ import annotations

DOCUMENT_TYPES = {  # UNTDID 1001 (BT-3)
    "326": "Teilrechnung",
    "380": "Handelsrechnung",
    "381": "Gutschrift",
    "383": "Belastungsanzeige",
    "384": "Korrigierte Rechnung",
    "386": "Vorauszahlungsrechnung",
    "389": "Selbst ausgestellte Rechnung (Gutschriftsverfahren)",
    "751": "Rechnungsinformation für Buchungszwecke",
    "875": "Teilrechnung für Bauleistungen",
    "876": "Teilschlussrechnung für Bauleistungen",
    "877": "Schlussrechnung für Bauleistungen",
}

VAT_CATEGORIES = {  # UNTDID 5305 (BT-95, BT-102, BT-118, BT-151)
    "S": "Normalsatz",
    "Z": "Nullsatz",
    "E": "Steuerbefreit",
    "AE": "Umkehrung der Steuerschuldnerschaft",
    "K": "Innergemeinschaftliche Lieferung",
    "G": "Ausfuhr außerhalb der EU",
    "O": "Nicht steuerbar",
    "L": "IGIC (Kanarische Inseln)",
    "M": "IPSI (Ceuta und Melilla)",
}

PAYMENT_MEANS = {  # UNTDID 4461 (BT-81)
    "1": "Nicht definiert",
    "10": "Barzahlung",
    "20": "Scheck",
    "30": "Überweisung",
    "31": "Überweisung (Auslandszahlung)",
    "42": "Zahlung auf Bankkonto",
    "48": "Bankkarte",
    "49": "Lastschrift",
    "54": "Kreditkarte",
    "55": "Debitkarte",
    "57": "Dauerauftrag",
    "58": "SEPA-Überweisung",
    "59": "SEPA-Lastschrift",
    "97": "Verrechnung",
    "ZZZ": "Gegenseitig vereinbart",
}

UNITS = {  # UN/ECE Recommendation 20 (BT-130, BT-150)
    "C62": "Stück",
    "H87": "Stück",
    "XPP": "Stück (Packstück)",
    "EA": "Einheit",
    "HUR": "Stunde",
    "MIN": "Minute",
    "DAY": "Tag",
    "WEE": "Woche",
    "MON": "Monat",
    "ANN": "Jahr",
    "KGM": "Kilogramm",
    "TNE": "Tonne",
    "MTR": "Meter",
    "KMT": "Kilometer",
    "MTK": "Quadratmeter",
    "MTQ": "Kubikmeter",
    "LTR": "Liter",
    "KWH": "Kilowattstunde",
    "LS": "Pauschale",
    "SET": "Satz",
    "P1": "Prozent",
}

#: field name -> code list used to explain its value
CODE_LISTS: dict[str, dict[str, str]] = {
    "type_code": DOCUMENT_TYPES,
    "vat_category": VAT_CATEGORIES,
    "category": VAT_CATEGORIES,
    "code": PAYMENT_MEANS,
    "unit": UNITS,
    "base_quantity_unit": UNITS,
}


def explain(field_name: str, value: str) -> str:
    """``value`` followed by its German name in parentheses when the code is known."""
    name = CODE_LISTS.get(field_name, {}).get(value)
    return f"{value} ({name})" if name else value
