"""The classifier on the shipped letters: held-back precision at the calibrated threshold."""

from __future__ import annotations

from collections import Counter

import pytest
from sklearn.model_selection import train_test_split

from file_plan.defaults import load_default_plan
from file_plan.letters import TrainingLetter, load_letters
from services.classification.evaluation import EvaluationReport, evaluate
from services.classification.model import TextClassifier
from services.classification.training_set import letter_examples, plan_examples

TARGET = 0.98
TOLERANCE = 0.03
"""About two extra errors among some hundred letters filed from a sample of 126."""

LETTERS = load_letters()
pytestmark = pytest.mark.skipif(
    len(Counter(letter.code for letter in LETTERS)) < 10, reason="the letters are not shipped yet"
)


@pytest.fixture(scope="module")
def held_back() -> tuple[TextClassifier, list[TrainingLetter], EvaluationReport]:
    train, test = train_test_split(
        LETTERS, test_size=0.3, stratify=[letter.code for letter in LETTERS], random_state=0
    )
    model = TextClassifier.train(
        plan_examples(load_default_plan()) + letter_examples(train), target_precision=TARGET
    )
    report = evaluate(model, [t.text for t in test], [t.code for t in test])
    return model, test, report


def test_precision_at_the_threshold_holds_on_held_back_letters(
    held_back: tuple[TextClassifier, list[TrainingLetter], EvaluationReport],
) -> None:
    model, _, report = held_back
    assert model.threshold is not None
    assert report.coverage_at_threshold > 0.3
    assert report.precision_at_threshold is not None
    assert report.precision_at_threshold >= TARGET - TOLERANCE


def test_most_held_back_letters_get_the_right_code_on_top(
    held_back: tuple[TextClassifier, list[TrainingLetter], EvaluationReport],
) -> None:
    _, test, report = held_back
    assert report.n == len(test)
    assert report.accuracy >= 0.85
    assert report.macro_f1 >= 0.85
