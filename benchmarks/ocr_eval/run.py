"""Run both pipelines on the same scans, one and two at a time, and print the tables."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ocr_eval.metrics import bag_cer, cer, distinctive_word, word_found
from benchmarks.ocr_eval.pipelines import Pipeline
from benchmarks.ocr_eval.scan import Scan
from benchmarks.table import print_table


@dataclass(frozen=True)
class Outcome:
    scan: Scan
    cer: float
    bag_cer: float
    word_found: bool
    seconds: float


def one_at_a_time(
    pipelines: dict[str, Pipeline], scans: list[Scan], work: Path
) -> dict[str, list[Outcome]]:
    """Each scan through every pipeline in turn, so that a change in the machine's load
    hits all pipelines alike; wall time per pipeline is the sum of its runs."""
    results: dict[str, list[Outcome]] = {name: [] for name in pipelines}
    for scan in scans:
        for name, pipeline in pipelines.items():
            results[name].append(_measure(name, pipeline, scan, work))
    return results


def two_at_a_time(pipeline: Pipeline, name: str, scans: list[Scan], work: Path) -> float:
    """Wall seconds for all scans with two running at once (two workers)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda scan: _measure(f"{name}-2", pipeline, scan, work), scans))
    return time.perf_counter() - started


def _measure(name: str, pipeline: Pipeline, scan: Scan, work: Path) -> Outcome:
    output = work / f"{scan.letter.id}.{name}.pdf"
    started = time.perf_counter()
    try:
        text = "\n".join(pipeline(scan.path, output))
    except Exception as exc:  # a failed run counts as empty text, and is reported
        print(f"  {name} failed on {scan.path.name}: {str(exc)[:300]}")
        text = ""
    seconds = time.perf_counter() - started
    word = distinctive_word(scan.letter, scan.truth)
    return Outcome(
        scan, cer(text, scan.truth), bag_cer(text, scan.truth), word_found(text, word), seconds
    )


def _pct(values: Iterable[float]) -> tuple[str, str, str]:
    data = list(values)
    return (
        f"{100 * statistics.median(data):.2f}",
        f"{100 * statistics.fmean(data):.2f}",
        f"{100 * max(data):.1f}",
    )


def report(results: dict[str, list[Outcome]], two_workers: dict[str, float]) -> None:
    pages = sum(outcome.scan.pages for outcome in next(iter(results.values())))
    header = ["pipeline", "CER med %", "mean %", "worst %", "bag med %", "bag mean %",
              "bag worst %", "word found", "p/min 1w", "p/min 2w"]  # fmt: skip
    rows = []
    speed: dict[str, tuple[float, float | None]] = {}
    for name, outcomes in results.items():
        one = pages / sum(o.seconds for o in outcomes) * 60
        two = pages / two_workers[name] * 60 if name in two_workers else None
        speed[name] = (one, two)
        found = sum(o.word_found for o in outcomes)
        rows.append([
            name, *_pct(o.cer for o in outcomes), *_pct(o.bag_cer for o in outcomes),
            f"{found}/{len(outcomes)}", f"{one:.1f}", f"{two:.1f}" if two else "-",
        ])  # fmt: skip
    print(f"\n{len(next(iter(results.values())))} letters, {pages} pages\n")
    print_table(header, rows)
    _ratios(speed)
    _per_kind(results)


def _ratios(speed: dict[str, tuple[float, float | None]]) -> None:
    if "bare" not in speed or "eakte" not in speed:
        return
    bare_one = speed["bare"][0]
    eakte_one, eakte_two = speed["eakte"]
    print(f"\neakte/bare pages per minute, one worker each: {eakte_one / bare_one:.2f}x")
    if eakte_two is not None:
        print(f"eakte with two workers / bare with one: {eakte_two / bare_one:.2f}x")


def _per_kind(results: dict[str, list[Outcome]]) -> None:
    kinds = sorted({o.scan.letter.kind for outcomes in results.values() for o in outcomes})
    header = ["kind", "n"]
    for name in results:
        header += [f"{name} CER med/worst %", f"{name} bag med/worst %"]
    rows = []
    for kind in kinds:
        row = [kind]
        for outcomes in results.values():
            chosen = [o for o in outcomes if o.scan.letter.kind == kind]
            if len(row) == 1:
                row.append(str(len(chosen)))
            ordered, bag = _pct(o.cer for o in chosen), _pct(o.bag_cer for o in chosen)
            row += [f"{ordered[0]} / {ordered[2]}", f"{bag[0]} / {bag[2]}"]
        rows.append(row)
    print()
    print_table(header, rows)


def worst(results: dict[str, list[Outcome]], count: int) -> None:
    """The letters with the highest CER in any pipeline, with their degradations."""
    names = list(results)
    by_letter = list(zip(*(results[name] for name in names), strict=True))
    by_letter.sort(key=lambda group: max(o.cer for o in group), reverse=True)
    header = ["letter", "kind", "scan", *(f"{n} CER/bag %" for n in names)]
    rows = [
        [group[0].scan.letter.id, group[0].scan.letter.kind, group[0].scan.profile.label(),
         *(f"{100 * o.cer:.1f} / {100 * o.bag_cer:.1f}" for o in group)]
        for group in by_letter[:count]
    ]  # fmt: skip
    print()
    print_table(header, rows)
