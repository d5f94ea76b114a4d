from pathlib import Path

import pytest

from analytics.evaluation.signal_agreement import Phase, read_phases, score_signal
from analytics.frame_tracks import SignalState

G, U, R = SignalState.GREEN, SignalState.UNKNOWN, SignalState.RED
PHASES = [Phase(1, 10, G), Phase(11, 14, U), Phase(15, 30, R)]


def test_frames_near_a_change_and_at_the_start_are_left_out() -> None:
    # The reader lags its hold: unknown for 2 frames at the start, green 2 frames into the dark
    # phase, unknown 2 frames into the red; one real mistake (green on red) at frame 25.
    states = [U, U] + [G] * 8 + [G, G, U, U] + [U, U] + [R] * 8 + [G] + [R] * 5
    assert len(states) == 30
    agreement = score_signal(states, PHASES, fps=10, transition_s=0.2)  # frames within 1 of a change
    assert agreement.left_out == 2 + 3 + 3  # frames 1-2, 10-12, 14-16
    assert agreement.confusion == {(G, G): 7, (U, U): 1, (R, R): 13, (R, G): 1}
    assert (agreement.agreed, agreement.compared) == (21, 22)
    assert "agreement 21/22 frames = 95.5 %" in agreement.summary()
    everything = score_signal(states, PHASES, fps=10, transition_s=0.0)
    assert everything.left_out == 0 and everything.compared == 30


def test_frames_outside_every_phase_are_not_scored() -> None:
    agreement = score_signal([R] * 40, [Phase(15, 30, R)], fps=10, transition_s=0.0)
    assert (agreement.agreed, agreement.compared) == (16, 16)


def test_phases_file_is_read_and_its_mistakes_named(tmp_path: Path) -> None:
    good = tmp_path / "phases.csv"
    good.write_text("first_frame,last_frame,state\n1,7,green\n8,25,unknown\n26,384,red\n")
    assert read_phases(good) == [Phase(1, 7, G), Phase(8, 25, U), Phase(26, 384, R)]
    amber = tmp_path / "amber.csv"
    amber.write_text("first_frame,last_frame,state\n1,7,amber\n")
    with pytest.raises(ValueError, match="line 2"):
        read_phases(amber)
    overlapping = tmp_path / "overlap.csv"
    overlapping.write_text("first_frame,last_frame,state\n1,7,green\n7,9,red\n")
    with pytest.raises(ValueError, match="line 3: phases must be in order"):
        read_phases(overlapping)
