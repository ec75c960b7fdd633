"""Who read the files about a subject, and when: the read events of their documents.

"The files about a person" are the Akten carrying the person's subject key and the
documents in them; which reads of a document count is decided by where it was at the
time (:mod:`services.privacy.attribution`: a letter read in the mail room and then filed
into the person's Akte counts, a letter moved out of it counts only until the move).  A
read is any audit event whose action ends in ``.read`` on one of those documents or
Akten: today ``content.read`` (original, PDF/A, e-invoice views), ``text.read`` and
``snippet.read`` (a search hit shown with a piece of its text).

The report holds metadata only: the time, the reader, what kind of read, the document's
title and Aktenzeichen, and the read's own details (version, part, page, search rank and
query); never a document's content or text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.audit.chain import normal_time
from services.db.models import Akte, AuditEvent
from services.errors import InvalidInputError
from services.ports import Clock
from services.privacy.attribution import Candidate, candidates
from services.privacy.subjects import akten_of_subject, require_officer, subject_ref
from services.records.subject_keys import SubjectKey

READ_SUFFIX = ".read"
DETAIL_KEYS = ("version", "part", "page", "chars", "rank", "query", "einvoice")
"""What of a read event's details the report shows (all metadata of the read itself)."""

_ACTOR = re.compile(r"^(?P<kind>key|person):(?P<id>\S+) \((?P<name>.*)\)$", re.DOTALL)
ACTOR_KINDS = {"key": "API-Schlüssel", "person": "Person", "cli": "Konsole", "system": "System"}
_PARTS = {
    "content": "Original",
    "rendition": "PDF/A",
    "einvoice_html": "Rechnungsansicht (HTML)",
    "einvoice_pdf": "Rechnungsansicht (PDF)",
    "page_image": "Seitenbild",
}


@dataclass(frozen=True)
class Actor:
    """Who read: ``kind`` is key, person, cli or system; ``name`` as the trail names them."""

    raw: str
    kind: str
    id: str | None
    name: str

    @property
    def label(self) -> str:
        """``Anna Berg (API-Schlüssel)``."""
        return f"{self.name} ({ACTOR_KINDS.get(self.kind, self.kind)})"


def parse_actor(raw: str) -> Actor:
    """Split an audit actor (``key:<id> (<name>)``, ``person:...``, ``cli:<user>``, ...)."""
    match = _ACTOR.match(raw)
    if match:
        return Actor(raw=raw, kind=match["kind"], id=match["id"], name=match["name"])
    if raw.startswith("cli:"):
        return Actor(raw=raw, kind="cli", id=None, name=raw.removeprefix("cli:"))
    return Actor(raw=raw, kind="system", id=None, name=raw)


@dataclass(frozen=True)
class AkteRef:
    id: str
    aktenzeichen: str
    title: str


@dataclass(frozen=True)
class ReadEvent:
    seq: int | None
    occurred_at: datetime
    actor: Actor
    action: str
    object_type: str
    object_id: str
    document_title: str | None
    aktenzeichen: str | None
    """The subject's Akte the document is (or was) filed in; the Akte itself for Akte reads."""
    details: dict[str, Any]

    @property
    def description(self) -> str:
        """What was read, in German: ``Inhalt gelesen (Original, Version 2)``."""
        d = self.details
        if self.action == "content.read":
            extra = [_PARTS.get(str(d.get("part")), str(d.get("part") or "Inhalt"))]
            if d.get("version") is not None:
                extra.append(f"Version {d['version']}")
            return f"Inhalt gelesen ({', '.join(extra)})"
        if self.action == "text.read":
            page = d.get("page")
            return "Text gelesen (alle Seiten)" if page is None else f"Text gelesen (Seite {page})"
        if self.action == "snippet.read":
            return f"Suchtreffer mit Textauszug angezeigt (Suche „{d.get('query', '')}“)"
        return self.action


@dataclass(frozen=True)
class AccessReport:
    subject: SubjectKey
    subject_ref: str
    generated_at: datetime
    since: datetime | None
    until: datetime | None
    akten: list[AkteRef]
    documents: int
    """How many documents are or were in the subject's Akten."""
    total: int
    """All matching reads; ``events`` holds the newest ``limit`` of them."""
    events: list[ReadEvent] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.events)


def build_access_report(
    session: Session,
    scope: Scope,
    key: SubjectKey,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
    clock: Clock,
) -> AccessReport:
    """The reads of the subject's files, newest first (at or after ``since``, before ``until``)."""
    require_officer(scope)
    window = _window(since, until)
    akten = akten_of_subject(session, key)
    documents = candidates(session, akten)
    by_akte = {a.id: a for a in akten}
    zeichen = {a.aktenzeichen for a in akten}
    events: list[ReadEvent] = []
    total = 0
    if akten:
        of_objects = or_(
            and_(AuditEvent.object_type == "document", AuditEvent.object_id.in_(list(documents))),
            and_(AuditEvent.object_type == "akte", AuditEvent.object_id.in_(list(by_akte))),
        )
        rows = session.scalars(
            select(AuditEvent)
            .where(of_objects, AuditEvent.action.like(f"%{READ_SUFFIX}"), *window)
            .order_by(AuditEvent.seq.desc(), AuditEvent.id.desc())
        )
        for row in rows:
            event = _read_event(row, documents, by_akte)
            if event.aktenzeichen not in zeichen:
                continue  # the document was in someone else's Akte then
            total += 1
            if len(events) < limit:
                events.append(event)
    return AccessReport(
        subject=key,
        subject_ref=subject_ref(key),
        generated_at=clock.now(),
        since=since,
        until=until,
        akten=[AkteRef(id=a.id, aktenzeichen=a.aktenzeichen, title=a.title) for a in akten],
        documents=len(documents),
        total=total,
        events=events,
    )


def _window(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInputError(f"{name} needs a time zone, e.g. 2026-03-03T09:00:00+01:00")
    if since is not None and until is not None and until <= since:
        raise InvalidInputError("until must be later than since")
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(AuditEvent.occurred_at >= normal_time(since))
    if until is not None:
        conditions.append(AuditEvent.occurred_at < normal_time(until))
    return conditions


def _read_event(
    row: AuditEvent, documents: dict[str, Candidate], akten: dict[str, Akte]
) -> ReadEvent:
    title: str | None = None
    aktenzeichen: str | None = None
    if row.object_type == "document" and row.object_id in documents:
        document = documents[row.object_id]
        title, aktenzeichen = document.title, document.akte_at(row.seq or 0)
    elif row.object_type == "akte" and row.object_id in akten:
        aktenzeichen = akten[row.object_id].aktenzeichen
    return ReadEvent(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=parse_actor(row.actor),
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        document_title=title,
        aktenzeichen=aktenzeichen,
        details={k: row.details[k] for k in DETAIL_KEYS if k in row.details},
    )
