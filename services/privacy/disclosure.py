"""The Art. 15 DSGVO list: every Akte and document kept under a subject's key.

For each Akte: its Aktenzeichen and title, the purpose of the processing (the file-plan
item it is kept under, with the path of titles above it), the responsible unit, when it
was opened and closed, how long it is kept (the plan's rule and the resulting end, or why
the end is not known yet), the recipients it was shared with (units and persons, also
shares that have ended), and its documents with title, date received, date filed and
retention end.  Metadata only: no document content or text.

Only the key the report asks about is named; other subject keys of the same Akte may be
other people's data (Art. 15 (4) DSGVO) and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from file_plan import FilePlan, RetentionTrigger
from services.access.scope import Scope, system_scope
from services.access.visibility import document_visible
from services.db.models import (
    Akte,
    AkteShare,
    AkteStatus,
    Document,
    IntakeItem,
    Person,
    ShareGrantee,
)
from services.ports import Clock
from services.privacy.subjects import akten_of_subject, require_officer, subject_ref
from services.records.file_plans import active_plan
from services.records.subject_keys import SubjectKey
from services.storage.protection import retention_end

PERMANENT = "dauernd"
OPEN_AKTE = "unbekannt (Akte offen)"


@dataclass(frozen=True)
class Retention:
    until: date | None
    """The retention end, if it is known."""
    text: str
    """German: the end as ``31.12.2036``, ``dauernd`` or why it is not known yet."""


@dataclass(frozen=True)
class DocumentEntry:
    id: str
    title: str
    received_at: datetime | None
    filed_at: datetime | None
    retention: Retention
    disposed_at: datetime | None


@dataclass(frozen=True)
class Recipient:
    kind: str
    """``unit`` or ``person``."""
    id: str
    name: str | None
    access: str
    since: datetime
    valid_until: date | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class AkteEntry:
    id: str
    aktenzeichen: str
    title: str
    code: str
    purpose: str
    """The title of the file-plan item: why the data is processed (Zweck)."""
    purpose_path: tuple[str, ...]
    """Titles from the plan's root down to the item."""
    org_unit: str
    org_unit_name: str | None
    status: str
    opened_at: datetime
    closed_at: datetime | None
    retention_rule: str | None
    """The plan's rule in German, e.g. ``10 Jahre nach Schließung der Akte (z.d.A.)``."""
    retention: Retention
    recipients: list[Recipient]
    documents: list[DocumentEntry]


@dataclass(frozen=True)
class Disclosure:
    subject: SubjectKey
    subject_ref: str
    generated_at: datetime
    akten: list[AkteEntry]

    @property
    def document_count(self) -> int:
        return sum(len(a.documents) for a in self.akten)


def build_disclosure(
    session: Session, scope: Scope, key: SubjectKey, *, clock: Clock
) -> Disclosure:
    """Every Akte with the subject's key, of every unit and level (system scope)."""
    require_officer(scope)
    plan = active_plan(session)
    akten = [_akte_entry(session, plan, akte) for akte in akten_of_subject(session, key)]
    return Disclosure(
        subject=key, subject_ref=subject_ref(key), generated_at=clock.now(), akten=akten
    )


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def akte_retention(plan: FilePlan, akte: Akte) -> Retention:
    rule = plan.effective_retention(akte.file_plan_code) if akte.file_plan_code in plan else None
    if rule is not None and rule.permanent:
        return Retention(until=None, text=PERMANENT)
    if akte.retention_until is not None:
        return Retention(until=akte.retention_until, text=german_date(akte.retention_until))
    if akte.status == AkteStatus.OPEN:
        return Retention(until=None, text=OPEN_AKTE)
    if rule is not None and rule.trigger is RetentionTrigger.EVENT:
        return Retention(
            until=None, text=f"unbekannt (die Frist beginnt mit dem Ereignis „{rule.event}“)"
        )
    return Retention(until=None, text="unbekannt (keine Frist im Aktenplan)")


def _akte_entry(session: Session, plan: FilePlan, akte: Akte) -> AkteEntry:
    code = akte.file_plan_code
    known = code in plan
    rule = plan.effective_retention(code) if known else None
    own = akte_retention(plan, akte)
    return AkteEntry(
        id=akte.id,
        aktenzeichen=akte.aktenzeichen,
        title=akte.title,
        code=code,
        purpose=plan.get(code).title if known else code,
        purpose_path=plan.path_titles(code) if known else (),
        org_unit=akte.org_unit,
        org_unit_name=plan.org_units.get(akte.org_unit),
        status=akte.status,
        opened_at=akte.opened_at,
        closed_at=akte.closed_at,
        retention_rule=rule.describe() if rule else None,
        retention=own,
        recipients=_recipients(session, plan, akte),
        documents=_documents(session, akte, own),
    )


def _documents(session: Session, akte: Akte, akte_retention: Retention) -> list[DocumentEntry]:
    rows = session.execute(
        select(Document, IntakeItem.received_at)
        .join(IntakeItem, IntakeItem.id == Document.item_id)
        .where(Document.akte_id == akte.id, document_visible(system_scope()))
        .order_by(Document.filed_at, Document.created_at, Document.id)
    ).all()
    entries = []
    for document, received_at in rows:
        end = retention_end(document)
        entries.append(
            DocumentEntry(
                id=document.id,
                title=document.title,
                received_at=received_at,
                filed_at=document.filed_at,
                retention=Retention(until=end, text=german_date(end))
                if end is not None
                else akte_retention,
                disposed_at=document.disposed_at,
            )
        )
    return entries


def _recipients(session: Session, plan: FilePlan, akte: Akte) -> list[Recipient]:
    """Everyone the Akte was shared with (ended shares too: they were recipients)."""
    shares = session.scalars(
        select(AkteShare).where(AkteShare.akte_id == akte.id).order_by(AkteShare.id)
    ).all()
    person_ids = [s.grantee for s in shares if s.grantee_kind == ShareGrantee.PERSON]
    persons = (
        dict(
            session.execute(
                select(Person.id, Person.name).where(Person.id.in_(person_ids))
            ).tuples()
        )
        if person_ids
        else {}
    )
    return [
        Recipient(
            kind=share.grantee_kind,
            id=share.grantee,
            name=plan.org_units.get(share.grantee)
            if share.grantee_kind == ShareGrantee.UNIT
            else persons.get(share.grantee),
            access=share.access,
            since=share.created_at,
            valid_until=share.valid_until,
            revoked_at=share.revoked_at,
        )
        for share in shares
    ]
