"""The review queue of the trust loop: each alert awaiting a verdict with its evidence (the track
drawn over a fresh snapshot of the camera: no image of the event is stored) and where to find it in
Security Desk (by Security Center's name of the camera, the site file's beside it); a verdict is one
key press. Below, per skill and camera, the figures and the promotion gate: "Go live" when the gate is
open, else only with a written reason (integrators, audited). A skill the site file asks to be live
without a named decision waits here in shadow, and says so. Keys, modes, classes and figures are in
the reader's language; the verdict keys of both languages work (t/f/c and v/f/?).

The queue is filtered by the query (`camera`, `skill`, `state` unreviewed or reviewed, `from` and `to`
local days of the site, `to` included: a day of 23 or 25 hours at a daylight-saving change); times are
on the site's clock (box/site_time.py); a filter that cannot be read is refused (400) naming its key. Skip shows the
next alert without a verdict (in the page only); undo takes back the reviewer's last verdict
(`POST /api/review/{event}/undo`: the trust service removes it, puts back the one it replaced, audits
it), and the skill's figures on the page follow the answer."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import VERDICT_KEYS, language, number, percent, translator
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.box.site_time import local_days, wall_time
from genetec_bridge.trust.figures import SkillFigures
from genetec_bridge.trust.review import ReviewItem
from genetec_bridge.trust.service import TrustError, TrustService
from genetec_bridge.trust.verdicts import FalseReason, Verdict

# The reason keys after `f`, in the order the review queue offers them, with each label's message key.
REASON_KEYS = {str(n): reason for n, reason in enumerate(FalseReason, start=1)}
REASON_MESSAGES = {reason: f"review.reason.{reason.value}" for reason in FalseReason}


def verdict_keys(lang: str) -> dict[str, list[str]]:
    """Each verdict's keys, the page language's first (the one shown); the other language's work too."""
    return {
        verdict: sorted(set(keys.values()), key=lambda key: key != keys[lang])
        for verdict, keys in VERDICT_KEYS.items()
    }


def figures_row(figures: SkillFigures, lang: str) -> dict[str, Any]:
    """One skill on one camera as the page shows it (the same strings in the page and after a verdict)."""
    tally, rate = figures.tally, figures.gate.rate
    share = partial(percent, lang)
    return {
        "key": f"{figures.camera_id}/{figures.skill}",
        "camera_id": figures.camera_id,
        "camera": figures.camera_name or figures.camera_id,
        "skill": figures.skill,
        "mode": figures.mode,
        "mode_label": translator(lang)(f"mode.{figures.mode}"),
        "alerts": number(lang, tally.alerts),
        "verdicts": " / ".join(number(lang, n) for n in (tally.true, tally.false, tally.cannot_tell)),
        "rate": share(rate.rate),
        "upper": share(rate.exact_upper) if rate.judged else "–",
        "wilson": f"{share(rate.wilson_low)} – {share(rate.wilson_high)}" if rate.judged else "–",
        "gate_open": figures.gate.offered,
        "needed": figures.gate.true_verdicts_needed,
        "degraded": figures.watch.degraded,
    }


def _item(item: ReviewItem, lang: str, zone: ZoneInfo) -> dict[str, Any]:
    event, desk = item.event, item.security_desk
    t = translator(lang)
    return {
        "event_id": item.event_id,
        "camera_id": item.camera_id,
        "camera": desk.camera_name or item.camera_id,
        "skill": item.skill,
        "mode": t(f"mode.{item.mode}"),
        "kind": event.kind,
        "place": event.zone or event.line or "",
        "class": t(f"label.class.{event.class_name}"),
        "dwell_s": event.evidence.dwell_s,
        "threshold_s": event.evidence.threshold_s,
        "direction": event.evidence.direction,
        "min_confidence": event.evidence.min_confidence,
        # SVG user units: the snapshot is drawn in a 0..1000 box, positions are normalised.
        "path": " ".join(f"{x * 1000:.1f},{y * 1000:.1f}" for x, y in event.evidence.positions),
        "last": event.evidence.positions[-1] if event.evidence.positions else None,
        "at": wall_time(desk.at, zone),
        "archive_from": wall_time(desk.archive_from, zone),
        "archive_to": wall_time(desk.archive_to, zone),
        "bookmark": desk.bookmark_text,
        "verdict": t(f"review.{item.verdict.verdict.value}") if item.verdict else None,
        "reviewer": item.verdict.reviewer if item.verdict else None,
    }


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the review queue shows, from the page's query."""

    camera: str | None = None
    skill: str | None = None
    state: Literal["unreviewed", "reviewed"] = "unreviewed"
    start: date | None = None
    end: date | None = None
    """Included: the alerts of that whole local day."""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "QueueFilter":
        """The filter of a query string; ValueError naming the key that cannot be read."""
        asked = query.get("state") or "unreviewed"
        if asked not in ("unreviewed", "reviewed"):
            raise ValueError(f"state: expected unreviewed or reviewed, not {asked!r}")
        state: Literal["unreviewed", "reviewed"] = "reviewed" if asked == "reviewed" else "unreviewed"
        days: dict[str, date | None] = {}
        for key in ("from", "to"):
            text = query.get(key) or ""
            try:
                days[key] = date.fromisoformat(text) if text else None
            except ValueError:
                raise ValueError(f"{key}: expected a day as YYYY-MM-DD, not {text!r}") from None
        if days["from"] and days["to"] and days["to"] < days["from"]:
            raise ValueError("to: the period ends before it starts")
        return cls(query.get("camera") or None, query.get("skill") or None, state, days["from"], days["to"])

    def items(self, trust: TrustService, zone: ZoneInfo) -> list[ReviewItem]:
        since, until = local_days(self.start, self.end, zone)
        return trust.review_queue(
            self.camera, self.skill, judged_only=self.state == "reviewed", since=since, until=until
        )


def _queue_and_figures(
    trust: TrustService, shown: QueueFilter, lang: str, zone: ZoneInfo
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    figures = [
        figures_row(f, lang) | {"asks_live": f.mode == "shadow" and trust.asks_for_live(f.camera_id, f.skill)}
        for f in trust.figures()
    ]
    return [_item(item, lang, zone) for item in shown.items(trust, zone)], figures


async def _page(
    request: web.Request,
    status: int = 200,
    error: str = "",
    changed: tuple[str, str] | None = None,
    shown: QueueFilter | None = None,
) -> web.Response:
    trust = request.app[CONTEXT].bridge.trust
    session = request[SESSION_KEY]
    role = session.role
    shown = shown or QueueFilter()
    lang = language(request)
    zone = request.app[CONTEXT].zone
    items, figures = await request.app[CONTEXT].work.run(
        session.user, _queue_and_figures, trust, shown, lang, zone
    )
    names = await request.app[CONTEXT].camera_names.names(request.app[CONTEXT].bridge.site)
    for row in items + figures:
        # Security Center's name: what the reviewer searches Security Desk for.
        named = names.get(row["camera_id"])
        row["camera"], row["alias"] = (named.name, named.alias) if named else (row["camera"], None)
    return render(
        request,
        "review.html",
        status=status,
        items=items,
        figures=figures,
        reasons=[(key, reason.value, REASON_MESSAGES[reason]) for key, reason in REASON_KEYS.items()],
        keys=verdict_keys(lang),
        can_judge=role.allows(Role.REVIEWER),
        can_promote=role.allows(Role.INTEGRATOR),
        error=error,
        changed=changed,
        shown=shown,
        filter_cameras=sorted({(row["camera_id"], row["camera"]) for row in figures}, key=lambda c: c[1]),
        filter_skills=sorted({row["skill"] for row in figures}),
    )


@requires(Role.VIEWER)
async def review_page(request: web.Request) -> web.Response:
    try:
        shown = QueueFilter.from_query(request.query)
    except ValueError as error:
        t = translator(language(request))
        name, _, problem = str(error).partition(": ")
        return await _page(request, 400, error=t("review.bad_filter", name=name, problem=problem))
    return await _page(request, shown=shown)


Done = TypeVar("Done")


def _with_figures(
    trust: TrustService, event_id: str, change: Callable[[], Done]
) -> tuple[Done, SkillFigures] | None:
    """What `change` (a verdict given or taken back) returns and the alert's skill's figures after it;
    None when the alert is unknown."""
    item = trust.review_item(event_id)
    if item is None:
        return None
    done = change()
    [figures] = trust.figures(item.camera_id, item.skill)
    return done, figures


@requires(Role.REVIEWER)
async def post_verdict(request: web.Request) -> web.Response:
    """JSON {verdict: true|false|cannot_tell, reason: FalseReason (false only)} on one alert."""
    trust = request.app[CONTEXT].bridge.trust
    event_id = request.match_info["event"]
    try:
        body = await request.json()
        verdict = Verdict(body["verdict"])
        reason = FalseReason(body["reason"]) if body.get("reason") else None
    except (ValueError, KeyError, TypeError):
        return web.json_response(
            {
                "error": "expected JSON {verdict: "
                + "|".join(v.value for v in Verdict)
                + ", reason: "
                + "|".join(r.value for r in FalseReason)
                + " (false only)}"
            },
            status=400,
        )
    user = request[SESSION_KEY].user
    try:
        judged = await request.app[CONTEXT].work.run(
            user,
            _with_figures,
            trust,
            event_id,
            partial(trust.record_verdict, event_id, verdict, user, reason),
        )
    except TrustError as error:
        return web.json_response({"error": str(error)}, status=422)
    if judged is None:
        return web.json_response({"error": f"no alert {event_id} in the trust store"}, status=404)
    record, figures = judged
    return web.json_response(
        {
            "event_id": event_id,
            "verdict": record.verdict.value,
            "reason": record.reason.value if record.reason else None,
            "figures": figures_row(figures, language(request)),
        }
    )


@requires(Role.REVIEWER)
async def undo_verdict(request: web.Request) -> web.Response:
    """Take back the session's user's verdict on one alert (the review page's undo)."""
    trust = request.app[CONTEXT].bridge.trust
    event_id = request.match_info["event"]
    user = request[SESSION_KEY].user
    try:
        undone = await request.app[CONTEXT].work.run(
            user, _with_figures, trust, event_id, partial(trust.take_back_verdict, event_id, user)
        )
    except TrustError as error:
        return web.json_response({"error": str(error)}, status=409)
    if undone is None:
        return web.json_response({"error": f"no alert {event_id} in the trust store"}, status=404)
    standing, figures = undone
    return web.json_response(
        {
            "event_id": event_id,
            "standing": standing.verdict.value if standing else None,
            "figures": figures_row(figures, language(request)),
        }
    )


@requires(Role.INTEGRATOR)
async def change_mode(request: web.Request) -> web.Response:
    """Form: camera, skill, action (promote|demote), reason. Promotion without the gate and demotion
    need the reason; the trust service refuses otherwise and audits what it does."""
    trust = request.app[CONTEXT].bridge.trust
    form = await request.post()
    camera, skill, action = str(form.get("camera", "")), str(form.get("skill", "")), form.get("action")
    reason = str(form.get("reason", "")).strip()
    user = request[SESSION_KEY].user
    work = request.app[CONTEXT].work
    try:
        if action == "promote":
            state = await work.run(user, trust.promote, camera, skill, user, reason or None)
        elif action == "demote":
            state = await work.run(user, trust.demote, camera, skill, user, reason)
        else:
            return await _page(request, 400, error=f"unknown action {action!r}")
    except TrustError as error:
        return await _page(request, 409, error=str(error))
    return await _page(request, changed=(skill, translator(language(request))(f"mode.{state.mode}")))


def register(app: web.Application) -> None:
    app.router.add_get("/review", review_page)
    app.router.add_post("/api/review/{event}", post_verdict)
    app.router.add_post("/api/review/{event}/undo", undo_verdict)
    app.router.add_post("/review/mode", change_mode)
