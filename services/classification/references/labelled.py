"""References read from their labels.

Inline ("Kassenzeichen: ...") or below a label in a DIN 5008 Bezugszeichenzeile
("Ihr Zeichen  Unser Zeichen  ...").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from services.classification.references.folding import lone_letters_as_digits
from services.classification.references.normal_forms import (
    BAU_LABEL,
    NR,
    Reference,
    ReferenceKind,
    normalize_bauantrag,
    normalize_kassenzeichen,
    normalize_sender_reference,
    ocr_digits,
)
from services.classification.references.tokens import (
    WIDE_GAP,
    Spans,
    Token,
    line_end,
    split_tokens,
    text_lines,
)

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


OUR_ROLES = frozenset({_Role.OURS, _Role.GENERIC, _Role.BAU})
_SINGLE_TOKEN_ROLES = frozenset({*OUR_ROLES, _Role.SENDER, _Role.OTHER})
_AZ = r"Aktenzeichen|Gesch(?:ä|ae)ftszeichen|Az\.?|AZ|Gz\.?"
_ZEICHEN = rf"(?:Zeichen|{_AZ})"
_I = "[Il1|]"  # OCR reads the I of "Ihr" as l, 1 or |
_LABEL_SOURCES = {
    _Role.BAU: BAU_LABEL,
    _Role.OURS: rf"{_I}hre?[ \t]+(?:{_ZEICHEN}|Referenz)",
    _Role.SENDER: (
        rf"(?:[Uu]nsere?|[Mm]eine?)[ \t]+(?:interner?[ \t]+)?(?:{_ZEICHEN}|Referenz|Vorgang)"
        r"|Mandant[ \t]?/[ \t]?Az\.?"
        rf"|(?:Schadens?|Prüfbericht|Objekt|Gesch(?:ä|ae)fts)[ \t]?-?[ \t]?{NR}"
    ),
    _Role.KASSE: (
        r"Kassen[ \t]?-?[ \t]?[Zz]eichens?|Kassenz\.|Buchungszeichen"
        rf"|Personenkonto(?:[ \t]?-?[ \t]?{NR})?|K[Zz](?!-)\.?"
    ),
    _Role.GENERIC: _AZ,
    _Role.OTHER: (
        rf"(?:Rechnungs|Kunden|Vertrags|Auftrags|Steuer|Mitglieds|Versicherungs)[ \t]?-?[ \t]?{NR}"
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
_VALUE_LEAD = re.compile(
    r"(?:[ \t]+an(?=[ \t]*:))?[ \t]*(?:[:.]|-(?=[ \t]))?[ \t]*(?:Nr\.?[ \t]*:?)?[ \t]*"
)
# what may stand between a label and the value it labels, or between chained labels
_LABEL_GAP = re.compile(r"[ \t:.,/\-–]*(?:(?:Nr\.?|vom)[ \t:.,/]*)?")


@dataclass(frozen=True)
class _Label:
    role: _Role
    printed: str
    start: int
    end: int


def labels_of(text: str) -> list[_Label]:
    return [
        _Label(_Role[m.lastgroup or ""], " ".join(m.group().split()), m.start(), m.end())
        for m in _LABEL.finditer(text)
    ]


# --- tokens -------------------------------------------------------------------------------

_DATE_TOKEN = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")
_REF_TOKEN = re.compile(r"[^\W_](?:[\w./\-]*[^\W_])?")
_CODE_TOKEN = re.compile(r"[A-ZÄÖÜ]{1,4}")
# "RA", "NH-PE", "DW-KiTa/Fi", "BRÜ/mf": a unit's code, maybe with a dictation sign
_LEADING_CODE = re.compile(
    r"[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,3}(?:-[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,3})*(?:/[A-Za-zÄÖÜäöü]{1,4})?"
)
_TRAILING_CODE = re.compile(r"[A-ZÄÖÜ]{1,4}|[A-ZÄÖÜ][a-zäöü]{1,2}|[^\W\d_]{1,4}/[^\W\d_]{1,4}")
_NOT_CODES = frozenset(
    {"Am", "Az", "Bei", "Das", "Der", "Die", "Für", "Ihr", "Im", "In", "Und", "Vom"}
)
_DIGITS_TOKEN = re.compile(r"\d+(?:[.\-/]\d+)*")
_PHONE_TOKEN = re.compile(r"\+?\(?\d[\d()/\-]*")
_SEPARATORS = frozenset({",", "/", "-", "–", "|", ";", "vom"})
_MAX_FIELD_TOKENS = 6
_MAX_PARSES = 64


def _digits(tokens: Sequence[Token]) -> int:
    return sum(c.isdigit() for t in tokens for c in t.text)


def _is_ref(token: Token) -> bool:
    text = token.text
    return token.finder or (
        bool(_REF_TOKEN.fullmatch(text))
        and any(c.isdigit() for c in text)
        and not _DATE_TOKEN.fullmatch(text)
    )


def _is_kasse(token: Token) -> bool:
    return (
        not token.finder
        and bool(_DIGITS_TOKEN.fullmatch(lone_letters_as_digits(ocr_digits(token.text))))
        and not _DATE_TOKEN.fullmatch(token.text)
    )


def _run(tokens: Sequence[Token], limit: int) -> list[Token]:
    """The leading tokens that can form one value: no wide gap, no closing mark inside."""
    run: list[Token] = []
    for token in tokens[:limit]:
        if run and (run[-1].closed or token.spaced):
            break
        run.append(token)
    return run


# a court's file number: chamber, register, number/year, maybe a sub-register ("14 F 233/26 VA")
_COURT_NUMBER = re.compile(r"\d{1,3} [A-Z][A-Za-z]{0,3} \d{1,6}/\d{2}(?: [A-Z][A-Za-z]{0,3})?")


def _sender_length(tokens: Sequence[Token]) -> int:
    """How many leading tokens form a sender reference.

    Numbers (with a digit), short letter codes before them ("RA", "Ms", "NH-PE") and one
    code or dictation sign after them ("Oe", "WL/sk"): "NH-PE 26/031 Sch", "233/25 WL/sk".
    A court's file number reads whole: "12 IN 45/26", "14 F 233/26 VA".
    """
    run = _run(tokens, 4)
    for size in (4, 3):
        if len(run) >= size and _COURT_NUMBER.fullmatch(" ".join(t.text for t in run[:size])):
            return size
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


def _kasse_length(tokens: Sequence[Token]) -> int:
    n = 0
    for token in _run(tokens, _MAX_FIELD_TOKENS):
        if not _is_kasse(token):
            break
        n += 1
    return n if 6 <= _digits(tokens[:n]) <= 20 else 0


def _bau_length(tokens: Sequence[Token]) -> int:
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


# what a building application's number looks like where our reference stands ("Ihr Zeichen:
# BA 2026/0219", "Az. 63/0412/2025"): a building code (BA, BV, BG) and two numbers, or three
# numbers; "RA-2026/0815" is not one
_BAU_NUMBER = re.compile(
    r"B[A-Z]{0,2}[ \t]?-?[ \t]?\d{2,4}[ \t]?[-/][ \t]?\d{1,5}|\d{2,3}/\d{3,5}/\d{4}"
)


def _bau_number_length(tokens: Sequence[Token]) -> int:
    """A Bauantrag number under our own reference's label, when it is not an Aktenzeichen."""
    n = _bau_length(tokens)
    if not n:
        return 0
    printed = " ".join(t.text for t in tokens[:n])
    return n if _BAU_NUMBER.fullmatch(printed) else 0


# --- reading ------------------------------------------------------------------------------


@dataclass
class Reading:
    references: list[Reference]
    hit_labels: dict[int, str]  # finder hit start -> the label it stands under
    blocked: set[int]  # finder hits that are not ours (sender column, invoice number, unclear)

    def emit(self, kind: ReferenceKind, tokens: Sequence[Token], text: str, label: str) -> None:
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
_READERS: dict[_Role, tuple[ReferenceKind, Callable[[Sequence[Token]], int]]] = {
    _Role.SENDER: (ReferenceKind.SENDER_REFERENCE, _sender_length),
    _Role.KASSE: (ReferenceKind.KASSENZEICHEN, _kasse_length),
    _Role.BAU: (ReferenceKind.BAUANTRAG, _bau_length),
    _Role.OURS: (ReferenceKind.BAUANTRAG, _bau_number_length),
    _Role.GENERIC: (ReferenceKind.BAUANTRAG, _bau_number_length),
}


def read_inline(text: str, labels: Sequence[_Label], hits: Spans, reading: Reading) -> None:
    """Values right after their label on the same line: "Kassenzeichen: 5.0123.456789.0"."""
    for label in labels:
        if label.role not in _READERS:
            continue
        kind, length = _READERS[label.role]
        pos = _VALUE_LEAD.match(text, label.end)
        assert pos is not None  # the lead pattern matches the empty string
        tokens = split_tokens(text, pos.end(), line_end(text, pos.end()), hits)
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
    tokens: tuple[Token, ...]
    parses: tuple[tuple[tuple[int, int], ...], ...]
    too_many: bool


def read_tables(text: str, labels: Sequence[_Label], hits: Spans, reading: Reading) -> None:
    """DIN 5008 Bezugszeichenzeile: a line of labels and, below, a line of their values."""
    lines = text_lines(text)
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
    text: str, row: list[_Label], row_start: int, value_line: tuple[int, int], hits: Spans
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
    laid_out = all(WIDE_GAP.search(text, a[-1].end, b[0].start) for a, b in pairwise(groups))
    if laid_out and len(cells) < len(groups):
        # some columns are empty: a value belongs to the column it stands under
        columns = [group[0].start - row_start for group in groups]
        owners = [bisect_right(columns, cell_start - start + 2) - 1 for cell_start, _ in cells]
        if owners[0] >= 0 and all(a < b for a, b in pairwise(owners)):
            return [
                _cell_segment(text, groups[g], c, hits) for g, c in zip(owners, cells, strict=True)
            ]
    return [_parsed_segment(tuple(row), split_tokens(text, start, end, hits))]


def _cell_segment(text: str, group: list[_Label], cell: tuple[int, int], hits: Spans) -> _Segment:
    tokens = split_tokens(text, *cell, hits)
    if len(group) > 1:
        return _parsed_segment(tuple(group), tokens)
    # a cell longer than any value is running text, not a value
    fits = 0 < len(tokens) <= _MAX_FIELD_TOKENS
    return _Segment((group[0],), tuple(tokens), (((0, len(tokens)),),) if fits else (), False)


def _parsed_segment(labels: tuple[_Label, ...], tokens: list[Token]) -> _Segment:
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


def _fits(role: _Role, tokens: Sequence[Token]) -> bool:
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


def _decide(text: str, segment: _Segment, reading: Reading) -> None:
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
        if owner is not None and not segment.too_many and owner.role in OUR_ROLES:
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


def attached_label(text: str, labels: Sequence[_Label], start: int) -> _Label | None:
    """The label an Aktenzeichen stands right behind, through chains like "Ihr Zeichen/vom:"."""
    cursor = start
    for label in reversed([label for label in labels if label.end <= start]):
        if not _LABEL_GAP.fullmatch(text, label.end, cursor):
            return None
        if label.role in OUR_ROLES or label.role in (_Role.SENDER, _Role.OTHER):
            return label
        cursor = label.start
    return None
