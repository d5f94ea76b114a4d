"""The running bridge: readers → daemon link → outbox → Web SDK, with health, all in one process.

Each analytics event is committed to the outbox as it arrives from the daemon, before anything
else, so a daemon crash or restart loses none: its skill's mode comes from memory, and what is written
about it afterwards (the trust store's review record, audit lines) goes through that store's own writer
(store_writer.py), queued and retried while the store fails, reported by name in /status and counted
in /metrics, so a full or slow trust store, statistics store or audit trail never loses or delays an
alert. The outbox, trust store, statistics store and audit trail are each written on a thread of
their own (workers.py), not in the loop's shared pool. Traffic counts, the time each camera was
analysed, the alerts raised and the availability of the daemon and the Security Center link are
gathered in memory and committed to the statistics store every few seconds (genetec_bridge.counting);
a batch that cannot be committed waits in memory for the next try. Nothing outside the config is
fatal once running: an unreachable Web SDK, a dead daemon or a lost camera is reported in the status
and retried, and every long-lived loop runs under `Loops`, which logs, counts and restarts one that
fails unexpectedly. When a skill routes to an alarm, the bridge also listens to Security Center's alarm
notifications and records operators' acknowledgements of the alarms it triggered. Delivered alerts and
the custom events the bridge creates are recorded in the audit trail, and a retention task purges the
stores past their retention.

Trust loop (genetec_bridge.trust): every alert is kept in the trust store for review, and goes to
operators only if its skill is live there; a shadow skill's events bring at most a bookmark. The modes
are read again every `TRUST_MODES_REFRESH_S`, so a promotion made with `genetec-bridge trust` while the
bridge runs applies within that time (at once when made in the box).

Configuration box (genetec_bridge.box, `[box] enabled`): served from this process; `apply` takes a saved
file's cameras and schedules without a restart, touching only the cameras that changed.

Health (genetec_bridge.health): the status is gathered every second in the background, the stores and
the trust figures in a thread of its own; /readyz, /status, /metrics and the box read the last one.
"""

import asyncio
import functools
import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from analytics.link.link_messages import FrameResult
from analytics.skills.base import AlertRouting
from genetec_bridge.alarm_acknowledgements import AlarmAcknowledgements
from genetec_bridge.audit.trail import CUSTOM_EVENTS_CREATED, AuditTrail
from genetec_bridge.box.server import BoxServer
from genetec_bridge.config.changes import changed_cameras
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.live_counts import LiveCounts
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.delivery.test_event import TestEvents
from genetec_bridge.health.loop_lag import LoopLag
from genetec_bridge.health.server import HealthServer
from genetec_bridge.health.snapshots import StatusKeeper
from genetec_bridge.health.status import AlarmResponses, BridgeStatus, DeliveryStatus, SkillTrust
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings, camera_reader, site_readers
from genetec_bridge.link.analysed_pictures import AnalysedPicture, AnalysedPictures
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor
from genetec_bridge.link.track_history import KEEP_S, Frames, TrackHistory
from genetec_bridge.privacy.retention import purge_periodically
from genetec_bridge.store_health import StoreHealth
from genetec_bridge.store_writer import STORAGE_ERRORS, LaterAudit, StoreWriter
from genetec_bridge.supervision import Loops
from genetec_bridge.trust.service import TrustService
from genetec_bridge.trust.store import TrustStore
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.keeper import WebSdkKeeper
from genetec_bridge.workers import WorkerPool

log = logging.getLogger(__name__)

# How often the statistics are committed, and availability sampled: a crash loses at most this much.
STATISTICS_COMMIT_S = 10.0
# How often the skills' modes are read from the trust store, for changes made by another process.
TRUST_MODES_REFRESH_S = 2.0
# The components whose availability the monthly report shows, besides the cameras' analysed time.
BRIDGE, DAEMON, SECURITY_CENTER = "bridge", "daemon", "security_center"
# Camera keys a running reader cannot take over: a change of one restarts that camera's reader.
READER_KEYS = ("fps", "stream", "media_gateway")


def alert_routing(site: SiteConfig) -> dict[tuple[str, str], AlertRouting]:
    """(camera id, skill label) → how that skill's events are raised; skills without `alert` stay local,
    and so do the events of a skill switched off (a daemon that still sent them is not obeyed)."""
    return {
        (camera.id, skill.label): skill.alert
        for camera in site.cameras
        for skill in camera.running_skills()
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
        self._loops = Loops()
        # Every store reports its failures and damage here, by name, for /status and /metrics.
        self.store_health = StoreHealth()
        self._loop_lag = LoopLag()
        self._websdk = WebSdkClient.from_config(site.genetec)
        self._keeper = WebSdkKeeper(
            self._websdk, custom_event_definitions(site), on_created=self._custom_events_created
        )
        self._outbox = Outbox(site.delivery.outbox_path, health=self.store_health)
        self._counts = LiveCounts(site)
        self._audit = AuditTrail(site.audit.path)
        self._statistics = StatisticsStore(site.counting.store_path, health=self.store_health)
        self._statistics_pool = WorkerPool("statistics")
        self._trust_writer = StoreWriter("trust", self.store_health)
        self._audit_writer = StoreWriter("audit", self.store_health)
        self._later_audit = LaterAudit(self._audit, self._audit_writer)
        self._delivery = DeliveryService(
            self._websdk,
            self._outbox,
            max_events_per_minute_per_camera=site.delivery.max_events_per_minute_per_camera,
            retry_initial_s=site.delivery.retry_initial_s,
            retry_max_s=site.delivery.retry_max_s,
            keep_delivered_h=site.delivery.keep_delivered_h,
            keep_rejected_h=site.delivery.keep_rejected_h,
            audit=self._later_audit,
            store_health=self.store_health,
        )
        self._test_events = TestEvents(self._delivery, self._websdk, site.box.test_custom_event_id)
        self._trust = TrustService(
            site,
            store=TrustStore(site.trust.store_path, health=self.store_health),
            audit=self._audit,
            later_audit=self._later_audit,
        )
        self._load_trust_modes()
        self._trust_writer.submit(self._trust.initialise_modes)
        self._acknowledgements = (
            AlarmAcknowledgements(
                self._websdk,
                self._outbox,
                self._trust,
                outbox_pool=self._delivery.outbox_pool,
                trust_pool=self._trust_writer.pool,
            )
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
            inference=daemon.inference_choice(),
        )
        self._supervisor = DaemonSupervisor(self._link, launch)
        self._readers_settings = ReaderSettings(transport=site.media_gateway.transport)
        self._pictures = AnalysedPictures()
        self._readers = site_readers(site, self._take_frame, self._readers_settings, self._loops)
        token = site.health.token.get_secret_value() if site.health.token else None
        # The status is gathered every second in a thread of its own: health requests only read it.
        self._health_pool = WorkerPool("health-status", 1)
        self._status = StatusKeeper(self._gather_status)
        self._health = HealthServer(self.snapshot, site.health.listen, site.health.port, token)
        self._history = TrackHistory(keep_s=min(KEEP_S, site.retention.track_history_h * 3600.0))
        self._applying = asyncio.Lock()
        self.box = (
            BoxServer(site.box, site.audit.path, config_path, self, self._websdk)
            if site.box.enabled and config_path is not None
            else None
        )

    @property
    def trust(self) -> TrustService:
        """The trust loop, for the box's review page."""
        return self._trust

    @property
    def test_events(self) -> TestEvents:
        """The box's test events, through this bridge's outbox and delivery."""
        return self._test_events

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
        self._counts.reconfigure(self._site)
        # Before the daemon takes the new skills: their first events find their mode (the config's until
        # the trust store has one; a known skill keeps its cached mode).
        self._trust.take_skills(self._site)
        self._trust_writer.submit(self._trust.initialise_modes)
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
                new_reader = camera_reader(
                    self._site, camera, self._take_frame, self._readers_settings, self._loops
                )
                self._readers.append(new_reader)
                new_reader.start()
        await asyncio.gather(*(asyncio.to_thread(reader.stop) for reader in stopped))
        for reader in stopped:
            if reader.camera.id not in cameras:
                self._loops.forget(reader.loop_name)
        for camera_id in changed:
            if camera_id not in cameras:
                self._history.forget(camera_id)
                self._pictures.forget(camera_id)
        self._keeper.want(custom_event_definitions(self._site))
        log.info("configuration applied: %d camera(s) changed %s", len(changed), changed)
        return changed

    def snapshot(self) -> BridgeStatus:
        """The last status gathered (about a second old at most; `taken_at` says when): what /readyz,
        /status, /metrics and the box show, read in constant time."""
        return self._status.latest

    async def refresh_snapshot(self) -> BridgeStatus:
        """Gather the status now rather than at the health loop's next turn (a bridge not yet running)."""
        return await self._status.refresh()

    async def _gather_status(self) -> BridgeStatus:
        # The in-memory parts are read on the loop, where they change; the stores and the trust
        # figures in the health thread, so that no request and no refresh stalls the loop.
        status = self._live_status()
        delivery, alarms, skills = await self._health_pool.run(self._stored_status)
        return status.model_copy(update={"delivery": delivery, "alarms": alarms, "skills": skills})

    def _live_status(self) -> BridgeStatus:
        cameras = []
        for reader in self._readers:
            status = reader.status()
            link = self._link.counters[reader.camera.id]
            cameras.append(
                status.model_copy(
                    update={
                        "frames_analysed": link.analysed,
                        "frames_detected": link.detected,
                        "frames_dropped": status.frames_dropped + link.dropped,
                        "last_result_age_s": link.last_result_age_s(),
                    }
                )
            )
        websdk = self._keeper.status
        if self._acknowledgements is not None:
            websdk = websdk.model_copy(
                update={
                    "event_stream_connected": self._acknowledgements.connected,
                    "event_stream_error": self._acknowledgements.last_error,
                }
            )
        return BridgeStatus(
            websdk=websdk,
            daemon=self._supervisor.status(),
            cameras=cameras,
            line_crossings=self._counts.crossings(),
            loops=self._loops.status(),
            stores=self.store_health.problems(),
            event_loop=self._loop_lag.status(),
        )

    def _stored_status(self) -> tuple[DeliveryStatus, list[AlarmResponses], list[SkillTrust]]:
        alarms = self._outbox.alarm_responses() if self._acknowledgements is not None else []
        return self._delivery.status(), alarms, self._trust.status()

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then stop everything: readers, daemon, delivery, servers."""
        await self._health.start()
        if self.box is not None:
            await self.box.start()
        loops = {
            "daemon": self._supervisor.run,
            "delivery": self._delivery.run,
            "websdk": self._keeper.run,
            "retention": lambda: purge_periodically(
                self._site, self._audit, self._statistics, self._trust.store
            ),
            "statistics": self._keep_statistics,
            "event loop watch": self._loop_lag.run,
            "trust writer": self._trust_writer.run,
            "audit writer": self._audit_writer.run,
            "trust modes": self._refresh_trust_modes,
            "health status": self._status.run,
        }
        if self._acknowledgements is not None:
            loops["alarm event stream"] = self._acknowledgements.run
        tasks = [
            asyncio.create_task(self._loops.run_async(name, body), name=name) for name, body in loops.items()
        ]
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
                task.result()  # supervised loops never end: this surfaces a bug in supervision itself
            stopping.cancel()
        finally:
            log.info("bridge stopping")
            await asyncio.gather(*(asyncio.to_thread(reader.stop) for reader in self._readers))
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._link.close()
            await self._health.stop()
            self._health_pool.close()
            if self.box is not None:
                await self.box.stop()
            await self._websdk.aclose()
            await self._commit_statistics()
            await self._trust_writer.flush()
            await self._audit_writer.flush()
            for pool in (
                self._statistics_pool,
                self._delivery.outbox_pool,
                self._trust_writer.pool,
                self._audit_writer.pool,
            ):
                pool.close()
            self._statistics.close()
            self._outbox.close()
            self._trust.close()
            log.info("bridge stopped")

    def history(self, camera_id: str, within: timedelta | None = None) -> Frames:
        """The camera's tracks of the last `within` (all of its history if None), oldest first, for the
        box's live view, replay and frame rate; see link.track_history for what a camera keeps."""
        return self._history.frames(camera_id, within)

    def analysed_picture(self, camera_id: str) -> AnalysedPicture | None:
        """The picture of the camera's newest analysed frame, for the box's live view (which watches
        the camera by asking: see link.analysed_pictures)."""
        return self._pictures.watch(camera_id)

    def _take_frame(self, captured: CapturedFrame) -> None:
        # A reader's thread: the live view's picture is held before the daemon can answer the frame.
        self._pictures.offer(captured)
        self._link.submit(captured)

    async def _on_result(self, result: FrameResult) -> None:
        self._history.add(result)
        self._pictures.analysed(result.camera, result.frame, result.captured_at)
        routed = [
            (event, self._trust.routing(event, routing))
            for event in result.events
            if (routing := self._routing.get((event.camera, event.skill))) is not None
        ]
        if routed:
            # Durable first: a frame's events in one outbox commit (or held by delivery), in their skill's
            # mode (shadow: no alert). Kept for review after, on the trust store's writer.
            for (event, _routing), stored in zip(
                routed, await self._delivery.enqueue_many(routed), strict=True
            ):
                if stored and event.phase != "end":
                    at = event.timestamp.timestamp() if event.timestamp is not None else time.time()
                    self._counts.pending.add_alert(event.camera, event.skill, at)
            self._trust_writer.submit(functools.partial(self._trust.keep, routed))
        admitted = {event.id: routing for event, routing in routed}
        for event in result.events:
            routing = admitted.get(event.id)
            log.info(
                "event %s %s camera %s %s track %d at %.1f s%s%s",
                event.kind,
                event.phase,
                event.camera,
                event.zone or event.line,
                event.track_id,
                event.time_s,
                "" if routing else " (not routed to Security Center)",
                " (shadow: kept for review)" if routing and routing.mode == "shadow" else "",
            )
        self._counts.add(result)
        self._supervisor.note_inference(result.inference_s)

    async def _keep_statistics(self) -> None:
        """Sample availability and commit the statistics every few seconds (the retention task prunes)."""
        sampled_at = time.time()
        while True:
            await asyncio.sleep(STATISTICS_COMMIT_S)
            now = time.time()
            pending = self._counts.pending
            pending.add_availability(BRIDGE, sampled_at, now, up=True)
            pending.add_availability(DAEMON, sampled_at, now, up=self._supervisor.status().connected)
            pending.add_availability(SECURITY_CENTER, sampled_at, now, up=self._keeper.status.reachable)
            sampled_at = now
            await self._commit_statistics()

    async def _commit_statistics(self) -> None:
        # Taken on the event loop, where results are tallied, so no crossing lands in a committed batch.
        batch = self._counts.take()
        try:
            await self._statistics_pool.run(self._statistics.commit, batch)
        except STORAGE_ERRORS as error:
            # Not fatal: a full or read-only disk must not stop the alerts. The batch waits for the next try.
            log.error("statistics not committed, kept for the next try: %s", error)
            self.store_health.failed("statistics", error)
            self._counts.pending.merge(batch)
        else:
            self.store_health.ok("statistics")

    def _load_trust_modes(self) -> None:
        try:
            self._trust.refresh_modes()
        except STORAGE_ERRORS as error:
            # The modes known stay (the config's at start): alerts go on meanwhile.
            self.store_health.failed("trust", error)

    async def _refresh_trust_modes(self) -> None:
        while True:
            await asyncio.sleep(TRUST_MODES_REFRESH_S)
            await self._trust_writer.pool.run(self._load_trust_modes)

    async def _custom_events_created(self, ids: list[int]) -> None:
        # What the product created in Security Center, removed again at the end of contract.
        self._later_audit.append("bridge", CUSTOM_EVENTS_CREATED, "Security Center", {"ids": ids})
