"""Letters of the OCR evaluation: the independent corpus, or eakte's own training letters.

Parts (``--part``):

* ``tuning``: ``benchmarks/corpus/tuning/*.json``, written by agents that never saw the OCR
  code; used to tune the OCR pipeline.
* ``heldback``: ``benchmarks/corpus/heldback/*.json``; read only by the final evaluation run,
  after the defaults are frozen.  It uses a fixed sample of :data:`HELDBACK_SAMPLE` letters:
  the first ones when the ids are sorted by the SHA-256 of the id, so that the sample does
  not depend on who wrote which letters or on their numbering.  45 rather than the planned
  90, because on the shared 2-core machine (load average 4-5 from other work) one letter
  through both pipelines took about 35 s, and the run had to fit into half an hour; with
  the 105 tuning letters the OCR evaluation has the 150 letters issue 14 asks for.  (The
  first held-back run took 40; the five more were added, not chosen, by the same order.)
* ``training``: ``file_plan/data/letters/*/*.txt``, the classifier's training letters
  (plain text, no structure); allowed for tuning while the tuning part is missing.

``--limit N`` takes the first N letters in the same hash order, so a small run still mixes
kinds and writers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "benchmarks" / "corpus"
TRAINING = ROOT / "file_plan" / "data" / "letters"
PARTS = ("tuning", "heldback", "training")
HELDBACK_SAMPLE = 45
KINDS = ("din5008", "private", "email", "form", "fax", "note")


@dataclass(frozen=True)
class Letter:
    id: str
    kind: str
    sender: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    info_block: tuple[tuple[str, str], ...] = ()
    date_line: str = ""
    subject: str = ""
    body: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    email_headers: tuple[tuple[str, str], ...] = ()
    references: tuple[str, ...] = field(default=(), repr=False)
    """The references as printed (Kassenzeichen, names ...), for the distinctive word."""


def id_hash(letter_id: str) -> int:
    """A stable number per id: sample order and the seed of every random choice."""
    return int.from_bytes(hashlib.sha256(letter_id.encode()).digest()[:8], "big")


def load(part: str, limit: int | None = None) -> list[Letter]:
    if part == "training":
        letters = [_from_text(path) for path in sorted(TRAINING.glob("*/*.txt"))]
    else:
        paths = sorted((CORPUS / part).glob("*.json"))
        if not paths:
            raise SystemExit(f"no letters in {CORPUS / part} (use --part training meanwhile)")
        letters = [_from_json(path) for path in paths]
    letters.sort(key=lambda letter: id_hash(letter.id))
    if part == "heldback":
        letters = letters[:HELDBACK_SAMPLE]
    return letters[:limit] if limit else letters


def _from_json(path: Path) -> Letter:
    data = json.loads(path.read_text(encoding="utf-8"))
    kind = data.get("kind") if data.get("kind") in KINDS else "private"
    return Letter(
        id=str(data["id"]),
        kind=kind,
        sender=_lines(data.get("sender")),
        recipient=_lines(data.get("recipient")),
        info_block=tuple((str(k), str(v)) for k, v in data.get("info_block") or ()),
        date_line=str(data.get("date_line") or ""),
        subject=str(data.get("subject") or ""),
        body=_lines(data.get("body")),
        closing=tuple(str(line) for line in data.get("closing") or ()),
        footer=_lines(data.get("footer")),
        email_headers=tuple((str(k), str(v)) for k, v in data.get("email_headers") or ()),
        references=tuple(str(ref.get("printed", "")) for ref in data.get("references") or ()),
    )


def _lines(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(line) for line in value if str(line).strip())


def _from_text(path: Path) -> Letter:
    """A training letter: its paragraphs as the body, the kind chosen by the id's hash."""
    letter_id = f"train-{path.parent.name}-{path.stem}"
    paragraphs = [" ".join(block.split()) for block in path.read_text("utf-8").split("\n\n")]
    kind = ("din5008", "private", "fax", "note", "form")[id_hash(letter_id) % 5]
    return Letter(id=letter_id, kind=kind, body=tuple(p for p in paragraphs if p))
