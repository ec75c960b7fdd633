"""The XRechnung rules by official id: flag, German and English text.

Ids, flags and the official wording follow the KoSIT XRechnung Schematron 2.5.0
(XRechnung 3.0.2), which merges a part of the Peppol BIS Billing rules into the
XRechnung rule set.  KoSIT writes the BR-DE rules in German and the Peppol and some
extension rules in English; the other language is our translation.  A text may name
``{name}`` (the element, as the Schematron's ``<name/>``), ``{mime}`` or ``{regex}``.

The table is split by rule family (CIUS, extension and CVD, Peppol) to keep modules
short; :func:`rule` looks a rule up in all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.einvoice.model import Severity
from services.einvoice.xrechnung.catalog_extra import EXTRA_RULES
from services.einvoice.xrechnung.catalog_peppol import PEPPOL_RULES

FATAL = Severity.FATAL
WARNING = Severity.WARNING
INFORMATION = Severity.INFORMATION


@dataclass(frozen=True)
class Rule:
    """One rule: its official id and flag, and what it says in German and English."""

    id: str
    severity: Severity
    de: str
    en: str


def _mandatory(rule_id: str, term: str, bt: str, *, group: bool = False) -> Rule:
    """The many "X must be provided" rules, in both languages."""
    kind_de, kind_en = ("Die Gruppe", "The group") if group else ("Das Element", "The element")
    return Rule(
        rule_id,
        FATAL,
        f'{kind_de} "{term}" ({bt}) muss übermittelt werden.',
        f'{kind_en} "{term}" ({bt}) must be provided.',
    )


def _deliver_to(rule_id: str, term: str, bt: str) -> Rule:
    return Rule(
        rule_id,
        FATAL,
        f'Das Element "{term}" ({bt}) muss übermittelt werden, wenn die Gruppe '
        '"DELIVER TO ADDRESS" (BG-15) übermittelt wird.',
        f'The element "{term}" ({bt}) must be provided if the group "DELIVER TO ADDRESS" '
        "(BG-15) is provided.",
    )


_SKONTO_DE = (
    "Skonto Zeilen in {name} müssen diesem regulärem Ausdruck entsprechen: {regex}. Die "
    'Informationen zur Gewährung von Skonto müssen wie folgt im Element "Payment terms" '
    '(BT-20) übermittelt werden: Anzugeben ist im ersten Segment "SKONTO", im zweiten '
    '"TAGE=n", im dritten "PROZENT=n". Prozentzahlen sind ohne Vorzeichen sowie mit Punkt '
    "getrennt von zwei Nachkommastellen anzugeben. Liegt dem zu berechnenden Betrag nicht "
    'BT-115, "fälliger Betrag" zugrunde, sondern nur ein Teil des fälligen Betrags der '
    "Rechnung, ist der Grundwert zur Berechnung von Skonto als viertes Segment "
    '"BASISBETRAG=n" gemäß dem semantischen Datentypen Amount anzugeben. Jeder Eintrag '
    "beginnt mit einer #, die Segmente sind mit einer # getrennt und eine Zeile schließt "
    "mit einer # ab. Am Ende einer vollständigen Skontoangabe muss ein XML-konformer "
    "Zeilenumbruch folgen. Alle Angaben zur Gewährung von Skonto müssen in Großbuchstaben "
    "gemacht werden. Zusätzliches Whitespace (Leerzeichen, Tabulatoren oder Zeilenumbrüche) "
    "ist nicht zulässig. Andere Zeichen oder Texte als in den oberen Vorgaben genannt sind "
    "nicht zulässig."
)
_SKONTO_EN = (
    "Cash discount (Skonto) lines in {name} must match this regular expression: {regex}. "
    'Cash discount terms are given in "Payment terms" (BT-20) as follows: first segment '
    '"SKONTO", second "TAGE=n", third "PROZENT=n". Percentages have no sign and two '
    'decimals after a point. If the discount is not based on BT-115 "Amount due for '
    'payment" but on a part of it, the base is given as fourth segment "BASISBETRAG=n" '
    "(semantic data type Amount). Every entry starts with #, segments are separated by # "
    "and a line ends with #. A complete discount entry must be followed by an XML line "
    "break. Everything is written in capital letters. Additional white space (blanks, "
    "tabs, line breaks) and any other characters or text are not allowed."
)

_BY_CODE = {
    "23": ("Überweisungen", "credit transfer", "30, 58"),
    "24": ("Kartenzahlungen", "payment card", "48, 54, 55"),
    "25": ("Lastschriften", "direct debit", "59"),
}


def _payment_means(number: str, part: str, de_tail: str, en_tail: str) -> Rule:
    kind_de, kind_en, codes = _BY_CODE[number]
    return Rule(
        f"BR-DE-{number}-{part}",
        FATAL,
        f'Wenn BT-81 "Payment means type code" einen Schlüssel für {kind_de} enthält '
        f"({codes}), {de_tail}",
        f'If BT-81 "Payment means type code" is a {kind_en} code ({codes}), {en_tail}',
    )


_CIUS: tuple[Rule, ...] = (
    Rule(
        "BR-DE-1",
        FATAL,
        'Eine Rechnung (INVOICE) muss Angaben zu "PAYMENT INSTRUCTIONS" (BG-16) enthalten.',
        'An invoice must contain "PAYMENT INSTRUCTIONS" (BG-16).',
    ),
    _mandatory("BR-DE-2", "SELLER CONTACT", "BG-6", group=True),
    _mandatory("BR-DE-3", "Seller city", "BT-37"),
    _mandatory("BR-DE-4", "Seller post code", "BT-38"),
    _mandatory("BR-DE-5", "Seller contact point", "BT-41"),
    _mandatory("BR-DE-6", "Seller contact telephone number", "BT-42"),
    _mandatory("BR-DE-7", "Seller contact email address", "BT-43"),
    _mandatory("BR-DE-8", "Buyer city", "BT-52"),
    _mandatory("BR-DE-9", "Buyer post code", "BT-53"),
    _deliver_to("BR-DE-10", "Deliver to city", "BT-77"),
    _deliver_to("BR-DE-11", "Deliver to post code", "BT-78"),
    _mandatory("BR-DE-14", "VAT category rate", "BT-119"),
    _mandatory("BR-DE-15", "Buyer reference", "BT-10"),
    Rule(
        "BR-DE-16",
        FATAL,
        "Wenn in einer Rechnung die Steuercodes S, Z, E, AE, K, G, L oder M verwendet werden, "
        'muss mindestens eines der Elemente "Seller VAT identifier" (BT-31), "Seller tax '
        'registration identifier" (BT-32) oder "SELLER TAX REPRESENTATIVE PARTY" (BG-11) '
        "übermittelt werden.",
        "If an invoice uses the VAT category codes S, Z, E, AE, K, G, L or M, at least one of "
        '"Seller VAT identifier" (BT-31), "Seller tax registration identifier" (BT-32) or '
        '"SELLER TAX REPRESENTATIVE PARTY" (BG-11) must be provided.',
    ),
    Rule(
        "BR-DE-17",
        WARNING,
        'Mit dem Element "Invoice type code" (BT-3) sollen ausschließlich folgende Codes aus '
        "der Codeliste UNTDID 1001 übermittelt werden: 326 (Partial invoice), 380 (Commercial "
        "invoice), 384 (Corrected invoice), 389 (Self-billed invoice) und 381 (Credit note),"
        "875 (Partial construction invoice), 876 (Partial final construction invoice), 877 "
        "(Final construction invoice).",
        '"Invoice type code" (BT-3) should only use these codes of UNTDID 1001: 326 (Partial '
        "invoice), 380 (Commercial invoice), 384 (Corrected invoice), 389 (Self-billed "
        "invoice), 381 (Credit note), 875 (Partial construction invoice), 876 (Partial final "
        "construction invoice) and 877 (Final construction invoice).",
    ),
    Rule("BR-DE-18", FATAL, _SKONTO_DE, _SKONTO_EN),
    Rule(
        "BR-DE-19",
        WARNING,
        '"Payment account identifier" (BT-84) soll eine korrekte IBAN enthalten, wenn in '
        '"Payment means type code" (BT-81) mit dem Code 58 SEPA als Zahlungsmittel gefordert '
        "wird.",
        '"Payment account identifier" (BT-84) should be a correct IBAN when "Payment means '
        'type code" (BT-81) asks for a SEPA credit transfer with code 58.',
    ),
    Rule(
        "BR-DE-20",
        WARNING,
        '"Debited account identifier" (BT-91) soll eine korrekte IBAN enthalten, wenn in '
        '"Payment means type code" (BT-81) mit dem Code 59 SEPA als Zahlungsmittel gefordert '
        "wird.",
        '"Debited account identifier" (BT-91) should be a correct IBAN when "Payment means '
        'type code" (BT-81) asks for a SEPA direct debit with code 59.',
    ),
    Rule(
        "BR-DE-21",
        WARNING,
        'Das Element "Specification identifier" (BT-24) soll syntaktisch der Kennung des '
        "Standards XRechnung entsprechen.",
        '"Specification identifier" (BT-24) should be the identifier of the XRechnung standard.',
    ),
    Rule(
        "BR-DE-22",
        FATAL,
        'Das "filename"-Attribut aller "EmbeddedDocumentBinaryObject"-Elemente muss eindeutig sein',
        'The "filename" attribute of all "EmbeddedDocumentBinaryObject" elements must be unique.',
    ),
    _payment_means(
        "23",
        "a",
        'muss BG-17 "CREDIT TRANSFER" übermittelt werden.',
        'BG-17 "CREDIT TRANSFER" must be provided.',
    ),
    _payment_means(
        "23",
        "b",
        "dürfen BG-18 und BG-19 nicht übermittelt werden.",
        "BG-18 and BG-19 must not be provided.",
    ),
    _payment_means(
        "24",
        "a",
        'muss genau BG-18 "PAYMENT CARD INFORMATION" übermittelt werden.',
        'exactly BG-18 "PAYMENT CARD INFORMATION" must be provided.',
    ),
    _payment_means(
        "24",
        "b",
        "dürfen BG-17 und BG-19 nicht übermittelt werden.",
        "BG-17 and BG-19 must not be provided.",
    ),
    _payment_means(
        "25",
        "a",
        'muss genau BG-19 "DIRECT DEBIT" übermittelt werden.',
        'exactly BG-19 "DIRECT DEBIT" must be provided.',
    ),
    _payment_means(
        "25",
        "b",
        "dürfen BG-17 und BG-18 nicht übermittelt werden.",
        "BG-17 and BG-18 must not be provided.",
    ),
    Rule(
        "BR-DE-26",
        WARNING,
        'Wenn im Element "Invoice type code" (BT-3) der Code 384 (Corrected invoice) übergeben '
        "wird, soll PRECEDING INVOICE REFERENCE BG-3 mind. einmal vorhanden sein.",
        'If "Invoice type code" (BT-3) is 384 (Corrected invoice), PRECEDING INVOICE REFERENCE '
        "(BG-3) should be given at least once.",
    ),
    Rule(
        "BR-DE-27",
        WARNING,
        "In BT-42 sollen mindestens drei Ziffern enthalten sein.",
        "BT-42 (seller contact telephone number) should contain at least three digits.",
    ),
    Rule(
        "BR-DE-28",
        WARNING,
        "In BT-43 soll genau ein @-Zeichen enthalten sein, welches nicht von einem Leerzeichen, "
        "einem Punkt, aber mindestens zwei Zeichen auf beiden Seiten flankiert werden soll. Ein "
        "Punkt sollte nicht am Anfang oder am Ende stehen.",
        "BT-43 (seller contact email address) should contain exactly one @, not next to a "
        "blank or a dot, with at least two characters on either side; it should not start or "
        "end with a dot.",
    ),
    Rule(
        "BR-DE-30",
        FATAL,
        'Wenn "DIRECT DEBIT" BG-19 vorhanden ist, dann muss "Bank assigned creditor '
        'identifier" BT-90 übermittelt werden.',
        'If "DIRECT DEBIT" (BG-19) is given, "Bank assigned creditor identifier" (BT-90) must '
        "be provided.",
    ),
    Rule(
        "BR-DE-31",
        FATAL,
        'Wenn "DIRECT DEBIT" BG-19 vorhanden ist, dann muss "Debited account identifier" '
        "BT-91 übermittelt werden.",
        'If "DIRECT DEBIT" (BG-19) is given, "Debited account identifier" (BT-91) must be '
        "provided.",
    ),
    Rule(
        "BR-DE-TMP-32",
        INFORMATION,
        'Eine Rechnung sollte zur Angabe des Liefer-/Leistungsdatums entweder BT-72 "Actual '
        'delivery date", BG-14 "Invoicing period" oder in jeder Rechnungsposition BG-26 '
        '"Invoice line period" enthalten.',
        'An invoice should give the date of delivery or service as BT-72 "Actual delivery '
        'date", BG-14 "Invoicing period" or BG-26 "Invoice line period" in every line.',
    ),
)

_ALL: dict[str, Rule] = {
    r.id: r
    for r in (
        *_CIUS,
        *(Rule(i, s, de, en) for i, s, de, en in EXTRA_RULES),
        *(Rule(i, s, de, en) for i, s, de, en in PEPPOL_RULES),
    )
}

#: Where the CII Schematron words a rule differently from the UBL one (en, de).
CII_WORDING: dict[str, tuple[str, str]] = {
    "BR-DE-22": (
        "Not all filename attributes of the embeddedDocumentBinaryObject elements are unique",
        'Nicht alle "filename"-Attribute der eingebetteten Anhänge (AttachmentBinaryObject) '
        "sind eindeutig.",
    ),
    "PEPPOL-EN16931-R053": (
        "No more than one tax total amount must be provided where currency id equals "
        "document currency code.",
        "Es darf höchstens ein Steuergesamtbetrag in der Rechnungswährung angegeben sein.",
    ),
    "PEPPOL-EN16931-R054": (
        "Only one tax total amount must be provided where currency id equals tax currency "
        "code, if tax currency code (BT-6) is provided.",
        "Ist die Steuerwährung (BT-6) angegeben, muss genau ein Steuergesamtbetrag in dieser "
        "Währung angegeben sein.",
    ),
    "PEPPOL-EN16931-R101": (
        "Element Additional referenced document can only be used for Invoice line object.",
        'Ein "Additional referenced document" auf Positionsebene darf nur für die '
        "Rechnungspositions-Objektkennung (Code 130) verwendet werden.",
    ),
}


def rule(rule_id: str) -> Rule:
    """The rule with this official id (KeyError for an id we do not implement)."""
    return _ALL[rule_id]


def all_rules() -> tuple[Rule, ...]:
    """Every implemented rule, for documentation and tests."""
    return tuple(_ALL.values())
