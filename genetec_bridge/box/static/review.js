// The review queue: one alert shown at a time, a verdict in one key press (t or v, f then a reason
// key, c or ?: the keys of both languages, as the page lists them), posted with the session's CSRF token; the skill's figures are updated from the answer and the
// next alert is shown. All words are in the page (both languages there); this script has none.
"use strict";
(() => {
  const queue = document.getElementById("queue");
  if (!queue) return;
  const csrf = document.getElementById("csrf").value;
  const canJudge = queue.dataset.judge === "1";
  const reasonPrompt = document.getElementById("reason-prompt");
  const failure = document.getElementById("verdict-error");
  const remaining = document.getElementById("remaining");
  const keyList = document.getElementById("keys");
  const verdictOf = {};
  if (keyList) {
    for (const [verdict, keys] of [["true", keyList.dataset.true], ["false", keyList.dataset.false], ["cannot_tell", keyList.dataset.cannotTell]]) {
      for (const key of keys.split(" ")) verdictOf[key] = verdict;
    }
  }
  const reasons = {};
  document.querySelectorAll("[data-reason-key]").forEach((chip) => (reasons[chip.dataset.reasonKey] = chip.dataset.reason));
  let awaitingReason = false;
  let busy = false;

  const current = () => queue.querySelector("article.alert.current");

  // The snapshot is fetched only for the alert shown: each one is a fresh read from the camera.
  function show(article) {
    if (!article) {
      document.getElementById("queue-empty").hidden = false;
      document.getElementById("queue-count").hidden = true;
      return;
    }
    article.hidden = false;
    article.classList.add("current");
    const image = article.querySelector("img.snapshot");
    if (image && !image.getAttribute("src")) image.src = image.dataset.src;
  }

  function setReasonMode(on) {
    awaitingReason = on;
    if (reasonPrompt) reasonPrompt.hidden = !on;
  }

  function updateFigures(row) {
    const tr = document.querySelector(`#figures tr[data-figures="${CSS.escape(row.key)}"]`);
    if (!tr) return;
    for (const field of ["alerts", "verdicts", "rate", "upper", "wilson"]) {
      const cell = tr.querySelector(`[data-field="${field}"]`);
      if (cell) cell.textContent = row[field];
    }
  }

  async function judge(verdict, reason) {
    const article = current();
    if (!article || busy) return;
    busy = true;
    setReasonMode(false);
    failure.hidden = true;
    try {
      const response = await fetch(`/api/review/${encodeURIComponent(article.dataset.event)}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(reason ? { verdict, reason } : { verdict }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      updateFigures(answer.figures);
      const next = article.nextElementSibling;
      article.remove();
      remaining.textContent = String(queue.querySelectorAll("article.alert").length);
      show(next);
    } catch (error) {
      failure.hidden = false;
    } finally {
      busy = false;
    }
  }

  if (canJudge) {
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (target instanceof HTMLElement && target.closest("input, textarea, select")) return;
      if (awaitingReason) {
        if (reasons[event.key]) judge("false", reasons[event.key]);
        else if (event.key === "Escape") setReasonMode(false);
        else return;
      } else if (verdictOf[event.key] === "false") setReasonMode(true);
      else if (verdictOf[event.key]) judge(verdictOf[event.key]);
      else return;
      event.preventDefault();
    });
    queue.addEventListener("click", (event) => {
      const button = event.target instanceof Element && event.target.closest("[data-verdict]");
      if (!button) return;
      if (button.dataset.verdict === "false") setReasonMode(true);
      else judge(button.dataset.verdict);
    });
    document.querySelectorAll("[data-reason-key]").forEach((chip) =>
      chip.addEventListener("click", () => awaitingReason && judge("false", chip.dataset.reason)),
    );
  }
  show(current());
})();
