"""Aktenzeichen: printing them from a pattern, reading them back, finding them in letters.

A pattern such as ``{code}-{number}/{year}`` mixes placeholders and literal separators.
Placeholders: ``{code}``, ``{number}`` (``{number:04}`` pads with zeros to that width),
``{year}`` (four digits), ``{yy}`` (two digits, read back as 20yy) and ``{unit}`` (the org
unit key, letters and digits).  ``{code}`` and ``{number}`` are required; neighbouring
placeholders need a literal separator between them so that every Aktenzeichen reads back
unambiguously.  Printed variants are recognised: spaces around the
separators, leading zeros in the number, any prefix ("Az.:", "Geschäftszeichen").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from file_plan.errors import AktenzeichenPatternError, AktenzeichenValueError
from file_plan.model import CODE_SYNTAX

DEFAULT_AKTENZEICHEN_PATTERN = "{code}-{number}/{year}"

_VALUE_SYNTAX = {
    "code": CODE_SYNTAX,
    "number": r"0*[1-9]\d{0,8}",
    "year": r"(?:19|20)\d{2}",
    "yy": r"\d{2}",
    "unit": r"[^\W_]+",
}
_PLACEHOLDER = re.compile(r"\{(?P<name>[^{}:]*)(?::(?P<spec>[^{}]*))?\}")
_SPACE = r"[ \t\u00a0]"
# Not inside a longer run of digits or a dotted/slashed number (IBAN groups, phone, dates);
# a letter may touch the start, as OCR glues "Az" to the number.
_LEFT_EDGE = r"(?<![\d_])(?<!\d[.,/-])"
_RIGHT_EDGE = r"(?!\d)(?![.,/-]\d)"
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")


@dataclass(frozen=True)
class ParsedAktenzeichen:
    code: str
    number: int
    year: int | None
    unit: str | None = None


@dataclass(frozen=True)
class FoundAktenzeichen:
    """An Aktenzeichen found in a text; ``printed`` is ``text[start:end]``."""

    parsed: ParsedAktenzeichen
    start: int
    end: int
    printed: str


@dataclass(frozen=True)
class _Placeholder:
    name: str
    width: int | None


_Token = str | _Placeholder


@dataclass(frozen=True)
class AktenzeichenPattern:
    """A compiled Aktenzeichen pattern; raises :class:`AktenzeichenPatternError` if invalid."""

    pattern: str
    _tokens: tuple[_Token, ...] = field(init=False, repr=False, compare=False)
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tokens, regex = _compile(self.pattern)
        object.__setattr__(self, "_tokens", tokens)
        object.__setattr__(self, "_regex", regex)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(token.name for token in self._tokens if isinstance(token, _Placeholder))

    def format(self, code: str, number: int, year: int | None, unit: str | None = None) -> str:
        """Print an Aktenzeichen; refuses values that would not read back the same."""
        values = {"code": code, "unit": unit}
        parts: list[str] = []
        for token in self._tokens:
            if isinstance(token, str):
                parts.append(token)
                continue
            name = token.name
            if name == "number":
                text = f"{number:0{token.width or 1}d}"
            elif name in ("year", "yy"):
                if year is None:
                    raise AktenzeichenValueError(f"the pattern {self.pattern!r} needs a year")
                if name == "yy" and not 2000 <= year <= 2099:
                    raise AktenzeichenValueError(f"{{yy}} can only print 2000-2099, not {year}")
                text = str(year) if name == "year" else f"{year % 100:02d}"
            else:
                given = values[name]
                if given is None:
                    raise AktenzeichenValueError(f"the pattern {self.pattern!r} needs a {name}")
                text = given
            if not re.fullmatch(_VALUE_SYNTAX[name], text):
                raise AktenzeichenValueError(f"{text!r} cannot be printed as the {name}")
            parts.append(text)
        return "".join(parts)

    def parse(self, text: str) -> ParsedAktenzeichen | None:
        """Read one whole Aktenzeichen (surrounding whitespace allowed), None otherwise."""
        match = self._regex.fullmatch(text.strip())
        return self._parsed(match) if match and not _DATE.fullmatch(match.group()) else None

    def find_all(self, text: str) -> list[FoundAktenzeichen]:
        """Every Aktenzeichen of this pattern printed in ``text``, in order."""
        found = []
        for match in self._regex.finditer(text):
            printed = match.group()
            if _DATE.fullmatch(printed):
                continue
            found.append(FoundAktenzeichen(self._parsed(match), *match.span(), printed))
        return found

    def canonical(self, parsed: ParsedAktenzeichen) -> str:
        """The Aktenzeichen as the pattern prints it: equal for all printed variants."""
        return self.format(parsed.code, parsed.number, parsed.year, unit=parsed.unit)

    def _parsed(self, match: re.Match[str]) -> ParsedAktenzeichen:
        groups = match.groupdict()
        year = groups.get("year")
        yy = groups.get("yy")
        if year is not None:
            full_year: int | None = int(year)
        else:
            full_year = 2000 + int(yy) if yy is not None else None
        return ParsedAktenzeichen(
            code=groups["code"],
            number=int(groups["number"]),
            year=full_year,
            unit=groups.get("unit"),
        )


@lru_cache(maxsize=64)
def _compile(pattern: str) -> tuple[tuple[_Token, ...], re.Pattern[str]]:
    tokens = _tokens(pattern)
    names = [token.name for token in tokens if isinstance(token, _Placeholder)]
    for required in ("code", "number"):
        if required not in names:
            raise AktenzeichenPatternError(f"the pattern {pattern!r} has no {{{required}}}")
    if "year" in names and "yy" in names:
        raise AktenzeichenPatternError(f"the pattern {pattern!r} has both {{year}} and {{yy}}")
    for before, after in zip(tokens, tokens[1:], strict=False):
        if isinstance(before, _Placeholder) and isinstance(after, _Placeholder):
            raise AktenzeichenPatternError(
                f"the pattern {pattern!r} needs a separator between "
                f"{{{before.name}}} and {{{after.name}}}"
            )
    last = len(tokens) - 1
    body = "".join(
        f"(?P<{token.name}>{_VALUE_SYNTAX[token.name]})"
        if isinstance(token, _Placeholder)
        else _literal_regex(token, first=index == 0, last=index == last)
        for index, token in enumerate(tokens)
    )
    return tuple(tokens), re.compile(_LEFT_EDGE + body + _RIGHT_EDGE)


def _tokens(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    seen: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(pattern):
        _append_literal(tokens, pattern, pattern[position : match.start()])
        name, spec = match.group("name"), match.group("spec")
        if name not in _VALUE_SYNTAX:
            known = ", ".join(f"{{{known}}}" for known in _VALUE_SYNTAX)
            raise AktenzeichenPatternError(
                f"the pattern {pattern!r} has an unknown placeholder {match.group()} "
                f"(known: {known})"
            )
        if name in seen:
            raise AktenzeichenPatternError(f"the pattern {pattern!r} repeats {{{name}}}")
        seen.add(name)
        tokens.append(_Placeholder(name, _width(pattern, name, spec)))
        position = match.end()
    _append_literal(tokens, pattern, pattern[position:])
    return tokens


def _append_literal(tokens: list[_Token], pattern: str, literal: str) -> None:
    if "{" in literal or "}" in literal:
        raise AktenzeichenPatternError(f"the pattern {pattern!r} has an unmatched brace")
    if literal:
        tokens.append(literal)


def _width(pattern: str, name: str, spec: str | None) -> int | None:
    if spec is None:
        return None
    if name != "number" or not re.fullmatch(r"0[1-9]", spec):
        raise AktenzeichenPatternError(
            f"the pattern {pattern!r} has an unsupported format {{{name}:{spec}}} "
            "(only {number:0N}, N = 1..9, pads with zeros)"
        )
    return int(spec)


def _literal_regex(literal: str, *, first: bool, last: bool) -> str:
    """Literal text with optional spaces around it; a run of spaces matches any run.

    Spaces before a leading or after a trailing literal are not part of the Aktenzeichen.
    """
    core = literal.strip()
    if not core:
        return "" if first or last else f"{_SPACE}+"
    inner = f"{_SPACE}+".join(re.escape(word) for word in core.split())
    return f"{'' if first else _SPACE + '*'}{inner}{'' if last else _SPACE + '*'}"
