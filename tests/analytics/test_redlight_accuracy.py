"""End-to-end red light on a real junction (Hanoi, Giang Vo – Lang Ha): the signal read from its
pixels against the phases in the footage's README, and the skill's alerts against the hand-made
reference of red-light runs in fixtures/redlight-hanoi/ (its README gives the protocol).

The alerts come from the one session-wide `analytics run` of `tests.support.redlight_run`, scored
by the same code as `analytics eval`."""

import csv
from pathlib import Path

from analytics.evaluation.event_matching import by_kind, match_events, read_events, read_reference
from analytics.evaluation.signal_agreement import read_phases, score_signal
from analytics.frame_tracks import SignalState
from tests.support.redlight_run import (  # noqa: F401  (redlight_run: the fixture)
    PHASES,
    REFERENCE,
    VIDEO,
    RedLightRun,
    redlight_run,
)
from tests.support.single_command import run_command

FPS = 6.01658  # the file's header, which its README confirms (the clock advances in real time)


def test_signal_read_from_pixels_agrees_with_the_phases(shared_asset, tmp_path: Path, capsys) -> None:
    """Frames within the reader's hold (0.3 s: one frame either side at 6 fps) of a phase change are
    left out, as the command does by default; every phase keeps frames that are scored."""
    states_csv = tmp_path / "states.csv"
    argv = ["signal", str(shared_asset(VIDEO)), "--config", str(REFERENCE.parent / "giang-vo-lang-ha.toml")]
    argv += ["--phases", str(PHASES), "--out", str(states_csv)]
    assert run_command("analytics.commands.signal", argv) == 0
    with states_csv.open(newline="") as file:
        states = [SignalState(row["state"]) for row in csv.DictReader(file)]
    assert len(states) == 384
    agreement = score_signal(states, read_phases(PHASES), FPS, transition_s=0.3)
    assert agreement.share >= 0.99, agreement.summary()
    assert {expected for expected, _ in agreement.confusion} == set(SignalState), agreement.summary()
    assert f"agreement {agreement.agreed}/{agreement.compared} frames" in capsys.readouterr().out
    # Amber never shows on this camera: those frames are unknown, never green.
    assert agreement.confusion[SignalState.UNKNOWN, SignalState.GREEN] == 0


def test_red_light_runs_meet_the_precision_and_recall_targets(redlight_run: RedLightRun, capsys) -> None:  # noqa: F811
    scores = by_kind(match_events(read_events(redlight_run.events_jsonl), read_reference(REFERENCE)))
    result = next(s for s in scores if s.kind == "red_light")
    assert result.true_positives + result.misses == 4  # the reference's four runs
    assert result.precision >= 0.90 and result.recall >= 0.90, result
    assert (
        run_command(
            "analytics.commands.evaluate", ["eval", str(redlight_run.out), "--reference", str(REFERENCE)]
        )
        == 0
    )
    assert f"{result.precision:>9.3f} {result.recall:>6.3f}" in capsys.readouterr().out


def test_the_waiting_queue_raises_no_alert(redlight_run: RedLightRun) -> None:  # noqa: F811
    """From the last run on (17 s) to the end of the clip (64 s) some fifty motorbikes and a van
    wait at the line on red, many with a wheel past it: every alert is one of the runs, none later."""
    reference_times = [o.time_s for o in read_reference(REFERENCE)]
    alerts = [e for e in redlight_run.events() if e["kind"] == "red_light"]
    assert alerts, "no red-light alert at all"
    for alert in alerts:
        assert alert["evidence"]["signal_state"] == "red"
        assert min(abs(alert["time_s"] - t) for t in reference_times) <= 2.0, alert
    assert max(e["time_s"] for e in alerts) <= max(reference_times) + 2.0
