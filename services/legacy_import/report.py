"""What an import run did: created, skipped (imported before), refused with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.legacy_import.model import Refusal

KINDS = ("akten", "vorgaenge", "documents")


@dataclass(frozen=True)
class AkteOutcome:
    key: str
    label: str
    akte_id: str | None
    aktenzeichen: str | None
    outcome: str
    """``created``, ``skipped`` (imported before), ``checked`` (dry run) or ``refused``."""
    status: str | None = None
    """``open`` or ``closed`` after the run."""
    note: str | None = None
    """Why an Akte that should close stays open, or that it changed since its import."""


@dataclass
class ImportReport:
    run_id: str
    source: str
    dry_run: bool
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    refused: list[Refusal] = field(default_factory=list)
    akten: list[AkteOutcome] = field(default_factory=list)
    schema_checked: bool | None = None
    """For xdomea sources: whether the messages were checked against the schema."""

    @property
    def exit_code(self) -> int:
        """Non-zero when anything was refused."""
        return 1 if self.refused else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "source": self.source,
            "dry_run": self.dry_run,
            "created": self.created,
            "skipped": self.skipped,
            "refused": [{"key": r.key, "label": r.label, "reason": r.reason} for r in self.refused],
            "akten": [
                {
                    "key": a.key,
                    "label": a.label,
                    "id": a.akte_id,
                    "aktenzeichen": a.aktenzeichen,
                    "outcome": a.outcome,
                    "status": a.status,
                    "note": a.note,
                }
                for a in self.akten
            ],
            "schema_checked": self.schema_checked,
        }

    def summary_lines(self) -> list[str]:
        verb = "would create" if self.dry_run else "created"
        lines = [
            f"{verb}: {self._counts(self.created)}",
            f"skipped (imported before): {self._counts(self.skipped)}",
            f"refused: {len(self.refused)}",
        ]
        lines += [f"  REFUSED {r.label}: {r.reason}" for r in self.refused]
        lines += [f"  NOTE {a.aktenzeichen or a.label}: {a.note}" for a in self.akten if a.note]
        if self.schema_checked is False:
            lines.append(
                "note: the xdomea messages were not schema-checked "
                "(EAKTE_ARCHIVE__SCHEMA_DIR is not set)"
            )
        return lines

    @staticmethod
    def _counts(counts: dict[str, int]) -> str:
        return ", ".join(f"{counts[kind]} {kind}" for kind in KINDS)
