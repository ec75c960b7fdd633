"""Character error rate of eakte's OCR engine against bare ocrmypdf on degraded letters.

    .venv/bin/python -m benchmarks.ocr_quality [--quick] [--pipelines a,b,...] [--parallel N]

The scans come from :mod:`benchmarks.synthetic_letters`, whose true text is known.  CER is
the Levenshtein distance between OCR text and truth after collapsing whitespace, divided
by the length of the truth.  Text is read from every output PDF the same way (PDFium).
``--pipelines list`` shows the candidates, including the tuning experiments.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.synthetic_letters import Scan, generate
from services.ocr import DEFAULT_TUNING, OcrmypdfEngine, OcrTuning, extract_page_texts
from services.ocr.process import run_in_process_group
from services.ports import OcrOptions

Runner = Callable[[Path, Path], None]


@dataclass(frozen=True)
class Outcome:
    cer: float
    seconds: float


@dataclass(frozen=True)
class PipelineResult:
    outcomes: list[Outcome]
    cpu_seconds: float
    """CPU time of this process and all its children for the whole batch: unlike wall
    time, it hardly changes when other programs load the machine."""


def bare(*args: str) -> Runner:
    """Plain ``ocrmypdf [args] in out``, as someone would run it without eakte."""

    def run(source: Path, output: Path) -> None:
        command = [sys.executable, "-m", "ocrmypdf", "--quiet", *args, str(source), str(output)]
        finished = run_in_process_group(command, 900)
        if finished.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: exit {finished.returncode}\n{finished.stderr}")

    return run


def eakte(tuning: OcrTuning = DEFAULT_TUNING, **options: object) -> Runner:
    engine = OcrmypdfEngine(tuning=tuning)
    ocr_options = replace(OcrOptions(), **options)  # type: ignore[arg-type]

    def run(source: Path, output: Path) -> None:
        engine.make_searchable(source, output, ocr_options)

    return run


def tuned(**changes: object) -> OcrTuning:
    return replace(DEFAULT_TUNING, **changes)  # type: ignore[arg-type]


UNPAPER = (
    "--layout none --mask-scan-size 100 --no-border-align --no-mask-center "
    "--no-grayfilter --no-blackfilter --no-deskew"
)
"""ocrmypdf's own unpaper arguments, the starting point for variations."""

PIPELINES: dict[str, Runner] = {
    "eakte": eakte(),
    "bare": bare(),
    "bare-deu": bare("-l", "deu+eng"),
    # Experiments used to choose DEFAULT_TUNING (see services/ocr/tuning.py):
    "bare-deu-only": bare("-l", "deu"),
    "eakte-untuned": eakte(OcrTuning()),
    "eakte-noclean": eakte(clean=False),
    "eakte-nodeskew": eakte(deskew=False),
    "eakte-norotate": eakte(rotate_pages=False),
    "eakte-oversample300": eakte(tuned(oversample_dpi=300)),
    "eakte-oversample400": eakte(tuned(oversample_dpi=400)),
    "eakte-psm4": eakte(tuned(tesseract_pagesegmode=4)),
    "eakte-psm6": eakte(tuned(tesseract_pagesegmode=6)),
    "eakte-sauvola": eakte(tuned(tesseract_thresholding="sauvola")),
    "eakte-sauvola-noclean": eakte(tuned(tesseract_thresholding="sauvola"), clean=False),
    "eakte-otsu": eakte(tuned(tesseract_thresholding="otsu")),
    "eakte-clean-no-noisefilter": eakte(tuned(unpaper_args=f"{UNPAPER} --no-noisefilter")),
    "eakte-clean-no-blurfilter": eakte(tuned(unpaper_args=f"{UNPAPER} --no-blurfilter")),
    "eakte-adaptive-otsu": eakte(tuned(tesseract_thresholding="adaptive-otsu")),
    "eakte-rotate-threshold-5": eakte(tuned(rotate_pages_threshold=5.0)),
    "eakte-rotate-threshold-2": eakte(tuned(rotate_pages_threshold=2.0)),
    "eakte-O0": eakte(tuned(optimize=0)),
}
DEFAULT_PIPELINES = ("eakte", "bare", "bare-deu")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance between ``a`` and ``b``."""
    if len(a) < len(b):
        a, b = b, a
    return myers_distance(b, a)


def myers_distance(pattern: str, text: str, *, anywhere: bool = False) -> int:
    """Edit distance of ``pattern`` to ``text``, or with ``anywhere`` to the substring of
    ``text`` it is closest to; Myers'/Hyyrö's bit-parallel algorithm on Python integers."""
    if not pattern:
        return 0 if anywhere else len(text)
    full = (1 << len(pattern)) - 1
    last = 1 << (len(pattern) - 1)
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    carry = 0 if anywhere else 1  # 0: a match may start anywhere in the text for free
    pv, mv, score = full, 0, len(pattern)
    best = score
    for char in text:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | carry) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        best = min(best, score)
    return best if anywhere else score


def cer(ocr: str, truth: str) -> float:
    expected = normalise(truth)
    return levenshtein(normalise(ocr), expected) / len(expected)


def measure(runner: Runner, scan: Scan, workdir: Path, pipeline: str) -> Outcome:
    output = workdir / f"{scan.name}.{pipeline}.pdf"
    started = time.perf_counter()
    runner(scan.pdf, output)
    seconds = time.perf_counter() - started
    text = "\n".join(extract_page_texts(output))
    return Outcome(cer=cer(text, scan.truth), seconds=seconds)


def cpu_seconds() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(pipelines: list[str], scans: list[Scan], parallel: int) -> dict[str, PipelineResult]:
    results: dict[str, PipelineResult] = {}
    with tempfile.TemporaryDirectory(prefix="eakte-ocr-quality-") as tmp:
        for name in pipelines:
            cpu_before = cpu_seconds()
            with ThreadPoolExecutor(parallel) as pool:
                jobs = [pool.submit(measure, PIPELINES[name], s, Path(tmp), name) for s in scans]
                outcomes = [job.result() for job in jobs]
            results[name] = PipelineResult(outcomes, cpu_seconds() - cpu_before)
            print(f"{name}: done", file=sys.stderr)
    return results


def report(results: dict[str, PipelineResult], scans: list[Scan], console: Console) -> None:
    names = list(results)
    per_scan = Table(title="CER per scan (%)")
    per_scan.add_column("scan")
    for name in names:
        per_scan.add_column(name, justify="right")
    for index, scan in enumerate(scans):
        cells = (f"{results[n].outcomes[index].cer * 100:.1f}" for n in names)
        per_scan.add_row(scan.name, *cells)
    console.print(per_scan)

    reference = "bare" if "bare" in results else names[0]
    summary = Table(title=f"{len(scans)} scans; CPU ratio relative to '{reference}'")
    columns = ["pipeline", "median CER %", "mean CER %", "wall s", "CPU s", "CPU ratio"]
    for column in columns:
        summary.add_column(column, justify="left" if column == "pipeline" else "right")
    for name in names:
        outcomes = results[name].outcomes
        cpu = results[name].cpu_seconds
        summary.add_row(
            name,
            f"{statistics.median(o.cer for o in outcomes) * 100:.2f}",
            f"{statistics.fmean(o.cer for o in outcomes) * 100:.2f}",
            f"{sum(o.seconds for o in outcomes):.1f}",
            f"{cpu:.1f}",
            f"{cpu / results[reference].cpu_seconds:.2f}",
        )
    console.print(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 scans instead of 24")
    parser.add_argument("--pipelines", default=",".join(DEFAULT_PIPELINES))
    parser.add_argument("--parallel", type=int, default=1, help="scans OCRed at the same time")
    parser.add_argument("--scans", type=Path, help="keep the generated scans in this directory")
    args = parser.parse_args()
    if args.pipelines == "list":
        print("\n".join(PIPELINES))
        return
    pipelines = args.pipelines.split(",")
    unknown = [name for name in pipelines if name not in PIPELINES]
    if unknown:
        parser.error(f"unknown pipelines {unknown}; see --pipelines list")
    with tempfile.TemporaryDirectory(prefix="eakte-letters-") as tmp:
        scans = generate(args.scans or Path(tmp), quick=args.quick)
        results = run(pipelines, scans, args.parallel)
    report(results, scans, Console(width=max(100, 60 + 12 * len(pipelines))))


if __name__ == "__main__":
    main()
