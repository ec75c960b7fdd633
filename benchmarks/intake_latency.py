"""Intake acknowledgement latency: POST /api/v1/intake for 1-page scans, 8 uploaders at once.

The goal (issue 14): p95 at most 150 ms for 1-page scans under 8 concurrent uploads while
two OCR workers run real OCR jobs on the same cores.

Scenario, against a real ``eakte serve`` process (what ``make run`` starts: embedded
mode, SQLite, the local write-once store, ``EAKTE_WORKERS`` = 2 worker threads):

1. Background OCR work first: distinct multi-page 300 dpi letters are uploaded and the
   benchmark waits until two ``ocrmypdf`` processes of that server are running.
2. 8 uploaders (each its own HTTP connection) then send distinct 1-page scans, one
   after the other, until all are sent; the latency of each upload is from the request to
   the 202 acknowledgement (the upload is then stored durably and its job committed).
   A few uploads before the measured ones warm the server up.
3. While they run, the ``ocrmypdf`` processes of the server are counted every 0.2 s;
   the table shows the share of samples with both workers in OCR, so that a run in which
   OCR ran dry shows.

For comparison the same uploads run against a server without workers ("no OCR running").
The load average of the machine before each run is printed: other work on the same cores
moves the numbers.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.table import print_table
from tests.fixtures.documents import letter_image, pdf_from_images
from tests.fixtures.server import ServerProcess, run_server

CONCURRENCY = 8
OCR_WORKERS = 2
WARM_UP = 8
_WORDS = ["Antrag", "Bescheid", "Widerspruch", "Gebühren", "Grundstück", "Aufenthalt"]


def make_scans(count: int, *, pages: int = 1, dpi: int = 150, seed: int = 4711) -> list[bytes]:
    """Distinct letters (every one hashes differently), ``pages`` pages each."""
    rng = random.Random(seed)
    return [
        pdf_from_images(
            [
                letter_image(
                    [f"Schreiben Nr. {seed}-{n}, Seite {page + 1}"]
                    + [" ".join(rng.choices(_WORDS, k=6)) for _ in range(12)],
                    dpi=dpi,
                )
                for page in range(pages)
            ],
            dpi=dpi,
        )
        for n in range(count)
    ]


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def ocr_processes(server_pid: int) -> int:
    """How many ``ocrmypdf`` processes the server process has started and not yet ended."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            command = Path(entry.path, "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        count += parent == server_pid and b"ocrmypdf" in command
    return count


@dataclass
class _Sampler:
    server_pid: int
    counts: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> _Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.counts.append(ocr_processes(self.server_pid))


def _upload_all(server: ServerProcess, scans: list[bytes]) -> list[float]:
    """Send the scans from CONCURRENCY uploaders; the latency of each in ms."""
    todo: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    for scan in scans:
        todo.put(scan)
    latencies: list[float] = []
    errors: list[str] = []

    def uploader() -> None:
        with server.client() as client:
            while True:
                try:
                    scan = todo.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                response = client.post("/api/v1/intake", files=[("files", ("scan.pdf", scan))])
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 202:
                    errors.append(f"{response.status_code} {response.text[:200]}")
                latencies.append(elapsed)

    threads = [threading.Thread(target=uploader) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} uploads failed, e.g. {errors[0]}")
    return latencies


def _wait_for_ocr(server: ServerProcess, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while ocr_processes(server.process.pid) < OCR_WORKERS:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{OCR_WORKERS} OCR processes did not start within {timeout} s")
        time.sleep(0.2)


def run(uploads: int, *, ocr_running: bool, background: int, seed: int) -> list[str]:
    scans = make_scans(WARM_UP + uploads, seed=seed)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        server = run_server(
            Path(tmp) / "data",
            Path(tmp) / "server.log",
            EAKTE_EMBEDDED_WORKERS="true" if ocr_running else "false",
            EAKTE_WORKERS=str(OCR_WORKERS),
        )
        try:
            _upload_all(server, scans[:WARM_UP])
            if ocr_running:
                letters = make_scans(background, pages=4, dpi=300, seed=seed + 1)
                _upload_all(server, letters)
                _wait_for_ocr(server)
            with _Sampler(server.process.pid) as sampler:
                latencies = _upload_all(server, scans[WARM_UP:])
        finally:
            server.stop()
    busy = [count >= OCR_WORKERS for count in sampler.counts]
    seen = f"{100 * sum(busy) / len(busy):.0f} %" if busy else "-"
    return [
        f"{OCR_WORKERS} OCR workers busy" if ocr_running else "no OCR running",
        str(CONCURRENCY),
        str(uploads),
        f"{statistics.median(latencies):.0f}",
        f"{percentile(latencies, 95):.0f}",
        f"{percentile(latencies, 99):.0f}",
        f"{max(latencies):.0f}",
        seen,
        f"{load:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=200, help="measured uploads per run")
    parser.add_argument("--quick", action="store_true", help="80 uploads, OCR scenario only")
    parser.add_argument("--background", type=int, default=8, help="4-page OCR jobs queued")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each scenario")
    args = parser.parse_args()
    uploads = 80 if args.quick else args.uploads
    scenarios = [True] if args.quick else [False, True]
    rows = [
        run(uploads, ocr_running=ocr, background=args.background, seed=4711 + 10 * attempt)
        for attempt in range(args.repeat)
        for ocr in scenarios
    ]
    header = [
        "intake ack, 1-page PDF",
        "uploaders",
        "uploads",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "2 OCR running",
        "load avg before",
    ]
    print_table(header, rows)


if __name__ == "__main__":
    main()
