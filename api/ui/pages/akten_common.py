"""What the case workers' pages share: page numbers, the plan's titles and subject-key kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from file_plan import FilePlan

PAGE_SIZE = 20

SHARE_ACCESS = {"read": "Lesen", "write": "Lesen und Schreiben"}
SHARE_GRANTEE = {"unit": "Organisationseinheit", "person": "Person"}


@dataclass(frozen=True)
class Pager:
    """Page links for a list: ``seite`` in the query string, other parameters kept."""

    total: int
    offset: int
    limit: int
    params: Mapping[str, str]
    """The list's other query parameters (filters), blank ones dropped."""
    path: str
    key: str = "seite"
    """The query parameter of the page number (a page with two lists needs two)."""
    anchor: str = ""
    """Where the link lands on the page (``#dokumente``), if not at the top."""

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def previous_url(self) -> str | None:
        return self._url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self._url(self.number + 1) if self.number < self.pages else None

    def _url(self, number: int) -> str:
        params = {k: v for k, v in self.params.items() if v}
        params.pop(self.key, None)
        if number > 1:
            params[self.key] = str(number)
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.path}{query}{self.anchor}"


def page_offset(number: int, limit: int = PAGE_SIZE) -> int:
    return (max(number, 1) - 1) * limit


def plan_choices(plan: FilePlan) -> list[tuple[str, str]]:
    """Every code of the plan with its title, in plan order, for a select."""
    return [(item.code, f"{item.code} – {item.title}") for item in plan.items]


def code_title(plan: FilePlan, code: str) -> str:
    return plan.get(code).title if code in plan else ""


def unit_title(plan: FilePlan, unit: str | None) -> str:
    if unit is None:
        return "–"
    title = plan.org_units.get(unit)
    return f"{unit} – {title}" if title else unit


SUBJECT_KINDS = {
    "person": "Person (Name, Vornamen, Geburtsdatum)",
    "kassenzeichen": "Kassenzeichen",
    "bauantrag": "Bauantragsnummer",
    "sender_reference": "Zeichen des Absenders",
    "flurstueck": "Flurstück",
    "other": "Sonstiges",
}
