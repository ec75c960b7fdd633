"""One letter's text to a decision: references matched against Akten, else the classifier.

Shared by the classification job, ``eakte classify`` and ``benchmarks.routing`` so all
decide the same way.  Near misses are looked up only when no reference matched exactly
(the contract of :mod:`services.classification.near_miss`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.classification.matching import find_references, match_references
from services.classification.model import TextClassifier
from services.classification.near_miss import find_near_misses
from services.classification.policy import Decision, decide
from services.classification.routing import Proposal, propose
from services.settings import ClassificationSettings


def classify_text(
    session: Session,
    plan: FilePlan,
    text: str,
    model: TextClassifier,
    settings: ClassificationSettings,
    *,
    station_org_unit: str | None = None,
) -> Decision:
    references = find_references(plan, text)
    matches = match_references(session, references)
    near_misses = [] if matches else find_near_misses(session, references)

    def proposal(code: str) -> Proposal:
        return propose(session, plan, code, text, references)

    return decide(
        plan,
        text,
        references,
        matches,
        model,
        propose=proposal,
        fallback_org_unit=settings.fallback_org_unit,
        near_misses=near_misses,
        station_org_unit=station_org_unit,
        min_margin=settings.min_margin,
        min_german_share=settings.min_german_share,
    )
