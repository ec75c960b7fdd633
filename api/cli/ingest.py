"""``eakte ingest``: upload files, optionally wait for processing, report per file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.backends import Backend
from api.cli.server import CliError
from services.intake.receive import IntakeMetadata


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; directories contribute their files (sorted, not hidden)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            )
        else:
            files.append(path)
    return files


def run_ingest(
    backend: Backend,
    paths: list[Path],
    metadata: IntakeMetadata,
    *,
    wait: bool,
    as_json: bool,
) -> int:
    """Ingest every file; return the number of files that were refused or failed."""
    files = expand_paths(paths)
    results: dict[Path, dict[str, Any]] = {}
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )
    with progress:
        upload_task = progress.add_task("uploading", total=len(files))
        for path in files:
            try:
                results[path] = {"file": str(path), "item": backend.ingest(path, metadata)}
            except CliError as exc:
                results[path] = {"file": str(path), "error": str(exc)}
            progress.advance(upload_task)
        item_paths = {r["item"]["id"]: p for p, r in results.items() if "item" in r}
        if wait and item_paths:
            wait_task = progress.add_task("processing", total=len(item_paths))
            backend.wait(list(item_paths), lambda _: progress.advance(wait_task))
            for item_id, path in item_paths.items():
                results[path]["item"] = backend.item(item_id)
    failures = 0
    for path in files:
        report = _report(results[path])
        if "error" in report:
            failures += 1
        _print(report, as_json)
    return failures


def _report(result: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = {"file": result["file"]}
    if "error" in result:
        report["error"] = result["error"]
        report["documents"] = []
        return report
    item = result["item"]
    report.update(
        item_id=item["id"],
        status=item["status"],
        duplicate=item["duplicate"],
        documents=[
            {
                "id": doc["id"],
                "status": doc["status"],
                "pages": doc["pages"],
                "text_chars": doc["text_chars"],
            }
            for doc in item["documents"]
        ],
    )
    if item["status"] == "failed":
        report["error"] = item["failure_reason"]
    return report


def _print(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    if "error" in report:
        typer.echo(f"{report['file']}: FAILED: {report['error']}", err=True)
        return
    documents = ", ".join(
        f"{d['id']} ({d['pages']} pages, {d['text_chars']} chars)" for d in report["documents"]
    )
    duplicate = " (duplicate)" if report["duplicate"] else ""
    typer.echo(
        f"{report['file']}: {report['status']}{duplicate} item {report['item_id']} {documents}"
    )
