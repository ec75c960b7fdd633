"""Retention ends of invoices under the two rule sets."""

from __future__ import annotations

from datetime import date

from services.db.models import RetentionRule
from services.einvoice.retention import retention_end


def test_commercial_invoices_are_kept_eight_years_from_the_end_of_the_year() -> None:
    assert retention_end(RetentionRule.AO, date(2026, 3, 3), None) == date(2034, 12, 31)
    assert retention_end(RetentionRule.AO, date(2026, 12, 31), None) == date(2034, 12, 31)


def test_budget_vouchers_wait_for_the_adoption_of_the_annual_accounts() -> None:
    assert retention_end(RetentionRule.KOMHVO, date(2026, 3, 3), None) is None
    # Accounts 2026 adopted in December 2027: the six years run 2028..2033.
    assert retention_end(RetentionRule.KOMHVO, date(2026, 3, 3), date(2027, 12, 15)) == date(
        2033, 12, 31
    )
    # A later adoption only moves the end later.
    assert retention_end(RetentionRule.KOMHVO, date(2026, 3, 3), date(2029, 1, 10)) == date(
        2035, 12, 31
    )
