"""The file plan shipped with eakte (``file_plan/data/default_plan.json``)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from file_plan.model import FilePlan
from file_plan.plan_io import load_json

DEFAULT_PLAN_RESOURCE = "data/default_plan.json"
"""The default plan's path inside the ``file_plan`` package."""


@cache
def load_default_plan() -> FilePlan:
    """The shipped plan, parsed once (a :class:`FilePlan` is immutable)."""
    resource = resources.files("file_plan")
    for part in DEFAULT_PLAN_RESOURCE.split("/"):
        resource = resource / part
    return load_json(resource.read_bytes())
