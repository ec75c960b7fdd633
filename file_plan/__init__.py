"""The Aktenplan as pure domain: codes, hierarchy, Aktenzeichen, retention rules."""

from __future__ import annotations

from file_plan.aktenzeichen import (
    DEFAULT_AKTENZEICHEN_PATTERN,
    AktenzeichenPattern,
    FoundAktenzeichen,
    ParsedAktenzeichen,
)
from file_plan.defaults import DEFAULT_PLAN_RESOURCE, load_default_plan
from file_plan.errors import (
    AktenzeichenPatternError,
    AktenzeichenValueError,
    FilePlanError,
    PlanFormatError,
    PlanProblem,
    PlanValidationError,
    UnknownFilePlanCodeError,
)
from file_plan.model import (
    ArchiveValue,
    FilePlan,
    FilePlanItem,
    Retention,
    RetentionTrigger,
    Source,
    SubjectKind,
)
from file_plan.plan_io import CSV_COLUMNS, PLAN_FORMAT, dump_csv, dump_json, load_csv, load_json
from file_plan.validation import ensure_valid, validate

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_AKTENZEICHEN_PATTERN",
    "DEFAULT_PLAN_RESOURCE",
    "PLAN_FORMAT",
    "AktenzeichenPattern",
    "AktenzeichenPatternError",
    "AktenzeichenValueError",
    "ArchiveValue",
    "FilePlan",
    "FilePlanError",
    "FilePlanItem",
    "FoundAktenzeichen",
    "ParsedAktenzeichen",
    "PlanFormatError",
    "PlanProblem",
    "PlanValidationError",
    "Retention",
    "RetentionTrigger",
    "Source",
    "SubjectKind",
    "UnknownFilePlanCodeError",
    "dump_csv",
    "dump_json",
    "ensure_valid",
    "load_csv",
    "load_default_plan",
    "load_json",
    "validate",
]
