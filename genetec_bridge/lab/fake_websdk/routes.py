"""Request handling of the fake Web SDK: auth gate, failure injection, then one handler per route.

Every Web SDK request is recorded (and printed) with what it asked for, whatever the answer.
"""

import asyncio
import base64
import binascii
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from aiohttp import BodyPartReader, web

from genetec_bridge.lab.fake_websdk.failures import Failures
from genetec_bridge.lab.fake_websdk.responses import fail, html, ok, wants_json
from genetec_bridge.lab.fake_websdk.state import (
    DROP,
    SYSTEM_CONFIGURATION_GUID,
    AlarmInstance,
    FakeState,
    now_iso,
)
from genetec_bridge.websdk.errors import WebSdkFailure
from genetec_bridge.websdk.query import canonical_guid, parse_call, split_terms, unescape_text


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    application_ids: frozenset[str]


STATE = web.AppKey("state", FakeState)
FAILURES = web.AppKey("failures", Failures)
CREDENTIALS = web.AppKey("credentials", Credentials)


@dataclass
class Call:
    """One parsed Web SDK request, handed to a route handler."""

    request: web.Request
    state: FakeState
    failures: Failures
    session: str
    route: list[str]  # decoded path segments after the base URI
    q: str
    query: dict[str, str]
    note: dict[str, Any]  # what the handler adds to the record

    def entity_or_fail(self, reference: str, entity_type: str | None = None) -> Any:
        entity = self.state.find(reference)
        if entity is None or (entity_type and entity.entity_type != entity_type):
            raise WebSdkFailure(self.failures.unknown_entity_code, f"Entity '{reference}' not found")
        return entity


Handler = Callable[[Call], Awaitable[web.StreamResponse]]


async def websdk(request: web.Request) -> web.StreamResponse:
    state, failures = request.app[STATE], request.app[FAILURES]
    parts = request.rel_url.raw_path.split("/")[1:]
    route = [unquote(part) for part in parts[1:] if part]
    query = dict(parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True))
    entry: dict[str, Any] = {"method": request.method, "path": "/".join(route), "q": query.get("q")}
    response, line = await _answer(request, parts[0].lower() if parts else "", route, query, entry)
    entry["status"] = response.status
    if response.status != 200:
        line = f"{response.status} {line}"
    state.record(entry, line)
    # Late answers: the request is carried out, its answer waits (and is lost if the client gave up).
    if (wait_s := failures.delay_s + failures.hang_left_s()) > 0:
        await asyncio.sleep(wait_s)
    return response


async def _answer(
    request: web.Request, base: str, route: list[str], query: dict[str, str], entry: dict[str, Any]
) -> tuple[web.StreamResponse, str]:
    failures, state = request.app[FAILURES], request.app[STATE]
    line = f"{request.method} /{'/'.join(route)}" + (f" q={query['q']}" if "q" in query else "")
    if base != "websdk":
        return html(404, "404 Not Found"), line
    if failures.in_outage() or failures.force_status == 503:
        return html(503, "503 Service Unavailable"), line
    session = _authenticate(request)
    if isinstance(session, web.Response):
        return session, line
    if failures.force_status is not None:
        return _auth_refusal(failures.force_status), line
    if (
        request.method == "POST"
        and "Content-Length" not in request.headers
        and "Transfer-Encoding" not in request.headers
    ):
        return html(411, "411 Length Required"), line
    handler = _route(request.method, [segment.lower() for segment in route])
    if handler is None:
        return html(404, "404 Not Found"), line
    if failures.refuses(line):
        retry_after = {"Retry-After": failures.retry_after} if failures.retry_after is not None else None
        return html(failures.refuse_status, f"{failures.refuse_status} Refused", retry_after), line
    call = Call(request, state, failures, session, route, query.get("q", ""), query, entry)
    try:
        if failures.take("fail_next"):
            raise WebSdkFailure(failures.fail_code, "injected failure")
        response = await handler(call)
    except (WebSdkFailure, ValueError) as error:
        # Malformed numbers or GUIDs in a query get a Fail like any other refused operation, not a crash.
        failure = error if isinstance(error, WebSdkFailure) else WebSdkFailure("InvalidOperation", str(error))
        entry["fail"] = failure.code
        return fail(request, failure), f"{line} -> Fail {failure.code}: {failure.message}"
    if failures.take("garbage_next"):
        entry["garbage"] = True
        return web.Response(text='{"Rsp": {"Stat', content_type="application/json"), f"{line} -> garbage"
    return response, entry.pop("line", line)


def _authenticate(request: web.Request) -> str | web.Response:
    """The session key (`user;appId`) or the refusal: 401 for a missing or garbled header, 403 for an
    application id outside the licence, the configured status for a wrong user or password."""
    credentials, failures = request.app[CREDENTIALS], request.app[FAILURES]
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return _auth_refusal(401)
    user_field, colon, password = decoded.partition(":")
    if scheme.lower() != "basic" or not colon:
        return _auth_refusal(401)
    username, semicolon, application_id = user_field.rpartition(";")
    if not semicolon or application_id not in credentials.application_ids:
        return _auth_refusal(403)
    if username != credentials.username or password != credentials.password:
        return _auth_refusal(failures.wrong_password_status)
    return user_field


def _auth_refusal(status: int) -> web.Response:
    if status == 401:
        return html(401, "401 Unauthorized", {"WWW-Authenticate": 'Basic realm="WebSdk"'})
    return html(status, "403 Forbidden")


def _route(method: str, route: list[str]) -> Handler | None:
    head = "/".join(route[:2])
    if not route:
        return _ping
    if head == "events/raisecustomevent" and len(route) in (4, 5) and method == "POST":
        return _raise_custom_event
    if len(route) == 3 and head == "events/closeconnection" and method == "POST":
        return _close_connection
    if (
        len(route) == 3
        and head == "events/alarmmonitoring"
        and route[2] in ("on", "off")
        and method == "POST"
    ):
        return _alarm_monitoring
    if len(route) == 2 and route[0] == "entity" and method == "GET":
        return _full_entity
    return _SIMPLE_ROUTES.get("/".join(route))


async def _ping(call: Call) -> web.Response:
    return ok(call.request)


async def _entity_configuration(call: Call) -> web.Response:
    types: list[str] = []
    name, contains, page, page_size = None, False, None, None
    for term in split_terms(call.q):
        key, equals, value = term.partition("=")
        if term.lower().startswith("entitytypes@"):
            types.extend(term.split("@")[1:])
        elif key.lower() == "name" and equals:
            name = unescape_text(value)
        elif key.lower() == "namesearchmode" and equals:
            contains = value.lower() == "contains"
        elif key.lower() == "page" and value.isdigit():
            page = int(value)
        elif key.lower() == "pagesize" and value.isdigit():
            page_size = int(value)
        else:
            raise WebSdkFailure("InvalidOperation", f"Could not find property '{key}' from filter: '{term}'")
    entities = [e for t in types for e in call.state.of_type(t)]
    if name is not None:
        entities = [e for e in entities if (name.lower() in e.name.lower() if contains else e.name == name)]
    rows = [{"Guid": e.guid} for e in entities]
    if page_size:
        # One extra row tells the client another page exists (there is no total count).
        start = ((page or 1) - 1) * page_size
        rows = rows[start : start + page_size + 1]
    return ok(call.request, rows)


async def _entity(call: Call) -> web.Response:
    groups: list[tuple[str, list[str]]] = []
    for term in split_terms(call.q):
        if term.lower().startswith("entity="):
            groups.append((term.partition("=")[2], []))
        elif groups:
            groups[-1][1].append(term)
        else:
            raise WebSdkFailure("InvalidOperation", f"Expected entity= before '{term}'")
    if call.request.method == "POST":
        for reference, terms in groups:
            _write_entity(call, reference, terms)
        return ok(call.request)
    results = [r for reference, terms in groups if (r := _read_entity(call, reference, terms))]
    if not results:
        return ok(call.request)
    single = len(results) == 1 and not call.failures.single_result_as_list
    return ok(call.request, results[0] if single else results)


def _read_entity(call: Call, reference: str, properties: list[str]) -> dict[str, Any]:
    if _is_system_configuration(reference):
        available: dict[str, Any] = {
            "Guid": SYSTEM_CONFIGURATION_GUID,
            "CustomEvents": list(call.state.custom_events.values()),
        }
    else:
        available = call.entity_or_fail(reference).properties()
    by_lower = {key.lower(): key for key in available}
    # Only the properties asked for are returned; none asked gives no data, as on the real server.
    return {by_lower[p.lower()]: available[by_lower[p.lower()]] for p in properties if p.lower() in by_lower}


def _write_entity(call: Call, reference: str, terms: list[str]) -> None:
    if not _is_system_configuration(reference):
        call.entity_or_fail(reference)
        raise WebSdkFailure("InvalidOperation", "The fake only supports writes to custom events")
    for term in terms:
        parsed = parse_call(term)
        if parsed and parsed[0].lower() == "customevents.add" and len(parsed[1]) == 3:
            event_id, name, entity_type = int(parsed[1][0]), unescape_text(parsed[1][1]), parsed[1][2]
            if event_id in call.state.custom_events:
                raise WebSdkFailure("InvalidOperation", f"A custom event with id {event_id} already exists")
            call.state.custom_events[event_id] = {
                "Id": event_id,
                "Name": name,
                "SourceEntityType": entity_type,
            }
            call.note.update(op="CustomEvents.Add", custom_event_id=event_id, name=name)
            call.note["line"] = f"CustomEvents.Add {event_id} {name!r} ({entity_type})"
        elif term.lower().startswith("customevents-") and term[13:].isdigit():
            call.state.custom_events.pop(int(term[13:]), None)
            call.note.update(op="CustomEvents.Remove", custom_event_id=int(term[13:]))
        else:
            raise WebSdkFailure("InvalidOperation", f"Unsupported entity operation '{term}'")


def _is_system_configuration(reference: str) -> bool:
    try:
        return canonical_guid(reference) == SYSTEM_CONFIGURATION_GUID
    except ValueError:
        return False


async def _full_entity(call: Call) -> web.Response:
    return ok(call.request, call.entity_or_fail(call.route[1]).properties())


async def _raise_custom_event(call: Call) -> web.Response:
    event_id_text, source = call.route[2], call.route[3]
    message = call.route[4] if len(call.route) == 5 else call.query.get("msg", "")
    definition = call.state.custom_events.get(int(event_id_text)) if event_id_text.isdigit() else None
    if definition is None:
        raise WebSdkFailure("InvalidOperation", f"Unknown custom event {event_id_text}")
    camera = call.entity_or_fail(source, definition["SourceEntityType"])
    payload = await _multipart_payload(call.request)
    call.note.update(
        op="RaiseCustomEvent",
        custom_event_id=definition["Id"],
        source=camera.guid,
        message=message,
        payload=payload,
    )
    call.note["line"] = f'RaiseCustomEvent {definition["Id"]} on {camera.guid} "{message}"'
    call.state.publish("CustomEvent", camera.guid, {"CustomEventId": definition["Id"], "Message": message})
    return ok(call.request)


async def _multipart_payload(request: web.Request) -> str | None:
    if not request.content_type.startswith("multipart/"):
        return None
    reader = await request.multipart()
    payload = None
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.name == "payload":
            payload = (await part.read()).decode("utf-8", errors="replace")
    return payload


async def _action(call: Call) -> web.Response:
    actions = [parse_call(term) for term in split_terms(call.q)]
    for action in actions:
        if action is None:
            raise WebSdkFailure("InvalidOperation", "Malformed action")
        name, args = action
        if name.lower() == "addcamerabookmark" and len(args) == 3:
            camera = call.entity_or_fail(args[0], "Camera")
            time = _parse_time(args[1])
            text = unescape_text(args[2])
            call.state.bookmarks.append({"camera": camera.guid, "time": time, "text": text})
            call.note.setdefault("bookmarks", []).append({"camera": camera.guid, "time": time, "text": text})
            call.note.update(op="AddCameraBookmark")
            call.note["line"] = f'AddCameraBookmark on {camera.guid} at {time} "{text}"'
        elif name.lower() == "raisecustomevent" and args:
            call.note.update(op="RaiseCustomEvent", action_form=args[0])
        else:
            raise WebSdkFailure("InvalidOperation", f"Unsupported action '{name}'")
    return ok(call.request)


def _parse_time(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise WebSdkFailure("InvalidOperation", f"Invalid time '{text}'") from None
    return moment.isoformat()


async def _alarm(call: Call) -> web.Response:
    parsed = parse_call(call.q)
    if parsed is None:
        raise WebSdkFailure("InvalidOperation", "Malformed alarm request")
    name, args = parsed
    if name.lower() == "triggeralarm" and args:
        alarm = call.entity_or_fail(args[0], "Alarm")
        source = call.entity_or_fail(args[1]).guid if len(args) > 1 else None
        instance = AlarmInstance(call.state.next_instance_id(), alarm.guid, source, now_iso())
        call.state.alarm_instances[instance.instance_id] = instance
        call.note.update(op="TriggerAlarm", alarm=alarm.guid, source=source, instance_id=instance.instance_id)
        call.note["line"] = (
            f"TriggerAlarm {alarm.name} ({alarm.guid}) source {source} -> instance {instance.instance_id}"
        )
        call.state.publish("AlarmTriggered", alarm.guid, {"InstanceId": instance.instance_id})
        call.state.publish_alarm("AlarmTriggered", instance)
        return ok(
            call.request, {"InstanceId": instance.instance_id} if call.failures.alarm_instance_id else None
        )
    for term in split_terms(call.q):
        action = parse_call(term)
        if (
            action is None
            or action[0].lower() != "acknowledgealarm"
            or len(action[1]) < 2
            or not action[1][0].isdigit()
        ):
            raise WebSdkFailure("InvalidOperation", f"Unsupported alarm operation '{term}'")
        ack_type = action[1][2] if len(action[1]) > 2 else "Ack"
        acknowledge(call.state, int(action[1][0]), ack_type, call.session.partition(";")[0])
        call.note.update(op="AcknowledgeAlarm", instance_id=int(action[1][0]), ack_type=ack_type)
    return ok(call.request)


ACK_TYPES = {"ack": "Ack", "default": "Ack", "nack": "Nack", "alternate": "Nack"}


def acknowledge(
    state: FakeState, instance_id: int, ack_type: str = "Ack", operator: str | None = None
) -> AlarmInstance:
    """Security Desk's Default (`Ack`) or Alternate (`Nack`) acknowledgement of an active instance."""
    instance = state.alarm_instances.get(instance_id)
    if instance is None or instance.state != "Active":
        raise WebSdkFailure("InvalidOperation", f"No active alarm instance {instance_id}")
    normalised = ACK_TYPES.get(ack_type.strip().lower())
    if normalised is None:
        raise WebSdkFailure("InvalidOperation", f"Unknown acknowledgement type '{ack_type}'")
    instance.state, instance.acknowledged_at = "Acknowledged", now_iso()
    instance.ack_type, instance.acknowledged_by = normalised, operator
    state.publish("AlarmAcknowledged", instance.alarm, {"InstanceId": instance_id})
    state.publish_alarm("AlarmAcknowledge", instance)
    return instance


async def _alarm_activity(call: Call) -> web.Response:
    alarms: set[str] = set()
    active_only = False
    for term in split_terms(call.q):
        if term.lower().startswith("alarms@"):
            alarms.update(canonical_guid(g) for g in split_terms(term.partition("@")[2].strip("()")))
        elif term.lower() == "states@active":
            active_only = True
    rows = [
        i.row()
        for i in call.state.alarm_instances.values()
        if (not alarms or i.alarm in alarms) and (not active_only or i.state == "Active")
    ]
    return ok(call.request, rows)


async def _active_alarms(call: Call) -> web.Response:
    return ok(call.request, [i.row() for i in call.state.alarm_instances.values() if i.state == "Active"])


async def _subscribe(call: Call) -> web.Response:
    pairs = _event_pairs(call.q)
    session = call.state.session(call.session)
    if call.route[1].lower() == "subscribe":
        session.subscriptions.update(pairs)
    else:
        session.subscriptions.difference_update(pairs)
    call.note.update(op=call.route[1], subscriptions=sorted(pairs))
    return ok(call.request)


def _event_pairs(q: str) -> set[tuple[str, str]]:
    pairs = set()
    for term in split_terms(q):
        parsed = parse_call(term)
        if parsed is None or parsed[0].lower() != "event" or len(parsed[1]) != 2:
            raise WebSdkFailure("InvalidOperation", f"Malformed subscription '{term}'")
        source, event_type = parsed[1]
        # The source is a GUID in any form, or an entity type such as Camera.
        with contextlib.suppress(ValueError):
            source = canonical_guid(source)
        pairs.add((source, event_type))
    return pairs


async def _subscribed(call: Call) -> web.Response:
    by_type: dict[str, list[str]] = {}
    for source, event_type in sorted(call.state.session(call.session).subscriptions):
        by_type.setdefault(event_type, []).append(source)
    return ok(call.request, [{"EventType": t, "Entities": s} for t, s in by_type.items()])


async def _alarm_monitoring(call: Call) -> web.Response:
    call.state.session(call.session).alarm_monitoring = call.route[2].lower() == "on"
    return ok(call.request)


async def _close_connection(call: Call) -> web.Response:
    if not call.state.close_stream(call.route[2]):
        raise WebSdkFailure("InvalidOperation", f"Unknown connection {call.route[2]}")
    return ok(call.request)


async def _events(call: Call) -> web.StreamResponse:
    """The long-lived chunked stream: ConnectionId, then KeepAlive and event parts."""
    state, failures = call.state, call.failures
    connection_id, queue = state.open_stream(call.session)
    response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
    response.enable_chunked_encoding()
    await response.prepare(call.request)
    call.note.update(op="events", connection_id=connection_id)
    mime = "text/json" if wants_json(call.request) else "application/xml"
    loop = asyncio.get_running_loop()
    drop_at = loop.time() + failures.drop_stream_after_s if failures.drop_stream_after_s else None
    try:
        await response.write(f"ConnectionId:{connection_id}\r\n".encode())
        while True:
            timeout = (
                failures.keepalive_s
                if drop_at is None
                else min(failures.keepalive_s, max(0.0, drop_at - loop.time()))
            )
            try:
                message = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                if drop_at is not None and loop.time() >= drop_at:
                    state.drop_session(call.session)
                    raise ConnectionAbortedError from None
                await response.write(b"--GENETECBOUNDARY\r\nContent-type: text/plain\r\nKeepAlive\r\n")
                continue
            if message is None:
                break
            if message == DROP:
                raise ConnectionAbortedError
            await response.write(f"--GENETECBOUNDARY\r\nContent-type: {mime}\r\n{message}\r\n".encode())
    except ConnectionAbortedError:
        # A dropped stream ends without the closing chunk, like a network cut.
        if call.request.transport is not None:
            call.request.transport.abort()
        return response
    except (ConnectionResetError, asyncio.CancelledError):
        state.close_stream(connection_id)
        raise
    state.close_stream(connection_id)
    await response.write_eof()
    return response


_SIMPLE_ROUTES: dict[str, Handler] = {
    "report/entityconfiguration": _entity_configuration,
    "report/alarmactivity": _alarm_activity,
    "activealarms": _active_alarms,
    "entity": _entity,
    "action": _action,
    "alarm": _alarm,
    "events": _events,
    "events/subscribe": _subscribe,
    "events/unsubscribe": _subscribe,
    "events/subscribed": _subscribed,
}
