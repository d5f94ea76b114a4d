"""The monthly report of a synthetic month (the week of synthetic_week in March 2026): the figures
gathered, then the PDF written by the command line and its text read back."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.cli import main
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.render import render_html, render_pdf
from genetec_bridge.reports.verdicts import NoVerdicts, SkillVerdicts
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site
from tests.support.synthetic_week import CAMERA, PARVIS, week_store_copy

MARCH_S = 31 * 86400
AFTER_MARCH = datetime(2026, 4, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> tuple[SiteConfig, AuditTrail]:
    directory = tmp_path_factory.mktemp("month")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, "example-password")
        text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
        site = load_site_config(write_site(directory, text))
    week_store_copy(site, site.counting.store_path)
    audit = AuditTrail(directory / "audit.jsonl")
    audit.append(
        "admin", "config.change", "zone Fountain", {"points": 4}, at=datetime(2026, 2, 27, tzinfo=UTC)
    )
    audit.append("marie", "config.change", "line Northbound count", at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    audit.append("marie", "skill.promote", "intrusion:Fountain", at=datetime(2026, 3, 5, 14, tzinfo=UTC))
    return site, audit


def test_the_month_figures(month) -> None:
    site, audit = month
    store = StatisticsStore(site.counting.store_path)
    report = gather(site, store, audit, NoVerdicts(), Month.parse("2026-03"), AFTER_MARCH)
    store.close()

    assert report.availability == pytest.approx(
        {"bridge": 7 * 86400 / MARCH_S, "daemon": 6 * 86400 / MARCH_S, "security_center": 5 * 86400 / MARCH_S}
    )
    assert report.cameras[CAMERA][1] == pytest.approx((7 * 86400 - 80 * 60) / MARCH_S)
    assert report.cameras[PARVIS][1] == 0.0
    raised = {(a.camera, a.skill): a.raised for a in report.alerts}
    assert raised[(PARVIS, "intrusion:Fountain")] == 12, "the February alert is not March's"
    assert raised[(CAMERA, "red_light:Stop line")] == 0
    (traffic,) = report.traffic
    assert traffic.totals[("VL", "A->B")] == 7 * 24 - 1
    assert traffic.totals[("PL", "B->A")] == 7 * 24 - 2
    assert traffic.totals[("PL", "A->B")] == 7 * 3
    assert len(traffic.days) == 31
    # Analysed from Monday 2 to Sunday 8 March, less the outage of Wednesday 4: other days are missing data.
    wednesday = (86400 - 80 * 60) / 86400
    assert [day.coverage for day in traffic.days] == pytest.approx(
        [0.0, 1.0, 1.0, wednesday, 1.0, 1.0, 1.0, 1.0] + [0.0] * 23
    )
    # One car at :05 every hour, 7 days. Wednesday's 10:00 hour was analysed a third (its car seen),
    # its 11:00 hour a third (its car missed): 7 and 6 cars over 6 1/3 analysed hours.
    profile = [1.0] * 24
    profile[10], profile[11] = 7 / (6 + 1 / 3), 6 / (6 + 1 / 3)
    assert traffic.hourly_profile["VL"] == pytest.approx(profile)
    assert [(e.actor, e.subject) for e in report.changes] == [
        ("marie", "line Northbound count"),
        ("marie", "intrusion:Fountain"),
    ]
    assert report.audit_problems == []
    assert not report.verdicts_available


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_command_line_writes_the_pdf_in_both_languages_and_its_text_reads_back(
    month, tmp_path, monkeypatch
) -> None:
    site, audit = month
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    config = site.counting.store_path.parent / "site.toml"

    code = main(
        [
            "report",
            "--config",
            str(config),
            "--month",
            "2026-03",
            "--out",
            str(tmp_path),
            "--audit",
            str(audit.path),
        ]
    )

    assert code == 0
    french = pdf_text((tmp_path / "report-2026-03-fr.pdf").read_bytes())
    for expected in (
        "Rapport mensuel",
        "2026-03",
        "Carrefour Jean-Jaures",
        "Northbound count",
        "22.4 %",  # camera 2 analysed 600 000 s of the month's 2 678 400
        "19.4 %",  # the daemon up 6 days of 31
        "Aucun verdict",
        "line Northbound count",
        "skill.promote",
        "Journal d'audit : intact",
    ):
        assert expected in french, f"{expected!r} not in the French PDF"
    assert "167" in french  # light vehicles A->B in the month
    english = pdf_text((tmp_path / "report-2026-03-en.pdf").read_bytes())
    assert "Monthly report" in english and "No operator verdicts" in english
    assert "<svg" in (tmp_path / "report-2026-03-en.html").read_text()


def test_verdicts_are_shown_when_the_trust_loop_gives_them(month) -> None:
    site, audit = month

    class Given:
        available = True

        def verdicts(self, start: float, end: float) -> list[SkillVerdicts]:
            return [SkillVerdicts(PARVIS, "intrusion:Fountain", "shadow", 10, 3, 0.108, 0.603)]

    store = StatisticsStore(site.counting.store_path)
    report = gather(site, store, audit, Given(), Month.parse("2026-03"), AFTER_MARCH)
    store.close()
    text = pdf_text(render_pdf(render_html(report, "en")))

    assert "30.0 % (10.8 %–60.3 %)" in text
    assert "shadow" in text
    assert "No operator verdicts" not in text


def test_a_month_is_checked() -> None:
    assert Month.parse("2026-12").end == datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="2026-13"):
        Month.parse("2026-13")
