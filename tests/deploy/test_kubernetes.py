"""deploy/kubernetes: every manifest against the Kubernetes 1.30 schemas (strict: unknown
fields are errors), bundled with kubernetes-validate, and the references between them.

1.30 is the oldest minor version still supported by the large managed offerings when
this was written; the manifests use nothing newer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import kubernetes_validate
import pytest
import yaml

from services.errors import ConfigurationError
from tests.deploy.files import (
    KUBERNETES,
    cli_command,
    is_setting,
    load_yaml_documents,
    read_env_file,
    settings_from,
    with_secrets_filled,
)

KUBERNETES_VERSION = "1.30.0"
EAKTE_UID = 10001
"""The Dockerfile's USER."""


@pytest.fixture(scope="module")
def kustomization() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    return loaded


@pytest.fixture(scope="module")
def resources(kustomization: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        found.extend(load_yaml_documents(KUBERNETES / name))
    return found


def _of_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def _pod_specs(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        r["metadata"]["name"]: r["spec"]["template"]["spec"]
        for r in resources
        if r["kind"] in {"Deployment", "Job"}
    }


def test_every_manifest_file_is_listed(kustomization: dict[str, Any]) -> None:
    files = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


@pytest.mark.parametrize(
    "name", sorted(p.name for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")
)
def test_manifest_matches_the_kubernetes_schema(name: str) -> None:
    for resource in load_yaml_documents(KUBERNETES / name):
        problem = None
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            problem = f"{name}: {resource['kind']} {path}: {exc.message}"
        # SchemaNotFoundError (an unknown kind or apiVersion) propagates and fails too.
        if problem is not None:  # outside the except: the schema in the cause is huge
            pytest.fail(problem, pytrace=False)


def test_containers_run_real_commands_of_the_image(
    resources: list[dict[str, Any]], kustomization: dict[str, Any]
) -> None:
    (image,) = kustomization["images"]
    commands = {}
    for owner, spec in _pod_specs(resources).items():
        for container in spec["containers"]:
            assert container["image"] == image["name"], "kustomize sets the real image"
            assert "command" not in container, "the image's entrypoint is the eakte CLI"
            commands[owner] = cli_command(container["args"])
    assert commands == {
        "eakte-migrate": "eakte db upgrade",
        "eakte-api": "eakte serve",
        "eakte-worker": "eakte worker",
    }


def test_pods_run_as_the_image_user_locked_down(resources: list[dict[str, Any]]) -> None:
    for owner, spec in _pod_specs(resources).items():
        context = spec["securityContext"]
        assert context["runAsNonRoot"] and context["runAsUser"] == EAKTE_UID, owner
        assert spec["automountServiceAccountToken"] is False, owner
        for container in spec["containers"]:
            own = container["securityContext"]
            assert own["allowPrivilegeEscalation"] is False, owner
            assert own["capabilities"]["drop"] == ["ALL"], owner
            assert "memory" in container["resources"]["limits"], owner
            mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
            if own.get("readOnlyRootFilesystem"):
                assert {"/tmp", "/var/lib/eakte"} <= mounts, f"{owner}: nowhere to write"


def test_configuration_is_settings_and_references_exist(
    resources: list[dict[str, Any]], kustomization: dict[str, Any]
) -> None:
    config_maps = _of_kind(resources, "ConfigMap")
    secrets = {g["name"] for g in kustomization["secretGenerator"]}
    for owner, spec in _pod_specs(resources).items():
        for container in spec["containers"]:
            refs = container["envFrom"]
            assert {r["configMapRef"]["name"] for r in refs if "configMapRef" in r} <= set(
                config_maps
            ), owner
            assert {r["secretRef"]["name"] for r in refs if "secretRef" in r} <= secrets, owner
            unknown = [e["name"] for e in container.get("env", []) if not is_setting(e["name"])]
            assert unknown == [], f"{owner}: env names that are no setting"
    names = [*config_maps["eakte-config"]["data"], *read_env_file(_secret_example())]
    assert [name for name in names if not is_setting(name)] == []
    assert len(names) == len(set(names)), "a setting both in the ConfigMap and the Secret"


def _secret_example() -> Any:
    return KUBERNETES / "secret.env.example"


def test_the_unchanged_secret_example_is_refused(
    resources: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _of_kind(resources, "ConfigMap")["eakte-config"]["data"]
    with pytest.raises(ConfigurationError) as refused:
        settings_from({**data, **read_env_file(_secret_example())}, monkeypatch)
    for name in ("EAKTE_DATABASE_URL", "EAKTE_S3_SECRET_KEY", "EAKTE_OIDC__CLIENT_SECRET"):
        assert name in refused.value.detail
    assert "EAKTE_OPENSEARCH__PASSWORD" in refused.value.detail


def test_configuration_passes_the_settings_validator(
    resources: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _of_kind(resources, "ConfigMap")["eakte-config"]["data"]
    env = {**data, **with_secrets_filled(read_env_file(_secret_example()))}
    settings = settings_from(env, monkeypatch)
    assert settings.environment.value == "production"
    assert not settings.embedded_workers, "workers run in their own Deployment"
    assert settings.s3_secure, "TLS to an S3 store outside the cluster"
    worker = _of_kind(resources, "Deployment")["eakte-worker"]["spec"]["template"]["spec"]
    assert worker["terminationGracePeriodSeconds"] > settings.jobs.shutdown_grace_seconds + 10, (
        "Kubernetes would kill a worker before it has given its job back"
    )


def test_probes_service_and_ingress_reach_the_api(
    resources: list[dict[str, Any]], app_status: Callable[[str], int]
) -> None:
    api = _of_kind(resources, "Deployment")["eakte-api"]
    (container,) = api["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8000}, "the image's EAKTE_PORT"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert get["port"] in ports, probe
        assert app_status(get["path"]) in {200, 503}, f"{probe} {get['path']}"
    assert (
        container["livenessProbe"]["httpGet"]["path"]
        != (container["readinessProbe"]["httpGet"]["path"])
    ), "a database outage must not restart every API pod"

    labels = api["spec"]["template"]["metadata"]["labels"]
    service = _of_kind(resources, "Service")["eakte-api"]
    assert service["spec"]["selector"].items() <= labels.items()
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] in ports
    (ingress,) = _of_kind(resources, "Ingress").values()
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == "eakte-api"
            assert backend["port"]["name"] == service_port["name"]


def test_disruption_budgets_select_the_deployments(resources: list[dict[str, Any]]) -> None:
    deployments = _of_kind(resources, "Deployment")
    budgets = _of_kind(resources, "PodDisruptionBudget")
    covered = set()
    for budget in budgets.values():
        selector = budget["spec"]["selector"]["matchLabels"]
        matching = [
            name
            for name, d in deployments.items()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matching) == 1, f"{budget['metadata']['name']} selects {matching}"
        covered.update(matching)
    assert covered == set(deployments)
    for name, deployment in deployments.items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        assert name in {"eakte-api", "eakte-worker"}
