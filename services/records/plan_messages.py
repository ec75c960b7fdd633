"""German wording of the file-plan checks for the validation report.

:mod:`file_plan` speaks English (it is also the CLI's and the API's language); people
fixing a plan file in the web interface read German.  Messages without a translation
here are shown as they are.
"""

from __future__ import annotations

import re

_Q = r"'([^']*)'"
_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    (r"the plan has no name", "Der Plan hat keinen Namen."),
    (r"the plan has no version", "Der Plan hat keine Version."),
    (r"the plan has no items", "Der Plan hat keine Einträge."),
    (r"the Aktenzeichen pattern is invalid: (.*)", r"Das Aktenzeichen-Muster ist ungültig: \1"),
    (rf"source id {_Q} is used (\d+) times", r"Die Quelle „\1“ ist \2-mal angegeben."),
    (r"the code occurs (\d+) times", r"Der Code kommt \1-mal vor."),
    (r"the title is empty", "Der Titel fehlt."),
    (
        r"the code is malformed .*",
        "Der Code ist ungültig (erwartet z. B. 11, 111, 111.07 oder 111.07.01).",
    ),
    (
        r"level (\d+) does not fit the code, which is a level-(\d+) code",
        r"Die Ebene \1 passt nicht zum Code, der auf Ebene \2 steht.",
    ),
    (rf"the parent {_Q} is not in the plan", r"Der übergeordnete Code „\1“ fehlt im Plan."),
    (
        rf"a level-1 code has no parent, not {_Q}",
        r"Ein Code der Ebene 1 hat keinen übergeordneten Code (nicht „\1“).",
    ),
    (
        rf"the parent is missing: the code nests under {_Q}",
        r"Der übergeordnete Code fehlt; er wäre „\1“.",
    ),
    (
        rf"the code does not nest under its parent {_Q} \(it nests under {_Q}\)",
        r"Der Code gehört nicht unter „\1“, sondern unter „\2“.",
    ),
    (
        rf"the org unit {_Q} is not in the plan's org units",
        r"Die Einheit „\1“ steht nicht in der Einheitenliste des Plans.",
    ),
    (
        r"no org unit, neither on the item nor on an ancestor",
        "Weder der Eintrag noch ein übergeordneter nennt eine Einheit.",
    ),
    (
        rf"the confidentiality {_Q} is not an xdomea code.*",
        r"„\1“ ist keine xdomea-Vertraulichkeitsstufe (003, 002, 005, 001, 004).",
    ),
    (
        rf"the source {_Q} is not in the plan's sources",
        r"Die Quelle „\1“ steht nicht in den Quellen des Plans.",
    ),
    (
        r"a leaf needs its own retention",
        "Eine Aufgabe (unterste Ebene) braucht eine Aufbewahrungsfrist.",
    ),
    (
        r"a leaf needs its own archive value",
        "Eine Aufgabe (unterste Ebene) braucht eine Archivwürdigkeit.",
    ),
    (r"no Aktenzeichen can be printed for it: (.*)", r"Es lässt sich kein Aktenzeichen bilden: \1"),
    (
        rf"its Aktenzeichen {_Q} does not read back as code {_Q}",
        r"Das Aktenzeichen „\1“ lässt sich nicht als Code „\2“ zurücklesen.",
    ),
    (r"the parent chain is a cycle: (.*)", r"Die übergeordneten Codes bilden einen Kreis: \1"),
    (r"missing", "Fehlt."),
    (r"unknown field", "Unbekanntes Feld."),
    (r"expected a string, got (.*)", r"Erwartet Text, gefunden \1."),
    (r"expected a string or null, got (.*)", r"Erwartet Text oder null, gefunden \1."),
    (r"expected a whole number, got (.*)", r"Erwartet eine ganze Zahl, gefunden \1."),
    (r"expected a list, got (.*)", r"Erwartet eine Liste, gefunden \1."),
    (r"(.*) is not one of (.*)", r"\1 ist keiner der Werte \2."),
    (r"required unless the retention is permanent", "Nötig, außer bei dauernder Aufbewahrung."),
    (r"missing column\(s\) (.*)", r"Es fehlen Spalten: \1"),
    (r"unknown column\(s\) (.*)", r"Unbekannte Spalten: \1"),
    (r"malformed CSV: (.*)", r"Fehlerhaftes CSV: \1"),
)
_COMPILED = tuple((re.compile(pattern), german) for pattern, german in _TRANSLATIONS)


def in_german(message: str) -> str:
    """``message`` of the file-plan checks in German, or unchanged when unknown."""
    for pattern, german in _COMPILED:
        found = pattern.fullmatch(message)
        if found:
            return found.expand(german)
    return message
