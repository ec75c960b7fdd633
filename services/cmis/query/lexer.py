"""Tokens of the CMIS query language: keywords, identifiers, literals, punctuation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from services.cmis.errors import InvalidArgument


class Kind(StrEnum):
    WORD = "word"
    """An identifier or keyword (told apart by the parser: keywords are not reserved)."""
    QUOTED = "quoted"
    """A double-quoted identifier."""
    STRING = "string"
    NUMBER = "number"
    SYMBOL = "symbol"
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    """The word, the string's raw content (escapes kept), the number or the symbol."""
    position: int
    """0-based offset in the statement."""

    def is_word(self, *words: str) -> bool:
        return self.kind is Kind.WORD and self.text.upper() in words


_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$:#]*")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SYMBOLS = ("<>", "<=", ">=", "=", "<", ">", "(", ")", ",", "*", ".")


def _string(statement: str, start: int) -> tuple[str, int]:
    """The raw content of the string starting at ``start`` (a quote) and the end offset."""
    i = start + 1
    while i < len(statement):
        char = statement[i]
        if char == "\\":
            if i + 1 >= len(statement):
                break
            i += 2
            continue
        if char == "'":
            if statement.startswith("''", i):  # SQL-style doubled quote
                i += 2
                continue
            return statement[start + 1 : i], i + 1
        i += 1
    raise InvalidArgument(f"Query: unterminated string literal at position {start + 1}")


def tokenize(statement: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(statement):
        char = statement[i]
        if char.isspace():
            i += 1
            continue
        if char == "'":
            raw, end = _string(statement, i)
            tokens.append(Token(Kind.STRING, raw, i))
            i = end
            continue
        if char == '"':
            end = statement.find('"', i + 1)
            if end < 0:
                raise InvalidArgument(f"Query: unterminated quoted identifier at position {i + 1}")
            tokens.append(Token(Kind.QUOTED, statement[i + 1 : end], i))
            i = end + 1
            continue
        number = _NUMBER.match(statement, i)
        if number and (char.isdigit() or char == "." and number.end() > i + 1 or char in "+-"):
            tokens.append(Token(Kind.NUMBER, number.group(), i))
            i = number.end()
            continue
        word = _WORD.match(statement, i)
        if word:
            tokens.append(Token(Kind.WORD, word.group(), i))
            i = word.end()
            continue
        symbol = next((s for s in _SYMBOLS if statement.startswith(s, i)), None)
        if symbol is None:
            raise InvalidArgument(f"Query: unexpected character {char!r} at position {i + 1}")
        tokens.append(Token(Kind.SYMBOL, symbol, i))
        i += len(symbol)
    tokens.append(Token(Kind.END, "", len(statement)))
    return tokens


def unescape(raw: str) -> str:
    r"""A string literal's value: ``\\'`` → ``'``, ``\\\\`` → ``\\``, ``''`` → ``'``.

    Other backslash escapes (``\\%``, ``\\_``) only mean something in LIKE patterns;
    elsewhere they are refused.
    """
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\":
            following = raw[i + 1]
            if following not in "'\\":
                raise InvalidArgument(f"Query: invalid escape \\{following} in a string literal")
            out.append(following)
            i += 2
        elif raw.startswith("''", i):
            out.append("'")
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)
