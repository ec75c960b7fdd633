"""Domain errors. They carry no HTTP status; ``api/errors.py`` maps them to problem+json."""

from __future__ import annotations


class EAkteError(Exception):
    """Base class of every error eakte raises on purpose."""

    title = "eakte error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConfigurationError(EAkteError):
    title = "Invalid configuration"


class NotFoundError(EAkteError):
    title = "Not found"


class UnsupportedMediaTypeError(EAkteError):
    """The content is not one of the accepted types (checked by content, not by name)."""

    title = "Unsupported media type"


class InvalidInputError(EAkteError):
    """The content has an accepted type but cannot be processed (corrupt, encrypted, empty)."""

    title = "Invalid input"


class LimitExceededError(EAkteError):
    """The content exceeds a configured limit (bytes, pages, pixels)."""

    title = "Limit exceeded"


class AuthenticationError(EAkteError):
    title = "Authentication required"


class PermissionDeniedError(EAkteError):
    title = "Permission denied"


class ConflictError(EAkteError):
    title = "Conflict"


class GoneError(EAkteError):
    """The object existed but was destroyed after its retention period (a tombstone remains)."""

    title = "Gone"


class RetentionViolationError(ConflictError):
    """Deleting or shortening the protection of a stored object before its time.

    The message names the object and the reason: the end of its retention or its legal hold.
    """

    title = "Retention violation"


class StorageError(EAkteError):
    """A storage backend failed or refused an operation."""

    title = "Storage error"


class IntegrityError(StorageError):
    """Stored content no longer matches its recorded hash."""

    title = "Integrity violation"


class OcrError(EAkteError):
    """OCR failed. ``permanent`` tells the job runner not to retry."""

    title = "OCR failed"

    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.permanent = permanent


class PermanentJobError(EAkteError):
    """A job handler failed in a way that retrying cannot fix."""

    title = "Permanent job failure"
