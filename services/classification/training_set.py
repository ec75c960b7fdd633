"""What the classifier learns from: the plan's leaves, the shipped letters, human decisions.

The shipped letters are of two kinds: our own example letters (``file_plan/data/letters``,
written together with the classifier, many of them deliberately near another code) and
independent letters (``file_plan/data/independent_letters``: the tuning part of
``benchmarks/corpus``, by a writer who never saw the classifier or our letters).

Every leaf of the file plan becomes one pseudo-document (its title, description,
keywords and its ancestors' titles), so each leaf is a class from the first day, even
before any letter was filed there.  Each keyword is also a short example of its own:
inside the long pseudo-document a keyword is one term among many, alone it ties its
words firmly to the leaf (on the shipped letters: 1.5 points more accuracy and fewer
confident errors).  Sources weigh differently: a human decision on a
real letter of this municipality counts most, a shipped example letter less, a
pseudo-document least (it describes the class, it is not a letter).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from file_plan import FilePlan
from file_plan.letters import INDEPENDENT_DIR, TrainingLetter, load_letters


class ExampleSource(StrEnum):
    PLAN = "plan"
    LETTER = "letter"
    INDEPENDENT = "independent"
    """A shipped letter by a writer who never saw the classifier or the other letters; the
    threshold is calibrated on these (:mod:`services.classification.model`)."""
    HUMAN = "human"


DEFAULT_WEIGHTS: dict[ExampleSource, float] = {
    ExampleSource.PLAN: 0.5,
    ExampleSource.LETTER: 1.0,
    ExampleSource.INDEPENDENT: 1.0,
    ExampleSource.HUMAN: 3.0,
}
KEYWORD_WEIGHT = 0.5
"""Weight of a keyword's own example (the same as the whole pseudo-document)."""


@dataclass(frozen=True, init=False)
class Example:
    text: str
    code: str
    source: ExampleSource
    weight: float
    """Sample weight in training; defaults to :data:`DEFAULT_WEIGHTS` of the source."""

    def __init__(
        self, text: str, code: str, source: ExampleSource, weight: float | None = None
    ) -> None:
        resolved = DEFAULT_WEIGHTS[source] if weight is None else weight
        if not resolved > 0:
            raise ValueError(f"an example's weight must be positive, not {resolved}")
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "weight", float(resolved))


def plan_examples(plan: FilePlan) -> list[Example]:
    """Per leaf: a pseudo-document (titles down to it, description, keywords), and each keyword."""
    examples: list[Example] = []
    for leaf in plan.leaves():
        document = "\n".join(
            [*plan.path_titles(leaf.code), leaf.description, ", ".join(leaf.keywords)]
        )
        examples.append(Example(document, leaf.code, ExampleSource.PLAN))
        examples += [
            Example(keyword, leaf.code, ExampleSource.PLAN, weight=KEYWORD_WEIGHT)
            for keyword in leaf.keywords
        ]
    return examples


def letter_examples(
    letters: Iterable[TrainingLetter], source: ExampleSource = ExampleSource.LETTER
) -> list[Example]:
    return [Example(text=letter.text, code=letter.code, source=source) for letter in letters]


def shipped_examples(plan: FilePlan, *, leave_out: Collection[str] = ()) -> list[Example]:
    """The plan's examples, the shipped letters and the independent letters of its leaves.

    ``leave_out`` names independent letters (file names without ``.txt``) to leave out,
    so that a benchmark can test them with a model that did not learn them.
    """
    leaves = {item.code for item in plan.leaves()}
    independent = [
        letter
        for letter in load_letters(INDEPENDENT_DIR)
        if letter.name.removesuffix(".txt") not in leave_out
    ]
    letters = letter_examples(load_letters()) + letter_examples(
        independent, ExampleSource.INDEPENDENT
    )
    return plan_examples(plan) + [e for e in letters if e.code in leaves]


def training_hash(examples: Sequence[Example]) -> str:
    """SHA-256 of the training data, independent of the examples' order.

    Covers each example's code, source, weight and the SHA-256 of its text, so any
    change of data or labels gives a new hash and a reshuffle does not.
    """
    rows = sorted(
        json.dumps(
            [e.code, e.source.value, repr(e.weight), hashlib.sha256(e.text.encode()).hexdigest()]
        )
        for e in examples
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()
