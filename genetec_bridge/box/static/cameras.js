// The cameras page's search: filters the rows already in the page as the user types (no request),
// on what each row is found by (Security Center's name, the site file's alias, group, skills and their
// kinds); a group whose cameras are all filtered out hides its heading too. The words are in the page.
"use strict";
(() => {
  const input = document.getElementById("camera-search");
  if (!input) return;
  const count = document.getElementById("camera-search-count");
  const none = document.getElementById("camera-search-none");
  const groups = [...document.querySelectorAll("#cameras tbody.camera-group")];

  function filter() {
    // The words typed as one phrase: "area c" finds the cameras of "Area C", not every "c".
    const query = input.value.trim().toLocaleLowerCase().replace(/\s+/g, " ");
    let shown = 0;
    for (const group of groups) {
      let shownHere = 0;
      for (const row of group.querySelectorAll("tr[data-search]")) {
        const match = row.dataset.search.includes(query);
        row.hidden = !match;
        if (match) shownHere += 1;
      }
      group.hidden = shownHere === 0;
      shown += shownHere;
    }
    count.textContent = query
      ? count.dataset.template.replace("{shown}", String(shown)).replace("{total}", count.dataset.total)
      : "";
    none.hidden = shown > 0;
  }

  input.addEventListener("input", filter);
  document.addEventListener("keydown", (event) => {
    // "/" puts the cursor in the search box, as in most lists; Escape clears it.
    if (event.key === "/" && document.activeElement !== input && !event.target.closest("input, textarea, select")) {
      event.preventDefault();
      input.focus();
    } else if (event.key === "Escape" && document.activeElement === input) {
      input.value = "";
      filter();
    }
  });
  filter();
})();
