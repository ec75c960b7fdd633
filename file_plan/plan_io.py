"""Reading and writing file plans: the ``eakte-file-plan/1`` JSON format and CSV.

Readers check every value's type strictly and raise :class:`PlanFormatError` naming the
item or row and the field; whether the plan's structure makes sense is left to
:func:`file_plan.validation.validate`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from file_plan.aktenzeichen import DEFAULT_AKTENZEICHEN_PATTERN
from file_plan.errors import PlanFormatError
from file_plan.model import (
    ArchiveValue,
    FilePlan,
    FilePlanItem,
    Retention,
    RetentionTrigger,
    Source,
    SubjectKind,
)

PLAN_FORMAT = "eakte-file-plan/1"
CSV_COLUMNS = (
    "code",
    "title",
    "parent",
    "level",
    "description",
    "keywords",
    "org_unit",
    "retention_years",
    "retention_trigger",
    "retention_event",
    "archive_value",
    "aktenzeichen_pattern",
    "subject",
    "source",
    "confidentiality",
)
OPTIONAL_CSV_COLUMNS = frozenset({"confidentiality"})
"""Columns added later; files written before them still import."""
PERMANENT = "dauernd"
KEYWORD_SEPARATOR = "; "

_PLAN_KEYS = ("format", "name", "version", "aktenzeichen_pattern", "sources", "org_units", "items")
_ITEM_KEYS = (
    "code",
    "title",
    "parent",
    "level",
    "description",
    "keywords",
    "org_unit",
    "retention",
    "archive_value",
    "aktenzeichen_pattern",
    "subject",
    "source",
    "confidentiality",
)
_SOURCE_KEYS = ("id", "title", "where")

_E = TypeVar("_E", ArchiveValue, RetentionTrigger, SubjectKind)


# JSON


def load_json(data: str | bytes) -> FilePlan:
    """Parse an ``eakte-file-plan/1`` document."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanFormatError(f"the plan is not UTF-8 text ({exc})") from None
    try:
        document = json.loads(data.removeprefix("\ufeff"), object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise PlanFormatError(f"the plan is not valid JSON: {exc}") from None
    top = _Fields(document, "the plan")
    top.check_keys(_PLAN_KEYS, required=("format", "name", "version", "items"))
    if top.raw("format") != PLAN_FORMAT:
        raise top.error("format", f"expected {PLAN_FORMAT!r}, got {top.raw('format')!r}")
    org_units = top.raw("org_units", {})
    if not isinstance(org_units, dict) or not all(
        isinstance(value, str) for value in org_units.values()
    ):
        raise top.error("org_units", "expected an object of unit keys to titles")
    return FilePlan(
        name=top.text("name"),
        version=top.text("version"),
        aktenzeichen_pattern=top.text("aktenzeichen_pattern", DEFAULT_AKTENZEICHEN_PATTERN),
        sources=tuple(
            _json_source(raw, index) for index, raw in enumerate(top.array("sources"), 1)
        ),
        org_units=org_units,
        items=tuple(_json_item(raw, index) for index, raw in enumerate(top.array("items"), 1)),
    )


def dump_json(plan: FilePlan) -> str:
    """The plan as ``eakte-file-plan/1`` JSON; ``load_json`` of the result equals ``plan``."""
    document = {
        "format": PLAN_FORMAT,
        "name": plan.name,
        "version": plan.version,
        "aktenzeichen_pattern": plan.aktenzeichen_pattern,
        "sources": [
            {"id": source.id, "title": source.title, "where": source.where}
            for source in plan.sources
        ],
        "org_units": dict(plan.org_units),
        "items": [_json_item_out(item) for item in plan.items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise PlanFormatError(f"duplicate key(s) {', '.join(map(repr, duplicates))} in an object")
    return dict(pairs)


def _json_source(raw: object, index: int) -> Source:
    fields = _Fields(raw, f"source #{index}")
    fields.check_keys(_SOURCE_KEYS, required=_SOURCE_KEYS)
    return Source(id=fields.text("id"), title=fields.text("title"), where=fields.text("where"))


def _json_item(raw: object, index: int) -> FilePlanItem:
    fields = _Fields(raw, f"item #{index}")
    if isinstance(fields.raw("code"), str):
        fields.where += f" ({fields.raw('code')})"
    fields.check_keys(_ITEM_KEYS, required=("code", "title", "parent", "level"))
    keywords = fields.array("keywords")
    if not all(isinstance(keyword, str) for keyword in keywords):
        raise fields.error("keywords", "expected a list of strings")
    return FilePlanItem(
        code=fields.text("code"),
        title=fields.text("title"),
        parent=fields.optional_text("parent"),
        level=fields.integer("level"),
        description=fields.text("description", ""),
        keywords=tuple(keywords),
        org_unit=fields.optional_text("org_unit"),
        retention=_json_retention(fields),
        archive_value=fields.choice("archive_value", ArchiveValue),
        aktenzeichen_pattern=fields.optional_text("aktenzeichen_pattern"),
        subject=fields.choice("subject", SubjectKind),
        source=fields.optional_text("source"),
        confidentiality=fields.optional_text("confidentiality"),
    )


def _json_retention(item: _Fields) -> Retention | None:
    raw = item.raw("retention", None)
    if raw is None:
        return None
    fields = _Fields(raw, item.where, prefix="retention.")
    fields.check_keys(("years", "trigger", "event", "permanent"), required=())
    permanent = fields.raw("permanent", False)
    if not isinstance(permanent, bool):
        raise fields.error("permanent", f"expected true or false, got {permanent!r}")
    if permanent:
        if set(fields.data) != {"permanent"}:
            raise fields.error("permanent", "a permanent retention has no years, trigger or event")
        return Retention.keep_permanently()
    trigger = fields.choice("trigger", RetentionTrigger)
    if trigger is None:
        raise fields.error("trigger", "required unless the retention is permanent")
    return _retention(
        fields.integer("years"), trigger, fields.optional_text("event"), where=fields.where
    )


def _json_item_out(item: FilePlanItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "title": item.title,
        "parent": item.parent,
        "level": item.level,
        "description": item.description,
        "keywords": list(item.keywords),
        "org_unit": item.org_unit,
        "retention": _json_retention_out(item.retention),
        "archive_value": item.archive_value,
        "aktenzeichen_pattern": item.aktenzeichen_pattern,
        "subject": item.subject,
        "source": item.source,
        **({"confidentiality": item.confidentiality} if item.confidentiality else {}),
    }


def _json_retention_out(retention: Retention | None) -> dict[str, Any] | None:
    if retention is None:
        return None
    if retention.permanent:
        return {"permanent": True}
    out: dict[str, Any] = {"years": retention.years, "trigger": retention.trigger}
    if retention.event is not None:
        out["event"] = retention.event
    return out


class _Fields:
    """Typed access to one JSON object, with errors that say where."""

    def __init__(self, raw: object, where: str, *, prefix: str = "") -> None:
        if not isinstance(raw, dict):
            raise PlanFormatError(
                f"expected an object, got {type(raw).__name__}",
                where=where,
                field=prefix.rstrip(".") or None,
            )
        self.data: dict[str, Any] = raw
        self.where = where
        self.prefix = prefix

    def error(self, key: str, message: str) -> PlanFormatError:
        return PlanFormatError(message, where=self.where, field=self.prefix + key)

    def check_keys(self, allowed: Iterable[str], *, required: Iterable[str]) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.error(unknown[0], "unknown field")
        for key in required:
            if key not in self.data:
                raise self.error(key, "missing")

    def raw(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {value!r}")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            raise self.error(key, f"expected a string or null, got {value!r}")
        return value

    def integer(self, key: str) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {value!r}")
        return value

    def array(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {value!r}")
        return value

    def choice(self, key: str, kind: type[_E]) -> _E | None:
        value = self.data.get(key)
        return None if value is None else _choice(value, kind, self.error, key)


def _choice(
    value: object, kind: type[_E], error: Callable[[str, str], PlanFormatError], key: str
) -> _E:
    allowed = [member.value for member in kind]
    if not isinstance(value, str) or value not in allowed:
        raise error(key, f"{value!r} is not one of {', '.join(map(repr, allowed))}")
    return kind(value)


def _retention(
    years: int, trigger: RetentionTrigger, event: str | None, *, where: str
) -> Retention:
    try:
        return Retention.for_years(years, trigger, event)
    except ValueError as exc:
        raise PlanFormatError(str(exc), where=where, field="retention") from None


def _is_whole_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


# CSV


def load_csv(
    text: str,
    *,
    name: str,
    version: str,
    org_units: Mapping[str, str] | None = None,
    aktenzeichen_pattern: str = DEFAULT_AKTENZEICHEN_PATTERN,
    sources: Iterable[Source] = (),
) -> FilePlan:
    """Parse a CSV with the columns :data:`CSV_COLUMNS` (comma or semicolon separated).

    CSV holds only the items; the plan's name, version, org-unit titles, pattern and
    sources come from the arguments.  Values are trimmed, keywords split at ";", and
    ``retention_years`` is a whole number or "dauernd".
    """
    text = text.removeprefix("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    items: list[FilePlanItem] = []
    row_number = 1  # the header; spreadsheet numbering
    try:
        _check_header(list(reader.fieldnames or []))
        for row in reader:
            row_number += 1
            items.append(_csv_item(row, row_number))
    except csv.Error as exc:
        where = f"row {row_number + 1}" if reader.fieldnames else "CSV header"
        raise PlanFormatError(f"malformed CSV: {exc}", where=where) from None
    return FilePlan(
        name=name,
        version=version,
        aktenzeichen_pattern=aktenzeichen_pattern,
        sources=tuple(sources),
        org_units=dict(org_units or {}),
        items=tuple(items),
    )


def _check_header(columns: list[str]) -> None:
    problems = []
    missing = [
        column
        for column in CSV_COLUMNS
        if column not in columns and column not in OPTIONAL_CSV_COLUMNS
    ]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    unknown = [column for column in columns if column not in CSV_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        problems.append(f"repeated column(s) {', '.join(repeated)}")
    if problems:
        raise PlanFormatError("; ".join(problems), where="CSV header")


def dump_csv(plan: FilePlan) -> str:
    """The plan's items as CSV; ``load_csv`` of the result gives the same items."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in plan.items:
        retention = item.retention
        if retention is None:
            years, trigger, event = "", "", ""
        elif retention.permanent:
            years, trigger, event = PERMANENT, "", ""
        else:
            years, trigger, event = (
                str(retention.years),
                retention.trigger or "",
                retention.event or "",
            )
        writer.writerow(
            (
                item.code,
                item.title,
                item.parent or "",
                item.level,
                item.description,
                KEYWORD_SEPARATOR.join(item.keywords),
                item.org_unit or "",
                years,
                trigger,
                event,
                item.archive_value or "",
                item.aktenzeichen_pattern or "",
                item.subject or "",
                item.source or "",
                item.confidentiality or "",
            )
        )
    return out.getvalue()


def _csv_item(row: dict[str | Any, str | Any], row_number: int) -> FilePlanItem:
    if None in row or None in row.values():
        raise PlanFormatError(
            f"expected {len(CSV_COLUMNS)} fields, got a different number", where=f"row {row_number}"
        )
    values: dict[str, str] = {key: value.strip() for key, value in row.items()}
    where = f"row {row_number}" + (f" ({values['code']})" if values["code"] else "")

    def error(field: str, message: str) -> PlanFormatError:
        return PlanFormatError(message, where=where, field=field)

    for required in ("code", "title", "level"):
        if not values[required]:
            raise error(required, "missing")
    if not _is_whole_number(values["level"]):
        raise error("level", f"expected a whole number, got {values['level']!r}")
    return FilePlanItem(
        code=values["code"],
        title=values["title"],
        parent=values["parent"] or None,
        level=int(values["level"]),
        description=values["description"],
        keywords=tuple(
            keyword.strip() for keyword in values["keywords"].split(";") if keyword.strip()
        ),
        org_unit=values["org_unit"] or None,
        retention=_csv_retention(values, where, error),
        archive_value=_csv_choice(values, "archive_value", ArchiveValue, error),
        aktenzeichen_pattern=values["aktenzeichen_pattern"] or None,
        subject=_csv_choice(values, "subject", SubjectKind, error),
        source=values["source"] or None,
        confidentiality=values.get("confidentiality") or None,
    )


def _csv_retention(
    values: dict[str, str], where: str, error: Callable[[str, str], PlanFormatError]
) -> Retention | None:
    years, event = values["retention_years"], values["retention_event"] or None
    trigger = _csv_choice(values, "retention_trigger", RetentionTrigger, error)
    if not years:
        if trigger is not None or event is not None:
            raise error("retention_years", "missing, but a retention trigger or event is given")
        return None
    if years.casefold() == PERMANENT:
        if trigger is not None or event is not None:
            raise error("retention_trigger", f"must be empty for a {PERMANENT!r} retention")
        return Retention.keep_permanently()
    if not _is_whole_number(years):
        raise error("retention_years", f"expected a whole number or {PERMANENT!r}, got {years!r}")
    if trigger is None:
        raise error("retention_trigger", "required unless the retention is permanent")
    return _retention(int(years), trigger, event, where=where)


def _csv_choice(
    values: dict[str, str],
    key: str,
    kind: type[_E],
    error: Callable[[str, str], PlanFormatError],
) -> _E | None:
    value = values[key]
    return _choice(value, kind, error, key) if value else None
