"""The review queue's undo and filters over a real socket, on the example site's trust store: undo
takes the reviewer's verdict back out of the store (the verdict it replaced standing again), the
figures, the gate and /status follow, the audit trail says so, and nobody else's verdict can be taken
back; the queue shows what its filters ask (camera, skill, reviewed or not, period) and names a filter
it cannot read."""

from datetime import timedelta
from pathlib import Path

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.trust.verdicts import Verdict
from tests.support.box_site import running_box, session, write_box_site
from tests.support.review_alerts import admit_alerts, shadow_skill


def _undo_url(event_id: str) -> str:
    return f"/api/review/{event_id}/undo"


async def test_undo_takes_the_verdict_back_and_the_figures_and_the_gate_follow(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, bridge):
        trust = bridge.trust
        skill = shadow_skill(trust)
        first, second = admit_alerts(trust, 2)
        base = server.url.rstrip("/")
        reviewer, csrf = await session(base, "rita")
        other, other_csrf = await session(base, "ines")
        headers = {"X-CSRF-Token": csrf}

        needed_before = trust.gate(skill.camera_id, skill.skill).true_verdicts_needed
        answer = await reviewer.post(f"/api/review/{first.id}", json={"verdict": "true"}, headers=headers)
        assert answer.status_code == 200 and answer.json()["figures"]["verdicts"] == "1 / 0 / 0"
        assert trust.gate(skill.camera_id, skill.skill).true_verdicts_needed == needed_before - 1  # type: ignore[operator]
        [status] = [row for row in trust.status() if row.skill == skill.skill]
        assert status.verdicts_true == 1

        # Someone else cannot take rita's verdict back; rita can, and it leaves the store.
        refused = await other.post(_undo_url(first.id), headers={"X-CSRF-Token": other_csrf})
        assert refused.status_code == 409 and "rita" in refused.json()["error"]
        undone = await reviewer.post(_undo_url(first.id), headers=headers)
        assert undone.status_code == 200, undone.text
        assert undone.json()["standing"] is None
        assert undone.json()["figures"]["verdicts"] == "0 / 0 / 0"
        assert trust.review_item(first.id).verdict is None  # type: ignore[union-attr]
        assert trust.gate(skill.camera_id, skill.skill).true_verdicts_needed == needed_before
        [status] = [row for row in trust.status() if row.skill == skill.skill]
        assert (status.verdicts_true, status.verdicts_false) == (0, 0)
        entry = AuditTrail(tmp_path / "box/audit.jsonl").entries()[-1]
        assert (entry.actor, entry.action, entry.details["verdict"], entry.details["standing"]) == (
            "rita",
            "alert.verdict_taken_back",
            "true",
            None,
        )
        # Back in the queue; a second undo has nothing of rita's to take back.
        page = await reviewer.get("/review")
        assert first.id in page.text and second.id in page.text
        again = await reviewer.post(_undo_url(first.id), headers=headers)
        assert again.status_code == 409
        unknown = await reviewer.post(_undo_url("nope"), headers=headers)
        assert unknown.status_code == 404 and "no alert" in unknown.json()["error"]
        no_token = await reviewer.post(_undo_url(second.id))
        assert no_token.status_code == 403

        # A reviewer overruling an operator's acknowledgement, then undoing: the operator's verdict stands.
        trust.record_acknowledgement(second.id, "Ack", "operator Olga")
        await reviewer.post(
            f"/api/review/{second.id}", json={"verdict": "false", "reason": "other"}, headers=headers
        )
        assert trust.review_item(second.id).verdict.verdict is Verdict.FALSE  # type: ignore[union-attr]
        restored = await reviewer.post(_undo_url(second.id), headers=headers)
        assert restored.json()["standing"] == "true"
        kept = trust.review_item(second.id).verdict  # type: ignore[union-attr]
        assert kept is not None and (kept.verdict, kept.reviewer, kept.source) == (
            Verdict.TRUE,
            "operator Olga",
            "operator",
        )
        assert restored.json()["figures"]["verdicts"] == "1 / 0 / 0"
        for client in (reviewer, other):
            await client.aclose()


async def test_the_queue_shows_what_its_filters_ask_and_names_a_filter_it_cannot_read(
    tmp_path: Path,
) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, bridge):
        trust = bridge.trust
        skill = shadow_skill(trust)
        day_one, day_one_later, day_three = admit_alerts(trust, 3)
        # The third alert two days later than the others, as if it had been raised then.
        moved = day_three.model_copy(
            update={"id": "moved", "timestamp": day_three.timestamp + timedelta(days=2)}  # type: ignore[operator]
        )
        trust.admit(moved, skill.routing)
        trust.record_verdict(day_one.id, Verdict.TRUE, "rita")
        first_day = day_one.timestamp.date().isoformat()  # type: ignore[union-attr]
        third_day = moved.timestamp.date().isoformat()  # type: ignore[union-attr]
        base = server.url.rstrip("/")
        reviewer, _ = await session(base, "rita")

        def shown(text: str) -> set[str]:
            ids = {day_one.id, day_one_later.id, day_three.id, moved.id}
            return {event_id for event_id in ids if f'data-event="{event_id}"' in text}

        unreviewed = await reviewer.get("/review")
        assert shown(unreviewed.text) == {day_one_later.id, day_three.id, moved.id}
        reviewed = await reviewer.get("/review", params={"state": "reviewed"})
        assert shown(reviewed.text) == {day_one.id}
        assert "true alert (rita)" in reviewed.text
        period = await reviewer.get("/review", params={"from": third_day, "to": third_day})
        assert shown(period.text) == {moved.id}
        first = await reviewer.get("/review", params={"to": first_day})
        assert shown(first.text) == {day_one_later.id, day_three.id}
        by_skill = await reviewer.get(
            "/review", params={"camera": skill.camera_id, "skill": skill.skill, "state": "reviewed"}
        )
        assert shown(by_skill.text) == {day_one.id}
        other_camera = await reviewer.get(
            "/review", params={"camera": "00000000-0000-0000-0000-000000000000"}
        )
        assert shown(other_camera.text) == set()

        bad = await reviewer.get("/review", params={"from": "yesterday"})
        assert bad.status_code == 400 and "Filter from: expected a day as YYYY-MM-DD" in bad.text
        backwards = await reviewer.get("/review", params={"from": third_day, "to": first_day})
        assert backwards.status_code == 400 and "Filter to:" in backwards.text
        state = await reviewer.get("/review", params={"state": "maybe"})
        assert state.status_code == 400 and "Filter state:" in state.text
        await reviewer.aclose()
