"""Small typed XPath helpers shared by the UBL and CII readers.

The readers only ever ask "the text at this path", "a decimal here", "a date there";
doing that through one object keeps their mapping tables readable and lets every
unreadable value be noted (with its term id) instead of raising half-way through.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from lxml import etree

from services.einvoice.extraction.data import Identifier

# xs:date may carry a time zone ("2016-04-04+01:00"); the calendar date is what counts
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_DATE_102 = re.compile(r"(\d{4})(\d{2})(\d{2})")

Element: TypeAlias = etree._Element


class Reader:
    """XPath access bound to one namespace map; collects notes on unreadable values."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self._ns = namespaces
        self._compiled: dict[str, etree.XPath] = {}
        self.notes: list[str] = []

    def _xpath(self, path: str) -> etree.XPath:
        compiled = self._compiled.get(path)
        if compiled is None:
            compiled = etree.XPath(path, namespaces=self._ns)
            self._compiled[path] = compiled
        return compiled

    def nodes(self, node: Element | None, path: str) -> list[Element]:
        if node is None:
            return []
        result = self._xpath(path)(node)
        assert isinstance(result, list)
        return [n for n in result if isinstance(n, etree._Element)]

    def node(self, node: Element | None, path: str) -> Element | None:
        found = self.nodes(node, path)
        return found[0] if found else None

    def texts(self, node: Element | None, path: str) -> list[str]:
        values = []
        for element in self.nodes(node, path):
            text = "".join(element.itertext()).strip()
            if text:
                values.append(text)
        return values

    def text(self, node: Element | None, path: str) -> str | None:
        found = self.texts(node, path)
        return found[0] if found else None

    def attr(self, node: Element | None, path: str, name: str) -> str | None:
        element = self.node(node, path)
        if element is None:
            return None
        value = element.get(name)
        return value.strip() if value and value.strip() else None

    def ident(self, node: Element | None, path: str, scheme: str = "schemeID") -> Identifier | None:
        element = self.node(node, path)
        if element is None:
            return None
        return self._ident(element, scheme)

    def idents(
        self, node: Element | None, path: str, scheme: str = "schemeID"
    ) -> tuple[Identifier, ...]:
        found = (self._ident(e, scheme) for e in self.nodes(node, path))
        return tuple(i for i in found if i is not None)

    @staticmethod
    def _ident(element: Element, scheme: str) -> Identifier | None:
        value = "".join(element.itertext()).strip()
        if not value:
            return None
        scheme_value = (element.get(scheme) or "").strip() or None
        return Identifier(value=value, scheme=scheme_value)

    def decimal(self, node: Element | None, path: str, bt: str) -> Decimal | None:
        text = self.text(node, path)
        if text is None:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.notes.append(f"{bt}: {text!r} ist keine Zahl.")
            return None
        return value

    def date(self, node: Element | None, path: str, bt: str) -> date | None:
        """A date as UBL (``YYYY-MM-DD``) or CII format 102 (``YYYYMMDD``) writes it."""
        text = self.text(node, path)
        if text is None:
            return None
        match = _ISO_DATE.fullmatch(text) or _DATE_102.fullmatch(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        self.notes.append(f"{bt}: {text!r} ist kein gültiges Datum.")
        return None

    def boolean(self, node: Element | None, path: str) -> bool | None:
        text = self.text(node, path)
        if text is None:
            return None
        return text.lower() == "true"

    def binary(self, node: Element | None, path: str, bt: str) -> bytes | None:
        text = self.text(node, path)
        if text is None:
            return None
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            self.notes.append(f"{bt}: der eingebettete Inhalt ist kein gültiges Base64.")
            return None
