"""deploy/eakte.env.example: settings that exist, that the validator accepts once the
secrets are filled in and refuses before, and that agree with compose.yaml and the realm."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from services.access.roles import Role
from services.errors import ConfigurationError
from services.settings import Environment, SearchBackend, StorageBackend
from tests.deploy.files import (
    DEPLOY,
    PLACEHOLDER,
    is_setting,
    read_env_file,
    settings_from,
    with_secrets_filled,
)

EXAMPLE = read_env_file(DEPLOY / "eakte.env.example")
SECRET_WORDS = ("PASSWORD", "SECRET")


def _eakte_env(values: dict[str, str]) -> dict[str, str]:
    """What the API container gets: the env file plus the service's own environment."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return {**values, **compose["services"]["api"].get("environment", {})}


def _realm() -> dict[str, Any]:
    realm: dict[str, Any] = json.loads((DEPLOY / "compose" / "keycloak-realm.json").read_text())
    return realm


def test_every_eakte_name_is_a_setting() -> None:
    unknown = [name for name in EXAMPLE if name.startswith("EAKTE_") and not is_setting(name)]
    assert unknown == []


def test_every_secret_is_the_placeholder() -> None:
    """No example secret can end up in production unchanged without the validator noticing."""
    for name, value in EXAMPLE.items():
        if any(word in name for word in SECRET_WORDS):
            assert value == PLACEHOLDER, f"{name} must be {PLACEHOLDER!r} in the example"
    password = urlsplit(EXAMPLE["EAKTE_DATABASE_URL"]).password
    assert password == PLACEHOLDER


def test_the_unchanged_example_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="EAKTE_S3_SECRET_KEY is a well-known default"):
        settings_from(_eakte_env(EXAMPLE), monkeypatch)


@pytest.mark.parametrize(
    ("left", "message"),
    [
        ("EAKTE_S3_SECRET_KEY", "EAKTE_S3_SECRET_KEY is a well-known default secret"),
        ("EAKTE_OIDC__CLIENT_SECRET", "EAKTE_OIDC__CLIENT_SECRET is a well-known default"),
        ("EAKTE_DATABASE_URL", "EAKTE_DATABASE_URL has a well-known default password"),
    ],
)
def test_each_secret_left_unchanged_is_refused(
    left: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compose hands the same value to PostgreSQL or Keycloak, so a forgotten placeholder
    would work, and stay: the validator must catch each one on its own."""
    env = {**with_secrets_filled(EXAMPLE), left: EXAMPLE[left]}
    with pytest.raises(ConfigurationError, match=message):
        settings_from(_eakte_env(env), monkeypatch)


def test_the_filled_in_example_is_a_production_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_from(_eakte_env(with_secrets_filled(EXAMPLE)), monkeypatch)
    assert settings.environment is Environment.PRODUCTION
    assert settings.storage_backend is StorageBackend.S3
    assert settings.effective_database_url.startswith("postgresql+psycopg://")
    assert settings.embedded_workers is False
    assert settings.oidc.issuer is not None and settings.oidc.issuer.startswith("https://")
    assert settings.http.trust_forwarded_for, "behind the proxy"
    assert settings.search_backend is SearchBackend.OPENSEARCH


def test_workers_get_the_time_to_finish_a_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compose kills a worker after stop_grace_period; the worker must give its job back first."""
    settings = settings_from(_eakte_env(with_secrets_filled(EXAMPLE)), monkeypatch)
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    grace = _seconds(compose["services"]["worker"]["stop_grace_period"])
    assert grace > settings.jobs.shutdown_grace_seconds + 10


def _seconds(duration: str) -> float:
    """A compose duration such as ``2m`` or ``1m30s``."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0.0, ""
    for char in duration:
        if char.isdigit() or char == ".":
            number += char
        else:
            total += float(number) * units[char]
            number = ""
    assert number == "", f"unit missing in {duration!r}"
    return total


def test_values_given_twice_agree() -> None:
    """The same secret for the server and for eakte, the host names in every URL."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    postgres = compose["services"]["postgres"]["environment"]
    url = urlsplit(EXAMPLE["EAKTE_DATABASE_URL"])
    assert url.password == EXAMPLE["POSTGRES_PASSWORD"]
    assert (url.username, url.hostname, url.path.lstrip("/")) == (
        postgres["POSTGRES_USER"],
        "postgres",
        postgres["POSTGRES_DB"],
    )
    assert EXAMPLE["EAKTE_S3_ENDPOINT"] == "s3:8333"
    assert "-s3.port=8333" in " ".join(compose["services"]["s3"]["command"])
    assert EXAMPLE["EAKTE_S3_ACCESS_KEY"] == EXAMPLE["S3_ACCESS_KEY"]
    assert EXAMPLE["EAKTE_S3_SECRET_KEY"] == EXAMPLE["S3_SECRET_KEY"]
    for node in json.loads(EXAMPLE["EAKTE_OPENSEARCH__URLS"]):
        assert (urlsplit(node).hostname, urlsplit(node).port) == ("opensearch", 9200)
    assert "opensearch" in compose["services"]
    public = f"https://{EXAMPLE['PUBLIC_HOST']}"
    assert EXAMPLE["EAKTE_OIDC__REDIRECT_URL"] == f"{public}/auth/callback"
    assert EXAMPLE["EAKTE_OIDC__POST_LOGOUT_REDIRECT_URL"] == f"{public}/"


def test_the_oidc_settings_match_the_keycloak_realm() -> None:
    realm = _realm()
    (client,) = realm["clients"]
    assert EXAMPLE["EAKTE_OIDC__ISSUER"] == (
        f"https://{EXAMPLE['LOGIN_HOST']}/realms/{realm['realm']}"
    )
    assert EXAMPLE["EAKTE_OIDC__CLIENT_ID"] == client["clientId"]
    assert not client["publicClient"], "eakte is a confidential client"
    assert client["redirectUris"] == ["${REALM_APP_URL}/auth/callback"]
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    mappers = {m["protocolMapper"]: m["config"] for m in client["protocolMappers"]}
    groups = mappers["oidc-group-membership-mapper"]
    assert groups["claim.name"] == "groups" and groups["access.token.claim"] == "true"
    audience = mappers["oidc-audience-mapper"]["included.client.audience"]
    assert audience == client["clientId"], "access tokens carry the audience eakte expects"
    realm_groups = {group["name"] for group in realm["groups"]}
    role_map: dict[str, str] = json.loads(EXAMPLE["EAKTE_OIDC__ROLE_MAP"])
    unit_map: dict[str, str] = json.loads(EXAMPLE["EAKTE_OIDC__UNIT_MAP"])
    assert set(role_map) | set(unit_map) <= realm_groups
    assert set(role_map.values()) <= {role.value for role in Role}
