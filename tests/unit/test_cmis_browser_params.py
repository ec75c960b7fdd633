"""The Browser binding reads parameters as loosely as the OpenCMIS server does."""

from __future__ import annotations

import pytest

from api.cmis.browser.params import (
    Params,
    collect_aces,
    collect_properties,
    depth,
    operation_context,
    property_filter,
    versioning_state,
)
from services.cmis.errors import InvalidArgument
from services.cmis.model import VersioningState
from services.settings import CmisSettings


def test_names_are_case_insensitive_and_the_last_value_wins() -> None:
    params = Params([("cmisSelector", "object"), ("OBJECTID", "a"), ("objectid", "b")])
    assert params.text("cmisselector") == "object"
    assert params.text("objectId") == "b"
    assert params.text("missing") is None


@pytest.mark.parametrize("spelling", ["true", "TRUE", "1", "yes", "on", "t"])
def test_true_in_common_spellings(spelling: str) -> None:
    assert Params([("succinct", spelling)]).flag("succinct") is True


@pytest.mark.parametrize("spelling", ["false", "False", "0", "no", "off"])
def test_false_in_common_spellings(spelling: str) -> None:
    assert Params([("succinct", spelling)]).flag("succinct", default=True) is False


def test_a_boolean_that_is_none_is_invalid() -> None:
    with pytest.raises(InvalidArgument):
        Params([("succinct", "perhaps")]).flag("succinct")


def test_properties_single_multi_and_repeated_ids() -> None:
    params = Params(
        [
            ("propertyId[0]", "cmis:name"),
            ("propertyValue[0]", "Bescheid"),
            ("PROPERTYID[1]", "cmis:secondaryObjectTypeIds"),
            ("propertyValue[1][1]", "b:two"),
            ("propertyValue[1][0]", "a:one"),
            ("propertyId[2]", "cmis:description"),
            ("propertyValue[2]", ""),
            ("propertyId[3]", "cmis:name"),
            ("propertyValue[3]", "Bescheid 2"),
        ]
    )
    assert collect_properties(params) == {
        "cmis:name": ["Bescheid 2"],
        "cmis:secondaryObjectTypeIds": ["a:one", "b:two"],
        "cmis:description": [],
    }


def test_aces_to_add_and_remove() -> None:
    params = Params(
        [
            ("addACEPrincipal[0]", "unit:63"),
            ("addACEPermission[0][0]", "cmis:read"),
            ("addACEPermission[0][1]", "cmis:write"),
            ("removeACEPrincipal[0]", "person:7"),
            ("removeACEPermission[0][0]", "cmis:read"),
        ]
    )
    added = collect_aces(params, "add")
    assert added is not None
    assert [(a.principal_id, a.permissions) for a in added.aces] == [
        ("unit:63", ("cmis:read", "cmis:write"))
    ]
    removed = collect_aces(params, "remove")
    assert removed is not None and removed.aces[0].principal_id == "person:7"
    assert collect_aces(Params([]), "add") is None


def test_operation_context_pages_within_the_limit() -> None:
    settings = CmisSettings(max_items_default=10, max_items_limit=50)
    oc = operation_context(
        Params(
            [
                ("filter", "cmis:name, cmis:objectId"),
                ("includeAllowableActions", "true"),
                ("maxItems", "5000"),
                ("skipCount", "20"),
                ("orderBy", "cmis:name DESC"),
            ]
        ),
        settings,
    )
    assert oc.filter == frozenset({"cmis:name", "cmis:objectId"})
    assert oc.include_allowable_actions and not oc.include_acl
    assert (oc.max_items, oc.skip_count, oc.order_by) == (50, 20, "cmis:name DESC")
    assert operation_context(Params([]), settings).max_items == 10
    assert oc.rendition_filter == "cmis:none"


def test_filter_star_means_everything() -> None:
    assert property_filter("*") is None
    assert property_filter(None) is None
    assert property_filter("cmis:name,*") is None


def test_invalid_numbers_depth_and_versioning_state() -> None:
    with pytest.raises(InvalidArgument):
        Params([("maxItems", "many")]).integer("maxItems")
    with pytest.raises(InvalidArgument):
        Params([("skipCount", "-1")]).integer("skipCount", minimum=0)
    with pytest.raises(InvalidArgument):
        depth(Params([("depth", "0")]), 2)
    assert depth(Params([("depth", "-1")]), 2) == -1
    assert depth(Params([]), 2) == 2
    assert versioning_state(Params([("versioningState", "MINOR")])) is VersioningState.MINOR
    with pytest.raises(InvalidArgument):
        versioning_state(Params([("versioningState", "sideways")]))
