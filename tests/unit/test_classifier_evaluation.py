from __future__ import annotations

import json

import pytest

from services.classification.evaluation import evaluate, precision_at_coverage
from services.classification.model import TextClassifier
from services.classification.training_set import Example, ExampleSource


def test_precision_of_the_most_confident_share() -> None:
    confidences = [0.9, 0.8, 0.7, 0.6]
    correct = [True, False, True, True]
    assert precision_at_coverage(confidences, correct, 0.25) == 1.0
    assert precision_at_coverage(confidences, correct, 0.5) == 0.5
    assert precision_at_coverage(confidences, correct, 1.0) == 0.75
    assert precision_at_coverage(confidences, correct, 0.0) is None


def test_ties_at_the_cut_count_with_their_average() -> None:
    confidences = [1.0, 1.0, 1.0, 1.0, 0.5]
    correct = [True, False, True, False, True]
    assert precision_at_coverage(confidences, correct, 0.4) == pytest.approx(0.5)
    reordered = [1, 3, 0, 2, 4]
    assert precision_at_coverage(
        [confidences[i] for i in reordered], [correct[i] for i in reordered], 0.4
    ) == pytest.approx(0.5)


def test_report_of_a_model_on_labelled_letters() -> None:
    examples = [
        Example("Bauantrag Baugenehmigung Bauvorlage", "521.01", ExampleSource.PLAN),
        Example("Wahlschein Briefwahl Wahlbezirk", "121.01", ExampleSource.PLAN),
        Example("Grundsteuer Hundesteuer Steuerbescheid", "611.01", ExampleSource.PLAN),
    ]
    model = TextClassifier.train(examples)
    report = evaluate(
        model,
        ["Mein Bauantrag", "Ein Wahlschein bitte", "Die Hundesteuer", "Der Steuerbescheid"],
        ["521.01", "121.01", "521.01", "611.01"],
    )
    assert report.n == 4
    assert report.accuracy == 0.75
    assert report.confusions == (("521.01", "611.01", 1),)
    assert report.per_class_f1["121.01"] == 1.0
    assert report.macro_f1 == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert report.threshold is None
    assert report.coverage_at_threshold == 0.0
    assert report.precision_at_threshold is None
    assert json.loads(json.dumps(report.to_dict()))["confusions"] == [["521.01", "611.01", 1]]
