"""Organisational units: the file plan's unit list and its hierarchy.

A unit's key names its parent: ``32.3`` (Ausländerbehörde) is a sub-unit of ``32``
(Ordnungsamt), as in the KGSt numbering towns use.  Whoever belongs to a unit sees its
sub-units too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from services.errors import InvalidInputError
from services.records.file_plans import active_plan


def is_within(unit: str, ancestor: str) -> bool:
    return unit == ancestor or unit.startswith(ancestor + ".")


def with_sub_units(units: Iterable[str], known: Iterable[str]) -> frozenset[str]:
    """``units`` and every known unit below one of them."""
    own = frozenset(units)
    return own | {u for u in known if any(is_within(u, a) for a in own)}


def known_units(session: Session) -> Mapping[str, str]:
    """Unit key -> name, from the active file plan."""
    return active_plan(session).org_units


def check_unit(session: Session, unit: str) -> str:
    """Refuse a unit the active file plan does not list."""
    units = known_units(session)
    if unit not in units:
        sample = ", ".join(sorted(units)[:12])
        raise InvalidInputError(
            f"unknown organisational unit {unit!r}; the file plan lists {len(units)} units "
            f"({sample}, ...; see 'eakte file-plan show')"
        )
    return unit
