"""The shipped training letters: ``data/letters/<code>/<NN>.txt``, labelled by directory.

Each file is an incoming letter as it reads after OCR (UTF-8 plain text).  They train
and evaluate the classifier before a municipality has decided anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

LETTERS_PACKAGE = "file_plan"
LETTERS_DIR = ("data", "letters")
INDEPENDENT_DIR = ("data", "independent_letters")
"""Letters by writers who never saw the classifier or the letters above (the tuning part of
``benchmarks/corpus``): the classifier calibrates its threshold on them."""


@dataclass(frozen=True)
class TrainingLetter:
    code: str
    """The file-plan code the letter belongs to (its directory's name)."""
    name: str
    """The file name, e.g. ``07.txt``."""
    text: str


def load_letters(directory: tuple[str, ...] = LETTERS_DIR) -> list[TrainingLetter]:
    """All shipped letters, sorted by code and file name (empty when none are shipped)."""
    root = files(LETTERS_PACKAGE).joinpath(*directory)
    if not root.is_dir():
        return []
    return [
        TrainingLetter(code=directory.name, name=letter.name, text=letter.read_text("utf-8"))
        for directory in _sorted(root)
        if directory.is_dir()
        for letter in _sorted(directory)
        if letter.is_file() and letter.name.endswith(".txt")
    ]


def _sorted(directory: Traversable) -> list[Traversable]:
    return sorted(directory.iterdir(), key=lambda entry: entry.name)
