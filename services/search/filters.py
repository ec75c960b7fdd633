"""Narrowing a search by file-plan code, Akte, date of receipt and filing status.

The filters are conditions on the ``documents`` row (and its Akte), combined with the
caller's visibility rule in :mod:`services.search.scoping`; both backends embed the result
in their ranking query, so totals count only documents that pass both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select

from services.db.models import Akte, Document, FilingStatus
from services.errors import InvalidInputError

TOWN_TIME = ZoneInfo("Europe/Berlin")
"""Days of receipt are the town's calendar days."""


@dataclass(frozen=True)
class SearchFilters:
    code: str | None = None
    """A file-plan code; its sub-codes match too ("521" finds "521.01")."""
    aktenzeichen: str | None = None
    received_from: datetime | None = None
    """Documents received at or after this time (aware)."""
    received_before: datetime | None = None
    """Documents received before this time (aware); a day's end is the next day's start."""
    filing_status: str | None = None

    def __post_init__(self) -> None:
        for moment in (self.received_from, self.received_before):
            if moment is not None and moment.tzinfo is None:
                raise InvalidInputError("search dates need a time zone")
        if self.filing_status is not None and self.filing_status not in set(FilingStatus):
            known = ", ".join(status.value for status in FilingStatus)
            raise InvalidInputError(f"unknown filing status {self.filing_status!r}; use {known}")

    @classmethod
    def of(
        cls,
        *,
        code: str | None = None,
        aktenzeichen: str | None = None,
        received_from: date | None = None,
        received_to: date | None = None,
        filing_status: str | None = None,
    ) -> SearchFilters:
        """Filters as a person gives them: calendar days, both included; blanks ignored."""
        return cls(
            code=(code or "").strip() or None,
            aktenzeichen=(aktenzeichen or "").strip() or None,
            received_from=_start_of(received_from),
            received_before=_start_of(received_to + timedelta(days=1) if received_to else None),
            filing_status=filing_status or None,
        )

    @property
    def is_empty(self) -> bool:
        return not self.conditions()

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on :class:`Document`; an empty list when nothing is filtered."""
        found: list[ColumnElement[bool]] = []
        if self.code:
            in_code = or_(
                Akte.file_plan_code == self.code,
                Akte.file_plan_code.startswith(self.code + ".", autoescape=True),
            )
            found.append(Document.akte_id.in_(select(Akte.id).where(in_code)))
        if self.aktenzeichen:
            found.append(
                Document.akte_id.in_(select(Akte.id).where(Akte.aktenzeichen == self.aktenzeichen))
            )
        if self.received_from is not None:
            found.append(Document.created_at >= self.received_from)
        if self.received_before is not None:
            found.append(Document.created_at < self.received_before)
        if self.filing_status:
            found.append(Document.filing_status == self.filing_status)
        return found


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=TOWN_TIME)


NO_FILTERS = SearchFilters()
