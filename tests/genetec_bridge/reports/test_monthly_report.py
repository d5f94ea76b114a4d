"""The monthly report of a synthetic month (the week of synthetic_week in March 2026): the figures
gathered, then the PDF written by the command line and its text read back."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from analytics.evaluation.rates import false_alert_rate
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.cli import main
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.render import render_html, render_pdf
from genetec_bridge.trust.store import TrustStore
from genetec_bridge.trust.verdicts import FalseReason, Verdict, VerdictRecord
from tests.support.analytics_events import loitering
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, in_utc, write_site
from tests.support.synthetic_week import CAMERA, PARVIS, START, week_store_copy

MARCH_S = 31 * 86400
AFTER_MARCH = datetime(2026, 4, 2, tzinfo=UTC)
FOUNTAIN = "intrusion:Fountain"
# The trust store's March for the Fountain intrusion skill: 12 alerts kept, 3 judged false, 7 true, one
# "cannot tell", one never reviewed; and one February alert judged false, which is not March's.
MARCH_VERDICTS = [Verdict.FALSE] * 3 + [Verdict.TRUE] * 7 + [Verdict.CANNOT_TELL, None]


def _trust_store(path) -> None:
    store = TrustStore(path)
    moments = [START + timedelta(hours=5 * n) for n in range(len(MARCH_VERDICTS))]
    moments.append(datetime(2026, 2, 27, 12, tzinfo=UTC))
    for n, (moment, verdict) in enumerate(zip(moments, [*MARCH_VERDICTS, Verdict.FALSE], strict=True)):
        event = loitering(n, PARVIS).model_copy(
            update={"id": f"fountain-{n}", "skill": FOUNTAIN, "timestamp": moment}
        )
        store.add_alert(event, "live" if moment > datetime(2026, 3, 5, 14, tzinfo=UTC) else "shadow", None)
        if verdict is not None:
            reason = FalseReason.REFLECTION_OR_SHADOW if verdict == Verdict.FALSE else None
            store.set_verdict(VerdictRecord(event.id, verdict, reason, None, "marie", "review", moment))
    store.set_mode(PARVIS, FOUNTAIN, "live", "marie", None)
    store.close()


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> tuple[SiteConfig, AuditTrail]:
    directory = tmp_path_factory.mktemp("month")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, "example-password")
        text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
        text = edited(text, '# store_path = "trust.sqlite3"', 'store_path = "trust.sqlite3"')
        site = load_site_config(write_site(directory, in_utc(text)))
    week_store_copy(site, site.counting.store_path)
    _trust_store(site.trust.store_path)
    audit = AuditTrail(directory / "audit.jsonl")
    audit.append(
        "admin", "config.change", "zone Fountain", {"points": 4}, at=datetime(2026, 2, 27, tzinfo=UTC)
    )
    audit.append("marie", "config.change", "line Northbound count", at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    audit.append("marie", "skill.promote", f"{PARVIS}/{FOUNTAIN}", at=datetime(2026, 3, 5, 14, tzinfo=UTC))
    return site, audit


def test_the_month_figures(month) -> None:
    site, audit = month
    store = StatisticsStore(site.counting.store_path)
    trust = TrustStore(site.trust.store_path)
    report = gather(site, store, audit, trust, Month.parse("2026-03"), AFTER_MARCH)
    trust.close()
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
        ("marie", f"{PARVIS}/{FOUNTAIN}"),
    ]
    assert report.audit_problems == []
    assert report.verdicts_available
    fountain = next(a.verdicts for a in report.alerts if a.skill == FOUNTAIN)
    assert fountain is not None
    assert (fountain.alerts, fountain.reviewed) == (12, 11)
    assert (fountain.rate.false_alerts, fountain.rate.judged) == (3, 10)
    assert fountain.mode == "live"
    assert [(c.mode, c.actor, c.at.day) for c in fountain.changes] == [("live", "marie", 5)]
    assert next(a.verdicts for a in report.alerts if a.skill == "parking:Delivery bay") is None


def test_the_mode_at_the_end_of_a_month_before_a_promotion_is_shadow(month) -> None:
    site, audit = month
    store = StatisticsStore(site.counting.store_path)
    trust = TrustStore(site.trust.store_path)
    report = gather(site, store, audit, trust, Month.parse("2026-02"), AFTER_MARCH)
    trust.close()
    store.close()

    fountain = next(a.verdicts for a in report.alerts if a.skill == FOUNTAIN)
    assert fountain is not None and fountain.mode == "shadow" and fountain.changes == []
    assert (fountain.alerts, fountain.rate.false_alerts, fountain.rate.judged) == (1, 1, 1)


def _rate_text(false: int, judged: int) -> str:
    """The rate and its Wilson interval as the report prints them, computed here from the counts."""
    rate = false_alert_rate(false, judged)
    return f"{false / judged * 100:.1f} % ({rate.wilson_low * 100:.1f} %–{rate.wilson_high * 100:.1f} %)"


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
        _rate_text(3, 10),  # the Fountain skill's 3 false of 10 judged, from the trust store
        "11 / 12",
        "en service 2026-03-05 14:00 (marie)",
        "line Northbound count",
        "skill.promote",
        "Journal d'audit : intact",
    ):
        assert expected in french, f"{expected!r} not in the French PDF"
    assert "167" in french  # light vehicles A->B in the month
    assert "Aucun verdict" not in french
    english = pdf_text((tmp_path / "report-2026-03-en.pdf").read_bytes())
    assert "Monthly report" in english and _rate_text(3, 10) in english
    assert "live 2026-03-05 14:00 (marie)" in english
    assert "<svg" in (tmp_path / "report-2026-03-en.html").read_text()


def test_without_a_trust_store_the_report_says_no_verdict_is_available(month) -> None:
    site, audit = month
    store = StatisticsStore(site.counting.store_path)
    report = gather(site, store, audit, None, Month.parse("2026-03"), AFTER_MARCH)
    store.close()
    text = pdf_text(render_pdf(render_html(report, "en")))

    assert all(a.verdicts is None for a in report.alerts)
    assert "No operator verdicts" in text and "Wilson" not in text


def test_a_month_is_checked() -> None:
    assert Month.parse("2026-12").end(UTC) == datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="2026-13"):
        Month.parse("2026-13")
