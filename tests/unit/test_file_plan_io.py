from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from file_plan import (
    CSV_COLUMNS,
    ArchiveValue,
    FilePlan,
    PlanFormatError,
    Retention,
    RetentionTrigger,
    Source,
    SubjectKind,
    dump_csv,
    dump_json,
    load_csv,
    load_default_plan,
    load_json,
    validate,
)

SPEC_EXAMPLE = """{
  "format": "eakte-file-plan/1",
  "name": "eakte Muster-Aktenplan (KGSt-orientiert, IMK-Produktrahmen)",
  "version": "2026.1",
  "aktenzeichen_pattern": "{code}-{number}/{year}",
  "sources": [{"id": "S1", "title": "Produktrahmen", "where": "IMK / Produktrahmen / 1"},
              {"id": "S2", "title": "Aufbewahrung", "where": "KGSt / Bericht / Anlage"}],
  "org_units": {"10": "Hauptamt", "21": "Stadtkasse", "POST": "Zentraler Posteingang"},
  "items": [
    {"code": "11", "title": "Innere Verwaltung", "parent": null, "level": 1,
     "description": "Steuerung und Service", "keywords": [], "org_unit": "10", "retention": null,
     "archive_value": null, "aktenzeichen_pattern": null, "subject": null, "source": "S1"},
    {"code": "111", "title": "Verwaltungssteuerung und -service", "parent": "11", "level": 2,
     "description": "", "keywords": [], "org_unit": null, "retention": null,
     "archive_value": null, "aktenzeichen_pattern": null, "subject": null, "source": "S1"},
    {"code": "111.06", "title": "Personalangelegenheiten", "parent": "111", "level": 3,
     "description": "Personalakten", "keywords": ["Personalakte", "Beurteilung", "Elternzeit"],
     "org_unit": "10", "retention": {"years": 30, "trigger": "event", "event": "Tod der Person"},
     "archive_value": "B", "aktenzeichen_pattern": "{unit}/{code}-{number:04}/{yy}",
     "subject": "person", "source": "S2"},
    {"code": "111.07", "title": "Finanzbuchhaltung und Stadtkasse", "parent": "111", "level": 3,
     "description": "Zahlungsverkehr, Mahnwesen",
     "keywords": ["Zahlungsanweisung", "Mahnung", "Kassenzeichen"],
     "org_unit": "21", "retention": {"years": 10, "trigger": "calendar_year_end"},
     "archive_value": "V", "aktenzeichen_pattern": null, "subject": null, "source": "S2"},
    {"code": "111.01", "title": "Rats- und Ausschussangelegenheiten", "parent": "111",
     "level": 3, "description": "Sitzungen; \\"Niederschriften\\"\\nund Beschlüsse",
     "keywords": ["Niederschrift", "Beschlussvorlage", "Tagesordnung"], "org_unit": null,
     "retention": {"permanent": true}, "archive_value": "A", "aktenzeichen_pattern": null,
     "subject": null, "source": null}
  ]
}"""


def example() -> FilePlan:
    return load_json(SPEC_EXAMPLE)


def document(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_EXAMPLE)
    data.update(changes)
    return data


def with_item_field(index: int, key: str, value: Any) -> str:
    data = document()
    data["items"][index][key] = value
    return json.dumps(data)


def test_json_example_from_the_spec_loads_with_types() -> None:
    plan = example()

    assert plan.name.startswith("eakte Muster-Aktenplan")
    assert plan.sources[0] == Source("S1", "Produktrahmen", "IMK / Produktrahmen / 1")
    assert plan.org_units["POST"] == "Zentraler Posteingang"
    staff = plan.get("111.06")
    assert staff.retention == Retention.for_years(30, RetentionTrigger.EVENT, "Tod der Person")
    assert staff.archive_value is ArchiveValue.APPRAISE
    assert staff.subject is SubjectKind.PERSON
    assert staff.keywords == ("Personalakte", "Beurteilung", "Elternzeit")
    assert plan.get("111.01").retention == Retention.keep_permanently()
    assert plan.get("111.07").retention == Retention.for_years(
        10, RetentionTrigger.CALENDAR_YEAR_END
    )
    assert validate(plan) == []


def test_json_round_trip_is_exact_and_stable() -> None:
    plan = example()

    text = dump_json(plan)

    assert load_json(text) == plan
    assert dump_json(load_json(text)) == text
    assert text.endswith("}\n")
    assert "Beschlüsse" in text  # not \\u-escaped
    assert json.loads(text)["items"][2]["retention"] == {
        "years": 30,
        "trigger": "event",
        "event": "Tod der Person",
    }


def test_json_from_bytes_with_a_byte_order_mark() -> None:
    assert load_json(b"\xef\xbb\xbf" + SPEC_EXAMPLE.encode()) == example()


def test_optional_fields_take_defaults() -> None:
    data = document()
    del data["sources"], data["org_units"], data["aktenzeichen_pattern"]
    data["items"] = [{"code": "11", "title": "Innere Verwaltung", "parent": None, "level": 1}]

    plan = load_json(json.dumps(data))

    assert plan.aktenzeichen_pattern == "{code}-{number}/{year}"
    assert plan.sources == ()
    assert dict(plan.org_units) == {}
    item = plan.get("11")
    assert (item.description, item.keywords, item.retention, item.source) == ("", (), None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "the plan is not valid JSON"),
        (b"\xff\xfe{}", "the plan is not UTF-8 text"),
        ("[]", "the plan: expected an object, got list"),
        (json.dumps(document(format="eakte-file-plan/2")), "field 'format': expected"),
        (json.dumps({"format": "eakte-file-plan/1"}), "field 'name': missing"),
        (json.dumps(document(colour="blue")), "the plan, field 'colour': unknown field"),
        (json.dumps(document(version=2026)), "field 'version': expected a string, got 2026"),
        (json.dumps(document(org_units=["10"])), "field 'org_units': expected an object"),
        (json.dumps(document(items={})), "field 'items': expected a list"),
        (json.dumps(document(sources=[{"id": "S1"}])), "source #1, field 'title': missing"),
        ('{"format": "x", "format": "y"}', "duplicate key(s) 'format'"),
        (json.dumps(document(items=[3])), "item #1: expected an object, got int"),
        (
            with_item_field(3, "retention", {"years": "zehn", "trigger": "file_closed"}),
            "item #4 (111.07), field 'retention.years': expected a whole number, got 'zehn'",
        ),
        (
            with_item_field(3, "retention", {"years": 10, "trigger": "after_lunch"}),
            "item #4 (111.07), field 'retention.trigger': 'after_lunch' is not one of "
            "'file_closed', 'calendar_year_end', 'event'",
        ),
        (
            with_item_field(3, "retention", {"years": 10}),
            "field 'retention.trigger': required unless the retention is permanent",
        ),
        (
            with_item_field(3, "retention", {"years": 10, "trigger": "event"}),
            "item #4 (111.07), field 'retention': an event name is required",
        ),
        (
            with_item_field(3, "retention", {"years": -1, "trigger": "file_closed"}),
            "field 'retention': retention years must be a whole number >= 0",
        ),
        (
            with_item_field(3, "retention", {"permanent": True, "years": 10}),
            "field 'retention.permanent': a permanent retention has no years",
        ),
        (
            with_item_field(3, "retention", {"permanent": "ja"}),
            "field 'retention.permanent': expected true or false",
        ),
        (with_item_field(3, "retention", "10 Jahre"), "field 'retention': expected an object"),
        (
            with_item_field(3, "retention", {"years": 10, "trigger": "file_closed", "von": 1}),
            "field 'retention.von': unknown field",
        ),
        (
            with_item_field(3, "archive_value", "X"),
            "item #4 (111.07), field 'archive_value': 'X' is not one of 'A', 'B', 'V'",
        ),
        (with_item_field(3, "archive_value", 1), "field 'archive_value': 1 is not one of"),
        (with_item_field(3, "subject", "thing"), "field 'subject': 'thing' is not one of"),
        (with_item_field(3, "level", "3"), "field 'level': expected a whole number, got '3'"),
        (with_item_field(3, "level", True), "field 'level': expected a whole number, got True"),
        (with_item_field(3, "keywords", "Mahnung"), "field 'keywords': expected a list"),
        (with_item_field(3, "keywords", ["Mahnung", 7]), "expected a list of strings"),
        (with_item_field(3, "parent", 111), "field 'parent': expected a string or null"),
        (with_item_field(3, "code", 111.07), "item #4, field 'code': expected a string"),
        (with_item_field(3, "titel", "x"), "item #4 (111.07), field 'titel': unknown field"),
    ],
)
def test_malformed_json_names_the_place(text: str | bytes, message: str) -> None:
    with pytest.raises(PlanFormatError) as raised:
        load_json(text)

    assert message in str(raised.value)


def test_loading_does_not_validate_the_structure() -> None:
    plan = load_json(with_item_field(3, "parent", "999"))

    assert plan.get("111.07").parent == "999"
    assert validate(plan)


def load_csv_like(text: str, plan: FilePlan) -> FilePlan:
    return load_csv(
        text,
        name=plan.name,
        version=plan.version,
        org_units=plan.org_units,
        aktenzeichen_pattern=plan.aktenzeichen_pattern,
        sources=plan.sources,
    )


def test_csv_has_exactly_the_spec_columns() -> None:
    text = dump_csv(example())
    lines = text.splitlines()

    assert lines[0] == (
        "code,title,parent,level,description,keywords,org_unit,retention_years,"
        "retention_trigger,retention_event,archive_value,aktenzeichen_pattern,subject,source,"
        "confidentiality"
    )
    assert lines[0].split(",") == list(CSV_COLUMNS)
    assert (
        "111.06,Personalangelegenheiten,111,3,Personalakten,Personalakte; Beurteilung; Elternzeit,"
        "10,30,event,Tod der Person,B,{unit}/{code}-{number:04}/{yy},person,S2," in lines
    )
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["111.01"]["description"] == 'Sitzungen; "Niederschriften"\nund Beschlüsse'
    assert [rows["111.01"][c] for c in ("retention_years", "retention_trigger")] == ["dauernd", ""]


def test_csv_without_the_later_confidentiality_column_still_imports() -> None:
    plan = example()
    rows = list(csv.reader(io.StringIO(dump_csv(plan))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(row[:-1] for row in rows)
    older = out.getvalue()

    assert load_csv_like(older, plan).items == plan.items


def test_confidentiality_default_is_inherited_and_checked() -> None:
    plan = load_default_plan()

    assert plan.effective_confidentiality("122.04") == "002"
    assert plan.effective_confidentiality("521.01") is None
    text = dump_json(plan).replace('"confidentiality": "002"', '"confidentiality": "9"')
    broken = load_json(text)
    assert any("confidentiality" in problem.message for problem in validate(broken))


def test_csv_round_trip() -> None:
    plan = example()

    text = dump_csv(plan)

    assert load_csv_like(text, plan) == plan
    assert dump_csv(load_csv_like(text, plan)) == text


def test_csv_without_plan_data_leaves_it_empty() -> None:
    plan = load_csv(dump_csv(example()), name="Import", version="csv")

    assert (plan.name, plan.version, plan.aktenzeichen_pattern) == (
        "Import",
        "csv",
        "{code}-{number}/{year}",
    )
    assert plan.sources == ()
    assert dict(plan.org_units) == {}
    assert plan.items == example().items


def test_csv_from_a_german_spreadsheet() -> None:
    text = (
        "\ufeffcode;title;parent;level;description;keywords;org_unit;retention_years;"
        "retention_trigger;retention_event;archive_value;aktenzeichen_pattern;subject;source\r\n"
        "52;Bauen und Wohnen;;1;;;63;;;;;;;\r\n"
        "521;Bauordnung;52;2;;;;;;;;;;\r\n"
        '521.01; Baugenehmigungsverfahren ;521;3;"Bauanträge; Bauvoranfragen";'
        '"Bauantrag;Baugenehmigung ; Bauvorbescheid";;Dauernd;;;A;;object;\r\n'
    )

    plan = load_csv(text, name="Bau", version="1", org_units={"63": "Bauordnungsamt"})

    item = plan.get("521.01")
    assert item.title == "Baugenehmigungsverfahren"
    assert item.description == "Bauanträge; Bauvoranfragen"
    assert item.keywords == ("Bauantrag", "Baugenehmigung", "Bauvorbescheid")
    assert item.retention == Retention.keep_permanently()
    assert item.subject is SubjectKind.OBJECT
    assert plan.get("52").parent is None
    assert validate(plan) == []


def csv_with(**values: str) -> str:
    row = {
        "code": "111.07",
        "title": "Stadtkasse",
        "parent": "111",
        "level": "3",
        "retention_years": "10",
        "retention_trigger": "file_closed",
        "archive_value": "V",
        **values,
    }
    return ",".join(CSV_COLUMNS) + "\n" + ",".join(row.get(c, "") for c in CSV_COLUMNS) + "\n"


def test_csv_row_is_read() -> None:
    item = load_csv(csv_with(), name="x", version="1").get("111.07")

    assert item.retention == Retention.for_years(10, RetentionTrigger.FILE_CLOSED)
    assert item.archive_value is ArchiveValue.DESTROY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "CSV header: missing column(s) code, title"),
        ("code,title\n11,A\n", "CSV header: missing column(s) parent, level"),
        (
            ",".join(CSV_COLUMNS) + ",colour\n",
            "CSV header: unknown column(s) colour",
        ),
        (",".join(CSV_COLUMNS) + ",code\n", "CSV header: repeated column(s) code"),
        (
            csv_with(retention_years="zehn"),
            "row 2 (111.07), field 'retention_years': expected a whole number or 'dauernd', "
            "got 'zehn'",
        ),
        (
            csv_with(retention_trigger="sometime"),
            "row 2 (111.07), field 'retention_trigger': 'sometime' is not one of",
        ),
        (csv_with(retention_trigger=""), "field 'retention_trigger': required unless"),
        (
            csv_with(retention_years="", retention_trigger="file_closed"),
            "field 'retention_years': missing, but a retention trigger or event is given",
        ),
        (
            csv_with(retention_years="dauernd"),
            "field 'retention_trigger': must be empty for a 'dauernd' retention",
        ),
        (
            csv_with(retention_trigger="event"),
            "row 2 (111.07), field 'retention': an event name is required",
        ),
        (csv_with(archive_value="X"), "field 'archive_value': 'X' is not one of 'A', 'B', 'V'"),
        (csv_with(subject="thing"), "field 'subject': 'thing' is not one of"),
        (csv_with(level="drei"), "field 'level': expected a whole number, got 'drei'"),
        (csv_with(level="-3"), "field 'level': expected a whole number, got '-3'"),
        (csv_with(code=""), "row 2, field 'code': missing"),
        (csv_with(title=""), "row 2 (111.07), field 'title': missing"),
        (csv_with() + "11,Innere Verwaltung\n", "row 3: expected 15 fields"),
        (csv_with(source="S1,extra"), "row 2: expected 15 fields"),
        (csv_with(title='"Stadt"kasse'), "row 2: malformed CSV"),
    ],
)
def test_malformed_csv_names_row_and_field(text: str, message: str) -> None:
    with pytest.raises(PlanFormatError) as raised:
        load_csv(text, name="x", version="1")

    assert message in str(raised.value)
