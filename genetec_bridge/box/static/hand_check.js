// The hand check under way: a key (or a button) per vehicle, posted with the session's CSRF token; the
// box times each tap and answers the tallies. The page asks the box where the check stands every
// second (its clock, not the browser's, decides the window) and stops it once the time is up and the
// product's counts of the window are in ("over"; "settling" while they are awaited). Requests go one at
// a time (a burst of keys waits its turn), within the box's per-account limit.
// All words are in the page (both languages there); this script has none.
"use strict";
(() => {
  const csrf = document.getElementById("csrf").value;
  const phase = document.getElementById("phase");
  const failure = document.getElementById("tap-error");
  const buttons = {};
  document.querySelectorAll("button.tap").forEach((button) => (buttons[button.dataset.key] = button));
  let stopping = false;
  let queue = Promise.resolve();

  function minutes(seconds) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function show(state) {
    phase.dataset.phase = state.phase;
    const left = state.phase === "waiting" ? state.starts_in_s : state.ends_in_s;
    const timed = state.phase === "waiting" || state.phase === "counting";
    phase.textContent = `${phase.dataset[state.phase]} ${timed ? minutes(left) : ""}`;
    for (const [key, count] of Object.entries(state.counts)) {
      const output = document.querySelector(`output[data-count="${CSS.escape(key)}"]`);
      if (output) output.textContent = String(count);
    }
    Object.values(buttons).forEach((button) => (button.disabled = state.phase !== "counting"));
    if (state.phase === "over" && !stopping) {
      stopping = true;
      document.getElementById("stop").submit();
    }
  }

  function post(path, body) {
    queue = queue.then(() => send(path, body)).catch(() => undefined);
  }

  async function send(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    });
    const answer = await response.json();
    failure.hidden = response.ok;
    if (!response.ok) failure.textContent = answer.error;
    show(answer);
  }

  function tap(button) {
    if (button && !button.disabled) post("/api/hand-check/tap", { category: button.dataset.category, direction: button.dataset.direction });
  }

  function poll() {
    queue = queue
      .then(async () => {
        const response = await fetch("/api/hand-check");
        if (response.ok) show(await response.json());
      })
      .catch(() => undefined);
  }

  Object.values(buttons).forEach((button) => button.addEventListener("click", () => tap(button)));
  document.getElementById("undo").addEventListener("click", () => post("/api/hand-check/undo"));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key === "Backspace") {
      event.preventDefault();
      post("/api/hand-check/undo");
    } else if (buttons[event.key.toLowerCase()]) {
      event.preventDefault();
      tap(buttons[event.key.toLowerCase()]);
    }
  });
  poll();
  setInterval(poll, 1000);
})();
