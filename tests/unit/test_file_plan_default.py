from __future__ import annotations

import pytest

from file_plan import (
    AktenzeichenPattern,
    FilePlan,
    dump_csv,
    dump_json,
    load_csv,
    load_default_plan,
    load_json,
    validate,
)

# The required codes and titles, exactly as the shared design (issue 3) gives them.
REQUIRED = {
    "111.01": "Rats- und Ausschussangelegenheiten",
    "111.05": "Organisation und Informationstechnik",
    "111.06": "Personalangelegenheiten",
    "111.07": "Finanzbuchhaltung und Stadtkasse",
    "121.01": "Wahlen",
    "122.01": "Gewerbeangelegenheiten",
    "122.02": "Melde-, Pass- und Ausweiswesen",
    "122.04": "Ausländerangelegenheiten",
    "122.05": "Staatsangehörigkeitsangelegenheiten",
    "122.06": "Verkehrsordnungswidrigkeiten (Bußgeldstelle)",
    "122.07": "Personenstandswesen (Standesamt)",
    "126.01": "Brandschutz und Feuerwehr",
    "311.01": "Hilfe zum Lebensunterhalt / Grundsicherung",
    "365.01": "Kindertagesbetreuung",
    "511.01": "Bauleitplanung",
    "521.01": "Baugenehmigungsverfahren",
    "521.02": "Bauaufsicht (ordnungsbehördliche Verfahren)",
    "523.01": "Denkmalschutz und Denkmalpflege",
    "537.01": "Abfallwirtschaft",
    "541.01": "Gemeindestraßen",
    "611.01": "Steuern und Abgaben",
}


@pytest.fixture(scope="module")
def plan() -> FilePlan:
    return load_default_plan()


def test_default_plan_is_valid_and_large_enough(plan: FilePlan) -> None:
    assert validate(plan) == []
    assert len(plan.items) >= 150
    assert load_default_plan() is plan  # parsed once


def test_required_codes_are_leaves_with_their_titles(plan: FilePlan) -> None:
    assert {code: plan.get(code).title for code in REQUIRED if code in plan} == REQUIRED
    assert [code for code in REQUIRED if not plan.is_leaf(code)] == []


def test_every_leaf_is_described_for_filing_and_retention(plan: FilePlan) -> None:
    incomplete = [
        item.code
        for item in plan.leaves()
        if not item.description.strip()
        or len(item.keywords) < 3
        or item.retention is None
        or item.archive_value is None
    ]

    assert incomplete == []


def test_every_leaf_gets_an_aktenzeichen_that_reads_back(plan: FilePlan) -> None:
    for item in plan.leaves():
        pattern = AktenzeichenPattern(plan.effective_pattern(item.code))
        unit = plan.effective_org_unit(item.code)
        printed = pattern.format(item.code, 17, 2026, unit=unit)
        parsed = pattern.parse(printed)
        assert parsed is not None
        assert (parsed.code, parsed.number, parsed.year) == (item.code, 17, 2026)


def test_default_plan_survives_json_and_csv(plan: FilePlan) -> None:
    assert load_json(dump_json(plan)) == plan
    from_csv = load_csv(
        dump_csv(plan),
        name=plan.name,
        version=plan.version,
        org_units=plan.org_units,
        aktenzeichen_pattern=plan.aktenzeichen_pattern,
        sources=plan.sources,
    )
    assert from_csv == plan
