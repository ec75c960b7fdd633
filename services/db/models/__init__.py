"""ORM models. The schema itself is owned by the Alembic migrations in ``migrations/``."""

from services.db.models.access import (
    AkteShare,
    Assignment,
    BrowserSession,
    Person,
    ShareAccess,
    ShareGrantee,
)
from services.db.models.audit import AuditAnchor, AuditEvent
from services.db.models.base import Base, UtcDateTime, new_id
from services.db.models.classification import (
    ClassificationResult,
    ClassifierModelVersion,
    ReviewStatus,
    ReviewTask,
    TrainingExample,
)
from services.db.models.einvoice import (
    AnnualAccountsAdoption,
    EInvoice,
    EInvoiceStatus,
    LeitwegRoute,
    RetentionRule,
)
from services.db.models.intake import (
    ApiKey,
    Document,
    DocumentPage,
    DocumentStatus,
    FilingStatus,
    IntakeItem,
    ItemStatus,
    Job,
    JobStatus,
)
from services.db.models.pagework import (
    DerivedPage,
    DocumentSupersession,
    PageworkOperation,
)
from services.db.models.records import (
    Akte,
    AktenzeichenCounter,
    AkteStatus,
    AkteSubjectKey,
    FilePlanEntry,
    FilePlanVersion,
    Vorgang,
)
from services.db.models.storage import (
    DocumentTombstone,
    DocumentVersion,
    EvidenceTree,
    FixityStatus,
    ObjectPurpose,
    StoredObject,
)

__all__ = [
    "Akte",
    "AkteShare",
    "Assignment",
    "BrowserSession",
    "Person",
    "ShareAccess",
    "ShareGrantee",
    "AkteStatus",
    "AkteSubjectKey",
    "AnnualAccountsAdoption",
    "AktenzeichenCounter",
    "ApiKey",
    "AuditAnchor",
    "AuditEvent",
    "Base",
    "ClassificationResult",
    "ClassifierModelVersion",
    "Document",
    "DocumentPage",
    "DerivedPage",
    "DocumentSupersession",
    "DocumentStatus",
    "DocumentTombstone",
    "DocumentVersion",
    "EInvoice",
    "EInvoiceStatus",
    "EvidenceTree",
    "FilePlanEntry",
    "FilePlanVersion",
    "FilingStatus",
    "FixityStatus",
    "IntakeItem",
    "ItemStatus",
    "Job",
    "LeitwegRoute",
    "JobStatus",
    "ObjectPurpose",
    "PageworkOperation",
    "RetentionRule",
    "ReviewStatus",
    "ReviewTask",
    "StoredObject",
    "TrainingExample",
    "UtcDateTime",
    "Vorgang",
    "new_id",
]
