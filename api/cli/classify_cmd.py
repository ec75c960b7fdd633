"""``eakte classify`` and ``eakte classifier``: try, train and evaluate the classifier."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.bootstrap import Container
from services.classification.classify import classify_text
from services.classification.evaluation import evaluate
from services.classification.file_text import file_text
from services.classification.model import TextClassifier
from services.classification.policy import Decision
from services.db.session import unit_of_work
from services.errors import EAkteError
from services.records.file_plans import active_plan

classifier_app = typer.Typer(help="The classifier of incoming mail.", no_args_is_help=True)


def classify(
    paths: Annotated[list[Path], typer.Argument(help=".txt, PDF or image files")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
) -> None:
    """Classify letters as the mail room would (OCR when needed); nothing is stored."""
    settings = settings_or_fail()
    failures = 0
    with local_container(settings) as container, cli_errors():
        active = container.models.current()
        for path in paths:
            try:
                result = _classify_one(container, path, active.model)
            except (EAkteError, OSError) as exc:
                failures += 1
                message = exc.detail if isinstance(exc, EAkteError) else str(exc)
                result = {"file": str(path), "error": message}
            _print(result, as_json)
    if failures:
        raise typer.Exit(1)


def _classify_one(container: Container, path: Path, model: TextClassifier) -> dict[str, Any]:
    text = file_text(path, container.settings, container.ocr)
    with unit_of_work(container.session_factory, write=False) as session:
        plan = active_plan(session)
        decision = classify_text(session, plan, text, model, container.settings.classification)
    return {
        "file": str(path),
        "code": decision.code,
        "title": plan.get(decision.code).title if decision.code else None,
        "confidence": decision.confidence,
        "decision": decision.outcome.value,
        "method": decision.method,
        "aktenzeichen": decision.akte.aktenzeichen if decision.akte else None,
        "org_unit": decision.org_unit,
        "proposed_akte": _proposed_akte(decision),
        "top3": [s.to_dict() for s in decision.suggestions],
        "reason": decision.reason,
    }


def _proposed_akte(decision: Decision) -> dict[str, Any] | None:
    """A routed letter's proposal: an existing Akte, or a new one with its subject keys."""
    proposal = decision.proposal
    if proposal is None:
        return None
    if proposal.akte_id:
        return {"new": False, "akte_id": proposal.akte_id, "aktenzeichen": proposal.aktenzeichen}
    new = proposal.new_akte.to_dict() if proposal.new_akte else {"title": None, "subject_keys": []}
    return {"new": True, "code": proposal.code, **new}


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    elif "error" in result:
        typer.echo(f"{result['file']}: error: {result['error']}", err=True)
    else:
        confidence = result["confidence"]
        shown = f"{confidence:.1%}" if confidence is not None else "-"
        proposed = result["proposed_akte"]
        target = ""
        if proposed:
            target = f" -> unit {result['org_unit']}, " + (
                f"Akte {proposed['aktenzeichen']}"
                if not proposed["new"]
                else f"new Akte {proposed['title']!r}"
            )
        typer.echo(
            f"{result['file']}: {result['decision']} {result['code'] or '-'} "
            f"{result['title'] or ''} ({shown}){target}\n    {result['reason']}"
        )


@classifier_app.command("train")
def train() -> None:
    """Train a new model version on the plan, the shipped letters and all review decisions."""
    with local_container(settings_or_fail()) as container, cli_errors():
        active = container.models.train(actor="cli", reason="eakte classifier train")
        meta = active.model.metadata
        threshold = active.model.threshold
        typer.echo(
            f"model version {active.version}: {meta.n_examples} examples, "
            f"threshold {'none' if threshold is None else f'{threshold:.3f}'} "
            f"for target precision {meta.target_precision:.1%}"
        )
        typer.echo(json.dumps(meta.to_dict(), ensure_ascii=False, indent=2))


@classifier_app.command("evaluate")
def evaluate_command(
    labels: Annotated[
        Path, typer.Option("--labels", help="CSV with columns file,code (paths relative to it)")
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Measure the active model on labelled letters: accuracy, macro-F1, precision/coverage."""
    rows = _label_rows(labels)
    with local_container(settings_or_fail()) as container, cli_errors():
        model = container.models.current().model
        texts = [file_text(path, container.settings, container.ocr) for path, _ in rows]
        report = evaluate(model, texts, [code for _, code in rows])
    data = report.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"letters:               {data['n']}")
    typer.echo(f"accuracy:              {data['accuracy']:.3f}")
    typer.echo(f"macro-F1:              {data['macro_f1']:.3f}")
    typer.echo(f"threshold:             {data['threshold']}")
    typer.echo(f"precision @ threshold: {data['precision_at_threshold']}")
    typer.echo(f"coverage @ threshold:  {data['coverage_at_threshold']}")
    typer.echo("most frequent confusions (true -> predicted: count):")
    for true, predicted, count in data["confusions"][:10]:
        typer.echo(f"    {true} -> {predicted}: {count}")


def _label_rows(labels: Path) -> list[tuple[Path, str]]:
    try:
        with labels.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"file", "code"} <= set(reader.fieldnames):
                raise fail(f"{labels}: the CSV needs the columns 'file' and 'code'")
            rows = [(labels.parent / row["file"], row["code"].strip()) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise fail(f"cannot read {labels}: {exc}") from exc
    if not rows:
        raise fail(f"{labels} lists no letters")
    return rows
