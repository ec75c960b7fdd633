from __future__ import annotations

import json
import random

import pytest

from services.classification.model import MIN_INDEPENDENT, IncompatibleModelError, TextClassifier
from services.classification.training_set import Example, ExampleSource, training_hash
from services.errors import InvalidInputError

TOPICS = {
    "521.01": "Bauantrag Baugenehmigung Bauvorlagen Lageplan Architekt Bauherr Abstandsflächen "
    "Carport Anbau Statik Bauzeichnung Nachbarunterschrift",
    "611.01": "Grundsteuer Hundesteuer Steuerbescheid Hebesatz Veranlagung Festsetzung "
    "Vorauszahlung Steuererklärung Einheitswert Säumniszuschlag Stundung Erlass",
    "365.01": "Kindertagesstätte Betreuungsplatz Elternbeitrag Eingewöhnung Kita Tagespflege "
    "Betreuungszeit Krippe Anmeldung Kindergarten Erzieherin Warteliste",
    "121.01": "Briefwahl Wahlschein Wahlbezirk Wahlhelfer Stimmzettel Wahlbenachrichtigung "
    "Wählerverzeichnis Kommunalwahl Wahlvorstand Urne Stimmabgabe Wahllokal",
    "537.01": "Mülltonne Abfuhrtermin Sperrmüll Biotonne Abfallgebühren Restmüll Wertstoffhof "
    "Gelbe Tonne Papiertonne Containerstellplatz Entsorgung Grünschnitt",
}
FILLER = str.split(
    "Sehr geehrte Damen und Herren ich wende mich an Sie wegen meines Anliegens bitte teilen "
    "Sie mir mit wie es weitergeht vielen Dank im Voraus Mit freundlichen Grüßen Stadt "
    "Verwaltung Schreiben vom Anlage Unterlagen Frist Rückfrage telefonisch erreichbar"
)


def _letter(rng: random.Random, code: str) -> str:
    words = rng.sample(TOPICS[code].split(), 4) + rng.sample(FILLER, 10)
    rng.shuffle(words)
    return f"Musterstadt, {rng.randint(1, 28)}.0{rng.randint(1, 9)}.2026\n" + " ".join(words)


def _plan_doc(code: str) -> Example:
    return Example(TOPICS[code], code, ExampleSource.PLAN)


def _letters(per_code: int, seed: int = 1) -> list[Example]:
    rng = random.Random(seed)
    return [
        Example(_letter(rng, code), code, ExampleSource.LETTER)
        for code in TOPICS
        for _ in range(per_code)
    ]


PLAN_ONLY = Example(
    "Denkmalschutz Denkmalpflege Baudenkmal Denkmalliste denkmalrechtliche Erlaubnis",
    "523.01",
    ExampleSource.PLAN,
)


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return [_plan_doc(code) for code in TOPICS] + [PLAN_ONLY] + _letters(12)


@pytest.fixture(scope="module")
def model(examples: list[Example]) -> TextClassifier:
    return TextClassifier.train(examples, target_precision=0.9)


def test_predictions_rank_every_class_with_probabilities(model: TextClassifier) -> None:
    ranked = model.predict("Ich beantrage einen Wahlschein für die Briefwahl").ranked
    assert ranked[0].code == "121.01"
    assert {s.code for s in ranked} == set(TOPICS) | {"523.01"}
    assert sum(s.probability for s in ranked) == pytest.approx(1)
    assert [s.probability for s in ranked] == sorted((s.probability for s in ranked), reverse=True)


def test_a_leaf_known_only_from_the_plan_is_predicted(model: TextClassifier) -> None:
    prediction = model.predict("Antrag auf denkmalrechtliche Erlaubnis für unser Baudenkmal")
    assert prediction.top.code == "523.01"


def test_cold_start_with_the_plan_alone() -> None:
    plan_only = [_plan_doc(code) for code in TOPICS] + [PLAN_ONLY]
    model = TextClassifier.train(plan_only)
    assert model.threshold is None
    assert model.metadata.cv is None
    for example in plan_only:
        keywords = " ".join(example.text.split()[:4])
        assert model.predict(keywords).top.code == example.code


def test_metadata_describes_the_training(model: TextClassifier, examples: list[Example]) -> None:
    meta = model.metadata
    assert meta.training_hash == training_hash(examples)
    assert meta.n_examples == len(examples)
    assert meta.n_by_source == {"plan": 6, "letter": 60, "independent": 0, "human": 0}
    assert meta.threshold == model.threshold
    assert meta.cv is not None
    assert meta.cv.n == 60
    assert meta.calibrated_on == "cross-validation" and meta.independent is None
    json.dumps(meta.to_dict())


def test_the_threshold_is_calibrated_on_independent_letters(examples: list[Example]) -> None:
    """With enough of them, a model that learnt none of them predicts them for calibration."""
    rng = random.Random(7)
    independent = [
        Example(_letter(rng, code), code, ExampleSource.INDEPENDENT)
        for code in TOPICS
        for _ in range(MIN_INDEPENDENT // len(TOPICS) + 1)
    ]
    model = TextClassifier.train([*examples, *independent], target_precision=0.9)
    meta = model.metadata
    assert meta.calibrated_on == "independent"
    assert meta.independent is not None and meta.independent.n == len(independent)
    assert meta.independent.folds == 1
    assert meta.cv is not None and meta.cv.n == 60, "independent letters are never in folds"
    assert model.threshold is not None
    assert meta.independent.precision_at_threshold is not None
    assert meta.independent.precision_at_threshold >= 0.9
    few = TextClassifier.train([*examples, *independent[: MIN_INDEPENDENT - 1]])
    assert few.metadata.calibrated_on == "cross-validation"


def test_explanations_are_words_of_the_letter(model: TextClassifier) -> None:
    text = "Sehr geehrte Damen und Herren, wann wird die Biotonne geleert? Der Sperrmüll auch?"
    reasons = model.explain(text, "537.01")
    assert reasons
    assert "Biotonne" in reasons
    assert all(word in text for word in reasons)
    assert model.explain(text, "no such code") == []


def test_human_corrections_change_later_predictions(
    model: TextClassifier, examples: list[Example]
) -> None:
    text = "Bitte um Auskunft zur Grundsteuer und zum Säumniszuschlag für die Kita"
    assert model.predict(text).top.code == "611.01"
    corrections = [
        Example(f"{text} Nachfrage {i}", "365.01", ExampleSource.HUMAN) for i in range(3)
    ]
    after = TextClassifier.train([*examples, *corrections], target_precision=0.9)
    assert after.predict(text).top.code == "365.01"
    assert after.metadata.n_by_source["human"] == 3


def test_an_unreachable_target_gives_no_threshold(examples: list[Example]) -> None:
    """Letters whose codes contradict their text cannot show any precision target."""
    rng = random.Random(3)
    letters = [e for e in examples if e.source is ExampleSource.LETTER]
    codes = [e.code for e in letters]
    rng.shuffle(codes)
    shuffled = [Example(e.text, code, e.source) for e, code in zip(letters, codes, strict=True)]
    plan = [e for e in examples if e.source is ExampleSource.PLAN]
    assert TextClassifier.train([*plan, *shuffled], target_precision=0.9).threshold is None


def test_round_trip_gives_identical_predictions(model: TextClassifier) -> None:
    loaded = TextClassifier.from_bytes(model.to_bytes())
    text = "Widerspruch gegen den Steuerbescheid für die Hundesteuer"
    assert loaded.predict(text) == model.predict(text)
    assert loaded.threshold == model.threshold
    assert loaded.metadata == model.metadata
    assert loaded.explain(text, "611.01") == model.explain(text, "611.01")


def test_garbage_and_other_versions_are_refused(model: TextClassifier) -> None:
    with pytest.raises(IncompatibleModelError, match="not an eakte classifier"):
        TextClassifier.from_bytes(b"\x80\x04garbage")
    data = model.to_bytes()
    with pytest.raises(IncompatibleModelError, match="scikit-learn 0.1"):
        TextClassifier.from_bytes(data.replace(b'"scikit-learn": "', b'"scikit-learn": "0.1', 1))
    with pytest.raises(IncompatibleModelError, match="damaged"):
        TextClassifier.from_bytes(data[:-10])


def test_training_needs_two_codes() -> None:
    with pytest.raises(InvalidInputError, match="two codes"):
        TextClassifier.train([_plan_doc("521.01")])
