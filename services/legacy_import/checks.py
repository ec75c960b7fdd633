"""What is checked before anything of an Akte is written (and all a dry run checks).

An Akte is refused whole when its plan code, its dates or its events are wrong, before
any of it is created; a Vorgang or a document with a wrong date is refused alone.
"""

from __future__ import annotations

from datetime import date

from file_plan import FilePlan
from file_plan.errors import FilePlanError
from services.errors import InvalidInputError
from services.legacy_import.model import LegacyAkte, LegacyDocument, LegacyVorgang


def check_akte(akte: LegacyAkte, plan: FilePlan, *, today: date, may_backdate: bool) -> None:
    """Raise a domain error naming what makes ``akte`` impossible to import."""
    try:
        plan.get(akte.code)
    except FilePlanError:
        raise InvalidInputError(f"the file plan has no code {akte.code}") from None
    if not plan.is_leaf(akte.code):
        raise InvalidInputError(
            f"Akten are formed at the lowest level of the file plan; {akte.code} has sub-items"
        )
    _not_future(akte.opened_on, today, "opened_on")
    if akte.opened_on < today and not may_backdate:
        raise InvalidInputError(
            "a past opened_on needs the permission manage_retention (records managers)"
        )
    if akte.closed_on is not None:
        _not_future(akte.closed_on, today, "closed_on")
        if akte.closed_on < akte.opened_on:
            raise InvalidInputError(
                f"closed_on {akte.closed_on} lies before opened_on {akte.opened_on}"
            )
    retention = plan.effective_retention(akte.code)
    named = retention.event if retention is not None else None
    for event in akte.events:
        _not_future(event.occurred_on, today, f"the event's day ({event.event})")
        name = " ".join(event.event.split()).casefold()
        if named is not None and name != " ".join(named.split()).casefold():
            raise InvalidInputError(
                f"the file plan names the event „{named}“ for {akte.code}, not „{event.event}“"
            )


def check_vorgang(vorgang: LegacyVorgang, akte: LegacyAkte, *, today: date) -> None:
    opened_on = vorgang.opened_on or akte.opened_on
    _not_future(opened_on, today, "the Vorgang's opened_on")
    if vorgang.closed_on is not None:
        _not_future(vorgang.closed_on, today, "the Vorgang's closed_on")
        if vorgang.closed_on < opened_on:
            raise InvalidInputError(
                f"the Vorgang's closed_on {vorgang.closed_on} lies before its opening {opened_on}"
            )


def check_document_dates(document: LegacyDocument, *, today: date) -> None:
    if document.letter_date is not None:
        _not_future(document.letter_date, today, "letter_date")
    if document.received_on is not None:
        _not_future(document.received_on, today, "received_on")


def _not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise InvalidInputError(f"{what} {day.isoformat()} lies in the future")
