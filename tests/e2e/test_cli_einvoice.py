"""``eakte einvoice``: validate, show, render, and Leitweg-ID routes on the local data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli
from services.einvoice.leitweg import compute_check_digits

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
VALID = (
    TESTDATA / "xrechnung-testsuite" / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml"
)
INVALID = TESTDATA / "xrechnung-testsuite" / "kosit-validator-config-instances" / "ubl004.xml"
HYBRID = TESTDATA / "zugferd" / "valid" / "XML-Rechnung-FX-EN16931_Einfach.pdf"


def test_validate_prints_one_result_per_file_and_fails_if_any_is_invalid() -> None:
    result = CliRunner().invoke(cli, ["einvoice", "validate", "--json", str(VALID), str(INVALID)])
    assert result.exit_code == 1
    valid, invalid = json.loads(result.output)
    assert set(valid) == {"file", "syntax", "customization", "valid", "errors", "warnings"}
    assert valid["valid"] and valid["syntax"] == "cii" and not valid["errors"]
    assert not invalid["valid"]
    assert [e["rule"] for e in invalid["errors"]] == ["BR-DE-3"]
    assert set(invalid["errors"][0]) >= {"rule", "severity", "message", "location"}
    only_valid = CliRunner().invoke(cli, ["einvoice", "validate", str(VALID), str(HYBRID)])
    assert only_valid.exit_code == 0, only_valid.output


def test_unreadable_and_non_invoice_files_are_invalid_with_a_reason(tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = CliRunner().invoke(
        cli, ["einvoice", "validate", "--json", str(image), str(tmp_path / "missing.xml")]
    )
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["valid"] for r in reports] == [False, False]
    assert "e-invoice" in reports[0]["errors"][0]["message"]


def test_show_and_render(tmp_path: Path) -> None:
    shown = CliRunner().invoke(cli, ["einvoice", "show", str(HYBRID)])
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert record["number"] and record["totals"]["payable"]
    html = tmp_path / "view.html"
    assert (
        CliRunner().invoke(cli, ["einvoice", "render", str(VALID), str(html), "--html"]).exit_code
        == 0
    )
    assert "<html" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "view.pdf"
    assert (
        CliRunner().invoke(cli, ["einvoice", "render", str(INVALID), str(pdf), "--pdf"]).exit_code
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    both = CliRunner().invoke(cli, ["einvoice", "render", str(VALID), str(pdf), "--pdf", "--html"])
    assert both.exit_code == 1


def test_routes_on_the_local_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_DATA_DIR", str(tmp_path / "data"))
    leitweg_id = f"05958000-{compute_check_digits('05958000')}"
    added = CliRunner().invoke(
        cli, ["einvoice", "routes", "set", leitweg_id, "20", "--retention-rule", "ao"]
    )
    assert added.exit_code == 0, added.output
    listed = CliRunner().invoke(cli, ["einvoice", "routes", "list"])
    assert leitweg_id in listed.output and " 20 " in listed.output and "ao" in listed.output
    wrong = CliRunner().invoke(cli, ["einvoice", "routes", "set", "05958000-99", "20"])
    assert wrong.exit_code == 1 and "Leitweg-ID" in wrong.output
