"""How well a model files labelled letters: accuracy, macro-F1, precision and coverage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from services.classification.model import TextClassifier

TOP_CONFUSIONS = 20


@dataclass(frozen=True)
class EvaluationReport:
    n: int
    accuracy: float
    """Share of letters whose most probable code is right (as if every letter were filed)."""
    macro_f1: float
    """F1 averaged over the true codes with equal weight, so small codes count as much."""
    threshold: float | None
    precision_at_threshold: float | None
    """Share of right codes among the letters the model would file by itself; None if none."""
    coverage_at_threshold: float
    """Share of letters the model would file by itself (the rest goes to a person)."""
    confusions: tuple[tuple[str, str, int], ...]
    """The most frequent mistakes as (true code, predicted code, count), most frequent first."""
    per_class_f1: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["confusions"] = [list(row) for row in self.confusions]
        return data


def evaluate(
    model: TextClassifier, texts: Sequence[str], labels: Sequence[str]
) -> EvaluationReport:
    """Classify ``texts`` and compare with the true ``labels``; applies the model's threshold."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels must have the same length")
    if not texts:
        raise ValueError("nothing to evaluate")
    tops = [prediction.top for prediction in model.predict_many(texts)]
    predicted = [top.code for top in tops]
    confidences = np.array([top.probability for top in tops])
    correct = np.array([p == t for p, t in zip(predicted, labels, strict=True)])
    threshold = model.threshold
    filed = confidences >= threshold if threshold is not None else np.zeros(len(texts), bool)
    codes = sorted(set(labels))
    per_class = f1_score(labels, predicted, labels=codes, average=None, zero_division=0)
    mistakes = Counter((t, p) for t, p in zip(labels, predicted, strict=True) if t != p)
    return EvaluationReport(
        n=len(texts),
        accuracy=float(accuracy_score(labels, predicted)),
        macro_f1=float(np.mean(per_class)),
        threshold=threshold,
        precision_at_threshold=float(correct[filed].mean()) if filed.any() else None,
        coverage_at_threshold=float(filed.mean()),
        confusions=tuple(
            (true, wrong, count)
            for (true, wrong), count in sorted(
                mistakes.items(), key=lambda item: (-item[1], item[0])
            )[:TOP_CONFUSIONS]
        ),
        per_class_f1={code: float(f1) for code, f1 in zip(codes, per_class, strict=True)},
    )


def precision_at_coverage(
    confidences: Sequence[float], correct: Sequence[bool], coverage: float
) -> float | None:
    """Precision of the ``coverage`` share of most confident predictions; None if none.

    Compares a model without a threshold with one that has: at the same number of
    letters filed, how many of its most confident ones are right.  Predictions tied at
    the cut are counted with their average correctness (the expected result of
    breaking the tie at random), so the order of the input does not matter.
    """
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct must have the same length")
    count = round(coverage * len(confidences))
    if count == 0:
        return None
    scores = np.asarray(confidences, dtype=float)
    right = np.asarray(correct, dtype=bool)
    cut = np.sort(scores)[::-1][count - 1]
    above = scores > cut
    tied = scores == cut
    slots = count - int(above.sum())
    hits = right[above].sum() + slots * right[tied].mean()
    return float(hits / count)
