"""The extracted invoice as JSON: what the API returns and the database keeps.

Amounts stay exact (Decimal as string), dates ISO, and embedded attachments are listed
with their size and SHA-256 instead of their bytes (those are documents of their own).
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from services.einvoice.extract import InvoiceData


def invoice_json(invoice: InvoiceData) -> dict[str, Any]:
    converted = _convert(invoice)
    assert isinstance(converted, dict)
    return converted


def _convert(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _convert(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) not in (None, (), "")
        }
    if isinstance(value, tuple | list):
        return [_convert(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"size": len(value), "sha256": hashlib.sha256(value).hexdigest()}
    return value
