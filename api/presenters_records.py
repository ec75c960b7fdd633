"""File plan, Akten, Vorgänge, review tasks -> API schemas."""

from __future__ import annotations

from api.presenters import document_summary
from api.schemas.records import (
    AkteOut,
    AkteSummaryOut,
    FilePlanItemOut,
    FilePlanOut,
    FilingOut,
    RetentionOut,
    SubjectKeyOut,
    VorgangOut,
)
from api.schemas.review import ClassificationOut, ReviewTaskOut, SuggestionOut
from api.urls import akte_url, review_task_url
from file_plan import FilePlan
from services.db.models import Akte, ClassificationResult, Document, ReviewTask, Vorgang
from services.records.vorgaenge import vorgang_reference


def file_plan_out(plan: FilePlan, codes: list[str] | None = None) -> FilePlanOut:
    items = [item.code for item in plan.items] if codes is None else codes
    return FilePlanOut(
        name=plan.name,
        version=plan.version,
        aktenzeichen_pattern=plan.aktenzeichen_pattern,
        org_units=dict(plan.org_units),
        items=[file_plan_item_out(plan, code) for code in items],
    )


def file_plan_item_out(plan: FilePlan, code: str) -> FilePlanItemOut:
    item = plan.get(code)
    unit = plan.effective_org_unit(code)
    retention = plan.effective_retention(code)
    return FilePlanItemOut(
        code=item.code,
        title=item.title,
        parent=item.parent,
        level=item.level,
        leaf=plan.is_leaf(code),
        description=item.description,
        keywords=list(item.keywords),
        org_unit=unit,
        org_unit_title=plan.org_units.get(unit) if unit else None,
        retention=None
        if retention is None
        else RetentionOut(
            years=retention.years,
            permanent=retention.permanent,
            trigger=retention.trigger.value if retention.trigger else None,
            event=retention.event,
            text=retention.describe(),
        ),
        archive_value=str(plan.effective_archive_value(code) or "") or None,
        aktenzeichen_pattern=plan.effective_pattern(code),
        subject=item.subject.value if item.subject else None,
    )


def akte_summary(akte: Akte) -> AkteSummaryOut:
    return AkteSummaryOut(
        id=akte.id,
        aktenzeichen=akte.aktenzeichen,
        code=akte.file_plan_code,
        title=akte.title,
        org_unit=akte.org_unit,
        status=akte.status,
        general=akte.is_general,
        confidentiality=akte.confidentiality,
        url=akte_url(akte.id),
    )


def vorgang_out(akte: Akte, vorgang: Vorgang) -> VorgangOut:
    return VorgangOut(
        id=vorgang.id,
        akte_id=akte.id,
        number=vorgang.number,
        reference=vorgang_reference(akte, vorgang),
        title=vorgang.title,
        status=vorgang.status,
        opened_at=vorgang.opened_at,
        closed_at=vorgang.closed_at,
    )


def akte_out(akte: Akte) -> AkteOut:
    return AkteOut(
        **akte_summary(akte).model_dump(),
        description=akte.description,
        year=akte.year,
        running_number=akte.running_number,
        subject_keys=[
            SubjectKeyOut(kind=k.kind, value=k.value, display=k.display) for k in akte.subject_keys
        ],
        vorgaenge=[vorgang_out(akte, v) for v in akte.vorgaenge],
        opened_at=akte.opened_at,
        closed_at=akte.closed_at,
        retention_trigger_date=akte.retention_trigger_date,
        retention_until=akte.retention_until,
        documents_url=f"{akte_url(akte.id)}/documents",
    )


def filing_out(document: Document) -> FilingOut:
    return FilingOut(
        status=document.filing_status,
        akte=akte_summary(document.akte) if document.akte else None,
        vorgang_id=document.vorgang_id,
        filed_at=document.filed_at,
    )


def classification_out(result: ClassificationResult) -> ClassificationOut:
    suggestions = [SuggestionOut.model_validate(s) for s in result.suggestions]
    return ClassificationOut(
        method=result.method,
        decision=result.decision,
        code=result.code,
        confidence=result.confidence,
        threshold=result.threshold,
        model_version=result.model_version,
        reason=result.reason,
        suggestions=suggestions,
        proposal=suggestions[0] if result.decision == "routed" and suggestions else None,
        references=list(result.references),
        created_at=result.created_at,
    )


def review_task_out(
    task: ReviewTask, document: Document, result: ClassificationResult
) -> ReviewTaskOut:
    return ReviewTaskOut(
        id=task.id,
        org_unit=task.org_unit,
        status=task.status,
        created_at=task.created_at,
        decided_at=task.decided_at,
        decided_by=task.decided_by,
        outcome=task.outcome,
        document=document_summary(document),
        classification=classification_out(result),
        decision_url=f"{review_task_url(task.id)}/decision",
    )
