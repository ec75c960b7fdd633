"""The two OCR pipelines compared: bare ocrmypdf and eakte's engine as the worker runs it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path

from services.bootstrap import build_ocr
from services.media.convert import image_to_pdf
from services.media.model import MediaType
from services.ocr import DEFAULT_TUNING, OcrmypdfEngine, extract_page_texts
from services.ocr.process import run_in_process_group
from services.settings import Settings

Pipeline = Callable[[Path, Path], list[str]]
"""Runs OCR on a scan file, writes the output PDF, returns the text per page."""

BARE_ARGS = ("-l", "deu+eng", "--rotate-pages", "--deskew", "--output-type", "pdfa")
MEDIA_TYPES = {".pdf": MediaType.PDF, ".tiff": MediaType.TIFF, ".jpg": MediaType.JPEG,
               ".png": MediaType.PNG}  # fmt: skip


def bare(source: Path, output: Path) -> list[str]:
    """``ocrmypdf -l deu+eng --rotate-pages --deskew --output-type pdfa in out``, as is."""
    script = Path(sys.executable).with_name("ocrmypdf")
    command = [str(script), *BARE_ARGS, str(source), str(output)]
    finished = run_in_process_group(command, 900)
    if finished.returncode != 0:
        raise RuntimeError(f"bare ocrmypdf: exit {finished.returncode}\n{finished.stderr[-800:]}")
    return extract_page_texts(output)


def eakte(overrides: dict[str, str]) -> Pipeline:
    """The worker's path: images wrapped by ``image_to_pdf``, then the engine that
    ``build_ocr`` gives with ``Settings().ocr_options`` (environment variables apply).
    ``overrides`` replace fields of the default ``OcrTuning`` (for tuning experiments)."""
    settings = Settings()
    engine = build_ocr(settings)
    if overrides:
        engine = OcrmypdfEngine(tuning=replace(DEFAULT_TUNING, **_typed(overrides)))  # type: ignore[arg-type]
    options = settings.ocr_options

    def run(source: Path, output: Path) -> list[str]:
        media_type = MEDIA_TYPES[source.suffix]
        pdf = source
        if media_type.is_image:
            pdf = output.with_suffix(".source.pdf")
            data = image_to_pdf(
                source.read_bytes(), media_type, fallback_dpi=settings.ocr.image_dpi_fallback
            )
            pdf.write_bytes(data)
        return engine.make_searchable(pdf, output, options).pages

    return run


def _typed(overrides: dict[str, str]) -> dict[str, object]:
    types = {field.name: field.type for field in fields(DEFAULT_TUNING)}
    typed: dict[str, object] = {}
    for name, value in overrides.items():
        if name not in types:
            raise SystemExit(f"OcrTuning has no field {name!r} (fields: {', '.join(types)})")
        kind = str(types[name])
        if value == "None":
            typed[name] = None
        elif kind.startswith("bool"):
            typed[name] = value.lower() in ("1", "true", "yes")
        elif kind.startswith("int"):
            typed[name] = int(value)
        elif kind.startswith("float"):
            typed[name] = float(value)
        else:
            typed[name] = value
    return typed
