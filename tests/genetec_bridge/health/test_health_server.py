"""The health endpoints over a real socket: ready when the core works, degraded naming what is wrong."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from genetec_bridge.health.server import HealthServer
from genetec_bridge.health.status import (
    BridgeStatus,
    CameraStatus,
    DaemonStatus,
    DeliveryStatus,
    InferenceStatus,
    LineCrossings,
    LoopStatus,
    StatusReport,
    WebSdkStatus,
)

SECRET = "TopSecret42"


def healthy() -> BridgeStatus:
    return BridgeStatus(
        websdk=WebSdkStatus(reachable=True),
        daemon=DaemonStatus(connected=True, restarts=1, inference_latency_s=0.012),
        delivery=DeliveryStatus(produced=7, delivered=5, pending=2, oldest_pending_age_s=3.5),
        cameras=[
            CameraStatus(
                camera_id="00000001-0000-babe-0000-00408ca1eb95",
                name="Parvis",
                streaming=True,
                frames_received=700,
                frames_delivered=500,
                frames_analysed=498,
                frames_dropped=2,
                last_frame_age_s=0.1,
            )
        ],
        line_crossings=[
            LineCrossings(
                camera_id="00000001-0000-babe-0000-00408ca1eb95",
                line="Northbound count",
                class_name="car",
                direction="B->A",
                count=42,
            )
        ],
    )


def degraded() -> BridgeStatus:
    status = healthy()
    status.daemon = DaemonStatus(connected=False, restarts=3, last_error="exited with code 1")
    status.cameras[0] = status.cameras[0].model_copy(
        update={
            "streaming": False,
            "reconnects": 4,
            "last_error": f"cannot open rtsp://operator:{SECRET}@gateway:654/00000001/live",
        }
    )
    return status


def many_cameras(count: int, down: set[int]) -> list[CameraStatus]:
    return [
        CameraStatus(
            camera_id=f"{n:08d}-0000-babe-0000-00408ca1eb95",
            name=f"Camera {n}",
            streaming=n not in down,
            last_error="stream ended or could not be decoded" if n in down else None,
        )
        for n in range(count)
    ]


class Served:
    def __init__(self, token: str | None = None) -> None:
        self.status = healthy()
        self.server = HealthServer(lambda: self.status, port=0, token=token)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    served = Served()
    await served.server.start()
    yield served
    await served.server.stop()


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text()


async def report(served: Served) -> StatusReport:
    status, body = await get(served.url("/status"))
    assert status == 200, body
    return StatusReport.model_validate_json(body)


async def test_liveness_and_readiness_when_all_is_well(served: Served) -> None:
    assert (await get(served.url("/healthz")))[0] == 200
    status, body = await get(served.url("/readyz"))
    assert status == 200
    assert '"ready": true' in body


async def test_readiness_fails_with_the_reasons_when_the_core_is_down(served: Served) -> None:
    served.status = degraded()
    served.status.websdk = WebSdkStatus(reachable=False, last_error="connection refused")
    status, body = await get(served.url("/readyz"))
    assert status == 503
    assert "Web SDK unreachable: connection refused" in body
    assert "analytics daemon not connected: exited with code 1" in body
    assert "no camera streaming (0 of 1)" in body
    assert (await get(served.url("/healthz")))[0] == 200, "alive even when not ready"


async def test_an_unavailable_inference_tier_fails_readiness_and_shows_in_status_and_metrics(
    served: Served,
) -> None:
    tier = InferenceStatus(
        tier="triton", target="triton.lan:8001 model yolox_nano", available=False, failures=3
    )
    served.status.daemon = DaemonStatus(
        connected=True, inference=tier.model_copy(update={"last_error": "unreachable"})
    )
    status, body = await get(served.url("/readyz"))
    assert status == 503
    assert "inference tier triton (triton.lan:8001 model yolox_nano) unavailable: unreachable" in body
    assert '"failures": 3' in (await get(served.url("/status")))[1]
    assert "genetec_bridge_inference_tier_available 0.0" in (await get(served.url("/metrics")))[1]
    served.status.daemon = DaemonStatus(connected=True, inference=tier.model_copy(update={"available": True}))
    assert (await get(served.url("/readyz")))[0] == 200


async def test_one_camera_down_among_ninety_is_degraded_not_unready(served: Served) -> None:
    served.status.cameras = many_cameras(90, down={17})

    status, body = await get(served.url("/readyz"))
    verdict = await report(served)

    assert status == 200, body
    assert verdict.state == "degraded"
    assert verdict.problems == [
        "1 of 90 cameras not streaming",
        "camera 00000017-0000-babe-0000-00408ca1eb95 (Camera 17) not streaming: "
        "stream ended or could not be decoded",
    ]


async def test_all_is_well_is_ok_with_no_problem(served: Served) -> None:
    verdict = await report(served)
    assert verdict.state == "ok" and verdict.problems == []


async def test_a_restarting_loop_is_degraded_and_counted(served: Served) -> None:
    served.status.loops = [
        LoopStatus(name="websdk", restarts=0),
        LoopStatus(name="reader 00000001", restarts=3, last_error="error: (-215) bad frame", restarting=True),
    ]

    verdict = await report(served)
    _, metrics = await get(served.url("/metrics"))

    assert (await get(served.url("/readyz")))[0] == 200
    assert verdict.problems == ["loop reader 00000001 restarting (3 restarts): error: (-215) bad frame"]
    assert 'genetec_bridge_loop_restarts_total{loop="reader 00000001"} 3.0' in metrics
    assert 'genetec_bridge_loop_restarting{loop="reader 00000001"} 1.0' in metrics
    assert 'genetec_bridge_loop_restarting{loop="websdk"} 0.0' in metrics
    assert "genetec_bridge_problems 1.0" in metrics


async def test_a_dead_alarm_stream_is_degraded_only_when_alarms_are_configured(served: Served) -> None:
    served.status.websdk = WebSdkStatus(reachable=True, event_stream_connected=None)
    assert (await report(served)).state == "ok", "no alarm routed: no stream to miss"
    served.status.websdk = WebSdkStatus(
        reachable=True, event_stream_connected=False, event_stream_error="event stream closed by the server"
    )
    verdict = await report(served)
    assert verdict.problems == ["alarm acknowledgements not received: event stream closed by the server"]
    assert (await get(served.url("/readyz")))[0] == 200, "events are still delivered without the stream"


async def test_metrics_name_every_figure(served: Served) -> None:
    status, body = await get(served.url("/metrics"))
    assert status == 200
    for name in (
        "genetec_bridge_camera_frames_received_total",
        "genetec_bridge_camera_frames_delivered_total",
        "genetec_bridge_camera_frames_analysed_total",
        "genetec_bridge_camera_frames_dropped_total",
        "genetec_bridge_camera_last_frame_age_seconds",
        "genetec_bridge_camera_reconnects_total",
        "genetec_bridge_camera_streaming",
        "genetec_bridge_inference_latency_seconds",
        "genetec_bridge_events_produced_total",
        "genetec_bridge_events_delivered_total",
        "genetec_bridge_events_pending",
        "genetec_bridge_events_oldest_pending_age_seconds",
        "genetec_bridge_daemon_restarts_total",
        "genetec_bridge_daemon_connected",
        "genetec_bridge_websdk_reachable",
    ):
        assert f"\n{name}" in body, name
    assert (
        'genetec_bridge_camera_frames_analysed_total{camera="00000001-0000-babe-0000-00408ca1eb95",name="Parvis"} 498.0'
        in body
    )
    assert "genetec_bridge_events_pending 2.0" in body


async def test_metrics_count_line_crossings_by_camera_line_class_and_direction(served: Served) -> None:
    _, body = await get(served.url("/metrics"))

    assert "# TYPE genetec_bridge_line_crossings_total counter" in body
    assert (
        'genetec_bridge_line_crossings_total{camera="00000001-0000-babe-0000-00408ca1eb95",'
        'class="car",direction="B->A",line="Northbound count"} 42.0' in body
    )


async def test_status_is_the_bridge_status(served: Served) -> None:
    status, body = await get(served.url("/status"))
    assert status == 200
    assert BridgeStatus.model_validate_json(body) == served.status


async def test_no_endpoint_shows_a_secret(served: Served) -> None:
    served.status = degraded()
    served.status.loops = [
        LoopStatus(name="websdk", restarts=1, restarting=True, last_error=f"https://op:{SECRET}@sc/ down")
    ]
    bodies = [(await get(served.url(path)))[1] for path in ("/healthz", "/readyz", "/metrics", "/status")]
    assert all(SECRET not in body for body in bodies)
    assert "operator:***@gateway" in bodies[3] and "op:***@sc" in bodies[3]


async def test_binds_to_loopback_by_default() -> None:
    server = HealthServer(healthy, port=0)
    await server.start()
    try:
        status, _ = await get(f"http://127.0.0.1:{server.port}/healthz")
        assert status == 200
        assert server.host == "127.0.0.1"
    finally:
        await server.stop()


async def test_status_and_metrics_need_the_token_when_one_is_set() -> None:
    served = Served(token="health-token-1")
    await served.server.start()
    try:
        for path in ("/status", "/metrics"):
            assert (await get(served.url(path)))[0] == 401, path
            wrong = {"Authorization": "Bearer health-token-2"}
            assert (await get(served.url(path), wrong))[0] == 401, path
            right = {"Authorization": "Bearer health-token-1"}
            assert (await get(served.url(path), right))[0] == 200, path
        # Probes stay open: they carry no detail of the site.
        assert (await get(served.url("/healthz")))[0] == 200
        assert (await get(served.url("/readyz")))[0] == 200
    finally:
        await served.server.stop()
