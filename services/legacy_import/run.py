"""One import run: every Akte of a source, created through the ordinary services.

Per Akte: check it (plan code, dates, events) before anything is written; create the
Akte with its true opening day (the Aktenzeichen follows the opening year) and the old
Aktenzeichen as subject key ``legacy_reference``; its Vorgänge; then each document
(files checked and stored outside the transaction, then document, versions, filing,
jobs and ledger row in one transaction).  Last, in one transaction, Vorgänge close on
their days, plan events are recorded and the Akte closes on its true closing day, so
its retention runs from then.  An Akte with a refused entry stays open (its documents
could not be filed into a closed Akte later): fix the entry and run again.

Every object is written together with its ledger row; a run after a crash (even
``kill -9``) skips what the ledger holds and continues.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from file_plan import FilePlan
from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Akte, AkteEvent, AkteStatus, LegacyImportEntry, Vorgang, new_id
from services.db.session import unit_of_work
from services.errors import EAkteError, NotFoundError
from services.legacy_import import ledger
from services.legacy_import.checks import check_akte, check_document_dates, check_vorgang
from services.legacy_import.documents import create_imported_document
from services.legacy_import.files import check_document, store_checked
from services.legacy_import.model import LegacyAkte, LegacyDocument, LegacyVorgang, Refusal
from services.legacy_import.report import AkteOutcome, ImportReport
from services.legacy_import.source import ImportSource
from services.ports import BlobStore, Clock, SearchIndex
from services.records.akten import NewAkte, at_day, close_akte, create_akte
from services.records.events import NewAkteEvent, record_akte_event
from services.records.file_plans import active_plan
from services.records.subject_keys import SubjectKeyKind, subject_key
from services.records.vorgaenge import close_vorgang, create_vorgang
from services.settings import Settings

Progress = Callable[[str], None]
"""Called once per document handled (created, skipped or refused), with its label."""


@dataclass(frozen=True)
class ImportContext:
    factory: sessionmaker[Session]
    store: BlobStore
    search: SearchIndex
    settings: Settings
    clock: Clock
    scope: Scope
    """Who imports: needs manage_records; past dates need manage_retention."""


def run_import(
    ctx: ImportContext, source: ImportSource, *, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import (or with ``dry_run`` only check) every Akte of ``source``."""
    ctx.scope.require(Permission.MANAGE_RECORDS)
    report = ImportReport(
        run_id=new_id(), source=source.name, dry_run=dry_run, schema_checked=source.schema_checked
    )
    with unit_of_work(ctx.factory, write=False) as session:
        plan = active_plan(session)
    step = _AkteImport(ctx, plan, report, dry_run, progress or (lambda _label: None))
    for item in source.items():
        if isinstance(item, Refusal):
            report.refused.append(item)
            report.akten.append(AkteOutcome(item.key, item.label, None, None, "refused"))
        else:
            step.run(item)
    if not dry_run:
        with unit_of_work(ctx.factory) as session:
            record_event(
                session,
                actor=ctx.scope.actor,
                action="legacy_import.finished",
                object_type="legacy_import",
                object_id=report.run_id,
                details={
                    "source": report.source,
                    "created": report.created,
                    "skipped": report.skipped,
                    "refused": len(report.refused),
                },
                clock=ctx.clock,
            )
    return report


class _AkteImport:
    def __init__(
        self,
        ctx: ImportContext,
        plan: FilePlan,
        report: ImportReport,
        dry_run: bool,
        progress: Progress,
    ) -> None:
        self._ctx = ctx
        self._plan = plan
        self._report = report
        self._dry_run = dry_run
        self._progress = progress
        self._may_backdate = ctx.scope.may(Permission.MANAGE_RETENTION)

    def run(self, entry: LegacyAkte) -> None:
        today = self._ctx.clock.now().date()
        try:
            check_akte(entry, self._plan, today=today, may_backdate=self._may_backdate)
        except EAkteError as exc:
            self._refuse_akte(entry, exc.detail)
            return
        refusals = list(entry.refused)
        self._report.refused.extend(entry.refused)
        with unit_of_work(self._ctx.factory, write=False) as session:
            done = ledger.done(session, self._keys(entry))
        previous = done.get(entry.key)
        akte_id: str | None = previous.object_id if previous else None
        if previous is not None:
            self._report.skipped["akten"] += 1
        elif self._dry_run:
            self._report.created["akten"] += 1
        else:
            try:
                akte_id = self._create_akte(entry)
            except EAkteError as exc:
                self._refuse_akte(entry, exc.detail)
                return
            self._report.created["akten"] += 1
        vorgang_ids: dict[str, str | None] = {}
        for vorgang in entry.vorgaenge:
            if (accepted := self._vorgang(entry, vorgang, akte_id, done, refusals)) is not None:
                vorgang_ids[vorgang.key] = accepted or None
        for vorgang_entry, document in entry.all_documents():
            if vorgang_entry is not None and vorgang_entry.key not in vorgang_ids:
                continue  # refused with its Vorgang
            vorgang_id = vorgang_ids[vorgang_entry.key] if vorgang_entry else None
            self._document(document, akte_id, vorgang_id, done, refusals)
            self._progress(document.title)
        self._outcome(entry, akte_id, previous, refusals)

    def _keys(self, entry: LegacyAkte) -> list[str]:
        keys = [entry.key] + [v.key for v in entry.vorgaenge]
        return keys + [d.key for _, d in entry.all_documents()]

    def _refuse_akte(self, entry: LegacyAkte, reason: str) -> None:
        count = entry.document_count()
        suffix = f" (its {count} documents are not imported)" if count else ""
        refusal = Refusal(key=entry.key, label=entry.label, reason=reason + suffix)
        self._report.refused.append(refusal)
        self._report.akten.append(AkteOutcome(entry.key, entry.label, None, None, "refused"))
        for _ in range(count):
            self._progress(entry.label)

    def _create_akte(self, entry: LegacyAkte) -> str:
        keys = list(entry.subject_keys)
        if entry.legacy_reference:
            keys.append(subject_key(SubjectKeyKind.LEGACY_REFERENCE, entry.legacy_reference))
        ctx = self._ctx
        with unit_of_work(ctx.factory) as session:
            akte = create_akte(
                session,
                self._plan,
                NewAkte(
                    code=entry.code,
                    title=entry.title,
                    description=entry.description,
                    subject_keys=keys,
                    opened_on=entry.opened_on,
                ),
                actor=ctx.scope.actor,
                clock=ctx.clock,
                may_backdate=self._may_backdate,
            )
            self._ledger(session, entry.key, "akte", akte.id, entry.fingerprint())
            record_event(
                session,
                actor=ctx.scope.actor,
                action="akte.imported",
                object_type="akte",
                object_id=akte.id,
                details={
                    "source_key": entry.key,
                    "run_id": self._report.run_id,
                    "aktenzeichen": akte.aktenzeichen,
                    "legacy_reference": entry.legacy_reference,
                    "opened_on": entry.opened_on.isoformat(),
                    "closed_on": _day(entry.closed_on),
                },
                clock=ctx.clock,
            )
            return akte.id

    def _vorgang(
        self,
        entry: LegacyAkte,
        vorgang: LegacyVorgang,
        akte_id: str | None,
        done: dict[str, LegacyImportEntry],
        refusals: list[Refusal],
    ) -> str | None:
        """The Vorgang's id ("" in a dry run), None when it is refused."""
        if vorgang.key in done:
            self._report.skipped["vorgaenge"] += 1
            return done[vorgang.key].object_id
        try:
            check_vorgang(vorgang, entry, today=self._ctx.clock.now().date())
            if self._dry_run or akte_id is None:
                self._report.created["vorgaenge"] += 1
                return ""
            vorgang_id = self._create_vorgang(entry, vorgang, akte_id)
        except EAkteError as exc:
            count = len(vorgang.documents)
            refusal = Refusal(
                key=vorgang.key,
                label=f"Vorgang {vorgang.title} of {entry.label}",
                reason=f"{exc.detail} (its {count} documents are not imported)",
            )
            refusals.append(refusal)
            self._report.refused.append(refusal)
            for document in vorgang.documents:
                self._progress(document.title)
            return None
        self._report.created["vorgaenge"] += 1
        return vorgang_id

    def _create_vorgang(self, entry: LegacyAkte, vorgang: LegacyVorgang, akte_id: str) -> str:
        ctx = self._ctx
        with unit_of_work(ctx.factory) as session:
            akte = _akte(session, akte_id)
            row = create_vorgang(
                session, akte, vorgang.title, actor=ctx.scope.actor, clock=ctx.clock
            )
            opened_on = vorgang.opened_on or entry.opened_on
            row.opened_at = at_day(opened_on, ctx.clock.now())
            self._ledger(session, vorgang.key, "vorgang", row.id, _text_hash(vorgang.title))
            record_event(
                session,
                actor=ctx.scope.actor,
                action="vorgang.imported",
                object_type="vorgang",
                object_id=row.id,
                details={
                    "source_key": vorgang.key,
                    "run_id": self._report.run_id,
                    "akte": akte.aktenzeichen,
                    "opened_on": opened_on.isoformat(),
                    "closed_on": _day(vorgang.closed_on),
                },
                clock=ctx.clock,
            )
            return row.id

    def _document(
        self,
        document: LegacyDocument,
        akte_id: str | None,
        vorgang_id: str | None,
        done: dict[str, LegacyImportEntry],
        refusals: list[Refusal],
    ) -> None:
        if document.key in done:
            self._report.skipped["documents"] += 1
            return
        ctx = self._ctx
        try:
            check_document_dates(document, today=ctx.clock.now().date())
            checked = check_document(document, ctx.settings)
            if self._dry_run or akte_id is None:
                self._report.created["documents"] += 1
                return
            now = ctx.clock.now()
            stored = [
                (c, store_checked(ctx.store, c, settings=ctx.settings, now=now)) for c in checked
            ]
            with unit_of_work(ctx.factory) as session:
                row = create_imported_document(
                    session,
                    ctx.search,
                    _akte(session, akte_id),
                    session.get(Vorgang, vorgang_id) if vorgang_id else None,
                    document,
                    stored,
                    source_key=document.key,
                    run_id=self._report.run_id,
                    actor=ctx.scope.actor,
                    settings=ctx.settings,
                    clock=ctx.clock,
                )
                self._ledger(session, document.key, "document", row.id, stored[-1][1].sha256)
        except (EAkteError, OSError) as exc:
            reason = exc.detail if isinstance(exc, EAkteError) else f"cannot be read: {exc}"
            refusal = Refusal(key=document.key, label=f"document {document.title}", reason=reason)
            refusals.append(refusal)
            self._report.refused.append(refusal)
            return
        self._report.created["documents"] += 1

    def _outcome(
        self,
        entry: LegacyAkte,
        akte_id: str | None,
        previous: LegacyImportEntry | None,
        refusals: list[Refusal],
    ) -> None:
        outcome = "skipped" if previous else ("checked" if self._dry_run else "created")
        note = None
        if previous is not None and previous.sha256 != entry.fingerprint():
            note = "the manifest changed since this Akte was imported; eakte keeps what it has"
        if refusals and entry.closed_on is not None:
            note = f"left open: {len(refusals)} of its entries were refused; fix them and run again"
        aktenzeichen = status = None
        if akte_id is not None:
            if not refusals and not self._dry_run:
                try:
                    self._finish(entry, akte_id)
                except EAkteError as exc:
                    note = f"not closed: {exc.detail}"
                    self._report.refused.append(Refusal(entry.key, entry.label, note))
            with unit_of_work(self._ctx.factory, write=False) as session:
                akte = _akte(session, akte_id)
                aktenzeichen, status = akte.aktenzeichen, akte.status
        self._report.akten.append(
            AkteOutcome(entry.key, entry.label, akte_id, aktenzeichen, outcome, status, note)
        )

    def _finish(self, entry: LegacyAkte, akte_id: str) -> None:
        """Close the Vorgänge, record the plan events, close the Akte: one transaction."""
        ctx = self._ctx
        actor, clock = ctx.scope.actor, ctx.clock
        with unit_of_work(ctx.factory) as session:
            akte = _akte(session, akte_id)
            if akte.status != AkteStatus.OPEN:
                return
            done = ledger.done(session, [v.key for v in entry.vorgaenge])
            for vorgang in entry.vorgaenge:
                row = session.get(Vorgang, done[vorgang.key].object_id)
                if vorgang.closed_on is None or row is None or row.status != AkteStatus.OPEN:
                    continue
                close_vorgang(session, akte, row, actor=actor, clock=clock)
                row.closed_at = at_day(vorgang.closed_on, clock.now())
            recorded = {
                (" ".join(e.event.split()).casefold(), e.occurred_on)
                for e in session.scalars(select(AkteEvent).where(AkteEvent.akte_id == akte.id))
            }
            for event in entry.events:
                if (" ".join(event.event.split()).casefold(), event.occurred_on) in recorded:
                    continue
                record_akte_event(
                    session,
                    ctx.scope,
                    self._plan,
                    akte,
                    NewAkteEvent(event.event, event.occurred_on, event.note),
                    clock=clock,
                )
            if entry.closed_on is not None:
                close_akte(
                    session,
                    self._plan,
                    akte,
                    actor=actor,
                    clock=clock,
                    closed_on=entry.closed_on,
                    reason="legacy import: the file's true closing day",
                    may_backdate=self._may_backdate,
                )

    def _ledger(self, session: Session, key: str, kind: str, object_id: str, sha: str) -> None:
        ledger.record(
            session,
            key=key,
            kind=kind,
            object_id=object_id,
            sha256=sha,
            run_id=self._report.run_id,
            actor=self._ctx.scope.actor,
            now=self._ctx.clock.now(),
        )


def _akte(session: Session, akte_id: str) -> Akte:
    akte = session.get(Akte, akte_id)
    if akte is None:
        raise NotFoundError(f"the Akte {akte_id} imported before no longer exists")
    return akte


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
