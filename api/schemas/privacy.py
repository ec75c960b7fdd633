"""Privacy reports for data-protection officers: the query and the two JSON answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.privacy.access_report import AccessReport, ReadEvent
from services.privacy.disclosure import AkteEntry, Disclosure, DocumentEntry, Retention
from services.privacy.subjects import subject_ref
from services.records.subject_keys import SubjectKey

ReportFormat = Literal["json", "pdf"]


class ReportQueryIn(BaseModel):
    """The subject of a report, in the body, so that it stays out of URLs and server logs."""

    subject: str | None = Field(
        None,
        max_length=400,
        description="'<kind>:<value>' or a person's 'family name, given names, DD.MM.YYYY'",
        examples=["person:El-Sayed, Amira, 12.09.1991"],
    )
    kind: str | None = Field(None, max_length=30, description="subject key kind (default person)")
    value: str | None = Field(None, max_length=400, description="the key's value, with kind")
    since: datetime | None = Field(None, description="access report: reads at or after (zone)")
    until: datetime | None = Field(None, description="access report: reads before (zone)")
    limit: int = Field(
        1000, ge=1, le=10_000, description="access report: newest reads shown (PDF: at most 2000)"
    )
    format: ReportFormat = "json"


class SubjectOut(BaseModel):
    kind: str
    display: str = Field(description="the value as given")
    ref: str = Field(
        description="SHA-256 of '<kind>:<normalised value>': how the audit trail names the subject"
    )

    @classmethod
    def of(cls, key: SubjectKey) -> SubjectOut:
        return cls(kind=key.kind, display=key.display, ref=subject_ref(key))


class AkteRefOut(BaseModel):
    id: str
    aktenzeichen: str
    title: str


class ActorOut(BaseModel):
    raw: str = Field(description="as in the audit trail, e.g. 'key:<id> (<name>)'")
    kind: str = Field(description="key, person, cli or system")
    id: str | None
    name: str


class ReadObjectOut(BaseModel):
    type: str
    id: str


class ReadEventOut(BaseModel):
    seq: int | None
    occurred_at: datetime
    actor: ActorOut
    action: str = Field(description="content.read, text.read, snippet.read, ...")
    description: str = Field(description="the read in German")
    object: ReadObjectOut
    document_title: str | None
    aktenzeichen: str | None
    details: dict[str, Any] = Field(description="version, part, page, chars, rank, query")

    @classmethod
    def of(cls, event: ReadEvent) -> ReadEventOut:
        actor = event.actor
        return cls(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor=ActorOut(raw=actor.raw, kind=actor.kind, id=actor.id, name=actor.name),
            action=event.action,
            description=event.description,
            object=ReadObjectOut(type=event.object_type, id=event.object_id),
            document_title=event.document_title,
            aktenzeichen=event.aktenzeichen,
            details=event.details,
        )


class AccessReportOut(BaseModel):
    subject: SubjectOut
    generated_at: datetime
    since: datetime | None
    until: datetime | None
    akten: list[AkteRefOut]
    documents: int = Field(description="documents filed (now or before) in these Akten")
    total: int = Field(description="all reads in the period")
    truncated: bool = Field(description="true when only the newest 'limit' reads are listed")
    events: list[ReadEventOut] = Field(description="newest first")

    @classmethod
    def of(cls, report: AccessReport) -> AccessReportOut:
        return cls(
            subject=SubjectOut.of(report.subject),
            generated_at=report.generated_at,
            since=report.since,
            until=report.until,
            akten=[
                AkteRefOut(id=a.id, aktenzeichen=a.aktenzeichen, title=a.title)
                for a in report.akten
            ],
            documents=report.documents,
            total=report.total,
            truncated=report.truncated,
            events=[ReadEventOut.of(e) for e in report.events],
        )


class RetentionEndOut(BaseModel):
    until: date | None = Field(description="the retention end, when it is known")
    text: str = Field(description="German: '31.12.2036', 'dauernd' or why it is unknown")

    @classmethod
    def of(cls, retention: Retention) -> RetentionEndOut:
        return cls(until=retention.until, text=retention.text)


class PurposeOut(BaseModel):
    code: str
    title: str = Field(description="the file-plan item: the purpose of the processing")
    path: list[str] = Field(description="titles from the plan's root down to the item")


class RecipientOut(BaseModel):
    kind: str = Field(description="unit or person")
    id: str
    name: str | None
    access: str
    since: datetime
    valid_until: date | None
    revoked_at: datetime | None


class DisclosedDocumentOut(BaseModel):
    id: str
    title: str
    received_at: datetime | None
    filed_at: datetime | None
    retention: RetentionEndOut
    disposed_at: datetime | None

    @classmethod
    def of(cls, d: DocumentEntry) -> DisclosedDocumentOut:
        return cls(
            id=d.id,
            title=d.title,
            received_at=d.received_at,
            filed_at=d.filed_at,
            retention=RetentionEndOut.of(d.retention),
            disposed_at=d.disposed_at,
        )


class DisclosedAkteOut(BaseModel):
    id: str
    aktenzeichen: str
    title: str
    purpose: PurposeOut
    org_unit: str
    org_unit_name: str | None
    status: str
    opened_at: datetime
    closed_at: datetime | None
    retention_rule: str | None = Field(description="the file plan's rule, in German")
    retention: RetentionEndOut
    recipients: list[RecipientOut]
    documents: list[DisclosedDocumentOut]

    @classmethod
    def of(cls, a: AkteEntry) -> DisclosedAkteOut:
        return cls(
            id=a.id,
            aktenzeichen=a.aktenzeichen,
            title=a.title,
            purpose=PurposeOut(code=a.code, title=a.purpose, path=list(a.purpose_path)),
            org_unit=a.org_unit,
            org_unit_name=a.org_unit_name,
            status=a.status,
            opened_at=a.opened_at,
            closed_at=a.closed_at,
            retention_rule=a.retention_rule,
            retention=RetentionEndOut.of(a.retention),
            recipients=[
                RecipientOut(
                    kind=r.kind,
                    id=r.id,
                    name=r.name,
                    access=r.access,
                    since=r.since,
                    valid_until=r.valid_until,
                    revoked_at=r.revoked_at,
                )
                for r in a.recipients
            ],
            documents=[DisclosedDocumentOut.of(d) for d in a.documents],
        )


class DisclosureOut(BaseModel):
    subject: SubjectOut
    generated_at: datetime
    akten: list[DisclosedAkteOut]

    @classmethod
    def of(cls, disclosure: Disclosure) -> DisclosureOut:
        return cls(
            subject=SubjectOut.of(disclosure.subject),
            generated_at=disclosure.generated_at,
            akten=[DisclosedAkteOut.of(a) for a in disclosure.akten],
        )
