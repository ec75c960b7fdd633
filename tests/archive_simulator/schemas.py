"""The xdomea schemas, loaded once per version, as x-man validates (libxml2 via lxml).

x-man validates against ``xsd/<version>/xdomea-Nachrichten-AussonderungDurchfuehren.xsd``
(``server/internal/core/init.go``, ``validation.go``) and reads the version from the root
element's namespace (``parser.go``: ``urn:xoev-de:xdomea:schema:X.Y.Z``).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

SUPPORTED = ("3.1.0", "3.0.0")
_NAMESPACE = re.compile(r"^urn:xoev-de:xdomea:schema:(\d\.\d\.\d)$")


def namespace(version: str) -> str:
    return f"urn:xoev-de:xdomea:schema:{version}"


def version_of(root: etree._Element) -> str | None:
    """The xdomea version named by the root element's namespace, if it is one we read."""
    match = _NAMESPACE.match(etree.QName(root).namespace or "")
    if match is None or match[1] not in SUPPORTED:
        return None
    return match[1]


class Schemas:
    """XMLSchema objects for the supported versions, parsed on first use."""

    def __init__(self, schema_dir: Path) -> None:
        self._dir = Path(schema_dir)
        self._loaded: dict[str, etree.XMLSchema] = {}

    def get(self, version: str) -> etree.XMLSchema:
        if version not in self._loaded:
            entry = self._dir / version / "xdomea-Nachrichten-AussonderungDurchfuehren.xsd"
            self._loaded[version] = etree.XMLSchema(etree.parse(str(entry)))
        return self._loaded[version]

    def errors(self, document: etree._ElementTree | etree._Element, version: str) -> list[str]:
        """Schema violations, empty if the document is valid."""
        schema = self.get(version)
        if schema.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
