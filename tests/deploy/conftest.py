"""The app the probe paths are checked against: built once, SQLite, nothing started."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from services.bootstrap import build_container, ensure_schema
from services.settings import Settings


@pytest.fixture(scope="session")
def app_status(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], int]]:
    """``GET path`` unauthenticated -> status code.

    A probe path is wrong when the app answers 404 (no such route) or 401/403 (the
    probe would need credentials); 503 from a not-ready dependency is a right answer.
    """
    container = build_container(Settings(data_dir=Path(tmp_path_factory.mktemp("deploy-app"))))
    try:
        ensure_schema(container)
        with TestClient(create_app(container, run_workers=False)) as client:
            yield lambda path: client.get(path).status_code
    finally:
        container.close()
