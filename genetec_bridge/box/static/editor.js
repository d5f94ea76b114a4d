// The camera editor: zones, lines and privacy masks drawn on the snapshot (SVG), the skills' forms
// (built from descriptors the server derives from the typed config models), the weekly schedules,
// and save/apply. Plain script, no build step, nothing loaded from elsewhere.
//
// What is drawn on the picture reads the same at any camera resolution: labels at one on-screen size,
// inside the picture and beside (not over) their line; each counting line's A and B sides as the
// counting code names them. The live view shows the newest analysed frame's own picture with its
// boxes, never boxes over an older snapshot.
//
// Nothing typed is lost: every change is kept as a local draft (this browser's localStorage, per user
// and camera; the camera's tables, which hold no secret) until it is saved, and restored on reload or
// after logging in again; leaving with unsaved changes asks first. Apply runs only what the page
// shows: it is disabled, with the reason, while the page holds unsaved or conflicting changes.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  let csrf = document.getElementById("csrf").value;
  const t = (key, values) => {
    let text = data.messages["editor." + key] || key;
    for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
    return text;
  };
  // A value a form offers (a skill kind, an object class, an option) in the reader's language; the
  // config value is what is saved.
  const valueLabel = (group, value) => data.messages[`label.${group}.${value}`] || value;
  // A time of the server's (ISO 8601 on the site's clock, with its offset) as the site's wall clock
  // reads it; the zone is named beside it: the site's, whatever this browser's zone.
  const wallTime = (iso) => (iso ? iso.slice(0, 19).replace("T", " ") : "");
  // A number shown (not typed) in the page's language: 0,35 in French.
  const localNumber = (value) => (typeof value === "number" ? value.toLocaleString(document.documentElement.lang) : value);
  // A parameter's label in the reader's language, its config key in small print (what the file says).
  const fieldLabel = (descriptor) => {
    const text = data.messages["field." + descriptor.name];
    return text ? `${text} · ${descriptor.name}` : descriptor.name;
  };
  const SVG = "http://www.w3.org/2000/svg";
  const STEP = 0.005;
  const canEdit = data.can_edit;
  const original = JSON.parse(JSON.stringify(data.camera));
  let state = { camera: data.camera, schedules: data.schedules };
  let etag = data.etag;
  let savedText = ""; // the page's state as last loaded or saved (set once `cleaned` exists)
  let conflict = null; // {theirs, differences} while a save was refused for someone else's
  const draftKey = `box-draft:${data.user}:${data.camera_id}`;
  let undoStack = [];
  let redoStack = [];
  let selected = null; // {type, index}
  let drawing = null; // {type, points}
  let focusPoint = null;
  let overlay = { objects: [], zones: {}, markers: [] };
  let liveTimer = null;
  let width = 960;
  let height = 540;

  const svg = document.getElementById("drawing");
  const image = document.getElementById("snapshot");
  const statusBox = document.getElementById("status");
  if (!canEdit) document.body.classList.add("read-only");

  // -- state and history ---------------------------------------------------------------------------
  const cam = () => state.camera;
  const listOf = (key) => (cam()[key] = cam()[key] || []);
  function remember() {
    undoStack.push(JSON.stringify(state));
    if (undoStack.length > 200) undoStack.shift();
    redoStack = [];
    markDirty();
  }
  function restore(from, to) {
    if (!from.length) return;
    to.push(JSON.stringify(state));
    state = JSON.parse(from.pop());
    selected = null;
    drawing = null;
    renderAll();
    markDirty();
  }
  const undo = () => restore(undoStack, redoStack);
  const redo = () => restore(redoStack, undoStack);
  function markDirty() {
    setStatus(t("unsaved"), "notice");
    queueMicrotask(updateState); // after the change that called remember() is made
  }
  const shownText = () => JSON.stringify({ camera: cleaned(), schedules: state.schedules });
  const isDirty = () => shownText() !== savedText;
  // The draft is kept while it differs from the saved camera, with the version it started from.
  function updateState() {
    const dirty = isDirty();
    if (dirty && canEdit) {
      localStorage.setItem(draftKey, JSON.stringify({ base: etag, at: new Date().toISOString(), state: { camera: cleaned(), schedules: state.schedules } }));
    } else if (!conflict) {
      localStorage.removeItem(draftKey);
    }
    const apply = document.querySelector("[data-action=apply]");
    const reason = conflict ? t("apply_conflict") : dirty ? t("apply_unsaved") : "";
    apply.disabled = Boolean(reason);
    document.getElementById("apply-reason").textContent = reason;
  }
  function setStatus(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "status " + (kind || "");
  }

  // -- shapes ---------------------------------------------------------------------------------------
  function shapes() {
    const found = [];
    (cam().zones || []).forEach((z, index) => found.push({ type: "zone", index, name: z.name, points: z.polygon, key: `zones[${index}]`, pointsKey: "polygon" }));
    (cam().lines || []).forEach((l, index) => found.push({ type: "line", index, name: l.name, points: l.points, key: `lines[${index}]`, pointsKey: "points" }));
    (cam().privacy_masks || []).forEach((m, index) => found.push({ type: "mask", index, name: `${t("mask")} ${index + 1}`, points: m, key: `privacy_masks[${index}]`, pointsKey: null }));
    return found;
  }
  function shapeOf(ref) {
    return ref && shapes().find((s) => s.type === ref.type && s.index === ref.index);
  }
  function setPoints(ref, points) {
    if (ref.type === "zone") cam().zones[ref.index].polygon = points;
    else if (ref.type === "line") cam().lines[ref.index].points = points;
    else cam().privacy_masks[ref.index] = points;
  }
  const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
  const minPoints = (type) => (type === "line" ? 2 : 3);

  function uniqueName(base, taken) {
    let n = taken.length + 1;
    while (taken.includes(`${base}_${n}`)) n += 1;
    return `${base}_${n}`;
  }
  function finishDrawing() {
    if (!drawing || drawing.points.length < minPoints(drawing.type)) return;
    remember();
    const points = drawing.points.map((p) => [round(p[0]), round(p[1])]);
    if (drawing.type === "zone") {
      listOf("zones").push({ name: uniqueName("zone", cam().zones.map((z) => z.name)), polygon: points });
      selected = { type: "zone", index: cam().zones.length - 1 };
    } else if (drawing.type === "line") {
      listOf("lines").push({ name: uniqueName("line", cam().lines.map((l) => l.name)), points });
      selected = { type: "line", index: cam().lines.length - 1 };
    } else {
      listOf("privacy_masks").push(points);
      selected = { type: "mask", index: cam().privacy_masks.length - 1 };
    }
    drawing = null;
    renderAll();
  }
  // A zone or line that skills use: asks first, naming them; deleted with them (one Undo brings all back).
  function deleteShape() {
    const shape = shapeOf(selected);
    if (!shape) return;
    const users = shape.type === "mask" ? [] : (cam().skills || []).filter((skill) => skill[shape.type] === shape.name);
    if (users.length) {
      const names = users.map((skill) => skill.name || `${valueLabel("kind", skill.kind)} – ${shape.name}`).join(", ");
      if (!window.confirm(t("delete_used", { shape: `${t(shape.type)} « ${shape.name} »`, skills: names }))) return;
    }
    remember();
    const list = { zone: "zones", line: "lines", mask: "privacy_masks" }[shape.type];
    cam()[list].splice(shape.index, 1);
    if (users.length) cam().skills = cam().skills.filter((skill) => !users.includes(skill));
    selected = null;
    renderAll();
  }
  function deletePoint(ref, index) {
    const shape = shapeOf(ref);
    if (!shape || shape.points.length <= minPoints(shape.type)) return;
    remember();
    setPoints(ref, shape.points.filter((_, i) => i !== index));
    focusPoint = null;
    renderAll();
  }
  function renameTarget(kind, oldName, newName) {
    for (const skill of cam().skills || []) if (skill[kind] === oldName) skill[kind] = newName;
  }

  // -- drawing --------------------------------------------------------------------------------------
  function toNormalised(event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(svg.getScreenCTM().inverse());
    return [round(local.x / width), round(local.y / height)];
  }
  function element(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    (parent || svg).appendChild(node);
    return node;
  }
  const pixels = (points) => points.map((p) => `${p[0] * width},${p[1] * height}`).join(" ");
  const radius = () => Math.max(width, height) / 110;
  // Picture units per screen pixel: labels and side marks keep one size on screen whatever the
  // picture's resolution (box.css sizes them in multiples of --unit).
  function screenUnit() {
    const shown = svg.getBoundingClientRect().width;
    return shown > 0 ? width / shown : 1;
  }
  // A label wholly inside the picture: moved in from any edge it would cross.
  function placeLabel(x, y, text, cls, anchor) {
    const node = element("text", { x, y, class: cls });
    node.textContent = text;
    if (anchor) node.style.textAnchor = anchor;
    const box = node.getBBox();
    const dx = Math.max(0, -box.x) - Math.max(0, box.x + box.width - width);
    const dy = Math.max(0, -box.y) - Math.max(0, box.y + box.height - height);
    node.setAttribute("x", x + dx);
    node.setAttribute("y", y + dy);
    return node;
  }
  // The sides of a counting line as the counting code names them: a crossing A->B starts on the side
  // where cross(B - A, P - A) > 0 (image coordinates, y down) and ends on the other.
  // The line's name sits beside it, above it on screen (beside a steep one), from the side marks
  // towards A: never over the line nor over the marks.
  function renderLineLabels(shape) {
    const [a, b] = shape.points.map((p) => [p[0] * width, p[1] * height]);
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    const normal = [-(b[1] - a[1]) / length, (b[0] - a[0]) / length];
    const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const away = 18 * screenUnit();
    const at = (k) => [mid[0] + normal[0] * away * k, mid[1] + normal[1] * away * k];
    element("line", { x1: at(0.6)[0], y1: at(0.6)[1], x2: at(-0.6)[0], y2: at(-0.6)[1], class: "crossing", "marker-end": "url(#arrow)" });
    placeLabel(at(1)[0], at(1)[1], "A", "label side").dataset.side = "A";
    placeLabel(at(-1)[0], at(-1)[1], "B", "label side").dataset.side = "B";
    const up = normal[1] > 0 ? -1 : 1;
    const off = [normal[0] * up, normal[1] * up];
    const towardA = [(a[0] - b[0]) / length, (a[1] - b[1]) / length];
    const steep = Math.abs(b[0] - a[0]) < Math.abs(b[1] - a[1]);
    const outward = steep ? off[0] : towardA[0];
    const x = mid[0] + (towardA[0] * 0.9 + off[0]) * away;
    const y = mid[1] + (towardA[1] * 0.9 + off[1]) * away;
    placeLabel(x, y, shape.name, "label", outward < 0 ? "end" : "start");
  }

  function renderDrawing() {
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.style.setProperty("--unit", screenUnit());
    svg.replaceChildren();
    const defs = element("defs", {});
    const arrow = 10 * screenUnit();
    const marker = element("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "8", refY: "5", markerUnits: "userSpaceOnUse", markerWidth: arrow, markerHeight: arrow, orient: "auto-start-reverse" }, defs);
    element("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }, marker);
    for (const shape of shapes()) {
      const isSelected = selected && selected.type === shape.type && selected.index === shape.index;
      const occupied = shape.type === "zone" && overlay.zones[shape.name] > 0;
      const cls = `shape ${shape.type}${isSelected ? " selected" : ""}${occupied ? " occupied" : ""}${isOff(shape) ? " off" : ""}`;
      const node = shape.type === "line"
        ? element("line", { x1: shape.points[0][0] * width, y1: shape.points[0][1] * height, x2: shape.points[1][0] * width, y2: shape.points[1][1] * height, class: cls })
        : element("polygon", { points: pixels(shape.points), class: cls });
      node.dataset.type = shape.type;
      node.dataset.index = shape.index;
      node.addEventListener("pointerdown", (event) => {
        if (drawing) return;
        event.stopPropagation();
        selected = { type: shape.type, index: shape.index };
        renderAll();
      });
      if (shape.type === "line") renderLineLabels(shape);
      else {
        const cx = shape.points.reduce((s, p) => s + p[0], 0) / shape.points.length;
        const cy = shape.points.reduce((s, p) => s + p[1], 0) / shape.points.length;
        placeLabel(cx * width, cy * height, shape.name, "label");
      }
      if (isSelected && canEdit) renderHandles(shape);
    }
    renderOverlay();
    if (drawing) {
      element("polyline", { points: pixels(drawing.points), class: `drawing ${drawing.type}` });
      drawing.points.forEach((p, i) => {
        const handle = element("circle", { cx: p[0] * width, cy: p[1] * height, r: radius() * (i === 0 ? 1.4 : 1), class: i === 0 ? "handle first" : "handle" });
        if (i === 0 && drawing.type !== "line") {
          handle.addEventListener("pointerdown", (event) => {
            event.stopPropagation();
            finishDrawing();
          });
        }
      });
    }
  }

  function renderOverlay() {
    for (const object of overlay.objects) {
      const [x1, y1, x2, y2] = object.box;
      element("rect", { x: x1 * width, y: y1 * height, width: (x2 - x1) * width, height: (y2 - y1) * height, class: "track" });
      placeLabel(x1 * width, y1 * height - 4 * screenUnit(), `${object.class} ${object.track_id}`, "track-label");
    }
    for (const marker of overlay.markers) {
      if (!marker.position) continue;
      const dot = element("circle", { cx: marker.position[0] * width, cy: marker.position[1] * height, r: radius() * 0.8, class: marker.firing ? "marker firing" : "marker" });
      const title = element("title", {}, dot);
      title.textContent = `${wallTime(marker.at)} ${marker.skill} ${marker.phase} ${marker.class} ${marker.track_id}`;
    }
  }

  function renderHandles(shape) {
    const ref = { type: shape.type, index: shape.index };
    shape.points.forEach((p, i) => {
      const handle = element("circle", { cx: p[0] * width, cy: p[1] * height, r: radius(), class: "handle vertex", tabindex: "0", role: "button", "aria-label": `${shape.name} ${i + 1}: ${p[0]}, ${p[1]}` });
      handle.dataset.point = i;
      handle.addEventListener("pointerdown", (event) => {
        event.stopPropagation();
        if (event.button === 2) return;
        focusPoint = i;
        startDrag(ref, i, event, true);
      });
      handle.addEventListener("contextmenu", (event) => {
        event.preventDefault();
        deletePoint(ref, i);
      });
      handle.addEventListener("keydown", (event) => {
        const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
        if (moves[event.key]) {
          event.preventDefault();
          remember();
          const step = event.shiftKey ? STEP * 4 : STEP;
          const current = shapeOf(ref).points.map((pt) => pt.slice());
          current[i] = [round(current[i][0] + moves[event.key][0] * step), round(current[i][1] + moves[event.key][1] * step)];
          setPoints(ref, current);
          focusPoint = i;
          renderAll();
        } else if (event.key === "Delete" || event.key === "Backspace") {
          event.preventDefault();
          deletePoint(ref, i);
        }
      });
      handle.addEventListener("focus", () => (focusPoint = i));
      if (focusPoint === i) requestAnimationFrame(() => handle.focus({ preventScroll: true }));
    });
    // After the points: Tab visits every point first, then the '+' of each edge.
    if (shape.type !== "line") {
      shape.points.forEach((p, i) => {
        const q = shape.points[(i + 1) % shape.points.length];
        const insert = element("circle", { cx: ((p[0] + q[0]) / 2) * width, cy: ((p[1] + q[1]) / 2) * height, r: radius() * 0.7, class: "insert", tabindex: "0", role: "button", "aria-label": `+ ${shape.name} ${i + 1}–${((i + 1) % shape.points.length) + 1}` });
        insert.dataset.edge = i;
        const insertPoint = () => {
          remember();
          const points = shape.points.slice();
          points.splice(i + 1, 0, [round((p[0] + q[0]) / 2), round((p[1] + q[1]) / 2)]);
          setPoints(ref, points);
          focusPoint = i + 1;
          renderAll();
        };
        insert.addEventListener("pointerdown", (event) => {
          event.stopPropagation();
          insertPoint();
          startDrag(ref, i + 1, event, false);
        });
        insert.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            insertPoint();
          }
        });
      });
    }
  }

  function startDrag(ref, index, event, rememberFirst) {
    let moved = false;
    const move = (e) => {
      if (!moved && rememberFirst) remember();
      moved = true;
      const points = shapeOf(ref).points.map((pt) => pt.slice());
      points[index] = toNormalised(e);
      setPoints(ref, points);
      renderDrawing();
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      renderAll();
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  svg.addEventListener("pointerdown", (event) => {
    if (!canEdit || event.button !== 0) return;
    if (drawing) {
      drawing.points.push(toNormalised(event));
      if (drawing.type === "line" && drawing.points.length === 2) finishDrawing();
      else renderDrawing();
      updateHint();
    } else if (selected) {
      selected = null;
      renderAll();
    }
  });
  svg.addEventListener("contextmenu", (event) => event.preventDefault());

  // From the keyboard (a button pressed with Enter or Space) a shape is placed in the middle of the
  // image at once, its first point focused: arrow keys move points, Enter on a '+' inserts one.
  const PLACED = {
    zone: [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]],
    mask: [[0.45, 0.45], [0.55, 0.45], [0.55, 0.55], [0.45, 0.55]],
    line: [[0.35, 0.5], [0.65, 0.5]],
  };
  function startShape(type, fromKeyboard) {
    selected = null;
    drawing = { type, points: fromKeyboard ? PLACED[type].map((p) => p.slice()) : [] };
    if (fromKeyboard) {
      finishDrawing();
      focusPoint = 0;
    }
    renderAll();
  }
  function updateHint() {
    const hint = document.getElementById("hint");
    if (drawing) hint.textContent = t(drawing.type === "line" ? "hint_line" : "hint_polygon");
    else if (selected) hint.textContent = t("hint_selected");
    else hint.textContent = t("hint_idle");
  }

  // -- on/off switches -------------------------------------------------------------------------------
  // Switched off (`enabled = false`), a zone, line or skill stays in the file but is not analysed; a
  // skill whose zone or line is off is off too. Both are greyed, in the lists and on the picture.
  const shapeTable = (shape) => (shape.type === "zone" ? cam().zones : cam().lines)[shape.index];
  const isOff = (shape) => shape.type !== "mask" && shapeTable(shape).enabled === false;
  function offTarget(skill) {
    const kind = data.forms.skills[skill.kind];
    const target = kind && kind.target;
    const used = target === "zone" ? [skill.zone] : [skill.line, ...(skill.origins || [])];
    const table = target === "zone" ? cam().zones || [] : cam().lines || [];
    const off = table.find((item) => used.includes(item.name) && item.enabled === false);
    return off ? { target: t(target).toLowerCase(), name: off.name } : null;
  }
  function onOffSwitch(object, label, onChange) {
    const wrapper = document.createElement("label");
    wrapper.className = "switch";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.className = "enabled-toggle";
    box.checked = object.enabled !== false;
    box.disabled = !canEdit;
    box.setAttribute("aria-label", `${label} – ${t("enabled")}`);
    box.addEventListener("change", () => {
      remember();
      setOrDelete(object, "enabled", box.checked ? undefined : false);
      (onChange || renderAll)();
    });
    wrapper.append(box, " " + t("enabled"));
    return wrapper;
  }

  // -- shape list -----------------------------------------------------------------------------------
  function renderShapeList() {
    const list = document.getElementById("shape-list");
    list.replaceChildren();
    for (const shape of shapes()) {
      const item = document.createElement("li");
      item.className = "field" + (selected && selected.type === shape.type && selected.index === shape.index ? " selected" : "") + (isOff(shape) ? " off" : "");
      item.dataset.key = shape.pointsKey ? `${shape.key}.${shape.pointsKey}` : shape.key;
      const select = document.createElement("button");
      select.type = "button";
      select.className = `swatch ${shape.type}`;
      select.textContent = t(shape.type);
      select.addEventListener("click", () => {
        selected = { type: shape.type, index: shape.index };
        renderAll();
      });
      item.appendChild(select);
      if (shape.type !== "mask") {
        const wrapper = document.createElement("span");
        wrapper.className = "field";
        wrapper.dataset.key = `${shape.key}.name`;
        const name = document.createElement("input");
        name.value = shape.name;
        name.setAttribute("aria-label", `${t(shape.type)} – ${t("name")}`);
        name.className = "shape-name";
        name.disabled = !canEdit;
        name.addEventListener("change", () => {
          remember();
          const kind = shape.type === "zone" ? "zone" : "line";
          renameTarget(kind, shape.name, name.value);
          (shape.type === "zone" ? cam().zones : cam().lines)[shape.index].name = name.value;
          renderAll();
        });
        wrapper.appendChild(name);
        item.appendChild(wrapper);
        item.appendChild(onOffSwitch(shapeTable(shape), shape.name));
      } else {
        item.appendChild(document.createTextNode(" " + shape.name));
      }
      list.appendChild(item);
    }
  }

  // -- skill forms ----------------------------------------------------------------------------------
  function field(container, key, labelText, description) {
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    wrapper.dataset.key = key;
    const id = "f-" + key.replace(/[^a-zA-Z0-9]/g, "-");
    if (labelText) {
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = labelText;
      if (description) label.title = description;
      wrapper.appendChild(label);
    }
    container.appendChild(wrapper);
    return { wrapper, id };
  }
  function setOrDelete(object, name, value) {
    if (value === undefined || value === "" || (typeof value === "number" && Number.isNaN(value))) delete object[name];
    else object[name] = value;
  }
  function changed(action) {
    return () => {
      remember();
      action();
      renderDrawing();
    };
  }
  function numberInput(object, descriptor, key, container, labelText) {
    const { wrapper, id } = field(container, key, labelText || fieldLabel(descriptor), descriptor.description);
    const input = document.createElement("input");
    input.type = "number";
    input.id = id;
    input.step = descriptor.widget === "integer" ? "1" : "any";
    if (descriptor.ge !== undefined) input.min = descriptor.ge;
    if (descriptor.gt !== undefined) input.min = descriptor.gt;
    if (descriptor.le !== undefined) input.max = descriptor.le;
    if (descriptor.default !== null && descriptor.default !== undefined) input.placeholder = `${t("default")}: ${localNumber(descriptor.default)}`;
    input.value = object[descriptor.name] ?? "";
    input.disabled = !canEdit;
    input.addEventListener("change", changed(() => setOrDelete(object, descriptor.name, input.value === "" ? undefined : Number(input.value))));
    wrapper.appendChild(input);
  }
  function selectInput(object, name, key, container, labelText, options, description, defaultText) {
    const { wrapper, id } = field(container, key, labelText, description);
    const select = document.createElement("select");
    select.id = id;
    select.disabled = !canEdit;
    const blank = document.createElement("option");
    blank.value = "";
    blank.textContent = defaultText || t("none");
    select.appendChild(blank);
    for (const [value, text] of options) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      select.appendChild(option);
    }
    select.value = object[name] ?? "";
    select.addEventListener("change", changed(() => setOrDelete(object, name, select.value || undefined)));
    wrapper.appendChild(select);
    return select;
  }
  function checkboxes(object, descriptor, key, container, options, group) {
    const { wrapper } = field(container, key, fieldLabel(descriptor), descriptor.description);
    const checks = document.createElement("div");
    checks.className = "checks";
    const current = object[descriptor.name] ?? descriptor.default ?? [];
    for (const option of options) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = option;
      box.checked = current.includes(option);
      box.disabled = !canEdit;
      box.addEventListener("change", changed(() => {
        object[descriptor.name] = [...checks.querySelectorAll("input:checked")].map((b) => b.value);
      }));
      label.append(box, " " + valueLabel(group, option));
      checks.appendChild(label);
    }
    wrapper.appendChild(checks);
  }
  function renderField(skill, descriptor, index, container) {
    const key = `skills[${index}].${descriptor.name}`;
    const kind = data.forms.skills[skill.kind];
    switch (descriptor.widget) {
      case "kind":
      case "switch": // beside the skill's title
        return;
      case "target": {
        const names = (kind.target === "zone" ? cam().zones || [] : cam().lines || []).map((s) => [s.name, s.name]);
        selectInput(skill, descriptor.name, key, container, t(kind.target), names, descriptor.description);
        return;
      }
      case "schedule":
        selectInput(skill, "schedule", key, container, fieldLabel(descriptor), Object.keys(state.schedules).map((n) => [n, n]), descriptor.description, t("always"));
        return;
      case "alert":
        return renderAlert(skill, index, container);
      case "number":
      case "integer":
        return numberInput(skill, descriptor, key, container);
      case "text":
      case "alarm": {
        const { wrapper, id } = field(container, key, fieldLabel(descriptor), descriptor.description);
        const input = document.createElement("input");
        input.type = "text";
        input.id = id;
        input.value = skill[descriptor.name] ?? "";
        input.placeholder = descriptor.default ?? "";
        input.disabled = !canEdit;
        input.addEventListener("change", changed(() => setOrDelete(skill, descriptor.name, input.value || undefined)));
        wrapper.appendChild(input);
        return;
      }
      case "choice":
        selectInput(skill, descriptor.name, key, container, fieldLabel(descriptor), descriptor.options.map((o) => [o, valueLabel("option", o)]), descriptor.description, `${t("default")}: ${valueLabel("option", descriptor.default)}`);
        return;
      case "choices":
        return checkboxes(skill, descriptor, key, container, descriptor.options, "option");
      case "classes":
        return checkboxes(skill, descriptor, key, container, data.forms.classes, "class");
      case "bool": {
        const { wrapper, id } = field(container, key, "", descriptor.description);
        const text = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = id;
        box.checked = skill[descriptor.name] ?? descriptor.default ?? false;
        box.disabled = !canEdit;
        box.addEventListener("change", changed(() => (skill[descriptor.name] = box.checked)));
        text.append(box, " " + fieldLabel(descriptor));
        wrapper.appendChild(text);
        return;
      }
      case "class_numbers": {
        const { wrapper } = field(container, key, `${fieldLabel(descriptor)} (${t("per_class")})`, descriptor.description);
        const grid = document.createElement("div");
        grid.className = "per-class";
        const values = skill[descriptor.name] || {};
        for (const name of data.forms.classes) {
          const label = document.createElement("label");
          const input = document.createElement("input");
          input.type = "number";
          input.step = "any";
          input.value = values[name] ?? "";
          input.disabled = !canEdit;
          input.dataset.className = name;
          input.addEventListener("change", changed(() => {
            const next = { ...(skill[descriptor.name] || {}) };
            setOrDelete(next, name, input.value === "" ? undefined : Number(input.value));
            setOrDelete(skill, descriptor.name, Object.keys(next).length ? next : undefined);
          }));
          label.append(valueLabel("class", name) + " ", input);
          grid.appendChild(label);
        }
        wrapper.appendChild(grid);
        return;
      }
      default: {
        const { wrapper, id } = field(container, key, fieldLabel(descriptor) + " (JSON)", descriptor.description);
        const area = document.createElement("textarea");
        area.id = id;
        area.rows = 3;
        area.value = skill[descriptor.name] === undefined ? "" : JSON.stringify(skill[descriptor.name]);
        area.disabled = !canEdit;
        area.addEventListener("change", (event) => {
          try {
            const value = area.value.trim() ? JSON.parse(area.value) : undefined;
            changed(() => setOrDelete(skill, descriptor.name, value))();
            showError(wrapper, "");
          } catch (error) {
            // Not passed on to the page's "a corrected field loses its error" handler: it is not corrected.
            event.stopPropagation();
            showError(wrapper, String(error.message));
          }
        });
        wrapper.appendChild(area);
      }
    }
  }
  function renderAlert(skill, index, container) {
    const key = `skills[${index}].alert`;
    const { wrapper } = field(container, key, "");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = Boolean(skill.alert);
    box.disabled = !canEdit;
    box.className = "alert-toggle";
    label.append(box, " " + t("alert"));
    wrapper.appendChild(label);
    box.addEventListener("change", () => {
      remember();
      // A new routing starts with what the kind raises: a visit sends its start and its end.
      if (box.checked) skill.alert = { custom_event_id: nextEventId(), ...data.forms.skills[skill.kind].alert_defaults };
      else delete skill.alert;
      renderSkills();
    });
    if (!skill.alert) return;
    const inner = document.createElement("div");
    inner.className = "nested";
    wrapper.appendChild(inner);
    for (const descriptor of data.forms.alert) {
      const innerKey = `${key}.${descriptor.name}`;
      if (descriptor.widget === "alarm") {
        selectInput(skill.alert, "alarm", innerKey, inner, fieldLabel(descriptor), data.alarms.map((a) => [a.guid, a.name]), descriptor.description);
      } else {
        renderField(skill.alert, { ...descriptor }, index, inner);
        const last = inner.lastElementChild;
        if (last) last.dataset.key = innerKey;
      }
    }
  }
  function nextEventId() {
    const used = (cam().skills || []).map((s) => (s.alert ? s.alert.custom_event_id : 0));
    return Math.max(8000, ...used) + 1;
  }
  function renderSkills() {
    const container = document.getElementById("skills");
    container.replaceChildren();
    (cam().skills || []).forEach((skill, index) => {
      const set = document.createElement("fieldset");
      set.className = "skill";
      set.dataset.key = `skills[${index}]`;
      const legend = document.createElement("legend");
      legend.textContent = `${valueLabel("kind", skill.kind)} – ${skill.zone || skill.line || "?"} `;
      legend.appendChild(onOffSwitch(skill, skill.name || `${valueLabel("kind", skill.kind)}: ${skill.zone || skill.line}`));
      set.appendChild(legend);
      const off = skill.enabled === false ? t("switched_off") : offTarget(skill) && t("off_by_target", offTarget(skill));
      if (off) {
        set.classList.add("off");
        const note = document.createElement("p");
        note.className = "off-note";
        note.textContent = off;
        set.appendChild(note);
      }
      const kind = data.forms.skills[skill.kind];
      if (!kind) {
        set.appendChild(document.createTextNode(valueLabel("kind", skill.kind)));
      } else {
        for (const descriptor of kind.fields) renderField(skill, descriptor, index, set);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "edit-only";
      remove.textContent = t("remove");
      remove.addEventListener("click", () => {
        remember();
        cam().skills.splice(index, 1);
        renderAll();
      });
      set.appendChild(remove);
      container.appendChild(set);
    });
  }
  function addSkill() {
    const kind = document.getElementById("new-skill-kind").value;
    const target = data.forms.skills[kind].target;
    const shape = shapeOf(selected);
    const names = (target === "zone" ? cam().zones || [] : cam().lines || []).map((s) => s.name);
    const chosen = shape && shape.type === target ? shape.name : names[names.length - 1];
    remember();
    listOf("skills").push({ kind, [target]: chosen || "" });
    renderSkills();
  }

  // -- schedules ------------------------------------------------------------------------------------
  const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  function renderSchedules() {
    const container = document.getElementById("schedules");
    container.replaceChildren();
    for (const [name, schedule] of Object.entries(state.schedules)) {
      const set = document.createElement("fieldset");
      set.className = "schedule";
      set.dataset.key = `schedules.${name}`;
      const legend = document.createElement("legend");
      legend.textContent = name;
      set.appendChild(legend);
      const { wrapper, id } = field(set, `schedules.${name}.timezone`, t("timezone"));
      const zone = document.createElement("input");
      zone.id = id;
      zone.setAttribute("list", "timezones");
      zone.value = schedule.timezone || "";
      zone.placeholder = "UTC";
      zone.disabled = !canEdit;
      zone.addEventListener("change", changed(() => setOrDelete(schedule, "timezone", zone.value || undefined)));
      wrapper.appendChild(zone);
      schedule.windows = schedule.windows || [];
      schedule.windows.forEach((window_, j) => renderWindow(set, name, schedule, window_, j));
      const add = document.createElement("button");
      add.type = "button";
      add.className = "edit-only";
      add.textContent = t("add_window");
      add.addEventListener("click", () => {
        remember();
        schedule.windows.push({ days: DAYS.slice(0, 5), start: "08:00", end: "18:00" });
        renderSchedules();
      });
      set.appendChild(add);
      container.appendChild(set);
    }
  }
  function renderWindow(set, name, schedule, window_, j) {
    const key = `schedules.${name}.windows[${j}]`;
    const row = document.createElement("div");
    row.className = "window field";
    row.dataset.key = key;
    const labels = t("days").split(" ");
    const days = window_.days || DAYS;
    DAYS.forEach((day, d) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = days.includes(day);
      box.disabled = !canEdit;
      box.addEventListener("change", changed(() => {
        window_.days = DAYS.filter((_, k) => row.querySelectorAll("input[type=checkbox]")[k].checked);
      }));
      label.append(box, labels[d]);
      row.appendChild(label);
    });
    for (const end of ["start", "end"]) {
      const span = document.createElement("span");
      span.className = "field";
      span.dataset.key = `${key}.${end}`;
      const input = document.createElement("input");
      input.className = "clock";
      input.value = window_[end] || "";
      input.placeholder = "HH:MM";
      input.setAttribute("aria-label", t(end));
      input.disabled = !canEdit;
      input.addEventListener("change", () => {
        changed(() => (window_[end] = input.value))();
        renderSchedules();
      });
      span.append(t(end) + " ", input);
      row.appendChild(span);
    }
    if (window_.start && window_.end && window_.end < window_.start) {
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = " " + t("next_day");
      row.appendChild(note);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "edit-only";
    remove.textContent = t("remove");
    remove.addEventListener("click", () => {
      remember();
      schedule.windows.splice(j, 1);
      renderSchedules();
    });
    row.appendChild(remove);
    set.appendChild(row);
  }

  // -- errors, save, apply --------------------------------------------------------------------------
  function showError(wrapper, message) {
    let box = wrapper.querySelector(":scope > .field-error");
    if (!message) {
      if (box) box.remove();
      wrapper.classList.remove("invalid");
      return;
    }
    if (!box) {
      box = document.createElement("p");
      box.className = "field-error";
      box.setAttribute("role", "alert");
      wrapper.appendChild(box);
    }
    wrapper.classList.add("invalid");
    box.textContent = box.textContent ? `${box.textContent}; ${message}` : message;
  }
  function clearErrors() {
    document.querySelectorAll(".field-error").forEach((node) => node.remove());
    document.querySelectorAll(".invalid").forEach((node) => node.classList.remove("invalid"));
    const other = document.getElementById("other-problems");
    other.hidden = true;
    other.replaceChildren();
  }
  function showProblems(problems) {
    clearErrors();
    const other = document.getElementById("other-problems");
    for (const problem of problems) {
      // The nearest field of the form to the key: `skills[0].alert.alarm`, else `skills[0].alert`, ...
      const full = problem.key.replace(/^cameras\[\d+\]\./, "");
      let key = full;
      let target = null;
      while (key && !target) {
        target = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
        if (!target) {
          const shorter = key.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
          key = shorter === key ? "" : shorter;
        }
      }
      if (target) showError(target, full === key ? problem.message : `${full.slice(key.length).replace(/^\./, "")}: ${problem.message}`);
      else {
        other.hidden = false;
        const line = document.createElement("p");
        line.textContent = `${problem.key}: ${problem.message}`;
        other.appendChild(line);
      }
    }
    const first = document.querySelector(".invalid");
    if (first) first.scrollIntoView({ block: "center" });
  }
  function cleaned() {
    const camera = JSON.parse(JSON.stringify(cam()));
    for (const key of ["zones", "lines", "privacy_masks", "skills"]) {
      if (Array.isArray(camera[key]) && !camera[key].length && !(key in original)) delete camera[key];
    }
    return camera;
  }
  async function send(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let payload = {};
    try {
      payload = await response.json();
    } catch (error) {
      payload = { error: String(error) };
    }
    return { status: response.status, payload };
  }
  // After the session ended and its user logged in again (another tab), the page's CSRF token is the
  // old session's: it is read again from the new session, and the request sent once more.
  async function post(url, body) {
    let answer = await send(url, body);
    if (answer.status === 403 && /CSRF/.test(answer.payload.error || "")) {
      const session = await fetch("/api/session", { credentials: "same-origin" });
      if (session.ok) {
        csrf = (await session.json()).csrf;
        answer = await send(url, body);
      }
    }
    if (answer.status === 401) showSessionEnded();
    return answer;
  }
  function showSessionEnded() {
    const link = document.createElement("a");
    link.href = `/login?next=${encodeURIComponent(location.pathname)}`;
    link.target = "_blank";
    link.textContent = t("log_in_again");
    statusBox.replaceChildren(document.createTextNode(t("session_ended") + " "), link);
    statusBox.className = "status error";
  }
  async function save() {
    const shown = shownText();
    const { status, payload } = await post(`/api/cameras/${data.camera_id}`, { camera: cleaned(), schedules: state.schedules, etag });
    if (status === 200) {
      etag = payload.etag;
      savedText = shown;
      clearErrors();
      setStatus(t("saved", { n: payload.version }), "ok");
      updateState();
    } else if (status === 409) {
      showConflict(payload);
    } else if (status === 401) {
      return; // the message says to log in again; the draft stays
    } else if (status === 422) {
      showProblems(payload.problems);
      setStatus(t("invalid", { count: payload.problems.length }), "error");
    } else {
      setStatus(payload.message || payload.error || `HTTP ${status}`, "error");
    }
  }
  async function apply() {
    if (isDirty() || conflict) return updateState();
    const { status, payload } = await post("/api/apply", { camera: data.camera_id, etag });
    if (status === 200) {
      let text = t("applied", { cameras: payload.changed.length });
      if (payload.restart_needed.length) text += " " + t("restart_needed", { sections: payload.restart_needed.join(", ") });
      setStatus(text, "ok");
    } else if (status === 409) {
      setStatus(t("apply_not_shown"), "error");
    } else if (status === 401) {
      return;
    } else if (status === 422) {
      showProblems(payload.problems);
      setStatus(t("invalid", { count: payload.problems.length }), "error");
    } else {
      setStatus(payload.message || payload.error || `HTTP ${status}`, "error");
    }
  }

  // -- conflicts and the local draft --------------------------------------------------------------------
  // Both versions stay until the user chooses: "keep mine" saves over theirs at the next Save (theirs
  // stays in the versions), "take theirs" loads theirs (mine stays one Undo away).
  function showConflict(payload) {
    conflict = payload;
    const view = document.getElementById("conflict");
    const list = document.getElementById("conflict-differences");
    list.replaceChildren();
    for (const line of payload.differences.length ? payload.differences : [t("no_difference")]) {
      const item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    }
    view.hidden = false;
    setStatus(t("conflict"), "error");
    updateState();
    view.scrollIntoView({ block: "nearest" });
  }
  function settleConflict(takeTheirs) {
    const theirs = conflict.theirs;
    conflict = null;
    document.getElementById("conflict").hidden = true;
    etag = theirs.etag;
    savedText = JSON.stringify({ camera: theirs.camera, schedules: theirs.schedules });
    if (takeTheirs) {
      remember();
      state = { camera: theirs.camera, schedules: theirs.schedules };
      setStatus(t("took_theirs"), "notice");
    } else {
      setStatus(t("kept_mine"), "notice");
    }
    renderAll();
    updateState();
  }
  async function restoreDraft() {
    const kept = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (!kept || !canEdit || JSON.stringify(kept.state) === savedText) return;
    state = kept.state;
    const note = document.getElementById("draft-note");
    note.querySelector("span").textContent = t("draft_restored", { at: new Date(kept.at).toLocaleString(document.documentElement.lang, { timeZone: data.timezone }), zone: data.timezone });
    note.hidden = false;
    if (kept.base !== etag) {
      // Started from a version someone has since replaced: both are shown, the user chooses.
      const { status, payload } = await post(`/api/cameras/${data.camera_id}/compare`, kept.state);
      if (status === 200) showConflict(payload);
    }
    renderAll();
    updateState();
  }
  function discardDraft() {
    remember();
    state = JSON.parse(savedText);
    document.getElementById("draft-note").hidden = true;
    localStorage.removeItem(draftKey);
    renderAll();
    updateState();
  }
  window.addEventListener("beforeunload", (event) => {
    if (!canEdit || !isDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // -- copy to other cameras ------------------------------------------------------------------------
  // A copy takes this camera as saved (Save first), is previewed per target camera, then written by the
  // server as one version; Apply then runs it, as after a save.
  const copyPicked = new Set(); // "whole", "zones:Porch", "lines:Gate", "skills:Porch at night"
  const copyTargets = new Set();
  let copyPlan = null; // {choice, etag, targets}: what the preview showed, until the choice changes
  const skillLabel = (skill) => skill.name || `${skill.kind}:${skill.zone || skill.line}`;
  function copyCheckbox(container, picked, value, text) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = value;
    box.checked = picked.has(value);
    box.addEventListener("change", () => {
      if (box.checked) picked.add(value);
      else picked.delete(value);
      forgetCopyPlan();
    });
    label.append(box, " " + text);
    container.appendChild(label);
  }
  function renderCopy() {
    const what = document.getElementById("copy-what-items");
    what.replaceChildren();
    const offered = ["whole"];
    copyCheckbox(what, copyPicked, "whole", t("copy_whole"));
    for (const [table, type] of [["zones", "zone"], ["lines", "line"]]) {
      for (const item of cam()[table] || []) {
        offered.push(`${table}:${item.name}`);
        copyCheckbox(what, copyPicked, `${table}:${item.name}`, `${t(type)} ${item.name}`);
      }
    }
    for (const skill of cam().skills || []) {
      offered.push(`skills:${skillLabel(skill)}`);
      copyCheckbox(what, copyPicked, `skills:${skillLabel(skill)}`, `${valueLabel("kind", skill.kind)} – ${skill.name || skill.zone || skill.line}`);
    }
    for (const value of [...copyPicked]) if (!offered.includes(value)) copyPicked.delete(value);
  }
  function renderCopyTargets() {
    const targets = document.getElementById("copy-target-items");
    for (const camera of data.cameras) copyCheckbox(targets, copyTargets, camera.id, camera.name);
  }
  function copyChoice() {
    const named = (table) => [...copyPicked].filter((v) => v.startsWith(table + ":")).map((v) => v.slice(table.length + 1));
    const onClash = document.querySelector("input[name=copy-clash]:checked").value;
    return { zones: named("zones"), lines: named("lines"), skills: named("skills"), whole_camera: copyPicked.has("whole"), on_clash: onClash };
  }
  function forgetCopyPlan() {
    copyPlan = null;
    document.getElementById("copy-preview").replaceChildren();
    document.querySelector("[data-action=copy]").disabled = true;
  }
  function copyFailed(status, payload) {
    if (status === 401) return; // the message says to log in again
    if (status === 422) setStatus(payload.problems.map((p) => `${p.key}: ${p.message}`).join("; "), "error");
    else setStatus(payload.error || `HTTP ${status}`, "error");
  }
  async function previewCopy() {
    forgetCopyPlan();
    if (isDirty() || conflict) return setStatus(t("copy_unsaved"), "error");
    const choice = copyChoice();
    const targets = [...copyTargets];
    const something = choice.whole_camera || choice.zones.length || choice.lines.length || choice.skills.length;
    if (!targets.length || !something) return setStatus(t("copy_nothing"), "error");
    const shown = etag;
    const { status, payload } = await post(`/api/cameras/${data.camera_id}/copy/preview`, { copy: choice, targets });
    if (status !== 200) return copyFailed(status, payload);
    copyPlan = { choice, etag: shown, targets: payload.targets };
    showCopyPreview(payload);
  }
  function paragraph(container, text, className) {
    const line = document.createElement("p");
    line.textContent = text;
    if (className) line.className = className;
    container.appendChild(line);
    return line;
  }
  function showCopyPreview(payload) {
    const box = document.getElementById("copy-preview");
    for (const target of payload.targets) {
      const section = document.createElement("div");
      section.className = "copy-target";
      section.dataset.camera = target.camera;
      const title = document.createElement("h3");
      title.textContent = target.name;
      const list = document.createElement("ul");
      for (const line of target.changes.length ? target.changes : [t("copy_no_change")]) {
        const item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      }
      section.append(title, list);
      if (target.renamed.length) paragraph(section, t("copy_renamed", { items: target.renamed.join(", ") }));
      if (target.replaced.length) paragraph(section, t("copy_replaced", { items: target.replaced.join(", ") }), "warning");
      if (target.shadow.length) paragraph(section, t("copy_shadow", { items: target.shadow.join(", ") }));
      paragraph(section, "", "copy-size muted");
      box.appendChild(section);
    }
    for (const problem of payload.problems) paragraph(box, `${problem.key}: ${problem.message}`, "error");
    document.querySelector("[data-action=copy]").disabled = payload.problems.length > 0;
    pictureSizes(copyPlan);
  }
  const loadPicture = (url) => new Promise((resolve) => {
    const picture = new Image();
    picture.onload = () => resolve(picture);
    picture.onerror = () => resolve(null);
    picture.src = url;
  });
  // Shapes are fractions of the picture: each target's snapshot says whether they are scaled, or
  // stretched too (a picture of another shape). One snapshot at a time: the box limits each account.
  async function pictureSizes(plan) {
    const source = image.naturalWidth ? `${image.naturalWidth}×${image.naturalHeight}` : null;
    for (const target of plan.targets) {
      const picture = await loadPicture(`/cameras/${target.camera}/snapshot.jpg`);
      if (copyPlan !== plan) return; // another preview, or the copy was made
      const note = document.querySelector(`.copy-target[data-camera="${CSS.escape(target.camera)}"] .copy-size`);
      if (!picture || !source) {
        note.textContent = t("copy_size_unknown");
        continue;
      }
      const size = `${picture.naturalWidth}×${picture.naturalHeight}`;
      if (size === source) continue;
      const stretched = Math.abs(picture.naturalWidth / picture.naturalHeight - image.naturalWidth / image.naturalHeight) > 0.01;
      note.textContent = t(stretched ? "copy_stretched" : "copy_scaled", { target: size, source });
      if (stretched) note.classList.add("warning");
    }
  }
  async function copyToCameras() {
    if (!copyPlan) return;
    const targets = Object.fromEntries(copyPlan.targets.map((target) => [target.camera, target.etag]));
    const { status, payload } = await post(`/api/cameras/${data.camera_id}/copy`, { copy: copyPlan.choice, targets, etag: copyPlan.etag });
    if (status === 200) {
      forgetCopyPlan();
      setStatus(t("copy_done", { n: Object.keys(targets).length, v: payload.version }), "ok");
    } else if (status === 409) {
      forgetCopyPlan();
      setStatus(t("copy_conflict"), "error");
    } else {
      copyFailed(status, payload);
    }
  }

  // -- live view and replay of the draft ------------------------------------------------------------
  function eventTable(events) {
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of ["at", "skill", "phase", "place", "class", "track_id"]) {
      const cell = document.createElement("th");
      cell.textContent = name;
      head.appendChild(cell);
    }
    const body = table.createTBody();
    for (const event of events) {
      const row = body.insertRow();
      for (const name of ["at", "skill", "phase", "place", "class", "track_id"]) row.insertCell().textContent = name === "at" ? wallTime(event.at) : event[name] ?? "";
    }
    return table;
  }
  async function replay() {
    const preview = document.getElementById("preview");
    const { status, payload } = await post(`/api/cameras/${data.camera_id}/replay`, { camera: cleaned(), schedules: state.schedules });
    if (status === 422) {
      showProblems(payload.problems);
      setStatus(t("invalid", { count: payload.problems.length }), "error");
      return;
    }
    if (status !== 200) return setStatus(payload.message || payload.error || `HTTP ${status}`, "error");
    preview.replaceChildren();
    const summary = document.createElement("p");
    summary.id = "replay-summary";
    summary.textContent = payload.frames
      ? t("replay_result", { events: payload.events.length, frames: payload.frames, start: wallTime(payload.from), end: wallTime(payload.to), zone: data.timezone })
      : t("no_history");
    preview.append(summary, eventTable(payload.events));
    overlay = { objects: [], zones: {}, markers: payload.events.filter((e) => e.phase !== "end") };
    renderDrawing();
  }
  // The live view shows the newest analysed frame: its picture and its boxes from one answer, drawn
  // together once the picture is decoded. A "would fire" marker sits on its track's box in that frame.
  async function liveTick() {
    const { status, payload } = await post(`/api/cameras/${data.camera_id}/live`, { camera: cleaned(), schedules: state.schedules });
    if (status !== 200 || !liveTimer) return; // an answer arriving after the live view was stopped
    if (payload.picture) {
      image.src = payload.picture;
      await image.decode().catch(() => {});
      if (!liveTimer) return;
      image.dataset.frameAt = payload.at;
    }
    const preview = document.getElementById("preview");
    preview.replaceChildren();
    const at = document.createElement("p");
    at.id = "live-at";
    at.textContent = payload.at ? t("live_at", { at: wallTime(payload.at), zone: data.timezone }) : t("no_history");
    const firing = document.createElement("p");
    firing.id = "firing";
    firing.textContent = payload.firing.length ? `${t("firing_now")}: ${payload.firing.map((e) => `${e.skill} ${e.phase} (${e.class} ${e.track_id})`).join(", ")}` : t("nothing_firing");
    preview.append(at, firing);
    const onBox = payload.firing.filter((e) => e.box).map((e) => ({ ...e, position: [(e.box[0] + e.box[2]) / 2, e.box[3]], firing: true }));
    overlay = { objects: payload.objects, zones: payload.zones, markers: onBox };
    svg.dataset.frameAt = payload.at || "";
    renderDrawing();
  }
  function toggleLive() {
    const button = document.querySelector("[data-action=live]");
    if (liveTimer) {
      clearInterval(liveTimer);
      liveTimer = null;
      overlay = { objects: [], zones: {}, markers: [] };
      document.getElementById("preview").replaceChildren();
      button.textContent = t("live");
      button.setAttribute("aria-pressed", "false");
      delete image.dataset.frameAt;
      delete svg.dataset.frameAt;
      image.src = `/cameras/${data.camera_id}/snapshot.jpg?at=${Date.now()}`;
      renderDrawing();
      return;
    }
    liveTimer = setInterval(liveTick, 1000);
    button.textContent = t("live_stop");
    button.setAttribute("aria-pressed", "true");
    liveTick();
  }

  // The ground check: a 1 m or 5 m grid from the calibration's homography, drawn by the box in its own
  // layer over the picture (normalised coordinates), and the pixels per metre across each counting
  // line, warned below the box's threshold. Pressed again with the other step, it redraws; pressed
  // with the same one, it hides.
  async function toggleGroundGrid() {
    const button = document.querySelector("[data-action=ground-grid]");
    const layer = document.getElementById("ground-grid");
    const report = document.getElementById("ground-check");
    const step = Number(document.getElementById("ground-step").value);
    if (button.getAttribute("aria-pressed") === "true" && Number(layer.dataset.step) === step) {
      layer.replaceChildren();
      report.replaceChildren();
      button.setAttribute("aria-pressed", "false");
      return;
    }
    const answer = await post(`/api/cameras/${encodeURIComponent(data.camera_id)}/ground-grid`, { camera: cam(), step_m: step });
    layer.replaceChildren();
    report.replaceChildren();
    if (answer.status !== 200) {
      report.textContent = answer.payload.error;
      report.className = "warning";
      button.setAttribute("aria-pressed", "false");
      return;
    }
    for (const line of answer.payload.grid) {
      const node = document.createElementNS(SVG, "polyline");
      node.setAttribute("points", line.map((p) => `${p[0]},${p[1]}`).join(" "));
      node.setAttribute("class", "ground-line");
      node.setAttribute("vector-effect", "non-scaling-stroke");
      layer.appendChild(node);
    }
    layer.dataset.step = String(step);
    report.className = "";
    for (const found of answer.payload.lines) {
      const item = document.createElement("li");
      item.dataset.line = found.line;
      item.textContent = t("pixels_per_metre", { line: found.line, ppm: found.pixels_per_metre.toFixed(1) });
      if (!found.enough) {
        item.className = "warning";
        item.textContent += " " + t("pixels_per_metre_low", { min: answer.payload.min_pixels_per_metre.toFixed(0) });
      }
      report.appendChild(item);
    }
    button.setAttribute("aria-pressed", "true");
  }

  // -- wiring ---------------------------------------------------------------------------------------
  function renderCameraFields() {
    const fps = document.getElementById("camera-fps");
    fps.value = cam().fps ?? "";
    fps.placeholder = `${t("default")}: 5`;
    fps.disabled = !canEdit;
    const tiles = document.getElementById("camera-tiles");
    tiles.value = String(cam().detection?.tiles ?? 1);
    tiles.disabled = !canEdit;
    const region = document.getElementById("camera-region");
    region.value = (cam().detection?.region ?? []).join(", ");
    region.placeholder = `${t("default")}: 0, 0, 1, 1 (${t("region_order")})`;
    region.disabled = !canEdit;
  }
  // [cameras.detection] is written only while it holds something: the defaults stay out of the file.
  function setDetection(name, value) {
    const detection = { ...(cam().detection ?? {}) };
    setOrDelete(detection, name, value);
    setOrDelete(cam(), "detection", Object.keys(detection).length ? detection : undefined);
  }
  function renderAll() {
    renderDrawing();
    renderShapeList();
    renderSkills();
    renderSchedules();
    renderCameraFields();
    renderCopy();
    updateHint();
  }
  document.getElementById("camera-fps").addEventListener("change", (event) => {
    remember();
    setOrDelete(cam(), "fps", event.target.value === "" ? undefined : Number(event.target.value));
  });
  document.getElementById("camera-tiles").addEventListener("change", (event) => {
    remember();
    setDetection("tiles", event.target.value === "1" ? undefined : Number(event.target.value));
  });
  document.getElementById("camera-region").addEventListener("change", (event) => {
    remember();
    const numbers = event.target.value.split(/[\s,;]+/).filter(Boolean);
    // What does not parse goes to the server as typed, which refuses it naming the key.
    setDetection("region", numbers.length ? numbers.map((n) => (Number.isNaN(Number(n)) ? n : Number(n))) : undefined);
  });
  const kinds = document.getElementById("new-skill-kind");
  for (const kind of Object.keys(data.forms.skills)) {
    const option = document.createElement("option");
    option.value = kind;
    option.textContent = valueLabel("kind", kind);
    kinds.appendChild(option);
  }
  const actions = {
    "new-zone": (event) => startShape("zone", event.detail === 0),
    "new-line": (event) => startShape("line", event.detail === 0),
    "new-mask": (event) => startShape("mask", event.detail === 0),
    undo,
    redo,
    "delete-point": () => focusPoint !== null && selected && deletePoint(selected, focusPoint),
    "delete-shape": deleteShape,
    reverse: () => {
      const shape = shapeOf(selected);
      if (!shape || shape.type !== "line") return;
      remember();
      setPoints(selected, shape.points.slice().reverse());
      renderAll();
    },
    "add-skill": addSkill,
    "add-schedule": () => {
      const input = document.getElementById("new-schedule-name");
      const name = input.value.trim();
      if (!name || state.schedules[name]) return;
      remember();
      state.schedules[name] = { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", windows: [{ days: DAYS.slice(), start: "22:00", end: "06:00" }] };
      input.value = "";
      renderAll();
    },
    save,
    apply,
    live: toggleLive,
    "ground-grid": toggleGroundGrid,
    replay,
    "keep-mine": () => settleConflict(false),
    "take-theirs": () => settleConflict(true),
    "discard-draft": discardDraft,
    "copy-preview": previewCopy,
    copy: copyToCameras,
  };
  renderCopyTargets();
  document.querySelectorAll("input[name=copy-clash]").forEach((radio) => radio.addEventListener("change", forgetCopyPlan));
  document.querySelectorAll("[data-action]").forEach((button) => {
    button.addEventListener("click", (event) => actions[button.dataset.action](event));
  });
  // A corrected field loses its error at once; the others keep theirs until the next save.
  document.addEventListener("change", (event) => {
    const wrapper = event.target.closest && event.target.closest(".field.invalid");
    if (wrapper) showError(wrapper, "");
  });
  document.addEventListener("keydown", (event) => {
    if (!canEdit) return;
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !typing) {
      event.preventDefault();
      if (event.shiftKey) redo();
      else undo();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "y" && !typing) {
      event.preventDefault();
      redo();
    } else if (drawing && event.key === "Enter") {
      event.preventDefault();
      finishDrawing();
    } else if (drawing && event.key === "Escape") {
      drawing = null;
      renderAll();
    }
  });
  function sized() {
    // A live picture every second: only a new size re-renders the forms (it would take their focus).
    if (image.naturalWidth && (image.naturalWidth !== width || image.naturalHeight !== height || image.hidden)) {
      width = image.naturalWidth;
      height = image.naturalHeight;
      image.hidden = false;
      svg.classList.remove("standalone");
      document.getElementById("snapshot-note").hidden = true;
      renderAll();
    } else renderDrawing();
  }
  image.addEventListener("load", sized);
  new ResizeObserver(() => renderDrawing()).observe(svg);
  function snapshotFailed() {
    image.hidden = true;
    svg.classList.add("standalone");
    // Beside the picture, not in the status line: arriving late, it would hide "Saved" or "session ended".
    const note = document.getElementById("snapshot-note");
    note.textContent = t("snapshot_failed");
    note.hidden = false;
    renderAll();
  }
  image.addEventListener("error", snapshotFailed);
  // A snapshot that failed before this script ran fires no error event any more: seen as complete.
  if (image.complete && image.naturalWidth) sized();
  else if (image.complete) snapshotFailed();
  else renderAll();
  savedText = shownText();
  restoreDraft();
  updateState();
})();
