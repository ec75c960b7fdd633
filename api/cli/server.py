"""Talking to a running eakte server: one HTTP client, one way to report its refusals."""

from __future__ import annotations

from typing import Any

import httpx


class CliError(Exception):
    """A failure to report to the user as one readable line (exit code 1)."""


class ServerClient:
    """Requests to the server at ``base_url`` with an API key; errors become :class:`CliError`."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise CliError(
                f"cannot reach the eakte server at {self._client.base_url}: {exc}"
            ) from exc
        if response.is_error:
            raise CliError(problem_message(response))
        return response

    def json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.request(method, url, **kwargs).json()
        return result


def problem_message(response: httpx.Response) -> str:
    """The server's problem+json answer as one line."""
    try:
        body = response.json()
    except ValueError:
        return f"server answered {response.status_code}: {response.text[:300]}"
    title = body.get("title", "error")
    detail = body.get("detail", "")
    return f"server answered {response.status_code} {title}: {detail}"
