from __future__ import annotations

from pathlib import Path

import pytest

from services.errors import ConfigurationError
from services.settings import SearchBackend, StorageBackend, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("EAKTE_"):
            monkeypatch.delenv(name)


def test_defaults_are_the_embedded_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve()}/eakte.db"
    assert settings.storage_backend is StorageBackend.FS
    assert settings.search_backend is SearchBackend.SQLITE
    assert settings.ocr.languages == ["deu", "eng"]
    assert settings.embedded_workers


def test_s3_without_credentials_is_refused_with_the_missing_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EAKTE_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("EAKTE_S3_ENDPOINT", "127.0.0.1:9000")
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    assert "EAKTE_S3_ACCESS_KEY" in error.value.detail
    assert "EAKTE_S3_SECRET_KEY" in error.value.detail
    assert "EAKTE_S3_ENDPOINT" not in error.value.detail


def test_postgres_search_needs_postgres_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_SEARCH_BACKEND", "postgres")
    with pytest.raises(ConfigurationError, match="EAKTE_DATABASE_URL=postgresql"):
        load_settings()


def test_sqlite_search_refuses_postgres_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/eakte")
    with pytest.raises(ConfigurationError, match="EAKTE_SEARCH_BACKEND=postgres"):
        load_settings()


def test_production_refuses_embedded_backends_and_default_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EAKTE_ENVIRONMENT", "production")
    monkeypatch.setenv("EAKTE_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("EAKTE_S3_ENDPOINT", "s3.internal:9000")
    monkeypatch.setenv("EAKTE_S3_ACCESS_KEY", "eakte")
    monkeypatch.setenv("EAKTE_S3_SECRET_KEY", "minioadmin")
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    assert "production needs PostgreSQL" in error.value.detail
    assert "well-known default secret" in error.value.detail


def test_unknown_enum_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_STORAGE_BACKEND", "ftp")
    with pytest.raises(ConfigurationError, match="EAKTE_STORAGE_BACKEND"):
        load_settings()


def test_nested_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_OCR__LANGUAGES", '["deu"]')
    monkeypatch.setenv("EAKTE_LIMITS__MAX_PAGES", "10")
    settings = load_settings()
    assert settings.ocr_options.languages == ("deu",)
    assert settings.limits.max_pages == 10


def test_scheme_in_s3_endpoint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("EAKTE_S3_ENDPOINT", "https://s3.example:9000")
    monkeypatch.setenv("EAKTE_S3_ACCESS_KEY", "a")
    monkeypatch.setenv("EAKTE_S3_SECRET_KEY", "b")
    with pytest.raises(ConfigurationError, match="without a scheme"):
        load_settings()
