r"""Log lines as text or as one JSON object per line, each with its request id.

``EAKTE_LOG__FORMAT=json`` gives log collectors (Loki, Elasticsearch, journald with a
JSON parser) fields instead of text to parse::

    {"time": "2026-12-07T21:14:03.512Z", "level": "INFO", "logger": "uvicorn.access",
     "message": "127.0.0.1:50312 - \"GET /api/v1/documents HTTP/1.1\" 200",
     "request_id": "5f0c...", "http": {"method": "GET", "path": "/api/v1/documents",
     "status": 200}}

The redaction of secrets (:mod:`services.log_redaction`) stays a filter on the handlers,
so it has run before a line is formatted; the JSON formatter redacts once more, because a
secret must not slip through a field the filter does not know about.
"""

from __future__ import annotations

import copy
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from services.log_redaction import RedactSecretsFilter, redact
from services.observability.request_context import current_request_id
from services.settings import LogSettings

_ACCESS_LOGGER = "uvicorn.access"
_ACCESS_ARGS = 5
"""uvicorn logs ``client, method, path, HTTP version, status`` for each request."""
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s%(request_suffix)s"


class RequestIdFilter(logging.Filter):
    """Give every record the current request id and a suffix for text formats.

    ``request_id`` is None outside requests; ``request_suffix`` is `` [request <id>]``
    or nothing.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = getattr(record, "request_id", None) or current_request_id()
        record.request_id = request_id
        record.request_suffix = f" [request {request_id}]" if request_id else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record.

    Time (UTC), level, logger, message, request id, exception text, and for uvicorn's
    access lines the client, method, path and status.
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        if record.name == _ACCESS_LOGGER and isinstance(record.args, tuple):
            line.update(_access_fields(record.args))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def _access_fields(args: tuple[object, ...]) -> dict[str, Any]:
    if len(args) != _ACCESS_ARGS:
        return {}
    client, method, path, _version, status = args
    return {"client": str(client), "http": {"method": method, "path": path, "status": status}}


def with_log_format(config: dict[str, Any], settings: LogSettings) -> dict[str, Any]:
    """A copy of a :func:`logging.config.dictConfig` dictionary (uvicorn's) in our format.

    Every handler gets the request id; for ``json`` every formatter becomes the JSON one.
    """
    config = copy.deepcopy(config)
    config.setdefault("filters", {})["request_id"] = {"()": f"{__name__}.RequestIdFilter"}
    for handler in config.get("handlers", {}).values():
        handler["filters"] = [*handler.get("filters", []), "request_id"]
    formatters: dict[str, dict[str, Any]] = config.setdefault("formatters", {})
    for name, formatter in formatters.items():
        if settings.format == "json":
            formatters[name] = {"()": f"{__name__}.JsonFormatter"}
        elif "fmt" in formatter:
            formatter["fmt"] = formatter["fmt"] + "%(request_suffix)s"
    return config


def configure_process_logging(settings: LogSettings, level: int = logging.INFO) -> None:
    """Log setup for processes that are not the web server (workers, commands).

    One handler on the root logger, with secrets redacted, request ids added and the
    chosen format.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecretsFilter())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if settings.format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
