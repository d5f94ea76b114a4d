"""Malformed envelopes and stream bytes: every failure is a typed WebSdkError, nothing else escapes."""

import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from genetec_bridge.websdk.envelope import as_list, parse_envelope
from genetec_bridge.websdk.errors import WebSdkError
from genetec_bridge.websdk.event_stream import StreamParser

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["Rsp", "Status", "Result", "SdkErrorCode", "Message", "EventType", "Ok", "Fail", "x"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
envelope_like = st.builds(
    lambda status, result: {"Rsp": {"Status": status, "Result": result}},
    st.sampled_from(["Ok", "Fail", "TooManyResults", None, 3]),
    json_values,
)
stream_lines = st.lists(
    st.sampled_from(
        [
            "ConnectionId:abc",
            "--GENETECBOUNDARY",
            "Content-type: text/json",
            "Content-type: text/plain",
            "Content-type: text/xml",
            "KeepAlive",
            "",
            "{}",
            '{"Rsp":{"Status":"Ok","Result":{"EventType":"E"}}}',
            "\u00e9\u00e8",
        ]
    )
    | json_values.map(json.dumps)
    | envelope_like.map(json.dumps),
    max_size=12,
)


def _only_typed_errors(call):
    with contextlib.suppress(WebSdkError):
        call()


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_random_bytes_as_an_answer(data):
    _only_typed_errors(lambda: parse_envelope(data))


@settings(max_examples=300)
@given(json_values | envelope_like)
def test_json_shapes_as_an_answer(value):
    _only_typed_errors(lambda: as_list(parse_envelope(json.dumps(value).encode())))


@settings(max_examples=200)
@given(st.text(alphabet="<>/=\"' rspstatusokfailQueryResultRowCellerrormessageGuid", max_size=120))
def test_xml_like_text_as_an_answer(text):
    _only_typed_errors(lambda: parse_envelope(b"<" + text.encode()))


@settings(max_examples=300)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=50))
def test_random_bytes_on_the_stream(data, chunk):
    parser = StreamParser()
    _only_typed_errors(lambda: [parser.feed(data[i : i + chunk]) for i in range(0, len(data), chunk)])


@settings(max_examples=300)
@given(stream_lines, st.sampled_from(["\r\n", "\n"]))
def test_structured_garbage_on_the_stream(lines, newline):
    _only_typed_errors(lambda: StreamParser().feed(newline.join(lines).encode() + newline.encode()))
