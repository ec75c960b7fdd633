"""xdomea 0503 transfer: time and memory (``python -m benchmarks --only xdomea_transfer``).

Writes a 0503 zip (the XML streamed with ``lxml.etree.xmlfile``, every primary file
copied in 1 MiB chunks and hashed, the XML checked against the xdomea 3.1.0 XSD before
the zip is completed), then checks the XML once more as a reply would be checked, taken
out of the zip.  Sizes: 500 Akten x 20 documents of 4 KiB (10,000 documents; ``--quick``
50 x 20) and a tenth of that, to show that memory does not grow with the message.  Each
size runs in a fresh process: once timed, once under tracemalloc (Python allocations;
libxml2's own memory shows in the RSS column, the growth of the peak resident set).
Writing keeps about 1 KiB per file whatever its size: the zip's central directory
(``zipfile`` holds a ZipInfo per member until it is written at the end) and the returned
name, SHA-256 and size of every file.
Schemas from ``../shared/testdata/xdomea/xsd``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from benchmarks.table import print_table
from services.archive.transport import send_transfer
from services.archive.xdomea.model import MessageType
from services.archive.xdomea.schema import load_schema, validate_file
from tests.xdomea_records import header, many_akten

SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "xdomea" / "xsd"
FILE_SIZE = 4096
DOCUMENTS_PER_AKTE = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 documents instead of 10,000")
    parser.add_argument("--child", nargs=2, metavar=("AKTEN", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run(int(args.child[0]), traced=args.child[1] == "traced")))
        return
    largest = 50 if args.quick else 500
    rows = []
    for akten in (largest // 10, largest):
        timed = _child(akten, "timed")
        traced = _child(akten, "traced")
        rows.append(
            [
                f"{akten * DOCUMENTS_PER_AKTE:,}",
                f"{timed['zip_bytes'] / 2**20:.1f} MiB",
                f"{timed['xml_bytes'] / 2**20:.1f} MiB",
                f"{timed['write_seconds']:.2f}",
                f"{timed['check_seconds']:.2f}",
                f"{traced['write_peak'] / 2**20:.1f} MiB",
                f"{traced['check_peak'] / 2**20:.1f} MiB",
                f"{timed['rss_growth'] / 2**20:.1f} MiB",
            ]
        )
    print_table(
        [
            "documents",
            "zip",
            "XML",
            "write+check s",
            "re-check s",
            "tracemalloc write",
            "tracemalloc check",
            "RSS growth",
        ],
        rows,
    )


def _child(akten: int, mode: str) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.xdomea_transfer", "--child", str(akten), mode]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output)
    return result


def _extract(path: Path, name: str, into: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        return Path(archive.extract(name, into))


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _run(akten: int, *, traced: bool) -> dict[str, float]:
    load_schema(SCHEMAS, "3.1.0")  # parsed once per process, outside the measurement
    rss_before = _rss()
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="xdomea-bench-") as work:
        directory = Path(work)
        records = many_akten(akten, DOCUMENTS_PER_AKTE, FILE_SIZE)
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        sent = send_transfer(directory, header(MessageType.TRANSFER), records, SCHEMAS)
        result["write_seconds"] = time.perf_counter() - start
        if traced:
            result["write_peak"] = tracemalloc.get_traced_memory()[1]
        xml = _extract(sent.path, sent.message.name, directory / "check")
        if traced:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        validate_file(xml, SCHEMAS, "3.1.0")
        result["check_seconds"] = time.perf_counter() - start
        if traced:
            result["check_peak"] = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
        result["zip_bytes"] = sent.path.stat().st_size
        result["xml_bytes"] = xml.stat().st_size
        assert len(sent.files) == akten * DOCUMENTS_PER_AKTE
    result["rss_growth"] = _rss() - rss_before
    return result


if __name__ == "__main__":
    main()
