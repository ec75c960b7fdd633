"""The decision policy: file automatically only when it is safe, otherwise ask a person.

1. A reference (our Aktenzeichen, a Kassenzeichen, a Bauantrag number, a person with
   date of birth, the sender's own reference) that identifies exactly one open Akte
   files the letter there.
2. Otherwise the classifier's most probable code is used when its calibrated confidence
   reaches the threshold set for the target precision, and the code keeps subject-matter
   files (the letter goes into the code's Sammelakte of the year).  A code that keeps
   one Akte per person or object cannot be filed without knowing which one.
3. Everything else goes to the review queue of the organisational unit the mail room
   addressed it to, or else of the unit responsible for the most probable code, with the
   top three suggestions and the reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from file_plan import FilePlan
from services.classification.matching import ReferenceMatch
from services.classification.model import TextClassifier
from services.classification.references import Reference
from services.db.models import Akte, AkteStatus

TOP_N = 3


@dataclass(frozen=True)
class Suggestion:
    code: str
    title: str
    confidence: float
    akte_id: str | None = None
    aktenzeichen: str | None = None
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        return data


@dataclass(frozen=True)
class Decision:
    method: str
    """``reference`` or ``model``."""
    auto: bool
    code: str | None
    confidence: float | None
    threshold: float | None
    reason: str
    org_unit: str
    """The unit that receives the letter: its Akte's unit, or the review queue's."""
    suggestions: tuple[Suggestion, ...] = ()
    akte: Akte | None = None
    """The Akte a reference identified; None when filing into the code's Sammelakte."""
    references: tuple[Reference, ...] = field(default=())

    @property
    def top(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None


def decide(
    plan: FilePlan,
    text: str,
    references: Sequence[Reference],
    matches: Sequence[ReferenceMatch],
    model: TextClassifier,
    *,
    fallback_org_unit: str,
    station_org_unit: str | None = None,
) -> Decision:
    """Decide where a letter goes.

    ``station_org_unit`` is the unit the mail room addressed the letter to; a letter
    that needs review goes to that unit's queue rather than to the model's guess.
    """
    if matches:
        return _by_reference(plan, references, matches)
    decision = _by_model(plan, text, references, model, fallback_org_unit)
    if not decision.auto and station_org_unit:
        return replace(decision, org_unit=station_org_unit)
    return decision


def _by_reference(
    plan: FilePlan, references: Sequence[Reference], matches: Sequence[ReferenceMatch]
) -> Decision:
    suggestions = tuple(_akte_suggestion(plan, match) for match in matches[:TOP_N])
    if len(matches) > 1:
        listed = "; ".join(f"{s.aktenzeichen} ({', '.join(s.reasons)})" for s in suggestions)
        return Decision(
            method="reference",
            auto=False,
            code=None,
            confidence=None,
            threshold=None,
            reason=f"the references point to {len(matches)} different Akten: {listed}",
            org_unit=matches[0].akte.org_unit,
            suggestions=suggestions,
            references=tuple(references),
        )
    match = matches[0]
    akte = match.akte
    cited = ", ".join(suggestions[0].reasons)
    if akte.status != AkteStatus.OPEN:
        return Decision(
            method="reference",
            auto=False,
            code=akte.file_plan_code,
            confidence=1.0,
            threshold=None,
            reason=f"{cited} identifies Akte {akte.aktenzeichen}, but it is closed",
            org_unit=akte.org_unit,
            suggestions=suggestions,
            references=tuple(references),
        )
    return Decision(
        method="reference",
        auto=True,
        code=akte.file_plan_code,
        confidence=1.0,
        threshold=None,
        reason=f"{cited} identifies Akte {akte.aktenzeichen} ({akte.title})",
        org_unit=akte.org_unit,
        suggestions=suggestions,
        akte=akte,
        references=tuple(references),
    )


def _akte_suggestion(plan: FilePlan, match: ReferenceMatch) -> Suggestion:
    akte = match.akte
    return Suggestion(
        code=akte.file_plan_code,
        title=plan.get(akte.file_plan_code).title,
        confidence=1.0,
        akte_id=akte.id,
        aktenzeichen=akte.aktenzeichen,
        reasons=tuple(f"{r.label or r.kind.value} {r.printed}".strip() for r in match.references),
    )


def _by_model(
    plan: FilePlan,
    text: str,
    references: Sequence[Reference],
    model: TextClassifier,
    fallback_org_unit: str,
) -> Decision:
    ranked = [s for s in model.predict(text).ranked if s.code in plan][:TOP_N]
    suggestions = tuple(
        Suggestion(
            code=s.code,
            title=plan.get(s.code).title,
            confidence=round(s.probability, 4),
            reasons=tuple(model.explain(text, s.code)),
        )
        for s in ranked
    )
    unmatched = _unmatched_note(references)
    if not suggestions:
        return Decision(
            method="model",
            auto=False,
            code=None,
            confidence=None,
            threshold=model.threshold,
            reason="the classifier has no suggestion" + unmatched,
            org_unit=fallback_org_unit,
            references=tuple(references),
        )
    top = suggestions[0]
    threshold = model.threshold
    org_unit = plan.effective_org_unit(top.code) or fallback_org_unit
    terms = ", ".join(top.reasons) or "none"
    scored = f"{top.code} {top.title} with confidence {top.confidence:.1%}"
    if threshold is None:
        verdict = (
            f"{scored}; the model has no auto-filing threshold "
            "(the target precision was not reached in training)"
        )
        auto = False
    elif top.confidence < threshold:
        verdict = f"{scored} is below the auto-filing threshold {threshold:.1%}"
        auto = False
    elif plan.get(top.code).subject is not None:
        verdict = (
            f"{scored} (threshold {threshold:.1%}), but {top.code} keeps one Akte per "
            f"{plan.get(top.code).subject} and no reference identifies it"
        )
        auto = False
    else:
        verdict = f"{scored} reaches the auto-filing threshold {threshold:.1%}"
        auto = True
    return Decision(
        method="model",
        auto=auto,
        code=top.code,
        confidence=top.confidence,
        threshold=threshold,
        reason=f"classifier: {verdict}; top terms: {terms}{unmatched}",
        org_unit=org_unit,
        suggestions=suggestions,
        references=tuple(references),
    )


def _unmatched_note(references: Sequence[Reference]) -> str:
    if not references:
        return ""
    listed = ", ".join(f"{r.label or r.kind.value} {r.printed}" for r in references[:3])
    return f"; references found but matching no Akte: {listed}"
