"""Structural checks of a parsed file plan; loading a plan does not run them."""

from __future__ import annotations

from collections import Counter

from file_plan.aktenzeichen import AktenzeichenPattern
from file_plan.errors import (
    AktenzeichenPatternError,
    AktenzeichenValueError,
    PlanProblem,
    PlanValidationError,
)
from file_plan.model import (
    CONFIDENTIALITY_CODES,
    FilePlan,
    FilePlanItem,
    code_level,
    parent_code,
)

_SAMPLE_NUMBER = 1
_SAMPLE_YEAR = 2026


def ensure_valid(plan: FilePlan) -> None:
    """Raise :class:`PlanValidationError` listing every problem of ``plan``, if any."""
    problems = validate(plan)
    if problems:
        raise PlanValidationError(problems)


def validate(plan: FilePlan) -> list[PlanProblem]:
    """Every problem of ``plan``: plan-wide ones first, then per item in plan order."""
    problems = _plan_problems(plan)
    source_ids = {source.id for source in plan.sources}
    for item in plan.items:
        problems.extend(
            PlanProblem(item.code, message)
            for message in (
                *_hierarchy_problems(plan, item),
                *_reference_problems(plan, item, source_ids),
                *_leaf_problems(plan, item),
            )
        )
    problems.extend(_cycle_problems(plan))
    return problems


def _plan_problems(plan: FilePlan) -> list[PlanProblem]:
    problems = [
        PlanProblem(None, f"the plan has no {what}")
        for what, value in (("name", plan.name), ("version", plan.version), ("items", plan.items))
        if not value
    ]
    problems.extend(
        PlanProblem(None, f"the Aktenzeichen pattern is invalid: {message}")
        for message in _pattern_problems(plan.aktenzeichen_pattern)
    )
    for source_id, count in Counter(source.id for source in plan.sources).items():
        if count > 1:
            problems.append(PlanProblem(None, f"source id {source_id!r} is used {count} times"))
    for code, count in Counter(item.code for item in plan.items).items():
        if count > 1:
            problems.append(PlanProblem(code, f"the code occurs {count} times"))
    return problems


def _hierarchy_problems(plan: FilePlan, item: FilePlanItem) -> list[str]:
    """Title, code syntax, level and parent.

    The level must be the one the code's syntax gives, and the parent the code the code
    nests under; together this makes every level one below its parent's.
    """
    problems = [] if item.title.strip() else ["the title is empty"]
    level = code_level(item.code)
    if level is None:
        problems.append("the code is malformed (expected e.g. 11, 111, 111.07 or 111.07.01)")
        return problems
    if item.level != level:
        problems.append(f"level {item.level} does not fit the code, which is a level-{level} code")
    expected = parent_code(item.code)
    if item.parent == expected:
        if expected is not None and expected not in plan:
            problems.append(f"the parent {expected!r} is not in the plan")
    elif expected is None:
        problems.append(f"a level-1 code has no parent, not {item.parent!r}")
    elif item.parent is None:
        problems.append(f"the parent is missing: the code nests under {expected!r}")
    else:
        problems.append(
            f"the code does not nest under its parent {item.parent!r} (it nests under {expected!r})"
        )
    return problems


def _reference_problems(plan: FilePlan, item: FilePlanItem, source_ids: set[str]) -> list[str]:
    problems = []
    if item.org_unit is not None and item.org_unit not in plan.org_units:
        problems.append(f"the org unit {item.org_unit!r} is not in the plan's org units")
    if plan.effective_org_unit(item.code) is None:
        problems.append("no org unit, neither on the item nor on an ancestor")
    if item.confidentiality is not None and item.confidentiality not in CONFIDENTIALITY_CODES:
        problems.append(
            f"the confidentiality {item.confidentiality!r} is not an xdomea code "
            f"({', '.join(CONFIDENTIALITY_CODES)})"
        )
    if item.source is not None and item.source not in source_ids:
        problems.append(f"the source {item.source!r} is not in the plan's sources")
    if item.aktenzeichen_pattern is not None:
        problems.extend(
            f"the Aktenzeichen pattern is invalid: {message}"
            for message in _pattern_problems(item.aktenzeichen_pattern)
        )
    return problems


def _leaf_problems(plan: FilePlan, item: FilePlanItem) -> list[str]:
    if plan.get(item.code) is not item or not plan.is_leaf(item.code):
        return []  # a duplicate code is reported once, with its first item
    problems = [
        f"a leaf needs its own {what}"
        for what, value in (("retention", item.retention), ("archive value", item.archive_value))
        if value is None
    ]
    sample = _sample_problem(plan, item)
    if sample:
        problems.append(sample)
    return problems


def _sample_problem(plan: FilePlan, item: FilePlanItem) -> str | None:
    """Check that a leaf's Aktenzeichen prints and reads back as the same code and number."""
    unit = plan.effective_org_unit(item.code)
    try:
        pattern = AktenzeichenPattern(plan.effective_pattern(item.code))
    except AktenzeichenPatternError:
        return None  # reported with the item or plan that sets the pattern
    if unit is None and "unit" in pattern.placeholders:
        return None  # reported as the missing org unit
    try:
        printed = pattern.format(item.code, _SAMPLE_NUMBER, _SAMPLE_YEAR, unit=unit)
    except AktenzeichenValueError as exc:
        return f"no Aktenzeichen can be printed for it: {exc}"
    parsed = pattern.parse(printed)
    if parsed is None or (parsed.code, parsed.number) != (item.code, _SAMPLE_NUMBER):
        return f"its Aktenzeichen {printed!r} does not read back as code {item.code!r}"
    return None


def _pattern_problems(pattern: str) -> list[str]:
    try:
        AktenzeichenPattern(pattern)
    except AktenzeichenPatternError as exc:
        return [str(exc)]
    return []


def _cycle_problems(plan: FilePlan) -> list[PlanProblem]:
    problems = []
    reported: set[str] = set()
    for item in plan.items:
        chain = [item.code]
        parent = item.parent
        while parent is not None and parent in plan and parent not in chain:
            chain.append(parent)
            parent = plan.get(parent).parent
        if parent == item.code and item.code not in reported:
            reported.update(chain)
            cycle = " -> ".join([*chain, item.code])
            problems.append(PlanProblem(item.code, f"the parent chain is a cycle: {cycle}"))
    return problems
