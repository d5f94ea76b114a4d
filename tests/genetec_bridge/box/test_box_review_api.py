"""The review page's API over a real socket: verdicts by role and with CSRF, stored through the trust
service (audited) with the skill's figures in the answer; going live needs the gate or a written
reason; the privacy documents of the running site in the reader's language, with nothing external."""

import re
from pathlib import Path

from analytics.evaluation.rates import false_alert_rate
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.trust.verdicts import FalseReason, Verdict
from tests.support.box_site import running_box, session, write_box_site
from tests.support.review_alerts import admit_alerts, shadow_skill


async def test_a_reviewer_gives_verdicts_a_viewer_cannot_and_csrf_is_required(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, bridge):
        first, second = admit_alerts(bridge.trust, 2)
        base = server.url.rstrip("/")
        reviewer, csrf = await session(base, "rita")
        viewer, viewer_csrf = await session(base, "victor")

        page = await viewer.get("/review")
        assert page.status_code == 200 and first.id in page.text and second.id in page.text
        assert 'data-verdict="true"' not in page.text  # read-only for a viewer
        refused = await viewer.post(
            f"/api/review/{first.id}", json={"verdict": "true"}, headers={"X-CSRF-Token": viewer_csrf}
        )
        assert refused.status_code == 403
        no_token = await reviewer.post(f"/api/review/{first.id}", json={"verdict": "true"})
        assert no_token.status_code == 403 and "CSRF" in no_token.json()["error"]
        no_reason = await reviewer.post(
            f"/api/review/{first.id}", json={"verdict": "false"}, headers={"X-CSRF-Token": csrf}
        )
        assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]
        unknown = await reviewer.post(
            "/api/review/nope", json={"verdict": "true"}, headers={"X-CSRF-Token": csrf}
        )
        assert unknown.status_code == 404
        assert bridge.trust.review_item(first.id).verdict is None  # type: ignore[union-attr]

        answer = await reviewer.post(
            f"/api/review/{first.id}",
            json={"verdict": "false", "reason": "reflection_or_shadow"},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 200, answer.text
        stored = bridge.trust.review_item(first.id).verdict  # type: ignore[union-attr]
        assert stored is not None
        assert (stored.verdict, stored.reason, stored.reviewer) == (
            Verdict.FALSE,
            FalseReason.REFLECTION_OR_SHADOW,
            "rita",
        )
        figures = answer.json()["figures"]
        expected = false_alert_rate(1, 1)
        assert figures["verdicts"] == "0 / 1 / 0" and figures["alerts"] == "2"
        assert figures["upper"] == f"{expected.exact_upper:.1%}"
        entry = AuditTrail(tmp_path / "box/audit.jsonl").entries()[-1]
        assert (entry.actor, entry.action, entry.details["reason"]) == (
            "rita",
            "alert.verdict",
            "reflection_or_shadow",
        )

        # Judged alerts leave the queue.
        page = await reviewer.get("/review")
        assert first.id not in page.text and second.id in page.text
        for client in (reviewer, viewer):
            await client.aclose()


async def test_going_live_without_the_gate_needs_an_integrator_and_a_written_reason(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, bridge):
        skill = shadow_skill(bridge.trust)
        base = server.url.rstrip("/")
        integrator, csrf = await session(base, "ines")
        page = await integrator.get("/review")
        assert "Go live anyway" in page.text and ">Go live</button>" not in page.text
        form = {"camera": skill.camera_id, "skill": skill.skill, "action": "promote"}

        reviewer, reviewer_csrf = await session(base, "rita")
        refused = await reviewer.post(
            "/review/mode", data={**form, "reason": "x", "csrf_token": reviewer_csrf}
        )
        assert refused.status_code == 403
        without_reason = await integrator.post(
            "/review/mode", data={**form, "reason": " ", "csrf_token": csrf}
        )
        assert without_reason.status_code == 409 and "written reason" in without_reason.text
        assert bridge.trust.mode(skill.camera_id, skill.skill).mode == "shadow"
        promoted = await integrator.post(
            "/review/mode", data={**form, "reason": "mayor's order for the festival", "csrf_token": csrf}
        )
        assert promoted.status_code == 200 and "is now live" in promoted.text
        assert bridge.trust.mode(skill.camera_id, skill.skill).mode == "live"
        entry = AuditTrail(tmp_path / "box/audit.jsonl").entries()[-1]
        assert (entry.actor, entry.action, entry.details["reason"]) == (
            "ines",
            "skill.promote_without_gate",
            "mayor's order for the festival",
        )
        for client in (reviewer, integrator):
            await client.aclose()


async def test_go_live_is_offered_once_the_gate_is_open(tmp_path: Path) -> None:
    async with running_box(write_box_site(tmp_path)) as (server, bridge):
        skill = shadow_skill(bridge.trust)
        for event in admit_alerts(bridge.trust, 29):
            bridge.trust.record_verdict(event.id, Verdict.TRUE, "rita")
        assert bridge.trust.gate(skill.camera_id, skill.skill).offered
        integrator, csrf = await session(server.url.rstrip("/"), "ines")
        page = await integrator.get("/review")
        assert ">Go live</button>" in page.text
        promoted = await integrator.post(
            "/review/mode",
            data={"camera": skill.camera_id, "skill": skill.skill, "action": "promote", "csrf_token": csrf},
        )
        assert promoted.status_code == 200, promoted.text
        assert bridge.trust.mode(skill.camera_id, skill.skill).mode == "live"
        entry = AuditTrail(tmp_path / "box/audit.jsonl").entries()[-1]
        assert (entry.actor, entry.action) == ("ines", "skill.promote")
        await integrator.aclose()


async def test_privacy_documents_of_the_running_site_in_the_readers_language(tmp_path: Path) -> None:
    async with running_box(write_box_site(tmp_path)) as (server, bridge):
        viewer, _ = await session(server.url.rstrip("/"), "victor")
        viewer.cookies.set("box_lang", "fr")
        listing = await viewer.get("/privacy")
        assert listing.status_code == 200
        names = re.findall(r'data-document="([^"]+)"', listing.text)
        assert "register" in names and len(names) == 1 + 2 * len(bridge.site.cameras)
        html = await viewer.get("/privacy/register.html")
        assert html.status_code == 200 and '<html lang="fr">' in html.text
        assert "Registre" in html.text
        # Nothing from elsewhere; the inline style sheet is allowed by its hash only.
        assert not re.search(r'(src|href)="(https?:)?//', html.text)
        policy = html.headers["Content-Security-Policy"]
        assert "style-src 'sha256-" in policy and "unsafe-inline" not in policy
        markdown = await viewer.get("/privacy/register.md")
        assert markdown.status_code == 200 and markdown.text.startswith("# ")
        assert "attachment" in markdown.headers["Content-Disposition"]
        assert (await viewer.get("/privacy/nothing.html")).status_code == 404
        await viewer.aclose()
