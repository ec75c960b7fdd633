"""The Aktenplan: items in a hierarchy of codes, with retention rules and archive values.

Codes follow the IMK product framework: product area ``11`` (level 1), product group
``111`` (level 2), product ``111.07`` (level 3), task ``111.07.01`` (level 4); each further
level appends ``.NN``.  Org unit, retention, archive value and Aktenzeichen pattern are
inherited from the nearest ancestor that sets them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from file_plan.errors import UnknownFilePlanCodeError

CODE_SYNTAX = r"\d{2}(?:\d(?:\.\d{2})*)?"
"""Regular expression of a file-plan code (without anchors)."""

_CODE = re.compile(CODE_SYNTAX)

_T = TypeVar("_T")


def code_level(code: str) -> int | None:
    """The level a code's syntax gives it (``11`` -> 1, ``111.07`` -> 3), None if malformed."""
    if not _CODE.fullmatch(code):
        return None
    return 1 if len(code) == 2 else 2 + code.count(".")


def parent_code(code: str) -> str | None:
    """The code a well-formed code nests under (``111.07`` -> ``111``; ``11`` -> None)."""
    if "." in code:
        return code.rsplit(".", 1)[0]
    return code[:2] if len(code) == 3 else None


class ArchiveValue(StrEnum):
    """What happens to a file when its retention period ends (Archivwürdigkeit)."""

    ARCHIVE = "A"
    APPRAISE = "B"
    DESTROY = "V"

    @property
    def label(self) -> str:
        return _ARCHIVE_LABELS[self]


_ARCHIVE_LABELS = {
    ArchiveValue.ARCHIVE: "archivwürdig",
    ArchiveValue.APPRAISE: "bewerten",
    ArchiveValue.DESTROY: "vernichten",
}


class RetentionTrigger(StrEnum):
    """The moment a retention period starts to run."""

    FILE_CLOSED = "file_closed"
    CALENDAR_YEAR_END = "calendar_year_end"
    EVENT = "event"


CONFIDENTIALITY_CODES = ("003", "002", "005", "001", "004")
"""xdomea Vertraulichkeitsstufe codes, lowest first: Offen, VS-NfD, Vertraulich, Geheim,
Streng geheim."""


class SubjectKind(StrEnum):
    """Files kept one per subject: per person, or per object (plot, building, business)."""

    PERSON = "person"
    OBJECT = "object"


@dataclass(frozen=True)
class Retention:
    """A retention period (Aufbewahrungsfrist): N years after a trigger, or permanent.

    Build one with :meth:`for_years` or :meth:`keep_permanently`; the constructor rejects
    inconsistent combinations with ``ValueError``.
    """

    years: int | None
    trigger: RetentionTrigger | None
    event: str | None = None
    permanent: bool = False

    def __post_init__(self) -> None:
        if self.permanent:
            if self.years is not None or self.trigger is not None or self.event is not None:
                raise ValueError("a permanent retention has no years, trigger or event")
            return
        if isinstance(self.years, bool) or not isinstance(self.years, int) or self.years < 0:
            raise ValueError(f"retention years must be a whole number >= 0, not {self.years!r}")
        if self.trigger is None:
            raise ValueError("a retention of some years needs a trigger")
        if (self.trigger is RetentionTrigger.EVENT) != bool(self.event and self.event.strip()):
            raise ValueError("an event name is required for, and only for, the trigger 'event'")

    @classmethod
    def for_years(
        cls, years: int, trigger: RetentionTrigger, event: str | None = None
    ) -> Retention:
        return cls(years=years, trigger=trigger, event=event)

    @classmethod
    def keep_permanently(cls) -> Retention:
        return cls(years=None, trigger=None, permanent=True)

    def describe(self) -> str:
        """German text, e.g. "10 Jahre nach Ablauf des Kalenderjahres der Schließung"."""
        if self.permanent:
            return "dauernd"
        period = "1 Jahr" if self.years == 1 else f"{self.years} Jahre"
        if self.trigger is RetentionTrigger.FILE_CLOSED:
            return f"{period} nach Schließung der Akte (z.d.A.)"
        if self.trigger is RetentionTrigger.CALENDAR_YEAR_END:
            return f"{period} nach Ablauf des Kalenderjahres der Schließung"
        return f"{period} nach dem Ereignis „{self.event}“"

    def end_date(self, trigger_date: date) -> date | None:
        """The day the period ends, counted from the day its trigger happened.

        ``trigger_date`` is the day the file was closed, or the day of the event for the
        trigger ``event``.  After ``calendar_year_end`` the period ends on 31 December N
        years after the closing year.  A 29 February start ends on 28 February when the end
        year has no leap day.  Permanent retention never ends: None.
        """
        if self.permanent or self.years is None:
            return None
        if self.trigger is RetentionTrigger.CALENDAR_YEAR_END:
            return date(trigger_date.year + self.years, 12, 31)
        year = trigger_date.year + self.years
        try:
            return trigger_date.replace(year=year)
        except ValueError:  # 29 February into a year without one
            return date(year, 2, 28)


@dataclass(frozen=True)
class Source:
    """Where the plan's structure or rules come from (publisher, document, section)."""

    id: str
    title: str
    where: str


@dataclass(frozen=True, kw_only=True)
class FilePlanItem:
    """One node of the plan; only leaves receive Akten."""

    code: str
    title: str
    parent: str | None
    level: int
    description: str = ""
    keywords: tuple[str, ...] = ()
    org_unit: str | None = None
    retention: Retention | None = None
    archive_value: ArchiveValue | None = None
    aktenzeichen_pattern: str | None = None
    subject: SubjectKind | None = None
    source: str | None = None
    confidentiality: str | None = None
    """Lowest xdomea Vertraulichkeitsstufe of new Akten here (e.g. ``002`` VS-NfD)."""


@dataclass(frozen=True)
class FilePlan:
    """A whole Aktenplan, immutable; lookups of codes are by index.

    A plan may be structurally invalid (it is only checked by
    :func:`file_plan.validation.validate`); lookups then use the first item of a code and
    stop at a missing parent or a cycle instead of failing.
    """

    name: str
    version: str
    aktenzeichen_pattern: str
    sources: tuple[Source, ...]
    org_units: Mapping[str, str] = field(hash=False)
    items: tuple[FilePlanItem, ...]
    _by_code: Mapping[str, FilePlanItem] = field(init=False, repr=False, compare=False, hash=False)
    _children: Mapping[str, tuple[FilePlanItem, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        items = tuple(self.items)
        by_code: dict[str, FilePlanItem] = {}
        children: dict[str, list[FilePlanItem]] = {}
        for item in items:
            by_code.setdefault(item.code, item)
            if item.parent is not None:
                children.setdefault(item.parent, []).append(item)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "org_units", MappingProxyType(dict(self.org_units)))
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))
        object.__setattr__(
            self, "_children", MappingProxyType({k: tuple(v) for k, v in children.items()})
        )

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> FilePlanItem:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownFilePlanCodeError(code) from None

    def roots(self) -> tuple[FilePlanItem, ...]:
        return tuple(item for item in self.items if item.parent is None)

    def children(self, code: str) -> tuple[FilePlanItem, ...]:
        """The direct children of ``code``, in plan order."""
        self.get(code)
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[FilePlanItem, ...]:
        """The items above ``code``, root first (empty for a root)."""
        chain: list[FilePlanItem] = []
        seen = {code}
        parent = self.get(code).parent
        while parent is not None and parent in self._by_code and parent not in seen:
            seen.add(parent)
            item = self._by_code[parent]
            chain.append(item)
            parent = item.parent
        return tuple(reversed(chain))

    def subtree(self, code: str) -> tuple[FilePlanItem, ...]:
        """``code`` and every item below it, in plan order."""
        self.get(code)
        return tuple(
            item
            for item in self.items
            if item.code == code or any(a.code == code for a in self.ancestors(item.code))
        )

    def is_leaf(self, code: str) -> bool:
        return not self.children(code)

    def leaves(self) -> tuple[FilePlanItem, ...]:
        return tuple(item for item in self.items if item.code not in self._children)

    def path_titles(self, code: str) -> tuple[str, ...]:
        """Titles from the root down to ``code`` itself."""
        return tuple(item.title for item in (*self.ancestors(code), self.get(code)))

    def effective_org_unit(self, code: str) -> str | None:
        return self._inherited(code, lambda item: item.org_unit)

    def effective_retention(self, code: str) -> Retention | None:
        return self._inherited(code, lambda item: item.retention)

    def effective_archive_value(self, code: str) -> ArchiveValue | None:
        return self._inherited(code, lambda item: item.archive_value)

    def effective_confidentiality(self, code: str) -> str | None:
        return self._inherited(code, lambda item: item.confidentiality)

    def effective_pattern(self, code: str) -> str:
        """The Aktenzeichen pattern of ``code``: its own, an ancestor's, or the plan's."""
        own = self._inherited(code, lambda item: item.aktenzeichen_pattern)
        return own if own is not None else self.aktenzeichen_pattern

    def _inherited(self, code: str, value: Callable[[FilePlanItem], _T | None]) -> _T | None:
        for item in (self.get(code), *reversed(self.ancestors(code))):
            found = value(item)
            if found is not None:
                return found
        return None
