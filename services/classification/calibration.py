"""From held-out predictions to calibrated confidences and an auto-filing threshold.

Both steps look only at predictions for letters the model did not see in training,
never at the plan's pseudo-documents.  Which letters (see
:mod:`services.classification.model`): the independent letters (by a writer who never saw
the classifier or our letters), each predicted by a model that learnt none of them; only
without enough of them, the out-of-fold predictions of our own letters.

How the threshold generalises to letters of other writers: estimated on our own letters
by cross-validation it came out at 0.9995, because those letters were written as hard
cases beside each other and their errors are as confident as their hits (97-98 %
precision at every threshold).  Other writers' letters are not like that: on the 105
independent tuning letters that threshold filed or routed 61 %, all right, while the
threshold estimated on independent letters (about 0.6) filed or routed 96 %, all right
(``benchmarks/routing.py``, each fold's threshold estimated without that fold).  The
estimate from one independent writer may still be optimistic for another: it rests on
one writer's style and on fewer letters, so the statistical margin below (Wilson, z = 1)
is what guards it, and the held-back letters of two further writers
(``benchmarks/results/routing_heldback.txt``) are the check.

* **Temperature scaling** (Guo et al., 2017): one number ``T`` divides the model's
  log-probabilities before the softmax, fitted to minimise the log loss of the
  out-of-fold predictions.  One parameter for all classes cannot overfit a small class
  and keeps the ranking of the classes of every letter as it is.
* **Threshold for a target precision**: the lowest confidence from which on the
  predictions were right often enough.  Being wrong is worse than asking, so the rule is
  conservative; see :func:`threshold_for_precision`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

MIN_SUPPORT = 30
"""Fewest out-of-fold predictions a threshold may rest on."""
WILSON_Z = 1.0
"""Statistical margin of the threshold: the one-sided z of the Wilson interval.

Chosen on held-back letters (``benchmarks.classification``, 15 splits, 294 letters to
train, 1,890 held back): picking the threshold where the out-of-fold precision just
reaches the target (z = 0) is optimistic, since the lowest cut that happens to reach it
is chosen; the letters filed afterwards were right only 96.9 % of the time for a 98 %
target.  With z = 1.0 they were right 98.0 % of the time (37 % of the letters filed).
The usual 1.645 (95 %) needs about 130 error-free letters above the threshold and never
allowed automatic filing with the shipped letters."""
MIN_THRESHOLD = 0.5
"""Never auto-file a letter the model itself gives less than even odds."""
_TEMPERATURE_BOUNDS = (0.02, 50.0)


def calibrated(log_proba: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    """Probabilities after temperature scaling; rows of ``log_proba`` are per example."""
    scaled: NDArray[np.float64] = np.exp(log_softmax(log_proba / temperature, axis=1))
    return scaled


def fit_temperature(log_proba: NDArray[np.float64], true_index: NDArray[np.intp]) -> float:
    """The temperature that minimises the smoothed log loss of out-of-fold predictions.

    ``log_proba`` holds the model's log-probabilities (one row per example, one column
    per class) and ``true_index`` the column of each example's true class.

    The targets are smoothed as by Laplace's rule of succession: the true class gets
    ``1 - 1/(n+2)``, the other classes share the rest.  Without it, letters that were
    all classified right would drive the temperature to zero and every probability to
    exactly 1; with it, n right letters justify a confidence of about ``1 - 1/(n+2)``.
    Rows whose true class has no finite log-probability (the class was missing from
    that fold's training data) cannot inform a temperature and are left out; so are
    classes without one in the other columns.  Returns 1.0 when no row is left.
    """
    rows = np.arange(len(true_index))
    usable = np.isfinite(log_proba[rows, true_index])
    if not usable.any() or log_proba.shape[1] < 2:
        return 1.0
    scores, truth = log_proba[usable], true_index[usable]
    n = len(truth)
    smoothing = 1 / (n + 2)
    known = np.isfinite(scores)
    others = np.maximum(known.sum(axis=1, keepdims=True) - 1, 1)
    target = np.where(known, smoothing / others, 0.0)
    target[np.arange(n), truth] = 1 - smoothing
    finite_scores = np.where(known, scores, -1e9)

    def loss(log_t: float) -> float:
        scaled = log_softmax(finite_scores / math.exp(log_t), axis=1)
        return float(-(target * np.where(known, scaled, 0.0)).sum(axis=1).mean())

    low, high = (math.log(bound) for bound in _TEMPERATURE_BOUNDS)
    result = minimize_scalar(loss, bounds=(low, high), method="bounded")
    return math.exp(float(result.x))


def wilson_bounds(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``successes / n``."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return ((centre - margin) / scale, (centre + margin) / scale)


def threshold_for_precision(
    confidences: Sequence[float],
    correct: Sequence[bool],
    target: float,
    *,
    min_support: int = MIN_SUPPORT,
    z: float = WILSON_Z,
    min_threshold: float = MIN_THRESHOLD,
) -> float | None:
    """The lowest confidence at which auto-filing reaches ``target`` precision, or None.

    ``confidences`` are the top probabilities of out-of-fold predictions and
    ``correct`` whether each was right.  Going down from the most confident
    prediction, a candidate threshold ``t`` (one of the confidences; predictions with
    ``confidence >= t`` are filed) is accepted when

    * at least ``min_support`` predictions reach it,
    * the **lower** end of the Wilson interval (one-sided, ``z``) of their precision
      reaches the target, not just the observed precision: with no error at all this
      needs about ``z**2 * target / (1 - target)`` predictions (49 for 98 % and
      z = 1), and
    * at **every** higher candidate with ``min_support`` predictions, the **upper** end
      of the interval reaches the target: a pocket of confident errors (precision
      significantly below the target among the most confident letters) is never
      averaged away by many easy letters below it, while a single unlucky error among
      the first few does not condemn the whole model.

    The lowest accepted candidate wins, but never below ``min_threshold``.  None means
    the target cannot be shown with these predictions: the model never files by itself.
    """
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct must have the same length")
    if not 0 < target < 1:
        raise ValueError(f"the target precision must be between 0 and 1, not {target}")
    order = np.argsort(-np.asarray(confidences, dtype=float), kind="stable")
    ranked = np.asarray(confidences, dtype=float)[order]
    hits = np.cumsum(np.asarray(correct, dtype=bool)[order])
    best: float | None = None
    for k in range(min_support, len(ranked) + 1):
        if k < len(ranked) and ranked[k] == ranked[k - 1]:
            continue  # not a cut: ties with the next prediction are filed together
        if ranked[k - 1] < min_threshold:
            break
        lower, upper = wilson_bounds(int(hits[k - 1]), k, z)
        if upper < target:
            break
        if lower >= target:
            best = float(ranked[k - 1])
    return best
