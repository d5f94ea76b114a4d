"""The monthly report as HTML (Jinja2) and PDF (WeasyPrint, from that same HTML)."""

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import jinja2
import weasyprint

from genetec_bridge.counting.categories import CATEGORY_NAMES
from genetec_bridge.counting.local_time import local_date
from genetec_bridge.counting.series import DIRECTIONS, Measure
from genetec_bridge.reports.charts import daily_chart, hourly_chart
from genetec_bridge.reports.monthly import MonthlyReport
from genetec_bridge.reports.wording import WORDS

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("genetec_bridge.reports", "templates"),
    autoescape=True,  # camera, skill and audit texts come from people: escaped
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
)
_ENVIRONMENT.filters.update(
    percent=lambda share: f"{share * 100:.1f} %",
    minute=lambda moment, zone: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    date=lambda epoch, zone: local_date(epoch, zone).isoformat(),
    clock=lambda epoch, zone: datetime.fromtimestamp(epoch, zone).strftime("%H:%M"),
    signed=lambda share: "–" if share is None else f"{share * 100:+.0f} %",
)


def _day_category(day: Measure, category: str) -> int:
    return sum(n for (c, _), n in day.by_category().items() if c == category)


def render_html(report: MonthlyReport, language: str) -> str:
    words = WORDS[language]
    charts = [
        {"daily": daily_chart(t, language, words["coverage"]), "hourly": hourly_chart(t, language)}
        for t in report.traffic
    ]
    return _ENVIRONMENT.get_template("monthly.html.j2").render(
        r=report,
        w=words,
        lang=language,
        charts=charts,
        directions=DIRECTIONS,
        category_names=CATEGORY_NAMES[language],
        day_category=_day_category,
    )


def render_pdf(html: str) -> bytes:
    return weasyprint.HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()


def write_reports(report: MonthlyReport, out: Path, languages: Iterable[str]) -> list[Path]:
    """report-YYYY-MM-LANG.html and .pdf in `out` for each language; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for language in languages:
        html = render_html(report, language)
        stem = out / f"report-{report.month}-{language}"
        written += [stem.with_suffix(".html"), stem.with_suffix(".pdf")]
        written[-2].write_text(html, encoding="utf-8")
        written[-1].write_bytes(render_pdf(html))
    return written


def _fetch_nothing(url: str) -> dict[str, object]:
    """The document holds everything (inline SVG and CSS): any URL in it is a mistake, not fetched."""
    raise ValueError(f"the report does not fetch {url}")
