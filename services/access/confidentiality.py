"""Confidentiality levels (xdomea ``Vertraulichkeitsstufe``) and clearances.

The xdomea codes do not sort by their numbers: 003 Offen < 002 VS-NUR FÜR DEN
DIENSTGEBRAUCH < 005 VS-VERTRAULICH < 001 GEHEIM < 004 STRENG GEHEIM.  A person reads an
object only with a clearance at least the object's level.
"""

from __future__ import annotations

from enum import StrEnum

from services.errors import InvalidInputError


class Confidentiality(StrEnum):
    OFFEN = "003"
    VS_NFD = "002"
    VERTRAULICH = "005"
    GEHEIM = "001"
    STRENG_GEHEIM = "004"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    @property
    def label(self) -> str:
        return _LABELS[self]

    def at_least(self, other: Confidentiality) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, value: str) -> Confidentiality:
        """A level from its xdomea code (``002``) or its short name (``vs-nfd``)."""
        text = value.strip()
        for level in cls:
            if text == level.value or text.lower().replace("_", "-") == level.slug:
                return level
        allowed = ", ".join(f"{lvl.value} ({lvl.label})" for lvl in _ORDER)
        raise InvalidInputError(f"unknown confidentiality level {value!r}; use one of: {allowed}")

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")


_ORDER = (
    Confidentiality.OFFEN,
    Confidentiality.VS_NFD,
    Confidentiality.VERTRAULICH,
    Confidentiality.GEHEIM,
    Confidentiality.STRENG_GEHEIM,
)
_LABELS = {
    Confidentiality.OFFEN: "Offen",
    Confidentiality.VS_NFD: "VS - Nur für den Dienstgebrauch",
    Confidentiality.VERTRAULICH: "VS - Vertraulich",
    Confidentiality.GEHEIM: "Geheim",
    Confidentiality.STRENG_GEHEIM: "Streng geheim",
}


def readable_levels(clearance: Confidentiality) -> frozenset[str]:
    """The level codes a holder of ``clearance`` may read (for SQL ``IN`` filters)."""
    return frozenset(level.value for level in _ORDER if clearance.at_least(level))


def higher(a: Confidentiality, b: Confidentiality) -> Confidentiality:
    return a if a.at_least(b) else b
