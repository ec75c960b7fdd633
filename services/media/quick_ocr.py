"""A fast, low-resolution tesseract pass used to spot marker text on separator sheets.

This is deliberately not the OCR engine: no PDF, no preprocessing, one page image in,
plain text out, so it costs a second or two per page instead of a full OCR run.
"""

from __future__ import annotations

import io
import os
import subprocess

from PIL import Image

from services.errors import OcrError

QUICK_OCR_LANGUAGE = "deu"
"""German covers every Latin letter plus umlauts and ß; a second model would double the time."""

_TIMEOUT_SECONDS = 60


def quick_ocr(image: Image.Image) -> str:
    """Return tesseract's plain text for ``image``."""
    png = io.BytesIO()
    image.save(png, "PNG", dpi=image.info.get("dpi", (150, 150)))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", QUICK_OCR_LANGUAGE, "--psm", "3"],
            input=png.getvalue(),
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
            env=env,
        )
    except FileNotFoundError:
        raise OcrError("tesseract is not installed", permanent=False) from None
    except subprocess.TimeoutExpired:
        raise OcrError(
            f"tesseract took longer than {_TIMEOUT_SECONDS}s on a separator check",
            permanent=False,
        ) from None
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        raise OcrError(f"tesseract failed on a separator check: {stderr}", permanent=False)
    return result.stdout.decode(errors="replace")
