"""Intake acknowledge latency: p50/p95 of POST /api/v1/intake for 1-page scans, 8 at a time.

Starts a real ``eakte serve`` (embedded mode, workers running, so OCR load is realistic)
on loopback and uploads distinct one-page scans from 8 concurrent clients.
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


def run(count: int) -> list[list[str]]:
    scans = make_scans(count)
    with tempfile.TemporaryDirectory() as tmp:
        server = run_server(Path(tmp) / "data", Path(tmp) / "server.log")
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
        [
            "intake ack (1-page PDF)",
            str(CONCURRENCY),
            str(count),
            f"{statistics.median(latencies):.1f}",
            f"{percentile(latencies, 95):.1f}",
            f"{max(latencies):.1f}",
        ]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="40 uploads")
    args = parser.parse_args()
    rows = run(40 if args.quick else args.count)
    print_table(["benchmark", "concurrency", "uploads", "p50 ms", "p95 ms", "max ms"], rows)


if __name__ == "__main__":
    main()
