from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from services.errors import OcrError
from services.ocr import DEFAULT_TUNING, OcrmypdfEngine, OcrTuning
from services.ocr.exit_codes import ExitCode, classify
from services.ocr.process import ProcessTimeoutError, run_in_process_group
from services.ports import OcrOptions
from tests.fixtures.availability import unavailable

SCANS = Path(__file__).parents[2] / ".." / "shared" / "testdata" / "scans"
OPTIONS = OcrOptions()


@pytest.fixture
def engine() -> OcrmypdfEngine:
    for program in ("tesseract", "gs", "unpaper"):
        if shutil.which(program) is None:
            unavailable(program, "not on PATH")
    return OcrmypdfEngine()


def scan(name: str) -> Path:
    path = SCANS / name
    if not path.is_file():
        unavailable("test scans", f"{path} is missing")
    return path


def words(pages: list[str]) -> set[str]:
    return {word.strip(".,;:()") for page in pages for word in page.split()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdfa_part(path: Path) -> str | None:
    with pikepdf.open(path) as pdf:
        return pdf.open_metadata().pdfa_status or None


@pytest.mark.ocr
@pytest.mark.slow
def test_german_scan_becomes_searchable_pdfa(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    source = scan("ocrmypdf/masks.pdf")
    before = sha256(source)
    output = tmp_path / "searchable.pdf"

    result = engine.make_searchable(source, output, OPTIONS)

    assert (result.engine, result.ocr_performed, len(result.pages)) == ("ocrmypdf", True, 1)
    assert {"Linux", "Wikipedia", "Enzyklopädie", "Betriebssysteme"} <= words(result.pages)
    assert pdfa_part(output) == "2B"
    assert sha256(source) == before


@pytest.mark.ocr
@pytest.mark.slow
def test_english_two_column_scan(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    result = engine.make_searchable(scan("ocrmypdf/linn.pdf"), tmp_path / "out.pdf", OPTIONS)

    assert {"LinnSequencer", "MIDI", "Sequence", "Recorder"} <= words(result.pages)


@pytest.mark.ocr
def test_born_digital_pdf_is_not_ocred(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    source = tmp_path / "bescheid.pdf"
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Courier
            )
        )
    )
    page.Contents = pdf.make_stream(b"BT /F1 14 Tf 72 760 Td (Gebuehrenbescheid 2024) Tj ET")
    pdf.save(source)

    result = engine.make_searchable(source, tmp_path / "out.pdf", OPTIONS)

    assert result.ocr_performed is False
    assert result.pages == ["Gebuehrenbescheid 2024"]


@pytest.mark.ocr
def test_mixed_pdf_ocrs_only_the_scanned_pages(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    result = engine.make_searchable(
        scan("paperless-ngx/multi-page-mixed.pdf"), tmp_path / "out.pdf", OPTIONS
    )

    assert result.ocr_performed is True
    assert len(result.pages) == 6
    assert all(f"Page {n}" in result.pages[n - 1] for n in range(1, 7))


@pytest.mark.ocr
def test_signed_pdf_gets_a_rendition_and_the_original_stays(
    engine: OcrmypdfEngine, tmp_path: Path
) -> None:
    source = scan("paperless-ngx/signed.pdf")
    before = sha256(source)

    result = engine.make_searchable(source, tmp_path / "out.pdf", OPTIONS)

    assert "digitally signed PDF" in result.pages[0]
    assert result.ocr_performed is False
    assert sha256(source) == before


@pytest.mark.ocr
def test_image_without_dpi_uses_the_fallback(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    image = Image.new("L", (1240, 400), 255)
    ImageDraw.Draw(image).text(
        (60, 120), "Gewerbeanmeldung", fill=0, font=ImageFont.load_default(72)
    )
    source = tmp_path / "scan.png"
    image.save(source)  # no pHYs chunk: ocrmypdf refuses it without --image-dpi

    result = engine.make_searchable(source, tmp_path / "out.pdf", OPTIONS)

    assert "Gewerbeanmeldung" in result.pages[0]


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("name", "expected"),
    [("paperless-ngx/encrypted.pdf", "encrypted"), ("ocrmypdf/invalid.pdf", "input file")],
)
def test_bad_input_is_a_permanent_error(
    engine: OcrmypdfEngine, tmp_path: Path, name: str, expected: str
) -> None:
    with pytest.raises(OcrError) as caught:
        engine.make_searchable(scan(name), tmp_path / "out.pdf", OPTIONS)

    assert caught.value.permanent is True
    assert expected in caught.value.detail
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.ocr
def test_timeout_kills_ocrmypdf_and_is_transient(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    started = time.monotonic()

    with pytest.raises(OcrError) as caught:
        engine.make_searchable(
            scan("ocrmypdf/linn.pdf"), tmp_path / "out.pdf", OcrOptions(timeout_seconds=1)
        )

    assert time.monotonic() - started < 5
    assert caught.value.permanent is False
    assert "longer than 1s" in caught.value.detail


def test_output_must_not_overwrite_the_source(tmp_path: Path) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(b"%PDF-1.7")

    with pytest.raises(ValueError, match="never modified"):
        OcrmypdfEngine().make_searchable(source, source, OPTIONS)


def test_process_group_is_killed_on_timeout(tmp_path: Path) -> None:
    """The grandchild (think: tesseract under ocrmypdf) must die with the child."""
    pid_file = tmp_path / "grandchild.pid"
    script = f"import subprocess; p = subprocess.Popen(['sleep', '60']); open({str(pid_file)!r}, 'w').write(str(p.pid)); p.wait()"  # noqa: E501

    with pytest.raises(ProcessTimeoutError):
        run_in_process_group([sys.executable, "-c", script], timeout_seconds=1)

    grandchild = int(pid_file.read_text())
    for _ in range(50):
        if not _alive(grandchild):
            break
        time.sleep(0.02)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in {"Z", "X"}


def test_process_reports_exit_code_and_stderr() -> None:
    finished = run_in_process_group(
        [sys.executable, "-c", "import sys; sys.stderr.write('kaputt\\n'); sys.exit(7)"], 10
    )

    assert (finished.returncode, finished.stderr) == (7, "kaputt\n")


def test_exit_codes_mirror_ocrmypdf() -> None:
    from ocrmypdf.exceptions import ExitCode as OcrmypdfExitCode

    assert {c.name: c.value for c in ExitCode} == {c.name: c.value for c in OcrmypdfExitCode}


@pytest.mark.parametrize(
    ("code", "permanent"),
    [
        (ExitCode.bad_args, True),
        (ExitCode.input_file, True),
        (ExitCode.encrypted_pdf, True),
        (ExitCode.already_done_ocr, True),
        (ExitCode.child_process_error, False),
        (ExitCode.missing_dependency, False),
        (ExitCode.other_error, False),
        (-9, False),
        (99, False),
    ],
)
def test_classify_exit_codes(code: int, permanent: bool) -> None:
    reason, is_permanent = classify(code)

    assert is_permanent is permanent
    assert reason


def test_command_line_follows_the_options(tmp_path: Path) -> None:
    source = tmp_path / "in.pdf"
    source.write_bytes(b"%PDF-1.7\n")
    options = OcrOptions(languages=("deu", "eng", "fra"), rotate_pages=False, clean=False)

    command = OcrmypdfEngine().command(
        source, tmp_path / "out.pdf", tmp_path / "s.txt", options, "pdfa-2", "auto"
    )

    assert command[:3] == [sys.executable, "-m", "ocrmypdf"]
    joined = " ".join(command)
    assert "--language deu+eng+fra" in joined
    assert "--jobs 1" in joined
    assert "--mode skip" in joined
    assert "--output-type pdfa-2 --pdfa-backend auto" in joined
    assert "--deskew" in command
    assert "--rotate-pages" not in command
    assert "--clean" not in command
    assert "--image-dpi" not in command
    assert command[-3:] == ["--", str(source), str(tmp_path / "out.pdf")]


def test_environment_is_inherited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EAKTE_PROBE", "ja")
    finished = run_in_process_group(
        [sys.executable, "-c", "import os, sys; sys.stderr.write(os.environ['EAKTE_PROBE'])"], 10
    )

    assert finished.stderr == "ja"
    assert os.environ["EAKTE_PROBE"] == "ja"


def test_tuning_arguments() -> None:
    tuning = OcrTuning(
        optimize=0,
        oversample_dpi=300,
        rotate_pages_threshold=5.0,
        tesseract_thresholding="sauvola",
        tesseract_pagesegmode=4,
        unpaper_args="--no-noisefilter",
    )

    assert tuning.arguments(rotate_pages=True, clean=True) == [
        "--optimize", "0",
        "--unpaper-args", "--no-noisefilter",
        "--oversample", "300",
        "--rotate-pages-threshold", "5.0",
        "--tesseract-thresholding", "sauvola",
        "--tesseract-pagesegmode", "4",
    ]  # fmt: skip
    without = tuning.arguments(rotate_pages=False, clean=False)
    assert "--unpaper-args" not in without
    assert "--rotate-pages-threshold" not in without


def test_default_tuning() -> None:
    assert DEFAULT_TUNING.arguments(rotate_pages=True, clean=True) == [
        "--optimize", "1", "--plugin", "services.ocr.ocr_image_plugin",
        "--rotate-pages-threshold", "3.0", "--tesseract-thresholding", "sauvola",
    ]  # fmt: skip


@pytest.mark.ocr
def test_result_says_whether_the_output_is_pdfa(engine: OcrmypdfEngine, tmp_path: Path) -> None:
    good = engine.make_searchable(scan("ocrmypdf/linn.pdf"), tmp_path / "linn.pdf", OPTIONS)
    assert good.pdfa and pdfa_part(tmp_path / "linn.pdf") == "2B"
    # blank.pdf's Illustrator metadata defeats PDF/A conversion on this toolchain; when that
    # happens, the flag must say so rather than claim PDF/A.
    result = engine.make_searchable(scan("ocrmypdf/blank.pdf"), tmp_path / "blank.pdf", OPTIONS)
    assert result.pdfa == (pdfa_part(tmp_path / "blank.pdf") is not None)
