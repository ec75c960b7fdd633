"""Reference matching at scale: extraction, exact matching and near-miss proposals.

Builds 50,000 Akten with the subject keys a town's Akten carry (persons with birth
dates, Kassenzeichen, Bauanträge with their Flurstück, other parties' references) in a
fresh database, then reads short letters that cite a key or an Akte's Aktenzeichen
exactly, cite it with one near miss (an OCR confusion, a separator, a date or name
misread), or cite an unknown key (far from every key, or close to one: the twin, another
digit).  Every letter goes the way the mail room takes it: references extracted, matched
exactly, and only when nothing matched, near misses looked up.  Flurstücke are stored
but not cited: plots are matched by the routing (services/classification/routing.py).

The letters are generated here, not written independently: the table measures speed and
the behaviour per confusion class, not how often real letters carry each class.  SQLite
runs without ``ANALYZE`` statistics (the lookups use their indexes either way);
PostgreSQL is analysed after the bulk load.

Reported: latency of the whole way per letter (p50/p95/p99, and p95 per step), and per
kind of letter how many were filed exactly (for a near miss: wrongly), how often the
intended Akte was proposed (recall) and how many proposals were wrong (precision).

    python -m benchmarks.reference_matching [--quick] [--postgres] [--akten N] [--letters N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from benchmarks.table import print_table
from services.bootstrap import build_container, prepare
from services.classification.matching import find_references, match_references
from services.classification.near_miss import find_near_misses
from services.db.models import Akte, AkteSubjectKey
from services.db.session import unit_of_work
from services.errors import InvalidInputError
from services.records.akten import unit_of_code
from services.records.file_plans import active_plan
from services.records.subject_keys import subject_key
from services.settings import SearchBackend
from tests.fixtures.app import make_settings
from tests.fixtures.pg_cluster import PostgresCluster

FAMILIES = (  # noqa: SIM905 - names as prose
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
    "Hartmann Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann "
    "König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel "
    "Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht "
    "Yilmaz Kaya Demir Şahin Çelik Öztürk Aydın Kowalski Nowak Wiśniewski Wójcik Haddad "
    "Rahimi Nguyen Tran Popescu Ionescu Petrović Jovanović Ivanova Smirnov Habermann "
    "Tietjen Wrobel Maaß Stöcklein Pawlak Brandstätter Strothmann Deshpande Petersen-Hauck "
    "Schick Wiechert Feldkamp Grabowski El-Sayed Al-Masri Okafor Mensah Diallo Haidari"
).split()
GIVEN = (  # noqa: SIM905
    "Anna Maria Emma Mia Sophie Lena Lea Hannah Laura Julia Sarah Lisa Katharina Kerstin "
    "Gisela Ursula Monika Petra Sabine Andrea Ayşe Fatma Zeynep Elif Agnieszka Olena Amina "
    "Leon Lukas Jonas Felix Paul Maximilian Tim Ben Jan Niklas Julian Thomas Michael Andreas "
    "Stefan Peter Wolfgang Klaus Jürgen Bernd Dennis Waldemar Mehmet Ahmet Mustafa Samir "
    "Arif Rohan Tomasz Piotr Dmitri Ivan Minh Kwame Omar Yusuf"
).split()
PERSON_CODES = ("122.02", "122.04", "122.05", "122.07", "311.01", "365.01")
GEMARKUNGEN = ("Hagenbeck", "Süderfeld", "Nordholz", "Altenmoor", "Brinkum")
SENDER_PREFIXES = ("RA", "KD", "AL", "GP", "PF", "OWI", "VL", "BV", "FW-K", "HTO")
OCR_LETTER = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z", "6": "G"}
NAME_SLIP = {"m": "rn", "e": "c", "i": "l", "n": "h", "u": "ii", "a": "o", "c": "e", "l": "i"}
FILLER = (
    "Sehr geehrte Damen und Herren,\n\n"
    "bezugnehmend auf Ihr Schreiben vom 12.01.2026 übersende ich Ihnen die erbetenen "
    "Unterlagen. Für Rückfragen stehe ich Ihnen unter 0421 556677-12 gern zur Verfügung. "
    "Die Zahlung von 245,80 EUR erfolgt auf das Konto DE02 1203 0000 0000 2020 51.\n\n"
    "Mit freundlichen Grüßen\n\nM. Beispiel\n"
)


@dataclass(frozen=True)
class Key:
    akte_id: str
    kind: str
    display: str


@dataclass(frozen=True)
class Letter:
    kind: str
    """``exact``, ``new, far``, ``new, close`` or the near-miss class (``kassenzeichen S/5``)."""
    text: str
    akte_id: str | None


@dataclass
class Outcome:
    letters: int = 0
    filed_right: int = 0
    filed_wrong: int = 0
    proposed_right: int = 0
    proposals_wrong: int = 0
    millis: list[float] = field(default_factory=list)


# --- the Akten ----------------------------------------------------------------------------


def build_keys(rng: random.Random, count: int) -> list[list[tuple[str, str]]]:
    """Subject keys (kind, display) of ``count`` Akten; values unique per kind."""
    seen: set[tuple[str, str]] = set()
    akten: list[list[tuple[str, str]]] = []

    def unique(kind: str, make: Callable[[], str]) -> tuple[str, str]:
        while True:
            key = (kind, make())
            if key not in seen:
                seen.add(key)
                return key

    for n in range(count):
        share = n % 20
        if share < 10:
            akten.append([unique("person", lambda: _person(rng))])
        elif share < 14:
            akten.append([unique("kassenzeichen", lambda: _kassenzeichen(rng))])
        elif share < 17:
            bau = unique(
                "bauantrag", lambda: f"BA-{rng.randint(2010, 2026)}-{rng.randint(1, 1999):04d}"
            )
            plot = f"{rng.choice(GEMARKUNGEN)} {rng.randint(1, 40)} {rng.randint(1, 400)}"
            akten.append([bau, ("flurstueck", plot)])
        else:
            akten.append([unique("sender_reference", lambda: _sender_reference(rng))])
    return akten


def _person(rng: random.Random) -> str:
    born = date.fromordinal(date(1935, 1, 1).toordinal() + rng.randrange(31_000))
    return f"{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}, {born:%d.%m.%Y}"


def _kassenzeichen(rng: random.Random) -> str:
    digits = f"{rng.randint(0, 9999):04d}.{rng.randint(0, 999999):06d}.{rng.randint(0, 9)}"
    return f"{rng.choice('56')}.{digits}"


def _sender_reference(rng: random.Random) -> str:
    return f"{rng.choice(SENDER_PREFIXES)}-{rng.randint(2020, 2026)}/{rng.randint(1, 9999):04d}"


def populate(session: Session, akten: list[list[tuple[str, str]]]) -> list[Key]:
    """Insert the Akten in bulk (their near keys come from the model's column default)."""
    plan = active_plan(session)
    now = datetime.now(UTC)
    rows: list[dict[str, object]] = []
    key_rows: list[dict[str, str]] = []
    keys: list[Key] = []
    counters: dict[str, int] = {}
    for subject in akten:
        kind = subject[0][0]
        code = {"kassenzeichen": "611.01", "bauantrag": "521.01", "sender_reference": "122.06"}.get(
            kind, PERSON_CODES[len(rows) % len(PERSON_CODES)]
        )
        number = counters[code] = counters.get(code, 0) + 1
        akte_id = str(uuid.uuid4())
        if len(rows) % 4 == 0:  # a quarter of the letters' senders cite our Aktenzeichen
            keys.append(Key(akte_id, "aktenzeichen", f"{code}-{number}/2025"))
        rows.append(
            {
                "id": akte_id,
                "aktenzeichen": f"{code}-{number}/2025",
                "file_plan_code": code,
                "year": 2025,
                "running_number": number,
                "title": f"Akte {subject[0][1]}",
                "org_unit": unit_of_code(plan, code),
                "opened_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
        for key_kind, display in subject:
            key = subject_key(key_kind, display)
            key_rows.append(
                {"akte_id": akte_id, "kind": key.kind, "value": key.value, "display": display}
            )
            keys.append(Key(akte_id, key_kind, display))
    for start in range(0, len(rows), 5000):
        session.execute(insert(Akte), rows[start : start + 5000])
    for start in range(0, len(key_rows), 5000):
        session.execute(insert(AkteSubjectKey), key_rows[start : start + 5000])
    return keys


# --- the letters --------------------------------------------------------------------------


def cite(kind: str, display: str) -> str:
    """A letter's line that cites the key as the sender prints it."""
    if kind == "person":
        family, given, born = (p.strip() for p in display.split(","))
        return random.Random(display).choice(
            (
                f"Betreff: Ihr Vorgang zu {given} {family}, geb. {born}\n",
                f"Betreff: Antrag auf Wohngeld\nAntragstellerin: {family}, {given}, geb. {born}\n",
                f"Betreff: Meldebescheinigung für Herrn {given} {family}, geboren am {born}\n",
            )
        )
    if kind == "kassenzeichen":
        return f"Betreff: Grundbesitzabgaben 2026\nKassenzeichen: {display}\n"
    if kind == "aktenzeichen":
        return f"Ihr Zeichen: {display}\nBetreff: Ihr Schreiben vom 12.01.2026\n"
    if kind == "bauantrag":
        return f"Betreff: Bauantrag Nr. {display}, Errichtung eines Carports\n"
    return f"Unser Zeichen: {display}\nBetreff: Ihr Schreiben in obiger Sache\n"


def near_variants(rng: random.Random, key: Key) -> list[tuple[str, str]]:
    """(class, printed) near misses of a key: what OCR or a typist makes of it."""
    display = key.display
    found: list[tuple[str, str]] = []
    if key.kind == "person":
        family, given, born = (p.strip() for p in display.split(","))
        d, m, y = born.split(".")
        if d != m and int(d) <= 12:
            found.append(("person day/month swapped", f"{family}, {given}, {m}.{d}.{y}"))
        digits = d + m + y
        i = rng.choice([i for i in range(7) if digits[i] != digits[i + 1]] or [0])
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        found.append(("person digits transposed", f"{family}, {given}, {_date(swapped)}"))
        i = rng.randrange(8)
        off = digits[:i] + str((int(digits[i]) + rng.choice((1, 9))) % 10) + digits[i + 1 :]
        found.append(("person one digit off", f"{family}, {given}, {_date(off)}"))
        slips = [i for i, c in enumerate(family) if c in NAME_SLIP]
        if slips:
            i = rng.choice(slips)
            slipped = family[:i] + NAME_SLIP[family[i]] + family[i + 1 :]
            found.append(("person name letter", f"{slipped}, {given}, {born}"))
        return [(c, p) for c, p in found if _differs(key, p)]
    for digit, letter in OCR_LETTER.items():
        spots = [i for i, c in enumerate(display) if c == digit]
        if spots and not (key.kind == "kassenzeichen" and digit in "01"):
            i = rng.choice(spots)
            found.append((f"{key.kind} {letter}/{digit}", display[:i] + letter + display[i + 1 :]))
    if "-" in display and key.kind != "aktenzeichen":
        found.append((f"{key.kind} dash missing", display.replace("-", "", 1)))
    if key.kind == "sender_reference":
        found.append((f"{key.kind} blank added", display.replace("-", " ", 1)))
    return [(c, p) for c, p in found if _differs(key, p)]


def _date(digits: str) -> str:
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"


def _differs(key: Key, printed: str) -> bool:
    """Whether the variant is a possible key whose normal form differs from the key's.

    A variant the normal form absorbs ("BA2026-0173") is an exact match, no near miss.
    """
    if key.kind == "person" and not 1900 <= int(printed[-4:]) <= date.today().year:
        return False  # letters name no one born in 1086 or 2951: that is no birth date read
    try:
        return _value(key.kind, printed) != _value(key.kind, key.display)
    except InvalidInputError:  # an impossible date is no variant
        return False


def _value(kind: str, printed: str) -> str:
    return printed if kind == "aktenzeichen" else subject_key(kind, printed).value


def letters(rng: random.Random, keys: list[Key], count: int) -> list[Letter]:
    """A third exact, half near misses, the rest citing keys no Akte has.

    Half of the unknown keys are far from every key; the other half are close to one
    without being a misreading of it ("new, close"): the twin with another given name,
    the Kassenzeichen or number with another digit.  A proposal for them is a wrong one.
    """
    citable = [k for k in keys if k.kind != "flurstueck"]
    taken = {_value(k.kind, k.display) for k in citable}
    result: list[Letter] = []
    while len(result) < count:
        key = rng.choice(citable)
        roll = rng.random()
        if roll < 0.33:
            result.append(Letter("exact", cite(key.kind, key.display) + FILLER, key.akte_id))
        elif roll < 0.83:
            variants = near_variants(rng, key)
            if variants:
                kind, printed = rng.choice(variants)
                result.append(Letter(kind, cite(key.kind, printed) + FILLER, key.akte_id))
        elif roll < 0.91:
            unknown = {
                "person": f"Unbekannt, {rng.choice(GIVEN)}, 01.01.1930",
                "kassenzeichen": "7." + _kassenzeichen(rng)[2:],
                "bauantrag": f"BV-{rng.randint(1990, 2009)}-{rng.randint(1, 999):04d}",
                "sender_reference": f"XQ-{rng.randint(1990, 2009)}/{rng.randint(1, 999):04d}",
                "aktenzeichen": f"611.01-{rng.randint(1, 999)}/2019",
            }[key.kind]
            result.append(Letter("new, far", cite(key.kind, unknown) + FILLER, None))
        else:
            close = _close(rng, key)
            if _value(key.kind, close) not in taken:
                result.append(Letter("new, close", cite(key.kind, close) + FILLER, None))
    return result


def _close(rng: random.Random, key: Key) -> str:
    """Another key close to ``key``: the twin, the next number."""
    if key.kind == "person":
        family, given, born = (p.strip() for p in key.display.split(","))
        return f"{family}, {rng.choice([g for g in GIVEN if g != given])}, {born}"
    digits = [i for i, c in enumerate(key.display) if c.isdigit()]
    i = rng.choice(digits[-3:])
    other = rng.choice([d for d in "0123456789" if d != key.display[i]])
    return key.display[:i] + other + key.display[i + 1 :]


# --- the run ------------------------------------------------------------------------------


def measure(
    session: Session, batch: list[Letter]
) -> tuple[dict[str, Outcome], dict[str, list[float]]]:
    plan = active_plan(session)
    steps: dict[str, list[float]] = {"extract": [], "match": [], "near misses": [], "all": []}
    outcomes: dict[str, Outcome] = {}
    for letter in batch[: len(batch) // 10]:  # warm caches and statement compilation
        refs = find_references(plan, letter.text)
        match_references(session, refs)
        find_near_misses(session, refs)
    for letter in batch:
        t0 = time.perf_counter()
        refs = find_references(plan, letter.text)
        t1 = time.perf_counter()
        matches = match_references(session, refs)
        t2 = time.perf_counter()
        proposals = [] if matches else find_near_misses(session, refs)
        t3 = time.perf_counter()
        for name, took in (("extract", t1 - t0), ("match", t2 - t1), ("all", t3 - t0)):
            steps[name].append(took * 1000)
        if not matches:
            steps["near misses"].append((t3 - t2) * 1000)
        outcome = outcomes.setdefault(letter.kind, Outcome())
        outcome.letters += 1
        outcome.millis.append((t3 - t0) * 1000)
        filed = {m.akte.id for m in matches}
        outcome.filed_right += letter.kind == "exact" and filed == {letter.akte_id}
        outcome.filed_wrong += bool(filed) and (letter.kind != "exact" or filed != {letter.akte_id})
        outcome.proposed_right += any(p.akte.id == letter.akte_id for p in proposals)
        outcome.proposals_wrong += sum(p.akte.id != letter.akte_id for p in proposals)
    return outcomes, steps


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(url: str | None, akten: int, count: int, label: str) -> None:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory(prefix="eakte-refs-") as workdir:
        overrides = {"database_url": url, "search_backend": SearchBackend.POSTGRES} if url else {}
        container = build_container(make_settings(Path(workdir), **overrides))
        prepare(container, migrate=True)
        started = time.perf_counter()
        with unit_of_work(container.session_factory) as session:
            keys = populate(session, build_keys(rng, akten))
        if container.engine.dialect.name == "postgresql":
            with unit_of_work(container.session_factory) as session:
                session.execute(text("ANALYZE"))
        built = time.perf_counter() - started
        batch = letters(rng, keys, count)
        with container.session_factory() as session:
            outcomes, steps = measure(session, batch)
        container.close()
    subject_keys = sum(k.kind != "aktenzeichen" for k in keys)
    print(f"\n{label}: {akten:,} Akten, {subject_keys:,} subject keys, built in {built:.1f} s")
    print_table(
        ["step", "letters", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        [
            [
                name,
                str(len(v)),
                *(f"{percentile(v, q):.2f}" for q in (0.5, 0.95, 0.99)),
                f"{max(v):.2f}",
            ]
            for name, v in steps.items()
        ],
    )
    print()
    rows = []
    totals = Outcome()
    for kind, o in sorted(outcomes.items()):
        near = kind not in ("exact", "new, far", "new, close")
        rows.append(
            [
                kind,
                str(o.letters),
                str(o.filed_right if kind == "exact" else "-"),
                str(o.filed_wrong),
                f"{o.proposed_right}/{o.letters}" if near else "-",
                str(o.proposals_wrong),
                f"{percentile(o.millis, 0.95):.2f}",
            ]
        )
        if near:
            totals.letters += o.letters
            totals.filed_wrong += o.filed_wrong
            totals.proposed_right += o.proposed_right
        totals.proposals_wrong += o.proposals_wrong
    print_table(
        [
            "letters",
            "n",
            "filed right",
            "filed wrongly",
            "proposed right",
            "wrong proposals",
            "p95 ms",
        ],
        rows,
    )
    proposals = totals.proposed_right + totals.proposals_wrong
    print(
        f"\nnear misses: recall {totals.proposed_right}/{totals.letters} "
        f"({totals.proposed_right / max(totals.letters, 1):.1%}), precision "
        f"{totals.proposed_right}/{proposals} ({totals.proposed_right / max(proposals, 1):.1%}), "
        f"filed exactly although a near miss: {totals.filed_wrong}"
    )


@contextmanager
def postgres() -> Iterator[str]:
    with PostgresCluster() as cluster:
        yield cluster.create_database("reference_matching")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="5,000 Akten, 200 letters")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL")
    parser.add_argument("--akten", type=int, default=50_000)
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()
    akten, count = (5000, 200) if args.quick else (args.akten, args.letters)
    run(None, akten, count, "SQLite")
    if args.postgres:
        with postgres() as url:
            run(url, akten, count, "PostgreSQL")


if __name__ == "__main__":
    main()
