"""CMIS exceptions (CMIS 1.1, 2.2.1.4) and how eakte's domain errors map onto them.

Each binding renders a :class:`CmisError` with its ``name`` and ``http_status``
(Browser binding 5.2.9.4 / AtomPub 3.2.4, the same mapping).
"""

from __future__ import annotations

from services.errors import (
    AuthenticationError,
    ConflictError,
    EAkteError,
    GoneError,
    InvalidInputError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    UnsupportedMediaTypeError,
)


class CmisError(EAkteError):
    """Base of the CMIS exceptions; ``name`` is the spec's exception name."""

    name = "runtime"
    http_status = 500
    title = "CMIS runtime error"


class InvalidArgument(CmisError):
    name, http_status = "invalidArgument", 400


class ObjectNotFound(CmisError):
    name, http_status = "objectNotFound", 404


class NotSupported(CmisError):
    name, http_status = "notSupported", 405


class PermissionDenied(CmisError):
    name, http_status = "permissionDenied", 403


class Unauthorized(CmisError):
    name, http_status = "unauthorized", 401


class Runtime(CmisError):
    name, http_status = "runtime", 500


class Constraint(CmisError):
    name, http_status = "constraint", 409


class ContentAlreadyExists(CmisError):
    name, http_status = "contentAlreadyExists", 409


class FilterNotValid(CmisError):
    name, http_status = "filterNotValid", 400


class NameConstraintViolation(CmisError):
    name, http_status = "nameConstraintViolation", 409


class Storage(CmisError):
    name, http_status = "storage", 500


class StreamNotSupported(CmisError):
    name, http_status = "streamNotSupported", 403


class UpdateConflict(CmisError):
    name, http_status = "updateConflict", 409


class Versioning(CmisError):
    name, http_status = "versioning", 409


def as_cmis_error(exc: EAkteError) -> CmisError:
    """The CMIS exception for a domain error; the message is kept as it is."""
    if isinstance(exc, CmisError):
        return exc
    mapped: type[CmisError]
    if isinstance(exc, NotFoundError | GoneError):
        mapped = ObjectNotFound
    elif isinstance(exc, AuthenticationError):
        mapped = Unauthorized
    elif isinstance(exc, PermissionDeniedError):
        mapped = PermissionDenied
    elif isinstance(
        exc, ConflictError | UnsupportedMediaTypeError | LimitExceededError
    ):  # RetentionViolationError is a ConflictError: 409 constraint, for admins too
        mapped = Constraint
    elif isinstance(exc, InvalidInputError):
        mapped = InvalidArgument
    elif isinstance(exc, StorageError):
        mapped = Storage
    else:
        mapped = Runtime
    return mapped(exc.detail)
