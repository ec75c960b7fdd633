"""The evaluation CLI: file-plan commands, ``eakte classify`` and ``eakte classifier``."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from file_plan.letters import load_letters
from tests.fixtures.documents import letter_image, png_bytes
from tests.fixtures.server import REPO, eakte_env

DEFAULT_PLAN = REPO / "file_plan" / "data" / "default_plan.json"


def eakte(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=eakte_env(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


def test_file_plan_commands_round_trip_through_csv(tmp_path: Path) -> None:
    data = tmp_path / "data"
    valid = eakte(data, "file-plan", "validate", str(DEFAULT_PLAN))
    assert valid.returncode == 0, valid.stderr
    assert "valid" in valid.stdout
    exported = tmp_path / "plan.csv"
    assert (
        eakte(data, "file-plan", "export", "--format", "csv", "-o", str(exported)).returncode == 0
    )
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert len(rows) >= 150 and {"code", "retention_years", "archive_value"} <= set(rows[0])
    for row in rows:
        if row["code"] == "537.01":
            row["title"] = "Abfallwirtschaft und Stadtreinigung"
    with exported.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = eakte(data, "file-plan", "import", str(exported))
    assert imported.returncode == 0, imported.stderr
    shown = eakte(data, "file-plan", "show", "--code", "537")
    assert "537.01  Abfallwirtschaft und Stadtreinigung" in shown.stdout
    assert "111.07" not in shown.stdout


def test_invalid_plans_are_refused_with_the_problems_named(tmp_path: Path) -> None:
    plan = json.loads(DEFAULT_PLAN.read_text(encoding="utf-8"))
    plan["items"].append(dict(plan["items"][-1]))
    plan["items"].append({**plan["items"][-1], "code": "999.01", "parent": "999"})
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(plan), encoding="utf-8")
    result = eakte(tmp_path / "data", "file-plan", "validate", str(broken))
    assert result.returncode == 1
    assert "999.01" in result.stderr and "problem" in result.stderr
    refused = eakte(tmp_path / "data", "file-plan", "import", str(broken))
    assert refused.returncode == 1 and refused.stderr.startswith("eakte: ")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    unreadable = eakte(tmp_path / "data", "file-plan", "validate", str(garbage))
    assert unreadable.returncode == 1 and unreadable.stderr.startswith("eakte: ")


@pytest.mark.ocr
def test_classify_prints_one_decision_per_file(tmp_path: Path) -> None:
    text_letter = tmp_path / "kita.txt"
    text_letter.write_text(
        "Sehr geehrte Damen und Herren, wir suchen für unsere Tochter ab August einen "
        "Betreuungsplatz in einer Kindertagesstätte. Wie hoch ist der Elternbeitrag?",
        encoding="utf-8",
    )
    scan = tmp_path / "bauantrag.png"
    scan.write_bytes(
        png_bytes(
            letter_image(
                [
                    "Bauantrag für den Neubau eines Einfamilienhauses",
                    "Sehr geehrte Damen und Herren,",
                    "hiermit beantrage ich die Baugenehmigung für das Grundstück",
                    "Gemarkung Hagen, Flur 12, Flurstück 345.",
                    "Die Bauvorlagen des Entwurfsverfassers liegen bei.",
                ]
            )
        )
    )
    missing = tmp_path / "missing.pdf"
    result = eakte(
        tmp_path / "data", "classify", str(text_letter), str(scan), str(missing), "--json"
    )
    assert result.returncode == 1, "a file that cannot be read makes the exit status non-zero"
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    kita, bau, error = lines
    assert kita["code"] == "365.01" and bau["code"] == "521.01"
    for line in (kita, bau):
        assert set(line) >= {"file", "code", "title", "confidence", "decision", "top3", "reason"}
        assert len(line["top3"]) == 3
        # both codes keep one Akte per person/object and nothing names an existing one:
        # routed to the responsible unit with a new Akte proposed
        assert line["decision"] == "routed", line["reason"]
        assert line["proposed_akte"]["new"] is True
    assert kita["org_unit"] == "51" and bau["org_unit"] == "63"
    assert {"kind": "flurstueck", "display": "Gemarkung Hagen, Flur 12, Flurstück 345"}.items() <= (
        bau["proposed_akte"]["subject_keys"][0].items()
    )
    assert error["file"] == str(missing) and error["error"]


def test_classifier_evaluate_reports_the_figures(tmp_path: Path) -> None:
    letters = load_letters()[::7]
    labels = tmp_path / "labels.csv"
    with labels.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "code"])
        for index, letter in enumerate(letters):
            name = f"{index:03}.txt"
            (tmp_path / name).write_text(letter.text, encoding="utf-8")
            writer.writerow([name, letter.code])
    result = eakte(tmp_path / "data", "classifier", "evaluate", "--labels", str(labels), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == len(letters)
    assert {"accuracy", "macro_f1", "precision_at_threshold", "coverage_at_threshold"} <= set(
        report
    )
    assert "confusions" in report
    bad = tmp_path / "bad.csv"
    bad.write_text("name,label\nx,y\n", encoding="utf-8")
    refused = eakte(tmp_path / "data", "classifier", "evaluate", "--labels", str(bad))
    assert refused.returncode == 1 and "file" in refused.stderr
