"""A file-plan upload checked before it becomes active: a validation report with lines.

The readers in :mod:`file_plan.plan_io` stop at the first format error and name the item
(``item #3``) or the CSV row; the structural checks name codes.  For people fixing the
file in an editor this module turns both into line numbers of the uploaded file, adds
warnings that compare the upload with the active plan (codes dropped, units that Leitweg
routes still use), and imports the plan only when the report has no error.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from file_plan import FilePlan, validate
from file_plan.errors import PlanFormatError
from file_plan.plan_io import load_csv, load_json
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import Akte, FilePlanVersion, LeitwegRoute
from services.ports import Clock
from services.records.file_plans import active_plan, import_plan
from services.records.plan_messages import in_german


class PlanFileFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class Finding:
    """One error or warning; ``line`` is the line of the uploaded file, when known."""

    message: str
    line: int | None = None
    code: str | None = None
    field: str | None = None


@dataclass
class PlanReport:
    format: PlanFileFormat
    name: str | None = None
    version: str | None = None
    items: int = 0
    leaves: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    version_id: int | None = None
    """Set once the plan was imported."""

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class PlanUpload:
    filename: str
    content: bytes
    name: str | None = None
    """For CSV (which holds only items): the plan's name; default the active plan's."""
    version: str | None = None
    """For CSV: the new version's label (required there)."""


def check_plan_upload(session: Session, scope: Scope, upload: PlanUpload) -> PlanReport:
    """The validation report of ``upload``; nothing is stored (a dry run)."""
    scope.require(Permission.MANAGE_FILE_PLAN)
    report, _ = _check(session, upload)
    return report


def import_plan_upload(
    session: Session, scope: Scope, upload: PlanUpload, *, clock: Clock
) -> PlanReport:
    """Check ``upload`` and, when the report has no error, make it the active plan."""
    scope.require(Permission.MANAGE_FILE_PLAN)
    report, plan = _check(session, upload)
    if plan is not None and report.valid:
        version = import_plan(session, plan, actor=scope.actor, clock=clock)
        report.version_id = version.id
    return report


def list_plan_versions(session: Session, scope: Scope) -> list[FilePlanVersion]:
    """Every imported plan version, newest (the active one) first."""
    scope.require(Permission.READ_RECORDS)
    return list(session.scalars(select(FilePlanVersion).order_by(FilePlanVersion.id.desc())))


def format_of(filename: str, content: bytes) -> PlanFileFormat:
    if filename.lower().endswith(".csv"):
        return PlanFileFormat.CSV
    if filename.lower().endswith(".json") or content.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"{":
        return PlanFileFormat.JSON
    return PlanFileFormat.CSV


def _check(session: Session, upload: PlanUpload) -> tuple[PlanReport, FilePlan | None]:
    plan_format = format_of(upload.filename, upload.content)
    report = PlanReport(format=plan_format)
    try:
        text = upload.content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        report.errors.append(Finding(f"Die Datei ist kein UTF-8-Text ({exc.reason})."))
        return report, None
    active = active_plan(session)
    if plan_format is PlanFileFormat.JSON:
        lines = _json_item_lines(text)
        plan = _read_json(text, lines, report)
    else:
        lines = _csv_record_lines(text)
        plan = _read_csv(text, upload, active, lines, report)
    if plan is None:
        return report, None
    report.name, report.version = plan.name, plan.version
    report.items, report.leaves = len(plan.items), len(plan.leaves())
    code_lines: dict[str, int] = {}
    for index, item in enumerate(plan.items):
        if index < len(lines):
            code_lines.setdefault(item.code, lines[index])
    for problem in validate(plan):
        line = code_lines.get(problem.code) if problem.code else None
        report.errors.append(Finding(in_german(problem.message), line=line, code=problem.code))
    _compare(session, plan, active, code_lines, report)
    return report, plan


def _read_json(text: str, lines: list[int], report: PlanReport) -> FilePlan | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        report.errors.append(Finding(f"Kein gültiges JSON: {exc.msg}", line=exc.lineno))
        return None
    try:
        return load_json(text)
    except PlanFormatError as exc:
        report.errors.append(_format_finding(exc, r"item #(\d+)", lines))
        return None


def _read_csv(
    text: str, upload: PlanUpload, active: FilePlan, lines: list[int], report: PlanReport
) -> FilePlan | None:
    version = (upload.version or "").strip()
    if not version:
        report.errors.append(
            Finding("Eine CSV-Datei enthält nur die Einträge: bitte die Version angeben.")
        )
        return None
    try:
        return load_csv(
            text,
            name=(upload.name or "").strip() or active.name,
            version=version,
            org_units=dict(active.org_units),
            aktenzeichen_pattern=active.aktenzeichen_pattern,
            sources=active.sources,
        )
    except PlanFormatError as exc:
        # load_csv counts records from 1 (the header); lines[] starts at the first item.
        finding = _format_finding(exc, r"row (\d+)", [1, *lines], first=1)
        report.errors.append(finding)
        return None


def _format_finding(
    exc: PlanFormatError, where_pattern: str, lines: list[int], *, first: int = 1
) -> Finding:
    line = None
    code = None
    if exc.where:
        found = re.search(where_pattern, exc.where)
        if found and 0 <= int(found.group(1)) - first < len(lines):
            line = lines[int(found.group(1)) - first]
        named = re.search(r"\((.+)\)$", exc.where)
        code = named.group(1) if named else None
        if exc.where == "CSV header":
            line = 1
    return Finding(in_german(exc.message), line=line, code=code, field=exc.field)


def _json_item_lines(text: str) -> list[int]:
    """The line of each item's ``"code"`` key, in order (only items have one)."""
    return [text.count("\n", 0, match.start()) + 1 for match in re.finditer(r'"code"\s*:', text)]


def _csv_record_lines(text: str) -> list[int]:
    """The first line of each data record (quoted fields may span lines)."""
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts: list[int] = []
    previous_end = 0
    try:
        for _ in reader:
            starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error:
        pass  # load_csv reports it
    return starts[1:]


def _compare(
    session: Session,
    plan: FilePlan,
    active: FilePlan,
    code_lines: dict[str, int],
    report: PlanReport,
) -> None:
    """Errors and warnings that come from the data the service holds."""
    report.added = [item.code for item in plan.items if item.code not in active]
    report.removed = [item.code for item in active.items if item.code not in plan]
    in_use: dict[str, int] = {
        code: count
        for code, count in session.execute(
            select(Akte.file_plan_code, func.count()).group_by(Akte.file_plan_code)
        )
    }
    for code in report.removed:
        if code in in_use:
            report.errors.append(
                Finding(f"Der Code fehlt, enthält aber noch {in_use[code]} Akte(n).", code=code)
            )
        else:
            report.warnings.append(
                Finding("Der Code entfällt gegenüber dem aktiven Plan.", code=code)
            )
    for route in session.scalars(select(LeitwegRoute).order_by(LeitwegRoute.leitweg_id)):
        if route.org_unit not in plan.org_units:
            report.warnings.append(
                Finding(
                    f"Die Leitweg-ID {route.leitweg_id} geht an die Einheit {route.org_unit}, "
                    "die der neue Plan nicht kennt."
                )
            )
    if (plan.name, plan.version) == (active.name, active.version):
        report.warnings.append(
            Finding(f"Die Version „{plan.version}“ ist bereits die aktive Version.")
        )
    for item in plan.items:
        if item.code not in active:
            continue
        now, then = plan.effective_org_unit(item.code), active.effective_org_unit(item.code)
        parent = item.parent
        inherited_change = (
            parent is not None
            and parent in plan
            and parent in active
            and plan.effective_org_unit(parent) != active.effective_org_unit(parent)
        )
        if now != then and not inherited_change:
            report.warnings.append(
                Finding(
                    f"Die zuständige Einheit ändert sich von {then} zu {now}.",
                    line=code_lines.get(item.code),
                    code=item.code,
                )
            )
