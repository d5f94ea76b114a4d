"""Client branches against respx-mocked answers: envelopes, shapes, paging, errors, timeouts."""

import base64
from datetime import UTC, datetime

import httpx
import pytest
import respx

from genetec_bridge.config.site import GenetecConfig
from genetec_bridge.websdk.client import EXCERPT_CHARS, WebSdkClient
from genetec_bridge.websdk.errors import (
    WebSdkAuthenticationError,
    WebSdkAuthorizationError,
    WebSdkFailure,
    WebSdkHttpError,
    WebSdkInDoubt,
    WebSdkProtocolError,
    WebSdkRefused,
    WebSdkUnavailable,
)

BASE = "http://sc.example:4590/WebSdk/"
CAM1 = "00000001-0000-babe-0000-00408ca1eb95"
CAM2 = "00000001-0000-babe-0000-00408ca1eb96"
ALARM = "00000002-0000-babe-0000-000000000001"
PASSWORD = "pa55-word-never-shown"


def ok(result=None):
    rsp = {"Status": "Ok"} if result is None else {"Status": "Ok", "Result": result}
    return httpx.Response(200, json={"Rsp": rsp})


@pytest.fixture
async def client():
    async with WebSdkClient(BASE, "bridge", PASSWORD, "APPID", timeout=2.0) as client:
        yield client


@respx.mock
async def test_ping_sends_basic_user_semicolon_app_id_and_text_json(client):
    route = respx.get(BASE).mock(return_value=ok())
    await client.ping()
    request = route.calls.last.request
    assert request.headers["Accept"] == "text/json"
    assert (
        request.headers["Authorization"]
        == "Basic " + base64.b64encode(f"bridge;APPID:{PASSWORD}".encode()).decode()
    )


@respx.mock
async def test_single_entity_object_and_several_entities_list_both_give_cameras(client):
    respx.get(url__startswith=BASE + "entity").mock(
        side_effect=[
            ok({"Guid": CAM1, "Name": "Parvis", "LogicalId": 7, "IsOnline": True, "RunningState": "Running"}),
            ok([{"Guid": CAM1, "Name": "Parvis"}, {"Guid": CAM2, "Name": "Gare", "IsOnline": "false"}]),
        ]
    )
    [one] = await client.get_cameras([CAM1])
    assert (one.name, one.logical_id, one.is_online, one.running_state) == ("Parvis", 7, True, "Running")
    several = await client.get_cameras([CAM1, CAM2])
    assert [c.name for c in several] == ["Parvis", "Gare"] and several[1].is_online is False


@respx.mock
async def test_entity_reads_are_chunked_by_ten(client):
    guids = [f"00000001-0000-babe-0000-{i:012x}" for i in range(12)]
    route = respx.get(url__startswith=BASE + "entity").mock(
        side_effect=lambda request: ok([{"Guid": g} for g in guids if g in str(request.url)])
    )
    cameras = await client.get_cameras(guids)
    assert len(route.calls) == 2
    assert [c.guid for c in cameras] == guids


@respx.mock
async def test_paging_follows_the_page_size_plus_one_rule(client):
    rows = [{"Guid": f"00000001-0000-babe-0000-{i:012x}"} for i in range(5)]
    route = respx.get(url__startswith=BASE + "report/EntityConfiguration").mock(
        side_effect=[ok(rows[0:3]), ok(rows[2:5]), ok(rows[4:5])]
    )
    guids = await client.list_camera_guids(page_size=2)
    assert guids == [r["Guid"] for r in rows]
    assert "Page=3,PageSize=2" in str(route.calls[2].request.url)


@respx.mock
async def test_legacy_xml_answer_is_understood(client):
    xml = (
        b'<?xml version="1.0"?><rsp status="ok"><QueryResult><HeaderRow><Cell name="Guid"/></HeaderRow>'
        b"<Row><Cell>" + CAM1.encode() + b"</Cell></Row></QueryResult></rsp>"
    )
    respx.get(url__startswith=BASE + "report").mock(return_value=httpx.Response(200, content=xml))
    assert await client.list_camera_guids() == [CAM1]


@respx.mock
async def test_legacy_xml_fail_raises_failure(client):
    xml = b'<rsp status="fail"><error><message>nope</message></error></rsp>'
    respx.get(BASE).mock(return_value=httpx.Response(200, content=xml))
    with pytest.raises(WebSdkFailure) as caught:
        await client.ping()
    assert caught.value.message == "nope"


@respx.mock
async def test_401_says_credentials_and_never_shows_the_password(client):
    respx.get(BASE).mock(return_value=httpx.Response(401, text="<html>401</html>"))
    with pytest.raises(WebSdkAuthenticationError) as caught:
        await client.ping()
    assert "password" in str(caught.value) and PASSWORD not in str(caught.value)
    assert "bridge" not in str(caught.value)


@respx.mock
async def test_403_says_application_id_licence_privilege(client):
    respx.get(BASE).mock(return_value=httpx.Response(403, text=""))
    with pytest.raises(WebSdkAuthorizationError) as caught:
        await client.ping()
    message = str(caught.value)
    assert "application id" in message and "licence" in message and "privilege" in message
    assert PASSWORD not in message


@pytest.mark.parametrize(("status", "hint"), [(404, "base URI"), (411, "Content-Length"), (400, "rejected")])
@respx.mock
async def test_non_envelope_statuses_are_typed(client, status, hint):
    respx.post(url__startswith=BASE + "action").mock(return_value=httpx.Response(status, text="<html/>"))
    with pytest.raises(WebSdkHttpError) as caught:
        await client.add_bookmark(CAM1, datetime(2024, 1, 1, tzinfo=UTC), "x")
    assert caught.value.status == status and hint in str(caught.value)


@respx.mock
async def test_a_refusal_quotes_the_body_without_the_credentials(client):
    basic = base64.b64encode(f"bridge;APPID:{PASSWORD}".encode()).decode()
    page = (
        f"<html><head><title>Bad Request</title></head><body><h1>Invalid query</h1><pre>Authorization: Basic"
        f" {basic}\npassword={PASSWORD} via http://bridge:{PASSWORD}@sc.example/</pre>{'x' * 500}</body></html>"
    )
    respx.post(url__startswith=BASE + "action").mock(return_value=httpx.Response(400, text=page))
    with pytest.raises(WebSdkRefused) as caught:
        await client.add_bookmark(CAM1, datetime(2024, 1, 1, tzinfo=UTC), "x")
    message = str(caught.value)
    assert isinstance(caught.value, WebSdkHttpError) and caught.value.status == 400
    assert "Bad Request Invalid query" in message and "<" not in caught.value.excerpt
    assert PASSWORD not in message and basic not in message
    assert len(caught.value.excerpt) <= EXCERPT_CHARS


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [(429, "7", 7.0), (429, "Wed, 21 Oct 2015 07:28:00 GMT", 0.0), (429, "soon", None), (408, None, None)],
)
@respx.mock
async def test_408_and_429_are_waits_not_refusals(client, status, retry_after, expected):
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    respx.post(url__startswith=BASE + "action").mock(return_value=httpx.Response(status, headers=headers))
    with pytest.raises(WebSdkUnavailable) as caught:
        await client.add_bookmark(CAM1, datetime(2024, 1, 1, tzinfo=UTC), "x")
    assert not isinstance(caught.value, (WebSdkInDoubt, WebSdkRefused)), "not sent on: safe to send again"
    assert caught.value.retry_after_s == expected


@respx.mock
async def test_5xx_is_unavailable(client):
    respx.get(BASE).mock(return_value=httpx.Response(503))
    with pytest.raises(WebSdkUnavailable):
        await client.ping()


@respx.mock
async def test_fail_envelope_carries_code_and_message(client):
    body = {"Rsp": {"Status": "Fail", "Result": {"SdkErrorCode": "InvalidOperation", "Message": "no setter"}}}
    respx.get(BASE).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(WebSdkFailure) as caught:
        await client.ping()
    assert (caught.value.code, caught.value.message) == ("InvalidOperation", "no setter")


@respx.mock
async def test_other_status_such_as_too_many_results_is_a_failure(client):
    respx.get(BASE).mock(return_value=httpx.Response(200, json={"Rsp": {"Status": "TooManyResults"}}))
    with pytest.raises(WebSdkFailure) as caught:
        await client.ping()
    assert caught.value.code == "TooManyResults"


@respx.mock
async def test_garbage_body_is_a_protocol_error(client):
    respx.get(BASE).mock(return_value=httpx.Response(200, text="{not json"))
    with pytest.raises(WebSdkProtocolError):
        await client.ping()


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ConnectError("refused")]
)
@respx.mock
async def test_timeouts_and_refusals_are_unavailable(client, error):
    respx.get(BASE).mock(side_effect=error)
    with pytest.raises(WebSdkUnavailable):
        await client.ping()


@respx.mock
async def test_raise_custom_event_path_form_with_multipart_payload(client):
    route = respx.post(url__startswith=BASE + "events/RaiseCustomEvent/").mock(return_value=ok())
    await client.raise_custom_event(5001, CAM1, "Loitering 23 s, zone Parvis", '{"id":"e1"}')
    request = route.calls.last.request
    assert (
        request.url.raw_path.decode()
        == f"/WebSdk/events/RaiseCustomEvent/5001/{CAM1}/Loitering%2023%20s%2C%20zone%20Parvis"
    )
    body = request.read()
    assert b'name="payload"' in body and b'{"id":"e1"}' in body and b"payload/txt" in body


@respx.mock
async def test_raise_custom_event_uses_msg_query_when_the_message_has_a_slash(client):
    route = respx.post(url__startswith=BASE + "events/RaiseCustomEvent/").mock(return_value=ok())
    await client.raise_custom_event(5001, CAM1, "Line cross car A->B/C, line L")
    request = route.calls.last.request
    assert request.url.path == f"/WebSdk/events/RaiseCustomEvent/5001/{CAM1}"
    assert request.url.params["msg"] == "Line cross car A->B/C, line L"
    assert request.headers["Content-Length"] == "0"


@respx.mock
async def test_bookmark_escapes_commas_and_sends_utc_z_time(client):
    route = respx.post(url__startswith=BASE + "action").mock(return_value=ok())
    await client.add_bookmark(
        CAM1, datetime(2024, 5, 1, 12, 0, 3, 250000, tzinfo=UTC), "Intrusion person, zone A"
    )
    query = route.calls.last.request.url.query.decode()
    assert f"AddCameraBookmark({CAM1},2024-05-01T12:00:03.250Z,Intrusion%20person\\%2C%20zone%20A)" in query


@respx.mock
async def test_ensure_custom_events_creates_only_the_missing_ones(client):
    respx.get(url__startswith=BASE + "entity").mock(
        return_value=ok({"CustomEvents": [{"Id": 5000, "Name": "test", "SourceEntityType": "Camera"}]})
    )
    add = respx.post(url__startswith=BASE + "entity").mock(return_value=ok())
    assert await client.ensure_custom_events({5000: "test", 5001: "Loitering, Parvis"}) == [5001]
    assert len(add.calls) == 1
    assert "CustomEvents.Add(5001,Loitering\\%2C%20Parvis,Camera)" in str(add.calls.last.request.url)


@respx.mock
async def test_remove_custom_event_posts_the_documented_removal(client):
    route = respx.post(url__startswith=BASE + "entity").mock(return_value=ok())
    await client.remove_custom_event(8001)
    assert route.calls.last.request.url.query.decode() == (
        "q=entity=00000000-0000-0000-0000-000000000007,CustomEvents-8001"
    )


@respx.mock
async def test_trigger_alarm_returns_instance_id_or_none(client):
    route = respx.get(url__startswith=BASE + "alarm").mock(side_effect=[ok({"InstanceId": 42}), ok()])
    assert await client.trigger_alarm(ALARM, CAM1) == 42
    assert await client.trigger_alarm(ALARM, CAM1) is None
    assert f"TriggerAlarm({ALARM},{CAM1})" in str(route.calls.last.request.url)


async def test_repr_hides_credentials():
    client = WebSdkClient(BASE, "bridge", PASSWORD, "APPID")
    assert PASSWORD not in repr(client) and "APPID" not in repr(client)
    await client.aclose()


@respx.mock
async def test_from_config_uses_the_secret_value_and_app_id():
    config = GenetecConfig(
        url=BASE,
        allow_plain_http=True,
        username="bridge",
        password="from-config",
        application_id="APP2",
        timeout_s=3,
    )
    route = respx.get(BASE).mock(return_value=ok())
    async with WebSdkClient.from_config(config) as client:
        await client.ping()
    expected = base64.b64encode(b"bridge;APP2:from-config").decode()
    assert route.calls.last.request.headers["Authorization"] == f"Basic {expected}"


@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed"), httpx.ReadError("reset")],
)
@respx.mock
async def test_a_sent_request_without_an_answer_is_in_doubt(client, error):
    respx.post(url__startswith=BASE + "events/RaiseCustomEvent/").mock(side_effect=error)
    with pytest.raises(WebSdkInDoubt, match="may have been carried out"):
        await client.raise_custom_event(5001, CAM1, "Intrusion person")


@pytest.mark.parametrize(
    "error", [httpx.ConnectTimeout("slow"), httpx.ConnectError("refused"), httpx.PoolTimeout("busy")]
)
@respx.mock
async def test_a_request_that_never_left_is_unavailable_not_in_doubt(client, error):
    respx.post(url__startswith=BASE + "events/RaiseCustomEvent/").mock(side_effect=error)
    with pytest.raises(WebSdkUnavailable) as caught:
        await client.raise_custom_event(5001, CAM1, "Intrusion person")
    assert not isinstance(caught.value, WebSdkInDoubt)


@pytest.mark.parametrize(("status", "in_doubt"), [(503, False), (500, True), (502, True), (504, True)])
@respx.mock
async def test_503_is_refused_before_processing_other_5xx_are_in_doubt(client, status, in_doubt):
    respx.get(url__startswith=BASE + "alarm").mock(return_value=httpx.Response(status))
    with pytest.raises(WebSdkUnavailable) as caught:
        await client.trigger_alarm(ALARM, CAM1)
    assert isinstance(caught.value, WebSdkInDoubt) is in_doubt


@respx.mock
async def test_requests_that_raise_something_wait_the_answer_timeout_reads_do_not():
    async with WebSdkClient(BASE, "bridge", PASSWORD, "APPID", timeout=3.0, answer_timeout=90.0) as client:
        ping = respx.get(BASE).mock(return_value=ok())
        bookmark = respx.post(url__startswith=BASE + "action").mock(return_value=ok())
        await client.ping()
        await client.add_bookmark(CAM1, datetime(2024, 1, 1, tzinfo=UTC), "x")
    assert ping.calls.last.request.extensions["timeout"]["read"] == 3.0
    sent = bookmark.calls.last.request.extensions["timeout"]
    assert (sent["connect"], sent["read"]) == (3.0, 90.0)
