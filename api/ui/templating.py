"""Jinja2 templates of the web interface, with the filters the pages share.

Autoescaping is on for every template; nothing a user typed or a scan contained is
ever marked safe.  Dates and times are shown in German notation, in the town's time
zone (``EAKTE_UI__TIME_ZONE``, default Europe/Berlin).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.access.confidentiality import Confidentiality
from services.errors import InvalidInputError

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
TIME_ZONE = ZoneInfo("Europe/Berlin")


def german_datetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(TIME_ZONE).strftime("%d.%m.%Y %H:%M")


def german_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(TIME_ZONE).date()
    return value.strftime("%d.%m.%Y")


def file_size(value: int | None) -> str:
    if value is None:
        return "–"
    size = float(value)
    for unit in ("Byte", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            text = f"{size:.0f}" if unit == "Byte" else f"{size:.1f}".replace(".", ",")
            return f"{text} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f} %"


def confidentiality_label(code: str | None) -> str:
    if code is None:
        return "–"
    try:
        return Confidentiality.parse(code).label
    except InvalidInputError:
        return code


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        datetime=german_datetime,
        date=german_date,
        filesize=file_size,
        percent=percent,
        confidentiality=confidentiality_label,
    )
    return env


ENVIRONMENT = _environment()


def render_template(name: str, context: dict[str, Any]) -> str:
    return ENVIRONMENT.get_template(name).render(context)
