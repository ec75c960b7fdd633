"""``eakte privacy access-report|disclosure``: the data-protection officer's reports.

With ``--url`` (or ``EAKTE_SERVER_URL``) the server answers, under the officer's API key
(the subject travels in a POST body, never in the URL); otherwise the report is made on
the local data directory, audited as ``cli:<login name>``.  JSON goes to standard output
or ``--output``; a PDF needs ``--output``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.actor import cli_scope
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from api.cli.server import CliError, ServerClient
from api.schemas.privacy import AccessReportOut, DisclosureOut, ReportFormat
from services.privacy.reports import produce_access_report, produce_disclosure
from services.privacy.subjects import parse_subject
from services.settings import Settings

app = typer.Typer(
    help="Privacy reports (GDPR/DSGVO): who read a person's files; the Art. 15 disclosure.",
    no_args_is_help=True,
)

SubjectArg = Annotated[
    str,
    typer.Argument(
        help="'person:Family name, Given names, DD.MM.YYYY' (or '<kind>:<value>'); "
        "'-' reads it from standard input, keeping it out of the shell history"
    ),
]
KindOption = Annotated[str | None, typer.Option("--kind", help="subject key kind (default person)")]
FormatOption = Annotated[ReportFormat, typer.Option("--format", help="json or pdf")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="write to FILE")]
UrlOption = Annotated[
    str | None, typer.Option("--url", help="server URL (default: EAKTE_SERVER_URL; unset = local)")
]
KeyOption = Annotated[
    str | None, typer.Option("--api-key", help="API key for --url (default: EAKTE_API_KEY)")
]


@app.command("access-report")
def access_report(
    subject: SubjectArg,
    kind: KindOption = None,
    since: Annotated[
        str | None, typer.Option(help="reads at or after, e.g. 2026-03-01T00:00:00+01:00")
    ] = None,
    until: Annotated[str | None, typer.Option(help="reads before (ISO 8601, with zone)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="newest reads listed")] = 1000,
    output_format: FormatOption = "json",
    output: OutputOption = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Who read the files about a subject, and when (newest first)."""
    _check_output(output_format, output)
    start, end = _moment("--since", since), _moment("--until", until)
    query: dict[str, Any] = {
        **_subject(subject, kind),
        "since": start.isoformat() if start else None,
        "until": end.isoformat() if end else None,
        "limit": limit,
        "format": output_format,
    }
    settings = settings_or_fail()
    server = url or settings.server_url
    if server:
        _write(_remote(settings, server, api_key, "access-report", query), output)
        return
    with local_container(settings) as container, cli_errors():
        key = parse_subject(query["subject"], kind=query["kind"])
        produced = produce_access_report(
            container.session_factory,
            cli_scope(),
            key,
            since=start,
            until=end,
            limit=limit,
            pdf=output_format == "pdf",
            clock=container.clock,
        )
        report = AccessReportOut.of(produced.report).model_dump(mode="json")
    _write(produced.pdf if produced.pdf is not None else _json(report), output)


@app.command("disclosure")
def disclosure(
    subject: SubjectArg,
    kind: KindOption = None,
    output_format: FormatOption = "json",
    output: OutputOption = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Art. 15 DSGVO: every Akte and document kept under a subject's key."""
    _check_output(output_format, output)
    query: dict[str, Any] = {**_subject(subject, kind), "format": output_format}
    settings = settings_or_fail()
    server = url or settings.server_url
    if server:
        _write(_remote(settings, server, api_key, "disclosure", query), output)
        return
    with local_container(settings) as container, cli_errors():
        key = parse_subject(query["subject"], kind=query["kind"])
        produced = produce_disclosure(
            container.session_factory,
            cli_scope(),
            key,
            pdf=output_format == "pdf",
            clock=container.clock,
        )
        report = DisclosureOut.of(produced.report).model_dump(mode="json")
    _write(produced.pdf if produced.pdf is not None else _json(report), output)


def _subject(subject: str, kind: str | None) -> dict[str, Any]:
    text = sys.stdin.readline().strip() if subject == "-" else subject
    if not text:
        raise fail("no subject given")
    return {"subject": text, "kind": kind}


def _moment(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise fail(f"{option} needs a time zone, e.g. {text}+01:00")
    return moment


def _check_output(output_format: str, output: Path | None) -> None:
    if output_format == "pdf" and output is None:
        raise fail("--format pdf needs --output FILE")


def _json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"{output}: {exc.strerror}") from exc
    typer.echo(f"written: {output} ({len(data)} bytes)", err=True)


def _remote(
    settings: Settings, server: str, api_key: str | None, report: str, query: dict[str, Any]
) -> bytes:
    key = api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
    if not key:
        raise fail("--url needs an API key: --api-key or EAKTE_API_KEY")
    body = {name: value for name, value in query.items() if value is not None}
    try:
        response = ServerClient(server, key, timeout=300).request(
            "POST", f"/api/v1/privacy/{report}", json=body
        )
    except CliError as exc:
        raise fail(str(exc)) from exc
    if query["format"] == "json":
        return _json(response.json())
    return response.content
