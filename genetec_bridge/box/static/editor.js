// The camera editor: zones, lines and privacy masks drawn on the snapshot (SVG), the skills' forms
// (built from descriptors the server derives from the typed config models), the weekly schedules,
// and save/apply. Plain script, no build step, nothing loaded from elsewhere.
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
  function deleteShape() {
    const shape = shapeOf(selected);
    if (!shape) return;
    remember();
    const list = { zone: "zones", line: "lines", mask: "privacy_masks" }[shape.type];
    cam()[list].splice(shape.index, 1);
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

  function renderDrawing() {
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const defs = element("defs", {});
    const marker = element("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "8", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" }, defs);
    element("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }, marker);
    for (const shape of shapes()) {
      const isSelected = selected && selected.type === shape.type && selected.index === shape.index;
      const occupied = shape.type === "zone" && overlay.zones[shape.name] > 0;
      const cls = `shape ${shape.type}${isSelected ? " selected" : ""}${occupied ? " occupied" : ""}`;
      const node = shape.type === "line"
        ? element("line", { x1: shape.points[0][0] * width, y1: shape.points[0][1] * height, x2: shape.points[1][0] * width, y2: shape.points[1][1] * height, class: cls, "marker-end": "url(#arrow)" })
        : element("polygon", { points: pixels(shape.points), class: cls });
      node.dataset.type = shape.type;
      node.dataset.index = shape.index;
      node.addEventListener("pointerdown", (event) => {
        if (drawing) return;
        event.stopPropagation();
        selected = { type: shape.type, index: shape.index };
        renderAll();
      });
      const cx = shape.points.reduce((s, p) => s + p[0], 0) / shape.points.length;
      const cy = shape.points.reduce((s, p) => s + p[1], 0) / shape.points.length;
      const label = element("text", { x: cx * width, y: cy * height, class: "label" });
      label.textContent = shape.type === "line" ? `${shape.name} (A→B)` : shape.name;
      if (shape.type === "line") {
        ["A", "B"].forEach((letter, i) => {
          const end = element("text", { x: shape.points[i][0] * width + radius() * 1.4, y: shape.points[i][1] * height - radius() * 1.4, class: "label end" });
          end.textContent = letter;
        });
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
      const label = element("text", { x: x1 * width, y: y1 * height - 4, class: "track-label" });
      label.textContent = `${object.class} ${object.track_id}`;
    }
    for (const marker of overlay.markers) {
      if (!marker.position) continue;
      const dot = element("circle", { cx: marker.position[0] * width, cy: marker.position[1] * height, r: radius() * 0.8, class: marker.firing ? "marker firing" : "marker" });
      const title = element("title", {}, dot);
      title.textContent = `${marker.at || ""} ${marker.skill} ${marker.phase} ${marker.class} ${marker.track_id}`;
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

  // -- shape list -----------------------------------------------------------------------------------
  function renderShapeList() {
    const list = document.getElementById("shape-list");
    list.replaceChildren();
    for (const shape of shapes()) {
      const item = document.createElement("li");
      item.className = "field" + (selected && selected.type === shape.type && selected.index === shape.index ? " selected" : "");
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
    if (descriptor.default !== null && descriptor.default !== undefined) input.placeholder = `${t("default")}: ${descriptor.default}`;
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
  function checkboxes(object, descriptor, key, container, options) {
    const { wrapper } = field(container, key, fieldLabel(descriptor), descriptor.description);
    const group = document.createElement("div");
    group.className = "checks";
    const current = object[descriptor.name] ?? descriptor.default ?? [];
    for (const option of options) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = option;
      box.checked = current.includes(option);
      box.disabled = !canEdit;
      box.addEventListener("change", changed(() => {
        object[descriptor.name] = [...group.querySelectorAll("input:checked")].map((b) => b.value);
      }));
      label.append(box, " " + option);
      group.appendChild(label);
    }
    wrapper.appendChild(group);
  }
  function renderField(skill, descriptor, index, container) {
    const key = `skills[${index}].${descriptor.name}`;
    const kind = data.forms.skills[skill.kind];
    switch (descriptor.widget) {
      case "kind":
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
        selectInput(skill, descriptor.name, key, container, fieldLabel(descriptor), descriptor.options.map((o) => [o, o]), descriptor.description, `${t("default")}: ${descriptor.default}`);
        return;
      case "choices":
        return checkboxes(skill, descriptor, key, container, descriptor.options);
      case "classes":
        return checkboxes(skill, descriptor, key, container, data.forms.classes);
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
          label.append(name + " ", input);
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
      if (box.checked) skill.alert = { custom_event_id: nextEventId() };
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
      legend.textContent = `${skill.kind} – ${skill.zone || skill.line || "?"}`;
      set.appendChild(legend);
      const kind = data.forms.skills[skill.kind];
      if (!kind) {
        set.appendChild(document.createTextNode(skill.kind));
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
      setStatus(payload.error || `HTTP ${status}`, "error");
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
      setStatus(payload.error || `HTTP ${status}`, "error");
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
    note.querySelector("span").textContent = t("draft_restored", { at: new Date(kept.at).toLocaleString() });
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
      for (const name of ["at", "skill", "phase", "place", "class", "track_id"]) row.insertCell().textContent = event[name] ?? "";
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
    if (status !== 200) return setStatus(payload.error || `HTTP ${status}`, "error");
    preview.replaceChildren();
    const summary = document.createElement("p");
    summary.id = "replay-summary";
    summary.textContent = payload.frames
      ? t("replay_result", { events: payload.events.length, frames: payload.frames, start: payload.from, end: payload.to })
      : t("no_history");
    preview.append(summary, eventTable(payload.events));
    overlay = { objects: [], zones: {}, markers: payload.events.filter((e) => e.phase !== "end") };
    renderDrawing();
  }
  async function liveTick() {
    const { status, payload } = await post(`/api/cameras/${data.camera_id}/live`, { camera: cleaned(), schedules: state.schedules });
    if (status !== 200 || !liveTimer) return; // an answer arriving after the live view was stopped
    const preview = document.getElementById("preview");
    preview.replaceChildren();
    const at = document.createElement("p");
    at.textContent = payload.at ? t("live_at", { at: payload.at }) : t("no_history");
    const firing = document.createElement("p");
    firing.id = "firing";
    firing.textContent = payload.firing.length ? `${t("firing_now")}: ${payload.firing.map((e) => `${e.skill} ${e.phase} (${e.class} ${e.track_id})`).join(", ")}` : t("nothing_firing");
    preview.append(at, firing);
    overlay = { objects: payload.objects, zones: payload.zones, markers: payload.firing.map((e) => ({ ...e, firing: true })) };
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
      renderDrawing();
      return;
    }
    let ticks = 0;
    liveTimer = setInterval(() => {
      ticks += 1;
      // The snapshot is a fresh frame through the Media Gateway: refreshed now and then, boxes every tick.
      if (ticks % 15 === 0) image.src = `/cameras/${data.camera_id}/snapshot.jpg?at=${Date.now()}`;
      liveTick();
    }, 1000);
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
  }
  function renderAll() {
    renderDrawing();
    renderShapeList();
    renderSkills();
    renderSchedules();
    renderCameraFields();
    updateHint();
  }
  document.getElementById("camera-fps").addEventListener("change", (event) => {
    remember();
    setOrDelete(cam(), "fps", event.target.value === "" ? undefined : Number(event.target.value));
  });
  const kinds = document.getElementById("new-skill-kind");
  for (const kind of Object.keys(data.forms.skills)) {
    const option = document.createElement("option");
    option.value = kind;
    option.textContent = kind;
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
  };
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
    if (image.naturalWidth) {
      width = image.naturalWidth;
      height = image.naturalHeight;
    }
    renderAll();
  }
  image.addEventListener("load", sized);
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
