from __future__ import annotations

import pytest

from file_plan.letters import TrainingLetter, load_letters
from file_plan.model import FilePlan, FilePlanItem
from services.classification.training_set import (
    DEFAULT_WEIGHTS,
    KEYWORD_WEIGHT,
    Example,
    ExampleSource,
    letter_examples,
    plan_examples,
    training_hash,
)


def _plan() -> FilePlan:
    return FilePlan(
        name="Test",
        version="1",
        aktenzeichen_pattern="{code}-{number}/{year}",
        sources=(),
        org_units={},
        items=(
            FilePlanItem(code="52", title="Bauen und Wohnen", parent=None, level=1),
            FilePlanItem(code="521", title="Bauordnung", parent="52", level=2),
            FilePlanItem(
                code="521.01",
                title="Baugenehmigungsverfahren",
                parent="521",
                level=3,
                description="Anträge auf Baugenehmigung",
                keywords=("Bauantrag", "Bauvorlage"),
            ),
            FilePlanItem(code="521.02", title="Bauaufsicht", parent="521", level=3),
        ),
    )


def test_one_pseudo_document_per_leaf_with_the_titles_down_to_it() -> None:
    examples = plan_examples(_plan())
    assert [(e.code, e.text) for e in examples[1:]] == [
        ("521.01", "Bauantrag"),
        ("521.01", "Bauvorlage"),
        ("521.02", "Bauen und Wohnen\nBauordnung\nBauaufsicht\n\n"),
    ]
    first = examples[0]
    assert first.code == "521.01"
    assert first.source is ExampleSource.PLAN
    assert first.weight == DEFAULT_WEIGHTS[ExampleSource.PLAN]
    for part in ("Bauen und Wohnen", "Bauordnung", "Baugenehmigungsverfahren", "Bauantrag"):
        assert part in first.text
    assert examples[1].weight == KEYWORD_WEIGHT


def test_weights_default_by_source_and_must_be_positive() -> None:
    plan, letter, independent, human = (
        Example("x", "1", source)
        for source in (
            ExampleSource.PLAN,
            ExampleSource.LETTER,
            ExampleSource.INDEPENDENT,
            ExampleSource.HUMAN,
        )
    )
    assert plan.weight < letter.weight == independent.weight < human.weight
    assert Example("x", "1", ExampleSource.HUMAN, weight=7).weight == 7.0
    with pytest.raises(ValueError, match="positive"):
        Example("x", "1", ExampleSource.HUMAN, weight=0)


def test_letters_become_letter_examples() -> None:
    examples = letter_examples([TrainingLetter(code="121.01", name="01.txt", text="Briefwahl")])
    assert examples == [Example("Briefwahl", "121.01", ExampleSource.LETTER)]


def test_training_hash_is_order_independent_and_sees_every_change() -> None:
    examples = [
        Example("Bauantrag", "521.01", ExampleSource.LETTER),
        Example("Wahlschein", "121.01", ExampleSource.HUMAN),
        Example("Bauantrag", "521.01", ExampleSource.PLAN),
    ]
    digest = training_hash(examples)
    assert len(digest) == 64
    assert training_hash(examples[::-1]) == digest
    changed = [
        [*examples[:2], Example("Bauantrag!", "521.01", ExampleSource.PLAN)],
        [*examples[:2], Example("Bauantrag", "521.02", ExampleSource.PLAN)],
        [*examples[:2], Example("Bauantrag", "521.01", ExampleSource.HUMAN)],
        [*examples[:2], Example("Bauantrag", "521.01", ExampleSource.PLAN, weight=2)],
        examples[:2],
        [*examples, examples[0]],
    ]
    assert len({digest, *(training_hash(c) for c in changed)}) == len(changed) + 1


def test_shipped_letters_load_sorted_with_their_code() -> None:
    letters = load_letters()
    keys = [(letter.code, letter.name) for letter in letters]
    assert keys == sorted(keys)
    assert all(letter.name.endswith(".txt") and letter.text.strip() for letter in letters)
