from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator

import pytest

from api.middleware.log_redaction import uvicorn_log_config
from services.log_redaction import install_redaction

KEY = "ek_0123456789ab_" + "S3cr3t-Value_with-enough-randomness-4711"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtdWVsbGVyIn0.c2lnbmF0dXJlLWJ5dGVz"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """uvicorn's logging with our configuration, writing to one buffer."""
    buffer = io.StringIO()
    config = uvicorn_log_config()
    for handler in config["handlers"].values():
        handler.pop("stream")
        handler["class"] = "logging.StreamHandler"
    logging.config.dictConfig(config)
    for name in ("uvicorn", "uvicorn.access", ""):
        for handler in logging.getLogger(name).handlers:
            assert isinstance(handler, logging.StreamHandler)
            handler.setStream(buffer)
    yield buffer
    for name in ("uvicorn", "uvicorn.access", ""):
        logging.getLogger(name).handlers.clear()


def test_access_log_lines_keep_the_path_but_not_the_query(logs: io.StringIO) -> None:
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/auth/callback?code=abc&state=xyz&key={KEY}&q=Müller",
        "1.1",
        200,
    )
    line = logs.getvalue()
    assert "/auth/callback?[redacted]" in line and " 200" in line
    for leaked in ("abc", "xyz", "S3cr3t", "Müller"):
        assert leaked not in line


def test_keys_and_tokens_are_redacted_in_messages_arguments_and_tracebacks(
    logs: io.StringIO,
) -> None:
    log = logging.getLogger("services.example")
    log.warning(f"refused {KEY}")
    log.warning("token %s for %r", JWT, {"authorization": f"Bearer {KEY}"})
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        log.exception("failed")
    text = logs.getvalue()
    assert "S3cr3t" not in text and JWT not in text
    assert "ek_0123456789ab_[redacted]" in text and "ValueError: bad key" in text


def test_worker_processes_redact_their_own_log_lines() -> None:
    buffer = io.StringIO()
    logger = logging.getLogger("eakte-worker-test")
    logger.propagate = False
    logger.addHandler(logging.StreamHandler(buffer))
    try:
        install_redaction(logger)
        logger.warning("job failed for key %s with token %s", KEY, JWT)
    finally:
        logger.handlers.clear()
    line = buffer.getvalue()
    assert KEY not in line and JWT not in line and "ek_0123456789ab_[redacted]" in line
