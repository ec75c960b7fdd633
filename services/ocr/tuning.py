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
    unpaper_args: str | None = None
    """Replaces ocrmypdf's unpaper arguments when cleaning is on."""

    def arguments(self, *, rotate_pages: bool, clean: bool) -> list[str]:
        args = ["--optimize", str(self.optimize)]
        if clean and self.unpaper_args is not None:
            args += ["--unpaper-args", self.unpaper_args]
        if self.oversample_dpi is not None:
            args += ["--oversample", str(self.oversample_dpi)]
        if rotate_pages and self.rotate_pages_threshold is not None:
            args += ["--rotate-pages-threshold", str(self.rotate_pages_threshold)]
        if self.tesseract_thresholding is not None:
            args += ["--tesseract-thresholding", self.tesseract_thresholding]
        if self.tesseract_pagesegmode is not None:
            args += ["--tesseract-pagesegmode", str(self.tesseract_pagesegmode)]
        return args


DEFAULT_TUNING = OcrTuning(tesseract_thresholding="sauvola")
"""What ``benchmarks/ocr_quality.py`` found best on its 24 degraded German letters.

Character error rate (mean / median over the scans) and CPU seconds for all 24, measured
on 2 cores with each variant changing one thing against the engine with Otsu:

* Otsu, tesseract's default: 6.8% / 0.41%, 149 s.  The low-contrast scan (grey recycled
  paper, faded print) came out empty, CER 100%.
* ``--tesseract-thresholding sauvola``: 3.2% / 0.42%, 136-146 s.  Local thresholds rescue
  the low-contrast scan (0.5%) and noisy handwriting; they lose only on heavy Gaussian
  sensor noise (one scan 0.4% -> 15%).  Chosen: half the errors at no extra time.
* ``adaptive-otsu``: 16.5%, 3.6 times the time.  ``--oversample 400``: 5.6%, +21% CPU,
  and it broke page rotation on one 200 dpi scan; ``--oversample 300``: 10.8%.
* ``--tesseract-pagesegmode 6``: 35.7%, +42% CPU; mode 4: no change, slower.
* ``--rotate-pages-threshold`` 5 or 2 instead of ocrmypdf's 14: no change; upside-down
  pages are recognised with high confidence already.

The preprocessing that ``OcrOptions`` asks for is what makes the engine slower than bare
ocrmypdf (run one at a time: eakte 135 s CPU at CER 3.2%, bare ``ocrmypdf -l deu+eng``
69 s at 16.7%, bare ``ocrmypdf`` 67 s at 19.7%): ``--deskew`` costs +29% and fixes 3 degree
skew (60% -> 0.4%), ``--rotate-pages`` fixes upside-down pages (88% -> 0.4%), ``--clean``
costs +50% (ocrmypdf's extra image round trip, not unpaper's filters) for a mean CER of
3.2% instead of 3.5%, all of it on one very noisy scan.
"""
