"""No secrets or personal data in the service log.

* :class:`~services.log_redaction.RedactSecretsFilter` replaces eakte API keys and
  anything that looks like a JSON Web Token in every message, argument and traceback.
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
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from services.log_redaction import REDACTED, RedactSecretsFilter

_ACCESS_PATH_ARG = 2
"""uvicorn logs ``client, method, path with query, HTTP version, status``."""


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
        "redact": {"()": f"{RedactSecretsFilter.__module__}.RedactSecretsFilter"},
        "strip_query": {"()": f"{__name__}.StripQueryFilter"},
    }
    config["handlers"]["default"]["filters"] = ["redact"]
    config["handlers"]["access"]["filters"] = ["strip_query", "redact"]
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
