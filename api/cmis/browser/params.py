"""The Browser binding's request parameters, read as loosely as the OpenCMIS server does.

Parameter names are case-insensitive (``cmisSelector``, ``OBJECTID``); URL and body
parameters are merged (the body wins); a single value is the last one given.  Booleans
come in the common spellings, properties as ``propertyId[i]`` with ``propertyValue[i]``
or ``propertyValue[i][j]`` (a property id given twice: the last one wins).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from services.cmis.errors import InvalidArgument
from services.cmis.model import (
    AccessControlEntry,
    Acl,
    OperationContext,
    VersioningState,
)
from services.settings import CmisSettings

_TRUE = frozenset({"true", "1", "yes", "y", "on", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "f"})
_INDEXED = re.compile(r"^([a-z_]+)\[(\d+)\](?:\[(\d+)\])?$")
_NO_RENDITIONS = "cmis:none"


class Params:
    """Request parameters by lower-cased name, each with all its values in order."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            self._values[name.strip().lower()].append(value)

    def get(self, name: str) -> str | None:
        values = self._values.get(name.lower())
        return values[-1] if values else None

    def text(self, name: str) -> str | None:
        """The value stripped, None when missing or blank."""
        value = self.get(name)
        return value.strip() or None if value is not None else None

    def require(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise InvalidArgument(f"the parameter '{name}' is required")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.text(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise InvalidArgument(f"'{name}' must be true or false, not {value!r}")

    def integer(self, name: str, *, minimum: int | None = None) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise InvalidArgument(f"'{name}' must be an integer, not {value!r}") from None
        if minimum is not None and number < minimum:
            raise InvalidArgument(f"'{name}' must be at least {minimum}")
        return number

    def indexed(self, name: str) -> dict[int, list[tuple[int | None, str]]]:
        """``name[i]`` and ``name[i][j]`` values: index -> [(j or None, value)] in order."""
        found: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
        prefix = name.lower()
        for key, values in self._values.items():
            match = _INDEXED.match(key)
            if match is None or match.group(1) != prefix:
                continue
            inner = int(match.group(3)) if match.group(3) is not None else None
            found[int(match.group(2))].extend((inner, v) for v in values)
        return found

    def indexed_list(self, name: str) -> list[str]:
        """The values of ``name[0]``, ``name[1]`` … in index order (blank ones left out)."""
        return [
            value.strip()
            for _, entries in sorted(self.indexed(name).items())
            for _, value in entries
            if value.strip()
        ]


def collect_properties(params: Params) -> dict[str, list[str]]:
    """Raw property values as sent, by property id (strings; services parse them).

    ``propertyValue[i]`` is one value, ``propertyValue[i][j]`` the j-th of several; a
    single empty value means "no value".  A property id given twice: the last one wins.
    """
    ids = params.indexed("propertyId")
    values = params.indexed("propertyValue")
    collected: dict[str, list[str]] = {}
    for index in sorted(ids):
        property_id = ids[index][-1][1].strip()
        if not property_id:
            continue
        entries = values.get(index, [])
        multi = sorted((j, v) for j, v in entries if j is not None)
        if multi:
            collected[property_id] = [v for _, v in multi]
        else:
            single = [v for j, v in entries if j is None]
            collected[property_id] = [single[-1]] if single and single[-1] != "" else []
    return collected


def collect_aces(params: Params, prefix: str) -> Acl | None:
    """``addACEPrincipal[i]`` with ``addACEPermission[i][j]`` (or ``removeACE…``)."""
    principals = params.indexed(f"{prefix}ACEPrincipal")
    permissions = params.indexed(f"{prefix}ACEPermission")
    aces = []
    for index in sorted(principals):
        principal = principals[index][-1][1].strip()
        granted = tuple(v.strip() for _, v in permissions.get(index, []) if v.strip())
        if principal:
            aces.append(AccessControlEntry(principal_id=principal, permissions=granted))
    return Acl(aces=tuple(aces)) if aces else None


def operation_context(params: Params, settings: CmisSettings) -> OperationContext:
    """filter, includeAllowableActions, includeACL, renditionFilter, paging and order."""
    return OperationContext(
        filter=property_filter(params.text("filter")),
        include_allowable_actions=params.flag("includeAllowableActions"),
        include_acl=params.flag("includeACL"),
        include_path_segment=params.flag("includePathSegment")
        or params.flag("includeRelativePathSegment"),
        rendition_filter=params.text("renditionFilter") or _NO_RENDITIONS,
        order_by=params.text("orderBy"),
        skip_count=params.integer("skipCount", minimum=0) or 0,
        max_items=max_items(params, settings),
    )


def max_items(params: Params, settings: CmisSettings) -> int:
    """maxItems, else the default page size; never more than the configured limit."""
    asked = params.integer("maxItems", minimum=0)
    if asked is None:
        asked = settings.max_items_default
    return min(asked, settings.max_items_limit)


def property_filter(raw: str | None) -> frozenset[str] | None:
    """A comma-separated filter; None (everything) for a missing filter or ``*``."""
    if raw is None:
        return None
    names = frozenset(part.strip() for part in raw.split(",") if part.strip())
    if not names or "*" in names:
        return None
    return names


def versioning_state(params: Params) -> VersioningState | None:
    raw = params.text("versioningState")
    if raw is None:
        return None
    try:
        return VersioningState(raw.lower())
    except ValueError:
        raise InvalidArgument(
            f"versioningState must be none, major, minor or checkedout, not {raw!r}"
        ) from None


def depth(params: Params, default: int) -> int:
    """depth: -1 for all levels, else at least 1 (0 is invalid by the spec)."""
    value = params.integer("depth")
    if value is None:
        return default
    if value == 0 or value < -1:
        raise InvalidArgument("depth must be -1 or at least 1")
    return value
