"""The decision policy: three outcomes for every letter, automatic only when it is safe.

``auto``
    filed without a person: a reference (our Aktenzeichen, a Kassenzeichen, a Bauantrag
    number, a person with date of birth, the sender's own reference) identifies exactly
    one open Akte; or the classifier is confident of a code that keeps subject-matter
    files, and the letter goes into that code's Sammelakte of the year.
``routed``
    the classifier is just as confident, but the code keeps one Akte per person or
    object and no reference identified it.  The letter goes straight to the Postkorb of
    the unit responsible for the code (``plan.effective_org_unit``), with the code set
    and a proposed Akte (:mod:`services.classification.routing`): an existing one the
    letter names, or a new one with the subject keys read from it.  The central mail
    room never sees it.
``review``
    everything else goes to the unit the mail room addressed it to, else the central
    mail room (``fallback_org_unit``), with the top suggestions and the reasons.  Near
    misses of a reference (an Akte whose key differs by an OCR confusion) are proposals
    only: the letter is reviewed with the nearly matching Akten suggested first.

"Confident" means that the calibrated confidence of the top code reaches the model's
threshold (estimated for the target precision, see
:mod:`services.classification.calibration` for how it generalises to letters of other
authors), leads the second code by at least ``min_margin``, and the text reads as a
German letter (:mod:`services.classification.language`).  The same test decides which of
several Akten named by references a letter is routed to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from file_plan import FilePlan
from services.classification.language import LanguageReading, read_language
from services.classification.matching import ReferenceMatch
from services.classification.model import TextClassifier
from services.classification.near_miss import NearMiss
from services.classification.references import Reference
from services.classification.routing import NewAkteProposal, Proposal
from services.db.models import Akte, AkteStatus

TOP_N = 3


class Outcome(StrEnum):
    AUTO = "auto"
    ROUTED = "routed"
    REVIEW = "review"


@dataclass(frozen=True)
class Suggestion:
    code: str
    title: str
    confidence: float
    akte_id: str | None = None
    aktenzeichen: str | None = None
    reasons: tuple[str, ...] = ()
    new_akte: NewAkteProposal | None = None
    """A new Akte to open for the letter: a routed letter's proposal."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        data["new_akte"] = self.new_akte.to_dict() if self.new_akte else None
        return data


@dataclass(frozen=True)
class Decision:
    method: str
    """``reference``, ``near_miss`` or ``model``."""
    outcome: Outcome
    code: str | None
    confidence: float | None
    threshold: float | None
    reason: str
    org_unit: str
    """The unit that receives the letter: its Akte's unit, or the queue's."""
    suggestions: tuple[Suggestion, ...] = ()
    """For a routed letter the first is the proposal: the code with an existing Akte
    (``akte_id``) or a ``new_akte``."""
    akte: Akte | None = None
    """The Akte a reference identified; None when filing into the code's Sammelakte."""
    references: tuple[Reference, ...] = field(default=())

    @property
    def auto(self) -> bool:
        return self.outcome is Outcome.AUTO

    @property
    def top(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    @property
    def proposal(self) -> Suggestion | None:
        """What a routed letter proposes (None for the other outcomes)."""
        return self.top if self.outcome is Outcome.ROUTED else None


Proposer = Callable[[str], Proposal]
"""The proposal for a routed letter of a code (:func:`services.classification.routing.propose`)."""


def decide(
    plan: FilePlan,
    text: str,
    references: Sequence[Reference],
    matches: Sequence[ReferenceMatch],
    model: TextClassifier,
    *,
    propose: Proposer,
    fallback_org_unit: str,
    near_misses: Sequence[NearMiss] = (),
    station_org_unit: str | None = None,
    min_margin: float = 0.0,
    min_german_share: float = 0.0,
) -> Decision:
    """Decide where a letter goes (see the module docstring).

    ``near_misses`` are those of the references when ``matches`` is empty.
    ``station_org_unit`` is the unit the mail room addressed the letter to; a letter that
    needs review goes to that unit's queue rather than to the central mail room.
    """
    ranked = _ranked(plan, text, model)
    confident, doubt = _confident(
        ranked, model.threshold, min_margin, read_language(text), min_german_share
    )
    review_unit = station_org_unit or fallback_org_unit
    if matches:
        return _by_reference(plan, references, matches, confident)
    if near_misses:
        return _near_miss_review(plan, references, near_misses, ranked, model, review_unit)
    return _by_model(plan, references, ranked, confident, doubt, model, propose, review_unit)


def _ranked(plan: FilePlan, text: str, model: TextClassifier) -> tuple[Suggestion, ...]:
    ranked = [s for s in model.predict(text).ranked if s.code in plan][:TOP_N]
    return tuple(
        Suggestion(
            code=s.code,
            title=plan.get(s.code).title,
            confidence=round(s.probability, 4),
            reasons=tuple(model.explain(text, s.code)),
        )
        for s in ranked
    )


def _confident(
    ranked: Sequence[Suggestion],
    threshold: float | None,
    min_margin: float,
    language: LanguageReading,
    min_german_share: float,
) -> tuple[Suggestion | None, str]:
    """The top suggestion if the classifier may decide by it, else None and why not.

    It must reach the threshold, lead the next by the margin, and the text must read as
    German: the classifier knows German letters only, so its confidence says nothing
    about other text.
    """
    if not ranked:
        return None, "the classifier has no suggestion"
    top = ranked[0]
    scored = f"{top.code} {top.title} with confidence {top.confidence:.1%}"
    if threshold is None:
        return None, (
            f"{scored}; the model has no auto-filing threshold "
            "(the target precision was not reached in training)"
        )
    if top.confidence < threshold:
        return None, f"{scored} is below the threshold {threshold:.1%}"
    runner_up = ranked[1].confidence if len(ranked) > 1 else 0.0
    if top.confidence - runner_up < min_margin:
        return None, f"{scored} reaches the threshold {threshold:.1%} but leads too narrowly"
    if not language.reads_as_german(min_german_share):
        return None, (
            f"{scored}, but the text does not read as a German letter "
            f"({language.german_share:.1%} German and {language.english_share:.1%} English "
            "function words), which is all the classifier knows"
        )
    return top, ""


def _by_reference(
    plan: FilePlan,
    references: Sequence[Reference],
    matches: Sequence[ReferenceMatch],
    confident: Suggestion | None,
) -> Decision:
    """Auto-file into the one open Akte the references identify.

    References come before the classifier: a short follow-up ("Nachtrag: ..., geb. ...")
    says little for the model but names its Akte exactly.
    """
    suggestions = tuple(_akte_suggestion(plan, match) for match in matches[:TOP_N])
    if len(matches) > 1:
        return _several(plan, references, matches, suggestions, confident)
    match = matches[0]
    akte = match.akte
    cited = ", ".join(suggestions[0].reasons)
    if akte.status != AkteStatus.OPEN:
        return Decision(
            method="reference",
            outcome=Outcome.REVIEW,
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
        outcome=Outcome.AUTO,
        code=akte.file_plan_code,
        confidence=1.0,
        threshold=None,
        reason=f"{cited} identifies Akte {akte.aktenzeichen} ({akte.title})",
        org_unit=akte.org_unit,
        suggestions=suggestions,
        akte=akte,
        references=tuple(references),
    )


def _several(
    plan: FilePlan,
    references: Sequence[Reference],
    matches: Sequence[ReferenceMatch],
    suggestions: tuple[Suggestion, ...],
    confident: Suggestion | None,
) -> Decision:
    """References to several Akten: routed to the one open Akte of the confident code."""
    listed = "; ".join(f"{s.aktenzeichen} ({', '.join(s.reasons)})" for s in suggestions)
    reason = f"the references point to {len(matches)} different Akten: {listed}"
    same_code = [
        m
        for m in matches
        if confident is not None
        and m.akte.file_plan_code == confident.code
        and m.akte.status == AkteStatus.OPEN
    ]
    if len(same_code) == 1 and confident is not None:
        chosen = _akte_suggestion(plan, same_code[0])
        return Decision(
            method="reference",
            outcome=Outcome.ROUTED,
            code=confident.code,
            confidence=confident.confidence,
            threshold=None,
            reason=f"{reason}; the classifier is confident of {confident.code}, "
            f"which only Akte {chosen.aktenzeichen} has",
            org_unit=same_code[0].akte.org_unit,
            suggestions=(chosen, *(s for s in suggestions if s.akte_id != chosen.akte_id)),
            references=tuple(references),
        )
    return Decision(
        method="reference",
        outcome=Outcome.REVIEW,
        code=None,
        confidence=None,
        threshold=None,
        reason=reason,
        org_unit=matches[0].akte.org_unit,
        suggestions=suggestions,
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


def _near_miss_review(
    plan: FilePlan,
    references: Sequence[Reference],
    near_misses: Sequence[NearMiss],
    ranked: tuple[Suggestion, ...],
    model: TextClassifier,
    org_unit: str,
) -> Decision:
    """A reference nearly names an Akte: proposed first, but a person decides."""
    near = tuple(
        Suggestion(
            code=miss.akte.file_plan_code,
            title=plan.get(miss.akte.file_plan_code).title
            if miss.akte.file_plan_code in plan
            else miss.akte.file_plan_code,
            confidence=next(
                (s.confidence for s in ranked if s.code == miss.akte.file_plan_code), 0.0
            ),
            akte_id=miss.akte.id,
            aktenzeichen=miss.akte.aktenzeichen,
            reasons=(miss.reason,),
        )
        for miss in near_misses[:TOP_N]
    )
    listed = "; ".join(f"{miss.akte.aktenzeichen}: {miss.reason}" for miss in near_misses[:TOP_N])
    top = ranked[0] if ranked else None
    return Decision(
        method="near_miss",
        outcome=Outcome.REVIEW,
        code=top.code if top else None,
        confidence=top.confidence if top else None,
        threshold=model.threshold,
        reason=f"a reference nearly matches an existing Akte, never filed without a person: "
        f"{listed}",
        org_unit=org_unit,
        suggestions=near + ranked,
        references=tuple(references),
    )


def _by_model(
    plan: FilePlan,
    references: Sequence[Reference],
    ranked: tuple[Suggestion, ...],
    confident: Suggestion | None,
    doubt: str,
    model: TextClassifier,
    propose: Proposer,
    review_unit: str,
) -> Decision:
    """``doubt`` says why the classifier is not ``confident`` (see :func:`_confident`)."""
    unmatched = _unmatched_note(references)
    base = Decision(
        method="model",
        outcome=Outcome.REVIEW,
        code=None,
        confidence=None,
        threshold=model.threshold,
        reason=doubt + unmatched,
        org_unit=review_unit,
        suggestions=ranked,
        references=tuple(references),
    )
    if not ranked:
        return base
    top = ranked[0]
    terms = ", ".join(top.reasons) or "none"
    base = replace(base, code=top.code, confidence=top.confidence)
    if confident is None:
        return replace(base, reason=f"classifier: {doubt}; top terms: {terms}{unmatched}")
    return _confident_decision(plan, references, ranked, model, propose, base, terms)


def _confident_decision(
    plan: FilePlan,
    references: Sequence[Reference],
    ranked: tuple[Suggestion, ...],
    model: TextClassifier,
    propose: Proposer,
    base: Decision,
    terms: str,
) -> Decision:
    top = ranked[0]
    item = plan.get(top.code)
    threshold = f"threshold {model.threshold:.1%}" if model.threshold is not None else ""
    scored = (
        f"classifier: {top.code} {top.title} with confidence {top.confidence:.1%} ({threshold})"
    )
    unmatched = _unmatched_note(references)
    if item.subject is None:
        return _subject_matter(plan, top, propose(top.code), base, f"{scored}; top terms: {terms}")
    unit = plan.effective_org_unit(top.code)
    if unit is None:
        return replace(
            base,
            reason=f"{scored}, but no unit is responsible for {top.code}; top terms: {terms}",
        )
    proposal = propose(top.code)
    first = replace(
        top,
        akte_id=proposal.akte.id if proposal.akte else None,
        aktenzeichen=proposal.akte.aktenzeichen if proposal.akte else None,
        reasons=(*top.reasons, proposal.reason),
        new_akte=proposal.new_akte,
    )
    others = tuple(
        replace(top, akte_id=a.id, aktenzeichen=a.aktenzeichen, reasons=(a.title,))
        for a in proposal.others
    )
    return replace(
        base,
        outcome=Outcome.ROUTED,
        org_unit=unit,
        suggestions=(first, *others, *ranked[1:]),
        reason=f"{scored}; {top.code} keeps one Akte per {item.subject}: routed to unit "
        f"{unit} with the proposal {proposal.reason}; top terms: {terms}{unmatched}",
    )


def _subject_matter(
    plan: FilePlan, top: Suggestion, proposal: Proposal, base: Decision, scored: str
) -> Decision:
    """A confident subject-matter code: its Sammelakte, or an Akte of it the letter prints.

    Only a key printed in the letter counts here (names and plots are no reason to leave
    the Sammelakte); several such Akten are for a person to choose.
    """
    unit = plan.effective_org_unit(top.code) or base.org_unit
    if proposal.printed_key and proposal.akte is not None:
        akte = proposal.akte
        return replace(
            base,
            outcome=Outcome.AUTO,
            akte=akte,
            org_unit=akte.org_unit,
            suggestions=(
                replace(top, akte_id=akte.id, aktenzeichen=akte.aktenzeichen),
                *base.suggestions[1:],
            ),
            reason=f"{scored}; {proposal.reason}, printed in the letter: filed there",
        )
    if proposal.printed_key and proposal.others:
        listed = ", ".join(a.aktenzeichen for a in proposal.others)
        return replace(
            base,
            reason=f"{scored}; the letter prints keys of several Akten of {top.code}: {listed}",
        )
    return replace(
        base, outcome=Outcome.AUTO, org_unit=unit, reason=f"{scored}; filed into the Sammelakte"
    )


def _unmatched_note(references: Sequence[Reference]) -> str:
    if not references:
        return ""
    listed = ", ".join(f"{r.label or r.kind.value} {r.printed}" for r in references[:3])
    return f"; references found but matching no Akte: {listed}"
