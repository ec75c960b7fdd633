"""API shapes of the disposition list and of appraisals (used by the router and the CLI)."""

from __future__ import annotations

from api.schemas.disposition import AppraisalOut, ArchiveValueOut, DueAkteOut
from api.urls import akte_url
from services.retention.disposition import ArchiveValueOf, DueForDisposition


def archive_value_out(row: ArchiveValueOf) -> ArchiveValueOut:
    akte = row.akte
    appraisal = (
        AppraisalOut(
            value=akte.appraisal,
            reason=akte.appraisal_reason,
            appraised_by=akte.appraised_by,
            appraised_at=akte.appraised_at,
        )
        if akte.appraisal
        else None
    )
    return ArchiveValueOut(
        akte_id=akte.id,
        aktenzeichen=akte.aktenzeichen,
        code=akte.file_plan_code,
        plan_archive_value=row.plan_value,
        appraisal=appraisal,
        archive_value=row.archive_value,
        appraisal_pending=row.appraisal_pending,
        archive_value_text=row.archive_value_text,
        url=akte_url(akte.id),
    )


def due_akte_out(row: DueForDisposition) -> DueAkteOut:
    akte = row.akte
    assert akte.retention_until is not None  # the due list admits only known ends
    return DueAkteOut(
        **archive_value_out(row).model_dump(),
        title=akte.title,
        org_unit=akte.org_unit,
        status=akte.status,
        opened_at=akte.opened_at,
        closed_at=akte.closed_at,
        retention_until=akte.retention_until,
        documents=row.documents,
    )
