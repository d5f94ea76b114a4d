"""Scoring the skills on generated scenarios: pooled precision and recall, spread, false-alert rate.

For each scenario the reference events come from the annotated trajectories (`reference_rules`),
the product's events from replaying the scenario's skills on one run's tracks (`SkillEngine`, as
the daemon runs them), and both are matched as `analytics eval` matches them (`event_matching`).

Per split and kind the report gives:
- pooled precision and recall: matches, false alerts and misses summed over the scenarios;
- the spread over the scenarios with at least `MIN_EVENTS` reference events (fewer make a
  scenario's own precision or recall too coarse to mean anything): lowest, median, and the share
  of those scenarios at or above `GOOD` for both;
- the false-alert rate (false alerts / alerts) with its 95 % Wilson interval. Scenarios share the
  same people, so their alerts are not independent and the interval is on the optimistic side.
"""

import csv
import io
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scipy.stats import binomtest

from analytics.evaluation.event_matching import EventScores, Occurrence, by_kind, match_events, occurrence_of
from analytics.evaluation.reference_rules import TOLERANCE, reference_events
from analytics.evaluation.scenarios import Scenario
from analytics.evaluation.track_frames import Trajectory
from analytics.frame_tracks import FrameTracks
from analytics.skills.engine import SkillEngine

KINDS = ("zone_enter", "loitering", "line_cross")
SKILL_OF_KIND = {"zone_enter": "intrusion", "loitering": "loitering", "line_cross": "line crossing"}
MIN_EVENTS = 5
GOOD = 0.85


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    seed: int
    split: str
    scores: dict[str, EventScores]  # per reference kind, summed over the scenario's zones or lines

    def reference_count(self, kind: str) -> int:
        s = self.scores[kind]
        return s.true_positives + s.misses


def product_events(scenario: Scenario, frames: Sequence[FrameTracks], fps: float) -> list[Occurrence]:
    """The scenario's skills replayed on the tracks, as occurrences of the reference kinds."""
    camera = scenario.camera(frames[0].camera_id if frames else "scenario", fps)
    engine = SkillEngine(camera, {})
    found = []
    for frame in frames:
        for event in engine.process(frame):
            occurrence = occurrence_of(event.model_dump(by_alias=True))
            if occurrence is not None:
                found.append(occurrence)
    return found


def evaluate_scenario(
    scenario: Scenario,
    frames: Sequence[FrameTracks],
    paths: Mapping[int, Trajectory],
    fps: float,
    tolerance_s: float = 2.0,
    edge_tolerance: float = TOLERANCE,
) -> ScenarioResult:
    reference = reference_events(
        paths,
        {z.name: z.polygon for z in scenario.zones},
        {line.name: line.segment for line in scenario.lines},
        fps,
        {z.name: z.dwell_s for z in scenario.zones},
        edge_tolerance,
    )
    ours = product_events(scenario, frames, fps)
    scores = {
        s.kind: s for s in by_kind(match_events(ours, reference.required, tolerance_s, reference.allowed))
    }
    empty = {kind: EventScores(kind, "all", 0, 0, 0) for kind in KINDS}
    return ScenarioResult(scenario.seed, scenario.split, {**empty, **scores})


@dataclass(frozen=True, slots=True)
class KindSummary:
    split: str
    kind: str
    scenarios: int
    true_positives: int
    false_positives: int
    misses: int
    rich_scenarios: int  # with at least MIN_EVENTS reference events
    lowest_precision: float | None
    lowest_recall: float | None
    median_precision: float | None
    median_recall: float | None
    share_good: float | None  # of the rich scenarios, at or above GOOD for both
    false_alert_low: float
    false_alert_high: float

    @property
    def pooled(self) -> EventScores:
        return EventScores(self.kind, "all", self.true_positives, self.false_positives, self.misses)


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion; (0, 1) when there are no trials."""
    if trials == 0:
        return (0.0, 1.0)
    interval = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(interval.low), float(interval.high))


def summarise(results: Sequence[ScenarioResult]) -> list[KindSummary]:
    summaries = []
    for split in sorted({r.split for r in results}, reverse=True):  # tuning first
        in_split = [r for r in results if r.split == split]
        for kind in KINDS:
            scores = [r.scores[kind] for r in in_split]
            tp = sum(s.true_positives for s in scores)
            fp = sum(s.false_positives for s in scores)
            fn = sum(s.misses for s in scores)
            rich = [r.scores[kind] for r in in_split if r.reference_count(kind) >= MIN_EVENTS]
            precisions = [s.precision for s in rich]
            recalls = [s.recall for s in rich]
            good = [s for s in rich if s.precision >= GOOD and s.recall >= GOOD]
            summaries.append(
                KindSummary(
                    split,
                    kind,
                    len(in_split),
                    tp,
                    fp,
                    fn,
                    len(rich),
                    min(precisions) if rich else None,
                    min(recalls) if rich else None,
                    statistics.median(precisions) if rich else None,
                    statistics.median(recalls) if rich else None,
                    len(good) / len(rich) if rich else None,
                    *wilson_interval(fp, tp + fp),
                )
            )
    return summaries


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown_table(summaries: Sequence[KindSummary]) -> str:
    lines = [
        "| split | skill (reference kind) | scenarios | TP | FP | FN | pooled P | pooled R "
        f"| scenarios ≥ {MIN_EVENTS} events | min P | min R | median P | median R "
        f"| share ≥ {GOOD:g} both | false-alert rate [95 % CI] |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        pooled = s.pooled
        lines.append(
            f"| {s.split} | {SKILL_OF_KIND[s.kind]} ({s.kind}) | {s.scenarios} | {s.true_positives} "
            f"| {s.false_positives} | {s.misses} | {pooled.precision:.3f} | {pooled.recall:.3f} "
            f"| {s.rich_scenarios} | {_figure(s.lowest_precision)} | {_figure(s.lowest_recall)} "
            f"| {_figure(s.median_precision)} | {_figure(s.median_recall)} | {_figure(s.share_good)} "
            f"| {pooled.false_positive_share:.3f} [{s.false_alert_low:.3f}, {s.false_alert_high:.3f}] |"
        )
    return "\n".join(lines) + "\n"


def scenarios_csv(results: Sequence[ScenarioResult]) -> str:
    """One row per scenario and kind: the figures behind the table and the chart."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("seed", "split", "kind", "tp", "fp", "fn", "precision", "recall"))
    for r in results:
        for kind in KINDS:
            s = r.scores[kind]
            writer.writerow(
                (
                    r.seed,
                    r.split,
                    kind,
                    s.true_positives,
                    s.false_positives,
                    s.misses,
                    f"{s.precision:.4f}",
                    f"{s.recall:.4f}",
                )
            )
    return out.getvalue()


def write_chart(results: Sequence[ScenarioResult], path: Path) -> None:
    """Per kind, each rich scenario's precision against its recall, tuning and report splits apart."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(KINDS), figsize=(5 * len(KINDS), 4.6), sharey=True)
    for axis, kind in zip(axes, KINDS, strict=True):
        for split, marker in (("tuning", "o"), ("report", "^")):
            rich = [
                r.scores[kind] for r in results if r.split == split and r.reference_count(kind) >= MIN_EVENTS
            ]
            axis.scatter(
                [s.recall for s in rich],
                [s.precision for s in rich],
                marker=marker,
                alpha=0.5,
                label=f"{split} ({len(rich)})",
            )
        axis.axhline(GOOD, color="grey", linewidth=0.8, linestyle="--")
        axis.axvline(GOOD, color="grey", linewidth=0.8, linestyle="--")
        axis.set_title(f"{SKILL_OF_KIND[kind]}: scenarios with ≥ {MIN_EVENTS} events")
        axis.set_xlabel("recall")
        axis.set_xlim(-0.02, 1.02)
        axis.set_ylim(-0.02, 1.02)
        axis.legend(loc="lower left")
    axes[0].set_ylabel("precision")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
