"""Entry point of the XRechnung rules for the validation facade.

The rules themselves live in the package :mod:`services.einvoice.xrechnung`; this
module keeps the import path the facade was designed against.
"""

from __future__ import annotations

from services.einvoice.xrechnung import Rule, all_rules, applies_to, xrechnung_findings

__all__ = ["Rule", "all_rules", "applies_to", "xrechnung_findings"]
