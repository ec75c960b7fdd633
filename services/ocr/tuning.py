"""Knobs of the ocrmypdf/tesseract pipeline that are not part of ``OcrOptions``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OcrTuning:
    optimize: int = 1
    """ocrmypdf ``--optimize``: 1 is lossless and cheap; 2 and 3 run pngquant and JPEG
    recompression, which cost time and lose detail in the rendition."""
    oversample_dpi: int | None = None
    rotate_pages_threshold: float | None = None
    tesseract_thresholding: str | None = None
    tesseract_pagesegmode: int | None = None

    def arguments(self, *, rotate_pages: bool) -> list[str]:
        args = ["--optimize", str(self.optimize)]
        if self.oversample_dpi is not None:
            args += ["--oversample", str(self.oversample_dpi)]
        if rotate_pages and self.rotate_pages_threshold is not None:
            args += ["--rotate-pages-threshold", str(self.rotate_pages_threshold)]
        if self.tesseract_thresholding is not None:
            args += ["--tesseract-thresholding", self.tesseract_thresholding]
        if self.tesseract_pagesegmode is not None:
            args += ["--tesseract-pagesegmode", str(self.tesseract_pagesegmode)]
        return args


DEFAULT_TUNING = OcrTuning()
