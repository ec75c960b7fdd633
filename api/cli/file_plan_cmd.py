"""``eakte file-plan``: validate, show, import and export file plans."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from file_plan import FilePlan, validate
from file_plan.aktenzeichen import DEFAULT_AKTENZEICHEN_PATTERN
from file_plan.plan_io import dump_csv, dump_json, load_csv, load_json
from services.db.session import unit_of_work
from services.records.file_plans import active_plan, import_plan

app = typer.Typer(help="The file plan (Aktenplan).", no_args_is_help=True)


class PlanFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


FormatOption = Annotated[
    PlanFormat | None, typer.Option("--format", help="json or csv (default: by file suffix)")
]


def _format_of(path: Path, given: PlanFormat | None) -> PlanFormat:
    if given is not None:
        return given
    return PlanFormat.CSV if path.suffix.lower() == ".csv" else PlanFormat.JSON


def _read(path: Path, given: PlanFormat | None, *, base: FilePlan | None) -> FilePlan:
    """Parse a plan file; a CSV takes name, org units and pattern from ``base``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}") from exc
    with cli_errors():
        if _format_of(path, given) is PlanFormat.JSON:
            return load_json(text)
        return load_csv(
            text,
            name=base.name if base else path.stem,
            version=base.version if base else "csv",
            org_units=dict(base.org_units) if base else None,
            aktenzeichen_pattern=base.aktenzeichen_pattern
            if base
            else DEFAULT_AKTENZEICHEN_PATTERN,
            sources=base.sources if base else (),
        )
    raise AssertionError("unreachable")  # cli_errors re-raises


@app.command("validate")
def validate_command(path: Path, plan_format: FormatOption = None) -> None:
    """Check a plan file; exit 1 and list the problems when it is invalid."""
    plan = _read(path, plan_format, base=None)
    problems = validate(plan)
    for problem in problems:
        typer.echo(f"{problem.code or '-'}: {problem.message}", err=True)
    if problems:
        raise fail(f"{path}: {len(problems)} problem(s)")
    typer.echo(f"{path}: valid, {len(plan.items)} items, {len(plan.leaves())} leaves")


@app.command("show")
def show(
    path: Annotated[
        Path | None, typer.Argument(help="a plan file (default: the active plan)")
    ] = None,
    code: Annotated[str | None, typer.Option(help="only this code and below")] = None,
    plan_format: FormatOption = None,
) -> None:
    """Print the plan as an indented tree with unit, retention and archive value."""
    plan = _read(path, plan_format, base=None) if path else _active()
    with cli_errors():
        for item in plan.subtree(code) if code else plan.items:
            line = f"{'  ' * (item.level - 1)}{item.code}  {item.title}"
            if plan.is_leaf(item.code):
                retention = plan.effective_retention(item.code)
                line += (
                    f"  [{plan.effective_org_unit(item.code)}"
                    f" | {retention.describe() if retention else '?'}"
                    f" | {plan.effective_archive_value(item.code) or '?'}]"
                )
            typer.echo(line)


@app.command("import")
def import_command(path: Path, plan_format: FormatOption = None) -> None:
    """Make a plan file the active plan (refused when invalid or when it drops used codes)."""
    settings = settings_or_fail()
    with local_container(settings) as container, cli_errors():
        with unit_of_work(container.session_factory, write=False) as session:
            base = active_plan(session)
        plan = _read(path, plan_format, base=base)
        with unit_of_work(container.session_factory) as session:
            version = import_plan(session, plan, actor="cli", clock=container.clock)
        typer.echo(
            f"imported {plan.name} {plan.version}: {len(plan.items)} items (plan #{version.id})"
        )


@app.command("export")
def export(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="default: stdout")] = None,
    plan_format: Annotated[PlanFormat, typer.Option("--format")] = PlanFormat.JSON,
) -> None:
    """Write the active plan as JSON or CSV."""
    plan = _active()
    text = dump_json(plan) if plan_format is PlanFormat.JSON else dump_csv(plan)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _active() -> FilePlan:
    with (
        local_container(settings_or_fail()) as container,
        cli_errors(),
        unit_of_work(container.session_factory, write=False) as session,
    ):
        return active_plan(session)
