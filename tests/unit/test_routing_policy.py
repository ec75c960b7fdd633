"""The three decisions: auto (reference or Sammelakte), routed (with a proposal), review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from file_plan import FilePlan
from file_plan.defaults import load_default_plan
from services.classification.matching import ReferenceMatch, find_references
from services.classification.model import TextClassifier
from services.classification.near_miss import NearMiss
from services.classification.policy import Decision, Outcome, decide
from services.classification.routing import NewAkteProposal, Proposal
from services.classification.training_set import shipped_examples
from services.db.models import Akte, AkteStatus
from services.records.subject_keys import subject_key
from services.settings import ClassificationSettings

KITA = (
    "Sehr geehrte Damen und Herren,\n"
    "wir möchten unsere Tochter Lina Hoffmann, geb. 14.03.2023, für einen Betreuungsplatz "
    "in einer Kindertagesstätte ab August anmelden. Wir benötigen eine Betreuungszeit von "
    "35 Stunden in der Woche. Bitte teilen Sie uns mit, ob ein Krippenplatz in der Kita "
    "Sonnenblume frei wird und wie hoch der Elternbeitrag ist.\n"
    "Mit freundlichen Grüßen\nAnna Hoffmann"
)
WASTE = (
    "Sehr geehrte Damen und Herren,\n"
    "unsere Biotonne wurde am Dienstag nicht geleert, obwohl sie laut Abfuhrkalender an der "
    "Reihe war. Auch die Restmülltonne blieb stehen. Bitte holen Sie die Abfuhr nach und "
    "schicken Sie uns den neuen Abfuhrkalender für die Sperrmüllabholung.\n"
    "Mit freundlichen Grüßen\nKarl Otto"
)
ENGLISH_ADVERT = (
    "Dear Sir or Madam, our company offers cloud software for your IT department. We would "
    "be happy to present our server and network solutions, data protection and helpdesk "
    "services to you. Please contact us for a free demo of the software licence. Kind "
    "regards, the sales team"
)
VAGUE = "Sehr geehrte Damen und Herren, anbei wie besprochen. Gruß, K. Otto"


@pytest.fixture(scope="module")
def plan() -> FilePlan:
    return load_default_plan()


@pytest.fixture(scope="module")
def model(plan: FilePlan) -> TextClassifier:
    return TextClassifier.train(shipped_examples(plan))


def akte(code: str, number: int = 1, *, status: str = AkteStatus.OPEN) -> Akte:
    return Akte(
        id=f"akte-{code}-{number}",
        aktenzeichen=f"{code}-{number}/2026",
        file_plan_code=code,
        title=f"Akte {number}",
        org_unit="51" if code == "365.01" else "70",
        status=status,
        opened_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def run(
    plan: FilePlan,
    model: TextClassifier,
    text: str,
    *,
    matches: list[ReferenceMatch] | None = None,
    near_misses: list[NearMiss] | None = None,
    proposal: Proposal | None = None,
    station: str | None = None,
) -> Decision:
    references = find_references(plan, text)
    asked: list[str] = []

    def propose(code: str) -> Proposal:
        asked.append(code)
        return proposal or Proposal(akte=None, new_akte=None, reason="nothing known")

    decision = decide(
        plan,
        text,
        references,
        matches or [],
        model,
        propose=propose,
        fallback_org_unit=ClassificationSettings().fallback_org_unit,
        near_misses=near_misses or [],
        station_org_unit=station,
        min_german_share=ClassificationSettings().min_german_share,
    )
    if decision.outcome is Outcome.ROUTED and decision.method == "model":
        assert asked == [decision.code], "the proposal is asked for the decided code"
    return decision


def test_a_confident_subject_matter_letter_goes_into_the_sammelakte(
    plan: FilePlan, model: TextClassifier
) -> None:
    decision = run(plan, model, WASTE)
    assert decision.outcome is Outcome.AUTO and decision.auto
    assert decision.code == "537.01" and decision.akte is None
    assert decision.org_unit == plan.effective_org_unit("537.01")


def test_an_akte_of_a_subject_matter_code_printed_in_the_letter_gets_it(
    plan: FilePlan, model: TextClassifier
) -> None:
    container = akte("537.01", 7)
    proposal = Proposal(akte=container, new_akte=None, reason="printed", printed_key=True)
    decision = run(plan, model, WASTE, proposal=proposal)
    assert decision.outcome is Outcome.AUTO and decision.akte is container
    loose = Proposal(akte=container, new_akte=None, reason="a name", printed_key=False)
    assert run(plan, model, WASTE, proposal=loose).akte is None, "a name is no reason"


def test_a_reference_to_one_open_akte_files_it(plan: FilePlan, model: TextClassifier) -> None:
    target = akte("365.01")
    [person] = find_references(plan, KITA)
    decision = run(plan, model, KITA, matches=[ReferenceMatch(target, (person,))])
    assert decision.outcome is Outcome.AUTO and decision.method == "reference"
    assert decision.akte is target and decision.org_unit == target.org_unit


def test_references_to_several_akten_route_to_the_one_of_the_confident_code(
    plan: FilePlan, model: TextClassifier
) -> None:
    """The child's person key is on a registration Akte too: the Kita Akte is proposed."""
    registration, kita = akte("122.02"), akte("365.01")
    [person] = find_references(plan, KITA)
    matches = [ReferenceMatch(registration, (person,)), ReferenceMatch(kita, (person,))]
    decision = run(plan, model, KITA, matches=matches)
    assert decision.outcome is Outcome.ROUTED and decision.code == "365.01"
    assert decision.proposal is not None and decision.proposal.akte_id == kita.id
    assert decision.org_unit == kita.org_unit and decision.akte is None
    closed = akte("365.01", status=AkteStatus.CLOSED)
    matches = [ReferenceMatch(registration, (person,)), ReferenceMatch(closed, (person,))]
    assert run(plan, model, KITA, matches=matches).outcome is Outcome.REVIEW


def test_a_confident_per_person_letter_is_routed_with_the_existing_akte(
    plan: FilePlan, model: TextClassifier
) -> None:
    existing = akte("365.01", 4)
    proposal = Proposal(akte=existing, new_akte=None, reason="the letter names it")
    decision = run(plan, model, KITA, proposal=proposal)
    assert decision.outcome is Outcome.ROUTED and not decision.auto
    assert decision.code == "365.01"
    assert decision.org_unit == plan.effective_org_unit("365.01") != "POST"
    assert decision.proposal is not None and decision.proposal.akte_id == existing.id
    assert decision.akte is None, "routed letters are proposed, never filed"


def test_a_confident_per_person_letter_is_routed_with_a_new_akte(
    plan: FilePlan, model: TextClassifier
) -> None:
    key = subject_key("person", "Hoffmann, Lina, 14.03.2023")
    new = NewAkteProposal(title="Hoffmann, Lina (geb. 14.03.2023)", subject_keys=(key,))
    decision = run(plan, model, KITA, proposal=Proposal(akte=None, new_akte=new, reason="new"))
    assert decision.outcome is Outcome.ROUTED
    proposal = decision.proposal
    assert proposal is not None and proposal.akte_id is None and proposal.new_akte == new
    stored = proposal.to_dict()["new_akte"]
    assert stored["subject_keys"] == [
        {"kind": "person", "value": key.value, "display": "Hoffmann, Lina, 14.03.2023"}
    ]


def test_an_unsure_letter_goes_to_the_mail_room_or_the_station(
    plan: FilePlan, model: TextClassifier
) -> None:
    decision = run(plan, model, VAGUE)
    assert model.threshold is not None
    assert decision.confidence is not None and decision.confidence < model.threshold
    assert decision.outcome is Outcome.REVIEW and decision.org_unit == "POST"
    assert decision.proposal is None
    assert run(plan, model, VAGUE, station="70").org_unit == "70"


def test_a_near_miss_is_reviewed_with_the_nearly_matching_akte_first(
    plan: FilePlan, model: TextClassifier
) -> None:
    near = akte("365.01", 9)
    [person] = find_references(plan, KITA)
    miss = NearMiss(near, person, "Hoffmann, Lina, 14.03.2032", "birth date 2023 vs 2032")
    decision = run(plan, model, KITA, near_misses=[miss])
    assert decision.outcome is Outcome.REVIEW and decision.method == "near_miss"
    assert decision.suggestions[0].akte_id == near.id
    assert "birth date 2023 vs 2032" in decision.suggestions[0].reasons
    assert decision.org_unit == "POST", "never routed into the nearly matching Akte"


def test_a_confident_code_for_a_text_that_is_no_german_letter_goes_to_review(
    plan: FilePlan, model: TextClassifier
) -> None:
    """The model is sure of 111.05 for an English advert, but it knows German letters only."""
    assert model.predict(ENGLISH_ADVERT).top.code == "111.05"
    assert model.threshold is not None
    assert model.predict(ENGLISH_ADVERT).top.probability >= model.threshold
    decision = run(plan, model, ENGLISH_ADVERT)
    assert decision.outcome is Outcome.REVIEW and not decision.auto
    assert decision.code == "111.05" and "does not read as a German letter" in decision.reason
    assert decision.org_unit == ClassificationSettings().fallback_org_unit
