"""ORM models. The schema itself is owned by the Alembic migrations in ``migrations/``."""

from services.db.models.audit import AuditEvent
from services.db.models.base import Base, UtcDateTime, new_id
from services.db.models.classification import (
    ClassificationResult,
    ClassifierModelVersion,
    ReviewStatus,
    ReviewTask,
    TrainingExample,
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
    Role,
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

__all__ = [
    "Akte",
    "AkteStatus",
    "AkteSubjectKey",
    "AktenzeichenCounter",
    "ApiKey",
    "AuditEvent",
    "Base",
    "ClassificationResult",
    "ClassifierModelVersion",
    "Document",
    "DocumentPage",
    "DocumentStatus",
    "FilePlanEntry",
    "FilePlanVersion",
    "FilingStatus",
    "IntakeItem",
    "ItemStatus",
    "Job",
    "JobStatus",
    "ReviewStatus",
    "ReviewTask",
    "Role",
    "TrainingExample",
    "UtcDateTime",
    "Vorgang",
    "new_id",
]
