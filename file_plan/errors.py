"""Errors of the file-plan domain.

``file_plan`` imports nothing else of eakte, so these do not derive from
``services.errors.EAkteError``; they carry the same ``title`` and ``detail`` so the outer
layers can translate them in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class FilePlanError(Exception):
    """Base class of every error the file-plan domain raises on purpose."""

    title = "File plan error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnknownFilePlanCodeError(FilePlanError, LookupError):
    title = "Unknown file-plan code"

    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not a code of the file plan")
        self.code = code


class PlanFormatError(FilePlanError, ValueError):
    """A plan file cannot be read: bad syntax, a missing field, a value of the wrong type."""

    title = "Malformed file plan"

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        location = ", ".join(
            part for part in (where, f"field {field!r}" if field else None) if part
        )
        super().__init__(f"{location}: {message}" if location else message)
        self.where = where
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PlanProblem:
    """One reason why a parsed plan is not usable; ``code`` is None for plan-wide problems."""

    code: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code is not None else self.message


class PlanValidationError(FilePlanError, ValueError):
    title = "Invalid file plan"

    def __init__(self, problems: Iterable[PlanProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(f"the file plan has {count} problem{'s' * (count != 1)}:\n{lines}")


class AktenzeichenPatternError(FilePlanError, ValueError):
    """An Aktenzeichen pattern uses unknown placeholders, lacks ``{number}`` or is ambiguous."""

    title = "Invalid Aktenzeichen pattern"


class AktenzeichenValueError(FilePlanError, ValueError):
    """Values that an Aktenzeichen pattern cannot print so that they read back the same."""

    title = "Invalid Aktenzeichen value"
