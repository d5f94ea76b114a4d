"""Figures of one skill on one camera, from its stored alerts: counts, false-alert rate with its 95 %
bounds, the promotion gate, the watch, and the weekly series; and their CSV export.

Pure: alerts' judgements (time, mode, verdict) in, figures out. A verdict of "cannot tell" counts as reviewed but not as judged: the
rate is false / (true + false). The statistics (`Judged`: beta quantiles, the gate's bisection) are the
costly part and depend only on the verdicts and the mode, so the trust service keeps them per skill
until a verdict or a mode change; the counts are cheap and always fresh.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

from analytics.evaluation.rates import RateInterval, false_alert_rate, judged_needed
from analytics.skills.base import Mode
from genetec_bridge.trust.store import Judgement
from genetec_bridge.trust.verdicts import Verdict


@dataclass(frozen=True, slots=True)
class Tally:
    alerts: int
    true: int
    false: int
    cannot_tell: int

    @property
    def unjudged(self) -> int:
        return self.alerts - self.true - self.false - self.cannot_tell

    @property
    def rate(self) -> RateInterval:
        return false_alert_rate(self.false, self.true + self.false)


def tally(alerts: Iterable[Judgement]) -> Tally:
    counts = {verdict: 0 for verdict in Verdict}
    total = 0
    for alert in alerts:
        total += 1
        if alert.verdict is not None:
            counts[alert.verdict] += 1
    return Tally(total, counts[Verdict.TRUE], counts[Verdict.FALSE], counts[Verdict.CANNOT_TELL])


@dataclass(frozen=True, slots=True)
class GateCheck:
    """The promotion gate: 'go live' is offered when the exact one-sided 95 % upper bound of the
    false-alert rate is below the target."""

    offered: bool
    target: float
    rate: RateInterval
    true_verdicts_needed: int | None
    """True verdicts still needed, with no further false one, to open the gate (None: never, or open)."""


def gate_check(rate: RateInterval, target: float) -> GateCheck:
    offered = rate.below(target)
    needed = None if offered else judged_needed(target, rate.false_alerts)
    return GateCheck(offered, target, rate, None if needed is None else needed - rate.judged)


@dataclass(frozen=True, slots=True)
class WatchCheck:
    """The watch on a live skill: degraded when its last verdicts put the exact one-sided 95 % lower
    bound of its rate above the target."""

    degraded: bool
    window: int
    rate: RateInterval


def watch_check(alerts: Sequence[Judgement], mode: Mode, target: float, window: int) -> WatchCheck:
    """`alerts` in time order; the last `window` true or false verdicts are judged."""
    judged = [a.verdict for a in alerts if a.verdict is not None and a.verdict != Verdict.CANNOT_TELL]
    recent = judged[-window:]
    rate = false_alert_rate(sum(v == Verdict.FALSE for v in recent), len(recent))
    return WatchCheck(mode == "live" and rate.above(target), window, rate)


@dataclass(frozen=True, slots=True)
class WeekFigures:
    week_start: date
    """Monday of the ISO week (UTC) in which the alerts occurred."""
    tally: Tally
    live_alerts: int


def weekly(alerts: Iterable[Judgement]) -> list[WeekFigures]:
    """One row per week that had alerts, oldest first."""
    weeks: dict[date, list[Judgement]] = {}
    for alert in alerts:
        day = alert.occurred_at.date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(alert)
    return [
        WeekFigures(start, tally(week), sum(a.mode == "live" for a in week))
        for start, week in sorted(weeks.items())
    ]


@dataclass(frozen=True, slots=True)
class Judged:
    """What a skill's verdicts say: the gate (its rate is the skill's overall rate) and the watch."""

    gate: GateCheck
    watch: WatchCheck


def judged(alerts: Sequence[Judgement], mode: Mode, target: float, watch_window: int) -> Judged:
    """`alerts` in time order."""
    return Judged(gate_check(tally(alerts).rate, target), watch_check(alerts, mode, target, watch_window))


@dataclass(frozen=True, slots=True)
class SkillFigures:
    camera_id: str
    camera_name: str
    skill: str
    mode: Mode
    tally: Tally
    live_alerts: int
    gate: GateCheck
    watch: WatchCheck
    weeks: list[WeekFigures]


def skill_figures(
    camera_id: str,
    camera_name: str,
    skill: str,
    mode: Mode,
    alerts: Sequence[Judgement],
    verdicts: Judged,
) -> SkillFigures:
    """`verdicts`: `judged(alerts, mode, ...)`, computed now or kept from when the verdicts were the same."""
    return SkillFigures(
        camera_id=camera_id,
        camera_name=camera_name,
        skill=skill,
        mode=mode,
        tally=tally(alerts),
        live_alerts=sum(a.mode == "live" for a in alerts),
        gate=verdicts.gate,
        watch=verdicts.watch,
        weeks=weekly(alerts),
    )


CSV_COLUMNS = (
    "camera_id",
    "camera_name",
    "skill",
    "mode",
    "week_start",
    "alerts",
    "live_alerts",
    "verdicts_true",
    "verdicts_false",
    "verdicts_cannot_tell",
    "unjudged",
    "false_alert_rate",
    "exact_upper_95",
    "exact_lower_95",
    "wilson_low_95",
    "wilson_high_95",
    "promotion_offered",
    "degraded",
)


def write_csv(figures: Iterable[SkillFigures], out: TextIO) -> None:
    """One row per skill, camera and week, then one row per skill and camera over all time
    (week_start 'all', with the gate and the watch)."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for skill in figures:
        rows: list[tuple[str, Tally, int, int | str, int | str]] = [
            (week.week_start.isoformat(), week.tally, week.live_alerts, "", "") for week in skill.weeks
        ]
        rows.append(
            ("all", skill.tally, skill.live_alerts, int(skill.gate.offered), int(skill.watch.degraded))
        )
        for week_start, counts, live, offered, degraded in rows:
            rate = counts.rate
            writer.writerow(
                [
                    skill.camera_id,
                    skill.camera_name,
                    skill.skill,
                    skill.mode,
                    week_start,
                    counts.alerts,
                    live,
                    counts.true,
                    counts.false,
                    counts.cannot_tell,
                    counts.unjudged,
                    "" if rate.rate is None else f"{rate.rate:.4f}",
                    f"{rate.exact_upper:.4f}",
                    f"{rate.exact_lower:.4f}",
                    f"{rate.wilson_low:.4f}",
                    f"{rate.wilson_high:.4f}",
                    offered,
                    degraded,
                ]
            )
