// The analysis badges of the cameras and health pages, refreshed from /api/health every few seconds:
// an outage turns a camera's badge red without a reload. The words come translated from the server;
// this script has none.
"use strict";
(() => {
  const PERIOD_MS = 2000;
  const badges = document.querySelectorAll("[data-badge]");
  if (!badges.length) return;

  function setText(selector, text) {
    const element = document.querySelector(selector);
    if (element) element.textContent = text;
  }

  function showProblems(problems) {
    const list = document.getElementById("problems");
    if (!list) return;
    list.replaceChildren(
      ...problems.map((problem) => {
        const item = document.createElement("li");
        item.className = "error";
        item.textContent = problem;
        return item;
      }),
    );
    document.getElementById("no-problems").hidden = problems.length > 0;
  }

  async function refresh() {
    try {
      const answer = await fetch("/api/health", { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      const health = await answer.json();
      for (const badge of badges) {
        const camera = health.cameras[badge.dataset.badge];
        if (!camera) continue;
        badge.className = `badge ${camera.tone}`;
        badge.textContent = camera.text;
        setText(`[data-badge-detail="${badge.dataset.badge}"]`, camera.detail || "");
        setText(`[data-frames="${badge.dataset.badge}"]`, camera.frames);
        if (camera.last_result !== null) setText(`[data-result-age="${badge.dataset.badge}"]`, camera.last_result);
      }
      showProblems(health.problems);
      if (health.age_text) setText("#snapshot-age", health.age_text);
    } catch {
      // The box restarting or the network gone: the next round tries again.
    } finally {
      window.setTimeout(refresh, PERIOD_MS);
    }
  }
  window.setTimeout(refresh, PERIOD_MS);
})();
