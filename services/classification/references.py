"""References in incoming letters: what points a letter at an existing Akte.

Pure text processing: :func:`extract_references` reads the OCR text of a letter and
returns the references it can read unambiguously; matching them against Akten is done
elsewhere.  The ``normalize_*`` functions and :func:`person_key` also normalise the
subject keys a case worker types, so that matching is an equality test.  Normal forms:

- Aktenzeichen: the canonical string of the injected finder.
- Kassenzeichen: the digits only, leading zeros kept
  ("5.0123.456789.0", "5 0123 456789 0" -> "501234567890").
- Bauantrag: the runs of letters and of digits, upper-case, leading zeros of digit runs
  dropped, joined by single "-" ("BA-2026-0173", "BA 2026/173", "ba2026.0173" ->
  "BA-2026-173"; "63/0173/2026" -> "63-173-2026").  The order of the parts is kept and
  nothing is expanded: "BA 173/2026" is "BA-173-2026", a year "26" stays "26".
- Sender reference: upper-case, whitespace removed, only letters, digits, "/", "-" and "."
  kept, and none of these three at either end ("ra-2026 / 0815" -> "RA-2026/0815",
  "815/26 KM/ks" -> "815/26KM/KS").
- Person: "family|given|YYYY-MM-DD" with folded names, see :func:`person_key`.

Precision comes before recall: a value is read only right after its label or below it in a
DIN 5008 Bezugszeichenzeile, and a snippet that reads two ways gives no reference.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from itertools import pairwise

AktenzeichenFinder = Callable[[str], Sequence[tuple[str, int, int]]]
_Spans = Sequence[tuple[int, int]]


class ReferenceKind(StrEnum):
    """What a reference names; the values double as subject key kinds."""

    AKTENZEICHEN = "aktenzeichen"
    SENDER_REFERENCE = "sender_reference"
    KASSENZEICHEN = "kassenzeichen"
    BAUANTRAG = "bauantrag"
    PERSON = "person"


@dataclass(frozen=True)
class Reference:
    """A reference found in a text.

    ``value`` is the normal form (see the module docstring), ``printed`` the text as found
    at offset ``start``, ``label`` the printed label it stands under ("Ihr Zeichen",
    "Kassenzeichen"), if any.
    """

    kind: ReferenceKind
    value: str
    printed: str
    start: int
    label: str | None


# --- normal forms -------------------------------------------------------------------------


def normalize_kassenzeichen(raw: str) -> str:
    """The digits of a Kassenzeichen, leading zeros kept; "" when there are none.

    O, I, l and | between digits are OCR's misreadings of 0 and 1 ("5.0612.0I0988.2").
    """
    return re.sub(r"[^0-9]", "", _ocr_digits(raw))


def _ocr_digits(raw: str) -> str:
    return _OCR_DIGIT.sub(lambda m: "0" if m.group() in "Oo" else "1", raw)


_OCR_DIGIT = re.compile(r"(?<=[\d.])[OoIl|](?=\d)|(?<=\d)[OoIl|](?=[\d.])")


def normalize_bauantrag(raw: str) -> str:
    """Letter and digit runs joined by "-", digit runs without leading zeros.

    A leading label ("Bauantrag Nr.") is ignored; "" when there is no digit.
    """
    number = _BAU_LABEL_PREFIX.sub("", raw, count=1)
    parts = re.findall(r"[0-9]+|[^\W\d_]+", number.upper())
    if not any(part.isdigit() for part in parts):
        return ""
    return "-".join(part.lstrip("0") or "0" if part.isdigit() else part for part in parts)


def normalize_sender_reference(raw: str) -> str:
    """Upper-case; only letters, digits, "/", "-" and "." are kept, none of these at the ends."""
    return re.sub(r"[^\w/.\-]|_", "", raw.upper()).strip("/.-")


def person_key(family_name: str, given_names: str, birth_date: date) -> str:
    """``family|given|YYYY-MM-DD``; "" when either name has no letters.

    Names are folded: case, umlauts (ä -> ae, ß -> ss), accents and apostrophes are
    dropped, hyphens and spaces become one space ("El-Sayed" -> "el sayed").  Abbreviations
    such as "Dr." or an initial are skipped.  Only the first given name counts, and of a
    hyphenated one only its first part ("Hans-Peter Max" -> "hans"), because letters drop
    or shorten further given names.
    """
    family = _fold(" ".join(w for w in family_name.split() if not w.endswith(".")))
    given_words = [w for w in given_names.split() if not w.endswith(".")]
    given = _fold(given_words[0]).split(" ")[0] if given_words else ""
    if not family or not given:
        return ""
    return f"{family}|{given}|{birth_date.isoformat()}"


_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l"}
    | {"đ": "d", "ı": "i", "'": "", "’": "", "`": "", "´": ""}
)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFC", name).lower().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))


# --- labels -------------------------------------------------------------------------------


class _Role(Enum):
    OURS = "ours"  # Ihr Zeichen: our Aktenzeichen
    GENERIC = "generic"  # Az., Aktenzeichen: whose is not said
    SENDER = "sender"
    BAU = "bau"
    KASSE = "kasse"
    OTHER = "other"  # invoice, customer, contract numbers: never a reference
    DATE = "date"
    PHONE = "phone"
    TEXT = "text"


_OUR_ROLES = frozenset({_Role.OURS, _Role.GENERIC, _Role.BAU})
_SINGLE_TOKEN_ROLES = frozenset({*_OUR_ROLES, _Role.SENDER, _Role.OTHER})
_NR = r"(?:Nr\.?|Nummer|nummer)"
_AZ = r"Aktenzeichen|Gesch(?:ä|ae)ftszeichen|Az\.?|AZ|Gz\.?"
_ZEICHEN = rf"(?:Zeichen|{_AZ})"
_I = "[Il1|]"  # OCR reads the I of "Ihr" as l, 1 or |
_BAU_LABEL = (
    rf"Bauantrags?[ \t]?-?[ \t]?{_NR}"
    r"|Vorgangs[ \t]?-?[ \t]?Nr\.?[ \t]?\(Bauaufsicht\)"
    r"|(?:Az\.?|Aktenzeichen)[ \t]+der[ \t]+Bauaufsicht"
)
_LABEL_SOURCES = {
    _Role.BAU: _BAU_LABEL,
    _Role.OURS: rf"{_I}hre?[ \t]+(?:{_ZEICHEN}|Referenz)",
    _Role.SENDER: (
        rf"(?:[Uu]nsere?|[Mm]eine?)[ \t]+(?:{_ZEICHEN}|Referenz)|Mandant[ \t]?/[ \t]?Az\.?"
    ),
    _Role.KASSE: (
        r"Kassen[ \t]?-?[ \t]?[Zz]eichens?|Buchungszeichen"
        rf"|Personenkonto(?:[ \t]?-?[ \t]?{_NR})?|K[Zz](?!-)\.?"
    ),
    _Role.GENERIC: _AZ,
    _Role.OTHER: (
        rf"(?:Rechnungs|Kunden|Vertrags|Auftrags|Steuer|Mitglieds|Versicherungs)[ \t]?-?[ \t]?{_NR}"
    ),
    _Role.DATE: rf"(?:{_I}hre?|[Uu]nsere?)[ \t]+(?:Nachricht|Schreiben|E-Mail)[ \t]+vom|Datum",
    _Role.PHONE: r"Telefon|Tel\.(?:[ \t]?-?[ \t]?Nr\.)?|Durchwahl|Telefax|Fax|Mobil",
    _Role.TEXT: r"(?:Sach)?[Bb]earbeiter(?:in)?|Ansprechpartner(?:in)?|Name|E-Mail|Zimmer",
}
_LABEL = re.compile(
    "|".join(
        rf"(?P<{role.name}>(?<!\w)(?:{source})(?![^\W\d_]))"
        for role, source in _LABEL_SOURCES.items()
    )
)
_BAU_LABEL_PREFIX = re.compile(rf"^\s*(?:{_BAU_LABEL})[\s:.]*")
_VALUE_LEAD = re.compile(r"[ \t]*(?:[:.]|-(?=[ \t]))?[ \t]*(?:Nr\.?[ \t]*:?)?[ \t]*")
# what may stand between a label and the value it labels, or between chained labels
_LABEL_GAP = re.compile(r"[ \t:.,/\-–]*(?:(?:Nr\.?|vom)[ \t:.,/]*)?")


@dataclass(frozen=True)
class _Label:
    role: _Role
    printed: str
    start: int
    end: int


def _labels(text: str) -> list[_Label]:
    return [
        _Label(_Role[m.lastgroup or ""], " ".join(m.group().split()), m.start(), m.end())
        for m in _LABEL.finditer(text)
    ]


# --- tokens -------------------------------------------------------------------------------

_DATE_TOKEN = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")
_REF_TOKEN = re.compile(r"[^\W_](?:[\w./\-]*[^\W_])?")
_CODE_TOKEN = re.compile(r"[A-ZÄÖÜ]{1,4}")
_LEADING_CODE = re.compile(r"[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,3}(?:-[A-ZÄÖÜ]{1,4})*")
_TRAILING_CODE = re.compile(r"[A-ZÄÖÜ]{1,4}|[A-ZÄÖÜ][a-zäöü]{1,2}|[^\W\d_]{1,4}/[^\W\d_]{1,4}")
_NOT_CODES = frozenset(
    {"Am", "Az", "Bei", "Das", "Der", "Die", "Für", "Ihr", "Im", "In", "Und", "Vom"}
)
_DIGITS_TOKEN = re.compile(r"\d+(?:[.\-/]\d+)*")
_PHONE_TOKEN = re.compile(r"\+?\(?\d[\d()/\-]*")
_SEPARATORS = frozenset({",", "/", "-", "–", "|", ";", "vom"})
_MAX_FIELD_TOKENS = 6
_MAX_PARSES = 64


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    finder: bool  # exactly an Aktenzeichen the finder found
    closed: bool  # ended in "," ";" ":" or a full stop after a digit: the value ends here
    spaced: bool  # more than one space before it: a new column


def _tokens(text: str, start: int, end: int, hits: _Spans) -> list[_Token]:
    """Whitespace-separated tokens of ``text[start:end]``; each finder hit is one token."""
    spans: list[tuple[int, int, bool]] = []
    pos = start
    for hit_start, hit_end in hits:
        if hit_start < pos or hit_end > end:
            continue
        spans += [
            (pos + m.start(), pos + m.end(), False) for m in _WORD.finditer(text[pos:hit_start])
        ]
        spans.append((hit_start, hit_end, True))
        pos = hit_end
    spans += [(pos + m.start(), pos + m.end(), False) for m in _WORD.finditer(text[pos:end])]
    tokens: list[_Token] = []
    previous_end = start
    for span_start, span_end, finder in spans:
        raw = text[span_start:span_end]
        word = raw if finder else _strip_closing(raw)
        gap = text[previous_end:span_start].lstrip(",;:.")
        spaced = len(gap) > 1 or "\t" in gap
        tokens.append(_Token(word, span_start, span_start + len(word), finder, word != raw, spaced))
        previous_end = span_start + len(word)
    return tokens


_WORD = re.compile(r"\S+")
_WIDE_GAP = re.compile(r"[ ]{2,}|\t")


def _strip_closing(raw: str) -> str:
    word = raw.rstrip(",;:")
    if word.endswith(".") and word[-2:-1].isdigit():
        word = word[:-1]
    return word or raw


def _digits(tokens: Sequence[_Token]) -> int:
    return sum(c.isdigit() for t in tokens for c in t.text)


def _is_ref(token: _Token) -> bool:
    text = token.text
    return token.finder or (
        bool(_REF_TOKEN.fullmatch(text))
        and any(c.isdigit() for c in text)
        and not _DATE_TOKEN.fullmatch(text)
    )


def _is_kasse(token: _Token) -> bool:
    return (
        not token.finder
        and bool(_DIGITS_TOKEN.fullmatch(_ocr_digits(token.text)))
        and not _DATE_TOKEN.fullmatch(token.text)
    )


def _run(tokens: Sequence[_Token], limit: int) -> list[_Token]:
    """The leading tokens that can form one value: no wide gap, no closing mark inside."""
    run: list[_Token] = []
    for token in tokens[:limit]:
        if run and (run[-1].closed or token.spaced):
            break
        run.append(token)
    return run


def _sender_length(tokens: Sequence[_Token]) -> int:
    """How many leading tokens form a sender reference.

    Numbers (with a digit), short letter codes before them ("RA", "Ms", "NH-PE") and one
    code or dictation sign after them ("Oe", "WL/sk"): "NH-PE 26/031 Sch", "233/25 WL/sk".
    """
    n = refs = 0
    for token in _run(tokens, 5):
        code = token.text not in _NOT_CODES
        if _is_ref(token):
            refs += 1
        elif not refs and n < 2 and code and _LEADING_CODE.fullmatch(token.text):
            pass
        elif refs and code and _TRAILING_CODE.fullmatch(token.text):
            n += 1
            break
        else:
            break
        n += 1
    return n if refs and sum(len(t.text) for t in tokens[:n]) >= 3 else 0


def _kasse_length(tokens: Sequence[_Token]) -> int:
    n = 0
    for token in _run(tokens, _MAX_FIELD_TOKENS):
        if not _is_kasse(token):
            break
        n += 1
    return n if 6 <= _digits(tokens[:n]) <= 20 else 0


def _bau_length(tokens: Sequence[_Token]) -> int:
    """An optional letter prefix ("BA") and numbers, maybe joined by a spaced "/" or "-".

    Nothing when the finder saw an Aktenzeichen there: that one wins.
    """
    run = _run(tokens, 7)
    length = refs = 0
    for i, token in enumerate(run):
        if token.finder:
            return 0
        joins = token.text in ("/", "-") and i + 1 < len(run) and _is_ref(run[i + 1])
        if not (
            _is_ref(token) or (refs and joins) or (i == 0 and _CODE_TOKEN.fullmatch(token.text))
        ):
            break
        refs += _is_ref(token)
        length = i + 1
    return length if refs and _digits(tokens[:length]) >= 3 else 0


# --- reading ------------------------------------------------------------------------------


@dataclass
class _Reading:
    references: list[Reference]
    hit_labels: dict[int, str]  # finder hit start -> the label it stands under
    blocked: set[int]  # finder hits that are not ours (sender column, invoice number, unclear)

    def emit(self, kind: ReferenceKind, tokens: Sequence[_Token], text: str, label: str) -> None:
        start, end = tokens[0].start, tokens[-1].end
        printed = text[start:end]
        value = _NORMALISE[kind](printed)
        if value:
            self.references.append(Reference(kind, value, printed, start, label))


_NORMALISE: dict[ReferenceKind, Callable[[str], str]] = {
    ReferenceKind.SENDER_REFERENCE: normalize_sender_reference,
    ReferenceKind.KASSENZEICHEN: normalize_kassenzeichen,
    ReferenceKind.BAUANTRAG: normalize_bauantrag,
}
_READERS: dict[_Role, tuple[ReferenceKind, Callable[[Sequence[_Token]], int]]] = {
    _Role.SENDER: (ReferenceKind.SENDER_REFERENCE, _sender_length),
    _Role.KASSE: (ReferenceKind.KASSENZEICHEN, _kasse_length),
    _Role.BAU: (ReferenceKind.BAUANTRAG, _bau_length),
}


def _read_inline(text: str, labels: Sequence[_Label], hits: _Spans, reading: _Reading) -> None:
    """Values right after their label on the same line: "Kassenzeichen: 5.0123.456789.0"."""
    for label in labels:
        if label.role not in _READERS:
            continue
        kind, length = _READERS[label.role]
        pos = _VALUE_LEAD.match(text, label.end)
        assert pos is not None  # the lead pattern matches the empty string
        tokens = _tokens(text, pos.end(), _line_end(text, pos.end()), hits)
        if label.printed.startswith("Mandant"):
            # "Mandant/Az.: Mustermann ./. Stadt Musterstadt, 0815/26": the last part reads
            starts = [i for i, t in enumerate(tokens) if i == 0 or tokens[i - 1].closed]
            candidates = [tokens[i:] for i in reversed(starts) if length(tokens[i:])]
            tokens = candidates[0] if candidates else []
        elif tokens and (tokens[0].start != pos.end() or tokens[0].spaced):
            continue
        n = length(tokens)
        if n:
            reading.emit(kind, tokens[:n], text, label.printed)
            reading.blocked.update(t.start for t in tokens[:n] if t.finder)


@dataclass(frozen=True)
class _Segment:
    labels: tuple[_Label, ...]
    tokens: tuple[_Token, ...]
    parses: tuple[tuple[tuple[int, int], ...], ...]
    too_many: bool


def _read_tables(text: str, labels: Sequence[_Label], hits: _Spans, reading: _Reading) -> None:
    """DIN 5008 Bezugszeichenzeile: a line of labels and, below, a line of their values."""
    lines = _lines(text)
    starts = [start for start, _ in lines]
    rows: dict[int, list[_Label]] = {}
    for label in labels:
        rows.setdefault(bisect_right(starts, label.start) - 1, []).append(label)
    label_lines = {i for i, row in rows.items() if _is_label_line(text, *lines[i], row)}
    for index in sorted(label_lines):
        row = rows[index]
        if not any(label.role in _SINGLE_TOKEN_ROLES or label.role in _READERS for label in row):
            continue
        below = [
            i for i in (index + 1, index + 2) if i < len(lines) and text[slice(*lines[i])].strip()
        ]
        if below and below[0] not in label_lines:
            for segment in _segments(text, row, lines[index][0], lines[below[0]], hits):
                _decide(text, segment, reading)


def _segments(
    text: str, row: list[_Label], row_start: int, value_line: tuple[int, int], hits: _Spans
) -> list[_Segment]:
    """The value line cut into pieces that each belong to one group of labels."""
    start, end = value_line
    groups: list[list[_Label]] = []
    for label in row:
        if groups and re.fullmatch(r"[ \t]*[,/][ \t]*", text[groups[-1][-1].end : label.start]):
            groups[-1].append(label)
        else:
            groups.append([label])
    cells = [
        (start + m.start(), start + m.end()) for m in re.finditer(r"\S+(?: \S+)*", text[start:end])
    ]
    if len(cells) == len(groups):
        # every column has a value, set apart by wide gaps
        return [_cell_segment(text, g, c, hits) for g, c in zip(groups, cells, strict=True)]
    laid_out = all(_WIDE_GAP.search(text, a[-1].end, b[0].start) for a, b in pairwise(groups))
    if laid_out and len(cells) < len(groups):
        # some columns are empty: a value belongs to the column it stands under
        columns = [group[0].start - row_start for group in groups]
        owners = [bisect_right(columns, cell_start - start + 2) - 1 for cell_start, _ in cells]
        if owners[0] >= 0 and all(a < b for a, b in pairwise(owners)):
            return [
                _cell_segment(text, groups[g], c, hits) for g, c in zip(owners, cells, strict=True)
            ]
    return [_parsed_segment(tuple(row), _tokens(text, start, end, hits))]


def _cell_segment(text: str, group: list[_Label], cell: tuple[int, int], hits: _Spans) -> _Segment:
    tokens = _tokens(text, *cell, hits)
    if len(group) > 1:
        return _parsed_segment(tuple(group), tokens)
    # a cell longer than any value is running text, not a value
    fits = 0 < len(tokens) <= _MAX_FIELD_TOKENS
    return _Segment((group[0],), tuple(tokens), (((0, len(tokens)),),) if fits else (), False)


def _parsed_segment(labels: tuple[_Label, ...], tokens: list[_Token]) -> _Segment:
    """Every way the tokens can be spread over the labels, each field possibly empty."""
    found: list[tuple[tuple[int, int], ...]] = []
    dead: set[tuple[int, int]] = set()  # (token, field) states that lead to no reading

    def walk(t: int, f: int, acc: tuple[tuple[int, int], ...]) -> None:
        while t < len(tokens) and tokens[t].text in _SEPARATORS:
            t += 1
        if len(found) > _MAX_PARSES or (t, f) in dead:
            return
        before = len(found)
        if f == len(labels):
            if t == len(tokens):
                found.append(acc)
        else:
            walk(t, f + 1, (*acc, (t, t)))
            for n in range(1, min(_MAX_FIELD_TOKENS, len(tokens) - t) + 1):
                if _fits(labels[f].role, tokens[t : t + n]):
                    walk(t + n, f + 1, (*acc, (t, t + n)))
        if len(found) == before:
            dead.add((t, f))

    walk(0, 0, ())
    return _Segment(labels, tuple(tokens), tuple(found), len(found) > _MAX_PARSES)


def _fits(role: _Role, tokens: Sequence[_Token]) -> bool:
    if role in _SINGLE_TOKEN_ROLES:
        return len(tokens) == 1 and _is_ref(tokens[0])
    if role is _Role.KASSE:
        return all(_is_kasse(t) for t in tokens) and 6 <= _digits(tokens) <= 20
    if role is _Role.DATE:
        return len(tokens) == 1 and bool(_DATE_TOKEN.fullmatch(tokens[0].text))
    plain = len(tokens) <= 4 and not any(t.finder or _DATE_TOKEN.fullmatch(t.text) for t in tokens)
    if role is _Role.PHONE:
        return plain and all(_PHONE_TOKEN.fullmatch(t.text) for t in tokens)
    return plain and not any(c.isdigit() for t in tokens for c in t.text)


def _decide(text: str, segment: _Segment, reading: _Reading) -> None:
    """Keep what every reading of the segment agrees on; block finder hits it leaves open."""
    finder_owners: dict[int, set[int]] = {}
    for field, label in enumerate(segment.labels):
        spans = {parse[field] for parse in segment.parses}
        for a, b in spans:
            for k in range(a, b):
                finder_owners.setdefault(k, set()).add(field)
        if segment.too_many or len(spans) != 1 or label.role not in _READERS:
            continue
        ((a, b),) = spans
        kind, length = _READERS[label.role]
        tokens = segment.tokens[a:b]
        if tokens and length(tokens) == len(tokens):
            reading.emit(kind, tokens, text, label.printed)
    if not segment.parses:
        return
    for k, token in enumerate(segment.tokens):
        if not token.finder:
            continue
        owners = finder_owners.get(k, set())
        owner = segment.labels[owners.pop()] if len(owners) == 1 else None
        if owner is not None and not segment.too_many and owner.role in _OUR_ROLES:
            reading.hit_labels[token.start] = owner.printed
        else:
            reading.blocked.add(token.start)


def _is_label_line(text: str, start: int, end: int, row: Sequence[_Label]) -> bool:
    if not row:
        return False
    rest, pos = [], start
    for label in row:
        rest.append(text[pos : label.start])
        pos = label.end
    rest.append(text[pos:end])
    return bool(re.fullmatch(r"[\s,/:|]*", "".join(rest)))


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _attached_label(text: str, labels: Sequence[_Label], start: int) -> _Label | None:
    """The label an Aktenzeichen stands right behind, through chains like "Ihr Zeichen/vom:"."""
    cursor = start
    for label in reversed([label for label in labels if label.end <= start]):
        if not _LABEL_GAP.fullmatch(text, label.end, cursor):
            return None
        if label.role in _OUR_ROLES or label.role in (_Role.SENDER, _Role.OTHER):
            return label
        cursor = label.start
    return None


# --- persons ------------------------------------------------------------------------------

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


def _read_persons(text: str) -> list[Reference]:
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
    words = [(w.group(), w.start()) for w in _WORD.finditer(text, line_start, m.start())]
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
    """Split "Max Peter Mustermann", "Anna von der Heide": a particle starts the family name."""
    if not 2 <= sum(w not in _PARTICLES for w in words) <= 4:
        return [], []
    split = next((i for i, w in enumerate(words) if i and w in _PARTICLES), len(words) - 1)
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
    for token in _tokens(text, pos, _line_end(text, pos), ()):
        if words and token.spaced:
            break
        if not (_is_name_word(token.text) or token.text in _PARTICLES):
            break
        comma = token.closed and text[token.end] == ","
        words.append(token.text + "," * comma)
        if token.closed and not comma:
            break
    return words


# --- the whole letter ---------------------------------------------------------------------


def extract_references(text: str, *, find_aktenzeichen: AktenzeichenFinder) -> list[Reference]:
    """Every reference the letter names unambiguously, in text order, each (kind, value) once.

    ``find_aktenzeichen`` returns ``(canonical Aktenzeichen, start, end)`` for every
    Aktenzeichen of ours printed in a text.  One that stands under a label of the sender
    ("Unser Zeichen") is the sender's reference; under an invoice or customer number, or
    in a Bezugszeichenzeile that reads two ways, it is dropped.
    """
    hits = {(start, end): value for value, start, end in find_aktenzeichen(text)}
    spans = sorted(hits)
    labels = _labels(text)
    reading = _Reading([], {}, set())
    _read_tables(text, labels, spans, reading)
    _read_inline(text, labels, spans, reading)
    for start, end in spans:
        if start in reading.blocked:
            continue
        label = reading.hit_labels.get(start)
        if label is None:
            attached = _attached_label(text, labels, start)
            if attached is not None and attached.role not in _OUR_ROLES:
                continue
            label = attached.printed if attached else None
        reading.references.append(
            Reference(ReferenceKind.AKTENZEICHEN, hits[start, end], text[start:end], start, label)
        )
    reading.references.extend(_read_persons(text))
    unique: dict[tuple[ReferenceKind, str], Reference] = {}
    for ref in sorted(reading.references, key=lambda r: r.start):
        unique.setdefault((ref.kind, ref.value), ref)
    return list(unique.values())
