"""The eakte classifier against paperless-ngx's method on held-back training letters.

    python -m benchmarks.classification [--quick] [--seeds 10] [--test-size 0.3]

For each seed the shipped letters are split stratified by code: ``--test-size`` of every
code is held back, the rest trains both methods.  Both see exactly the same letters;
ours also reads the default plan's pseudo-documents, which is part of its method.

paperless-ngx (src/documents/classifier.py) as of its current version: lower case,
collapse white space, punctuation to spaces, NLTK word tokens without stop words,
Snowball stems; ``CountVectorizer(analyzer="word", ngram_range=(1, 2), min_df=0.01)``;
``MLPClassifier(tol=0.01)``; the argmax is assigned, there is no threshold.  Two
stand-ins, no change of method: NLTK's German stop-word list and Snowball stemmer are
the Snowball project's, taken here from the ``snowballstemmer`` package and the same
Snowball list (NLTK's data needs a separate download), tokens are split at white space
after punctuation was removed, as ``word_tokenize`` does then; and the MLP gets the
seed as ``random_state`` so runs repeat (paperless-ngx leaves it unseeded).

Figures on the held-back letters: accuracy and macro-F1 of the top code (mean over the
splits); our threshold and the share of letters it files automatically (coverage) with
their precision; the baseline's precision on its same number of most confident letters
per split (it has no threshold, so it would file all of them).  Precision is pooled over
the splits.  :func:`run` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import warnings
from typing import Any

import snowballstemmer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from benchmarks.table import print_table
from file_plan.defaults import load_default_plan
from file_plan.letters import load_letters
from services.classification.evaluation import evaluate, precision_at_coverage
from services.classification.model import TextClassifier
from services.classification.training_set import letter_examples, plan_examples
from services.search.german_stopwords import GERMAN_STOPWORDS

_stemmer = snowballstemmer.stemmer("german")


def paperless_preprocess(content: str) -> str:
    """paperless-ngx's ``DocumentClassifier.preprocess_content`` for German."""
    content = content.lower().strip()
    content = re.sub(r"\s+", " ", content)
    content = re.sub(r"[^\w\s]", " ", content)
    return " ".join(_stemmer.stemWord(w) for w in content.split() if w not in GERMAN_STOPWORDS)


class PaperlessBaseline:
    def __init__(self, texts: list[str], codes: list[str], seed: int) -> None:
        self.vectorizer = CountVectorizer(analyzer="word", ngram_range=(1, 2), min_df=0.01)
        features = self.vectorizer.fit_transform([paperless_preprocess(t) for t in texts])
        self.model = MLPClassifier(tol=0.01, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(features, codes)

    def predict(self, texts: list[str]) -> tuple[list[str], list[float]]:
        """The argmax code of each text and its probability."""
        proba = self.model.predict_proba(
            self.vectorizer.transform([paperless_preprocess(t) for t in texts])
        )
        best = proba.argmax(axis=1)
        return [str(self.model.classes_[i]) for i in best], proba.max(axis=1).tolist()


def run_seed(seed: int, test_size: float, target: float) -> dict[str, Any]:
    """One stratified split: both methods trained on the same letters, tested on the rest."""
    letters = load_letters()
    codes = [letter.code for letter in letters]
    train, test = train_test_split(letters, test_size=test_size, stratify=codes, random_state=seed)
    test_texts = [letter.text for letter in test]
    test_codes = [letter.code for letter in test]

    started = time.perf_counter()
    ours = TextClassifier.train(
        plan_examples(load_default_plan()) + letter_examples(train),
        target_precision=target,
        random_state=seed,
    )
    ours_seconds = time.perf_counter() - started
    report = evaluate(ours, test_texts, test_codes)
    filed = round(report.coverage_at_threshold * len(test))

    started = time.perf_counter()
    baseline = PaperlessBaseline([t.text for t in train], [t.code for t in train], seed)
    baseline_seconds = time.perf_counter() - started
    predicted, confidences = baseline.predict(test_texts)
    correct = [p == t for p, t in zip(predicted, test_codes, strict=True)]
    labels = sorted(set(test_codes))
    baseline_precision = precision_at_coverage(confidences, correct, filed / len(test))
    return {
        "seed": seed,
        "n_train": len(train),
        "n_test": len(test),
        "filed": filed,
        "ours": {
            "accuracy": report.accuracy,
            "macro_f1": report.macro_f1,
            "threshold": report.threshold,
            "right_filed": round(filed * (report.precision_at_threshold or 0.0)),
            "train_seconds": ours_seconds,
        },
        "baseline": {
            "accuracy": float(accuracy_score(test_codes, predicted)),
            "macro_f1": float(
                f1_score(test_codes, predicted, labels=labels, average="macro", zero_division=0)
            ),
            "right_filed": filed * (baseline_precision or 0.0),
            "train_seconds": baseline_seconds,
        },
    }


def run(seeds: int = 10, test_size: float = 0.3, target: float = 0.98) -> dict[str, Any]:
    """Both methods over ``seeds`` splits: means, and precision pooled over all splits.

    Precision is pooled (all letters filed in all splits together): a split files only
    some 40 letters, where one error moves its precision by 2.5 points.
    """
    runs = [run_seed(seed, test_size, target) for seed in range(seeds)]
    n_test = sum(r["n_test"] for r in runs)
    filed = sum(r["filed"] for r in runs)

    def mean(method: str, key: str) -> float:
        return statistics.fmean(r[method][key] for r in runs)

    def pooled_precision(method: str) -> float | None:
        return sum(r[method]["right_filed"] for r in runs) / filed if filed else None

    thresholds = [r["ours"]["threshold"] for r in runs if r["ours"]["threshold"] is not None]
    ours_precision = pooled_precision("ours")
    base_accuracy = mean("baseline", "accuracy")
    return {
        "target_precision": target,
        "test_size": test_size,
        "seeds": seeds,
        "n_letters": runs[0]["n_train"] + runs[0]["n_test"],
        "n_train": runs[0]["n_train"],
        "n_test": runs[0]["n_test"],
        "ours": {
            "accuracy": mean("ours", "accuracy"),
            "macro_f1": mean("ours", "macro_f1"),
            "threshold_median": statistics.median(thresholds) if thresholds else None,
            "splits_without_threshold": seeds - len(thresholds),
            "coverage": filed / n_test,
            "precision_at_threshold": ours_precision,
            "wrong_filings_per_100": 100 * (filed / n_test) * (1 - (ours_precision or 0.0)),
            "train_seconds": mean("ours", "train_seconds"),
        },
        "baseline": {
            "accuracy": base_accuracy,
            "macro_f1": mean("baseline", "macro_f1"),
            "precision_at_our_coverage": pooled_precision("baseline"),
            "wrong_filings_per_100": 100 * (1 - base_accuracy),
            "train_seconds": mean("baseline", "train_seconds"),
        },
        "runs": runs,
    }


def report(figures: dict[str, Any]) -> None:
    ours, base = figures["ours"], figures["baseline"]
    print(
        f"{figures['n_letters']} letters in {figures['seeds']} stratified splits: "
        f"{figures['n_train']} train both methods, {figures['n_test']} held back; "
        f"target precision {figures['target_precision']:.0%}; means over the splits, "
        "precision pooled over them"
    )
    print_table(
        ["figure", "eakte", "paperless-ngx"],
        [
            ["accuracy (top code)", _pct(ours["accuracy"]), _pct(base["accuracy"])],
            ["macro-F1", _pct(ours["macro_f1"]), _pct(base["macro_f1"])],
            [
                "threshold (median)",
                _num(ours["threshold_median"], 4)
                + (
                    f", none in {ours['splits_without_threshold']} splits"
                    if ours["splits_without_threshold"]
                    else ""
                ),
                "none (argmax)",
            ],
            ["letters filed automatically", _pct(ours["coverage"]), "100%"],
            [
                "precision of those filed",
                _pct(ours["precision_at_threshold"]),
                _pct(base["accuracy"]),
            ],
            [
                "precision at eakte's coverage",
                _pct(ours["precision_at_threshold"]),
                _pct(base["precision_at_our_coverage"]),
            ],
            [
                "wrong filings per 100 letters",
                _num(ours["wrong_filings_per_100"], 2),
                _num(base["wrong_filings_per_100"], 2),
            ],
            ["training seconds", _num(ours["train_seconds"], 1), _num(base["train_seconds"], 1)],
        ],
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two splits instead of ten")
    parser.add_argument("--seeds", type=int, default=10, help="number of splits")
    parser.add_argument("--test-size", type=float, default=0.3)
    parser.add_argument("--target", type=float, default=0.98, help="target precision")
    args = parser.parse_args()
    report(run(2 if args.quick else args.seeds, args.test_size, args.target))


if __name__ == "__main__":
    main()
