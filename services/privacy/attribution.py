"""Which reads of a document were reads of a subject's files.

A document belongs to a subject's files while it lies in one of their Akten.  A read
counts when the document was in one of the subject's Akten at the moment of the read; a
read before the document was filed at all (mail room, review queue) counts for the Akte
it was filed into next.  A letter filed into the person's Akte by mistake and moved on is
theirs only while it was there: later reads of it are someone else's business, and
reporting them (with the letter's title) could disclose a third person's data.

Where a document was when is read from the trail's filing events (``document.filed``,
``document.moved``: their ``to`` is the Aktenzeichen).  A document without any filing
event counts for the Akte it is in now.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.access.scope import system_scope
from services.access.visibility import document_visible
from services.db.models import Akte, AuditEvent, Document

FILING_ACTIONS = ("document.filed", "document.moved")


@dataclass(frozen=True)
class Candidate:
    """A document that is or was in one of the subject's Akten."""

    title: str
    current: str | None
    """The Aktenzeichen of the Akte it is in now."""
    filings: tuple[tuple[int, str], ...]
    """(chain position, Aktenzeichen filed into), oldest first."""

    def akte_at(self, seq: int) -> str | None:
        """The Aktenzeichen the document was in when event ``seq`` happened.

        Before its first filing: the Akte it was filed into first.
        """
        if not self.filings:
            return self.current
        earlier = [into for position, into in self.filings if position < seq]
        return earlier[-1] if earlier else self.filings[0][1]


def candidates(session: Session, akten: list[Akte]) -> dict[str, Candidate]:
    """Document id -> :class:`Candidate`, for every document that is or was in ``akten``."""
    if not akten:
        return {}
    everything = document_visible(system_scope())
    zeichen = {a.id: a.aktenzeichen for a in akten}
    into = AuditEvent.details["to"].as_string()
    out_of = AuditEvent.details["from"].as_string()
    filed_there = select(AuditEvent.object_id).where(
        AuditEvent.object_type == "document",
        AuditEvent.action.in_(FILING_ACTIONS),
        or_(into.in_(list(zeichen.values())), out_of.in_(list(zeichen.values()))),
    )
    rows = session.execute(
        select(Document.id, Document.title, Akte.aktenzeichen)
        .outerjoin(Akte, Akte.id == Document.akte_id)
        .where(
            or_(Document.akte_id.in_(list(zeichen)), Document.id.in_(filed_there)),
            everything,
        )
    ).all()
    if not rows:
        return {}
    filings: dict[str, list[tuple[int, str]]] = {}
    for doc_id, seq, target in session.execute(
        select(AuditEvent.object_id, AuditEvent.seq, into)
        .where(
            AuditEvent.object_type == "document",
            AuditEvent.action.in_(FILING_ACTIONS),
            AuditEvent.object_id.in_([r.id for r in rows]),
        )
        .order_by(AuditEvent.seq, AuditEvent.id)
    ):
        if target is not None:
            filings.setdefault(doc_id, []).append((seq or 0, str(target)))
    return {
        r.id: Candidate(title=r.title, current=r.aktenzeichen, filings=tuple(filings.get(r.id, ())))
        for r in rows
    }
