"""``eakte search`` on the configured cluster, and the OpenSearch settings' checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli
from services.bootstrap import build_container, prepare
from services.db.session import unit_of_work
from services.errors import ConfigurationError
from services.ports import IndexableDocument
from services.settings import SearchBackend, load_settings
from tests.contract.search_backends import OpenSearchCluster
from tests.fixtures.availability import unavailable
from tests.fixtures.records import insert_document


@pytest.fixture(scope="module")
def cluster() -> Iterator[OpenSearchCluster]:
    found = OpenSearchCluster()
    try:
        found.start()
    except Exception as exc:  # not installed, no binary for this platform, did not start
        unavailable("osmem-server", str(exc))
    yield found
    found.stop()


@pytest.fixture
def environment(
    cluster: OpenSearchCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    with cluster.fresh() as (url, alias):
        monkeypatch.setenv("EAKTE_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("EAKTE_SEARCH_BACKEND", "opensearch")
        monkeypatch.setenv("EAKTE_OPENSEARCH__URLS", json.dumps([url]))
        monkeypatch.setenv("EAKTE_OPENSEARCH__ALIAS", alias)
        yield alias


def _invoke(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["search", *args, "--json"])
    assert result.exit_code == 0, result.output
    answer: dict[str, object] = json.loads(result.output.strip().splitlines()[-1])
    return answer


def test_reindex_loads_what_the_database_holds(environment: str) -> None:
    container = build_container(load_settings())
    try:
        assert container.settings.search_backend is SearchBackend.OPENSEARCH
        prepare(container, migrate=True)
        for title in ("Bauantrag", "Baugenehmigung", "Widerspruch"):
            document_id = insert_document(container, f"{title} Text")
            with unit_of_work(container.session_factory) as session:
                container.search.index_document(
                    session, IndexableDocument(document_id, title, "", [f"{title} Text"])
                )
    finally:
        container.close()
    before = _invoke("status")
    assert (before["in_index"], before["in_database"], before["outbox"]) == (3, 3, 0)

    report = _invoke("reindex")

    assert report["documents"] == 3 and report["dropped"] == before["indices"]
    after = _invoke("status")
    assert after["indices"] == [report["index"]] and after["in_index"] == 3
    assert _invoke("catch-up") == {"delivered": 0}


def test_commands_refuse_another_search_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EAKTE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EAKTE_SEARCH_BACKEND", "sqlite")

    result = CliRunner().invoke(cli, ["search", "reindex"])

    assert result.exit_code == 1
    assert "EAKTE_SEARCH_BACKEND=opensearch" in result.output


def test_unreachable_cluster_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EAKTE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EAKTE_SEARCH_BACKEND", "opensearch")
    monkeypatch.setenv("EAKTE_OPENSEARCH__URLS", '["http://127.0.0.1:9"]')

    result = CliRunner().invoke(cli, ["search", "status"])

    assert result.exit_code == 1
    assert "eakte: OpenSearch" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EAKTE_OPENSEARCH__URLS": '["os1:9200"]'}, "not an http(s):// URL"),
        (
            {
                "EAKTE_OPENSEARCH__URLS": '["http://os1.intern:9200"]',
                "EAKTE_OPENSEARCH__USERNAME": "eakte",
                "EAKTE_OPENSEARCH__PASSWORD": "geheim",
            },
            "only over https://",
        ),
        ({"EAKTE_OPENSEARCH__USERNAME": "eakte"}, "go together"),
        ({"EAKTE_OPENSEARCH__ALIAS": "Eakte Dokumente"}, "EAKTE_OPENSEARCH__ALIAS"),
    ],
)
def test_settings_refuse_an_unsafe_or_broken_cluster_configuration(
    variables: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EAKTE_SEARCH_BACKEND", "opensearch")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings()


def test_https_cluster_with_credentials_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_SEARCH_BACKEND", "opensearch")
    monkeypatch.setenv("EAKTE_OPENSEARCH__URLS", '["https://os1.intern:9200"]')
    monkeypatch.setenv("EAKTE_OPENSEARCH__USERNAME", "eakte")
    monkeypatch.setenv("EAKTE_OPENSEARCH__PASSWORD", "geheim")

    settings = load_settings()

    assert settings.opensearch.urls == ["https://os1.intern:9200"]
    assert settings.opensearch.password is not None
