"""The result of a verification run of the audit trail."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TrailBreakOut(BaseModel):
    seq: int | None
    event_id: int | None
    problem: str = Field(
        description="altered | missing | link | unchained | anchor_* | restore_mismatch"
    )
    detail: str


class TrailVerificationOut(BaseModel):
    ok: bool
    events: int
    anchors: int = Field(description="anchor objects in the store checked against the chain")
    head_seq: int | None
    head_hash: str | None
    last_anchored_seq: int | None
    first_break: TrailBreakOut | None
    breaks: list[TrailBreakOut] = Field(description="at most 100; the first one matters")
    restores: list[str] = Field(
        default_factory=list,
        description="acknowledged database restores: the events they lost (see docs/backup.md)",
    )
