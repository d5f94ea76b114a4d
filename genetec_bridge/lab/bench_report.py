"""What `make bench` found, as a table, JSON and a chart of frames dropped against camera count."""

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

TARGET_FPS = 5.0
MAX_DROP = 0.05
# A camera is only sustained if its frames are analysed before its next frame is due (p95, capture to
# result): a rig that drops few frames but answers a period late is saturated all the same.
MAX_ANALYSIS_LATENCY_S = 1.0 / TARGET_FPS
STAGES = ("decode", "transport", "motion", "detection", "tracking", "skills")


@dataclass(frozen=True)
class Step:
    """One measurement: `cameras` fed at `fps` each."""

    cameras: int
    fps: float
    analysed_fps: float
    dropped: float  # share of the frames submitted
    latency_p95_s: float  # from a frame's capture to its analysis result

    @property
    def sustained(self) -> bool:
        return self.dropped < MAX_DROP and self.latency_p95_s <= MAX_ANALYSIS_LATENCY_S


@dataclass
class Figures:
    """One rig's figures; `steps` are the camera counts tried at TARGET_FPS, in the order tried."""

    throughput_fps: float
    sustained_cameras: int
    steps: list[Step]


@dataclass
class MixFigures:
    mix: str
    clips: list[str]
    chain: Figures
    naive: Figures
    chain_stage_cpu_ms: dict[str, float]
    naive_stage_cpu_ms: dict[str, float]
    latency_ms: list[float]  # chain only: the naive loop has no alert delivery
    triton: Figures | None = None  # the chain with inference on a lab Triton server
    triton_latency_ms: list[float] = field(default_factory=list)

    def ratios(self) -> dict[str, float]:
        return {
            "throughput": self.chain.throughput_fps / max(self.naive.throughput_fps, 1e-9),
            "sustained_cameras": self.chain.sustained_cameras / max(self.naive.sustained_cameras, 1),
        }

    def latency(self, through_triton: bool = False) -> dict[str, float]:
        values = self.triton_latency_ms if through_triton else self.latency_ms
        return {"alerts": len(values), **{f"p{q}": _percentile(values, q) for q in (50, 95)}}


@dataclass
class Report:
    cores: int
    seconds_per_step: float
    batch_size: int
    mixes: list[MixFigures]
    # Tiles per side → the detector's CPU time per frame over the whole frame's, in this run.
    tiling_cpu_ratio: dict[int, float] = field(default_factory=dict)
    run_s: float = field(default=0.0)

    def as_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "summary": {
                m.mix: {
                    "ratios": m.ratios(),
                    "latency": m.latency(),
                    **({"triton_latency": m.latency(through_triton=True)} if m.triton else {}),
                }
                for m in self.mixes
            },
        }

    def lines(self) -> list[str]:
        lines = [
            f"machine: {self.cores} CPU core(s), detector on CPU, daemon batch {self.batch_size}, "
            f"{self.seconds_per_step:g} s per measurement"
        ]
        for mix in self.mixes:
            lines += ["", f"== {mix.mix} mix: {', '.join(mix.clips)}", _steps_line("chain", mix.chain)]
            lines += [_steps_line("naive", mix.naive)]
            if mix.triton is not None:
                lines += [_steps_line("chain via Triton", mix.triton)]
            lines += ["", *_table(_rows(mix, self.cores)), ""]
            lines += _table(_stage_rows(mix))
        if self.tiling_cpu_ratio:
            costs = ", ".join(f"{n}×{n} tiles {r:g}×" for n, r in self.tiling_cpu_ratio.items() if n > 1)
            lines += ["", f"detection tiles, CPU per frame against the whole frame: {costs}"]
        return [*lines, "", f"run time: {self.run_s:.0f} s"]


def per_frame_ms(seconds: dict[str, float], frames: int) -> dict[str, float]:
    return {stage: round(1000 * seconds.get(stage, 0.0) / max(frames, 1), 2) for stage in STAGES}


def _rows(mix: MixFigures, cores: int) -> list[tuple[str, ...]]:
    rows = _chain_rows(mix, cores)
    if mix.triton is None:
        return rows
    triton, latency = mix.triton, mix.latency(through_triton=True)
    extra = [
        "chain via Triton",
        f"{triton.throughput_fps:.1f}",
        f"{triton.throughput_fps / cores:.1f}",
        str(triton.sustained_cameras),
        f"{latency['p50']:.0f} / {latency['p95']:.0f} ms ({latency['alerts']:.0f} alerts)",
    ]
    return [(*row, cell) for row, cell in zip(rows, extra, strict=True)]


def _chain_rows(mix: MixFigures, cores: int) -> list[tuple[str, ...]]:
    chain, naive, ratios, latency = mix.chain, mix.naive, mix.ratios(), mix.latency()
    return [
        ("figure", "chain", "naive", "chain / naive"),
        ("analysed frames/s", f"{chain.throughput_fps:.1f}", f"{naive.throughput_fps:.1f}", ""),
        (
            "analysed frames/s per core",
            f"{chain.throughput_fps / cores:.1f}",
            f"{naive.throughput_fps / cores:.1f}",
            f"{ratios['throughput']:.2f}",
        ),
        (
            f"cameras at {TARGET_FPS:g} fps, < {MAX_DROP:.0%} dropped, p95 analysed within "
            f"{1000 * MAX_ANALYSIS_LATENCY_S:.0f} ms",
            str(chain.sustained_cameras),
            str(naive.sustained_cameras),
            f"{ratios['sustained_cameras']:.2f}",
        ),
        (
            f"alert latency p50 / p95 ({latency['alerts']:.0f} alerts, mix running)",
            f"{latency['p50']:.0f} / {latency['p95']:.0f} ms",
            "n/a",
            "",
        ),
    ]


def _stage_rows(mix: MixFigures) -> list[tuple[str, ...]]:
    chain, naive = mix.chain_stage_cpu_ms, mix.naive_stage_cpu_ms
    rows: list[tuple[str, ...]] = [("CPU ms per analysed frame", "chain", "naive")]
    rows += [(stage, f"{chain.get(stage, 0):.2f}", f"{naive.get(stage, 0):.2f}") for stage in STAGES]
    rows.append(("total", f"{sum(chain.values()):.2f}", f"{sum(naive.values()):.2f}"))
    return rows


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _steps_line(name: str, figures: Figures) -> str:
    steps = sorted(figures.steps, key=lambda s: s.cameras)
    tried = ", ".join(f"{s.cameras} → {s.dropped:.1%} / {1000 * s.latency_p95_s:.0f} ms" for s in steps)
    return f"{name}, N cameras at {TARGET_FPS:g} fps → frames dropped / p95 capture to result: {tried}"


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def draw_dropped_frames(report: Report, path: Path) -> None:
    """Frames dropped and p95 capture-to-result latency against camera count, per mix and rig."""
    # Imported here: only a run asked for a chart needs matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (dropped, late) = pyplot.subplots(1, 2, figsize=(11, 4), dpi=100)
    for mix, colour in zip(report.mixes, ("tab:blue", "tab:orange", "tab:green"), strict=False):
        rigs = [("chain", mix.chain, "-o"), ("naive", mix.naive, "--s")]
        if mix.triton is not None:
            rigs.append(("chain via Triton", mix.triton, ":^"))
        for rig, figures, style in rigs:
            steps = sorted(figures.steps, key=lambda s: s.cameras)
            cameras = [s.cameras for s in steps]
            label = f"{rig}, {mix.mix} mix"
            dropped.plot(cameras, [100 * s.dropped for s in steps], style, color=colour, label=label)
            late.plot(cameras, [1000 * s.latency_p95_s for s in steps], style, color=colour, label=label)
    dropped.axhline(100 * MAX_DROP, color="grey", linewidth=0.8, linestyle=":")
    late.axhline(1000 * MAX_ANALYSIS_LATENCY_S, color="grey", linewidth=0.8, linestyle=":")
    dropped.set_ylabel("frames dropped (%)")
    late.set_ylabel("p95 capture to result (ms)")
    for axes in (dropped, late):
        axes.set_xlabel(f"cameras at {TARGET_FPS:g} fps")
    dropped.set_title(f"Frames dropped ({report.cores} CPU cores)")
    late.set_title("Analysis latency (a camera is sustained below both lines)")
    dropped.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)
