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
    whiten_background: bool = False
    """Whiten everything lighter than the ink in the image tesseract reads
    (:mod:`services.ocr.ocr_image_plugin`)."""

    def arguments(self, *, rotate_pages: bool, clean: bool) -> list[str]:
        args = ["--optimize", str(self.optimize)]
        if self.whiten_background:
            args += ["--plugin", "services.ocr.ocr_image_plugin"]
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


DEFAULT_TUNING = OcrTuning(
    tesseract_thresholding="sauvola", rotate_pages_threshold=3.0, whiten_background=True
)
"""Measured on the independent letters (``python -m benchmarks.ocr_eval --part tuning``).

History on that tuning part (105 letters by other authors, rendered as 200/300 dpi scans
with stamps, signatures, faxes, notes on ruled paper; CER in reading order / bag of lines):

* Upside-down pages: tesseract's orientation confidence for them was 19.4, 10.4 and 5.5 on
  200 dpi black-and-white scans, below ocrmypdf's threshold of 14, so two of three stayed
  upside down (CER ~100 %).  Of the 102 right-side-up pages, one was guessed otherwise, at
  confidence 0.06.  ``rotate_pages_threshold=3``: all three turned (13 / 1.1 %, 9.8 / 5.2,
  4.0 / 2.9 %).
* ``whiten_background`` (:mod:`services.ocr.ocr_image_plugin`) on 12 hard letters: notes on
  ruled paper 50 -> 10 %, 44 -> 7 %, 11 -> 1.5 %; 200 dpi colour letters 5.3 -> 2.1 %,
  7.1 -> 1.6 %; one noisy 200 dpi grey letter worse (12.9 -> 20.1 %: its small-print footer
  came out upside down); on the first 24 tuning letters the median went from 5.4 % to
  3.1 %, the worst from 12.9 % to 20.1 % (that footer).
  Without the cap at 150 a squared note came out empty (Otsu split paper from ruling).
* ``OcrOptions.clean=False`` (no unpaper) was 15 % faster but a stamped letter went from
  9 % to 28 % and faxes got slightly worse: cleaning stays on.
* Sauvola thresholding stays (history of the earlier synthetic benchmark below).

Earlier, on ``benchmarks/ocr_quality.py``'s 24 synthetic letters (CER mean / median, CPU s):

* Otsu, tesseract's default: 6.8% / 0.41%, 149 s.  The low-contrast scan (grey recycled
  paper, faded print) came out empty, CER 100%.
* ``--tesseract-thresholding sauvola``: 3.2% / 0.42%, 136-146 s.  Local thresholds rescue
  the low-contrast scan (0.5%) and noisy handwriting; they lose only on heavy Gaussian
  sensor noise (one scan 0.4% -> 15%).  Chosen: half the errors at no extra time.
* ``adaptive-otsu``: 16.5%, 3.6 times the time.  ``--oversample 400``: 5.6%, +21% CPU,
  and it broke page rotation on one 200 dpi scan; ``--oversample 300``: 10.8%.
* ``--tesseract-pagesegmode 6``: 35.7%, +42% CPU; mode 4: no change, slower.
* ``--rotate-pages-threshold`` 5 or 2 instead of ocrmypdf's 14: no change there; those
  upside-down pages were 300 dpi grey and recognised with high confidence.

The preprocessing that ``OcrOptions`` asks for is what made the engine slower than bare
ocrmypdf in that benchmark (run one at a time: eakte 135 s CPU at CER 3.2%, bare
``ocrmypdf -l deu+eng`` 69 s at 16.7%): ``--deskew`` costs +29% and fixes 3 degree skew
(60% -> 0.4%), ``--rotate-pages`` fixes upside-down pages (88% -> 0.4%), ``--clean``
costs +50% (ocrmypdf's extra image round trip, not unpaper's filters) for a mean CER of
3.2% instead of 3.5%, all of it on one very noisy scan.  Bare ocrmypdf with PDF/A output
uses Ghostscript and lets tesseract run two OpenMP threads for a one-page file; eakte uses
the internal PDF/A backend and one thread per document, which is why it is faster per
page on a loaded machine (``benchmarks/ocr_eval``).
"""
