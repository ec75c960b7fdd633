"""ocrmypdf's exit codes and what they mean for eakte's job runner.

The values mirror ``ocrmypdf.exceptions.ExitCode`` (a unit test keeps them in step).  They
are copied rather than imported so that the worker process never imports ocrmypdf, whose
package import pulls in its whole pipeline and registers Pillow plugins process-wide.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1
    input_file = 2
    missing_dependency = 3
    invalid_output_pdf = 4
    file_access_error = 5
    already_done_ocr = 6
    child_process_error = 7
    encrypted_pdf = 8
    invalid_config = 9
    pdfa_conversion_failed = 10
    other_error = 15
    ctrl_c = 130


_MEANING: dict[int, tuple[str, bool]] = {
    ExitCode.bad_args: ("invalid arguments", True),
    ExitCode.input_file: ("the input file cannot be processed", True),
    # Retrying helps once an operator installs what is missing.
    ExitCode.missing_dependency: ("a required program is missing or unusable", False),
    ExitCode.invalid_output_pdf: ("the output PDF is invalid", True),
    ExitCode.file_access_error: ("a file could not be read or written", False),
    ExitCode.already_done_ocr: ("the PDF already has OCR text", True),
    ExitCode.child_process_error: ("a helper program (tesseract, unpaper, gs) failed", False),
    ExitCode.encrypted_pdf: ("the PDF is encrypted", True),
    ExitCode.invalid_config: ("invalid tesseract configuration", True),
    ExitCode.pdfa_conversion_failed: ("the PDF could not be converted to PDF/A", True),
    ExitCode.other_error: ("an unexpected error", False),
    ExitCode.ctrl_c: ("interrupted", False),
}


def classify(returncode: int) -> tuple[str, bool]:
    """Return a readable reason and whether retrying is pointless (``permanent``)."""
    if returncode < 0:
        # Killed by a signal; SIGKILL from the kernel usually means out of memory.
        return f"ocrmypdf was killed by signal {-returncode} (out of memory?)", False
    return _MEANING.get(returncode, (f"unknown exit code {returncode}", False))
