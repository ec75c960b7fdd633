"""Persons named with a birth date, inline ("Max Mustermann, geb. 03.04.1985") or in a form."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from services.classification.references.normal_forms import Reference, ReferenceKind, person_key
from services.classification.references.tokens import WORD, line_end, split_tokens

_MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_BIRTH_DATE = (
    r"(?<!\d)(?P<day>\d{1,2})\.[ \t]?"
    rf"(?:(?P<month>\d{{1,2}})\.[ \t]?|(?P<month_name>(?i:{_MONTH_NAMES}))\.?[ \t]+)"
    r"(?P<year>(?:19|20)\d{2})(?!\d)"
)
_BIRTH_ANCHOR = re.compile(
    r"[ \t]*[,(]?[ \t]*(?:\n[ \t]*)?"
    r"(?:Geburtsdatum|Geb\.[ \t]?-?[ \t]?[Dd]atum|[Gg]eboren|[Gg]eb\.|\*)"
    rf"[ \t]*(?:am[ \t]+)?:?[ \t]*{_BIRTH_DATE}"
)
_FORM_BIRTH = re.compile(
    r"(?<!\w)(?:Geburtsdatum|Geb\.[ \t]?-?[ \t]?[Dd]atum|[Gg]eboren am|[Gg]eb\. am)"
    rf"[ \t]*:?[ \t]*{_BIRTH_DATE}"
)
_FORM_BOTH = re.compile(
    r"(?<!\w)(?:Familienname|Nachname|Name)[ \t]*,[ \t]*Vornamen?(?:\(n\))?[ \t]*:[ \t]*"
)
_FORM_FAMILY = re.compile(r"(?<!\w)(?:Familienname|Nachname|Name)[ \t]*:[ \t]*")
_FORM_GIVEN = re.compile(r"(?<!\w)Vornamen?(?:\(n\))?[ \t]*:[ \t]*")
_GIVEN_LABEL = re.compile(r"Vornamen?(?:\(n\))?:?")
_FORM_WINDOW = 400
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_INITIAL = re.compile(r"[A-ZÄÖÜ]\.")
_PARTICLE_WORDS = "von vom zu zum zur van de der den del della di da dos du la le ten ter af al el"
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
# capitalised words that stand before names but are none
_NOT_NAME_WORDS = """Herr Herrn Frau Fräulein Familie Eheleute Dr Prof Mandant Mandantin Mandanten
    Antragsteller Antragstellerin Kind Sohn Tochter Ehefrau Ehemann Ehegatte Ehegattin Vater
    Mutter Schüler Schülerin Patient Patientin Bewohner Bewohnerin Mieter Mieterin Betroffene
    Betroffener Verstorbene Verstorbener Person Betreff Name Vorname Nachname Familienname
    Geburtsname Damen Herren Sehr Liebe Lieber Hallo Guten Tag Antrag Bescheid Widerspruch"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# "mein Mann, Heinrich Ostendorf": a noun after these is no family name
_DETERMINER_WORDS = "mein meine meines meinem meinen unser unsere der die das dem den ihr ihre"
_DETERMINERS = frozenset(_DETERMINER_WORDS.split())
# long words with these endings are nouns ("Aufenthaltserlaubnis Max Mustermann")
_NOUN_ENDINGS = ("ung", "nis", "heit", "keit", "schaft", "antrag", "titel", "verfahren", "sache")


def _is_name_word(word: str) -> bool:
    return (
        bool(_NAME_WORD.fullmatch(word))
        and word[0].isupper()
        and word not in _NOT_NAMES
        and not (len(word) >= 9 and word.lower().endswith(_NOUN_ENDINGS))
    )


def read_persons(text: str) -> list[Reference]:
    found = [ref for m in _BIRTH_ANCHOR.finditer(text) if (ref := _inline_person(text, m))]
    previous_end = 0
    for m in _FORM_BIRTH.finditer(text):
        ref = _form_person(text, m, max(previous_end, m.start() - _FORM_WINDOW))
        if ref:
            found.append(ref)
        previous_end = m.end()
    return found


def _birth_date(m: re.Match[str]) -> date | None:
    month = int(m["month"]) if m["month"] else _MONTHS[m["month_name"].lower()]
    try:
        return date(int(m["year"]), month, int(m["day"]))
    except ValueError:
        return None


def _inline_person(text: str, m: re.Match[str]) -> Reference | None:
    """Read "Max Mustermann, geb. 03.04.1985" or "Mustermann, Max, geboren am 3.4.1985"."""
    born = _birth_date(m)
    line_start = text.rfind("\n", 0, m.start()) + 1
    words = [(w.group(), w.start()) for w in WORD.finditer(text, line_start, m.start())]
    if len(words) >= 3 and words[-3][0].endswith(",") and words[-2][0] in ("geb.", "geborene"):
        # "Doris Lange-Meinhardt, geb. Lange, geb. 29.01.1976": the birth name is skipped
        name, start = words[-3]
        words = [*words[:-3], (name.rstrip(","), start)]
    names = _name_run(words, len(words))
    while names and names[0][0] in _PARTICLES:
        names = names[1:]
    if born is None or not names:
        return None
    before = len(words) - len(names)
    if before and words[before - 1][0] in ("geb.", "geborene"):
        # "Melina Tenbrink geb. Schulze": the name before the birth name
        names = _name_run(words, before - 1)
        before -= 1 + len(names)
    if before and _GIVEN_LABEL.fullmatch(words[before - 1][0]):
        return None  # "Vorname: Max Geburtsdatum: ...": a form, read as one
    family: list[str] = []
    if before and words[before - 1][0].endswith(","):
        comma_word, comma_start = words[before - 1]
        family_run = _name_run([*words[: before - 1], (comma_word[:-1], comma_start)], before)
        ahead = words[before - len(family_run) - 1][0] if before > len(family_run) else ""
        if family_run and not _is_name_word(ahead.rstrip(",")) and ahead not in _DETERMINERS:
            if len(names) > 3 or len(family_run) > 3 or any(w in _PARTICLES for w, _ in names):
                return None
            family = [w for w, _ in family_run]
            names = [*family_run, *names]
    given = [w for w, _ in names[len(family) :]]
    if not family:
        given, family = _split_given_family(given)
    if not given or not family or not _is_name_word(family[-1]):
        return None
    value = person_key(" ".join(family), " ".join(given), born)
    start = names[0][1]
    return (
        Reference(ReferenceKind.PERSON, value, text[start : m.end()], start, None)
        if value
        else None
    )


def _name_run(words: Sequence[tuple[str, int]], end: int) -> list[tuple[str, int]]:
    """The name words and particles ending at ``end``, stopping at a comma or other word."""
    start = end
    while start > 0:
        word = words[start - 1][0]
        if word.endswith(",") or not (
            _is_name_word(word) or word in _PARTICLES or _INITIAL.fullmatch(word)
        ):
            break
        start -= 1
    return list(words[start:end])


def _split_given_family(words: list[str]) -> tuple[list[str], list[str]]:
    """Split "Max Peter Mustermann", "Anna von der Heide": a particle starts the family name.

    A lone particle between two words and a given and a family name is a preposition
    ("Ihr Vorgang zu Anna Müller"): the name is what follows it.  ("José de Souza Santos",
    "Maria de la Cruz Garcia" keep their particles.)
    """
    split = next((i for i, w in enumerate(words) if i and w in _PARTICLES), len(words) - 1)
    after = words[split + 1 :]
    if split >= 2 and len(after) == 2 and not any(w in _PARTICLES for w in after):
        return after[:1], after[1:]
    if not 2 <= sum(w not in _PARTICLES for w in words) <= 4:
        return [], []
    return words[:split], words[split:]


def _form_person(text: str, birth: re.Match[str], window_start: int) -> Reference | None:
    """Form fields: "Name: Mustermann  Vorname: Max  Geburtsdatum: 03.04.1985"."""
    born = _birth_date(birth)
    both = list(_FORM_BOTH.finditer(text, window_start, birth.start()))
    if both:
        words = _field_words(text, both[-1].end())
        comma = next((i for i, w in enumerate(words) if w.endswith(",")), None)
        if comma is None:
            return None
        family_part, given_part = words[: comma + 1], words[comma + 1 :]
        start = both[-1].end()
    else:
        families = list(_FORM_FAMILY.finditer(text, window_start, birth.start()))
        givens = list(_FORM_GIVEN.finditer(text, window_start, birth.start()))
        if not families or not givens:
            return None
        family_part = _field_words(text, families[-1].end())
        given_part = _field_words(text, givens[-1].end())
        start = min(families[-1].end(), givens[-1].end())
    family = [w.rstrip(",") for w in family_part]
    given = [w.rstrip(",") for w in given_part]
    if born is None or not family or not given:
        return None
    if not (_is_name_word(family[-1]) and _is_name_word(given[0])):
        return None
    value = person_key(" ".join(family), " ".join(given), born)
    printed = text[start : birth.end()]
    return Reference(ReferenceKind.PERSON, value, printed, start, None) if value else None


def _field_words(text: str, pos: int) -> list[str]:
    """The name words of a form field's value; a word that ended in "," keeps it."""
    words: list[str] = []
    for token in split_tokens(text, pos, line_end(text, pos), ()):
        if words and token.spaced:
            break
        if not (_is_name_word(token.text) or token.text in _PARTICLES):
            break
        comma = token.closed and text[token.end] == ","
        words.append(token.text + "," * comma)
        if token.closed and not comma:
            break
    return words
