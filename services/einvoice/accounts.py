"""Recording that the council adopted a fiscal year's annual accounts.

Under KomHVO NRW §59 this event starts the retention of that year's budget vouchers, so
recording it sets the retention end of every such invoice.  A later date may replace an
earlier one (it only extends retention); an earlier one is refused.  Because a recorded
date can never move earlier, an implausible one is refused before it is recorded: a
fiscal year before ``FIRST_FISCAL_YEAR`` or not yet begun, an adoption before the year
ended or in the future.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.db.models import AnnualAccountsAdoption, Document, EInvoice, RetentionRule
from services.einvoice.retention import retention_end
from services.errors import InvalidInputError, RetentionViolationError
from services.ports import Clock
from services.storage.protection import mark_pending

FIRST_FISCAL_YEAR = 1990
"""No municipality keeps e-invoices of earlier years; a typo like ``0`` or ``226`` is refused."""


def record_adoption(
    session: Session, fiscal_year: int, adopted_on: date, *, actor: str, clock: Clock
) -> int:
    """Record the adoption and extend the retention of the year's invoices; return their count."""
    check_adoption(fiscal_year, adopted_on, today=clock.now().date())
    existing = session.get(AnnualAccountsAdoption, fiscal_year)
    if existing is not None and adopted_on < existing.adopted_on:
        raise RetentionViolationError(
            f"the accounts of {fiscal_year} were recorded as adopted on "
            f"{existing.adopted_on.isoformat()}; an earlier date would shorten retention"
        )
    if existing is None:
        existing = AnnualAccountsAdoption(
            fiscal_year=fiscal_year,
            adopted_on=adopted_on,
            recorded_at=clock.now(),
            recorded_by=actor,
        )
        session.add(existing)
    existing.adopted_on = adopted_on
    existing.recorded_at = clock.now()
    existing.recorded_by = actor
    invoices = session.scalars(
        select(EInvoice).where(
            EInvoice.retention_rule == RetentionRule.KOMHVO,
            EInvoice.document_id.is_not(None),
            extract("year", EInvoice.issue_date) == fiscal_year,
        )
    ).all()
    for invoice in invoices:
        assert invoice.document_id is not None and invoice.issue_date is not None
        document = session.get(Document, invoice.document_id)
        end = retention_end(RetentionRule.KOMHVO, invoice.issue_date, adopted_on)
        if document is None or end is None:
            continue
        if document.retention_until is None or document.retention_until < end:
            document.retention_until = end
            mark_pending([document])
    record_event(
        session,
        actor=actor,
        action="annual_accounts.adopted",
        object_type="fiscal_year",
        object_id=str(fiscal_year),
        details={"adopted_on": adopted_on.isoformat(), "invoices": len(invoices)},
        clock=clock,
    )
    return len(invoices)


def check_adoption(fiscal_year: int, adopted_on: date, *, today: date) -> None:
    """Refuse a fiscal year or adoption date that cannot be right (422, not recorded)."""
    if not FIRST_FISCAL_YEAR <= fiscal_year <= today.year:
        raise InvalidInputError(
            f"fiscal year {fiscal_year} is not plausible: it must lie between "
            f"{FIRST_FISCAL_YEAR} and the current year {today.year}"
        )
    year_end = date(fiscal_year, 12, 31)
    if adopted_on < year_end:
        raise InvalidInputError(
            f"the accounts of {fiscal_year} cannot have been adopted on "
            f"{adopted_on.isoformat()}, before the fiscal year ended ({year_end.isoformat()})"
        )
    if adopted_on > today:
        raise InvalidInputError(
            f"the adoption date {adopted_on.isoformat()} lies in the future (today is "
            f"{today.isoformat()}); record the adoption once the council has decided"
        )


def adoption_of(session: Session, fiscal_year: int) -> date | None:
    found = session.get(AnnualAccountsAdoption, fiscal_year)
    return found.adopted_on if found else None
