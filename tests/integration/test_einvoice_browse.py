"""The e-invoice list's filters on both databases (the warnings count reads the JSON report)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from services.access.scope import system_scope
from services.db.migrate import upgrade
from services.db.models import EInvoice, ObjectPurpose
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.einvoice.browse import Routing, Verdict, browse_einvoices
from services.ports import BlobRef
from services.storage.objects import register_object

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FINDING = {"rule": "BR-DE-15", "severity": "warning", "message": "m", "location": "/x"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'browse.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _invoice(
    session: Session, number: str, valid: bool | None, org_unit: str | None, **report: Any
) -> None:
    stored = register_object(
        session,
        BlobRef(key=f"k/{number}", sha256=number.ljust(64, "0"), size=1),
        media_type="application/xml",
        purpose=ObjectPurpose.ORIGINAL,
        retain_until=NOW + timedelta(days=1),
        now=NOW,
    )
    session.add(
        EInvoice(
            received_object_id=stored.id,
            received_sha256=stored.sha256,
            received_media_type="application/xml",
            source="api",
            status="received" if valid is None else "accepted" if valid else "rejected",
            valid=valid,
            report=None if valid is None else {"errors": [], "warnings": [], **report},
            invoice_number=number,
            org_unit=org_unit,
            created_at=NOW,
            updated_at=NOW,
        )
    )


def test_verdict_and_routing_filters(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        _invoice(session, "clean", True, "20")
        _invoice(session, "warned", True, "RE", warnings=[FINDING])
        _invoice(session, "broken", False, None, errors=[{**FINDING, "severity": "fatal"}])
        _invoice(session, "waiting", None, None)
    scope = system_scope()

    def numbers(**filters: Any) -> set[str]:
        with unit_of_work(factory, write=False) as session:
            page = browse_einvoices(
                session, scope, limit=50, offset=0, receiving_unit="RE", **filters
            )
            return {i.invoice_number or "" for i in page.items}

    assert numbers() == {"clean", "warned", "broken", "waiting"}
    assert numbers(verdict=Verdict.VALID) == {"clean"}
    assert numbers(verdict=Verdict.WARNINGS) == {"warned"}
    assert numbers(verdict=Verdict.INVALID) == {"broken"}
    assert numbers(verdict=Verdict.PENDING) == {"waiting"}
    assert numbers(routing=Routing.ROUTED) == {"clean"}
    assert numbers(routing=Routing.UNROUTED) == {"warned", "broken", "waiting"}
    assert numbers(verdict=Verdict.WARNINGS, routing=Routing.ROUTED) == set()
