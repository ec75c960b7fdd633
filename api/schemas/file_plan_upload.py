"""Responses of file-plan uploads (validation report) and the list of plan versions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class FindingOut(BaseModel):
    message: str
    line: int | None
    """Line of the uploaded file, when it can be told."""
    code: str | None
    field: str | None


class PlanReportOut(BaseModel):
    valid: bool
    format: str
    """``json`` or ``csv``."""
    name: str | None
    version: str | None
    items: int
    leaves: int
    added: list[str]
    """Codes the active plan does not have."""
    removed: list[str]
    """Codes of the active plan the upload drops."""
    errors: list[FindingOut]
    warnings: list[FindingOut]
    version_id: int | None
    """The new version's id once imported; None for a dry run or a refused import."""


class PlanVersionOut(BaseModel):
    id: int
    name: str
    version: str
    sha256: str
    imported_at: datetime
    imported_by: str | None
    active: bool
