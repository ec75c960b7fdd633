"""The archive's appraisal of a 0501, propagated as x-man propagates it.

x-man appraises every Akte, Teilakte, Vorgang and Teilvorgang (``core/appraisal.go``:
``AppraisableRecords``); a decision on an object goes down to the objects below it that
have none of their own (``propagateAppraisalDecisionDown``), and an A on an object makes
every object above it A (``markAncestorsToBeArchived``) while their other children keep
their value. Documents follow their Akte or Vorgang and are not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tests.archive_simulator.model import OfferedObject
from tests.archive_simulator.records import APPRAISABLE, RecordNode, ancestors

Appraise = Callable[[OfferedObject], str | None]


@dataclass(frozen=True)
class Appraisal:
    effective: dict[str, str]
    """A or V per appraisable object; objects left out have none (the agency keeps them)."""
    listed: list[tuple[str, str]]
    """What the 0502 names."""


def appraise_all(value: str = "A") -> Appraise:
    """Give every object asked about the same value."""
    return lambda obj: value


def decide(
    process_id: str,
    offered: Mapping[str, RecordNode],
    appraise: Appraise,
    *,
    nested: bool,
    list_inherited: bool,
) -> Appraisal:
    """Ask ``appraise`` about the top-level objects (and, if ``nested``, those inside)."""
    explicit: dict[str, str] = {}
    for node in offered.values():
        if node.kind not in APPRAISABLE or (node.parent_id and not nested):
            continue
        value = appraise(
            OfferedObject(
                process_id,
                node.object_id,
                node.kind,
                node.parent_id,
                node.reference,
                node.title,
                node.proposal,
            )
        )
        if value not in (None, "A", "V"):
            raise ValueError(f"appraise returned {value!r}, expected 'A', 'V' or None")
        if value is not None:
            explicit[node.object_id] = value
    effective: dict[str, str] = {}
    for node in offered.values():  # parents come before their children
        if node.kind not in APPRAISABLE:
            continue
        if node.object_id in explicit:
            effective[node.object_id] = explicit[node.object_id]
        elif node.parent_id in effective:
            effective[node.object_id] = effective[node.parent_id]
    for object_id, value in list(effective.items()):
        if value == "A":
            for ancestor in ancestors(offered, object_id):
                effective[ancestor] = "A"
    listed = [
        (object_id, value)
        for object_id, value in effective.items()
        if list_inherited
        or object_id in explicit
        or effective.get(offered[object_id].parent_id or "") != value
    ]
    return Appraisal(effective, listed)
