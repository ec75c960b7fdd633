"""Domain errors -> RFC 9457 problem+json responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from file_plan.errors import FilePlanError, UnknownFilePlanCodeError
from services.errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    EAkteError,
    GoneError,
    IntegrityError,
    InvalidInputError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    UnsupportedMediaTypeError,
)
from services.intake.receive import RejectedFilesError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

STATUS_BY_ERROR: list[tuple[type[EAkteError], int]] = [
    (NotFoundError, 404),
    (UnsupportedMediaTypeError, 415),
    (LimitExceededError, 413),
    (InvalidInputError, 422),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (ConflictError, 409),
    (GoneError, 410),
    (IntegrityError, 500),
    (StorageError, 503),
    (ConfigurationError, 500),
]


def status_for(error: EAkteError) -> int:
    if isinstance(error, RejectedFilesError):
        statuses = {status_for(inner) for _, inner in error.failures}
        for preferred in (415, 413, 422):
            if preferred in statuses:
                return preferred
        return max(statuses)
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 500


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EAkteError)
    status = status_for(exc)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc.detail)
    extra: dict[str, Any] = {}
    if isinstance(exc, RejectedFilesError):
        extra["errors"] = [
            {"file": name, "title": err.title, "status": status_for(err), "detail": err.detail}
            for name, err in exc.failures
        ]
    return problem(status, exc.title, exc.detail, **extra)


async def _file_plan_error(request: Request, exc: Exception) -> JSONResponse:
    """The pure file-plan domain has its own errors (it imports nothing of services)."""
    assert isinstance(exc, FilePlanError)
    status = 404 if isinstance(exc, UnknownFilePlanCodeError) else 422
    return problem(status, exc.title, exc.detail)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in err["loc"]), "detail": err["msg"]}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['detail']}" for e in errors)
    return problem(422, "Invalid request", detail, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), str(exc.detail))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s: unexpected error", request.method, request.url.path)
    return problem(500, "Internal server error", "an unexpected error occurred; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EAkteError, _domain_error)
    app.add_exception_handler(FilePlanError, _file_plan_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
