"""E-invoice validation speed and memory (``python -m benchmarks --only einvoice_validation``).

Validates XRechnung 3.0 invoices scaled from an official single-line test-suite instance
(``../shared/testdata``) to 20 and 2,000 lines, in UBL and CII, through the whole
validator (safe parsing, recognition, XSD, EN 16931 Schematron, XRechnung rules), and
reports validations per second.  The first table puts the two syntaxes side by side
for 20 lines (the goal: at least 50 invoices/s each, sequential, in one process), with
the load average of the machine at the time.  Peak memory is measured in a child process that
validates one invoice of about 50 MB (UBL, tens of thousands of lines).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.invoice_scaling import scale_cii, scale_ubl
from benchmarks.table import print_table
from services.einvoice.validate import validate_invoice

TESTDATA = Path(__file__).resolve().parents[1].parent / "shared" / "testdata"
TEMPLATES = TESTDATA / "xrechnung-testsuite" / "business-cases" / "standard"
MB = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 5 MB invoice")
    parser.add_argument("--only-20", action="store_true", help="only the 20-line comparison")
    args = parser.parse_args()
    ubl = (TEMPLATES / "01.02a-INVOICE_ubl.xml").read_bytes()
    cii = (TEMPLATES / "01.02a-INVOICE_uncefact.xml").read_bytes()
    validate_invoice(scale_ubl(ubl, 1))  # compile the stylesheets outside the measurement
    validate_invoice(scale_cii(cii, 1))
    rows = [
        _speed(syntax, 20, invoice, runs=20 if args.quick else 200)
        for syntax, invoice in (("UBL", scale_ubl(ubl, 20)), ("CII", scale_cii(cii, 20)))
    ]
    _side_by_side(rows)
    if args.only_20:
        return
    print()
    for syntax, invoice in (("UBL", scale_ubl(ubl, 2000)), ("CII", scale_cii(cii, 2000))):
        rows.append(_speed(syntax, 2000, invoice, runs=1 if args.quick else 3))
    print_table(["syntax", "lines", "size", "valid", "ms per invoice", "invoices/s"], rows)
    print()
    size = 5 * MB if args.quick else 50 * MB
    print_table(["invoice", "lines", "size", "valid", "seconds", "peak RSS"], [_memory(ubl, size)])


def _side_by_side(rows: list[list[str]]) -> None:
    ubl, cii = (float(row[-1]) for row in rows)
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print_table(
        ["20 lines, sequential, 1 process", "UBL invoices/s", "CII invoices/s", "goal"],
        [["XRechnung 3.0", f"{ubl:.1f}", f"{cii:.1f}", "≥ 50/s each: " + _met(ubl, cii)]],
    )
    print(f"load average (1/5/15 min) after the runs: {load}")
    print()


def _met(*rates: float) -> str:
    return "met" if min(rates) >= 50 else f"missed ({min(rates):.1f}/s)"


def _speed(syntax: str, lines: int, invoice: bytes, *, runs: int) -> list[str]:
    start = time.perf_counter()
    for _ in range(runs):
        report = validate_invoice(invoice)
    elapsed = (time.perf_counter() - start) / runs
    return [
        syntax,
        str(lines),
        f"{len(invoice) / 1024:.0f} KiB",
        str(report.valid),
        f"{elapsed * 1000:.0f}",
        f"{1 / elapsed:.2f}",
    ]


def _memory(template: bytes, target_size: int) -> list[str]:
    per_line = (len(scale_ubl(template, 101)) - len(scale_ubl(template, 1))) / 100
    lines = int((target_size - len(template)) / per_line)
    invoice = scale_ubl(template, lines)
    with tempfile.NamedTemporaryFile(suffix=".xml") as file:
        file.write(invoice)
        file.flush()
        start = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, file.name], capture_output=True, text=True, check=True
        )
        elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return [
        "UBL",
        str(lines),
        f"{len(invoice) / MB:.1f} MB",
        child.stdout.strip(),
        f"{elapsed:.1f}",
        f"{peak_kib / 1024:.0f} MiB",
    ]


_CHILD = """
import sys
from pathlib import Path
from services.einvoice.validate import validate_invoice
report = validate_invoice(Path(sys.argv[1]).read_bytes(), max_bytes=60_000_000)
print(report.valid, *[f.rule for f in report.errors][:3])
"""


if __name__ == "__main__":
    main()
