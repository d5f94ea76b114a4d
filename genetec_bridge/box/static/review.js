// The review queue: one alert shown at a time, a verdict in one key press (t or v, f then a reason
// key, c or ?: the keys of both languages, as the page lists them), posted with the session's CSRF
// token; the skill's figures are updated from the answer and the next alert is shown. `s` skips to the
// next alert without a verdict (the skipped one goes to the end of the queue); `u` or Ctrl+Z takes back
// the last verdict given in this page (the server removes it and audits it) and shows that alert again.
// All words are in the page (both languages there); this script has none.
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
  const status = document.getElementById("status");
  const undoButton = document.getElementById("undo");
  const reasons = {};
  document.querySelectorAll("[data-reason-key]").forEach((chip) => (reasons[chip.dataset.reasonKey] = chip.dataset.reason));
  // The alerts judged in this page, last one last: what undo takes back, one at a time.
  const judged = [];
  let awaitingReason = false;
  let busy = false;

  const current = () => queue.querySelector("article.alert.current");

  function counted() {
    const count = queue.querySelectorAll("article.alert").length;
    remaining.textContent = String(count);
    document.getElementById("queue-empty").hidden = count > 0;
    document.getElementById("queue-count").hidden = count === 0;
    if (undoButton) undoButton.disabled = judged.length === 0;
  }

  // The snapshot is fetched only for the alert shown: each one is a fresh read from the camera.
  function show(article) {
    const shown = current();
    if (shown && shown !== article) {
      shown.classList.remove("current");
      shown.hidden = true;
    }
    counted();
    if (!article) return;
    article.hidden = false;
    article.classList.add("current");
    const image = article.querySelector("img.snapshot");
    if (image && !image.getAttribute("src")) image.src = image.dataset.src;
  }

  function setReasonMode(on) {
    awaitingReason = on;
    if (reasonPrompt) reasonPrompt.hidden = !on;
  }

  function say(text) {
    status.textContent = text;
  }

  function updateFigures(row) {
    const tr = document.querySelector(`#figures tr[data-figures="${CSS.escape(row.key)}"]`);
    if (!tr) return;
    for (const field of ["alerts", "verdicts", "rate", "upper", "wilson"]) {
      const cell = tr.querySelector(`[data-field="${field}"]`);
      if (cell) cell.textContent = row[field];
    }
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || String(response.status));
    return answer;
  }

  async function judge(verdict, reason) {
    const article = current();
    if (!article || busy) return;
    busy = true;
    setReasonMode(false);
    failure.hidden = true;
    try {
      const answer = await post(`/api/review/${encodeURIComponent(article.dataset.event)}`, reason ? { verdict, reason } : { verdict });
      updateFigures(answer.figures);
      const next = article.nextElementSibling;
      article.classList.remove("current");
      article.remove();
      judged.push(article);
      say("");
      show(next);
    } catch (error) {
      failure.hidden = false;
    } finally {
      busy = false;
    }
  }

  function skip() {
    const article = current();
    if (!article || busy || !article.nextElementSibling) return;
    setReasonMode(false);
    const next = article.nextElementSibling;
    queue.append(article);
    show(next);
  }

  async function undo() {
    if (busy) return;
    const article = judged.at(-1);
    if (!article) {
      say(queue.dataset.nothingToUndo);
      return;
    }
    busy = true;
    setReasonMode(false);
    try {
      const answer = await post(`/api/review/${encodeURIComponent(article.dataset.event)}/undo`, {});
      judged.pop();
      updateFigures(answer.figures);
      queue.prepend(article);
      show(article);
      say(queue.dataset.undone);
    } catch (error) {
      say(queue.dataset.undoFailed.replace("{error}", error.message));
    } finally {
      busy = false;
    }
  }

  if (canJudge) {
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (target instanceof HTMLElement && target.closest("input, textarea, select")) return;
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "z") {
        undo();
        event.preventDefault();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (awaitingReason) {
        if (reasons[event.key]) judge("false", reasons[event.key]);
        else if (event.key === "Escape") setReasonMode(false);
        else return;
      } else if (verdictOf[event.key] === "false") setReasonMode(true);
      else if (verdictOf[event.key]) judge(verdictOf[event.key]);
      else if (event.key === "s") skip();
      else if (event.key === "u") undo();
      else return;
      event.preventDefault();
    });
    queue.addEventListener("click", (event) => {
      const button = event.target instanceof Element && event.target.closest("[data-verdict], [data-action]");
      if (!button) return;
      if (button.dataset.action === "skip") skip();
      else if (button.dataset.verdict === "false") setReasonMode(true);
      else judge(button.dataset.verdict);
    });
    if (undoButton) undoButton.addEventListener("click", undo);
    document.querySelectorAll("[data-reason-key]").forEach((chip) =>
      chip.addEventListener("click", () => awaitingReason && judge("false", chip.dataset.reason)),
    );
  }
  show(current());
})();
