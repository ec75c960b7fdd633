"""OCR evaluation on independently written letters, eakte against bare ocrmypdf.

    .venv/bin/python -m benchmarks.ocr_eval [--part tuning|heldback|training] [--limit N]
        [--workers 1|2|1,2] [--tuning FIELD=VALUE ...] [--ids A,B] [--worst N] [--keep DIR]

Renders every letter of the part into a scan (:mod:`benchmarks.ocr_eval.scan`), runs
bare ``ocrmypdf -l deu+eng --rotate-pages --deskew --output-type pdfa`` and eakte's engine
(as the worker runs it) on the same files, and prints CER in reading order and as a bag of
lines (:mod:`benchmarks.ocr_eval.metrics`), per kind, and pages per minute of wall time with
one worker (each scan through both pipelines in turn) and, for eakte, two workers (two
scans at a time).  The goal compares eakte's two workers with bare ocrmypdf one file at a
time, so bare is not run two at a time (it would add a third of the run time on a shared
2-core machine).  Text quality is taken from the one-worker run.
The held-back part is for the one final run after the defaults are frozen.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.ocr_eval import run
from benchmarks.ocr_eval.corpus import PARTS, load
from benchmarks.ocr_eval.pipelines import bare, eakte
from benchmarks.ocr_eval.scan import render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, default="tuning")
    parser.add_argument("--limit", type=int, help="only the first N letters (by id hash)")
    parser.add_argument("--quick", action="store_true", help="only the first 4 letters")
    parser.add_argument("--workers", default="1,2", choices=("1", "2", "1,2"))
    parser.add_argument("--tuning", nargs="*", default=[], metavar="FIELD=VALUE",
                        help="override fields of eakte's OcrTuning (experiments)")  # fmt: skip
    parser.add_argument("--ids", help="only these letters (comma-separated ids)")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst letters")
    parser.add_argument("--keep", type=Path, help="keep scans and outputs in this directory")
    parser.add_argument("--only-eakte", action="store_true", help="skip bare ocrmypdf")
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.tuning)
    letters = load(args.part, 4 if args.quick else args.limit)
    if args.ids:
        letters = [letter for letter in letters if letter.id in args.ids.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="eakte-ocr-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    scans = [render(letter, work) for letter in letters]
    pipelines = {"eakte": eakte(overrides)}
    if not args.only_eakte:
        pipelines = {"bare": bare, **pipelines}
    print(f"part {args.part}: {len(scans)} letters rendered into {work}")
    workers = args.workers.split(",")
    results = run.one_at_a_time(pipelines, scans, work) if "1" in workers else {}
    two = {}
    if "2" in workers:
        two = {"eakte": run.two_at_a_time(pipelines["eakte"], "eakte", scans, work)}
    if results:
        run.report(results, two)
        if args.worst:
            run.worst(results, args.worst)
    else:
        for name, seconds in two.items():
            pages = sum(scan.pages for scan in scans)
            print(f"{name}: {pages / seconds * 60:.1f} pages/min with two workers")


if __name__ == "__main__":
    main()
