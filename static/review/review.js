// The detail page: image viewer (zoom, pan, rotate, front/back), decision dialogs, keyboard shortcuts.
(function () {
  "use strict";
  const viewer = document.getElementById("viewer");
  const state = { scale: 1, x: 0, y: 0, rotate: 0 };
  let current = null;

  function stage() { return current && current.querySelector(".stage"); }
  function apply() {
    const s = stage();
    if (s) s.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale}) rotate(${state.rotate}deg)`;
  }
  function reset() { Object.assign(state, { scale: 1, x: 0, y: 0, rotate: 0 }); apply(); }
  function show(side) {
    if (!viewer) return;
    const figure = viewer.querySelector(`.card-image[data-side="${side}"]`);
    if (!figure) return;
    viewer.querySelectorAll(".card-image").forEach((f) => f.classList.toggle("hidden", f !== figure));
    document.querySelectorAll(".side-btn").forEach((b) => {
      const on = b.dataset.side === side;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    const img = figure.querySelector("img");
    // Images load only when shown: each load is a logged view of the card.
    if (img && !img.getAttribute("src")) {
      img.addEventListener("load", () => {
        const svg = figure.querySelector("svg.boxes");
        if (svg && img.naturalWidth) svg.setAttribute("viewBox", `0 0 ${img.naturalWidth} ${img.naturalHeight}`);
      }, { once: true });
      img.src = img.dataset.src;
    }
    current = figure;
    reset();
  }
  function zoom(factor) { state.scale = Math.min(8, Math.max(0.5, state.scale * factor)); apply(); }
  function rotate() { state.rotate = (state.rotate + 90) % 360; apply(); }

  if (viewer) {
    const first = viewer.querySelector(".card-image");
    if (first) show(first.dataset.side);
    document.querySelectorAll(".side-btn").forEach((b) => b.addEventListener("click", () => show(b.dataset.side)));
    document.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => zoom(b.dataset.zoom === "in" ? 1.25 : 0.8)));
    document.querySelectorAll("[data-rotate]").forEach((b) => b.addEventListener("click", rotate));
    document.querySelectorAll("[data-reset]").forEach((b) => b.addEventListener("click", reset));
    const toggle = document.getElementById("toggle-boxes");
    if (toggle) toggle.addEventListener("change", () => viewer.classList.toggle("no-boxes", !toggle.checked));
    viewer.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 1.1 : 0.9); }, { passive: false });
    let drag = null;
    viewer.addEventListener("pointerdown", (e) => { drag = { x: e.clientX - state.x, y: e.clientY - state.y }; viewer.setPointerCapture(e.pointerId); viewer.classList.add("dragging"); });
    viewer.addEventListener("pointermove", (e) => { if (!drag) return; state.x = e.clientX - drag.x; state.y = e.clientY - drag.y; apply(); });
    const stop = () => { drag = null; viewer.classList.remove("dragging"); };
    viewer.addEventListener("pointerup", stop);
    viewer.addEventListener("pointercancel", stop);
  }

  function openDialog(id) {
    const dialog = document.getElementById(id);
    if (dialog && !dialog.open) {
      dialog.showModal();
      const first = dialog.querySelector("input, textarea, button");
      if (first) first.focus();
    }
  }
  document.querySelectorAll("[data-dialog]").forEach((b) => b.addEventListener("click", () => openDialog(b.dataset.dialog)));
  document.querySelectorAll("dialog [data-close]").forEach((b) => b.addEventListener("click", () => b.closest("dialog").close()));

  function click(selector) { const el = document.querySelector(selector); if (el) el.click(); }
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    if (document.querySelector("dialog[open]")) return;
    const actions = {
      a: () => click('[data-dialog="dlg-approve"]'),
      r: () => click('[data-dialog="dlg-reject"]'),
      u: () => click('[data-dialog="dlg-reupload"]'),
      c: () => { const f = document.getElementById("claim-form"); if (f) f.requestSubmit(); },
      f: () => show("front"),
      b: () => show("back"),
      "+": () => zoom(1.25), "=": () => zoom(1.25), "-": () => zoom(0.8),
      o: rotate, "0": reset,
      n: () => click("#next-link"),
      "?": () => openDialog("dlg-help"),
    };
    const action = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (action) { e.preventDefault(); action(); }
  });
})();
