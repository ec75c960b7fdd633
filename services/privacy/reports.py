"""Producing a privacy report: gather, render, and record it in the audit trail.

The REST API and the CLI both call these.  The report is gathered in a read-only
transaction and rendered outside any transaction; its audit event is then written in a
short transaction of its own, so a large PDF never holds the database's write lock (on
SQLite) or the audit chain's lock (on PostgreSQL).  The caller gets the report only once
its event is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from services.access.scope import Scope
from services.db.session import unit_of_work
from services.ports import Clock
from services.privacy.access_report import AccessReport, build_access_report
from services.privacy.disclosure import Disclosure, build_disclosure
from services.privacy.render_pdf import render_access_report_pdf, render_disclosure_pdf
from services.privacy.subjects import record_report, require_officer
from services.records.subject_keys import SubjectKey

ACCESS_REPORT = "privacy.access_report"
DISCLOSURE = "privacy.disclosure"
PDF_MAX_READS = 2000
"""A PDF lists at most this many reads (fpdf2 sets about 350 table rows a second); it says
how many it left out, and a shorter period or the JSON shows them."""

R = TypeVar("R", AccessReport, Disclosure)


@dataclass(frozen=True)
class Produced(Generic[R]):
    report: R
    pdf: bytes | None
    """The German PDF, when one was asked for."""


def produce_access_report(
    factory: sessionmaker[Session],
    scope: Scope,
    key: SubjectKey,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
    pdf: bool = False,
    clock: Clock,
) -> Produced[AccessReport]:
    require_officer(scope)
    shown = min(limit, PDF_MAX_READS) if pdf else limit
    with unit_of_work(factory, write=False) as session:
        report = build_access_report(
            session, scope, key, since=since, until=until, limit=shown, clock=clock
        )
    data = render_access_report_pdf(report) if pdf else None
    details = {
        "format": "pdf" if pdf else "json",
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "akten": [a.id for a in report.akten],
        "reads": report.total,
    }
    with unit_of_work(factory) as session:
        record_report(session, scope, action=ACCESS_REPORT, key=key, details=details, clock=clock)
    return Produced(report=report, pdf=data)


def produce_disclosure(
    factory: sessionmaker[Session],
    scope: Scope,
    key: SubjectKey,
    *,
    pdf: bool = False,
    clock: Clock,
) -> Produced[Disclosure]:
    require_officer(scope)
    with unit_of_work(factory, write=False) as session:
        disclosure = build_disclosure(session, scope, key, clock=clock)
    data = render_disclosure_pdf(disclosure) if pdf else None
    details = {
        "format": "pdf" if pdf else "json",
        "akten": [a.id for a in disclosure.akten],
        "documents": disclosure.document_count,
    }
    with unit_of_work(factory) as session:
        record_report(session, scope, action=DISCLOSURE, key=key, details=details, clock=clock)
    return Produced(report=disclosure, pdf=data)
