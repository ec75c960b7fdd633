"""Request and response models of Leitweg-ID routes and adopted annual accounts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.db.models import RetentionRule


class RouteIn(BaseModel):
    org_unit: str = Field(min_length=1, max_length=100)
    retention_rule: RetentionRule | None = None
    """komhvo (municipal budget) or ao (commercial activity); unset: the configured default."""
    description: str | None = Field(None, max_length=300)


class RouteOut(BaseModel):
    leitweg_id: str
    org_unit: str
    retention_rule: str | None
    description: str | None
    updated_at: datetime
    updated_by: str


class AdoptionIn(BaseModel):
    adopted_on: date


class AdoptionOut(BaseModel):
    fiscal_year: int
    adopted_on: date
    invoices: int
    """Invoices of that year whose retention end was set or extended."""
