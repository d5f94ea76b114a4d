"""Live traffic counts: crossings tallied per interval, class and direction, exported once closed."""

from datetime import UTC, datetime

import pytest
from genetec_bridge.counting.csv_files import DailyCountsFiles

from analytics.events import AnalyticsEvent, Evidence
from analytics.link.link_messages import FrameResult
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.live_counts import LiveCounts
from genetec_bridge.health.status import LineCrossings
from tests.support.site_config_files import EXAMPLE, PASSWORD_ENV

CAMERA = "00000002-0000-babe-0000-00408ca1eb96"  # counts on line "Northbound count", every 900 s
LINE = "Northbound count"
HEADER = "interval_start,interval_end,camera,line,class,direction,count"


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> SiteConfig:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    return load_site_config(EXAMPLE)


def at(clock: str, day: int = 1) -> datetime:
    return datetime.fromisoformat(f"2024-03-0{day}T{clock}+00:00")


def crossing(when: datetime, class_name: str = "car", direction: str = "A->B") -> AnalyticsEvent:
    return AnalyticsEvent(
        id=f"cross-{when.isoformat()}-{class_name}",
        kind="line_cross",
        skill=f"counting:{LINE}",
        phase="instant",
        camera=CAMERA,
        line=LINE,
        class_name=class_name,
        track_id=1,
        frame=1,
        time_s=0.0,
        timestamp=when,
        evidence=Evidence(direction=direction),
    )


def result(captured_at: datetime, *events: AnalyticsEvent, camera: str = CAMERA) -> FrameResult:
    return FrameResult(
        camera=camera, frame=1, time_s=0.0, captured_at=captured_at, events=list(events), inference_s=0.01
    )


def rows(counts: LiveCounts, frame: FrameResult) -> list[tuple[str, str, str, str, str, int]]:
    return [
        (
            datetime.fromtimestamp(row.start, UTC).time().isoformat(),
            datetime.fromtimestamp(row.end, UTC).time().isoformat(),
            *row.key,
            row.count,
        )
        for row in counts.add(frame)
    ]


def test_an_interval_is_handed_over_per_class_and_direction_a_minute_after_it_ends(site) -> None:
    counts = LiveCounts(site)
    counts.add(result(at("08:00:00")))
    counts.add(
        result(
            at("08:15:00"),
            crossing(at("08:03:00")),
            crossing(at("08:14:59.900")),
            crossing(at("08:10:00"), "truck", "B->A"),
            crossing(at("08:15:00")),  # the next interval starts on the boundary
        )
    )

    assert rows(counts, result(at("08:15:59"))) == []
    assert rows(counts, result(at("08:16:00"))) == [
        ("08:00:00", "08:15:00", CAMERA, LINE, "car", "A->B", 2),
        ("08:00:00", "08:15:00", CAMERA, LINE, "truck", "B->A", 1),
    ]
    assert rows(counts, result(at("08:31:00"))) == [("08:15:00", "08:30:00", CAMERA, LINE, "car", "A->B", 1)]


def test_a_crossing_reported_late_counts_in_the_interval_of_its_own_time(site) -> None:
    counts = LiveCounts(site)
    counts.add(result(at("08:00:00")))
    counts.add(result(at("08:15:40"), crossing(at("08:14:50"))))

    assert rows(counts, result(at("08:16:00"))) == [("08:00:00", "08:15:00", CAMERA, LINE, "car", "A->B", 1)]


def test_a_crossing_reported_after_its_interval_was_handed_over_is_left_out_of_the_counts(site) -> None:
    counts = LiveCounts(site)
    counts.add(result(at("08:00:00")))
    counts.add(result(at("08:16:00")))

    assert rows(counts, result(at("08:31:00"), crossing(at("08:14:00")))) == []
    assert counts.crossings() == [
        LineCrossings(camera_id=CAMERA, line=LINE, class_name="car", direction="A->B", count=1)
    ]


def test_the_interval_in_progress_when_the_bridge_starts_is_not_handed_over(site) -> None:
    counts = LiveCounts(site)
    counts.add(result(at("08:05:00"), crossing(at("08:05:00"))))

    assert rows(counts, result(at("08:16:00"))) == []
    assert len(counts.crossings()) == 1


def test_only_the_counting_skills_crossings_on_their_own_camera_are_counted(site) -> None:
    counts = LiveCounts(site)
    other_skill = crossing(at("08:01:00")).model_copy(update={"skill": "red_light:Stop line"})
    counts.add(result(at("08:00:00")))
    counts.add(result(at("08:02:00"), other_skill, crossing(at("08:02:00"))))

    other_camera = "00000001-0000-babe-0000-00408ca1eb95"
    assert rows(counts, result(at("08:20:00"), camera=other_camera)) == [], "closed on its own camera's clock"
    assert rows(counts, result(at("08:20:00"))) == [("08:00:00", "08:15:00", CAMERA, LINE, "car", "A->B", 1)]
    assert [c.count for c in counts.crossings()] == [1]


def test_rows_are_appended_to_the_file_of_their_utc_day_under_one_header(site, tmp_path) -> None:
    counts, files = LiveCounts(site), DailyCountsFiles(tmp_path / "counts")
    counts.add(result(at("23:30:00")))
    counts.add(result(at("23:40:00"), crossing(at("23:31:00")), crossing(at("23:50:00"), "bus")))
    files.append(counts.add(result(at("23:46:00"))))
    files.append(counts.add(result(at("00:01:00", day=2), crossing(at("00:00:30", day=2)))))
    files.append(counts.add(result(at("00:16:00", day=2))))

    assert (tmp_path / "counts/counts-2024-03-01.csv").read_text().splitlines() == [
        HEADER,
        f"2024-03-01T23:30:00+00:00,2024-03-01T23:45:00+00:00,{CAMERA},{LINE},car,A->B,1",
        f"2024-03-01T23:45:00+00:00,2024-03-02T00:00:00+00:00,{CAMERA},{LINE},bus,A->B,1",
    ]
    assert (tmp_path / "counts/counts-2024-03-02.csv").read_text().splitlines() == [
        HEADER,
        f"2024-03-02T00:00:00+00:00,2024-03-02T00:15:00+00:00,{CAMERA},{LINE},car,A->B,1",
    ]


def test_a_restart_keeps_the_exported_rows_and_loses_only_the_intervals_it_interrupted(
    site, tmp_path
) -> None:
    files = DailyCountsFiles(tmp_path)
    before = LiveCounts(site)
    before.add(result(at("08:00:00")))
    files.append(before.add(result(at("08:05:00"), crossing(at("08:05:00")))))
    files.append(before.add(result(at("08:20:00"), crossing(at("08:20:00")))))
    # Stopped at 08:20, restarted at 08:22: a new process, the same directory.
    after, files = LiveCounts(site), DailyCountsFiles(tmp_path)
    for minute in range(22, 47):
        when = at(f"08:{minute}:00")
        files.append(after.add(result(when, crossing(when, "bus"))))

    assert (tmp_path / "counts-2024-03-01.csv").read_text().splitlines() == [
        HEADER,
        f"2024-03-01T08:00:00+00:00,2024-03-01T08:15:00+00:00,{CAMERA},{LINE},car,A->B,1",
        # 08:15-08:30 was watched only in part, by either process: not exported rather than undercounted.
        f"2024-03-01T08:30:00+00:00,2024-03-01T08:45:00+00:00,{CAMERA},{LINE},bus,A->B,15",
    ]
