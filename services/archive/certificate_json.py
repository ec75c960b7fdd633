"""The certificate as canonical JSON, and back.

Sorted keys, no insignificant whitespace, UTF-8 and ISO 8601 dates make the bytes a pure
function of the record, so the SHA-256 printed on the PDF identifies them; every field is
present (``null`` when empty), and :func:`certificate_from_json` gives back an equal record,
so a stored JSON can be rendered as PDF again.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from file_plan.model import ArchiveValue
from services.archive.certificate import (
    FORMAT,
    Appraisal,
    AppraisalSource,
    Approval,
    DestroyedAkte,
    DestroyedDocument,
    DestructionReason,
    DestructionRecord,
    VersionDigest,
)
from services.archive.xdomea.model import Party


def certificate_json(record: DestructionRecord) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8, ISO 8601 dates."""
    data = {
        "format": FORMAT,
        "certificate_id": record.certificate_id,
        "number": record.number,
        "authority": _party(record.authority),
        "archive": _party(record.archive) if record.archive is not None else None,
        "process_id": record.process_id,
        "reason": record.reason.value,
        "legal_basis": record.legal_basis,
        "approval_required": record.approval is not None,
        "approval": None
        if record.approval is None
        else {
            "approver": record.approval.approver,
            "approved_at": record.approval.approved_at.isoformat(),
        },
        "destroyed_at": record.destroyed_at.isoformat(),
        "totals": {
            "akten": len(record.akten),
            "documents": record.document_count,
            "versions": record.version_count,
        },
        "akten": [_akte(a) for a in record.akten],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _party(party: Party) -> dict[str, str | None]:
    return {
        "authority_key": party.authority_key,
        "name": party.name,
        "short_name": party.short_name,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _akte(a: DestroyedAkte) -> dict[str, object]:
    p = a.appraisal
    return {
        "akte_id": a.akte_id,
        "aktenzeichen": a.aktenzeichen,
        "title": a.title,
        "plan_code": a.plan_code,
        "plan_title": a.plan_title,
        "opened_on": a.opened_on.isoformat(),
        "closed_on": _iso(a.closed_on),
        "retention_until": _iso(a.retention_until),
        "archive_signature": a.archive_signature,
        "appraisal": {
            "value": p.value.value,
            "source": p.source.value,
            "by": p.by,
            "reason": p.reason,
            "appraised_at": _iso(p.appraised_at),
            "plan_value": p.plan_value.value if p.plan_value is not None else None,
        },
        "documents": [
            {
                "document_id": d.document_id,
                "title": d.title,
                "versions": [
                    {
                        "number": v.number,
                        "sha256": v.sha256,
                        "size": v.size,
                        "rendition_sha256": v.rendition_sha256,
                        "rendition_size": v.rendition_size,
                    }
                    for v in d.versions
                ],
            }
            for d in a.documents
        ],
    }


def certificate_from_json(data: bytes) -> DestructionRecord:
    """The record a :func:`certificate_json` document was made from (raises ValueError)."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    try:
        approval = doc["approval"]
        return DestructionRecord(
            certificate_id=doc["certificate_id"],
            number=doc["number"],
            authority=Party(**doc["authority"]),
            archive=Party(**doc["archive"]) if doc["archive"] is not None else None,
            process_id=doc["process_id"],
            reason=DestructionReason(doc["reason"]),
            legal_basis=doc["legal_basis"],
            approval=None
            if approval is None
            else Approval(approval["approver"], datetime.fromisoformat(approval["approved_at"])),
            destroyed_at=datetime.fromisoformat(doc["destroyed_at"]),
            akten=tuple(_read_akte(a) for a in doc["akten"]),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"incomplete {FORMAT} document: {exc!r}") from exc


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _read_akte(a: dict[str, Any]) -> DestroyedAkte:
    p = a["appraisal"]
    return DestroyedAkte(
        akte_id=a["akte_id"],
        aktenzeichen=a["aktenzeichen"],
        title=a["title"],
        plan_code=a["plan_code"],
        plan_title=a["plan_title"],
        opened_on=date.fromisoformat(a["opened_on"]),
        closed_on=_date(a["closed_on"]),
        retention_until=_date(a["retention_until"]),
        archive_signature=a["archive_signature"],
        appraisal=Appraisal(
            value=ArchiveValue(p["value"]),
            source=AppraisalSource(p["source"]),
            by=p["by"],
            reason=p["reason"],
            appraised_at=datetime.fromisoformat(p["appraised_at"]) if p["appraised_at"] else None,
            plan_value=ArchiveValue(p["plan_value"]) if p["plan_value"] else None,
        ),
        documents=tuple(
            DestroyedDocument(
                document_id=d["document_id"],
                title=d["title"],
                versions=tuple(VersionDigest(**v) for v in d["versions"]),
            )
            for d in a["documents"]
        ),
    )
