"""The report's charts, drawn on the server as SVG (matplotlib) and inlined: no script, no external file."""

import io

import matplotlib

matplotlib.use("svg")  # no display, no GUI toolkit: the report is written by a service
import matplotlib.pyplot as plt

from genetec_bridge.counting.categories import CATEGORY_NAMES
from genetec_bridge.counting.local_time import local_date
from genetec_bridge.reports.monthly import PointTraffic

COLOURS = {"VL": "#1f77b4", "PL": "#d62728", "2RM": "#ff7f0e", "velo": "#2ca02c", "pieton": "#7f7f7f"}
SIZE_IN = (7.0, 2.6)

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: readable back from the PDF, smaller files
        "svg.hashsalt": "genetec-report",  # stable ids: the same data gives the same file
        "font.size": 8,
    }
)


def daily_chart(traffic: PointTraffic, language: str, coverage_label: str) -> str:
    """Stacked bars of crossings per day and category; days never analysed are marked, not drawn as 0."""
    figure, axes = plt.subplots(figsize=SIZE_IN)
    days = [local_date(day.start, traffic.point.zone).day for day in traffic.days]
    bottom = [0] * len(days)
    for category in traffic.point.categories:
        values = [sum(n for (c, _), n in day.by_category().items() if c == category) for day in traffic.days]
        axes.bar(
            days, values, bottom=bottom, color=COLOURS[category], label=CATEGORY_NAMES[language][category]
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for day, measure in zip(days, traffic.days, strict=True):
        if measure.coverage == 0:
            axes.text(day, 0, "×", ha="center", va="bottom", color="#999999")
    coverage = axes.twinx()
    coverage.plot(
        days, [day.coverage * 100 for day in traffic.days], color="black", linewidth=0.8, marker="."
    )
    coverage.set_ylim(0, 105)
    coverage.set_ylabel(f"{coverage_label} %")
    axes.set_xticks(days)
    _legend_above(axes, len(traffic.point.categories))
    return _svg(figure)


def hourly_chart(traffic: PointTraffic, language: str) -> str:
    figure, axes = plt.subplots(figsize=SIZE_IN)
    hours = list(range(24))
    for category, values in traffic.hourly_profile.items():
        axes.plot(
            hours, values, color=COLOURS[category], label=CATEGORY_NAMES[language][category], marker="."
        )
    axes.set_xticks(hours)
    _legend_above(axes, len(traffic.hourly_profile))
    return _svg(figure)


def _legend_above(axes: plt.Axes, entries: int) -> None:
    axes.legend(fontsize=6, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=entries, frameon=False)


def _svg(figure: plt.Figure) -> str:
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg") :]  # inlined in HTML: no XML declaration or doctype
