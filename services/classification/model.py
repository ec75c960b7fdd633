"""The text classifier: a letter's text to file-plan codes with calibrated probabilities.

Method (chosen by experiment on the shipped letters, see ``benchmarks/classification``):

1. Features: stemmed word uni- and bigrams beside character 3-5-grams, both TF-IDF
   (:mod:`services.classification.features`).
2. Estimator: a linear SVM with sample weights (human decisions weigh more than shipped
   letters, plan pseudo-documents less), its scores turned into probabilities by a
   softmax over all classes (see :class:`_Fitted`).  A leaf known only from its
   pseudo-document is a class like any other: no per-class cross-validation has to fit
   inside it.
3. Out-of-fold predictions: our letters and the human decisions are split into folds
   (stratified by code); each fold is predicted by a model trained on the other folds
   plus everything else.  The independent letters (``ExampleSource.INDEPENDENT``, by a
   writer who never saw the classifier or our letters) are predicted together by one
   model trained on everything but them (:func:`_source_out`): a writer the model never
   learnt from, as every municipality's real mail is.  Pseudo-documents are never
   predicted, so the figures describe real letters only.
4. Calibration (:mod:`services.classification.calibration`) on the independent letters'
   predictions when there are at least :data:`MIN_INDEPENDENT` of them, else on the
   out-of-fold ones: one temperature for all classes, then the lowest confidence
   threshold at which the target precision holds with a statistical margin.  Our own
   letters are not the basis because they were written as hard cases next to each other
   (91 % out-of-fold accuracy, and their errors are as confident as their hits: no
   threshold reaches 98 % on them, 0.9995 reaches 97.8 %), while letters of other writers
   are mostly easy and their rare errors less confident; a threshold from our letters
   filed 61 % of the independent tuning letters, one from independent letters 96 %, both
   without error (``benchmarks/routing.py``).  The metadata keeps the figures on both.
   No threshold (None) means the model never files by itself; that is the case after a
   cold start with no letters.

The final model is trained on everything and used with the temperature and threshold
found in step 4.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy
import sklearn
from numpy.typing import NDArray
from scipy import sparse
from scipy.special import log_softmax
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from services.classification.calibration import (
    calibrated,
    fit_temperature,
    threshold_for_precision,
)
from services.classification.explain import top_words
from services.classification.features import make_vectorizer
from services.classification.training_set import Example, ExampleSource, training_hash
from services.errors import EAkteError, InvalidInputError

FORMAT = "eakte-text-classifier/1"
_MAGIC = b"EAKTE-TEXT-CLASSIFIER\n"
FOLDS = 5
C = 1.0
"""Regularisation of the linear SVM (scikit-learn's default; 0.3 and 3 were no better)."""
PRUNE_BELOW = 0.005
MIN_INDEPENDENT = 50
"""Fewest independent letters to calibrate on; with fewer, the other letters' folds serve."""
_NOT_HELD = (ExampleSource.PLAN, ExampleSource.INDEPENDENT)
"""Never held out in the folds: pseudo-documents describe classes, and the independent
letters are predicted by a model of their own (:func:`_source_out`)."""


class IncompatibleModelError(EAkteError):
    """Stored model bytes are not a classifier this installation can load."""

    title = "Incompatible classifier model"


@dataclass(frozen=True)
class Suggestion:
    code: str
    probability: float


@dataclass(frozen=True)
class Prediction:
    ranked: tuple[Suggestion, ...]
    """Every class, most probable first; probabilities sum to 1."""

    @property
    def top(self) -> Suggestion:
        return self.ranked[0]


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold figures on the letters and human decisions (never pseudo-documents)."""

    n: int
    folds: int
    accuracy: float
    macro_f1: float
    precision_at_threshold: float | None
    """Share of right codes among the letters that would have been filed automatically."""
    coverage_at_threshold: float
    """Share of letters that would have been filed automatically."""


@dataclass(frozen=True)
class ModelMetadata:
    format: str
    created_at: str
    training_hash: str
    n_examples: int
    n_by_source: dict[str, int]
    classes: tuple[str, ...]
    target_precision: float
    threshold: float | None
    temperature: float
    estimator: str
    cv: CrossValidation | None
    """None when there were too few letters to cross-validate (cold start)."""
    calibrated_on: str
    """``independent``: temperature and threshold come from the independent letters, each
    predicted by a model that learnt none of them; ``cross-validation``: from the
    out-of-fold predictions of the other letters (fewer than :data:`MIN_INDEPENDENT`
    independent letters)."""
    independent: CrossValidation | None
    """The same figures for the independent letters (``folds`` is 1: one model, trained
    without any of them, predicts them all)."""
    library_versions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["classes"] = list(self.classes)
        return data


@dataclass(frozen=True)
class _Fitted:
    """The vectorizer and a linear scorer: one (sparse) weight row and intercept per class.

    The weights come from a linear SVM (one-vs-rest, squared hinge).  It scores as well
    as multinomial logistic regression on the letters (91 % out-of-fold accuracy for
    both) but trains about 20 times faster, which matters because every training fits
    ``FOLDS + 1`` models.  Weights whose magnitude is at most :data:`PRUNE_BELOW` are
    dropped: that keeps 7 % of them and the model small (a few MB instead of ~80 MB for
    ~120 classes) at a cost of 0.2 points of accuracy.  The scores become
    log-probabilities through a softmax; the temperature fitted on out-of-fold
    predictions then calibrates them.
    """

    vectorizer: FeatureUnion
    classes: tuple[str, ...]
    weights: sparse.csr_matrix
    intercept: NDArray[np.float64]

    @classmethod
    def fit(
        cls, texts: Sequence[str], codes: Sequence[str], weights: Sequence[float], seed: int
    ) -> _Fitted:
        vectorizer = make_vectorizer()
        features = vectorizer.fit_transform(list(texts))
        estimator = LinearSVC(C=C, random_state=seed)
        estimator.fit(features, list(codes), sample_weight=np.asarray(weights, dtype=float))
        coef = np.asarray(estimator.coef_, dtype=np.float64)
        intercept = np.asarray(estimator.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # two classes: one row scores the second against the first
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        coef[np.abs(coef) <= PRUNE_BELOW] = 0.0
        return cls(
            vectorizer=vectorizer,
            classes=tuple(str(code) for code in estimator.classes_),
            weights=sparse.csr_matrix(coef.astype(np.float32)),
            intercept=intercept,
        )

    def log_proba(self, texts: Sequence[str], classes: Sequence[str]) -> NDArray[np.float64]:
        """Log-probabilities with one column per entry of ``classes`` (-inf if unknown)."""
        features = self.vectorizer.transform(list(texts))
        scores = np.asarray((features @ self.weights.T).todense(), dtype=np.float64)
        own: NDArray[np.float64] = log_softmax(scores + self.intercept, axis=1)
        column = {code: i for i, code in enumerate(self.classes)}
        result = np.full((len(texts), len(classes)), -np.inf)
        for j, code in enumerate(classes):
            if code in column:
                result[:, j] = own[:, column[code]]
        return result

    def class_weights(self, code: str) -> NDArray[np.float64]:
        """The class's feature weights relative to the mean over all classes."""
        index = self.classes.index(code)
        row = np.asarray(self.weights[index].todense(), dtype=np.float64).ravel()
        mean = np.asarray(self.weights.mean(axis=0), dtype=np.float64).ravel()
        centred: NDArray[np.float64] = row - mean
        return centred


class TextClassifier:
    """A trained, immutable model version.

    Serialised with :meth:`to_bytes` as a short JSON header followed by a pickle.  The
    service stores the bytes in its own blob store and loads only what it wrote, so
    pickle is acceptable; :meth:`from_bytes` still checks the format and the library
    versions before unpickling anything.
    """

    def __init__(
        self, fitted: _Fitted, temperature: float, threshold: float | None, metadata: ModelMetadata
    ) -> None:
        self._fitted = fitted
        self._temperature = temperature
        self.threshold = threshold
        """Auto-file from this calibrated confidence on; None: never auto-file."""
        self.metadata = metadata

    @property
    def classes(self) -> tuple[str, ...]:
        return self.metadata.classes

    @classmethod
    def train(
        cls,
        examples: Sequence[Example],
        *,
        target_precision: float = 0.98,
        random_state: int = 0,
        now: datetime | None = None,
    ) -> TextClassifier:
        """Train on ``examples`` and calibrate for ``target_precision`` (see module doc)."""
        classes = tuple(sorted({e.code for e in examples}))
        if len(classes) < 2:
            raise InvalidInputError("the classifier needs examples of at least two codes")
        if not 0 < target_precision < 1:
            raise InvalidInputError(
                f"the target precision must be between 0 and 1, not {target_precision}"
            )
        oof = _out_of_fold(examples, classes, random_state)
        independent = _source_out(examples, classes, random_state)
        basis = independent if independent is not None else oof
        temperature, threshold, cv, checked = 1.0, None, None, None
        if basis is not None:
            temperature = fit_temperature(*basis)
            proba = calibrated(basis[0], temperature)
            correct = proba.argmax(axis=1) == basis[1]
            threshold = threshold_for_precision(
                proba.max(axis=1).tolist(), correct.tolist(), target_precision
            )
        if oof is not None:
            cv = _cv_figures(classes, *oof, temperature, threshold, FOLDS)
        if independent is not None:
            checked = _cv_figures(classes, *independent, temperature, threshold, 1)
        fitted = _Fitted.fit(
            [e.text for e in examples],
            [e.code for e in examples],
            [e.weight for e in examples],
            random_state,
        )
        sources = Counter(e.source.value for e in examples)
        metadata = ModelMetadata(
            format=FORMAT,
            created_at=(now or datetime.now(UTC)).isoformat(),
            training_hash=training_hash(examples),
            n_examples=len(examples),
            n_by_source={source.value: sources[source.value] for source in ExampleSource},
            classes=classes,
            target_precision=target_precision,
            threshold=threshold,
            temperature=temperature,
            estimator=f"LinearSVC(C={C}), weights pruned at {PRUNE_BELOW}, on word+char TF-IDF, "
            "softmax with fitted temperature",
            cv=cv,
            calibrated_on="independent" if independent is not None else "cross-validation",
            independent=checked,
            library_versions=_library_versions(),
        )
        return cls(fitted, temperature, threshold, metadata)

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        proba = calibrated(self._fitted.log_proba(texts, self.classes), self._temperature)
        return [
            Prediction(
                tuple(
                    Suggestion(code, float(p))
                    for p, code in sorted(zip(row, self.classes, strict=True), key=_rank)
                )
            )
            for row in proba
        ]

    def explain(self, text: str, code: str, n: int = 6) -> list[str]:
        """The words of ``text`` that raised ``code``'s score most, as written there."""
        if code not in self.classes:
            return []
        return top_words(self._fitted.vectorizer, self._fitted.class_weights(code), text, n)

    def to_bytes(self) -> bytes:
        header = json.dumps(
            {"format": FORMAT, "versions": self.metadata.library_versions}, sort_keys=True
        ).encode()
        payload = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(payload).hexdigest().encode()
        return b"".join([_MAGIC, header, b"\n", digest, b"\n", payload])

    @classmethod
    def from_bytes(cls, data: bytes) -> TextClassifier:
        """Load a model written by :meth:`to_bytes` with the same library versions.

        Raises :class:`IncompatibleModelError` for anything else (retrain instead).
        """
        if not data.startswith(_MAGIC):
            raise IncompatibleModelError("the data is not an eakte classifier model")
        stream = io.BytesIO(data[len(_MAGIC) :])
        try:
            header = json.loads(stream.readline())
            digest = stream.readline().strip().decode()
        except (ValueError, UnicodeDecodeError) as exc:
            raise IncompatibleModelError(f"the model header is unreadable: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            found = header.get("format") if isinstance(header, dict) else None
            raise IncompatibleModelError(f"model format {found!r}, this version reads {FORMAT}")
        stored = header.get("versions", {})
        current = _library_versions()
        for library in ("scikit-learn", "numpy", "scipy"):
            if stored.get(library) != current[library]:
                raise IncompatibleModelError(
                    f"the model was trained with {library} {stored.get(library)}, "
                    f"this installation has {current[library]}: train a new model"
                )
        payload = stream.read()
        if hashlib.sha256(payload).hexdigest() != digest:
            raise IncompatibleModelError("the model data is damaged (checksum mismatch)")
        model = pickle.loads(payload)
        if not isinstance(model, cls):
            raise IncompatibleModelError("the model data holds no text classifier")
        return model


def _rank(item: tuple[float, str]) -> tuple[float, str]:
    probability, code = item
    return (-probability, code)


def _out_of_fold(
    examples: Sequence[Example], classes: Sequence[str], seed: int
) -> tuple[NDArray[np.float64], NDArray[np.intp]] | None:
    """Log-probabilities for every letter/human example from models that did not see it.

    Folds are assigned per code, round robin in a seeded random order, so each fold
    holds about a fifth of every code; pseudo-documents are in every training split.
    Returns None when fewer than two codes have letters to hold out.
    """
    held = [i for i, e in enumerate(examples) if e.source not in _NOT_HELD]
    fold_of = _assign_folds([examples[i].code for i in held], FOLDS, seed)
    if len({examples[i].code for i in held}) < 2 or len(set(fold_of)) < 2:
        return None
    index = {code: j for j, code in enumerate(classes)}
    log_proba = np.empty((len(held), len(classes)))
    for fold in sorted(set(fold_of)):
        test = [k for k, f in enumerate(fold_of) if f == fold]
        test_set = {held[k] for k in test}
        train = [e for i, e in enumerate(examples) if i not in test_set]
        if len({e.code for e in train}) < 2:
            return None
        fitted = _Fitted.fit(
            [e.text for e in train], [e.code for e in train], [e.weight for e in train], seed
        )
        log_proba[test] = fitted.log_proba([examples[held[k]].text for k in test], classes)
    truth = np.array([index[examples[i].code] for i in held], dtype=np.intp)
    return log_proba, truth


def _source_out(
    examples: Sequence[Example], classes: Sequence[str], seed: int
) -> tuple[NDArray[np.float64], NDArray[np.intp]] | None:
    """The independent letters, each predicted by one model trained on everything else.

    None when there are fewer than :data:`MIN_INDEPENDENT` of them: too few to rest a
    threshold on.  Classes known only from independent letters get -inf (see
    :func:`~services.classification.calibration.fit_temperature`).
    """
    tested = [e for e in examples if e.source == ExampleSource.INDEPENDENT]
    train = [e for e in examples if e.source != ExampleSource.INDEPENDENT]
    if len(tested) < MIN_INDEPENDENT or len({e.code for e in train}) < 2:
        return None
    fitted = _Fitted.fit(
        [e.text for e in train], [e.code for e in train], [e.weight for e in train], seed
    )
    index = {code: j for j, code in enumerate(classes)}
    truth = np.array([index[e.code] for e in tested], dtype=np.intp)
    return fitted.log_proba([e.text for e in tested], classes), truth


def _assign_folds(codes: Sequence[str], folds: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    fold_of = [0] * len(codes)
    by_code: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        by_code.setdefault(code, []).append(i)
    for code in sorted(by_code):
        members = by_code[code]
        start = int(rng.integers(folds))
        for rank, i in enumerate(rng.permutation(members)):
            fold_of[int(i)] = (start + rank) % folds
    return fold_of


def _cv_figures(
    classes: Sequence[str],
    log_proba: NDArray[np.float64],
    truth: NDArray[np.intp],
    temperature: float,
    threshold: float | None,
    folds: int,
) -> CrossValidation:
    proba = calibrated(log_proba, temperature)
    confidences = proba.max(axis=1)
    predicted = proba.argmax(axis=1)
    filed = confidences >= threshold if threshold is not None else np.zeros(len(truth), bool)
    return CrossValidation(
        n=len(truth),
        folds=folds,
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(
            f1_score(
                truth,
                predicted,
                labels=sorted(set(truth.tolist())),
                average="macro",
                zero_division=0,
            )
        ),
        precision_at_threshold=float((truth[filed] == predicted[filed]).mean())
        if filed.any()
        else None,
        coverage_at_threshold=float(filed.mean()),
    )


def _library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
