"""Intake acknowledge latency: p50/p95 of POST /api/v1/intake for 1-page scans, 8 at a time.

Starts a real ``eakte serve`` (embedded mode) on loopback and uploads distinct one-page
scans from 8 concurrent clients: once with the workers off, once with two OCR workers
busy on the same two cores, as in a small embedded installation.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from benchmarks.table import print_table
from tests.fixtures.documents import letter_image, pdf_from_images
from tests.fixtures.server import run_server

CONCURRENCY = 8


def make_scans(count: int) -> list[bytes]:
    rng = random.Random(4711)
    words = ["Antrag", "Bescheid", "Widerspruch", "Gebühren", "Grundstück", "Aufenthalt"]
    return [
        pdf_from_images(
            [letter_image([f"Schreiben Nr. {n}", " ".join(rng.choices(words, k=6))], dpi=150)],
            dpi=150,
        )
        for n in range(count)
    ]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run(count: int, *, ocr_running: bool) -> list[str]:
    scans = make_scans(count)
    with tempfile.TemporaryDirectory() as tmp:
        server = run_server(
            Path(tmp) / "data",
            Path(tmp) / "server.log",
            EAKTE_EMBEDDED_WORKERS="true" if ocr_running else "false",
        )
        try:
            client = httpx.Client(
                base_url=server.url,
                headers={"Authorization": f"Bearer {server.admin_key}"},
                timeout=60,
            )

            def upload(data: bytes) -> float:
                start = time.perf_counter()
                response = client.post("/api/v1/intake", files=[("files", ("scan.pdf", data))])
                elapsed = time.perf_counter() - start
                assert response.status_code == 202, response.text
                return elapsed * 1000

            with ThreadPoolExecutor(CONCURRENCY) as pool:
                latencies = list(pool.map(upload, scans))
            client.close()
        finally:
            server.stop()
    return [
        "with OCR workers busy" if ocr_running else "no OCR running",
        str(CONCURRENCY),
        str(count),
        f"{statistics.median(latencies):.1f}",
        f"{percentile(latencies, 95):.1f}",
        f"{max(latencies):.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="40 uploads")
    args = parser.parse_args()
    count = 40 if args.quick else args.count
    rows = [run(count, ocr_running=False), run(count, ocr_running=True)]
    header = ["intake ack, 1-page PDF", "concurrency", "uploads", "p50 ms", "p95 ms", "max ms"]
    print_table(header, rows)


if __name__ == "__main__":
    main()
