"""Archive transfer through eakte: a two-step 0503 written from the database and the store.

    python -m benchmarks --only archive_transfer [--quick]

Where :mod:`benchmarks.xdomea_transfer` measures the xdomea layer alone (records built in
memory), this measures what a records manager's ``eakte archive offer`` does in the
two-step flow (issue 13, scope 8): find the due Akten, start the process, write the 0503
from the database one Akte at a time, stream every file out of the store (SQLite and the
local write-once store) into the zip, check the XML against the xdomea 3.1.0 XSD, keep a
write-once copy of it, record every file's SHA-256 and rename the zip into the transfer
directory.

Corpus (not measured): 500 closed Akten of plan code 111.02.03 (archive value A, opened
2011, closed 2012, so their ten years have ended) with 20 documents each, every one a
unique PDF of 4 KiB stored and versioned as intake would (10,000 documents; ``--quick``
1,000), and a tenth of that, to show that memory does not grow with the message.  Each
size is built once and copied; each copy is offered in a fresh process: once timed (wall
time, growth of the peak resident set, which includes libxml2's memory), once under
tracemalloc (peak of Python allocations).  Afterwards the 0503 in the transfer directory
is checked against the XSD once more and the recorded files are counted.
Schemas from ``../shared/testdata/xdomea/xsd``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.table import print_table
from services.access.scope import system_scope
from services.archive.transport import message_name
from services.archive.workflow import offer
from services.archive.xdomea.model import MessageType
from services.archive.xdomea.schema import load_schema, validate_file
from services.bootstrap import build_container, prepare
from services.db.models import ArchiveTransferFile
from services.db.session import unit_of_work
from services.records.akten import NewAkte, close_akte, create_akte
from services.records.file_plans import active_plan
from services.settings import Settings
from tests.fixtures.app import make_settings
from tests.fixtures.records import add_stored_document

SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "xdomea" / "xsd"
CODE = "111.02.03"
FILE_SIZE = 4096
DOCUMENTS_PER_AKTE = 20
FILES_PER_VERSION = 1
"""The original only: intake without OCR leaves no PDF/A rendition."""
OPENED_ON = date(2011, 3, 1)
CLOSED_ON = date(2012, 6, 29)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 documents instead of 10,000")
    parser.add_argument("--child", nargs=2, metavar=("DATA_DIR", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run(Path(args.child[0]), traced=args.child[1] == "traced")))
        return
    largest = 50 if args.quick else 500
    rows = []
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as work:
        for akten in (largest // 10, largest):
            corpus = Path(work) / f"corpus-{akten}"
            start = time.perf_counter()
            populate(corpus, akten)
            print(f"{akten} Akten built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
            timed = _child(corpus, Path(work) / f"timed-{akten}", "timed")
            traced = _child(corpus, Path(work) / f"traced-{akten}", "traced")
            documents = akten * DOCUMENTS_PER_AKTE
            assert timed["files"] == traced["files"] == documents * FILES_PER_VERSION
            rows.append(
                [
                    f"{akten:,}",
                    f"{documents:,}",
                    f"{timed['files']:,}",
                    f"{timed['zip_bytes'] / 2**20:.1f} MiB",
                    f"{timed['xml_bytes'] / 2**20:.1f} MiB",
                    f"{timed['seconds']:.1f}",
                    f"{timed['rss_growth'] / 2**20:.1f} MiB",
                    f"{traced['peak'] / 2**20:.1f} MiB",
                    "yes" if timed["valid"] and traced["valid"] else "NO",
                ]
            )
            shutil.rmtree(corpus)
    print_table(
        [
            "Akten",
            "documents",
            "files recorded",
            "zip",
            "XML",
            "offer s",
            "RSS growth",
            "tracemalloc peak",
            "XSD-valid",
        ],
        rows,
    )


def settings(data_dir: Path) -> Settings:
    """SQLite and the local store; two-step flow with the official schemas."""
    return make_settings(
        data_dir, archive={"schema_dir": SCHEMAS, "flow": "two-step", "settle_seconds": 0}
    )


def populate(data_dir: Path, akten: int) -> None:
    """``akten`` closed Akten of :data:`CODE`, due now, with their stored documents."""
    container = build_container(settings(data_dir))
    prepare(container, migrate=True)
    actor = system_scope().actor
    for number in range(akten):
        with unit_of_work(container.session_factory) as session:
            plan = active_plan(session)
            new = NewAkte(code=CODE, title=f"Partnerschaft {number:04d}", opened_on=OPENED_ON)
            akte = create_akte(
                session, plan, new, actor=actor, clock=container.clock, may_backdate=True
            )
            for index in range(DOCUMENTS_PER_AKTE):
                tag = f"{number}-{index}"
                add_stored_document(
                    container,
                    session,
                    _pdf(tag),
                    "application/pdf",
                    [""],
                    org_unit=akte.org_unit,
                    title=f"Schreiben {tag}",
                    original_filename=f"schreiben-{tag}.pdf",
                    akte_id=akte.id,
                )
            session.flush()
            close_akte(
                session,
                plan,
                akte,
                actor=actor,
                clock=container.clock,
                closed_on=CLOSED_ON,
                may_backdate=True,
            )
    container.close()


def _pdf(tag: str) -> bytes:
    """A unique PDF-looking file of :data:`FILE_SIZE` bytes."""
    head = f"%PDF-1.4\n% Schreiben {tag}\n".encode()
    filler = hashlib.sha256(tag.encode()).hexdigest().encode()
    body = (filler * (FILE_SIZE // len(filler) + 1))[: FILE_SIZE - len(head) - 6]
    return head + body + b"%%EOF\n"


def _child(corpus: Path, copy: Path, mode: str) -> dict[str, float]:
    shutil.copytree(corpus, copy)
    command = [sys.executable, "-m", "benchmarks.archive_transfer", "--child", str(copy), mode]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    shutil.rmtree(copy)
    result: dict[str, float] = json.loads(output)
    return result


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _run(data_dir: Path, *, traced: bool) -> dict[str, float]:
    container = build_container(settings(data_dir))
    load_schema(SCHEMAS, "3.1.0")  # parsed once per process, outside the measurement
    with unit_of_work(container.session_factory, write=False) as session:
        active_plan(session)  # the plan is cached per process too
    rss_before = _rss()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    report = offer(container.archive_context, system_scope())
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    rss_growth = _rss() - rss_before
    (process_id,) = report.processes
    sent = container.settings.archive_transfer_dir / message_name(process_id, MessageType.TRANSFER)
    with zipfile.ZipFile(sent) as archive:
        xml_name = message_name(process_id, MessageType.TRANSFER, ".xml")
        xml = Path(archive.extract(xml_name, data_dir / "check"))
    validate_file(xml, SCHEMAS, "3.1.0")  # raises if the 0503 is not valid
    with unit_of_work(container.session_factory, write=False) as session:
        files = session.scalar(select(func.count()).select_from(ArchiveTransferFile))
    container.close()
    return {
        "seconds": seconds,
        "rss_growth": rss_growth,
        "peak": peak,
        "zip_bytes": sent.stat().st_size,
        "xml_bytes": xml.stat().st_size,
        "files": files or 0,
        "valid": 1,
    }


if __name__ == "__main__":
    main()
