"""One letter's text to a decision: references matched against Akten, else the classifier.

Shared by the classification job and ``eakte classify`` so both decide the same way.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.classification.matching import find_references, match_references
from services.classification.model import TextClassifier
from services.classification.policy import Decision, decide
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
    return decide(
        plan,
        text,
        references,
        match_references(session, references),
        model,
        fallback_org_unit=settings.fallback_org_unit,
        station_org_unit=station_org_unit,
    )
