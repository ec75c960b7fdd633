"""Search filters (file-plan code, Akte, days of receipt, filing status) on every backend.

The filters join the visibility rule inside the ranking statement, so hits and totals
count only documents that pass both, for a caller who sees everything as for a unit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from services.access.scope import system_scope
from services.db.models import Akte, Document, FilePlanEntry, FilePlanVersion, FilingStatus
from services.db.session import unit_of_work
from services.errors import InvalidInputError
from services.search.filters import SearchFilters
from tests.contract.search_backends import Backend, unit_scope

NOW = datetime(2026, 3, 3, 12, tzinfo=UTC)


def _akte(store: Backend, code: str, aktenzeichen: str, org_unit: str) -> str:
    with unit_of_work(store.sessions) as session:
        if session.get(FilePlanVersion, 1) is None:
            session.add(
                FilePlanVersion(
                    id=1, name="Plan", version="1", sha256="0" * 64, content="{}", imported_at=NOW
                )
            )
            session.flush()
        if session.get(FilePlanEntry, code) is None:
            session.add(FilePlanEntry(code=code, title=code, plan_version_id=1))
            session.flush()
        akte = Akte(
            aktenzeichen=aktenzeichen,
            file_plan_code=code,
            year=2026,
            running_number=len(aktenzeichen),
            title=aktenzeichen,
            org_unit=org_unit,
            opened_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(akte)
        session.flush()
        return akte.id


def _file(store: Backend, document_id: str, akte_id: str | None, received: datetime) -> None:
    with unit_of_work(store.sessions) as session:
        session.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(
                akte_id=akte_id,
                created_at=received,
                filing_status=FilingStatus.FILED if akte_id else FilingStatus.IN_REVIEW,
            )
        )


def _ids(store: Backend, filters: SearchFilters, *, scope_units: str | None = None) -> set[str]:
    scope = unit_scope(scope_units) if scope_units else system_scope()
    with store.sessions() as session:
        page = store.index.search(session, scope, "Bauantrag", limit=100, offset=0, filters=filters)
    ids = {hit.document_id for hit in page.hits}
    assert page.total == len(ids)
    return ids


def test_filters_narrow_hits_and_totals(backend: Backend) -> None:
    bau = _akte(backend, "521.01", "521.01-0001/2026", "63")
    sub = _akte(backend, "521.01.1", "521.01.1-0001/2026", "63")
    other = _akte(backend, "122.04", "122.04-0001/2026", "32")
    march = backend.add("Bauantrag März", "Bauantrag Gartenstraße", org_unit="63")
    april = backend.add("Bauantrag April", "Bauantrag Lindenweg", org_unit="63")
    nested = backend.add("Bauantrag Teil", "Bauantrag Anbau", org_unit="63")
    foreign = backend.add("Bauantrag Ausland", "Bauantrag Aufenthalt", org_unit="32")
    queued = backend.add("Bauantrag neu", "Bauantrag offen", org_unit="63")
    _file(backend, march, bau, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 3 March in Berlin
    _file(backend, april, bau, datetime(2026, 4, 10, 9, tzinfo=UTC))
    _file(backend, nested, sub, datetime(2026, 4, 11, 9, tzinfo=UTC))
    _file(backend, foreign, other, datetime(2026, 3, 3, 9, tzinfo=UTC))
    _file(backend, queued, None, datetime(2026, 4, 12, 9, tzinfo=UTC))

    assert _ids(backend, SearchFilters()) == {march, april, nested, foreign, queued}
    assert _ids(backend, SearchFilters.of(code="521.01")) == {march, april, nested}
    assert _ids(backend, SearchFilters.of(code="521.01.1")) == {nested}
    assert _ids(backend, SearchFilters.of(code="521.0")) == set()
    assert _ids(backend, SearchFilters.of(aktenzeichen="521.01-0001/2026")) == {march, april}
    march_3 = SearchFilters.of(received_from=date(2026, 3, 3), received_to=date(2026, 3, 3))
    assert _ids(backend, march_3) == {march, foreign}
    assert _ids(backend, SearchFilters.of(received_from=date(2026, 4, 11))) == {nested, queued}
    assert _ids(backend, SearchFilters.of(received_to=date(2026, 3, 31))) == {march, foreign}
    assert _ids(backend, SearchFilters.of(filing_status="in_review")) == {queued}
    # The visibility rule still applies: unit 63 never sees unit 32's letter.
    assert _ids(backend, march_3, scope_units="63") == {march}
    assert _ids(backend, SearchFilters.of(code="122.04"), scope_units="63") == set()


def test_unknown_status_and_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        SearchFilters.of(filing_status="archived")
    with pytest.raises(InvalidInputError):
        SearchFilters(received_from=datetime(2026, 3, 3))  # noqa: DTZ001
