"""``python -m benchmarks [--quick]``: run every benchmark, one table each."""

from __future__ import annotations

import argparse
import subprocess
import sys

BENCHMARKS = [
    "ocr_throughput",
    "ocr_quality",
    "ocr_eval",
    "intake_latency",
    "search_latency",
    "search_opensearch",
    "access_scoping",
    "ui_pages",
    "storage_throughput",
    "worker_scaling",
    "metrics_scrape",
    "classification",
    "routing",
    "reference_matching",
    "einvoice_validation",
    "cmis",
    "xdomea_transfer",
    "archive_transfer",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs of each benchmark")
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(BENCHMARKS))
    args = parser.parse_args()
    selected = args.only.split(",") if args.only else BENCHMARKS
    failed = []
    for name in selected:
        print(f"\n== {name} ==", flush=True)
        command = [sys.executable, "-m", f"benchmarks.{name}"] + (["--quick"] if args.quick else [])
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
