"""The fake Web SDK over real sockets, as a subprocess: auth gate, routes, record, failure injection."""

import asyncio
import json
import socket
from datetime import datetime

import httpx
import pytest

from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import (
    WebSdkAuthenticationError,
    WebSdkAuthorizationError,
    WebSdkFailure,
    WebSdkUnavailable,
)
from genetec_bridge.websdk.event_stream import EventStream
from tests.support.fake_websdk_process import ALARM_GUID, CAMERA_GUIDS, FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    record = tmp_path_factory.mktemp("fake") / "received.jsonl"
    with FakeWebSdkProcess(record=record, extra_args=("--keepalive", "0.3")) as fake:
        yield fake


@pytest.fixture(autouse=True)
def reset_failures(fake):
    yield
    fake.set_failures(
        wrong_password_status=403,
        force_status=None,
        fail_next=0,
        delay_s=0.0,
        outage_until=None,
        single_result_as_list=False,
        drop_stream_after_s=None,
    )


@pytest.fixture
async def client(fake):
    async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5.0) as client:
        yield client


def raw(fake, method, path, **kwargs):
    return httpx.request(method, f"http://127.0.0.1:{fake.port}{path}", timeout=5.0, **kwargs)


def test_missing_or_garbled_credentials_get_401_with_a_challenge(fake):
    for headers in ({}, {"Authorization": "Basic %%%"}, {"Authorization": "Bearer x"}):
        response = raw(fake, "GET", "/WebSdk/", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert "Rsp" not in response.text


async def test_unknown_application_id_is_403(fake):
    async with WebSdkClient(fake.base_url, fake.username, fake.password, "not-licensed") as client:
        with pytest.raises(WebSdkAuthorizationError):
            await client.ping()


async def test_wrong_password_status_is_configurable(fake):
    async with WebSdkClient(fake.base_url, fake.username, "wrong") as client:
        with pytest.raises(WebSdkAuthorizationError):
            await client.ping()
        fake.set_failures(wrong_password_status=401)
        with pytest.raises(WebSdkAuthenticationError):
            await client.ping()


def test_post_without_content_length_is_411(fake):
    auth = httpx.BasicAuth(f"{fake.username};{fake.application_id}", fake.password)
    header = auth._auth_header
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        sock.sendall(
            f"POST /WebSdk/action?q=x HTTP/1.1\r\nHost: x\r\nAuthorization: {header}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = sock.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 411")


def test_unknown_route_is_404_html_and_base_uri_is_case_insensitive(fake):
    auth = (f"{fake.username};{fake.application_id}", fake.password)
    response = raw(fake, "GET", "/WebSdk/nothing/here", auth=auth)
    assert response.status_code == 404 and "<html>" in response.text
    assert raw(fake, "GET", "/WEBSDK/", auth=auth, headers={"Accept": "text/json"}).json() == {
        "Rsp": {"Status": "Ok"}
    }


def test_no_accept_header_gives_legacy_xml(fake):
    auth = (f"{fake.username};{fake.application_id}", fake.password)
    response = raw(
        fake,
        "GET",
        "/WebSdk/report/EntityConfiguration?q=EntityTypes@Camera",
        auth=auth,
        headers={"Accept": ""},
    )
    assert (
        response.text.startswith("<?xml")
        and "<QueryResult>" in response.text
        and CAMERA_GUIDS[0] in response.text
    )


async def test_cameras_paged_and_read(client):
    assert await client.list_camera_guids(page_size=2) == list(CAMERA_GUIDS)
    cameras = await client.list_cameras()
    assert [c.name for c in cameras] == ["Parvis Mairie", "Carrefour Gare", "Piste cyclable Quai"]


async def test_single_result_as_list_is_tolerated(fake, client):
    fake.set_failures(single_result_as_list=True)
    [camera] = await client.get_cameras([CAMERA_GUIDS[1].replace("-", "")])
    assert camera.name == "Carrefour Gare"


async def test_unknown_filter_property_fails_like_the_real_server(client):
    with pytest.raises(WebSdkFailure) as caught:
        await client.call("GET", "report/EntityConfiguration", "EntityTypes@Camera,Colour=red")
    assert (
        caught.value.code == "InvalidOperation" and "Could not find property 'Colour'" in caught.value.message
    )


async def test_custom_event_raise_is_recorded_printed_and_persisted(fake, client):
    await client.ensure_custom_events({5101: "Loitering"})
    assert await client.ensure_custom_events({5101: "Loitering"}) == []
    await client.raise_custom_event(5101, CAMERA_GUIDS[0], "Loitering 23 s, zone Parvis", '{"id":"ev-1"}')
    await client.raise_custom_event(5101, CAMERA_GUIDS[0], "Line cross car A->B/C, line L")
    first, second = [r for r in fake.raised_custom_events() if r["custom_event_id"] == 5101][-2:]
    assert (first["message"], first["payload"]) == ("Loitering 23 s, zone Parvis", '{"id":"ev-1"}')
    assert second["message"] == "Line cross car A->B/C, line L" and second["payload"] is None
    wait_until(
        lambda: f'RaiseCustomEvent 5101 on {CAMERA_GUIDS[0]} "Loitering 23 s, zone Parvis"' in fake.lines
    )
    persisted = [json.loads(line) for line in fake.record.read_text().splitlines()]
    assert any(r.get("payload") == '{"id":"ev-1"}' for r in persisted)


async def test_unknown_custom_event_id_fails(client):
    with pytest.raises(WebSdkFailure):
        await client.raise_custom_event(999999, CAMERA_GUIDS[0], "x")


async def test_alarm_and_bookmark(fake, client):
    instance = await client.trigger_alarm(ALARM_GUID, CAMERA_GUIDS[1])
    assert isinstance(instance, int)
    await client.add_bookmark(CAMERA_GUIDS[2], datetime(2024, 5, 1, 12, 0, 3), "Intrusion person, zone A")
    state = fake.state()
    assert {
        "camera": CAMERA_GUIDS[2],
        "time": "2024-05-01T12:00:03+00:00",
        "text": "Intrusion person, zone A",
    } in state["bookmarks"]
    assert any(
        a["InstanceId"] == instance and a["SourceGuid"] == CAMERA_GUIDS[1] for a in state["alarm_instances"]
    )
    await client.acknowledge_alarm(instance, ALARM_GUID)
    with pytest.raises(WebSdkFailure):
        await client.acknowledge_alarm(instance, ALARM_GUID)


async def test_injected_fail_and_503(fake, client):
    fake.set_failures(fail_next=1, fail_code="SomethingWrong")
    with pytest.raises(WebSdkFailure) as caught:
        await client.ping()
    assert caught.value.code == "SomethingWrong"
    await client.ping()
    fake.outage("503", 30)
    with pytest.raises(WebSdkUnavailable):
        await client.ping()


async def test_slowness_hits_the_client_timeout(fake):
    fake.set_failures(delay_s=2.0)
    async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=0.5) as client:
        with pytest.raises(WebSdkUnavailable, match="timed out"):
            await client.ping()


async def test_refusing_outage_then_recovery(fake, client):
    await asyncio.to_thread(fake.outage, "refuse", 2.0)
    await asyncio.sleep(0.5)
    with pytest.raises(WebSdkUnavailable):
        await client.ping()
    await asyncio.to_thread(wait_until, lambda: _pings(fake), 20)


def _pings(fake):
    try:
        return (
            raw(
                fake, "GET", "/WebSdk/", auth=(f"{fake.username};{fake.application_id}", fake.password)
            ).status_code
            == 200
        )
    except httpx.TransportError:
        return False


async def test_event_stream_reconnects_and_resubscribes_after_a_drop(fake, client):
    stream = EventStream(client, [("Camera", "CustomEvent")], alarm_monitoring=True, silence_timeout_s=3)
    events = stream.__aiter__()
    await client.ensure_custom_events({5102: "Stream test"})

    async def raise_when_subscribed(message):
        await asyncio.to_thread(
            wait_until, lambda: any(subs for subs in fake.state()["sessions"].values()), 10
        )
        await client.raise_custom_event(5102, CAMERA_GUIDS[0], message)

    producer = asyncio.create_task(raise_when_subscribed("before drop"))
    first = await asyncio.wait_for(anext(events), 15)
    await producer
    assert first.data["Message"] == "before drop" and stream.connections == 1
    await asyncio.to_thread(fake.drop_streams)
    producer = asyncio.create_task(raise_when_subscribed("after drop"))
    second = await asyncio.wait_for(anext(events), 20)
    await producer
    assert second.data["Message"] == "after drop" and stream.connections == 2
    instance = await client.trigger_alarm(ALARM_GUID, CAMERA_GUIDS[0])
    await asyncio.to_thread(fake.acknowledge, instance)
    kinds = [(await asyncio.wait_for(anext(events), 10)).event_type for _ in range(2)]
    assert kinds == ["AlarmTriggered", "AlarmAcknowledge"]
    await events.aclose()


def test_control_api_refuses_non_local_clients():
    from aiohttp.test_utils import make_mocked_request

    from genetec_bridge.lab.fake_websdk.control import local_only

    async def handler(request):
        raise AssertionError("must not be reached")

    request = make_mocked_request("GET", "/_fake/received", transport=_RemoteTransport())
    response = asyncio.run(local_only(request, handler))
    assert response.status == 403


class _RemoteTransport:
    def get_extra_info(self, name, default=None):
        return ("203.0.113.9", 40000) if name == "peername" else default

    def is_closing(self):
        return False
