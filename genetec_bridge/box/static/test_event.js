// The health page's "Send a test event": posts the chosen camera, then asks what became of the event
// every second until it is delivered or parked (or a minute has passed), showing the server's words
// (translated there: this script has none). The outcome's tone follows it: ok, warning, bad.
"use strict";
(() => {
  const form = document.getElementById("test-event-form");
  if (!form) return;
  const POLL_MS = 1000;
  const MAX_POLLS = 60;
  const shown = document.getElementById("test-event-outcome");
  const button = form.querySelector("button");
  const tones = { delivered: "ok", refused: "bad", parked: "bad", retrying: "warning", pending: "" };

  function show(answer) {
    shown.textContent = answer.text;
    shown.className = `outcome ${tones[answer.outcome] || ""}`;
    shown.dataset.outcome = answer.outcome;
  }

  function failed(error) {
    shown.textContent = form.dataset.failed.replace("{error}", error);
    shown.className = "outcome bad";
    shown.dataset.outcome = "failed";
    button.disabled = false;
  }

  async function follow(eventId, polls) {
    try {
      const response = await fetch(`/api/test-event/${encodeURIComponent(eventId)}`, { headers: { Accept: "application/json" } });
      const answer = await response.json();
      if (!response.ok) return failed(answer.error || String(response.status));
      show(answer);
      if (!answer.final && polls < MAX_POLLS) window.setTimeout(() => follow(eventId, polls + 1), POLL_MS);
      else button.disabled = false;
    } catch (error) {
      failed(error.message);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const response = await fetch("/api/test-event", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": document.getElementById("csrf").value },
        body: JSON.stringify({ camera: document.getElementById("test-event-camera").value }),
      });
      const answer = await response.json();
      if (!response.ok) return failed(answer.error || String(response.status));
      show(answer);
      window.setTimeout(() => follow(answer.event_id, 1), POLL_MS);
    } catch (error) {
      failed(error.message);
    }
  });
})();
