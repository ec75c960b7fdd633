from __future__ import annotations

import numpy as np
import pytest

from services.classification.calibration import (
    calibrated,
    fit_temperature,
    threshold_for_precision,
    wilson_bounds,
)


def _ranked(correct: list[bool]) -> list[float]:
    """Confidences falling from 0.99 in list order."""
    return list(np.linspace(0.99, 0.6, len(correct)))


def test_the_lowest_threshold_whose_lower_bound_reaches_the_target() -> None:
    correct = [True] * 300 + [False] * 20
    confidences = _ranked(correct)
    threshold = threshold_for_precision(confidences, correct, 0.98)
    assert threshold is not None
    filed = [c for c, conf in zip(correct, confidences, strict=True) if conf >= threshold]
    assert 300 <= len(filed) < 320
    assert wilson_bounds(sum(filed), len(filed))[0] >= 0.98
    one_more = len(filed) + 1
    assert wilson_bounds(sum(correct[:one_more]), one_more)[0] < 0.98


def test_too_few_predictions_give_no_threshold() -> None:
    """40 right out of 40 do not show 98 % with statistical margin; 60 do."""
    assert threshold_for_precision(_ranked([True] * 40), [True] * 40, 0.98) is None
    assert threshold_for_precision(_ranked([True] * 60), [True] * 60, 0.98) is not None
    assert threshold_for_precision(_ranked([True] * 60), [True] * 60, 0.98, z=1.645) is None


def test_an_unreachable_target_gives_none() -> None:
    correct = [True, True, True, False] * 100
    assert threshold_for_precision(_ranked(correct), correct, 0.98) is None


def test_confident_errors_at_the_top_are_not_averaged_away() -> None:
    correct = [True] * 25 + [False] * 5 + [True] * 1000
    assert threshold_for_precision(_ranked(correct), correct, 0.98) is None


def test_errors_among_the_first_few_are_tolerated_below_min_support() -> None:
    correct = [False] + [True] * 400
    threshold = threshold_for_precision(_ranked(correct), correct, 0.98)
    assert threshold is not None
    assert threshold == pytest.approx(0.6)


def test_ties_are_filed_together() -> None:
    confidences = [0.9] * 200 + [0.8] * 200
    correct = [True] * 200 + [True] * 150 + [False] * 50
    assert threshold_for_precision(confidences, correct, 0.98) == 0.9


def test_never_below_even_odds() -> None:
    correct = [True] * 400
    confidences = list(np.linspace(0.99, 0.1, 400))
    threshold = threshold_for_precision(confidences, correct, 0.98)
    assert threshold is not None
    assert threshold >= 0.5


def test_temperature_sharpens_underconfident_scores() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, size=200)
    logits = rng.normal(size=(200, 4))
    logits[np.arange(200), truth] += 1.0  # right, but with little margin
    log_proba = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    temperature = fit_temperature(log_proba, truth.astype(np.intp))
    assert temperature < 1
    proba = calibrated(log_proba, temperature)
    assert np.allclose(proba.sum(axis=1), 1)
    assert (proba.argmax(axis=1) == log_proba.argmax(axis=1)).all()


def test_temperature_stays_finite_when_every_prediction_is_right() -> None:
    truth = np.array([0, 1] * 50, dtype=np.intp)
    log_proba = np.log(np.where(np.eye(2)[truth] == 1, 0.9, 0.1))
    temperature = fit_temperature(log_proba, truth)
    top = calibrated(log_proba, temperature).max(axis=1)
    assert 0.95 < top.min() < 1.0 - 1e-6
