"""How long an invoice is kept, by the rule set that applies to its buyer.

- KomHVO NRW §59 (municipal budget vouchers): 6 years, starting on 1 January after the
  council adopted the annual accounts of the invoice's fiscal year.  Until the records
  manager records that adoption the end is unknown, and the invoice cannot be destroyed.
- AO §147 / UStG §14b (commercial activities): 8 years from the end of the calendar year
  in which the invoice was issued.

The fiscal year of an invoice is the calendar year of its issue date (BT-2): municipal
fiscal years in NRW are calendar years.
"""

from __future__ import annotations

from datetime import date

from services.db.models import RetentionRule

KOMHVO_YEARS = 6
AO_YEARS = 8


def retention_end(
    rule: RetentionRule, issue_date: date, accounts_adopted_on: date | None
) -> date | None:
    """The last day the invoice must be kept, or None while the start event is missing."""
    if rule is RetentionRule.AO:
        return date(issue_date.year + AO_YEARS, 12, 31)
    if accounts_adopted_on is None:
        return None
    # The period starts on 1 January after the adoption and runs for six full years.
    return date(accounts_adopted_on.year + KOMHVO_YEARS, 12, 31)


def describe(rule: RetentionRule) -> str:
    if rule is RetentionRule.AO:
        return f"AO §147 / UStG §14b: {AO_YEARS} Jahre ab Ende des Kalenderjahres der Rechnung"
    return (
        f"KomHVO NRW §59: {KOMHVO_YEARS} Jahre ab 1. Januar nach Feststellung des "
        "Jahresabschlusses durch den Rat"
    )
