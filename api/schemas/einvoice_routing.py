"""Request body of routing a waiting e-invoice by hand."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EInvoiceRoutingIn(BaseModel):
    org_unit: str = Field(min_length=1, max_length=100)
    """The unit the invoice is for (a key of the file plan's unit list)."""
    remember_route: bool = False
    """Also route the invoice's Leitweg-ID to this unit from now on (needs the permission
    to configure routes, and a valid Leitweg-ID)."""
