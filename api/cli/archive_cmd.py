"""``eakte archive offer|poll|processes|approve|cancel``: the transfer to the archive.

Each command works on the embedded data directory or, with ``--url``/EAKTE_URL, against
a server's ``/api/v1/archive/...``; both print the API's JSON shapes with ``--json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from api.cli.actor import cli_scope
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from api.cli.server import ServerClient
from api.presenters_archive import (
    alert_out,
    offer_out,
    poll_out,
    process_detail_out,
    process_out,
)
from services.archive import workflow
from services.archive.alerts import acknowledge_alert
from services.archive.context import ArchiveContext
from services.archive.queries import list_processes, open_alerts, process_detail
from services.db.session import unit_of_work

app = typer.Typer(help="Transfer to the archive (xdomea Aussonderung).", no_args_is_help=True)

PAGE = 500
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="server URL (default: EAKTE_URL / EAKTE_SERVER_URL; unset = local)"),
]
KeyOption = Annotated[
    str | None, typer.Option("--api-key", help="API key for --url (default: EAKTE_API_KEY)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print the API's JSON")]


def _run(
    url: str | None,
    api_key: str | None,
    remote: Callable[[ServerClient], dict[str, Any]],
    local: Callable[[ArchiveContext], dict[str, Any]],
) -> dict[str, Any]:
    settings = settings_or_fail()
    url = url or settings.server_url
    with cli_errors():
        if url:
            key = api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
            if not key:
                raise fail("--url needs an API key: --api-key or EAKTE_API_KEY")
            return remote(ServerClient(url, key, timeout=600.0))
        with local_container(settings) as container:
            return local(container.archive_context)


def _print(body: dict[str, Any], as_json: bool, text: Callable[[dict[str, Any]], str]) -> None:
    typer.echo(json.dumps(body, ensure_ascii=False) if as_json else text(body))


@app.command("offer")
def offer(as_json: JsonOption = False, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Start a process with every due Akte not yet offered (two-step: writes the 0503)."""
    body = _run(
        url,
        api_key,
        lambda server: server.json("POST", "/api/v1/archive/offer"),
        lambda context: offer_out(workflow.offer(context, cli_scope())).model_dump(mode="json"),
    )
    _print(body, as_json, _offer_text)


def _offer_text(body: dict[str, Any]) -> str:
    lines = [
        f"{len(body['offered'])} Akten offered, {len(body['waived'])} waived, "
        f"{len(body['skipped'])} skipped; processes: {', '.join(body['processes']) or 'none'}"
    ]
    lines += [f"  skipped {s['aktenzeichen']}: {s['reason']}" for s in body["skipped"]]
    return "\n".join(lines)


@app.command("poll")
def poll(as_json: JsonOption = False, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Read the archive's replies, act on them and write ours (what the scheduled job does)."""
    body = _run(
        url,
        api_key,
        lambda server: server.json("POST", "/api/v1/archive/poll"),
        lambda context: poll_out(workflow.poll(context, actor=cli_scope().actor)).model_dump(
            mode="json"
        ),
    )
    _print(body, as_json, _poll_text)
    if any(not message["accepted"] for message in body["messages"]):
        raise typer.Exit(1)


def _poll_text(body: dict[str, Any]) -> str:
    lines = [f"{len(body['messages'])} message(s) read"]
    for m in body["messages"]:
        verdict = "read" if m["accepted"] else "REFUSED"
        lines.append(f"  {verdict} {m['file']}: {m['detail']}")
    return "\n".join(lines)


@app.command("processes")
def processes(
    running: Annotated[bool, typer.Option("--running", help="only running processes")] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """The transfer processes, newest first."""

    def remote(server: ServerClient) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            page = server.json(
                "GET",
                "/api/v1/archive/processes",
                params={"limit": PAGE, "offset": offset, "running": running},
            )
            items.extend(page["items"])
            offset = page["next_offset"]
        return {"total": len(items), "items": items}

    def local(context: ArchiveContext) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        with unit_of_work(context.factory, write=False) as session:
            offset = 0
            while True:
                page = list_processes(
                    session, cli_scope(), limit=PAGE, offset=offset, running_only=running
                )
                items.extend(process_out(s).model_dump(mode="json") for s in page.items)
                offset += PAGE
                if offset >= page.total:
                    return {"total": len(items), "items": items}

    body = _run(url, api_key, remote, local)
    _print(body, as_json, _processes_text)


def _processes_text(body: dict[str, Any]) -> str:
    lines = [f"{body['total']} process(es)"]
    for p in body["items"]:
        approval = "  awaiting approval" if p["awaiting_approval"] else ""
        alerts = f"  {p['open_alerts']} alert(s)" if p["open_alerts"] else ""
        lines.append(
            f"{p['id']}  {p['flow']}  {p['status']}  {p['akten']} Akten  "
            f"{json.dumps(p['items'], sort_keys=True)}{approval}{alerts}"
        )
    return "\n".join(lines)


@app.command("approve")
def approve(
    process_id: Annotated[str, typer.Argument(help="the ProzessID")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Approve a process's destruction list; the records are destroyed with a certificate."""

    def local(context: ArchiveContext) -> dict[str, Any]:
        workflow.approve(context, cli_scope(), process_id)
        return _detail(context, process_id)

    body = _run(
        url,
        api_key,
        lambda server: server.json("POST", f"/api/v1/archive/processes/{process_id}/approve"),
        local,
    )
    _print(body, as_json, _process_text)


@app.command("cancel")
def cancel(
    process_id: Annotated[str, typer.Argument(help="the ProzessID")],
    reason: Annotated[str, typer.Option("--reason", help="why the process stops")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Cancel a running process: nothing more is destroyed, its Akten are released."""

    def local(context: ArchiveContext) -> dict[str, Any]:
        workflow.cancel(context, cli_scope(), process_id, reason=reason)
        return _detail(context, process_id)

    body = _run(
        url,
        api_key,
        lambda server: server.json(
            "POST", f"/api/v1/archive/processes/{process_id}/cancel", json={"reason": reason}
        ),
        local,
    )
    _print(body, as_json, _process_text)


@app.command("alerts")
def alerts(as_json: JsonOption = False, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Open archive alerts (failed imports, overdue replies, refused messages); exit 1 if any."""

    def local(context: ArchiveContext) -> dict[str, Any]:
        with unit_of_work(context.factory, write=False) as session:
            page = open_alerts(session, cli_scope(), limit=PAGE, offset=0)
            return {
                "total": page.total,
                "items": [alert_out(a).model_dump(mode="json") for a in page.items],
            }

    body = _run(
        url,
        api_key,
        lambda server: server.json("GET", "/api/v1/archive/alerts", params={"limit": PAGE}),
        local,
    )
    _print(
        body,
        as_json,
        lambda b: "\n".join(
            [f"{b['total']} open alert(s)"]
            + [
                f"  #{a['id']} {a['kind']} ({a['process_id'] or '-'}): {a['message']}"
                for a in b["items"]
            ]
        ),
    )
    if body["total"]:
        raise typer.Exit(1)


@app.command("resolve")
def resolve(
    alert_id: Annotated[int, typer.Argument(help="the alert's number")],
    note: Annotated[str, typer.Option("--note", help="what was done about it")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Acknowledge an alert whose cause was dealt with (audited with the note)."""

    def local(context: ArchiveContext) -> dict[str, Any]:
        with unit_of_work(context.factory) as session:
            alert = acknowledge_alert(
                session, cli_scope(), alert_id=alert_id, note=note, clock=context.clock
            )
            return alert_out(alert).model_dump(mode="json")

    body = _run(
        url,
        api_key,
        lambda server: server.json(
            "POST", f"/api/v1/archive/alerts/{alert_id}/resolve", json={"note": note}
        ),
        local,
    )
    _print(body, as_json, lambda b: f"alert #{b['id']} resolved")


def _detail(context: ArchiveContext, process_id: str) -> dict[str, Any]:
    with unit_of_work(context.factory, write=False) as session:
        detail = process_detail(session, cli_scope(), process_id)
        return process_detail_out(detail).model_dump(mode="json")


def _process_text(body: dict[str, Any]) -> str:
    lines = [f"{body['id']}  {body['flow']}  {body['status']}"]
    for akte in body.get("akten_list", []):
        lines.append(
            f"  {akte['aktenzeichen']}  {akte['state']}  archive: {akte['archive_value'] or '-'}"
            f"  {akte['title']}"
        )
    for certificate in body.get("certificates", []):
        lines.append(f"  certificate {certificate['number']}: {certificate['pdf_url']}")
    return "\n".join(lines)
