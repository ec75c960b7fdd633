"""The one place that wires backends from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.access.confidentiality import Confidentiality
from services.access.oidc import OidcProvider, build_provider
from services.access.roles import Role, RoleCatalog, role_catalog
from services.archive.context import ArchiveContext
from services.archive.jobs import PollArchiveHandler
from services.archive.read_only import install_transfer_guard
from services.audit.jobs import AnchorAuditHandler, anchor_interval
from services.audit.policy import AuditPolicy, configure_audit
from services.audit.trail import SYSTEM_ACTOR, chain_unchained
from services.auth.key_admin import issue_key
from services.auth.keys import CreatedKey, NewKey, has_any_key
from services.classification.jobs import ClassifyDocumentHandler, TrainClassifierHandler
from services.classification.provider import ModelProvider
from services.clock import SystemClock
from services.db.migrate import current_revision, head_revision, upgrade
from services.db.session import make_engine, make_session_factory, unit_of_work
from services.documents.new_version import RenderVersionHandler
from services.documents.page_images import cache_dir_of
from services.einvoice.inbox import ScanInboxHandler
from services.einvoice.kosit import load_configuration
from services.einvoice.processing import ProcessEInvoiceHandler
from services.errors import ConfigurationError
from services.evidence.jobs import SealEvidenceHandler, schedule_sealing
from services.intake.processing import ProcessItemHandler
from services.jobs.periodic import PeriodicHandler, Schedule, schedule
from services.jobs.queue import JobQueue
from services.jobs.runner import JobHandler
from services.ports import BlobStore, Clock, OcrEngine, SearchIndex
from services.records.file_plans import ensure_plan
from services.settings import SearchBackend, Settings, StorageBackend
from services.storage.disposition import PurgeObjectsHandler
from services.storage.fixity import FixityHandler
from services.storage.jobs import ApplyProtectionHandler
from services.storage.legacy import adopt_legacy_content


@dataclass
class Container:
    """Everything a request or a worker needs, built once per process."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    store: BlobStore
    search: SearchIndex
    ocr: OcrEngine
    clock: Clock
    search_catch_up: JobHandler | None = None
    """The periodic delivery of a search backend with an outbox (OpenSearch)."""
    queue: JobQueue = field(init=False)
    models: ModelProvider = field(init=False)
    audit_policy: AuditPolicy = field(init=False)
    roles: RoleCatalog = field(init=False)
    oidc: OidcProvider | None = field(init=False)

    def __post_init__(self) -> None:
        self.roles = role_catalog(self.settings.access)
        self.oidc = build_provider(self.settings, self.roles, self.clock)
        self.audit_policy = AuditPolicy.from_settings(self.settings)
        configure_audit(self.session_factory, self.audit_policy)
        self.queue = JobQueue(self.session_factory, self.clock, self.settings.jobs)
        self.models = ModelProvider(
            self.session_factory,
            self.store,
            self.clock,
            self.settings.classification,
            self.settings.retention,
        )

    @property
    def archive_context(self) -> ArchiveContext:
        return ArchiveContext(
            self.session_factory, self.store, self.search, self.clock, self.settings
        )

    def schedules(self) -> list[Schedule]:
        return [handler.schedule for handler in self._periodic_handlers()]

    def _periodic_handlers(self) -> list[PeriodicHandler]:
        settings = self.settings
        periodic: list[tuple[JobHandler, timedelta]] = [
            (
                AnchorAuditHandler(self.session_factory, self.store, self.audit_policy, self.clock),
                anchor_interval(self.audit_policy),
            ),
            (
                FixityHandler(self.session_factory, self.store, self.clock, settings.fixity),
                timedelta(minutes=settings.fixity.interval_minutes),
            ),
            (
                ApplyProtectionHandler(
                    self.session_factory, self.store, self.clock, settings.retention
                ),
                timedelta(seconds=settings.retention.protect_interval_seconds),
            ),
        ]
        if self.search_catch_up is not None:
            periodic.append(
                (self.search_catch_up, timedelta(seconds=settings.opensearch.catch_up_seconds))
            )
        periodic.append(
            (
                PollArchiveHandler(self.archive_context),
                timedelta(seconds=settings.archive.poll_interval_seconds),
            )
        )
        inbox = settings.invoice_inbox
        if inbox is not None:
            periodic.append(
                (
                    ScanInboxHandler(inbox, self.session_factory, self.store, settings, self.clock),
                    timedelta(seconds=settings.einvoice.inbox_poll_seconds),
                )
            )
        return [
            PeriodicHandler(inner, interval, self.session_factory, self.clock, settings.jobs)
            for inner, interval in periodic
        ]

    def handlers(self) -> dict[str, JobHandler]:
        handlers: list[JobHandler] = [
            *self._periodic_handlers(),
            PurgeObjectsHandler(
                self.session_factory,
                self.store,
                self.clock,
                page_image_cache=cache_dir_of(self.settings.data_dir),
            ),
            SealEvidenceHandler(self.session_factory, self.store, self.clock, self.settings),
            ProcessEInvoiceHandler(
                self.session_factory, self.store, self.search, self.settings, self.clock
            ),
            RenderVersionHandler(
                self.session_factory, self.store, self.search, self.ocr, self.settings, self.clock
            ),
            ProcessItemHandler(
                self.session_factory, self.store, self.search, self.ocr, self.settings, self.clock
            ),
            ClassifyDocumentHandler(self.session_factory, self.models, self.settings, self.clock),
            TrainClassifierHandler(self.models),
        ]
        return {handler.kind: handler for handler in handlers}

    def close(self) -> None:
        if self.oidc is not None:
            self.oidc.close()  # its HTTP client to the provider
        self.engine.dispose()


def build_store(settings: Settings, clock: Clock) -> BlobStore:
    if settings.storage_backend is StorageBackend.S3:
        from services.backends.s3_store import S3BlobStore

        assert settings.s3_endpoint and settings.s3_access_key and settings.s3_secret_key
        return S3BlobStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key.get_secret_value(),
            secret_key=settings.s3_secret_key.get_secret_value(),
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            secure=settings.s3_secure,
        )
    from services.backends.fs_store import FsBlobStore

    # The fs store judges retention by our clock; S3 judges it by the server's.
    return FsBlobStore(settings.blob_dir, clock)


def build_search(
    settings: Settings, factory: sessionmaker[Session]
) -> tuple[SearchIndex, JobHandler | None]:
    """The search index, and the periodic job it needs (OpenSearch: outbox catch-up)."""
    if settings.search_backend is SearchBackend.OPENSEARCH:
        from services.backends.opensearch import build_opensearch

        backend = build_opensearch(settings.opensearch, factory)
        return backend.index, backend.catch_up
    return _build_sql_search(settings), None


def _build_sql_search(settings: Settings) -> SearchIndex:
    if settings.search_backend is SearchBackend.POSTGRES:
        from services.backends.postgres_search import PostgresSearchIndex

        return PostgresSearchIndex()
    from services.backends.sqlite_search import SqliteFtsSearchIndex

    return SqliteFtsSearchIndex()


def build_ocr(settings: Settings) -> OcrEngine:
    from services.ocr.ocrmypdf_engine import OcrmypdfEngine

    return OcrmypdfEngine()


def build_container(settings: Settings, *, clock: Clock | None = None) -> Container:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    clock = clock or SystemClock()
    factory = make_session_factory(engine)
    install_transfer_guard(factory)
    search, search_catch_up = build_search(settings, factory)
    return Container(
        settings=settings,
        engine=engine,
        session_factory=factory,
        store=build_store(settings, clock),
        search=search,
        ocr=build_ocr(settings),
        clock=clock,
        search_catch_up=search_catch_up,
    )


def ensure_schema(container: Container) -> None:
    """Embedded mode (SQLite) migrates itself; a shared PostgreSQL is migrated explicitly."""
    if container.settings.is_sqlite:
        upgrade(container.engine)
    elif current_revision(container.engine) != head_revision():
        raise ConfigurationError(
            "the database schema is not up to date: run 'eakte db upgrade' first"
        )


def prepare(container: Container, *, migrate: bool) -> CreatedKey | None:
    """Make the service ready: schema, store, file plan and a first admin key.

    Migrates (embedded mode), checks the store, imports the default file plan on first
    start and creates the first admin key if none exists.  Returns the bootstrap key so
    the caller can show it once.
    """
    if migrate:
        upgrade(container.engine)
    if container.settings.storage_backend is StorageBackend.S3:
        from services.backends.s3_store import S3BlobStore

        assert isinstance(container.store, S3BlobStore)
        container.store.ensure_bucket()
    container.store.check_health()
    container.store.check_object_lock()
    kosit_dir = container.settings.einvoice.kosit_config_dir
    if kosit_dir is not None:
        load_configuration(kosit_dir)  # a broken KoSIT configuration stops the start

    with unit_of_work(container.session_factory) as session:
        chain_unchained(session, container.clock)  # rows written before the chain existed
        adopt_legacy_content(
            session, container.store, clock=container.clock, settings=container.settings.retention
        )
        ensure_plan(session, clock=container.clock)
        schedule_sealing(session, clock=container.clock, jobs=container.settings.jobs)
        schedule(
            session,
            container.schedules(),
            clock=container.clock,
            settings=container.settings.jobs,
            at_once=True,
        )
        if has_any_key(session):
            return None
        return issue_key(
            session,
            NewKey(
                name="bootstrap admin",
                role=Role.ADMIN,
                org_unit=None,
                clearance=Confidentiality.STRENG_GEHEIM,
            ),
            roles=container.roles,
            actor=SYSTEM_ACTOR,
            clock=container.clock,
        )
