"""Canonical URLs of resources, relative to the server root."""

from __future__ import annotations

API = "/api/v1"


def item_url(item_id: str) -> str:
    return f"{API}/intake/items/{item_id}"


def document_url(document_id: str) -> str:
    return f"{API}/documents/{document_id}"


def akte_url(akte_id: str) -> str:
    return f"{API}/akten/{akte_id}"


def vorgang_url(vorgang_id: str) -> str:
    return f"{API}/vorgaenge/{vorgang_id}"


def review_task_url(task_id: str) -> str:
    return f"{API}/review-queue/{task_id}"
