"""OCR throughput in pages per minute: eakte's OcrmypdfEngine against the bare ocrmypdf CLI.

    .venv/bin/python -m benchmarks.ocr_throughput [--quick]

Runs the same multi-page scans from the shared test data through

* ``bare``: ``ocrmypdf --skip-text in.pdf out.pdf``, otherwise defaults (English, all
  cores); ``--skip-text`` because without it ocrmypdf refuses the mixed file,
* ``bare deu+eng``: the same with ``-l deu+eng``,
* ``bare, eakte flags``: exactly the command line the engine builds, run directly,
* ``eakte``: ``OcrmypdfEngine.make_searchable``, one document at a time,
* ``eakte, N workers``: one engine call per core at the same time, as the job workers do,
* ``eakte, N workers, no --clean``: the same with ``EAKTE_OCR__CLEAN=false``.

The wrapper overhead is ``eakte`` against ``bare, eakte flags``: process start, the
encryption check, the sidecar and reading the text back.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pikepdf
from rich.console import Console
from rich.table import Table

from services.ocr import OcrmypdfEngine
from services.ocr.process import run_in_process_group
from services.ports import OcrOptions

SCANS = Path(__file__).parents[1] / ".." / "shared" / "testdata" / "scans"
FILES = (
    "paperless-ngx/multi-page-images.pdf",
    "ocrmypdf/cardinal.pdf",
    "paperless-ngx/rotated.pdf",
    "paperless-ngx/multi-page-mixed.pdf",
)
QUICK_FILES = FILES[:2]
OPTIONS = OcrOptions()

Job = Callable[[Path, Path], None]


def bare(*args: str) -> Job:
    def run(source: Path, output: Path) -> None:
        command = [sys.executable, "-m", "ocrmypdf", "--quiet", *args, str(source), str(output)]
        _check(run_in_process_group(command, 1800).returncode, command)

    return run


def bare_with_eakte_flags(engine: OcrmypdfEngine) -> Job:
    def run(source: Path, output: Path) -> None:
        sidecar = output.with_suffix(".txt")
        command = engine.command(
            source, output, sidecar, OPTIONS, OPTIONS.output_type, engine.pdfa_backend
        )
        _check(run_in_process_group(command, 1800).returncode, command)

    return run


def eakte(engine: OcrmypdfEngine, options: OcrOptions = OPTIONS) -> Job:
    def run(source: Path, output: Path) -> None:
        engine.make_searchable(source, output, options)

    return run


def _check(returncode: int, command: list[str]) -> None:
    if returncode != 0:
        raise RuntimeError(f"exit {returncode}: {' '.join(command)}")


def timed_batch(job: Job, files: list[Path], workdir: Path, parallel: int) -> tuple[float, float]:
    """Wall and CPU seconds (this process and its children) to process every file."""
    cpu_before, started = cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        futures = [
            pool.submit(job, source, workdir / f"{index}-{source.name}")
            for index, source in enumerate(files)
        ]
        for future in futures:
            future.result()
    return time.perf_counter() - started, cpu_seconds() - cpu_before


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {len(QUICK_FILES)} files")
    args = parser.parse_args()
    files = [SCANS / name for name in (QUICK_FILES if args.quick else FILES)]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise SystemExit(f"test scans missing: {', '.join(missing)}")
    pages = 0
    for path in files:
        with pikepdf.open(path) as pdf:
            pages += len(pdf.pages)
    cores = os.cpu_count() or 1
    engine = OcrmypdfEngine()
    runs: list[tuple[str, Job, int]] = [
        ("bare", bare("--skip-text"), 1),
        ("bare deu+eng", bare("--skip-text", "-l", "deu+eng"), 1),
        ("bare, eakte flags", bare_with_eakte_flags(engine), 1),
        ("eakte", eakte(engine), 1),
        (f"eakte, {cores} workers", eakte(engine), cores),
        (
            f"eakte, {cores} workers, no --clean",
            eakte(engine, replace(OPTIONS, clean=False)),
            cores,
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="eakte-ocr-throughput-") as tmp:
        workdir = Path(tmp)
        # Untimed warm-up: fills the page cache and lets the engine learn its PDF/A backend.
        engine.make_searchable(files[0], workdir / "warm-up.pdf", OPTIONS)
        measured = {name: timed_batch(job, files, workdir, n) for name, job, n in runs}
    seconds = {name: wall for name, (wall, _) in measured.items()}

    table = Table(title=f"{len(files)} files, {pages} pages, {cores} cores")
    columns = ("pipeline", "seconds", "pages/min", "vs bare", "vs bare, eakte flags", "CPU s")
    for column in columns:
        table.add_column(column, justify="left" if column == "pipeline" else "right")
    for name, _, _ in runs:
        table.add_row(
            name,
            f"{seconds[name]:.1f}",
            f"{pages / seconds[name] * 60:.1f}",
            f"{seconds['bare'] / seconds[name]:.2f}",
            f"{seconds['bare, eakte flags'] / seconds[name]:.2f}",
            f"{measured[name][1]:.1f}",
        )
    Console(width=120).print(table)
    overhead = seconds["eakte"] / seconds["bare, eakte flags"] - 1
    print(f"wrapper overhead (eakte vs the same ocrmypdf command run directly): {overhead:+.1%}")


if __name__ == "__main__":
    main()
