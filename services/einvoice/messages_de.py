"""German texts for the EN 16931 rules, for the approver and the supplier letter.

The official Schematron texts are English only.  The table holds a German wording for
the rules that matter in practice (every core rule BR-01..BR-65, the calculation rules
BR-CO-*, the code-list rules BR-CL-* and the VAT category rules); any other rule gets a
German sentence naming the rule and the business terms (BT-/BG-) the English text
mentions, followed by the English text itself, so nothing is lost in translation.
"""

from __future__ import annotations

import re

_TERMS = re.compile(r"\b(B[TG]-\d+)\b")

MESSAGES_DE: dict[str, str] = {
    "BR-01": "Eine Rechnung muss eine Spezifikationskennung (BT-24) enthalten.",
    "BR-02": "Eine Rechnung muss eine Rechnungsnummer (BT-1) enthalten.",
    "BR-03": "Eine Rechnung muss ein Rechnungsdatum (BT-2) enthalten.",
    "BR-04": "Eine Rechnung muss einen Rechnungsartcode (BT-3) enthalten.",
    "BR-05": "Eine Rechnung muss einen Währungscode (BT-5) enthalten.",
    "BR-06": "Eine Rechnung muss den Namen des Verkäufers (BT-27) enthalten.",
    "BR-07": "Eine Rechnung muss den Namen des Käufers (BT-44) enthalten.",
    "BR-08": "Eine Rechnung muss die Postanschrift des Verkäufers (BG-5) enthalten.",
    "BR-09": "Die Postanschrift des Verkäufers (BG-5) muss einen Ländercode (BT-40) enthalten.",
    "BR-10": "Eine Rechnung muss die Postanschrift des Käufers (BG-8) enthalten.",
    "BR-11": "Die Postanschrift des Käufers (BG-8) muss einen Ländercode (BT-55) enthalten.",
    "BR-12": "Eine Rechnung muss die Summe der Nettobeträge der Rechnungspositionen (BT-106) "
    "enthalten.",
    "BR-13": "Eine Rechnung muss den Rechnungsgesamtbetrag ohne Umsatzsteuer (BT-109) enthalten.",
    "BR-14": "Eine Rechnung muss den Rechnungsgesamtbetrag einschließlich Umsatzsteuer (BT-112) "
    "enthalten.",
    "BR-15": "Eine Rechnung muss den fälligen Zahlungsbetrag (BT-115) enthalten.",
    "BR-16": "Eine Rechnung muss mindestens eine Rechnungsposition (BG-25) enthalten.",
    "BR-17": "Der Name des Zahlungsempfängers (BT-59) muss angegeben sein, wenn der "
    "Zahlungsempfänger nicht der Verkäufer ist.",
    "BR-18": "Der Name des Steuervertreters des Verkäufers (BT-62) muss angegeben sein, wenn "
    "der Verkäufer einen Steuervertreter hat (BG-11).",
    "BR-19": "Die Postanschrift des Steuervertreters (BG-12) muss angegeben sein, wenn der "
    "Verkäufer einen Steuervertreter hat.",
    "BR-20": "Die Postanschrift des Steuervertreters (BG-12) muss einen Ländercode (BT-69) "
    "enthalten.",
    "BR-21": "Jede Rechnungsposition (BG-25) muss eine Positionskennung (BT-126) haben.",
    "BR-22": "Jede Rechnungsposition (BG-25) muss die fakturierte Menge (BT-129) enthalten.",
    "BR-23": "Jede Rechnungsposition (BG-25) muss eine Maßeinheit (BT-130) enthalten.",
    "BR-24": "Jede Rechnungsposition (BG-25) muss den Nettobetrag der Position (BT-131) enthalten.",
    "BR-25": "Jede Rechnungsposition (BG-25) muss den Artikelnamen (BT-153) enthalten.",
    "BR-26": "Jede Rechnungsposition (BG-25) muss den Nettopreis des Artikels (BT-146) enthalten.",
    "BR-27": "Der Nettopreis des Artikels (BT-146) darf nicht negativ sein.",
    "BR-28": "Der Bruttopreis des Artikels (BT-148) darf nicht negativ sein.",
    "BR-29": "Ist ein Rechnungszeitraum (BG-14) angegeben, darf das Enddatum (BT-74) nicht vor "
    "dem Anfangsdatum (BT-73) liegen.",
    "BR-30": "Ist ein Positionszeitraum (BG-26) angegeben, darf das Enddatum (BT-135) nicht vor "
    "dem Anfangsdatum (BT-134) liegen.",
    "BR-31": "Jeder Nachlass auf Dokumentenebene (BG-20) muss einen Betrag (BT-92) haben.",
    "BR-32": "Jeder Nachlass auf Dokumentenebene (BG-20) muss einen Umsatzsteuer-Kategoriecode "
    "(BT-95) haben.",
    "BR-33": "Jeder Nachlass auf Dokumentenebene (BG-20) muss einen Grund (BT-97) oder einen "
    "Grund-Code (BT-98) haben.",
    "BR-36": "Jeder Zuschlag auf Dokumentenebene (BG-21) muss einen Betrag (BT-99) haben.",
    "BR-37": "Jeder Zuschlag auf Dokumentenebene (BG-21) muss einen Umsatzsteuer-Kategoriecode "
    "(BT-102) haben.",
    "BR-38": "Jeder Zuschlag auf Dokumentenebene (BG-21) muss einen Grund (BT-104) oder einen "
    "Grund-Code (BT-105) haben.",
    "BR-41": "Jeder Nachlass auf Positionsebene (BG-27) muss einen Betrag (BT-136) haben.",
    "BR-42": "Jeder Nachlass auf Positionsebene (BG-27) muss einen Grund (BT-139) oder einen "
    "Grund-Code (BT-140) haben.",
    "BR-43": "Jeder Zuschlag auf Positionsebene (BG-28) muss einen Betrag (BT-141) haben.",
    "BR-44": "Jeder Zuschlag auf Positionsebene (BG-28) muss einen Grund (BT-144) oder einen "
    "Grund-Code (BT-145) haben.",
    "BR-45": "Jede Umsatzsteueraufschlüsselung (BG-23) muss den Steuerbasisbetrag der Kategorie "
    "(BT-116) enthalten.",
    "BR-46": "Jede Umsatzsteueraufschlüsselung (BG-23) muss den Steuerbetrag der Kategorie "
    "(BT-117) enthalten.",
    "BR-47": "Jede Umsatzsteueraufschlüsselung (BG-23) muss einen Umsatzsteuer-Kategoriecode "
    "(BT-118) enthalten.",
    "BR-48": "Jede Umsatzsteueraufschlüsselung (BG-23) muss einen Steuersatz (BT-119) enthalten, "
    "außer bei Kategorie „Nicht der Umsatzsteuer unterliegend“ (O).",
    "BR-49": "Eine Zahlungsanweisung (BG-16) muss den Code für das Zahlungsmittel (BT-81) "
    "enthalten.",
    "BR-50": "Bei Überweisung muss die Kennung des Zahlungskontos (BT-84) angegeben sein.",
    "BR-51": "Von der Kartennummer (BT-87) sollen nur die letzten 4 bis 6 Ziffern angegeben "
    "werden.",
    "BR-52": "Jede rechnungsbegründende Unterlage (BG-24) muss eine Kennung (BT-122) haben.",
    "BR-53": "Ist eine Steuerwährung (BT-6) angegeben, muss der Umsatzsteuergesamtbetrag in "
    "Steuerwährung (BT-111) angegeben sein.",
    "BR-54": "Jedes Artikelattribut (BG-32) muss einen Namen (BT-160) und einen Wert (BT-161) "
    "haben.",
    "BR-55": "Jeder Verweis auf eine vorausgegangene Rechnung (BG-3) muss deren Nummer (BT-25) "
    "enthalten.",
    "BR-56": "Jeder Steuervertreter (BG-11) muss eine Umsatzsteuer-Identifikationsnummer "
    "(BT-63) haben.",
    "BR-57": "Jede Lieferanschrift (BG-15) muss einen Ländercode (BT-80) enthalten.",
    "BR-61": "Bei Überweisung (Zahlungsmittelcode 30, 58) muss die Kontokennung (BT-84) "
    "angegeben sein.",
    "BR-62": "Die elektronische Adresse des Verkäufers (BT-34) muss eine Schemakennung haben.",
    "BR-63": "Die elektronische Adresse des Käufers (BT-49) muss eine Schemakennung haben.",
    "BR-64": "Die Artikelkennung nach registriertem Schema (BT-157) muss eine Schemakennung haben.",
    "BR-65": "Die Artikelklassifizierung (BT-158) muss eine Schemakennung haben.",
    "BR-CO-03": "Steuerdatum (BT-7) und Code für das Steuerdatum (BT-8) schließen sich aus.",
    "BR-CO-04": "Jede Rechnungsposition (BG-25) muss mit einem Umsatzsteuer-Kategoriecode "
    "(BT-151) kategorisiert sein.",
    "BR-CO-05": "Grund (BT-97) und Grund-Code (BT-98) eines Nachlasses müssen dasselbe angeben.",
    "BR-CO-06": "Grund (BT-104) und Grund-Code (BT-105) eines Zuschlags müssen dasselbe angeben.",
    "BR-CO-07": "Grund (BT-139) und Grund-Code (BT-140) eines Positionsnachlasses müssen "
    "dasselbe angeben.",
    "BR-CO-08": "Grund (BT-144) und Grund-Code (BT-145) eines Positionszuschlags müssen "
    "dasselbe angeben.",
    "BR-CO-09": "Die Umsatzsteuer-Identifikationsnummern (BT-31, BT-48, BT-63) müssen mit dem "
    "Ländercode nach ISO 3166-1 alpha-2 beginnen (Griechenland: EL).",
    "BR-CO-10": "Die Summe der Nettobeträge der Positionen (BT-106) muss der Summe der "
    "Positionsnettobeträge (BT-131) entsprechen.",
    "BR-CO-11": "Die Summe der Nachlässe auf Dokumentenebene (BT-107) muss der Summe der "
    "einzelnen Nachlässe (BT-92) entsprechen.",
    "BR-CO-12": "Die Summe der Zuschläge auf Dokumentenebene (BT-108) muss der Summe der "
    "einzelnen Zuschläge (BT-99) entsprechen.",
    "BR-CO-13": "Der Gesamtbetrag ohne Umsatzsteuer (BT-109) muss der Summe der "
    "Positionsnettobeträge (BT-131) abzüglich Nachlässe (BT-107) zuzüglich Zuschläge "
    "(BT-108) entsprechen.",
    "BR-CO-14": "Der Umsatzsteuergesamtbetrag (BT-110) muss der Summe der Steuerbeträge je "
    "Kategorie (BT-117) entsprechen.",
    "BR-CO-15": "Der Gesamtbetrag einschließlich Umsatzsteuer (BT-112) muss dem Gesamtbetrag "
    "ohne Umsatzsteuer (BT-109) zuzüglich Umsatzsteuergesamtbetrag (BT-110) entsprechen.",
    "BR-CO-16": "Der fällige Zahlungsbetrag (BT-115) muss dem Gesamtbetrag einschließlich "
    "Umsatzsteuer (BT-112) abzüglich gezahlter Beträge (BT-113) zuzüglich Rundungsbetrag "
    "(BT-114) entsprechen.",
    "BR-CO-17": "Der Steuerbetrag einer Kategorie (BT-117) muss dem Steuerbasisbetrag (BT-116) "
    "mal Steuersatz (BT-119) / 100 entsprechen, kaufmännisch auf zwei Stellen gerundet.",
    "BR-CO-18": "Eine Rechnung muss mindestens eine Umsatzsteueraufschlüsselung (BG-23) enthalten.",
    "BR-CO-19": "Ist ein Rechnungszeitraum (BG-14) angegeben, muss ein Anfangsdatum (BT-73) "
    "oder ein Enddatum (BT-74) oder beides angegeben sein.",
    "BR-CO-20": "Ist ein Positionszeitraum (BG-26) angegeben, muss ein Anfangsdatum (BT-134) "
    "oder ein Enddatum (BT-135) oder beides angegeben sein.",
    "BR-CO-21": "Jeder Nachlass auf Dokumentenebene (BG-20) muss einen Grund (BT-97) oder einen "
    "Grund-Code (BT-98) oder beides enthalten.",
    "BR-CO-22": "Jeder Zuschlag auf Dokumentenebene (BG-21) muss einen Grund (BT-104) oder "
    "einen Grund-Code (BT-105) oder beides enthalten.",
    "BR-CO-23": "Jeder Nachlass auf Positionsebene (BG-27) muss einen Grund (BT-139) oder einen "
    "Grund-Code (BT-140) oder beides enthalten.",
    "BR-CO-24": "Jeder Zuschlag auf Positionsebene (BG-28) muss einen Grund (BT-144) oder einen "
    "Grund-Code (BT-145) oder beides enthalten.",
    "BR-CO-25": "Ist der fällige Zahlungsbetrag (BT-115) positiv, muss ein Fälligkeitsdatum "
    "(BT-9) oder eine Zahlungsbedingung (BT-20) angegeben sein.",
    "BR-CO-26": "Zur Identifizierung des Verkäufers muss die Verkäuferkennung (BT-29), die "
    "Registrierungskennung (BT-30) oder die Umsatzsteuer-Identifikationsnummer (BT-31) "
    "angegeben sein.",
    "BR-CL-01": "Der Rechnungsartcode (BT-3) muss aus der Codeliste UNTDID 1001 stammen.",
    "BR-CL-03": "Die Währungsangabe (currencyID) muss ein Code nach ISO 4217 alpha-3 sein.",
    "BR-CL-04": "Der Rechnungswährungscode (BT-5) muss ein Code nach ISO 4217 alpha-3 sein.",
    "BR-CL-05": "Der Steuerwährungscode (BT-6) muss ein Code nach ISO 4217 alpha-3 sein.",
    "BR-CL-06": "Der Code für das Steuerdatum (BT-8) muss aus der zulässigen Teilliste von "
    "UNTDID 2005/2475 stammen.",
    "BR-CL-07": "Die Schemakennung der Objektkennung (BT-18) muss aus UNTDID 1153 stammen.",
    "BR-CL-08": "Der Code des Bemerkungsgegenstands (BT-21) muss aus UNTDID 4451 stammen.",
    "BR-CL-10": "Die Schemakennung einer Kennung muss aus der ISO 6523 ICD-Liste stammen.",
    "BR-CL-11": "Die Schemakennung einer Registrierungskennung muss aus der ISO 6523 ICD-Liste "
    "stammen.",
    "BR-CL-13": "Die Schemakennung der Artikelklassifizierung (BT-158) muss aus UNTDID 7143 "
    "stammen.",
    "BR-CL-14": "Ländercodes müssen nach ISO 3166-1 angegeben werden.",
    "BR-CL-15": "Der Ländercode des Herkunftslands (BT-159) muss nach ISO 3166-1 angegeben werden.",
    "BR-CL-16": "Der Zahlungsmittelcode (BT-81) muss aus UNTDID 4461 stammen.",
    "BR-CL-17": "Umsatzsteuer-Kategoriecodes müssen aus UNCL 5305 stammen.",
    "BR-CL-18": "Umsatzsteuer-Kategoriecodes müssen aus UNCL 5305 stammen.",
    "BR-CL-19": "Codes für Nachlassgründe müssen aus UNCL 5189 stammen.",
    "BR-CL-20": "Codes für Zuschlagsgründe müssen aus UNCL 7161 stammen.",
    "BR-CL-21": "Die Schemakennung der Artikelkennung (BT-157) muss aus der ISO 6523 ICD-Liste "
    "stammen.",
    "BR-CL-22": "Der Code für den Befreiungsgrund (BT-121) muss aus der VATEX-Codeliste stammen.",
    "BR-CL-23": "Maßeinheiten müssen nach UN/ECE-Empfehlung 20 (mit Empfehlung 21) codiert sein.",
    "BR-CL-24": "Der MIME-Code eines Anhangs (BT-125) muss ein zulässiger MIME-Typ sein.",
    "BR-CL-25": "Die Schemakennung einer elektronischen Adresse muss aus der EAS-Codeliste "
    "stammen.",
    "BR-CL-26": "Die Schemakennung der Lieferortkennung (BT-71) muss aus der ISO 6523 ICD-Liste "
    "stammen.",
}

# VAT category rules BR-<cat>-NN share one wording per number; the category names:
_CATEGORY_DE = {
    "S": "Normalsatz (S)",
    "Z": "Nullsatz (Z)",
    "E": "Steuerbefreit (E)",
    "AE": "Umkehrung der Steuerschuldnerschaft (AE)",
    "K": "Innergemeinschaftliche Lieferung (K)",
    "IC": "Innergemeinschaftliche Lieferung (K)",
    "G": "Ausfuhr außerhalb der EU (G)",
    "O": "Nicht der Umsatzsteuer unterliegend (O)",
    "AF": "IGIC Kanarische Inseln (L)",
    "AG": "IPSI Ceuta/Melilla (M)",
}
_CATEGORY_RULE = re.compile(r"^BR-(S|Z|E|AE|IC|G|O|AF|AG)-\d+$")


def _terms(text: str) -> str:
    found = list(dict.fromkeys(_TERMS.findall(text)))
    return ", ".join(found)


def german_message(rule: str, english: str) -> str:
    """German text for a rule; unknown rules get a German frame around the English text."""
    known = MESSAGES_DE.get(rule)
    if known:
        return known
    terms = _terms(english)
    about = f" (betrifft {terms})" if terms else ""
    category = _CATEGORY_RULE.match(rule)
    if category:
        name = _CATEGORY_DE[category.group(1)]
        return (
            f"Regel {rule} für die Umsatzsteuerkategorie {name} ist verletzt{about}. "
            f"Originaltext: {english}"
        )
    if rule.startswith(("UBL-", "CII-")):
        return f"Syntaxregel {rule} ist verletzt{about}. Originaltext: {english}"
    return f"Regel {rule} ist verletzt{about}. Originaltext: {english}"
