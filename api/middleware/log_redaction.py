"""No secrets or personal data in the service log.

* :class:`RedactSecretsFilter` replaces eakte API keys (``ek_<prefix>_<secret>``: the
  prefix, which is not secret and names the key, stays) and anything that looks like a
  JSON Web Token (an OIDC access or ID token) in every message, argument and traceback.
* :class:`StripQueryFilter` drops the query string from uvicorn's access log: it may
  carry secrets (``?key=``, an OIDC ``code`` and ``state``) and personal data (search
  terms are often names).
* Headers are never logged: uvicorn's access log has none, and eakte logs none.

:func:`uvicorn_log_config` is uvicorn's logging configuration with both filters on its
handlers, and the root logger (eakte's own messages) on the same redacting handler.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

_API_KEY = re.compile(r"\b(ek_[0-9a-f]{12})_[A-Za-z0-9_-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
REDACTED = "[redacted]"
_ACCESS_PATH_ARG = 2
"""uvicorn logs ``client, method, path with query, HTTP version, status``."""


def redact(text: str) -> str:
    return _JWT.sub(REDACTED, _API_KEY.sub(rf"\1_{REDACTED}", text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted_arg(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted_arg(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _redacted_arg(arg: object) -> object:
    """The argument, or its redacted text when its text holds a secret (numbers stay)."""
    if isinstance(arg, int | float):
        return arg
    text = str(arg)
    cleaned = redact(text)
    return arg if cleaned == text else cleaned


class StripQueryFilter(logging.Filter):
    """Keep only the path of an access log line's request target."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _ACCESS_PATH_ARG:
            target = args[_ACCESS_PATH_ARG]
            if isinstance(target, str) and "?" in target:
                path = target.split("?", 1)[0] + "?" + REDACTED
                record.args = (*args[:_ACCESS_PATH_ARG], path, *args[_ACCESS_PATH_ARG + 1 :])
        return True


def uvicorn_log_config() -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "redact": {"()": f"{__name__}.RedactSecretsFilter"},
        "strip_query": {"()": f"{__name__}.StripQueryFilter"},
    }
    config["handlers"]["default"]["filters"] = ["redact"]
    config["handlers"]["access"]["filters"] = ["strip_query", "redact"]
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
