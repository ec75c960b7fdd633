"""``/metrics`` scraped like Prometheus does, parsed with prometheus_client's own parser.

The figures come from the database at scrape time, so they must move when a letter goes
through the mail room, when a fixity run finds a flipped byte, and when a verification
finds the audit chain broken; on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from services.db.session import unit_of_work
from services.settings import SearchBackend, Settings
from services.storage.fixity import run_fixity
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.clock import ShiftedClock
from tests.fixtures.documents import BAUANTRAG, letter_image, png_bytes
from tests.fixtures.records import classify_now, insert_document
from tests.fixtures.server import wait_for_item

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ops_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    monitoring = {"cache_seconds": 0}  # every scrape reads the database afresh
    if request.param == "sqlite":
        return make_settings(tmp_path / "data", monitoring=monitoring)
    url = request.getfixturevalue("postgres_url")
    return make_settings(
        tmp_path / "data",
        database_url=url,
        search_backend=SearchBackend.POSTGRES,
        monitoring=monitoring,
    )


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def ops(ops_settings: Settings, clock: ShiftedClock) -> Iterator[Service]:
    yield from start_service(ops_settings, clock=clock)


@pytest.fixture
def idle(ops_settings: Settings, clock: ShiftedClock) -> Iterator[Service]:
    """The service with no workers: jobs stay in the queue."""
    yield from start_service(ops_settings, run_workers=False, clock=clock)


def monitoring_key(service: Service) -> str:
    response = service.client.post(
        "/api/v1/keys", json={"name": "prometheus", "role": "monitoring"}
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def scrape(service: Service, key: str) -> Samples:
    response = service.client.get("/metrics", headers=service.headers(key))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name`` over the samples that carry ``labels`` (and any others)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def label_values(samples: Samples, name: str, label: str) -> set[str]:
    return {dict(ls)[label] for (n, ls), _ in samples.items() if n == name and label in dict(ls)}


def upload_letter(service: Service) -> str:
    png = png_bytes(letter_image(BAUANTRAG))
    response = service.client.post("/api/v1/intake", files=[("files", ("brief.png", png))])
    assert response.status_code == 202, response.text
    item_id: str = response.json()["items"][0]["id"]
    return item_id


@pytest.mark.ocr
def test_a_letter_through_the_mail_room_moves_the_figures(ops: Service) -> None:
    key = monitoring_key(ops)
    before = scrape(ops, key)
    item_id = upload_letter(ops)
    done = wait_for_item(ops.client.get, item_id)
    assert done["status"] == "done", done
    [document] = done["documents"]
    after = scrape(ops, key)

    grew = {
        name: total(after, name) - total(before, name)
        for name in (
            "eakte_ocr_pages_total",
            "eakte_ocr_documents_total",
            "eakte_stored_objects",
            "eakte_audit_chain_length",
        )
    }
    assert grew["eakte_ocr_pages_total"] == 1
    assert grew["eakte_ocr_documents_total"] == 1
    assert grew["eakte_stored_objects"] >= 2, "the upload and its PDF/A rendition"
    assert grew["eakte_audit_chain_length"] >= 1
    assert total(after, "eakte_documents", status="ocr_done") == 1
    finished = total(after, "eakte_jobs_finished_total", outcome="done")
    assert finished > total(before, "eakte_jobs_finished_total", outcome="done")
    assert total(after, "eakte_jobs_finished_total", outcome="failed") == 0
    assert all(v == 1 for (n, _), v in after.items() if n == "eakte_dependency_up")
    assert label_values(after, "eakte_dependency_up", "dependency") == {
        "database",
        "store",
        "object_lock",
        "search",
    }
    assert total(after, "eakte_metrics_figures_ok") == 1

    # Request latency: by route template, never by a path with an id in it.
    count = "eakte_http_request_duration_seconds_count"
    assert total(after, count, route="/api/v1/intake", method="POST", status="2xx") == 1
    assert total(after, count, route="/api/v1/intake/items/{item_id}", method="GET") >= 1
    routes = label_values(after, count, "route")
    assert not any(item_id in route or document["id"] in route for route in routes)
    assert all(route.startswith("/") or route == "none" for route in routes)


def test_a_classification_decision_is_counted(idle: Service) -> None:
    key = monitoring_key(idle)
    before = scrape(idle, key)
    document_id = insert_document(idle.container, "Bauantrag für ein Einfamilienhaus")
    classify_now(idle.container, document_id)  # the classification job's own handler
    after = scrape(idle, key)
    name = "eakte_classification_decisions_total"
    assert total(after, name) - total(before, name) == 1
    decisions = label_values(after, name, "decision")
    assert len(decisions) == 1 and decisions <= {"auto", "routed", "review"}
    assert label_values(after, name, "method") <= {"reference", "model"}
    review = total(after, name, decision="review") + total(after, name, decision="routed")
    assert total(after, "eakte_review_tasks_open") == review


def test_waiting_jobs_show_as_queue_depth_and_age(idle: Service, clock: ShiftedClock) -> None:
    key = monitoring_key(idle)
    upload_letter(idle)
    clock.advance(timedelta(hours=1))
    samples = scrape(idle, key)
    kinds = label_values(samples, "eakte_job_queue_depth", "kind")
    assert kinds, "the upload's job and the periodic jobs wait"
    assert total(samples, "eakte_job_queue_depth") >= 1
    assert max(total(samples, "eakte_job_queue_oldest_age_seconds", kind=k) for k in kinds) >= 3600
    assert total(samples, "eakte_jobs_running") == 0
    assert total(samples, "eakte_jobs_finished_total") == 0


def test_fixity_and_audit_chain_state(idle: Service, ops_settings: Settings) -> None:
    key = monitoring_key(idle)
    container = idle.container
    document_id = insert_document(container, "Gebührenbescheid 2026")
    fresh = scrape(idle, key)
    assert total(fresh, "eakte_fixity_never_checked_objects") >= 1
    assert total(fresh, "eakte_fixity_last_check_timestamp_seconds") == 0
    assert total(fresh, "eakte_audit_last_verification_timestamp_seconds") == 0
    assert total(fresh, "eakte_audit_last_verification_ok") == 0, "absent before any run"

    run_fixity(container.session_factory, container.store, container.clock, share=None)
    checked = scrape(idle, key)
    assert total(checked, "eakte_fixity_never_checked_objects") == 0
    assert total(checked, "eakte_fixity_last_check_timestamp_seconds") > 0
    assert total(checked, "eakte_fixity_failures") == 0

    [blob_key] = [
        row[0]
        for row in _rows(idle, "SELECT content_blob_key FROM documents WHERE id = :id", document_id)
    ]
    path = ops_settings.blob_dir / blob_key
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[0] ^= 0x01
    path.write_bytes(bytes(data))
    run_fixity(container.session_factory, container.store, container.clock, share=None)
    assert total(scrape(idle, key), "eakte_fixity_failures", status="corrupt") == 1

    verified = idle.client.post("/api/v1/audit/verification")
    assert verified.status_code == 200, verified.text
    intact = scrape(idle, key)
    assert total(intact, "eakte_audit_last_verification_ok") == 1
    assert total(intact, "eakte_audit_last_verification_timestamp_seconds") > 0
    assert total(intact, "eakte_audit_chain_length") >= 2

    with unit_of_work(container.session_factory) as session:
        session.execute(text("UPDATE audit_events SET actor = 'key:x (Mallory)' WHERE seq = 2"))
    idle.client.post("/api/v1/audit/verification")
    assert total(scrape(idle, key), "eakte_audit_last_verification_ok") == 0


def test_prometheus_gets_openmetrics_when_it_asks(idle: Service) -> None:
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
    response = idle.client.get("/metrics", headers={"Accept": accept})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    families = {f.name for f in openmetrics_families(response.text)}
    assert {"eakte_job_queue_depth", "eakte_jobs_finished", "eakte_dependency_up"} <= families


def test_only_a_key_with_read_metrics_scrapes(idle: Service) -> None:
    key = monitoring_key(idle)
    client = idle.client
    assert client.get("/metrics", headers={"Authorization": ""}).status_code == 401
    caseworker = client.post(
        "/api/v1/keys", json={"name": "sb", "role": "caseworker", "org_unit": "63"}
    ).json()["key"]
    assert client.get("/metrics", headers=idle.headers(caseworker)).status_code == 403
    assert client.get("/metrics", headers=idle.headers(key)).status_code == 200
    # The monitoring role reads counts, nothing else.
    assert client.get("/api/v1/documents", headers=idle.headers(key)).status_code == 403
    assert client.get("/api/v1/audit", headers=idle.headers(key)).status_code == 403


def _rows(service: Service, sql: str, value: str) -> list[tuple[str]]:
    with unit_of_work(service.container.session_factory, write=False) as session:
        return [(str(r[0]),) for r in session.execute(text(sql), {"id": value})]
