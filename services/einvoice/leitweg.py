"""The Leitweg-ID (BT-10 buyer reference of an XRechnung): structure and check digits.

Public buyers in Germany route an incoming invoice by its Leitweg-ID.  The KoSIT
"Formatspezifikation Leitweg-ID" defines it as three parts joined by ``-``:

* Grobadressierung: 2 to 12 digits (the first two name the Land, 01-16, or 99 for
  the Bund),
* Feinadressierung: optional, up to 30 letters and digits,
* Prüfziffer: two digits, ISO/IEC 7064 MOD 97-10 over Grob- and Feinadressierung
  without the hyphens, letters replaced by their position as in an IBAN (A=10 ... Z=35).

XRechnung itself (BR-DE-15) only demands that BT-10 is present, so a formally wrong
Leitweg-ID passes the official validator; catching a typo here is what keeps such an
invoice out of the wrong department.  An unknown Land code is only a warning: the
official test suite uses ``90000000`` prefixes, and routing decides on the mapping table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.errors import InvalidInputError

MAX_LENGTH = 46  # 12 + 1 + 30 + 1 + 2

#: Kennzahl of the Land (first two digits of the Grobadressierung) -> name.
LAND_CODES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
    "99": "Bund",
}

_COARSE = re.compile(r"[0-9]{2,12}")
_FINE = re.compile(r"[A-Za-z0-9]{1,30}")
_CHECK = re.compile(r"[0-9]{2}")


class InvalidLeitwegIdError(InvalidInputError):
    """A text is not a well-formed Leitweg-ID or its check digits are wrong."""

    title = "Invalid Leitweg-ID"


@dataclass(frozen=True)
class LeitwegProblem:
    """Why a text is not a valid Leitweg-ID (``code`` is stable, the messages are for people)."""

    code: str
    message_de: str
    message_en: str


@dataclass(frozen=True)
class LeitwegId:
    """A structurally valid Leitweg-ID split into its parts."""

    coarse: str
    fine: str | None
    check_digits: str

    def __str__(self) -> str:
        parts = [self.coarse, *([self.fine] if self.fine else []), self.check_digits]
        return "-".join(parts)

    @property
    def land(self) -> str | None:
        """The Land (or "Bund") named by the first two digits, None if the code is unknown."""
        return LAND_CODES.get(self.coarse[:2])


@dataclass(frozen=True)
class LeitwegCheck:
    """The result of :func:`check_leitweg_id`: valid only without problems."""

    value: str
    leitweg_id: LeitwegId | None
    problems: tuple[LeitwegProblem, ...]
    warnings: tuple[LeitwegProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


def _numeric(text: str) -> str:
    """Letters -> their IBAN-style numbers (A=10 ... Z=35, case-insensitive), digits kept."""
    return "".join(str(int(ch, 36)) for ch in text)


def compute_check_digits(coarse: str, fine: str | None = None) -> str:
    """The two MOD 97-10 check digits for a Grob- and optional Feinadressierung."""
    body = coarse + (fine or "")
    if not body or not body.isascii() or not body.isalnum():
        raise InvalidLeitwegIdError(
            f"Prüfziffern lassen sich nur über Ziffern und Buchstaben A-Z bilden: {body!r}"
        )
    return f"{98 - int(_numeric(body) + '00') % 97:02d}"


def normalize_leitweg_id(value: str) -> str:
    """The canonical spelling used as a routing key: trimmed, letters upper case."""
    return value.strip().upper()


def check_leitweg_id(value: str) -> LeitwegCheck:
    """Check structure and check digits; every problem found is reported, not just the first."""
    text = value.strip()
    problems: list[LeitwegProblem] = []
    warnings: list[LeitwegProblem] = []

    def fail(code: str, de: str, en: str) -> LeitwegCheck:
        problems.append(LeitwegProblem(code, de, en))
        return LeitwegCheck(value, None, tuple(problems), tuple(warnings))

    if not text:
        return fail("empty", "Die Leitweg-ID ist leer.", "The Leitweg-ID is empty.")
    if len(text) > MAX_LENGTH:
        problems.append(
            LeitwegProblem(
                "length",
                f"Die Leitweg-ID ist {len(text)} Zeichen lang, erlaubt sind "
                f"höchstens {MAX_LENGTH}.",
                f"The Leitweg-ID is {len(text)} characters long, at most {MAX_LENGTH} are allowed.",
            )
        )
    parts = text.split("-")
    if len(parts) not in (2, 3):
        return fail(
            "parts",
            "Eine Leitweg-ID besteht aus Grobadressierung, optionaler Feinadressierung und "
            f"Prüfziffer, getrennt durch '-'; gefunden wurden {len(parts)} Teile.",
            "A Leitweg-ID consists of coarse address, optional fine address and check digits "
            f"separated by '-'; found {len(parts)} part(s).",
        )
    coarse, fine, check = parts[0], (parts[1] if len(parts) == 3 else None), parts[-1]
    if not _COARSE.fullmatch(coarse):
        problems.append(
            LeitwegProblem(
                "coarse",
                f"Die Grobadressierung {coarse!r} muss aus 2 bis 12 Ziffern bestehen.",
                f"The coarse address {coarse!r} must consist of 2 to 12 digits.",
            )
        )
    if fine is not None and not _FINE.fullmatch(fine):
        problems.append(
            LeitwegProblem(
                "fine",
                f"Die Feinadressierung {fine!r} darf nur 1 bis 30 Buchstaben (A-Z) und Ziffern "
                "enthalten.",
                f"The fine address {fine!r} may only contain 1 to 30 letters (A-Z) and digits.",
            )
        )
    if not _CHECK.fullmatch(check):
        problems.append(
            LeitwegProblem(
                "check-format",
                f"Die Prüfziffer {check!r} muss aus genau zwei Ziffern bestehen.",
                f"The check digits {check!r} must be exactly two digits.",
            )
        )
    if problems:
        return LeitwegCheck(value, None, tuple(problems), tuple(warnings))

    expected = compute_check_digits(coarse, fine)
    if expected != check:
        problems.append(
            LeitwegProblem(
                "check-digits",
                f"Die Prüfziffer {check} ist falsch: nach ISO/IEC 7064 MOD 97-10 ergibt "
                f"{coarse}{'-' + fine if fine else ''} die Prüfziffer {expected}.",
                f"The check digits {check} are wrong: ISO/IEC 7064 MOD 97-10 over "
                f"{coarse}{'-' + fine if fine else ''} gives {expected}.",
            )
        )
    leitweg_id = LeitwegId(coarse, fine.upper() if fine else None, check)
    if leitweg_id.land is None:
        warnings.append(
            LeitwegProblem(
                "land",
                f"Die Kennzahl {coarse[:2]} ist weder die eines Landes (01-16) noch die des "
                "Bundes (99).",
                f"The code {coarse[:2]} is neither a Land (01-16) nor the Bund (99).",
            )
        )
    return LeitwegCheck(
        value, leitweg_id if not problems else None, tuple(problems), tuple(warnings)
    )


def is_valid_leitweg_id(value: str) -> bool:
    """True if ``value`` is a well-formed Leitweg-ID with correct check digits."""
    return check_leitweg_id(value).valid


def parse_leitweg_id(value: str) -> LeitwegId:
    """The parts of a valid Leitweg-ID.

    Raises :class:`InvalidLeitwegIdError` whose message names every problem.
    """
    result = check_leitweg_id(value)
    if result.leitweg_id is None:
        raise InvalidLeitwegIdError(" ".join(p.message_de for p in result.problems))
    return result.leitweg_id
