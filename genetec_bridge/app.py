"""The running bridge: readers → daemon link → outbox → Web SDK, with health, all in one process.

Each analytics event is committed to the outbox as it arrives from the daemon, before anything
else, so a daemon crash or restart loses none. Traffic counts are held in memory until their interval
closes, then appended to the day's CSV file (genetec_bridge.counting). Nothing outside the config is
fatal once running: an unreachable Web SDK, a dead daemon or a lost camera is reported in the status
and retried. When a skill routes to an alarm, the bridge also listens to Security Center's alarm
notifications and records operators' acknowledgements of the alarms it triggered.
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path

from analytics.frame_tracks import FrameTracks
from analytics.link.link_messages import FrameResult
from analytics.skills.base import AlertRouting
from genetec_bridge.alarm_acknowledgements import AlarmAcknowledgements
from genetec_bridge.backoff import Backoff
from genetec_bridge.box.server import BoxServer
from genetec_bridge.config.changes import changed_cameras
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.csv_files import DailyCountsFiles
from genetec_bridge.counting.live_counts import LiveCounts
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.health.server import HealthServer
from genetec_bridge.health.status import AlarmResponses, BridgeStatus, WebSdkStatus
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings, camera_reader, site_readers
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor
from genetec_bridge.link.track_history import TrackHistory
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

log = logging.getLogger(__name__)

WEBSDK_PING_S = 30.0
# Camera keys a running reader cannot take over: a change of one restarts that camera's reader.
READER_KEYS = ("fps", "stream", "media_gateway")


def alert_routing(site: SiteConfig) -> dict[tuple[str, str], AlertRouting]:
    """(camera id, skill label) → how that skill's events are raised; skills without `alert` stay local."""
    return {
        (camera.id, skill.label): skill.alert
        for camera in site.cameras
        for skill in camera.skills
        if skill.alert
    }


def custom_event_definitions(site: SiteConfig) -> dict[int, str]:
    return {
        skill.alert.custom_event_id: skill.alert.custom_event_name or skill.label
        for camera in site.cameras
        for skill in camera.skills
        if skill.alert
    }


class Bridge:
    def __init__(self, site: SiteConfig, config_path: Path | None = None) -> None:
        self._site = site
        self._routing: Mapping[tuple[str, str], AlertRouting] = alert_routing(site)
        self._websdk = WebSdkClient.from_config(site.genetec)
        self._websdk_status = WebSdkStatus()
        self._outbox = Outbox(site.delivery.outbox_path)
        self._counts = LiveCounts(site)
        self._counts_files = DailyCountsFiles(site.counting.export_dir)
        self._delivery = DeliveryService(
            self._websdk,
            self._outbox,
            max_events_per_minute_per_camera=site.delivery.max_events_per_minute_per_camera,
            retry_initial_s=site.delivery.retry_initial_s,
            retry_max_s=site.delivery.retry_max_s,
            keep_delivered_h=site.delivery.keep_delivered_h,
            keep_rejected_h=site.delivery.keep_rejected_h,
        )
        self._acknowledgements = (
            AlarmAcknowledgements(self._websdk, self._outbox)
            if any(routing.alarm for routing in self._routing.values())
            else None
        )
        self._link = DaemonClient(site, self._on_result)
        daemon = site.daemon
        launch = DaemonLaunch(
            socket_path=daemon.socket_path,
            managed=daemon.managed,
            model=daemon.model,
            device=daemon.device,
            batch_size=daemon.batch_size,
        )
        self._supervisor = DaemonSupervisor(self._link, launch)
        self._readers_settings = ReaderSettings(transport=site.media_gateway.transport)
        self._readers = site_readers(site, self._link.submit, self._readers_settings)
        self._health = HealthServer(self.snapshot, site.health.listen, site.health.port)
        self._custom_events_wanted = asyncio.Event()
        self._history = TrackHistory()
        self._applying = asyncio.Lock()
        self.box = (
            BoxServer(site.box, config_path, self, self._websdk)
            if site.box.enabled and config_path is not None
            else None
        )

    @property
    def site(self) -> SiteConfig:
        return self._site

    async def apply(self, site: SiteConfig) -> list[str]:
        """Take the cameras and schedules of `site` without a restart; returns the cameras changed.

        Only those are touched: their skills start afresh in the daemon and their reader is replaced
        only when where or how fast it reads changed. Other cameras keep their readers, tracks, open
        visits and cool-downs.
        """
        async with self._applying:  # two integrators applying at once: one after the other
            return await self._apply(site)

    async def _apply(self, site: SiteConfig) -> list[str]:
        changed = changed_cameras(self._site, site)
        readers = {reader.camera.id: reader for reader in self._readers}
        cameras = {camera.id: camera for camera in site.cameras}
        self._site = self._site.model_copy(update={"cameras": site.cameras, "schedules": site.schedules})
        self._routing = alert_routing(self._site)
        self._link.reconfigure(self._site, changed)
        stopped: list[CameraReader] = []
        for camera_id in changed:
            reader, camera = readers.get(camera_id), cameras.get(camera_id)
            if (
                reader is not None
                and camera is not None
                and all(getattr(reader.camera, key) == getattr(camera, key) for key in READER_KEYS)
            ):
                reader.camera = camera  # privacy masks and name are read at every frame
                continue
            if reader is not None:
                stopped.append(reader)
                self._readers.remove(reader)
            if camera is not None:
                new_reader = camera_reader(self._site, camera, self._link.submit, self._readers_settings)
                self._readers.append(new_reader)
                new_reader.start()
        for camera_id in changed:
            if camera_id not in cameras:
                self._history.forget(camera_id)
        await asyncio.gather(*(asyncio.to_thread(reader.stop) for reader in stopped))
        self._custom_events_wanted.set()
        log.info("configuration applied: %d camera(s) changed %s", len(changed), changed)
        return changed

    def snapshot(self) -> BridgeStatus:
        cameras = []
        for reader in self._readers:
            status = reader.status()
            link = self._link.counters[reader.camera.id]
            cameras.append(
                status.model_copy(
                    update={
                        "frames_analysed": link.analysed,
                        "frames_dropped": status.frames_dropped + link.dropped,
                    }
                )
            )
        websdk = self._websdk_status
        alarms: list[AlarmResponses] = []
        if self._acknowledgements is not None:
            websdk = websdk.model_copy(
                update={
                    "event_stream_connected": self._acknowledgements.connected,
                    "event_stream_error": self._acknowledgements.last_error,
                }
            )
            alarms = self._outbox.alarm_responses()
        return BridgeStatus(
            websdk=websdk,
            daemon=self._supervisor.status(),
            delivery=self._delivery.status(),
            cameras=cameras,
            line_crossings=self._counts.crossings(),
            alarms=alarms,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then stop everything: readers, daemon, delivery, servers."""
        await self._health.start()
        if self.box is not None:
            await self.box.start()
        tasks = [
            asyncio.create_task(self._supervisor.run(), name="daemon"),
            asyncio.create_task(self._delivery.run(), name="delivery"),
            asyncio.create_task(self._keep_websdk(), name="websdk"),
        ]
        if self._acknowledgements is not None:
            tasks.append(asyncio.create_task(self._acknowledgements.run(), name="alarm acknowledgements"))
        for reader in self._readers:
            reader.start()
        log.info(
            "bridge running: %d camera(s), health on %s:%d",
            len(self._readers),
            self._health.host,
            self._health.port,
        )
        try:
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in done - {stopping}:
                task.result()  # a component that ends on its own is a bug: surface it
            stopping.cancel()
        finally:
            log.info("bridge stopping")
            await asyncio.gather(*(asyncio.to_thread(reader.stop) for reader in self._readers))
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._link.close()
            await self._health.stop()
            if self.box is not None:
                await self.box.stop()
            await self._websdk.aclose()
            self._outbox.close()
            log.info("bridge stopped")

    def history(self, camera_id: str) -> list[FrameTracks]:
        """The camera's tracks over the last hour, oldest first (for the box's live view and replay)."""
        return self._history.frames(camera_id)

    async def _on_result(self, result: FrameResult) -> None:
        self._history.add(result)
        for event in result.events:
            routing = self._routing.get((event.camera, event.skill))
            if routing is not None:
                await self._delivery.enqueue(event, routing)
            log.info(
                "event %s %s camera %s %s track %d at %.1f s%s",
                event.kind,
                event.phase,
                event.camera,
                event.zone or event.line,
                event.track_id,
                event.time_s,
                "" if routing else " (not routed to Security Center)",
            )
        closed = self._counts.add(result)
        try:
            self._counts_files.append(closed)
        except OSError as error:
            # Not a daemon failure: the link must not be restarted for a full or read-only disk.
            log.error("%d traffic count row(s) not exported: %s", len(closed), error)
        self._supervisor.note_inference(result.inference_s)

    async def _keep_websdk(self) -> None:
        """Ping the Web SDK and create the custom events (again after an apply); failures are retried."""
        self._custom_events_wanted.set()
        backoff = Backoff(initial_s=1.0, max_s=60.0)
        while True:
            try:
                await self._websdk.ping()
                if self._custom_events_wanted.is_set():
                    wanted = custom_event_definitions(self._site)
                    if wanted:
                        created = await self._websdk.ensure_custom_events(wanted)
                        log.info("custom events ready (%d created)", len(created))
                    self._custom_events_wanted.clear()
            except WebSdkError as error:
                if self._websdk_status.reachable or self._websdk_status.last_error is None:
                    log.warning("Web SDK unreachable: %s", error)
                self._websdk_status = WebSdkStatus(reachable=False, last_error=str(error))
                await asyncio.sleep(backoff.next_delay())
                continue
            if not self._websdk_status.reachable:
                log.info("Web SDK reachable")
            self._websdk_status = WebSdkStatus(reachable=True)
            backoff.reset()
            # An apply wakes the loop at once: its new custom events exist before its first alert.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._custom_events_wanted.wait(), WEBSDK_PING_S)
