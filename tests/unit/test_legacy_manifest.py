"""Reading the legacy import manifest: JSON and CSV describe the same Akten."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.errors import InvalidInputError
from services.legacy_import.manifest import read_json_manifest
from services.legacy_import.manifest_csv import read_csv_manifest
from services.legacy_import.model import LegacyAkte, Refusal, SourceItem

AKTEN: list[dict[str, Any]] = [
    {
        "id": "A1",
        "code": "111.02.01",
        "legacy_reference": "10/123/1998",
        "title": "Presse 1998",
        "subject_keys": [{"kind": "other", "value": "Pressespiegel"}],
        "opened_on": "1998-01-05",
        "closed_on": "30.06.1999",
        "vorgaenge": [
            {
                "id": "V1",
                "title": "Anfragen",
                "opened_on": "1998-02-01",
                "closed_on": "1998-12-31",
                "documents": [
                    {
                        "id": "D1",
                        "versions": ["scans/v1.pdf", "scans/v2.pdf"],
                        "title": "Anfrage",
                        "letter_date": "1998-02-01",
                        "received_on": "1998-02-03",
                        "direction": "Eingang",
                        "sender": "WAZ",
                    }
                ],
            }
        ],
        "documents": [{"file": "scans/note.png", "title": "Notiz"}],
    },
    {
        "id": "A2",
        "code": "111.10",
        "title": "Rathaus",
        "opened_on": "1980-03-01",
        "closed_on": "1990-01-01",
        "events": [
            {"event": "Abgang des Gebäudes (Abbruch oder Veräußerung)", "occurred_on": "2005-07-01"}
        ],
        "documents": [{"file": "scans/plan.tif"}],
    },
    {"id": "A3", "code": "122.04", "title": "Ausländerakte", "opened_on": "2001-04-02"},
]

CSV = """akte_id;code;legacy_reference;title;subject_keys;opened_on;closed_on;event;event_on;vorgang_id;vorgang_title;vorgang_opened_on;vorgang_closed_on;document_id;file;document_title;letter_date;received_on;direction;sender
A1;111.02.01;10/123/1998;Presse 1998;other:Pressespiegel;1998-01-05;30.06.1999;;;V1;Anfragen;1998-02-01;1998-12-31;D1;scans/v1.pdf|scans/v2.pdf;Anfrage;1998-02-01;1998-02-03;Eingang;WAZ
A1;;;;;;;;;;;;;;scans/note.png;Notiz;;;;
A2;111.10;;Rathaus;;1980-03-01;1990-01-01;Abgang des Gebäudes (Abbruch oder Veräußerung);2005-07-01;;;;;;scans/plan.tif;;;;;
A3;122.04;;Ausländerakte;;2001-04-02;;;;;;;;;;;;;;
"""  # noqa: E501


def _json(tmp_path: Path, akten: Sequence[object]) -> list[SourceItem]:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"format": "eakte-legacy-import/1", "akten": akten}))
    return read_json_manifest(path, source="test")


def _akten(items: list[SourceItem]) -> dict[str, LegacyAkte]:
    return {item.key.split("#akte:")[1]: item for item in items if isinstance(item, LegacyAkte)}


def _shape(akte: LegacyAkte) -> tuple[object, ...]:
    """What both formats must agree on (keys differ only by the document ids)."""
    return (
        akte.code,
        akte.title,
        akte.legacy_reference,
        akte.opened_on,
        akte.closed_on,
        [(k.kind, k.value) for k in akte.subject_keys],
        akte.events,
        [(v.title, v.opened_on, v.closed_on) for v in akte.vorgaenge],
        [
            (
                d.title,
                [[f.name for f in version.formats] for version in d.versions],
                d.letter_date,
                d.received_on,
                d.direction,
                d.sender,
            )
            for _, d in akte.all_documents()
        ],
    )


def test_json_manifest_with_three_akten(tmp_path: Path) -> None:
    items = _json(tmp_path, AKTEN)
    assert not [item for item in items if isinstance(item, Refusal)]
    akten = _akten(items)
    assert list(akten) == ["A1", "A2", "A3"]
    first = akten["A1"]
    assert (first.opened_on, first.closed_on) == (date(1998, 1, 5), date(1999, 6, 30))
    assert first.legacy_reference == "10/123/1998"
    (vorgang,) = first.vorgaenge
    assert vorgang.key == "test#akte:A1/vorgang:V1"
    (letter,) = vorgang.documents
    assert letter.key == "test#akte:A1/vorgang:V1/document:D1"
    assert [v.formats[0].name for v in letter.versions] == ["scans/v1.pdf", "scans/v2.pdf"]
    assert (letter.direction, letter.received_on) == ("incoming", date(1998, 2, 3))
    assert first.documents[0].key == "test#akte:A1/document:scans/note.png"
    assert akten["A2"].events[0].occurred_on == date(2005, 7, 1)
    assert akten["A2"].documents[0].title == "plan"  # the file's name when no title is given
    assert akten["A3"].closed_on is None and akten["A3"].document_count() == 0


def test_csv_manifest_reads_as_the_json_one(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text(CSV, encoding="utf-8-sig")
    from_csv = _akten(read_csv_manifest(tmp_path / "manifest.csv", source="test"))
    from_json = _akten(_json(tmp_path, AKTEN))
    assert list(from_csv) == ["A1", "A2", "A3"]
    for name, akte in from_json.items():
        assert _shape(from_csv[name]) == _shape(akte), name


def test_wrong_entries_are_refused_with_their_reason(tmp_path: Path) -> None:
    akten = [
        {**AKTEN[2], "id": "bad-date", "opened_on": "31.02.2001"},
        {**AKTEN[2], "id": "no-code", "code": None},
        {
            **AKTEN[2],
            "id": "bad-document",
            "documents": [
                {"file": "../outside.pdf"},
                {"file": "ok.pdf", "letter_date": "gestern"},
                {"file": "fine.pdf", "direction": "sideways"},
                {"file": "good.pdf"},
            ],
        },
        {**AKTEN[2], "id": "bad-document"},
        {**AKTEN[2], "id": "bad-vorgang", "vorgaenge": [{"id": "V", "title": "x", "opened_on": 3}]},
    ]
    items = _json(tmp_path, akten)
    refusals = {item.key: item.reason for item in items if isinstance(item, Refusal)}
    assert "is not a date" in refusals["test#akte:bad-date"]
    assert '"code" is required' in refusals["test#akte:no-code"]
    assert "used by an earlier Akte" in next(r for k, r in refusals.items() if "bad-doc" in k)
    akte = _akten(items)["bad-document"]
    assert [d.title for d in akte.documents] == ["good"]
    reasons = [r.reason for r in akte.refused]
    assert "outside the import folder" in reasons[0]
    assert "letter_date 'gestern' is not a date" in reasons[1]
    assert "not incoming, outgoing or internal" in reasons[2]
    (vorgang_refusal,) = _akten(items)["bad-vorgang"].refused
    assert "is not a date" in vorgang_refusal.reason


def test_csv_refuses_conflicting_rows_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text(
        "akte_id,code,title,opened_on,file\n"
        "A,111.10,Rathaus,1980-03-01,a.pdf\n"
        "A,111.10,Rathaus,1981-03-01,b.pdf\n"
        "B,111.10,Schule,1980-03-01,c.pdf\n"
    )
    items = read_csv_manifest(path, source="s")
    (refusal,) = [item for item in items if isinstance(item, Refusal)]
    assert refusal.key == "s#akte:A" and "1981-03-01" in refusal.reason
    assert list(_akten(items)) == ["B"]
    path.write_text("akte_id,colour\nA,blue\n")
    with pytest.raises(InvalidInputError, match="unknown columns: colour"):
        read_csv_manifest(path)
