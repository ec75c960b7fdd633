"""Routing of independent letters: how many are filed or routed without the mail room, how right.

    python -m benchmarks.routing [--part tuning|heldback] [--distractors 400] [--errors] [--quick]

The letters are the independent corpus (``benchmarks/corpus/<part>/*.json``, written by
agents who never saw the classifier or its training letters).  A world is built in an
embedded SQLite database with the default plan: every letter's ``existing_akte`` is opened
with its subject keys, beside ``--distractors`` Akten of made-up persons, Kassenzeichen,
Bauanträge and plots, and per person a letter names with birth date an Akte of the same
code for a namesake born on another day.  Then each letter's
text is classified exactly as the mail room does (:func:`classify_text`).  The text is the
letter's fields in reading order: e-mail headers, sender, recipient, information block
("label: value", empty values left out), date line, subject, body, closing, footer.

Models: ``--part heldback`` uses the model trained as in production on the plan, our
letters and the independent letters (the tuning part, shipped by
``--write-training-letters`` to ``file_plan/data/independent_letters``), calibrated on the
independent letters.  ``--part tuning`` must not test a letter with a model that learnt
it: the tuning letters are split into ``--folds`` folds by their id, and each fold is
classified by a model trained and calibrated exactly as in production on everything
else (so its threshold comes from the other folds only).

Figures: the share of letters decided ``auto`` / ``routed`` / ``review``; the share of
auto + routed letters on the right code; of auto letters in the right Akte (the
letter's existing Akte, else the Sammelakte of the right code); of routed letters with
an existing Akte whose proposal is that Akte, and of routed letters without one whose
proposal is a new Akte; top-1 and top-3 accuracy of the classifier alone.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.table import print_table
from file_plan import FilePlan
from file_plan.defaults import load_default_plan
from file_plan.letters import INDEPENDENT_DIR, load_letters
from services.classification.classify import classify_text
from services.classification.matching import find_references
from services.classification.model import TextClassifier
from services.classification.policy import Decision, Outcome
from services.classification.references import ReferenceKind
from services.classification.training_set import shipped_examples
from services.clock import SystemClock
from services.db.migrate import upgrade
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.records.akten import NewAkte, create_akte
from services.records.file_plans import active_plan, ensure_plan
from services.records.subject_keys import SubjectKey, subject_key
from services.settings import ClassificationSettings

CORPUS = Path(__file__).parent / "corpus"
FAMILY = """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch
    Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann
    Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König
    Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert
    Yılmaz Kaya Demir Şahin Nowak Kowalski Popescu Ivanova Haddad Rahimi Okonkwo"""
GIVEN = """Anna Maria Julia Laura Lea Sarah Lisa Hannah Lena Mia Emma Sophie Katharina
    Thomas Michael Andreas Stefan Peter Markus Christian Jan Lukas Felix Jonas Paul
    Ahmet Ayşe Mehmet Elif Piotr Agnieszka Ion Olga Samir Fatima Daniel"""
STREETS = "Lindenallee|Marktstraße|Bahnhofstraße|Am Dorfteich|Kirchweg|Mühlenweg"


@dataclass(frozen=True)
class Letter:
    id: str
    code: str
    text: str
    existing_akte: dict[str, Any] | None


@dataclass
class Tally:
    n: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    code_right: int = 0
    auto_akte_right: int = 0
    routed_existing: int = 0
    routed_existing_right: int = 0
    routed_new: int = 0
    routed_new_right: int = 0
    top1: int = 0
    top3: int = 0
    errors: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    thresholds: list[float] = field(default_factory=list)
    """The models' auto-filing thresholds (one per fold for the tuning part)."""


def load_part(part: str) -> list[Letter]:
    """The corpus letters of one part (``tuning`` or ``heldback``), sorted by id."""
    letters = []
    for path in sorted((CORPUS / part).glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        letters.append(
            Letter(data["id"], data["code"], letter_text(data), data.get("existing_akte"))
        )
    return letters


def letter_text(data: dict[str, Any]) -> str:
    """The letter's fields joined in reading order (see the module docstring)."""
    lines: list[str] = [f"{k}: {v}" for k, v in data.get("email_headers") or [] if v]
    lines += data.get("sender") or []
    lines += [""] + (data.get("recipient") or [])
    lines += [""] + [f"{k}: {v}" for k, v in data.get("info_block") or [] if str(v).strip()]
    lines += ["", data.get("date_line") or "", "", data.get("subject") or "", ""]
    for paragraph in data.get("body") or []:
        lines += [paragraph, ""]
    lines += data.get("closing") or []
    lines += [""] + (data.get("footer") or [])
    return "\n".join(lines).strip() + "\n"


def build_world(url: str, letters: Sequence[Letter], distractors: int, seed: int) -> dict[str, str]:
    """Create the database and its Akten; return letter id -> its existing Akte's id."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    clock = SystemClock()
    expected: dict[str, str] = {}
    with unit_of_work(factory) as session:
        ensure_plan(session, clock=clock)
        plan = active_plan(session)
        opened: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}
        for letter in letters:
            if not letter.existing_akte:
                continue
            keys = [
                subject_key(k["kind"], k["display"])
                for k in letter.existing_akte.get("subject_keys") or []
            ]
            title = letter.existing_akte["title"]
            ident = (letter.code, title, tuple(sorted((k.kind, k.value) for k in keys)))
            if ident not in opened:
                akte = create_akte(
                    session, plan, NewAkte(letter.code, title, subject_keys=keys),
                    actor="benchmark", clock=clock,
                )  # fmt: skip
                opened[ident] = akte.id
            expected[letter.id] = opened[ident]
        rng = random.Random(seed)
        codes = sorted({letter.code for letter in letters})
        made = [(rng.choice(codes), *_distractor_keys(rng, n)) for n in range(distractors)]
        made += _namesakes(plan, letters, rng)
        for code, keys, title in made:
            create_akte(
                session, plan, NewAkte(code, title, subject_keys=keys),
                actor="benchmark", clock=clock,
            )  # fmt: skip
    return expected


def _namesakes(
    plan: FilePlan, letters: Sequence[Letter], rng: random.Random
) -> list[tuple[str, list[SubjectKey], str]]:
    """Per person a letter names with birth date: an Akte of the same code for a namesake.

    Same family and given name, another birth date: not the person of the letter.
    """
    made = []
    for letter in letters:
        for reference in find_references(plan, letter.text):
            if reference.kind is not ReferenceKind.PERSON:
                continue
            family, given, _ = reference.value.split("|")
            born = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1940, 2024)}"
            name = f"{family.title()}, {given.title()}"
            made.append((letter.code, [subject_key("person", f"{name}, {born}")], name))
    return made


def _distractor_keys(rng: random.Random, number: int) -> tuple[list[SubjectKey], str]:
    kind = number % 4
    if kind == 0:
        family, given = rng.choice(FAMILY.split()), rng.choice(GIVEN.split())
        born = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1940, 2024)}"
        return [subject_key("person", f"{family}, {given}, {born}")], f"{family}, {given}"
    if kind == 1:
        value = f"{rng.randint(5, 6)}.{rng.randint(0, 9999):04d}.{rng.randint(0, 999999):06d}."
        value += str(rng.randint(0, 9))
        return [subject_key("kassenzeichen", value)], f"Forderung {rng.choice(FAMILY.split())}"
    if kind == 2:
        value = f"BA-{rng.randint(2019, 2026)}-{rng.randint(1, 2000):04d}"
        street = f"{rng.choice(STREETS.split('|'))} {rng.randint(1, 80)}"
        return [subject_key("bauantrag", value)], f"Bauvorhaben {street}"
    plot = f"Hagenbeck {rng.randint(1, 20)} {rng.randint(1, 400)}/{rng.randint(1, 9)}"
    return [subject_key("flurstueck", plot)], f"Grundstück {rng.choice(STREETS.split('|'))}"


def write_independent_letters() -> int:
    """Ship the tuning letters' texts as independent training letters; return how many.

    Writes ``file_plan/data/independent_letters/<code>/<id>.txt`` (replacing what was
    there); never the held-back part.
    """
    root = Path(__file__).parent.parent / "file_plan" / "data" / "independent_letters"
    for old in root.glob("*/*.txt"):
        old.unlink()
    letters = load_part("tuning")
    for letter in letters:
        target = root / letter.code / f"{letter.id}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(letter.text, encoding="utf-8")
    return len(letters)


def models_for(letters: Sequence[Letter], folds: int) -> dict[str, TextClassifier]:
    """Letter id -> a model that did not learn that letter (see the module docstring)."""
    target = ClassificationSettings().target_precision
    plan = load_default_plan()
    trained = {letter.name.removesuffix(".txt") for letter in load_letters(INDEPENDENT_DIR)}
    tested = sorted(letter.id for letter in letters)
    if not trained & set(tested):
        model = TextClassifier.train(shipped_examples(plan), target_precision=target)
        return dict.fromkeys(tested, model)
    chosen: dict[str, TextClassifier] = {}
    for fold in range(folds):
        held = {ident for i, ident in enumerate(tested) if i % folds == fold}
        examples = shipped_examples(plan, leave_out=held)
        chosen.update(dict.fromkeys(held, TextClassifier.train(examples, target_precision=target)))
    return chosen


def score(
    letter: Letter, decision: Decision, ranked: list[str], akte_id: str | None, t: Tally
) -> None:
    t.n += 1
    t.outcomes[decision.outcome.value] += 1
    t.top1 += ranked[:1] == [letter.code]
    t.top3 += letter.code in ranked[:3]
    problem = ""
    if decision.outcome is Outcome.REVIEW:
        top = f"{decision.code} {decision.confidence:.3f}" if decision.confidence else "-"
        t.reviews.append(f"{letter.id} {letter.code} review ({decision.method}, top {top})")
        return
    if decision.code == letter.code:
        t.code_right += 1
    else:
        problem = f"code {decision.code}"
    if decision.outcome is Outcome.AUTO:
        filed = decision.akte.id if decision.akte else None
        if filed == akte_id and decision.code == letter.code:
            t.auto_akte_right += 1
        else:
            problem += f" Akte {decision.akte.aktenzeichen if decision.akte else 'Sammelakte'}"
    else:
        proposal = decision.proposal
        proposed = proposal.akte_id if proposal else None
        if akte_id is not None:
            t.routed_existing += 1
            t.routed_existing_right += proposed == akte_id
            problem += "" if proposed == akte_id else f" proposed {proposed or 'new Akte'}"
        else:
            t.routed_new += 1
            t.routed_new_right += proposed is None
            problem += (
                ""
                if proposed is None
                else f" proposed existing {proposal and proposal.aktenzeichen}"
            )
    if problem:
        t.errors.append(f"{letter.id} {letter.code} {decision.outcome.value}:{problem.strip()}")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "-"


def run(part: str, distractors: int, folds: int, seed: int) -> Tally:
    letters = load_part(part)
    if not letters:
        raise SystemExit(f"no letters in {CORPUS / part}")
    models = models_for(letters, folds)
    settings = ClassificationSettings()
    tally = Tally()
    tally.thresholds = sorted({m.threshold for m in models.values() if m.threshold is not None})
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'routing.db'}"
        expected = build_world(url, letters, distractors, seed)
        factory = make_session_factory(make_engine(url))
        with unit_of_work(factory, write=False) as session:
            plan = active_plan(session)
            for letter in letters:
                model = models[letter.id]
                decision = classify_text(session, plan, letter.text, model, settings)
                ranked = [s.code for s in model.predict(letter.text).ranked]
                score(letter, decision, ranked, expected.get(letter.id), tally)
    return tally


def report(part: str, tally: Tally, thresholds: str) -> None:
    n = tally.n
    decided = tally.outcomes["auto"] + tally.outcomes["routed"]
    rows = [
        ["letters", str(n)],
        ["auto", _share(tally.outcomes["auto"], n)],
        ["routed", _share(tally.outcomes["routed"], n)],
        ["review", _share(tally.outcomes["review"], n)],
        ["auto + routed", _share(decided, n)],
        ["auto + routed on the right code", _share(tally.code_right, decided)],
        ["auto in the right Akte", _share(tally.auto_akte_right, tally.outcomes["auto"])],
        [
            "routed, existing Akte proposed",
            _share(tally.routed_existing_right, tally.routed_existing),
        ],
        ["routed, new Akte proposed", _share(tally.routed_new_right, tally.routed_new)],
        ["top-1 (classifier)", _share(tally.top1, n)],
        ["top-3 (classifier)", _share(tally.top3, n)],
        ["threshold(s)", ", ".join(f"{t:.3f}" for t in tally.thresholds) or "none"],
    ]
    print(f"routing of the {part} corpus ({thresholds})")
    print_table(["figure", "value"], rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("tuning", "heldback"), default="tuning")
    parser.add_argument("--distractors", type=int, default=400)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2 folds, 100 distractor Akten")
    parser.add_argument(
        "--errors", action="store_true", help="list the wrong decisions and the reviewed letters"
    )
    parser.add_argument(
        "--write-training-letters",
        action="store_true",
        help="ship the tuning letters as independent training letters, then stop",
    )
    args = parser.parse_args(argv)
    if args.write_training_letters:
        print(f"wrote {write_independent_letters()} independent letters")
        return
    if args.quick:
        args.folds, args.distractors = 2, 100
    started = time.monotonic()
    tally = run(args.part, args.distractors, args.folds, args.seed)
    report(
        args.part, tally, f"{args.distractors} distractor Akten, {time.monotonic() - started:.0f} s"
    )
    if args.errors:
        print("\n".join(tally.errors) or "no wrong decisions", file=sys.stderr)
        print("\n".join(tally.reviews), file=sys.stderr)


if __name__ == "__main__":
    main()
