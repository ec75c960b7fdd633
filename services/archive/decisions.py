"""What the archive's replies decide: the 0502 appraisal and the 0506 import results.

Both name Akten and Vorgänge by the ``xdomea_id`` of the offer; documents follow their
nearest named ancestor.  A reply naming anything that was not offered (or not
transferred) is refused whole: a guess could destroy what the archive never saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from services.archive.processes import items_of
from services.archive.xdomea.model import AppraisalList, ImportConfirmation, ImportResult
from services.db.models import ArchiveProcess, ArchiveProcessItem, ItemKind, ItemState
from services.errors import ConflictError

T = TypeVar("T")
_APPRAISAL_STATES = {"A": ItemState.TO_TRANSFER, "V": ItemState.TO_DESTROY}


class ArchiveReplyError(ConflictError):
    """A reply that does not fit its process; nothing of it is applied."""


def apply_appraisal(
    session: Session, process: ArchiveProcess, reply: AppraisalList
) -> dict[str, int]:
    """Decide every offered item from the 0502; return the count per resulting state."""
    items = items_of(session, process.id)
    by_id = {item.xdomea_id: item for item in items}
    named: dict[str, str] = {}
    for appraisal in reply.appraisals:
        item = by_id.get(appraisal.object_id)
        if item is None or item.kind == ItemKind.DOCUMENT:
            raise ArchiveReplyError(
                f"the 0502 of process {process.id} appraises {appraisal.object_id}, which "
                "was not offered as an Akte or Vorgang in this process"
            )
        if appraisal.value not in _APPRAISAL_STATES:
            raise ArchiveReplyError(
                f"the 0502 of process {process.id} appraises {appraisal.object_id} as "
                f"{appraisal.value!r}; only A and V are decisions"
            )
        if named.setdefault(appraisal.object_id, appraisal.value) != appraisal.value:
            raise ArchiveReplyError(
                f"the 0502 of process {process.id} appraises {appraisal.object_id} twice, "
                "differently"
            )
    counts: dict[str, int] = {}
    for item in items:
        value = _nearest(item, by_id, named)
        item.archive_value = value
        item.state = _APPRAISAL_STATES[value] if value else ItemState.KEPT
        counts[item.state] = counts.get(item.state, 0) + 1
    return counts


def apply_import_results(
    session: Session, process: ArchiveProcess, reply: ImportConfirmation
) -> list[ArchiveProcessItem]:
    """Mark transferred items archived or failed; return the failed ones (for alerts).

    Only an explicit success for the item or its nearest named ancestor archives it; a
    failure, or no word about it at all, leaves it in eakte.
    """
    items = items_of(session, process.id)
    by_id = {item.xdomea_id: item for item in items}
    transferred = [item for item in items if item.state == ItemState.TRANSFERRED]
    sent = {item.xdomea_id for item in transferred} | _ancestors_of(transferred, by_id)
    results: dict[str, ImportResult] = {}
    for result in reply.results:
        if result.object_id not in sent:
            raise ArchiveReplyError(
                f"the 0506 of process {process.id} reports on {result.object_id}, which was "
                "not in its 0503"
            )
        results[result.object_id] = result
    failed = []
    for item in transferred:
        outcome = _nearest(item, by_id, results)
        if outcome is not None and outcome.success:
            item.state = ItemState.ARCHIVED
            item.archive_signature = outcome.archive_signature
            item.result_message = outcome.message
        else:
            item.state = ItemState.FAILED
            item.result_message = (
                outcome.message or "the archive reported a failure"
                if outcome is not None
                else "the 0506 does not confirm it"
            )
            failed.append(item)
    return failed


def transfer_set(items: Sequence[ArchiveProcessItem]) -> list[ArchiveProcessItem]:
    """The items going into the 0503 and the containers (Akte, Vorgang) that hold them."""
    by_id = {item.xdomea_id: item for item in items}
    chosen = [item for item in items if item.state == ItemState.TO_TRANSFER]
    wanted = {item.xdomea_id for item in chosen} | _ancestors_of(chosen, by_id)
    return [item for item in items if item.xdomea_id in wanted]


def _nearest(
    item: ArchiveProcessItem, by_id: Mapping[str, ArchiveProcessItem], named: Mapping[str, T]
) -> T | None:
    """What ``named`` says about the item or, failing that, its nearest ancestor."""
    current: ArchiveProcessItem | None = item
    while current is not None:
        if current.xdomea_id in named:
            return named[current.xdomea_id]
        current = by_id.get(current.parent_xdomea_id or "")
    return None


def _ancestors_of(
    items: Sequence[ArchiveProcessItem], by_id: Mapping[str, ArchiveProcessItem]
) -> set[str]:
    found: set[str] = set()
    for item in items:
        parent = item.parent_xdomea_id
        while parent and parent not in found:
            found.add(parent)
            parent = by_id[parent].parent_xdomea_id if parent in by_id else None
    return found
