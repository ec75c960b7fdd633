"""``eakte einvoice``: validate, show and render invoice files; Leitweg-ID routes; accounts.

``validate``, ``show`` and ``render`` work on files alone (no data dir, no server), so the
Rechnungseingangsstelle can check a supplier's file before anything is stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from api.cli.actor import cli_actor
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.bootstrap import Container
from services.db.models import RetentionRule
from services.db.session import unit_of_work
from services.einvoice.analysis import Checked, analyse, check_file, read_invoice
from services.einvoice.intake import invoice_media_type
from services.einvoice.record import invoice_json
from services.errors import EAkteError
from services.settings import EInvoiceSettings

app = typer.Typer(help="E-invoices (XRechnung, ZUGFeRD/Factur-X).", no_args_is_help=True)
routes_app = typer.Typer(help="Leitweg-ID routes.", no_args_is_help=True)
app.add_typer(routes_app, name="routes")


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="XML or hybrid PDF files")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array for all files")] = False,
) -> None:
    """Validate as the KoSIT validator would; exit 0 only if every file is valid."""
    settings = settings_or_fail().einvoice
    results = [_validated(path, settings) for path in files]
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for result in results:
            _print_result(result)
    if not all(result["valid"] for result in results):
        raise typer.Exit(1)


@app.command("show")
def show(file: Annotated[Path, typer.Argument(help="XML or hybrid PDF file")]) -> None:
    """Print the extracted invoice record as JSON."""
    settings = settings_or_fail().einvoice
    checked = _check(file, settings)
    invoice = read_invoice(checked, settings)
    if invoice is None:
        raise fail(f"{file}: no invoice could be read: {_first_error(checked)}")
    typer.echo(json.dumps(invoice_json(invoice), indent=2, ensure_ascii=False))


@app.command("render")
def render(
    file: Annotated[Path, typer.Argument(help="XML or hybrid PDF file")],
    out: Annotated[Path, typer.Argument(help="Where to write the view")],
    html: Annotated[bool, typer.Option("--html", help="Write HTML")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Write PDF")] = False,
) -> None:
    """Write the German view (with the validation result) as HTML or PDF."""
    if html == pdf:
        raise fail("choose exactly one of --html and --pdf")
    settings = settings_or_fail().einvoice
    data = _read(file)
    try:
        analysis = analyse(data, invoice_media_type(data), settings)
    except EAkteError as exc:
        raise fail(f"{file}: {exc.detail}") from exc
    try:
        if html:
            out.write_text(analysis.html, encoding="utf-8")
        else:
            out.write_bytes(analysis.pdf)
    except OSError as exc:
        raise fail(f"{out}: {exc.strerror}") from exc
    typer.echo(f"{out}: {'valid' if analysis.report.valid else 'INVALID'} invoice rendered")


@routes_app.command("list")
def routes_list() -> None:
    """List the Leitweg-ID routes."""
    from services.einvoice.routes import list_routes

    with _records(write=False) as (_, session):
        for route in list_routes(session):
            rule = route.retention_rule or "default"
            note = route.description or ""
            typer.echo(f"{route.leitweg_id:<40} {route.org_unit:<10} {rule:<8} {note}")


@routes_app.command("set")
def routes_set(
    leitweg_id: str,
    org_unit: str,
    retention_rule: Annotated[
        RetentionRule | None, typer.Option("--retention-rule", help="komhvo or ao")
    ] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
) -> None:
    """Route invoices for LEITWEG_ID to ORG_UNIT."""
    from services.einvoice.routes import set_route

    with _records() as (container, session):
        route = set_route(
            session,
            leitweg_id,
            org_unit=org_unit,
            retention_rule=retention_rule,
            description=description,
            actor=cli_actor(),
            clock=container.clock,
        )
        typer.echo(f"{route.leitweg_id} -> {route.org_unit}")


@routes_app.command("remove")
def routes_remove(leitweg_id: str) -> None:
    """Remove the route of LEITWEG_ID."""
    from services.einvoice.routes import remove_route

    with _records() as (container, session):
        remove_route(session, leitweg_id, actor=cli_actor(), clock=container.clock)
        typer.echo(f"removed {leitweg_id}")


@app.command("accounts-adopted")
def accounts_adopted(
    fiscal_year: int, adopted_on: Annotated[str, typer.Argument(help="YYYY-MM-DD")]
) -> None:
    """Record that the council adopted FISCAL_YEAR's accounts (starts KomHVO retention)."""
    from services.einvoice.accounts import record_adoption

    try:
        day = date.fromisoformat(adopted_on)
    except ValueError as exc:
        raise fail(f"not a date: {adopted_on!r} (use YYYY-MM-DD)") from exc
    with _records() as (container, session):
        count = record_adoption(session, fiscal_year, day, actor=cli_actor(), clock=container.clock)
        typer.echo(f"accounts {fiscal_year} adopted on {day}: retention set for {count} invoices")


@contextmanager
def _records(*, write: bool = True) -> Iterator[tuple[Container, Session]]:
    """The local data dir's container and one transaction, with one-line errors."""
    with (
        cli_errors(),
        local_container(settings_or_fail()) as container,
        unit_of_work(container.session_factory, write=write) as session,
    ):
        yield container, session


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror}") from exc


def _check(path: Path, settings: EInvoiceSettings) -> Checked:
    data = _read(path)
    try:
        return check_file(data, invoice_media_type(data), settings)
    except EAkteError as exc:
        raise fail(f"{path}: {exc.detail}") from exc


def _validated(path: Path, settings: EInvoiceSettings) -> dict[str, Any]:
    """The per-file result the issue specifies; unreadable files are invalid with a reason."""
    try:
        data = path.read_bytes()
        checked = check_file(data, invoice_media_type(data), settings)
    except (OSError, EAkteError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc.detail
        return {
            "file": str(path),
            "syntax": None,
            "customization": None,
            "valid": False,
            "errors": [{"rule": "FILE", "severity": "fatal", "message": reason, "location": None}],
            "warnings": [],
        }
    report = checked.report.to_dict()
    return {
        "file": str(path),
        "syntax": report.get("syntax"),
        "customization": report.get("customization"),
        "valid": checked.report.valid,
        "errors": report.get("errors", []),
        "warnings": report.get("warnings", []),
    }


def _print_result(result: dict[str, Any]) -> None:
    verdict = "valid" if result["valid"] else "INVALID"
    typer.echo(f"{result['file']}: {verdict} ({result['syntax']}, {result['customization']})")
    for kind in ("errors", "warnings"):
        for finding in result[kind]:
            where = f" at {finding['location']}" if finding.get("location") else ""
            typer.echo(f"  {finding['severity']:<7} {finding['rule']}: {finding['message']}{where}")


def _first_error(checked: Checked) -> str:
    errors = checked.report.errors
    return errors[0].message_en if errors else "unknown reason"
