// Draws the traffic page's charts with the vendored Chart.js, from the figures the page lists in its
// tables (given as JSON in #traffic-data: the box's content policy runs no inline script).
// A period never analysed is `null`: Chart.js leaves a gap there, it never draws a zero; one still to
// come (`future`) is not shaded as missing.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("traffic-data").textContent);
  const views = data.views;
  const labels = data.labels;
  const colours = { VL: "#0b5cad", PL: "#b3261e", "2RM": "#8a5a00", velo: "#1c7c3c", pieton: "#6a3d9a" };
  const common = { animation: false, responsive: true, maintainAspectRatio: false };

  function hhmm(iso) { return iso.slice(11, 16); }
  function total(counts) {
    return counts === null ? null : Object.values(counts).reduce(function (a, b) { return a + b; }, 0);
  }
  // A full-height shaded band over each period never analysed, so that missing data does not read
  // as a quiet hour (both would otherwise show no bar).
  function missingBand(missing) {
    return {
      label: labels.missing,
      backgroundColor: "rgba(138, 90, 0, 0.18)",
      yAxisID: "missing",
      stack: "missing",
      grouped: false,
      barPercentage: 1,
      categoryPercentage: 1,
      data: missing.map(function (m) { return m ? 1 : null; }),
    };
  }
  const missingAxis = { display: false, min: 0, max: 1 };
  function chart(id, config) {
    const canvas = document.getElementById(id);
    canvas.dataset.drawn = "true";  // what the browser test waits for
    return new Chart(canvas, Object.assign({ options: common }, config));
  }

  chart("profile-chart", {
    type: "bar",
    data: {
      labels: views.profile.hours.map(function (h) { return hhmm(h.start); }),
      datasets: data.categories.map(function (c) {
        return {
          label: c,
          backgroundColor: colours[c],
          data: views.profile.hours.map(function (h) { return h.counts === null ? null : h.counts[c]; }),
        };
      }).concat([missingBand(views.profile.hours.map(function (h) { return h.counts === null && !h.future; }))]),
    },
    options: Object.assign({}, common, {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true }, missing: missingAxis },
    }),
  });

  chart("weeks-chart", {
    type: "bar",
    data: {
      labels: views.weeks.this_week.map(function (d) { return d.start.slice(0, 10); }),
      datasets: [
        { label: labels.this_week, backgroundColor: "#0b5cad", data: views.weeks.this_week.map(function (d) { return total(d.counts); }) },
        { label: labels.previous_week, backgroundColor: "#98a3b1", data: views.weeks.previous_week.map(function (d) { return total(d.counts); }) },
        missingBand(views.weeks.this_week.map(function (d) { return d.counts === null && !d.future; })),
      ],
    },
    options: Object.assign({}, common, { scales: { y: { beginAtZero: true }, missing: missingAxis } }),
  });

  const directions = Object.keys(views.directions.directions);
  chart("directions-chart", {
    type: "bar",
    data: {
      labels: directions,
      datasets: data.categories.map(function (c) {
        return {
          label: c,
          backgroundColor: colours[c],
          data: directions.map(function (d) { return views.directions.coverage ? views.directions.directions[d][c] : null; }),
        };
      }),
    },
    options: Object.assign({}, common, { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } }),
  });

  chart("coverage-chart", {
    type: "bar",
    data: {
      labels: views.coverage.map(function (i) { return hhmm(i.start); }),
      datasets: [{
        label: labels.coverage + " (%)",
        backgroundColor: "#1c7c3c",
        // No bar where nothing was analysed: the gap is the outage.
        data: views.coverage.map(function (i) { return i.coverage ? Math.round(i.coverage * 100) : null; }),
      }],
    },
    options: Object.assign({}, common, { scales: { y: { min: 0, max: 100 } } }),
  });
})();
