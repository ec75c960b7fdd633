"""All configuration, read from ``EAKTE_*`` environment variables.

Defaults give the embedded mode: SQLite, the local write-once store, SQLite FTS5 search
and in-process workers, with all data under ``./data``.  Nested groups use ``__``
(``EAKTE_OCR__LANGUAGES``); the S3 settings additionally have the flat names
``EAKTE_S3_ENDPOINT`` etc. that operators expect.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.einvoice import acceptance as einvoice_acceptance
from services.errors import ConfigurationError
from services.ports import OcrOptions

_DEFAULT_SECRETS = frozenset({"minioadmin", "changeme", "secret"})
"""Refused as secrets in production (the examples in deploy/ use ``changeme``)."""


class StorageBackend(StrEnum):
    FS = "fs"
    S3 = "s3"


class SearchBackend(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"
    OPENSEARCH = "opensearch"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class OcrSettings(BaseModel):
    languages: list[str] = Field(default_factory=lambda: ["deu", "eng"])
    rotate_pages: bool = True
    deskew: bool = True
    clean: bool = True
    timeout_seconds: int = Field(900, ge=10)
    tesseract_timeout_seconds: int = Field(180, ge=5)
    image_dpi_fallback: int = Field(300, ge=72, le=1200)


class LimitSettings(BaseModel):
    max_upload_bytes: int = Field(200 * 1024 * 1024, ge=1024)
    max_pages: int = Field(2000, ge=1)
    max_image_pixels: int = Field(200_000_000, ge=10_000)
    max_files_per_request: int = Field(200, ge=1)


class SplitSettings(BaseModel):
    """Batch splitting at separator sheets."""

    marker_text: str = Field("EAKTE-TRENNBLATT", min_length=4)
    split_on_blank_pages: bool = False
    by_default: bool = False
    """Split uploads that do not say ``split=true|false`` themselves."""


class JobSettings(BaseModel):
    lease_seconds: int = Field(120, ge=5)
    """Renewed every third of this while a job runs; a dead worker's job is free after it."""
    max_attempts: int = Field(5, ge=1)
    backoff_base_seconds: float = Field(5.0, ge=0)
    poll_interval_seconds: float = Field(1.0, gt=0)
    worker_nice: int = Field(10, ge=0, le=19)
    """Nice value added to job workers and the OCR processes they start, so that web
    requests (an upload's acknowledgement) get the CPU first; 0 keeps the same priority."""
    shutdown_grace_seconds: float = Field(20.0, ge=0)
    """On SIGTERM a worker takes no new job and lets a running one finish for this long;
    then it gives the job back to the queue for another worker.  The process manager must
    wait longer before it kills (Compose ``stop_grace_period``, 10 s by default; Kubernetes
    ``terminationGracePeriodSeconds``, 30 s by default)."""


class ClassificationSettings(BaseModel):
    """Automatic filing of incoming mail."""

    target_precision: float = Field(0.98, ge=0.5, lt=1.0)
    """Auto-file only above the confidence at which the classifier reached this precision."""
    retrain_delay_seconds: int = Field(60, ge=0)
    """Review decisions within this time are learnt together in one retraining."""
    fallback_org_unit: str = "POST"
    """Review queue for letters that nothing points anywhere (the central mail room)."""
    min_margin: float = Field(0.0, ge=0.0, lt=1.0)
    """A confident top code must also lead the second by this much calibrated confidence
    before a letter is filed or routed without the mail room."""
    min_german_share: float = Field(0.05, ge=0.0, le=1.0)
    """Only a letter with at least this share of German function words (and more German
    than English ones) is filed or routed by the classifier; see
    :mod:`services.classification.language` (German letters: 8.8 % and more)."""


class RetentionSettings(BaseModel):
    """How long the store itself protects objects (S3 Object Lock, or the fs ledger)."""

    minimum_days: int = Field(365, ge=1)
    """Lock for content whose retention end is not known yet (unfiled, open Akte, event
    not recorded); renewed before it runs out."""
    renewal_window_days: int = Field(90, ge=1)
    """Renew a minimum lock when fewer days than this are left."""
    model_days: int = Field(30, ge=1)
    """Classifier models are working data, not records: a short lock only."""
    anchor_years: int = Field(30, ge=1)
    """Audit and evidence anchors outlive every record they vouch for."""
    protect_interval_seconds: int = Field(60, ge=1)
    """How often a worker applies pending retention and hold changes to the store."""


class FixitySettings(BaseModel):
    share_per_run: float = Field(0.05, gt=0, le=1)
    """Share of the stored objects re-read per scheduled run; the oldest checks first."""
    interval_minutes: int = Field(60, ge=1)
    """With the defaults every object is re-read within 20 runs (20 hours)."""


class AuditSettings(BaseModel):
    anchor_every_events: int = Field(1000, ge=1)
    anchor_interval_minutes: int = Field(15, ge=1)


class EvidenceSettings(BaseModel):
    tsa_url: str | None = None
    """RFC 3161 time-stamp authority for the daily roots (optional)."""


class EInvoiceSettings(BaseModel):
    inbox: Path | None = None
    """Drop directory watched for invoices; processed files go to done/ and rejected/ in it."""
    inbox_poll_seconds: float = Field(5.0, gt=0)
    max_bytes: int = Field(100 * 1024 * 1024, ge=1024)
    """Largest invoice file accepted (XML or hybrid PDF)."""
    max_depth: int = Field(200, ge=10)
    """Deepest XML element nesting accepted (hostile documents nest deeply)."""
    retention_rule: str = Field("komhvo", pattern="^(komhvo|ao)$")
    """Rule set for invoices whose Leitweg-ID route does not name one."""
    receiving_unit: str = "RE"
    """The Rechnungseingangsstelle: review queue for unknown Leitweg-IDs."""
    file_plan_code: str = "111.07"
    """Where accepted invoices are filed (the year's Sammelakte of this code)."""
    kosit_config_dir: Path | None = None
    """An unpacked official KoSIT validator configuration for XRechnung (optional)."""
    accepted_customization_ids: list[str] = Field(
        default_factory=lambda: list(einvoice_acceptance.DEFAULT_ACCEPTED)
    )
    """BT-24 identifiers accepted, compared exactly; any other is rejected unchecked, as
    KoSIT's "no scenario matched" (default: XRechnung 3.0 CIUS, Extension and CVD 0.9
    and EN 16931, as the official configuration, plus the Factur-X/ZUGFeRD profiles)."""


class RoleSettings(BaseModel):
    """A deployment's own role, or a redefinition of a built-in one."""

    permissions: list[str]
    reach: str = Field("unit", pattern="^(unit|all)$")
    unfiled_mail: bool = False
    reads_content: bool = True


class AccessSettings(BaseModel):
    """Who sees what: roles and the clearance of new keys and persons."""

    roles: dict[str, RoleSettings] = Field(default_factory=dict)
    """Extra or redefined roles, e.g. ``{"bauaufsicht_lesen": {"permissions": [...]}}``."""
    default_clearance: str = Field("003", pattern="^00[1-5]$")
    """xdomea code of the clearance keys and persons get unless given one (003 Offen)."""


class OidcSettings(BaseModel):
    """Single sign-on with an OpenID Connect provider (Keycloak, ADFS, ...)."""

    issuer: str | None = None
    """The provider's issuer URL; unset disables sign-on (API keys only)."""
    client_id: str | None = None
    client_secret: SecretStr | None = None
    audience: str | None = None
    """Expected ``aud`` of bearer access tokens; defaults to the client id."""
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "PS256", "ES256"])
    """Signature algorithms accepted for tokens; ``none`` and HMAC are never accepted."""
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])
    roles_claim: str = "groups"
    """Claim with the person's groups; mapped to roles by ``role_map``."""
    role_map: dict[str, str] = Field(default_factory=dict)
    """Group -> role; a group that is itself a role name counts as that role."""
    units_claim: str = "groups"
    unit_map: dict[str, str] = Field(default_factory=dict)
    """Group -> organisational unit (e.g. ``{"GG-Amt63": "63"}``)."""
    clearance_claim: str | None = None
    """Claim with an xdomea clearance code; else the access default (or local assignment)."""
    name_claim: str = "name"
    redirect_url: str | None = None
    """The callback URL registered at the provider; default: this server's /auth/callback."""
    post_logout_redirect_url: str | None = None
    session_hours: float = Field(10.0, gt=0, le=24 * 7)
    jwks_cache_seconds: int = Field(300, ge=10)

    @model_validator(mode="after")
    def _check_provider(self) -> OidcSettings:
        if self.issuer is None:
            return self
        if not self.client_id:
            raise ValueError("EAKTE_OIDC__ISSUER needs EAKTE_OIDC__CLIENT_ID")
        loopback = ("http://127.0.0.1", "http://localhost", "http://[::1]")
        for name, url in (
            ("ISSUER", self.issuer),
            ("REDIRECT_URL", self.redirect_url),
            ("POST_LOGOUT_REDIRECT_URL", self.post_logout_redirect_url),
        ):
            if url is None or url.startswith("https://"):
                continue
            if not any(url == p or url.startswith((p + ":", p + "/")) for p in loopback):
                raise ValueError(
                    f"EAKTE_OIDC__{name} must be an https:// URL (http only on loopback)"
                )
        return self


class HttpSettings(BaseModel):
    """What every HTTP request gets checked against before it reaches a route."""

    cors_origins: list[str] = Field(default_factory=list)
    """Origins allowed to call the API from a browser; empty: CORS closed."""
    max_json_bytes: int = Field(1024 * 1024, ge=1024)
    """Largest body of a request that is not an upload."""
    auth_failures_per_minute: int = Field(20, ge=1)
    """Failed authentications per client address before 429."""
    trust_forwarded_for: bool = False
    """Take the client address from X-Forwarded-For (behind a reverse proxy)."""


class CmisSettings(BaseModel):
    """The CMIS 1.1 repository at ``/cmis/browser`` and ``/cmis/atom``."""

    repository_id: str = Field("-default-", pattern=r"^[A-Za-z0-9._~-]{1,100}$")
    """One repository; ``-default-`` is the id several existing connectors assume."""
    max_upload_bytes: int = Field(0, ge=0)
    """Largest content stream accepted; 0: the same as EAKTE_LIMITS__MAX_UPLOAD_BYTES."""
    max_items_default: int = Field(100, ge=1)
    """Page size when a client does not ask for one (maxItems)."""
    max_items_limit: int = Field(1000, ge=1)
    """Largest page a client may ask for; larger maxItems are cut to it."""
    max_tree_objects: int = Field(10_000, ge=1)
    """Most objects one getDescendants or getFolderTree answer may hold; more is refused."""


class ArchiveFlow(StrEnum):
    FOUR_STEP = "four-step"
    """0501 offer, the archive's 0502 appraisal, then 0503 with what it appraised A."""
    TWO_STEP = "two-step"
    """eakte appraises (plan value, B appraised by a person) and sends 0503 at once."""


class ArchiveSettings(BaseModel):
    """Transfer to the responsible public archive with xdomea Aussonderung messages."""

    transfer_dir: Path | None = None
    """Directory shared with the archive; defaults to ``{data_dir}/archive-transfer``."""
    flow: ArchiveFlow = ArchiveFlow.FOUR_STEP
    xdomea_version: str = Field("3.1.0", pattern=r"^3\.1\.0$")
    """The version written; replies are read in 3.1.0 and 3.0.0."""
    schema_dir: Path | None = None
    """The official xdomea XSDs (KoSIT, XRepository) laid out as ``<version>/xdomea.xsd``
    and ``xoev/``; every message written or read is checked against them."""
    sender_authority_key: str = Field("eakte", min_length=1, max_length=100)
    """Behördenkennung of the town (the sender of the messages)."""
    sender_name: str = Field("eakte", min_length=1, max_length=300)
    archive_authority_key: str = Field("archiv", min_length=1, max_length=100)
    archive_name: str = Field("Archiv", min_length=1, max_length=300)
    waived_codes: list[str] = Field(default_factory=list)
    """Plan codes for which the archive waived the offer (Anbietungsverzicht): their due
    Akten are destroyed after approval without being offered."""
    approval_required: bool = True
    """Destruction waits for a records manager's ``eakte archive approve``."""
    import_timeout_days: int = Field(90, ge=1)
    """A transfer with no 0506 after this many days raises an alert."""
    poll_interval_seconds: int = Field(300, ge=1)
    """How often a worker reads the transfer directory."""
    settle_seconds: float = Field(5.0, ge=0)
    """A reply is read once its file has not changed for this long (the archive may
    write it in place)."""


class LogSettings(BaseModel):
    """The service's own log lines (``eakte serve``; workers that call the same setup)."""

    format: str = Field("text", pattern="^(text|json)$")
    """``json``: one JSON object per line with the request id, for log collectors."""


class MonitoringSettings(BaseModel):
    """``/metrics`` and ``/health/ready`` (see docs/monitoring.md)."""

    cache_seconds: float = Field(10.0, ge=0)
    """Database figures and dependency checks are reused for this long by ``/metrics``,
    so that several scrapers (an HA pair of Prometheus servers) cost one computation."""
    check_timeout_seconds: float = Field(5.0, gt=0)
    """A dependency that has not answered a readiness check within this counts as down."""


class OpenSearchSettings(BaseModel):
    """The OpenSearch cluster for ``EAKTE_SEARCH_BACKEND=opensearch`` (docs/opensearch.md)."""

    urls: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:9200"], min_length=1)
    """Nodes of the cluster (``EAKTE_OPENSEARCH__URLS='["https://os1:9200"]'``)."""
    alias: str = Field("eakte-documents", pattern=r"^[a-z0-9][a-z0-9_-]{0,200}$")
    """The alias searches go through; physical indices are ``<alias>-<timestamp>``."""
    username: str | None = None
    password: SecretStr | None = None
    verify_certs: bool = True
    """Check the cluster's TLS certificate (``https://`` URLs)."""
    ca_certs: Path | None = None
    """CA bundle for a cluster certificate signed by the town's own CA."""
    bulk_size: int = Field(500, ge=1, le=10_000)
    """Documents per bulk request (outbox delivery and reindex)."""
    timeout_seconds: float = Field(10.0, gt=0, le=600)
    """Per request; a dead cluster costs a commit at most this long (then the outbox waits)."""
    catch_up_seconds: int = Field(30, ge=1)
    """How often a worker delivers what the outbox still holds (after an outage)."""

    @model_validator(mode="after")
    def _check_cluster(self) -> OpenSearchSettings:
        loopback = ("http://127.0.0.1", "http://localhost", "http://[::1]")
        for url in self.urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"EAKTE_OPENSEARCH__URLS: {url!r} is not an http(s):// URL")
            plain = not url.startswith("https://")
            on_loopback = any(url == p or url.startswith((p + ":", p + "/")) for p in loopback)
            if plain and self.password is not None and not on_loopback:
                raise ValueError(
                    "EAKTE_OPENSEARCH__PASSWORD is sent only over https:// (http only on loopback)"
                )
        if (self.username is None) != (self.password is None):
            raise ValueError("EAKTE_OPENSEARCH__USERNAME and __PASSWORD go together")
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EAKTE_", env_nested_delimiter="__", extra="ignore", populate_by_name=True
    )

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    database_url: str | None = None
    """SQLAlchemy URL; defaults to ``sqlite:///{data_dir}/eakte.db``."""

    storage_backend: StorageBackend = StorageBackend.FS
    s3_endpoint: str | None = None
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_bucket: str = "eakte"
    s3_region: str = "us-east-1"
    s3_secure: bool = True

    search_backend: SearchBackend = SearchBackend.SQLITE
    opensearch: OpenSearchSettings = Field(default_factory=OpenSearchSettings)

    workers: int = Field(2, ge=0, le=64)
    """Worker processes for ``eakte worker``; in embedded mode the number of in-process threads."""
    embedded_workers: bool = True
    """Run the job workers inside ``eakte serve`` (embedded mode)."""

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    server_url: str | None = Field(
        None, validation_alias=AliasChoices("EAKTE_SERVER_URL", "EAKTE_URL", "server_url")
    )
    """Where the CLI finds a running server; unset means: work on ``data_dir`` directly."""
    api_key: SecretStr | None = None
    """API key the CLI sends to ``server_url``."""

    ocr: OcrSettings = Field(default_factory=OcrSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    split: SplitSettings = Field(default_factory=SplitSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    classification: ClassificationSettings = Field(default_factory=ClassificationSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    fixity: FixitySettings = Field(default_factory=FixitySettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings)
    einvoice: EInvoiceSettings = Field(default_factory=EInvoiceSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    cmis: CmisSettings = Field(default_factory=CmisSettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    einvoice_inbox: Path | None = Field(
        None, validation_alias=AliasChoices("EAKTE_EINVOICE_INBOX", "einvoice_inbox")
    )
    """The drop directory under the name the issue and operators use (EAKTE_EINVOICE_INBOX)."""

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir.resolve() / 'eakte.db'}"

    @property
    def archive_transfer_dir(self) -> Path:
        return self.archive.transfer_dir or self.data_dir / "archive-transfer"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def ocr_options(self) -> OcrOptions:
        return OcrOptions(
            languages=tuple(self.ocr.languages),
            rotate_pages=self.ocr.rotate_pages,
            deskew=self.ocr.deskew,
            clean=self.ocr.clean,
            timeout_seconds=self.ocr.timeout_seconds,
            tesseract_timeout_seconds=self.ocr.tesseract_timeout_seconds,
            image_dpi_fallback=self.ocr.image_dpi_fallback,
        )

    @property
    def invoice_inbox(self) -> Path | None:
        return self.einvoice_inbox or self.einvoice.inbox

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @model_validator(mode="after")
    def _default_cmis_upload_limit(self) -> Settings:
        if self.cmis.max_upload_bytes == 0:
            self.cmis.max_upload_bytes = self.limits.max_upload_bytes
        return self

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        problems: list[str] = []
        url = self.effective_database_url
        if not url.startswith(("sqlite", "postgresql")):
            problems.append("EAKTE_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if self.search_backend is SearchBackend.SQLITE and not url.startswith("sqlite"):
            problems.append(
                "EAKTE_SEARCH_BACKEND=sqlite needs a SQLite database; "
                "use EAKTE_SEARCH_BACKEND=postgres with PostgreSQL"
            )
        if self.search_backend is SearchBackend.POSTGRES and not url.startswith("postgresql"):
            problems.append("EAKTE_SEARCH_BACKEND=postgres needs EAKTE_DATABASE_URL=postgresql://")
        if self.storage_backend is StorageBackend.S3:
            missing = [
                name
                for name, value in (
                    ("EAKTE_S3_ENDPOINT", self.s3_endpoint),
                    ("EAKTE_S3_ACCESS_KEY", self.s3_access_key),
                    ("EAKTE_S3_SECRET_KEY", self.s3_secret_key),
                )
                if not value
            ]
            if missing:
                problems.append(f"EAKTE_STORAGE_BACKEND=s3 needs {', '.join(missing)}")
            if self.s3_endpoint and "://" in self.s3_endpoint:
                problems.append(
                    "EAKTE_S3_ENDPOINT is host:port without a scheme; use EAKTE_S3_SECURE for TLS"
                )
        if self.environment is Environment.PRODUCTION:
            if url.startswith("sqlite"):
                problems.append("production needs PostgreSQL (EAKTE_DATABASE_URL)")
            if self.storage_backend is StorageBackend.FS:
                problems.append("production needs EAKTE_STORAGE_BACKEND=s3 with Object Lock")
            secrets = {
                "EAKTE_S3_SECRET_KEY": self.s3_secret_key,
                "EAKTE_OIDC__CLIENT_SECRET": self.oidc.client_secret,
                "EAKTE_OPENSEARCH__PASSWORD": self.opensearch.password,
            }
            problems.extend(
                f"{name} is a well-known default secret"
                for name, secret in secrets.items()
                if secret and secret.get_secret_value() in _DEFAULT_SECRETS
            )
            if urlsplit(url).password in _DEFAULT_SECRETS:
                problems.append("EAKTE_DATABASE_URL has a well-known default password")
        if problems:
            raise ConfigurationError("Invalid configuration: " + "; ".join(problems))
        return self


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; raise :class:`ConfigurationError` when invalid."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ConfigurationError:
        raise
    except ValueError as exc:  # pydantic.ValidationError, or ours wrapped by pydantic
        raise ConfigurationError(_readable_validation_error(exc)) from exc


def _readable_validation_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if errors is None:
        return str(exc)
    parts = []
    for err in errors():
        loc = "__".join(str(p) for p in err.get("loc", ()))
        name = f"EAKTE_{loc.upper()}" if loc else "configuration"
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{name}: {msg}" if loc else msg)
    return "Invalid configuration: " + "; ".join(parts)
