"""The q language: escaping free text, GUID forms, times, and the fake's top-level splitting."""

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genetec_bridge.websdk.query import (
    canonical_guid,
    escape_text,
    iso_utc,
    parse_call,
    split_terms,
    unescape_text,
)


def test_split_respects_parentheses_braces_and_escaped_commas():
    q = r"entity={a,b},Name,AddCameraBookmark(g, 2024-01-01T00:00:00Z, hi\, there),x"
    assert split_terms(q) == [
        "entity={a,b}",
        "Name",
        r"AddCameraBookmark(g, 2024-01-01T00:00:00Z, hi\, there)",
        "x",
    ]


def test_parse_call_trims_arguments():
    assert parse_call("LogicalId(Door, 1)") == ("LogicalId", ["Door", "1"])
    assert parse_call("Name") is None


@pytest.mark.parametrize(
    "form",
    [
        "00000001-0000-BABE-0000-00408ca1eb95",
        "{00000001-0000-babe-0000-00408ca1eb95}",
        "000000010000babe000000408ca1eb95",
    ],
)
def test_guid_forms_are_canonicalised(form):
    assert canonical_guid(form) == "00000001-0000-babe-0000-00408ca1eb95"


def test_iso_utc_converts_to_z_with_milliseconds():
    moment = datetime(2024, 1, 1, 13, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert iso_utc(moment) == "2024-01-01T12:00:00.123Z"
    assert iso_utc(datetime(2024, 1, 1)) == "2024-01-01T00:00:00.000Z"


def test_syntax_characters_in_free_text_become_look_alikes():
    assert unquote(escape_text(r"Zone (A) {1} \ x")) == "Zone [A] [1] / x"


@given(st.text(min_size=1).map(str.strip).filter(bool))
def test_escaped_text_stays_one_argument_that_decodes_back(text):
    terms = split_terms(f"Add(a,{unquote(escape_text(text))},b)")
    assert len(terms) == 1
    name, args = parse_call(terms[0])
    assert name == "Add" and len(args) == 3
    expected = text.translate(str.maketrans({"#": "No.", "(": "[", ")": "]", "{": "[", "}": "]", "\\": "/"}))
    assert unescape_text(args[1]) == expected.strip()


def test_iso_utc_is_utc_z():
    assert iso_utc(datetime(2024, 1, 1, tzinfo=UTC)).endswith("Z")
