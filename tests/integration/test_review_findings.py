"""The outside review's findings on input validation, each shown fixed."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pikepdf
import pytest
from sqlalchemy import select

from services.db.models import Document, IntakeItem
from services.db.pagination import paginate
from services.db.session import unit_of_work
from services.documents.versions import get_version
from services.einvoice.leitweg import compute_check_digits
from services.errors import InvalidInputError, NotFoundError
from services.intake.receive import IntakeMetadata, check_metadata
from tests.fixtures.app import Service
from tests.fixtures.records import insert_document

HUGE = 2**63
LEITWEG = f"05958000-RECH01-{compute_check_digits('05958000', 'RECH01')}"


def pdf_bytes(text: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = text
        pdf.save(out)
    return out.getvalue()


def test_page_windows_past_the_database_integer_are_refused_not_a_500(
    service_without_workers: Service,
) -> None:
    container = service_without_workers.container
    with unit_of_work(container.session_factory, write=False) as session:
        for window in ({"limit": 10, "offset": HUGE}, {"limit": HUGE, "offset": 0}):
            with pytest.raises(InvalidInputError, match="between 0 and 2147483647"):
                paginate(session, select(Document), **window)
        assert paginate(session, select(Document), limit=10, offset=2**31 - 1).items == []


def test_version_numbers_past_the_database_integer_are_not_found(
    service_without_workers: Service,
) -> None:
    container = service_without_workers.container
    document_id = insert_document(container, "Widerspruch")
    with unit_of_work(container.session_factory, write=False) as session:
        document = session.get(Document, document_id)
        assert document is not None
        for number in (HUGE, 2**31, 0, -1):
            with pytest.raises(NotFoundError, match=f"no version {number}"):
                get_version(session, document, number)


def test_intake_refuses_an_unknown_target_unit(service_without_workers: Service) -> None:
    service = service_without_workers
    refused = service.client.post(
        "/api/v1/intake",
        files=[("files", ("brief.pdf", pdf_bytes("unknown unit")))],
        data={"target_org_unit": "99.9"},
    )
    assert refused.status_code == 422, refused.text
    assert "unknown organisational unit '99.9'" in refused.json()["detail"]
    with unit_of_work(service.container.session_factory, write=False) as session:
        assert session.scalars(select(IntakeItem)).all() == []
        check_metadata(session, IntakeMetadata(target_org_unit="32.3"))
        with pytest.raises(InvalidInputError):
            check_metadata(session, IntakeMetadata(target_org_unit=""))
    accepted = service.client.post(
        "/api/v1/intake",
        files=[("files", ("brief.pdf", pdf_bytes("known unit")))],
        data={"target_org_unit": "32.3"},
    )
    assert accepted.status_code == 202, accepted.text


def test_intake_stores_file_names_cleaned(service_without_workers: Service) -> None:
    service = service_without_workers
    sent = "C:\\Scans\\" + "Antrag\u202e" + "x" * 4000 + ".pdf"
    response = service.client.post(
        "/api/v1/intake", files=[("files", (sent, pdf_bytes("long name")))]
    )
    assert response.status_code == 202, response.text
    filename = response.json()["items"][0]["filename"]
    assert len(filename) == 255 and filename.startswith("Antragxxx") and filename.endswith(".pdf")


def test_leitweg_routes_refuse_unknown_units(service_without_workers: Service) -> None:
    client = service_without_workers.client
    refused = client.put(f"/api/v1/leitweg-routes/{LEITWEG}", json={"org_unit": "99"})
    assert refused.status_code == 422, refused.text
    assert "unknown organisational unit '99'" in refused.json()["detail"]
    assert client.get("/api/v1/leitweg-routes").json() == []
    assert (
        client.put(f"/api/v1/leitweg-routes/{LEITWEG}", json={"org_unit": "20"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("year", "adopted_on", "message"),
    [
        (0, "2026-01-15", "fiscal year 0 is not plausible"),
        (1989, "1990-06-01", "fiscal year 1989 is not plausible"),
        (2099, "2099-12-31", "fiscal year 2099 is not plausible"),
        (2025, "2099-01-01", "lies in the future"),
        (2025, "2025-06-30", "before the fiscal year ended"),
    ],
)
def test_implausible_annual_account_adoptions_are_refused_before_they_are_recorded(
    service_without_workers: Service, year: int, adopted_on: str, message: str
) -> None:
    client = service_without_workers.client
    refused = client.put(f"/api/v1/annual-accounts/{year}", json={"adopted_on": adopted_on})
    assert refused.status_code == 422, refused.text
    assert message in refused.json()["detail"]


def test_a_plausible_adoption_is_recorded(service_without_workers: Service) -> None:
    today = service_without_workers.container.clock.now().date()
    year = today.year - 1
    adopted = min(today, date(today.year, 11, 30))
    response = service_without_workers.client.put(
        f"/api/v1/annual-accounts/{year}", json={"adopted_on": adopted.isoformat()}
    )
    assert response.status_code == 200, response.text
    tomorrow = today + timedelta(days=1)
    assert (
        service_without_workers.client.put(
            f"/api/v1/annual-accounts/{year}", json={"adopted_on": tomorrow.isoformat()}
        ).status_code
        == 422
    )
