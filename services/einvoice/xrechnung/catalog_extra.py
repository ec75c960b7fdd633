"""Texts of the XRechnung Extension (BR-DEX), CVD (BR-DE-CVD) and temporary (BR-TMP) rules.

Rows are ``(id, flag, German, English)``; :mod:`.catalog` turns them into rules.  The
official language is German except BR-DEX-04..09 and BR-DEX-15, which KoSIT words in
English.
"""

from __future__ import annotations

from services.einvoice.model import Severity

FATAL = Severity.FATAL
WARNING = Severity.WARNING

_ICD_DE = "Jede Schema-Kennung in {name} muss aus der Codeliste ISO 6523 ICD stammen."
_ICD_EN = "Any scheme identifier in {name} MUST be coded using one of the ISO 6523 ICD list."


def _third_party(number: str, term: str, bt: str) -> tuple[str, Severity, str, str]:
    return (
        f"BR-DEX-{number}",
        FATAL,
        f'Das Element "{term}" {bt} muss übermittelt werden, wenn die Gruppe "THIRD PARTY '
        'PAYMENT" (BG-DEX-09) übermittelt wird.',
        f'"{term}" ({bt}) must be provided if the group "THIRD PARTY PAYMENT" (BG-DEX-09) is '
        "provided.",
    )


EXTRA_RULES: tuple[tuple[str, Severity, str, str], ...] = (
    (
        "BR-DEX-01",
        FATAL,
        'Das Element {name} "Attached Document" (BT-125) benutzt einen nicht zulässigen '
        "MIME-Code: {mime}. Im Falle einer Extension darf zusätzlich zu der Liste der mime "
        'codes (definiert in Abschnitt 8.2, "Binary Object") der MIME-Code application/xml '
        "genutzt werden.",
        'The element {name} "Attached Document" (BT-125) uses a MIME code that is not '
        "allowed: {mime}. In the Extension, application/xml may be used besides the MIME "
        'codes listed in section 8.2 "Binary Object".',
    ),
    (
        "BR-DEX-02",
        WARNING,
        'Der Wert von "Invoice line net amount" (BT-131) einer "INVOICE LINE" (BG-25) oder '
        'einer "SUB INVOICE LINE" (BG-DEX-01) soll der Summe der "Invoice line net amount" '
        '(BT-131) der direkt darunterliegenden "SUB INVOICE LINE" (BG-DEX-01) entsprechen.',
        'The "Invoice line net amount" (BT-131) of an "INVOICE LINE" (BG-25) or "SUB INVOICE '
        'LINE" (BG-DEX-01) should equal the sum of the "Invoice line net amount" (BT-131) of '
        'the "SUB INVOICE LINE"s (BG-DEX-01) directly below it.',
    ),
    (
        "BR-DEX-03",
        FATAL,
        'Eine Sub Invoice Line (BG-DEX-01) muss genau eine "SUB INVOICE LINE VAT INFORMATION" '
        "(BG-DEX-06) enthalten.",
        'A sub invoice line (BG-DEX-01) must contain exactly one "SUB INVOICE LINE VAT '
        'INFORMATION" (BG-DEX-06).',
    ),
    ("BR-DEX-04", FATAL, _ICD_DE, _ICD_EN),
    ("BR-DEX-05", FATAL, _ICD_DE, _ICD_EN),
    ("BR-DEX-06", FATAL, _ICD_DE, _ICD_EN),
    (
        "BR-DEX-07",
        FATAL,
        "Jede Schema-Kennung einer elektronischen Adresse in {name} muss aus der Codeliste "
        "CEF EAS stammen.",
        "Any scheme identifier for an Endpoint Identifier in {name} MUST belong to the CEF "
        "EAS code list.",
    ),
    (
        "BR-DEX-08",
        FATAL,
        "Jede Schema-Kennung eines Lieferortes in {name} muss aus der Codeliste ISO 6523 ICD "
        "stammen.",
        "Any scheme identifier for a Delivery location identifier in {name} MUST be coded "
        "using one of the ISO 6523 ICD list.",
    ),
    (
        "BR-DEX-09",
        FATAL,
        "Fälliger Betrag (BT-115) = Rechnungsbetrag mit Umsatzsteuer (BT-112) - gezahlter "
        "Betrag (BT-113) + Rundungsbetrag (BT-114) + Summe der Zahlungen durch Dritte "
        "(BT-DEX-002).",
        "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) - Paid "
        "amount (BT-113) + Rounding amount (BT-114) + Σ Third party payment amount "
        "(BT-DEX-002).",
    ),
    _third_party("10", "Third party payment type", "BT-DEX-001"),
    _third_party("11", "Third party payment amount", "BT-DEX-002"),
    _third_party("12", "Third party payment description", "BT-DEX-003"),
    (
        "BR-DEX-13",
        FATAL,
        'Die maximale Anzahl zulässiger Nachkommastellen für das Element "Third party payment '
        'amount" (BT-DEX-002) ist 2.',
        '"Third party payment amount" (BT-DEX-002) may have at most two decimals.',
    ),
    (
        "BR-DEX-14",
        FATAL,
        'Die Währungsangabe von "Third party payment amount" BT-DEX-002 muss BT-5 ("Invoice '
        'currency code") entsprechen.',
        'The currency of "Third party payment amount" (BT-DEX-002) must be the "Invoice '
        'currency code" (BT-5).',
    ),
    (
        "BR-DEX-15",
        WARNING,
        "Diese CII-Datei verwendet möglicherweise Unterpositionen (Sub Invoice Lines); "
        "XRechnung unterstützt das in CII nicht.",
        "This CII file might use the concept of Sub Invoice Lines. However XRechnung does not "
        "support this.",
    ),
    (
        "BR-DE-CVD-01",
        FATAL,
        'Das Element {name} "Contract reference" (BT-12) muss übermittelt werden.',
        'The element "Contract reference" (BT-12) must be provided ({name}).',
    ),
    (
        "BR-DE-CVD-02",
        FATAL,
        'Das Element {name} "Tender or lot reference" (BT-17) muss übermittelt werden.',
        'The element "Tender or lot reference" (BT-17) must be provided ({name}).',
    ),
    (
        "BR-DE-CVD-03",
        FATAL,
        "In einer Rechnung muss mindestens eine {name} INVOICE LINE (BG-25) enthalten sein, in "
        'der der Scheme identifier von {name} "Item classification identifier" (BT-158) den '
        "Wert 'CVD' und der {name} \"Item attribute name\" (BT-160) den Wert 'cva' enthält.",
        'An invoice must contain at least one INVOICE LINE (BG-25) whose "Item classification '
        "identifier\" (BT-158) has the scheme identifier 'CVD' and whose \"Item attribute "
        "name\" (BT-160) is 'cva' ({name}).",
    ),
    (
        "BR-DE-CVD-04",
        FATAL,
        'Ein {name} "Item classification identifier" (BT-158) mit dem Scheme identifier '
        "'CVD' muss einen Wert aus der Liste der zulässigen Fahrzeugkategorien enthalten.",
        "An \"Item classification identifier\" (BT-158) with scheme identifier 'CVD' must be "
        "one of the allowed vehicle categories (M1, M2, M3, N1, N2, N3) ({name}).",
    ),
    (
        "BR-DE-CVD-05",
        FATAL,
        'Wenn innerhalb von {name} ITEM ATTRIBUTES (BG-32) der {name} "Item attribute name" '
        "(BT-160) den Wert 'cva' hat, muss der {name} \"Item attribute value\" (BT-161) einen "
        "der zulässigen Werte enthalten.",
        "If an \"Item attribute name\" (BT-160) in ITEM ATTRIBUTES (BG-32) is 'cva', the "
        '"Item attribute value" (BT-161) must be one of the allowed values (clean, '
        "zero-emission, other) ({name}).",
    ),
    (
        "BR-DE-CVD-06-a",
        FATAL,
        'Wenn der Scheme identifier von {name} "Item classification identifier" (BT-158) mit '
        "dem Wert 'CVD' angegeben ist, muss in derselben Rechnungszeile genau ein {name} "
        "\"Item attribute name\" (BT-160) mit dem Wert 'cva' vorhanden sein.",
        "If an \"Item classification identifier\" (BT-158) has the scheme identifier 'CVD', "
        "the same invoice line must have exactly one \"Item attribute name\" (BT-160) 'cva' "
        "({name}).",
    ),
    (
        "BR-DE-CVD-06-b",
        FATAL,
        "Wenn {name} \"Item attribute name\" (BT-160) mit dem Wert 'cva' angegeben ist, muss "
        'in derselben Rechnungszeile genau ein {name} "Item classification identifier" '
        "(BT-158) mit dem Scheme identifier 'CVD' vorhanden sein.",
        "If an \"Item attribute name\" (BT-160) is 'cva', the same invoice line must have "
        "exactly one \"Item classification identifier\" (BT-158) with scheme identifier 'CVD' "
        "({name}).",
    ),
    (
        "BR-TMP-CVD-01",
        FATAL,
        'Das Bildungsschema für {name} "Item classification identifier" (BT-158) ist aus der '
        "Codeliste UNTDID 7143 zu wählen.",
        'The scheme of "Item classification identifier" (BT-158) must come from the code '
        "list UNTDID 7143 ({name}).",
    ),
    (
        "BR-TMP-2",
        WARNING,
        'BT-124 "External document location" muss eine absolute URL mit gültigem Schema enthalten.',
        'BT-124 "External document location" must be an absolute URL with a valid scheme.',
    ),
    (
        "BR-TMP-3",
        FATAL,
        "Wenn BT-149 (Item price base quantity) sowohl in GrossPriceProductTradePrice als auch "
        "in NetPriceProductTradePrice vorhanden ist, müssen die Werte identisch sein. Wenn "
        "BT-150 (unit of measure code) auf dem NetPrice-Pfad vorhanden ist, muss es auch auf "
        "dem GrossPrice-Pfad vorhanden und identisch sein.",
        "If BT-149 (Item price base quantity) is given in both GrossPriceProductTradePrice and "
        "NetPriceProductTradePrice, the values must be identical. If BT-150 (unit of measure "
        "code) is given on the net price, it must be given on the gross price as well and be "
        "identical.",
    ),
)
