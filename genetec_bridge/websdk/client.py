"""Async Web SDK client: Basic `user;applicationId` auth, `Accept: text/json`, typed errors.

HTTP status is checked before the body, because 401/403/404/411 come back without an Rsp envelope.
Every request has a timeout; a timeout, a refused connection or a 5xx is `WebSdkUnavailable`.

A 4xx is one of three things:
- 401/403: `WebSdkAuthError`, who we are is refused (a person must act);
- 408/429: `WebSdkUnavailable`, refused before any processing, to be sent again later (after the
  `Retry-After` of a 429, when it gives one);
- any other (400, 404, 411...): `WebSdkHttpError`, a refusal of this request (`WebSdkRefused`, like a
  `Fail` answer), quoting the start of the body without our credentials.

Failures are told apart by whether the request may have reached Security Center, because a request
that changes something (custom event, alarm, bookmark) must not be carried out twice:
- not sent (refused connection, connect or pool timeout, HTTP 408, 429, 503): plain
  `WebSdkUnavailable`;
- sent but unanswered (read or write timeout, connection cut after sending, other 5xx):
  `WebSdkInDoubt`. Such requests wait `answer_timeout` for their answer, much longer than the
  connect timeout, so that a slow Security Center answers late instead of being asked twice.
"""

import base64
import re
import ssl
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from genetec_bridge.config.site import DEV_APPLICATION_ID, GenetecConfig
from genetec_bridge.redaction import redact_credentials
from genetec_bridge.websdk.envelope import as_list, parse_envelope
from genetec_bridge.websdk.errors import (
    WebSdkAuthenticationError,
    WebSdkAuthorizationError,
    WebSdkHttpError,
    WebSdkInDoubt,
    WebSdkProtocolError,
    WebSdkUnavailable,
)
from genetec_bridge.websdk.query import canonical_guid, encode_path_segment, escape_text, iso_utc

SYSTEM_CONFIGURATION_GUID = "00000000-0000-0000-0000-000000000007"
# CamStreamer reads camera details 10 GUIDs at a time to keep URLs short.
ENTITY_CHUNK = 10
CAMERA_PROPERTIES = ("Guid", "Name", "EntityType", "LogicalId", "IsOnline", "RunningState")

# A refusal quotes the start of its body: an HTML title or an error line, not a whole page.
EXCERPT_CHARS = 160
_TAG = re.compile(r"<[^>]*>")
_STATUS_HINTS = {
    400: "the server rejected the request (bad licence item or malformed query)",
    404: "unknown route: check the base URI (default /WebSdk/) and the Security Center version",
    411: "POST without Content-Length",
}


@dataclass(frozen=True)
class CameraInfo:
    guid: str
    name: str
    logical_id: int | None = None
    is_online: bool | None = None
    running_state: str | None = None


@dataclass(frozen=True)
class AlarmInfo:
    guid: str
    name: str


@dataclass(frozen=True)
class CustomEventDefinition:
    id: int
    name: str
    entity_type: str = "Camera"


class WebSdkClient:
    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        application_id: str = DEV_APPLICATION_ID,
        *,
        verify: bool | str = True,
        timeout: float = 10.0,
        answer_timeout: float = 120.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        # Requests that change something: connecting is quick or fails, the answer may come late.
        self._change_timeout = httpx.Timeout(timeout, read=max(timeout, answer_timeout))
        # A CA file path becomes an SSL context; `False` is only ever an explicit operator choice.
        verify_arg: bool | ssl.SSLContext = (
            ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
        )
        user = f"{username};{application_id}"
        # What an answer's body must never carry into an error message: a server may echo the request.
        basic = base64.b64encode(f"{user}:{password}".encode()).decode()
        self._secrets = tuple(secret for secret in (password, basic) if secret)
        self._http = httpx.AsyncClient(
            auth=httpx.BasicAuth(user, password),
            headers={"Accept": "text/json"},
            timeout=timeout,
            verify=verify_arg,
            transport=transport,
        )

    @classmethod
    def from_config(cls, config: GenetecConfig) -> "WebSdkClient":
        return cls(
            config.url,
            config.username,
            config.password.get_secret_value(),
            config.application_id,
            verify=(str(config.ca_file) if config.ca_file else True) if config.verify_tls else False,
            timeout=config.timeout_s,
            answer_timeout=config.answer_timeout_s,
        )

    def __repr__(self) -> str:
        return f"WebSdkClient({self.base_url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "WebSdkClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport -------------------------------------------------------------------------------

    def _url(self, path: str, q: str | None = None) -> httpx.URL:
        # The query is built by hand: httpx keeps our %XX and `\,` escapes instead of re-encoding them.
        return httpx.URL(self.base_url + path + (f"?q={q}" if q is not None else ""))

    async def call(self, method: str, path: str, q: str | None = None, **kwargs: Any) -> Any:
        """One request; returns the envelope's Result (None when absent)."""
        try:
            response = await self._http.request(method, self._url(path, q), **kwargs)
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise WebSdkUnavailable(f"Web SDK timed out after {self.timeout:g} s on /{path}") from None
        except httpx.TimeoutException:
            read = (
                kwargs["timeout"].read if isinstance(kwargs.get("timeout"), httpx.Timeout) else self.timeout
            )
            raise WebSdkInDoubt(
                f"Web SDK timed out after {read:g} s on /{path}: the request was sent, it may have been"
                " carried out"
            ) from None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as error:
            raise WebSdkInDoubt(
                f"Web SDK connection lost on /{path} after sending ({type(error).__name__}):"
                " the request may have been carried out"
            ) from None
        except httpx.TransportError as error:
            raise WebSdkUnavailable(f"Web SDK unreachable on /{path}: {type(error).__name__}") from None
        check_status(response, path, self._secrets)
        return parse_envelope(response.content)

    @asynccontextmanager
    async def open_event_stream(self, silence_timeout_s: float = 30.0) -> AsyncIterator[AsyncIterator[bytes]]:
        """`GET events`: yields the raw chunks; silence longer than `silence_timeout_s` is an error."""
        request = self._http.build_request(
            "GET", self._url("events"), timeout=httpx.Timeout(self.timeout, read=silence_timeout_s)
        )
        try:
            response = await self._http.send(request, stream=True)
        except httpx.TransportError as error:
            raise WebSdkUnavailable(f"Web SDK event stream unreachable: {type(error).__name__}") from None
        try:
            if response.status_code >= 300:
                await response.aread()  # the refusal quotes its body
            check_status(response, "events", self._secrets)
            yield _chunks(response)
        finally:
            await response.aclose()

    # -- operations ------------------------------------------------------------------------------

    async def ping(self) -> None:
        """`GET /WebSdk/`: succeeds when the server is up and accepts our credentials."""
        await self.call("GET", "")

    async def list_camera_guids(self, page_size: int = 500) -> list[str]:
        return await self.list_entity_guids("Camera", page_size)

    async def list_entity_guids(self, entity_type: str, page_size: int = 500) -> list[str]:
        """All GUIDs of one entity type, page by page: a page holding PageSize+1 rows means another page exists."""
        guids: list[str] = []
        page = 1
        while True:
            rows = as_list(
                await self.call(
                    "GET",
                    "report/EntityConfiguration",
                    f"EntityTypes@{entity_type},Page={page},PageSize={page_size}",
                )
            )
            guids.extend(_guid_of(row) for row in rows[:page_size])
            if len(rows) <= page_size:
                return guids
            page += 1

    async def get_cameras(self, guids: Iterable[str]) -> list[CameraInfo]:
        """Names and state of the given cameras, read ENTITY_CHUNK at a time."""
        wanted = [canonical_guid(guid) for guid in guids]
        cameras: list[CameraInfo] = []
        properties = ",".join(CAMERA_PROPERTIES)
        for start in range(0, len(wanted), ENTITY_CHUNK):
            q = ",".join(f"entity={guid},{properties}" for guid in wanted[start : start + ENTITY_CHUNK])
            cameras.extend(_camera(row) for row in as_list(await self.call("GET", "entity", q)))
        return cameras

    async def list_cameras(self) -> list[CameraInfo]:
        return await self.get_cameras(await self.list_camera_guids())

    async def list_alarms(self) -> list[AlarmInfo]:
        """The alarms defined in Security Center, for the configuration box to choose from."""
        wanted = await self.list_entity_guids("Alarm")
        alarms: list[AlarmInfo] = []
        for start in range(0, len(wanted), ENTITY_CHUNK):
            q = ",".join(f"entity={guid},Guid,Name" for guid in wanted[start : start + ENTITY_CHUNK])
            alarms += [
                AlarmInfo(_guid_of(row), str(row.get("Name", "")))
                for row in as_list(await self.call("GET", "entity", q))
            ]
        return alarms

    async def list_custom_events(self) -> list[CustomEventDefinition]:
        rows = as_list(await self.call("GET", "entity", f"entity={SYSTEM_CONFIGURATION_GUID},CustomEvents"))
        definitions = []
        for row in rows:
            for item in row.get("CustomEvents") or []:
                try:
                    definitions.append(
                        CustomEventDefinition(
                            int(item["Id"]),
                            str(item.get("Name", "")),
                            str(item.get("SourceEntityType", "Camera")),
                        )
                    )
                except (KeyError, TypeError, ValueError):
                    raise WebSdkProtocolError(f"malformed custom event definition: {item!r}") from None
        return definitions

    async def add_custom_event(self, event_id: int, name: str, entity_type: str = "Camera") -> None:
        # A leading `\` makes the server read a name such as `Alert(5)` as text, not as a call.
        text = escape_text(name)
        if "(" in name:
            text = "\\" + text
        await self.call(
            "POST",
            "entity",
            f"entity={SYSTEM_CONFIGURATION_GUID},CustomEvents.Add({event_id},{text},{entity_type})",
            timeout=self._change_timeout,
        )

    async def remove_custom_event(self, event_id: int) -> None:
        """Delete a custom event definition; events already raised stay in Security Center's history."""
        await self.call("POST", "entity", f"entity={SYSTEM_CONFIGURATION_GUID},CustomEvents-{event_id}")

    async def ensure_custom_events(self, wanted: Mapping[int, str]) -> list[int]:
        """Create the custom event definitions that do not exist yet; returns the ids created."""
        existing = {definition.id for definition in await self.list_custom_events()}
        created = []
        for event_id, name in sorted(wanted.items()):
            if event_id not in existing:
                await self.add_custom_event(event_id, name)
                created.append(event_id)
        return created

    async def raise_custom_event(
        self, custom_event_id: int, camera: str, message: str, payload: str | None = None
    ) -> None:
        """Raise the custom event on the camera; `payload` goes as the multipart part `payload`."""
        guid = canonical_guid(camera)
        path = f"events/RaiseCustomEvent/{custom_event_id}/{guid}"
        # An encoded '/' in a path segment is not safe through the server's router: use ?msg= instead.
        if "/" in message:
            url_path = f"{path}?msg={encode_path_segment(message)}"
        else:
            url_path = f"{path}/{encode_path_segment(message)}"
        files = {"payload": (None, payload.encode(), "payload/txt")} if payload is not None else None
        await self.call("POST", url_path, files=files, timeout=self._change_timeout)

    async def trigger_alarm(self, alarm: str, source: str | None = None) -> int | None:
        """Trigger the alarm (with the camera as source); the instance id when the server gives one."""
        args = canonical_guid(alarm) + (f",{canonical_guid(source)}" if source else "")
        result = await self.call("GET", "alarm", f"TriggerAlarm({args})", timeout=self._change_timeout)
        return _count(result.get("InstanceId")) if isinstance(result, dict) else None

    async def acknowledge_alarm(self, instance_id: int, alarm: str) -> None:
        await self.call(
            "GET",
            "alarm",
            f"AcknowledgeAlarm({instance_id},{canonical_guid(alarm)},Ack)",
            timeout=self._change_timeout,
        )

    async def add_bookmark(self, camera: str, moment: datetime, text: str) -> None:
        """Bookmark at the detection time (not "now"), ISO-8601 UTC with Z."""
        q = f"AddCameraBookmark({canonical_guid(camera)},{iso_utc(moment)},{escape_text(text)})"
        await self.call("POST", "action", q, timeout=self._change_timeout)

    async def subscribe(self, subscriptions: Iterable[tuple[str, str]]) -> None:
        """`events/subscribe`: (source, EventType) pairs; source is a GUID or an entity type (`Camera`)."""
        await self.call("GET", "events/subscribe", ",".join(f"event({s},{t})" for s, t in subscriptions))

    async def set_alarm_monitoring(self, on: bool) -> None:
        await self.call("POST", f"events/alarmMonitoring/{'on' if on else 'off'}")


def check_status(response: httpx.Response, path: str, secrets: Iterable[str] = ()) -> None:
    """Map HTTP statuses outside the Rsp pipeline to typed errors; `secrets` never reach the message."""
    status = response.status_code
    if status < 300:
        return
    if status == 401:
        raise WebSdkAuthenticationError()
    if status == 403:
        raise WebSdkAuthorizationError()
    if status in (408, 429, 503):
        # Request timeout, too many requests, service unavailable: refused before any processing, safe to
        # send again.
        raise WebSdkUnavailable(
            f"Web SDK answered HTTP {status} on /{path}",
            retry_after_s=retry_after_s(response.headers.get("Retry-After")),
        )
    if status >= 500:
        # A server or gateway error may come after the work was done.
        raise WebSdkInDoubt(
            f"Web SDK answered HTTP {status} on /{path}: the request may have been carried out"
        )
    raise WebSdkHttpError(
        status,
        "/" + path.split("?")[0],
        _STATUS_HINTS.get(status, "the server refused the request"),
        body_excerpt(response.content, secrets),
    )


def body_excerpt(body: bytes, secrets: Iterable[str] = ()) -> str:
    """The start of an answer's body as one line of text: each secret and URL password replaced by ***
    (before anything else changes the text), tags dropped."""
    text = body.decode("utf-8", "replace")
    for secret in secrets:
        text = text.replace(secret, "***")
    text = " ".join(_TAG.sub(" ", redact_credentials(text)).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def retry_after_s(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


async def _chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_raw():
            yield chunk
    except httpx.TimeoutException:
        raise WebSdkUnavailable("Web SDK event stream went silent") from None
    except httpx.TransportError as error:
        raise WebSdkUnavailable(f"Web SDK event stream dropped: {type(error).__name__}") from None


def _guid_of(row: dict[str, Any]) -> str:
    try:
        return canonical_guid(str(row["Guid"]))
    except (KeyError, ValueError):
        raise WebSdkProtocolError(f"report row without a valid Guid: {row!r}") from None


def _count(value: Any) -> int | None:
    """A non-negative integer the server sends as a number or a string; None when it is neither.
    ASCII digits only: '²' is a digit to str.isdigit() but not to int()."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _camera(row: dict[str, Any]) -> CameraInfo:
    online = row.get("IsOnline")
    return CameraInfo(
        guid=_guid_of(row),
        name=str(row.get("Name", "")),
        logical_id=_count(row.get("LogicalId")),
        is_online=online
        if isinstance(online, bool)
        else (str(online).lower() == "true" if online is not None else None),
        running_state=str(row["RunningState"]) if row.get("RunningState") is not None else None,
    )
