"""Texts of the synthetic letters: German administrative mail with umlauts and ß.

Every letter fits on one A4 page at 11 pt.  A line starting with ``>`` is right-aligned
(dates); the ``>`` is not part of the text.
"""

from __future__ import annotations

LETTERS: dict[str, str] = {
    "bauantrag": """\
Stadt Musterhausen · Bauordnungsamt · Marktplatz 1 · 12345 Musterhausen
Frau
Jördis Weißgerber
Lindenstraße 17
12345 Musterhausen
>Musterhausen, 14. März 2024
Eingangsbestätigung Ihres Bauantrags
Aktenzeichen: 63-0412/24
Sehr geehrte Frau Weißgerber,
Ihr Antrag auf Erteilung einer Baugenehmigung für den Neubau
eines Einfamilienhauses mit Garage auf dem Grundstück
Gemarkung Süderfeld, Flur 3, Flurstück 112/4 ist am 11. März 2024
bei uns eingegangen. Für die Prüfung fehlen noch folgende Unterlagen:
1. Standsicherheitsnachweis (Statik) mit Prüfbericht
2. Nachweis der Stellplätze gemäß Stellplatzsatzung
3. Lageplan im Maßstab 1:500 mit Abstandsflächen
Bitte reichen Sie die Unterlagen bis zum 15. April 2024 nach.
Die Bearbeitungsfrist beginnt erst mit Eingang der vollständigen Unterlagen.
Mit freundlichen Grüßen
Im Auftrag
Björn Müller-Lüdenscheidt
""",
    "widerspruch": """\
Karl-Heinz Öztürk · Schloßallee 5 · 12347 Musterhausen
Stadt Musterhausen
Steueramt
Postfach 11 20
12340 Musterhausen
>Musterhausen, den 2. Mai 2024
Widerspruch gegen den Gebührenbescheid vom 22. April 2024
Kassenzeichen: 4711.0815.2024
Sehr geehrte Damen und Herren,
hiermit lege ich fristgerecht Widerspruch gegen den oben genannten
Bescheid über Straßenreinigungsgebühren in Höhe von 312,48 € ein.
Die Berechnung geht von einer Frontlänge von 38 Metern aus.
Tatsächlich grenzt mein Grundstück nur mit 19 Metern an die Straße;
die übrige Länge liegt am Fußweg, der nicht gereinigt wird.
Ich bitte Sie, den Bescheid aufzuheben und die Gebühr neu zu
berechnen. Bis zur Entscheidung beantrage ich die Aussetzung
der Vollziehung gemäß § 80 Abs. 4 VwGO.
Eine Kopie des Lageplans füge ich bei.
Mit freundlichen Grüßen
Karl-Heinz Öztürk
""",
    "aufenthaltstitel": """\
Landkreis Musterhausen · Ausländerbehörde · Kreishaus, Zimmer 214
Herrn
Dušan Petrović
Gartenweg 3a
12349 Grünstädt
>Grünstädt, 5. Juni 2024
Verlängerung Ihrer Aufenthaltserlaubnis
Ihr Zeichen: AE-2024-1187
Sehr geehrter Herr Petrović,
Ihre Aufenthaltserlaubnis nach § 18b Aufenthaltsgesetz läuft am
31. August 2024 ab. Für die Verlängerung bitten wir Sie, persönlich
mit folgenden Unterlagen bei uns vorzusprechen:
- gültiger Reisepass und ein aktuelles biometrisches Lichtbild
- Arbeitsvertrag und die letzten drei Gehaltsabrechnungen
- Nachweis über die Krankenversicherung
- Mietvertrag oder Wohnungsgeberbestätigung
Bitte vereinbaren Sie einen Termin über unser Bürgerbüro.
Die Gebühr für die Verlängerung beträgt 93,00 €.
Mit freundlichen Grüßen
Gülşen Höfer
Sachbearbeiterin
""",
    "gewerbeanmeldung": """\
Stadt Musterhausen · Ordnungsamt · Gewerbeangelegenheiten
Frau
Anneliese Groß
Mühlenstraße 9
12345 Musterhausen
>Musterhausen, 19. Juli 2024
Bestätigung Ihrer Gewerbeanmeldung
Betriebsnummer: GA-2024-00731
Sehr geehrte Frau Groß,
wir bestätigen den Eingang Ihrer Gewerbeanmeldung vom 15. Juli 2024.
Angemeldete Tätigkeit: Einzelhandel mit Süßwaren, Kaffee und Tee
Betriebsstätte: Mühlenstraße 9, Erdgeschoss
Beginn der Tätigkeit: 1. August 2024
Die Anmeldung wurde an das Finanzamt, die Industrie- und
Handelskammer sowie die Berufsgenossenschaft weitergeleitet.
Für den Verkauf offener Lebensmittel benötigen Sie zusätzlich
eine Belehrung nach § 43 Infektionsschutzgesetz.
Die Verwaltungsgebühr von 26,00 € überweisen Sie bitte unter
Angabe der Betriebsnummer auf das unten genannte Konto.
Mit freundlichen Grüßen
Jürgen Schäfer
""",
    "rechnung": """\
Malerbetrieb Kößler GmbH · Hauptstraße 88 · 12346 Musterhausen
Stadt Musterhausen
Gebäudemanagement
Rathausplatz 1
12345 Musterhausen
>Rechnungsdatum: 30.08.2024
Rechnung Nr. 2024-0917
Auftrag: Malerarbeiten Grundschule Süd, Auftrag vom 03.06.2024
Pos. Menge Einheit Bezeichnung Einzelpreis Gesamt
1 420,00 m² Wandflächen grundieren und streichen 8,40 € 3.528,00 €
2 36,00 m Heizkörpernischen ausbessern 12,50 € 450,00 €
3 18,00 Std. Türzargen schleifen und lackieren 54,00 € 972,00 €
Summe netto 4.950,00 €
zzgl. 19 % Umsatzsteuer 940,50 €
Rechnungsbetrag 5.890,50 €
Zahlbar innerhalb von 30 Tagen ohne Abzug.
Bankverbindung: Sparkasse Musterhausen
IBAN: DE12 3456 7890 1234 5678 90
Steuernummer: 123/456/78901
""",
    "hundesteuer": """\
Stadt Musterhausen · Steueramt · Rathausplatz 1 · 12345 Musterhausen
Herrn
Maximilian Süßmuth
Birkenallee 21
12348 Musterhausen
>Musterhausen, 8. Januar 2024
Bescheid über Hundesteuer für das Jahr 2024
Steuernummer: HS-2024-3391
Sehr geehrter Herr Süßmuth,
für das Halten des Hundes „Bruno“ (Rasse: Mischling, Marke Nr. 512)
wird die Hundesteuer für 2024 auf 120,00 € festgesetzt.
Fälligkeiten: 15.02.2024, 15.05.2024, 15.08.2024, 15.11.2024
je Fälligkeit 30,00 €
Rechtsbehelfsbelehrung:
Gegen diesen Bescheid kann innerhalb eines Monats nach
Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist
schriftlich oder zur Niederschrift bei der Stadt Musterhausen,
Steueramt, Rathausplatz 1, 12345 Musterhausen einzulegen.
Mit freundlichen Grüßen
Im Auftrag
Ute Großkopf
""",
    "anhoerung": """\
Landkreis Musterhausen · Bußgeldstelle · Postfach 3 17 · 12340 Musterhausen
Frau
Friederike Stöß
Am Weiher 4
12349 Grünstädt
>Musterhausen, 12. September 2024
Anhörung im Bußgeldverfahren
Aktenzeichen: 731.22.104587.9
Sehr geehrte Frau Stöß,
Ihnen wird vorgeworfen, am 28.08.2024 um 07:42 Uhr in Grünstädt,
Bahnhofstraße, Höhe Haus Nr. 12, die zulässige Höchstgeschwindigkeit
innerorts um 21 km/h überschritten zu haben.
Zulässige Geschwindigkeit: 50 km/h, festgestellt (nach Toleranzabzug): 71 km/h
Beweismittel: Messfoto, Messprotokoll, Eichschein
Sie haben Gelegenheit, sich innerhalb von einer Woche zu äußern.
Falls Sie nicht selbst gefahren sind, teilen Sie uns bitte Name und
Anschrift der verantwortlichen Person mit.
Mit freundlichen Grüßen
Jörg Weißenbäcker
""",
    "meldebescheinigung": """\
Stadt Musterhausen · Bürgeramt · Rathausplatz 1 · 12345 Musterhausen
Erweiterte Meldebescheinigung
nach § 18 Absatz 2 Bundesmeldegesetz
>Musterhausen, 3. Oktober 2024
Familienname: Ährenfeld
Vornamen: Lea Sophie
Geburtsdatum: 17.04.1991
Geburtsort: Düsseldorf
Staatsangehörigkeit: deutsch
Familienstand: verheiratet
Anschrift: Fürstenweg 12, 12345 Musterhausen
Einzugsdatum: 01.09.2024
Art der Wohnung: alleinige Wohnung
Frühere Anschrift: Königsallee 140, 40212 Düsseldorf
Diese Bescheinigung wurde maschinell erstellt und ist ohne
Unterschrift gültig. Sie dient nur zur Vorlage bei Behörden.
Gebühr: 10,00 € (bar bezahlt)
Im Auftrag
Bürgeramt Musterhausen
""",
}

NOTES: list[str] = [
    """\
Frau Weißgerber:
Rückruf wegen Statik!
Unterlagen fehlen noch.
Gruß, B. Müller 14.3.""",
    """\
Bitte bis Freitag prüfen
und an Steueramt weiterleiten.
Danke! J. Schäfer""",
    """\
Termin Ausländerbehörde
Dienstag 9:30 Uhr, Zi. 214
Pass + Lichtbild mitbringen""",
]
