"""The file-plan upload behind the Aktenplan page: reports with lines, dry run, import."""

from __future__ import annotations

from typing import Any

from file_plan import load_default_plan
from file_plan.plan_io import dump_csv
from tests.fixtures.app import Service


def upload(service: Service, url: str, name: str, content: bytes, **form: str) -> Any:
    return service.client.post(url, files={"file": (name, content)}, data=form)


def test_csv_reports_name_the_line_and_a_dry_run_changes_nothing(service: Service) -> None:
    lines = dump_csv(load_default_plan()).splitlines()
    broken_line = next(n for n, line in enumerate(lines, 1) if line.startswith("111.07,"))
    lines[broken_line - 1] = lines[broken_line - 1].replace("111.07,", "111.07,,", 1)
    broken = ("\n".join(lines) + "\n").encode()

    missing_version = upload(service, "/api/v1/file-plan/validation", "plan.csv", broken)
    assert missing_version.status_code == 200
    assert "Version" in missing_version.json()["errors"][0]["message"]

    report = upload(
        service, "/api/v1/file-plan/validation", "plan.csv", broken, version="2099.1"
    ).json()
    assert report["valid"] is False
    assert report["errors"][0]["line"] == broken_line

    refused = upload(service, "/api/v1/file-plan/versions", "plan.csv", broken, version="2099.1")
    assert refused.status_code == 422
    assert refused.json()["report"]["errors"][0]["line"] == broken_line

    fine = dump_csv(load_default_plan()).encode()
    checked = upload(service, "/api/v1/file-plan/validation", "plan.csv", fine, version="2099.2")
    assert checked.json()["valid"] is True
    assert checked.json()["version_id"] is None
    versions = service.client.get("/api/v1/file-plan/versions").json()
    assert [v["version"] for v in versions] == [load_default_plan().version]

    imported = upload(service, "/api/v1/file-plan/versions", "plan.csv", fine, version="2099.2")
    assert imported.status_code == 201, imported.text
    versions = service.client.get("/api/v1/file-plan/versions").json()
    assert versions[0]["version"] == "2099.2" and versions[0]["active"] is True
    assert versions[0]["id"] == imported.json()["version_id"]


def test_json_syntax_errors_and_dropped_codes_are_reported(service: Service) -> None:
    report = upload(
        service, "/api/v1/file-plan/validation", "plan.json", b'{\n  "format": "x",\n  oops\n}'
    ).json()
    assert report["errors"][0]["line"] == 3

    lines = dump_csv(load_default_plan()).splitlines()
    leaf = lines[-1].split(",")[0]
    fewer = ("\n".join(lines[:-1]) + "\n").encode()
    report = upload(
        service, "/api/v1/file-plan/validation", "plan.csv", fewer, version="2099.3"
    ).json()
    assert report["removed"] == [leaf]
    assert any(w["code"] == leaf for w in report["warnings"])
