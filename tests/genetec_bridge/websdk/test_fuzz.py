"""Malformed envelopes, whole HTTP answers and stream bytes (1,000 of each kind): every failure is a
typed WebSdkError, nothing else escapes. Each example is cheap (no socket, one shared client), so the
file runs in seconds."""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.envelope import as_list, parse_envelope
from genetec_bridge.websdk.errors import WebSdkError
from genetec_bridge.websdk.event_stream import StreamParser

EXAMPLES = settings(max_examples=1000, deadline=None)
CAMERA = "00000001-0000-babe-0000-00408ca1eb95"

# Strings a server might put where numbers or GUIDs are expected: digits that int() refuses, too big.
odd_strings = st.sampled_from(["\u00b2", "\u0663", "12345678901234567890123", "-1", "", CAMERA, "{" + CAMERA])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | odd_strings,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Rsp",
                    "Status",
                    "Result",
                    "SdkErrorCode",
                    "Message",
                    "EventType",
                    "Ok",
                    "Fail",
                    "x",
                    "Guid",
                    "Name",
                    "LogicalId",
                    "IsOnline",
                    "RunningState",
                    "InstanceId",
                    "Id",
                    "SourceEntityType",
                    "ConnectionId",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=8,
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
    max_size=8,
)


def _only_typed_errors(call):
    with contextlib.suppress(WebSdkError):
        call()


@EXAMPLES
@given(st.binary(max_size=300))
def test_random_bytes_as_an_answer(data):
    _only_typed_errors(lambda: parse_envelope(data))


@EXAMPLES
@given(json_values | envelope_like)
def test_json_shapes_as_an_answer(value):
    _only_typed_errors(lambda: as_list(parse_envelope(json.dumps(value).encode())))


@settings(max_examples=200)
@given(st.text(alphabet="<>/=\"' rspstatusokfailQueryResultRowCellerrormessageGuid", max_size=120))
def test_xml_like_text_as_an_answer(text):
    _only_typed_errors(lambda: parse_envelope(b"<" + text.encode()))


@EXAMPLES
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=50))
def test_random_bytes_on_the_stream(data, chunk):
    parser = StreamParser()
    _only_typed_errors(lambda: [parser.feed(data[i : i + chunk]) for i in range(0, len(data), chunk)])


@EXAMPLES
@given(stream_lines, st.sampled_from(["\r\n", "\n"]), st.integers(min_value=1, max_value=40))
def test_structured_garbage_on_the_stream_in_chunks(lines, newline, chunk):
    data = (newline.join(lines) + newline).encode()
    parser = StreamParser()
    _only_typed_errors(lambda: [parser.feed(data[i : i + chunk]) for i in range(0, len(data), chunk)])


class _Answer:
    """What the shared client's transport answers next: set by each example."""

    status = 200
    body = b""
    content_type = "text/json"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(self.status, content=self.body, headers={"Content-Type": self.content_type})


ANSWER = _Answer()
# One loop for every example: a loop per example would cost more than the example.
LOOP = asyncio.new_event_loop()
CLIENT = WebSdkClient("https://sc.example:4590/WebSdk", "bridge", "pw", transport=httpx.MockTransport(ANSWER))
OPERATIONS: list[Callable[[], Awaitable[Any]]] = [
    CLIENT.ping,
    CLIENT.list_camera_guids,
    lambda: CLIENT.get_cameras([CAMERA]),
    CLIENT.list_cameras,
    CLIENT.list_custom_events,
    lambda: CLIENT.ensure_custom_events({8001: "Analytics"}),
    lambda: CLIENT.raise_custom_event(8001, CAMERA, "loitering/Porch", "{}"),
    lambda: CLIENT.trigger_alarm(CAMERA, CAMERA),
    lambda: CLIENT.subscribe([(CAMERA, "CustomEventRaised")]),
]
# Rows of the shapes the operations read, with the values a confused server may put in them.
scalars = odd_strings | st.none() | st.booleans() | st.integers() | st.text(max_size=4)
rows = st.dictionaries(
    st.sampled_from(["Guid", "Name", "LogicalId", "IsOnline", "RunningState", "InstanceId", "Id"]),
    scalars,
    min_size=1,
)
http_bodies = (
    st.binary(max_size=200)
    | (rows | st.lists(rows, max_size=3)).map(
        lambda result: json.dumps({"Rsp": {"Status": "Ok", "Result": result}}).encode()
    )
    | (json_values | envelope_like).map(lambda value: json.dumps(value).encode())
    | st.lists(json_values, max_size=3).map(
        lambda rows: json.dumps({"Rsp": {"Status": "Ok", "Result": rows}}).encode()
    )
)


@EXAMPLES
# Found by fuzzing: '²' passes str.isdigit() but int() refuses it (an instance id, a logical id).
@example(OPERATIONS[7], 200, b'{"Rsp": {"Status": "Ok", "Result": {"InstanceId": "\\u00b2"}}}', "text/json")
@example(
    OPERATIONS[2],
    200,
    b'{"Rsp": {"Status": "Ok", "Result": [{"Guid": "%s", "LogicalId": "\\u00b2"}]}}' % CAMERA.encode(),
    "text/json",
)
@given(
    st.sampled_from(OPERATIONS),
    st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 411, 429, 500, 503]),
    http_bodies,
    st.sampled_from(["text/json", "application/json", "text/xml", "text/html", ""]),
)
def test_any_http_answer_to_any_operation(operation, status, body, content_type):
    ANSWER.status, ANSWER.body, ANSWER.content_type = status, body, content_type
    with contextlib.suppress(WebSdkError):
        LOOP.run_until_complete(operation())
