"""Scoring the signal state read from pixels against the phases a person wrote down for a clip.

Phases files are CSV `first_frame,last_frame,state` (1-based frames of the source, as events use
them; state red, green or unknown). Frames close to a change of phase (and to the start of the
clip, where the reader has no history yet) are left out: the reader holds a new colour for
`hold_s` before reporting it, and a person's boundary is itself uncertain by a frame.
"""

import csv
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analytics.frame_tracks import SignalState


@dataclass(frozen=True, slots=True)
class Phase:
    first_frame: int
    last_frame: int
    state: SignalState


def read_phases(path: Path) -> list[Phase]:
    """The phases of a CSV file, in order, or a ValueError naming the row that is wrong."""
    phases: list[Phase] = []
    with Path(path).open(newline="") as file:
        for row_number, row in enumerate(csv.DictReader(file), 2):
            try:
                phase = Phase(int(row["first_frame"]), int(row["last_frame"]), SignalState(row["state"]))
            except (KeyError, ValueError) as error:
                raise ValueError(
                    f"{path} line {row_number}: expected first_frame,last_frame,state ({error})"
                ) from None
            if phase.last_frame < phase.first_frame or (
                phases and phase.first_frame <= phases[-1].last_frame
            ):
                raise ValueError(f"{path} line {row_number}: phases must be in order and not overlap")
            phases.append(phase)
    return phases


@dataclass(frozen=True, slots=True)
class SignalAgreement:
    compared: int
    agreed: int
    left_out: int
    confusion: Counter[tuple[SignalState, SignalState]] = field(default_factory=Counter)
    """(state of the phase, state read) → frames compared."""

    @property
    def share(self) -> float:
        return self.agreed / max(self.compared, 1)

    def summary(self) -> str:
        lines = [
            f"agreement {self.agreed}/{self.compared} frames = {100 * self.share:.1f} % "
            f"({self.left_out} frames near a phase change left out)"
        ]
        for (expected, read), count in sorted(self.confusion.items()):
            lines.append(f"  phase {expected:<7} read {read:<7} {count:>5} frames")
        return "\n".join(lines)


def score_signal(
    states: Sequence[SignalState], phases: Sequence[Phase], fps: float, transition_s: float
) -> SignalAgreement:
    """`states[i]` is the state read at frame i + 1; frames outside every phase are not scored."""
    margin = math.ceil(transition_s * fps)
    changes = [phase.first_frame for phase in phases]
    confusion: Counter[tuple[SignalState, SignalState]] = Counter()
    left_out = 0
    for frame, read in enumerate(states, 1):
        phase = next((p for p in phases if p.first_frame <= frame <= p.last_frame), None)
        if phase is None:
            continue
        if frame - 1 < margin or any(abs(frame - change) < margin for change in changes):
            left_out += 1
            continue
        confusion[phase.state, read] += 1
    agreed = sum(count for (expected, read), count in confusion.items() if expected == read)
    return SignalAgreement(sum(confusion.values()), agreed, left_out, confusion)
