"""The event-stream parser: split chunks, keep-alives, alarm notifications, malformed input."""

import json

import pytest

from genetec_bridge.websdk.errors import WebSdkFailure, WebSdkProtocolError
from genetec_bridge.websdk.event_stream import ConnectionOpened, KeepAlive, StreamEvent, StreamParser

CAM = "00000001-0000-babe-0000-00408ca1eb95"
CUSTOM = {
    "Rsp": {
        "Status": "Ok",
        "Result": {"EventType": "CustomEvent", "Timestamp": "t", "SourceGuid": CAM, "Message": "é, ok"},
    }
}
ACK = {"Rsp": {"Status": "Ok", "Result": {"AlarmAcknowledge": {"InstanceId": 3, "SourceGuid": CAM}}}}
STREAM = (
    "ConnectionId:1c2d\r\n"
    "--GENETECBOUNDARY\r\nContent-type: text/plain\r\nKeepAlive\r\n"
    f"--GENETECBOUNDARY\r\nContent-type: text/json\r\n{json.dumps(CUSTOM, ensure_ascii=False)}\r\n"
    "--GENETECBOUNDARY\r\nContent-type: text/plain\r\n\r\nKeepAlive\r\n"
    f"--GENETECBOUNDARY\r\nContent-type: text/json\r\n{json.dumps(ACK)}\r\n"
).encode()
EXPECTED = [
    ConnectionOpened("1c2d"),
    KeepAlive(),
    StreamEvent("CustomEvent", CUSTOM["Rsp"]["Result"]),
    KeepAlive(),
    StreamEvent("AlarmAcknowledge", ACK["Rsp"]["Result"]["AlarmAcknowledge"]),
]


def test_whole_stream_in_one_chunk():
    assert StreamParser().feed(STREAM) == EXPECTED


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_any_chunking_gives_the_same_items(size):
    parser = StreamParser()
    items = [
        item for start in range(0, len(STREAM), size) for item in parser.feed(STREAM[start : start + size])
    ]
    assert items == EXPECTED


def test_event_accessors():
    event = EXPECTED[-1]
    assert event.is_alarm_acknowledgement and event.source_guid == CAM
    assert not EXPECTED[2].is_alarm_acknowledgement


def test_lf_only_lines_and_unknown_mime_parts_are_tolerated():
    data = b"ConnectionId:x\n--GENETECBOUNDARY\nContent-type: text/xml\n<WebSdk>\n</WebSdk>\n--GENETECBOUNDARY\nContent-type: text/plain\nKeepAlive\n"
    assert StreamParser().feed(data) == [ConnectionOpened("x"), KeepAlive()]


@pytest.mark.parametrize(
    "data",
    [
        b"--GENETECBOUNDARY\r\nContent-type: text/json\r\n{broken\r\n",
        b"--GENETECBOUNDARY\r\nContent-type: text/json\r\n[1, 2]\r\n",
        b'--GENETECBOUNDARY\r\nContent-type: text/json\r\n{"Rsp":{"Status":"Ok","Result":{"NoType":1}}}\r\n',
        b"--GENETECBOUNDARY\r\nX-Other: 1\r\n",
        b"garbage line\r\n",
        b"\xff\xfe\r\n",
    ],
)
def test_malformed_stream_raises_a_typed_error(data):
    with pytest.raises(WebSdkProtocolError):
        StreamParser().feed(data)


def test_fail_part_raises_failure():
    fail = b'--GENETECBOUNDARY\r\nContent-type: text/json\r\n{"Rsp":{"Status":"Fail","Result":{"SdkErrorCode":"X","Message":"m"}}}\r\n'
    with pytest.raises(WebSdkFailure):
        StreamParser().feed(fail)


def test_endless_line_is_refused():
    with pytest.raises(WebSdkProtocolError):
        StreamParser().feed(b"x" * (2 << 20))
