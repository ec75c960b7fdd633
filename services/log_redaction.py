"""Secrets never reach a log: API keys and token-like strings are redacted.

:class:`RedactSecretsFilter` replaces eakte API keys (``ek_<prefix>_<secret>``: the
prefix, which is not secret and names the key, stays) and anything that looks like a JSON
Web Token (an OIDC access or ID token) in every message, argument and traceback.  The
service (``api.middleware.log_redaction``) and the worker processes both install it.
"""

from __future__ import annotations

import logging
import re

_API_KEY = re.compile(r"\b(ek_[0-9a-f]{12})_[A-Za-z0-9_-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
REDACTED = "[redacted]"


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


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of ``logger`` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(RedactSecretsFilter())
