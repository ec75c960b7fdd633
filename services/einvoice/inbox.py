"""The drop directory (``EAKTE_EINVOICE_INBOX``): invoices saved there are taken in.

Each scan takes in every file in the directory (byte-identical files are recognised, so
a file seen before is not processed twice) and moves a file away only once its invoice
has a final verdict: to ``done/`` when accepted (or a duplicate), to ``rejected/`` when
rejected, each with ``<name>.report.json`` beside it.  A file that cannot be taken in at
all (not an invoice, too large) goes to ``rejected/`` with the reason.  Until then it
stays where it is, so a crash at any point loses nothing; the next scan carries on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.audit.trail import SYSTEM_ACTOR
from services.db.models import EInvoice, EInvoiceStatus
from services.db.session import unit_of_work
from services.einvoice.intake import receive_einvoice
from services.errors import EAkteError
from services.ports import BlobStore, Clock
from services.settings import Settings

SCAN_INBOX = "einvoice.inbox"
DONE, REJECTED = "done", "rejected"
_FINAL = {
    EInvoiceStatus.ACCEPTED: DONE,
    EInvoiceStatus.DUPLICATE: DONE,
    EInvoiceStatus.REJECTED: REJECTED,
}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanResult:
    taken_in: int
    moved: int
    refused: int


def scan_inbox(
    inbox: Path,
    factory: sessionmaker[Session],
    store: BlobStore,
    *,
    settings: Settings,
    clock: Clock,
) -> ScanResult:
    taken, moved, refused = 0, 0, 0
    for path in sorted(_candidates(inbox)):
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc)
            continue
        try:
            with unit_of_work(factory) as session:
                receipt = receive_einvoice(
                    session,
                    store,
                    data,
                    filename=path.name,
                    source="inbox",
                    actor=SYSTEM_ACTOR,
                    settings=settings,
                    clock=clock,
                )
                taken += not receipt.duplicate
                status = EInvoiceStatus(receipt.invoice.status)
                report = _report(receipt.invoice)
        except EAkteError as exc:
            _move(path, inbox / REJECTED, {"file": path.name, "valid": False, "error": exc.detail})
            refused += 1
            continue
        if status in _FINAL:
            _move(path, inbox / _FINAL[status], report)
            moved += 1
    return ScanResult(taken_in=taken, moved=moved, refused=refused)


class ScanInboxHandler:
    """The scheduled scan of the drop directory (scheduled only when one is configured)."""

    kind = SCAN_INBOX

    def __init__(
        self,
        inbox: Path,
        factory: sessionmaker[Session],
        store: BlobStore,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._inbox = inbox
        self._factory = factory
        self._store = store
        self._settings = settings
        self._clock = clock

    def run(self, payload: Mapping[str, Any]) -> None:
        scan_inbox(
            self._inbox, self._factory, self._store, settings=self._settings, clock=self._clock
        )

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Nothing to mark: files stay in the inbox for the next scan."""


def _candidates(inbox: Path) -> list[Path]:
    """Regular files directly in the inbox; hidden files are writers' temporaries."""
    try:
        entries = list(inbox.iterdir())
    except FileNotFoundError:
        return []
    return [p for p in entries if p.is_file() and not p.name.startswith(".")]


def _report(invoice: EInvoice) -> dict[str, Any]:
    return {
        "file": invoice.filename,
        "einvoice_id": invoice.id,
        "status": invoice.status,
        "duplicate_of": invoice.duplicate_of_id,
        "validation": invoice.report,
    }


def _move(path: Path, target_dir: Path, report: dict[str, Any]) -> None:
    """Write the report first, then move the file: a crash in between only repeats the move."""
    target_dir.mkdir(exist_ok=True)
    target = _free_name(target_dir, path.name)
    temp = target_dir / f".{target.name}.report.json.tmp"
    temp.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    temp.replace(target_dir / f"{target.name}.report.json")
    path.replace(target)


def _free_name(directory: Path, name: str) -> Path:
    """``name``, or ``name.1``, ``name.2`` ... when a file of that name was moved before."""
    candidate = directory / name
    counter = 0
    while candidate.exists():
        counter += 1
        candidate = directory / f"{name}.{counter}"
    return candidate
