"""The OcrEngine backed by OCRmyPDF, run as a child process.

ocrmypdf's Python API is not thread-safe and must not run in a worker thread (its
``api.py`` says so), and a crash or a runaway tesseract must not take the worker down.
Every document therefore gets its own ``python -m ocrmypdf`` process in a new process
group, which is killed as a whole when ``OcrOptions.timeout_seconds`` runs out.  One
document uses one core (``--jobs 1``); throughput comes from running several workers.

Digitally signed PDFs are processed with ``--invalidate-digital-signatures``: eakte keeps
the uploaded original unchanged, so its signature stays verifiable there, while the
searchable rendition (a new file anyway) drops it.  PDFs encrypted without a user
password (permission restrictions only) are decrypted into a temporary copy for the same
reason.

Each document is worked on in an ``eakte-ocr-*`` directory (:mod:`services.ocr.workdir`),
which is also ocrmypdf's ``TMPDIR``: what a killed worker leaves behind is found and
removed at the next start.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pikepdf
from PIL import Image

from services.errors import OcrError
from services.media.image_inspect import CORRUPT_IMAGE_ERRORS, claimed_dpi
from services.ocr.exit_codes import ExitCode, classify
from services.ocr.process import Finished, ProcessTimeoutError, run_in_process_group
from services.ocr.text import extract_page_texts
from services.ocr.tuning import DEFAULT_TUNING, OcrTuning
from services.ocr.workdir import ocr_workdir
from services.ports import OcrOptions, OcrResult

log = logging.getLogger(__name__)

_STDERR_TAIL_LINES = 12
_ALL_PAGES_SKIPPED = re.compile(r"\[OCR skipped on page\(s\) 1(-\d+)?\]")
"""ocrmypdf's sidecar placeholder when no page needed OCR (one range covering all pages)."""


class OcrmypdfEngine:
    """Searchable PDF/A-2b with ocrmypdf and tesseract.

    PDF/A is produced by ocrmypdf's internal backend, with Ghostscript as its fallback.
    Ghostscript 10.0.0-10.02.0 (Debian 12) corrupts existing text, and ocrmypdf refuses
    to use it together with ``--skip-text``; the engine notices that once per process and
    then uses the internal backend only.  When PDF/A conversion is impossible that way
    (the internal validator rejects some unusual structures, such as Acrobat's signature
    permissions or optional content), the engine runs once more for a regular searchable
    PDF and logs a warning, unless ``plain_pdf_fallback`` is False.
    """

    name = "ocrmypdf"
    _ghostscript_unusable = False
    """Learned per process: ocrmypdf refused Ghostscript for PDF/A (see the class docstring)."""

    def __init__(
        self,
        *,
        tuning: OcrTuning = DEFAULT_TUNING,
        plain_pdf_fallback: bool = True,
        work_base: Path | None = None,
    ) -> None:
        self.tuning = tuning
        self.plain_pdf_fallback = plain_pdf_fallback
        self.work_base = work_base
        """Where the working directories go (None: ``TMPDIR`` or the system default)."""

    @property
    def pdfa_backend(self) -> str:
        """The ``--pdfa-backend`` the next document starts with."""
        return "internal" if type(self)._ghostscript_unusable else "auto"

    def make_searchable(self, source_pdf: Path, output_pdf: Path, options: OcrOptions) -> OcrResult:
        if source_pdf.resolve() == output_pdf.resolve():
            raise ValueError("output_pdf must differ from source_pdf; the source is never modified")
        deadline = time.monotonic() + options.timeout_seconds
        with ocr_workdir(self.work_base) as workdir:
            source = _without_encryption(source_pdf, workdir)
            sidecar = workdir / "sidecar.txt"
            env = _child_environment(workdir)
            pdfa = self._run_with_fallbacks(source, output_pdf, sidecar, options, deadline, env)
            ocr_performed = not _ALL_PAGES_SKIPPED.fullmatch(
                sidecar.read_text(encoding="utf-8").strip()
            )
        return OcrResult(
            pages=extract_page_texts(output_pdf),
            ocr_performed=ocr_performed,
            engine=self.name,
            pdfa=pdfa,
        )

    def _run_with_fallbacks(
        self,
        source: Path,
        output: Path,
        sidecar: Path,
        options: OcrOptions,
        deadline: float,
        env: Mapping[str, str],
    ) -> bool:
        """Run ocrmypdf until it succeeds; return whether the output is PDF/A."""
        output_type = options.output_type
        wants_pdfa = output_type.startswith("pdfa")
        backend = self.pdfa_backend
        while True:
            command = self.command(source, output, sidecar, options, output_type, backend)
            finished = _run(command, deadline, options.timeout_seconds, env)
            code = finished.returncode
            if code == ExitCode.ok:
                return wants_pdfa
            if (
                wants_pdfa
                and backend == "auto"
                and code == ExitCode.missing_dependency
                and "Ghostscript" in finished.stderr
            ):
                log.warning("ocrmypdf refuses this Ghostscript; using its internal PDF/A backend")
                type(self)._ghostscript_unusable = True
                backend = "internal"
                continue
            if wants_pdfa and code == ExitCode.pdfa_conversion_failed and self.plain_pdf_fallback:
                log.warning(
                    "PDF/A conversion failed, writing a regular searchable PDF instead: %s",
                    _tail(finished.stderr, 3),
                )
                wants_pdfa, output_type = False, "pdf"
                continue
            reason, permanent = classify(code)
            raise OcrError(_message(reason, code, finished.stderr), permanent=permanent)

    def command(
        self,
        source: Path,
        output: Path,
        sidecar: Path,
        options: OcrOptions,
        output_type: str,
        pdfa_backend: str,
    ) -> list[str]:
        """The ocrmypdf command line for one attempt (public for the benchmarks)."""
        args = [sys.executable, "-m", "ocrmypdf", "--quiet", "--jobs", "1"]
        args += ["--output-type", output_type]
        if output_type.startswith("pdfa"):
            args += ["--pdfa-backend", pdfa_backend]
        args += ["--language", "+".join(options.languages), "--mode", "skip"]
        args += ["--invalidate-digital-signatures", "--sidecar", str(sidecar)]
        args += ["--tesseract-timeout", str(options.tesseract_timeout_seconds)]
        if options.rotate_pages:
            args.append("--rotate-pages")
        if options.deskew:
            args.append("--deskew")
        if options.clean:
            args.append("--clean")
        args += self.tuning.arguments(rotate_pages=options.rotate_pages, clean=options.clean)
        if not _is_pdf(source) and _needs_dpi(source):
            args += ["--image-dpi", str(options.image_dpi_fallback)]
        return [*args, "--", str(source), str(output)]


def _child_environment(workdir: Path) -> dict[str, str]:
    """The environment for ocrmypdf: ours, with ``TMPDIR`` inside ``workdir``."""
    temp = workdir / "tmp"
    temp.mkdir(mode=0o700)
    return {**os.environ, "TMPDIR": str(temp)}


def _run(
    command: list[str], deadline: float, timeout_seconds: int, env: Mapping[str, str]
) -> Finished:
    remaining = deadline - time.monotonic()
    try:
        if remaining <= 0:
            raise ProcessTimeoutError("")
        return run_in_process_group(command, remaining, env=env)
    except ProcessTimeoutError as exc:
        raise OcrError(
            _message(f"OCR took longer than {timeout_seconds}s and was stopped", None, exc.stderr),
            permanent=False,
        ) from None
    except OSError as exc:
        raise OcrError(f"ocrmypdf could not be started: {exc}", permanent=False) from None


def _message(reason: str, code: int | None, stderr: str) -> str:
    head = f"ocrmypdf failed: {reason}" + (f" (exit code {code})" if code is not None else "")
    tail = _tail(stderr, _STDERR_TAIL_LINES)
    return f"{head}\n{tail}" if tail else head


def _tail(stderr: str, lines: int) -> str:
    kept = [line.rstrip() for line in stderr.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _without_encryption(source: Path, workdir: Path) -> Path:
    """Return ``source``, or a decrypted copy when it opens without a password but is encrypted.

    Anything pikepdf cannot open is passed on unchanged, so that ocrmypdf reports it.
    """
    try:
        with pikepdf.open(source) as pdf:
            if not pdf.is_encrypted:
                return source
            decrypted = workdir / "decrypted.pdf"
            pdf.save(decrypted)
            return decrypted
    except (pikepdf.PdfError, pikepdf.PasswordError):
        return source


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as stream:
        return b"%PDF-" in stream.read(1024)


def _needs_dpi(image_path: Path) -> bool:
    try:
        with Image.open(image_path) as image:
            return claimed_dpi(image) is None
    except CORRUPT_IMAGE_ERRORS:
        return False  # not an image we can read; ocrmypdf will say what is wrong
