"""x-man's checks of a 0503 and the per-object import result the simulator derives.

From ``server/internal/core/processing.go``: every primary file a document references
must be in the zip (``collectPrimaryDocumentsData``: "Primärdateien fehlen in Abgabe"); if
the process had a 0501, the 0503 must hold exactly what was appraised A
(``matchAgainst0501Message`` / ``checkRecordsOfMessage0503``), and it must not come before
the appraisal is finished. x-man does not object to files nobody references; the
simulator does (a stricter check, so eakte's zips stay clean). x-man lists every record of
an archive package in the 0506, the package's root object with all its Vorgänge and
documents (``archive.go``: ``RecordIDs0506``), attachments not separately.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.archive_simulator.records import (
    RecordNode,
    ancestors,
    find_discrepancies,
    package_of,
)


@dataclass
class TransferCheck:
    missing_files: list[str] = field(default_factory=list)
    unreferenced_files: list[str] = field(default_factory=list)
    missing_objects: list[str] = field(default_factory=list)
    surplus_objects: list[str] = field(default_factory=list)
    package_problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Root object id -> why its package cannot be imported."""


def check_transfer(
    submitted: Mapping[str, RecordNode],
    members: Collection[str],
    xml_name: str,
    offered: Mapping[str, RecordNode] | None,
    decisions: Mapping[str, str] | None,
) -> TransferCheck:
    """Check a 0503's records and files; ``offered`` is ``None`` in the two-step flow."""
    result = TransferCheck()
    referenced: set[str] = set()
    for node in submitted.values():
        for name in node.file_names:
            referenced.add(name)
            if name not in members:
                result.missing_files.append(name)
                problem = f"Primärdatei fehlt: {name} ({node.label})"
                result.package_problems[package_of(submitted, node.object_id)].append(problem)
    result.unreferenced_files = sorted(set(members) - referenced - {xml_name})
    if offered is None or decisions is None:
        return result
    found = find_discrepancies(offered, decisions, submitted)
    result.missing_objects = found.missing
    result.surplus_objects = found.surplus
    for object_id in found.missing:
        parent = offered[object_id].parent_id
        if parent is not None and parent in submitted:
            problem = f"fehlt in der Abgabe: {offered[object_id].label}"
            result.package_problems[package_of(submitted, parent)].append(problem)
    for object_id in found.surplus:
        problem = f"nicht als archivwürdig bewertet: {submitted[object_id].label}"
        result.package_problems[package_of(submitted, object_id)].append(problem)
    return result


@dataclass(frozen=True)
class Verdict:
    object_id: str
    package_id: str
    success: bool
    message: str | None


def verdicts(
    submitted: Mapping[str, RecordNode], check: TransferCheck, fail_objects: Collection[str]
) -> list[Verdict]:
    """Per reported object: a package with a problem fails whole; ``fail_objects`` (set by
    the test) fail with everything below them."""
    result = []
    for object_id, node in submitted.items():
        if node.kind == "Anlage":
            continue
        package = package_of(submitted, object_id)
        problems = check.package_problems.get(package)
        if problems:
            result.append(Verdict(object_id, package, False, "; ".join(problems)))
        elif object_id in fail_objects or any(
            a in fail_objects for a in ancestors(submitted, object_id)
        ):
            message = "Übernahme in das Archiv fehlgeschlagen (Testvorgabe)"
            result.append(Verdict(object_id, package, False, message))
        else:
            result.append(Verdict(object_id, package, True, None))
    return result


def check_errors(
    check: TransferCheck, submitted: Mapping[str, RecordNode]
) -> list[tuple[str, str]]:
    """``(title, info)`` per problem, titled as x-man titles its processing errors."""
    errors = []
    if check.missing_files:
        errors.append(("Primärdateien fehlen in Abgabe", "\n".join(check.missing_files)))
    if check.unreferenced_files:
        errors.append(
            ("Nicht referenzierte Dateien in der Abgabe", "\n".join(check.unreferenced_files))
        )
    if check.missing_objects:
        errors.append(("Die Abgabe ist nicht vollständig", "\n".join(check.missing_objects)))
    if check.surplus_objects:
        labels = "\n".join(submitted[i].label for i in check.surplus_objects)
        errors.append(("Die Abgabe enthält zusätzliche Schriftgutobjekte", labels))
    return errors


def hash_primary_files(
    path: Path, submitted: Mapping[str, RecordNode]
) -> list[tuple[str, str, str, int]]:
    """``(object_id, file_name, sha256, size)`` of every referenced file the zip holds."""
    result = []
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        for node in submitted.values():
            for file_name in node.file_names:
                if file_name not in members:
                    continue
                digest = hashlib.sha256()
                size = 0
                with archive.open(file_name) as content:
                    for chunk in iter(lambda: content.read(1 << 20), b""):
                        digest.update(chunk)
                        size += len(chunk)
                result.append((node.object_id, file_name, digest.hexdigest(), size))
    return result
