// holobiont serve: the page. Plain JavaScript, no external code.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const k in attrs) {
    if (k === "class") e.className = attrs[k];
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), attrs[k]);
    else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) e.setAttribute(k, attrs[k]);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.appendChild(typeof k === "string" || typeof k === "number" ? document.createTextNode(String(k)) : k);
  return e;
};

// ---- API ----------------------------------------------------------------
function token() { return localStorage.getItem("holobiont-token") || ""; }
function withToken(url) { const t = token(); return t ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(t) : url; }
async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(opts.json); }
  const r = await fetch(path, Object.assign({}, opts, { headers }));
  if (r.status === 401) {
    const t = prompt("This holobiont server needs its access token (printed when it started):");
    if (t) { localStorage.setItem("holobiont-token", t.trim()); return api(path, opts); }
  }
  const ct = r.headers.get("Content-Type") || "";
  const body = ct.includes("json") ? await r.json() : await r.text();
  if (!r.ok) throw new Error(body && body.error ? body.error : `${r.status} ${r.statusText}`);
  return body;
}

// ---- state ----------------------------------------------------------------
const S = {
  catalog: null,          // GET /api/models
  model: null,            // modelInfo of the chosen model
  scenarioName: "",       // chosen scenario name ("" = none)
  scenario: null,         // scenario object being edited
  scenarioDirty: false,
  set: {},                // parameter overrides
  selected: -1,           // selected intervention index
  compare: JSON.parse(localStorage.getItem("holobiont-compare") || "[]"),
};
function saveCompare() { localStorage.setItem("holobiont-compare", JSON.stringify(S.compare)); renderCompareBar(); }

const COLORS = { stress: "#d62728", antibiotic: "#9467bd", probiotic: "#2ca02c", emollient: "#17becf", irritant: "#ff7f0e", diet: "#8c564b", input: "#7f7f7f", bolus: "#333" };

// ---- routing ---------------------------------------------------------------
function go(path) { history.pushState({}, "", path); route(); }
window.addEventListener("popstate", route);
document.addEventListener("click", ev => {
  const a = ev.target.closest("a[data-nav]");
  if (a && !ev.ctrlKey && !ev.metaKey) { ev.preventDefault(); go(a.getAttribute("href")); }
});

let stopStream = null;
async function route() {
  if (stopStream) { stopStream(); stopStream = null; }
  const main = $("#main");
  main.innerHTML = "";
  const p = location.pathname;
  try {
    if (p.startsWith("/runs/")) await showRun(main, decodeURIComponent(p.slice(6)));
    else if (p === "/compare") await showCompare(main, new URLSearchParams(location.search).get("ids") || "");
    else await showEditor(main);
  } catch (e) {
    main.appendChild(el("div", { class: "error", role: "alert" }, String(e.message || e)));
  }
  renderCompareBar();
}

// ---- editor ----------------------------------------------------------------
async function loadCatalog() { S.catalog = await api("/api/models"); }

async function chooseModel(name, keepSet) {
  S.model = S.catalog.models.find(m => m.name === name) || await api("/api/models/" + encodeURIComponent(name));
  if (!keepSet) S.set = {};
  await chooseScenario(S.model.default_scenario || "");
}

async function chooseScenario(name) {
  S.scenarioName = name;
  S.scenarioDirty = false;
  S.selected = -1;
  if (!name) { S.scenario = { name: "no interventions", duration: 365, interventions: [] }; return; }
  const sc = await api("/api/scenarios/" + encodeURIComponent(name));
  S.scenario = sc.scenario;
  if (!S.scenario.interventions) S.scenario.interventions = [];
}

async function showEditor(main, prefill) {
  if (!S.catalog) await loadCatalog();
  if (!S.model) await chooseModel(S.catalog.models.find(m => m.name === "gut-skin-brain.yaml") ? "gut-skin-brain.yaml" : S.catalog.models[0].name);
  main.appendChild(el("section", { class: "intro" },
    el("h2", {}, "New simulation"),
    el("p", {}, "Pick a model and a scenario, change parameters or interventions if you like, and press ",
      el("b", {}, "Run"), ". Every run gets a permanent link; the same inputs always give the same run.")));
  const form = el("section", { class: "card editor" });
  main.appendChild(form);
  renderEditor(form);
  main.appendChild(await recentRuns());
  main.appendChild(cohortCard());
}

function renderEditor(form) {
  form.innerHTML = "";
  const models = S.catalog.models;
  const modelSel = el("select", { id: "model", "aria-label": "model", onchange: async ev => { await chooseModel(ev.target.value); renderEditor(form); } },
    models.map(m => el("option", { value: m.name, selected: m.name === S.model.name ? "" : null }, `${m.name}${m.source === "upload" ? " (uploaded)" : ""} — ${m.description.name || m.description.id}`)));
  const scens = S.catalog.scenarios;
  const scenSel = el("select", { id: "scenario", "aria-label": "scenario", onchange: async ev => { await chooseScenario(ev.target.value); renderEditor(form); } },
    el("option", { value: "" }, "none (365 days, no interventions)"),
    scens.map(s => el("option", { value: s.name, selected: s.name === S.scenarioName ? "" : null }, `${s.name}${s.source === "upload" ? " (uploaded)" : ""}`)));
  const upload = el("input", { type: "file", id: "upload", accept: ".yaml,.yml,.xml,.sbml,.omex,.zip", "aria-label": "upload a model or scenario" });
  const upKind = el("select", { id: "upload-kind", "aria-label": "upload kind" }, el("option", { value: "model" }, "model (YAML or SBML)"), el("option", { value: "scenario" }, "scenario"),
    ["cohort", "trial", "gsa", "vpop"].map(k => el("option", { value: k }, k + " spec")), el("option", { value: "omex" }, "COMBINE/OMEX archive (runs it)"));
  upload.addEventListener("change", async () => {
    const f = upload.files[0];
    if (!f) return;
    try {
      const kind = upKind.value;
      if (kind === "omex") {
        const r = await api("/api/runs?title=" + encodeURIComponent(f.name), { method: "POST", body: await f.arrayBuffer(), headers: { "Content-Type": "application/zip" } });
        go("/runs/" + r.id);
        return;
      }
      const q = `?name=${encodeURIComponent(f.name)}&kind=${kind}` + (kind === "scenario" ? `&model=${encodeURIComponent(S.model.name)}` : "");
      await api("/api/uploads" + q, { method: "POST", body: await f.arrayBuffer(), headers: { "Content-Type": "application/octet-stream" } });
      await loadCatalog();
      if (kind === "model") await chooseModel(f.name); else if (kind === "scenario") await chooseScenario(f.name);
      else { flash(`uploaded ${f.name}: run it under “Cohorts, trials and sensitivity analyses”`); route(); return; }
      renderEditor(form);
      flash(`uploaded ${f.name}`);
    } catch (e) { flash(e.message, true); }
  });
  form.appendChild(el("div", { class: "row" },
    el("label", {}, "Model ", modelSel),
    el("label", {}, "Scenario ", scenSel),
    el("span", { class: "upload" }, "Upload ", upKind, " ", upload)));
  if (S.model.description.name) form.appendChild(el("p", { class: "muted" }, S.model.description.name));

  // timeline
  form.appendChild(el("h3", {}, "Interventions", S.scenarioDirty ? el("span", { class: "badge edited" }, "edited") : null));
  const tl = el("div", { id: "timeline" });
  form.appendChild(tl);
  renderTimeline(tl);

  // parameters
  form.appendChild(el("h3", {}, "Parameters"));
  form.appendChild(el("p", { class: "muted" }, "Evidence: ", el("span", { class: "ev ev-Q" }, "Q"), " magnitude from a paper · ",
    el("span", { class: "ev ev-S" }, "S"), " sign only, magnitude chosen · ", el("span", { class: "ev ev-C" }, "C"), " calibrated. Edited values are highlighted; values outside a parameter's range are refused, as by the command line."));
  const filter = el("input", { type: "search", id: "param-filter", placeholder: "filter parameters (name, unit, citation)…", "aria-label": "filter parameters" });
  form.appendChild(filter);
  const tableWrap = el("div", { class: "param-wrap" });
  form.appendChild(tableWrap);
  const drawParams = () => renderParams(tableWrap, filter.value.trim().toLowerCase());
  filter.addEventListener("input", drawParams);
  drawParams();

  const title = el("input", { id: "run-title", placeholder: "title (optional)", "aria-label": "run title" });
  const err = el("div", { class: "error", id: "run-error", role: "alert", hidden: "" });
  const runBtn = el("button", { id: "run", class: "primary", onclick: async () => {
    err.hidden = true;
    const bad = Object.keys(S.set).filter(k => !paramOK(k, S.set[k]));
    if (bad.length) { err.textContent = "out of range: " + bad.join(", "); err.hidden = false; return; }
    const req = { model: S.model.source === "upload" ? "sha256:" + S.model.sha256 : S.model.name, set: S.set, title: title.value || undefined };
    if (S.scenarioDirty) req.scenario = S.scenario; else if (S.scenarioName) req.scenario = S.scenarioName;
    runBtn.disabled = true;
    try {
      const r = await api("/api/runs", { method: "POST", json: req });
      go("/runs/" + r.id);
    } catch (e) { err.textContent = e.message; err.hidden = false; runBtn.disabled = false; }
  } }, "Run");
  form.appendChild(el("div", { class: "row run-row" }, title, runBtn,
    el("button", { class: "small", onclick: () => { S.set = {}; chooseScenario(S.scenarioName).then(() => renderEditor(form)); } }, "reset to defaults")));
  form.appendChild(err);
}

function paramOK(id, v) {
  const p = S.model.description.parameters.find(p => p.id === id);
  if (!p || typeof v !== "number" || !isFinite(v)) return false;
  if (p.min !== undefined && v < p.min) return false;
  if (p.max !== undefined && v > p.max) return false;
  return true;
}

function renderParams(wrap, q) {
  wrap.innerHTML = "";
  // Edited parameters first, so the changes are in view.
  const ps = S.model.description.parameters.slice().sort((a, b) => (b.id in S.set) - (a.id in S.set)).filter(p => !q || p.id.toLowerCase().includes(q) || (p.unit || "").toLowerCase().includes(q) || (p.citation || "").toLowerCase().includes(q) || (p.note || "").toLowerCase().includes(q));
  const t = el("table", { class: "params", id: "params" },
    el("thead", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "value"), el("th", {}, "unit"), el("th", {}, "range"), el("th", {}, "evidence"), el("th", {}, "citation"))));
  const tb = el("tbody");
  for (const p of ps.slice(0, 400)) {
    const edited = p.id in S.set;
    const inp = el("input", { type: "number", step: "any", value: edited ? S.set[p.id] : p.value, "data-param": p.id, "aria-label": "value of " + p.id, class: edited ? "edited" : "" });
    const msg = el("span", { class: "range-msg" });
    const check = () => {
      const err = $("#run-error");
      if (err) err.hidden = true;
      const v = inp.value === "" ? NaN : Number(inp.value);
      if (inp.value === "" || v === p.value) { delete S.set[p.id]; inp.classList.remove("edited", "bad"); msg.textContent = ""; return; }
      S.set[p.id] = v;
      inp.classList.add("edited");
      const ok = paramOK(p.id, v);
      inp.classList.toggle("bad", !ok);
      inp.setAttribute("aria-invalid", ok ? "false" : "true");
      msg.textContent = ok ? "" : `outside [${p.min ?? "-∞"}, ${p.max ?? "∞"}]`;
    };
    inp.addEventListener("input", check);
    const range = (p.min !== undefined || p.max !== undefined) ? `[${p.min ?? "-∞"}, ${p.max ?? "∞"}]` : "";
    tb.appendChild(el("tr", { class: edited ? "edited" : "" },
      el("td", { class: "pid", title: p.note || "" }, p.id),
      el("td", {}, inp, msg),
      el("td", { class: "unit" }, p.unit || ""),
      el("td", { class: "range" }, range),
      el("td", {}, p.evidence ? el("span", { class: "ev ev-" + p.evidence, title: { Q: "magnitude from a paper", S: "sign only; magnitude chosen", C: "calibrated" }[p.evidence] || "" }, p.evidence) : "–"),
      el("td", { class: "cite" }, p.citation || "")));
  }
  t.appendChild(tb);
  wrap.appendChild(t);
  if (ps.length > 400) wrap.appendChild(el("p", { class: "muted" }, `${ps.length - 400} more: filter to find them`));
}

// The timeline: one row per intervention, bars drawn to scale; drag a bar to
// move it, drag its right edge to change its duration, click to edit.
function renderTimeline(tl) {
  tl.innerHTML = "";
  const sc = S.scenario;
  const dur = Number(sc.duration) || 365;
  const ivs = sc.interventions;
  const W = 1100, rowH = 26, H = Math.max(1, ivs.length) * rowH + 30, L = 150;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "timeline-svg", role: "group", "aria-label": "intervention timeline" }, tl);
  const px = d => L + d / dur * (W - L - 40);
  for (const v of niceTicks(0, dur, 8)) {
    svgEl("line", { x1: px(v), x2: px(v), y1: 0, y2: H - 20, class: "grid" }, svg);
    svgEl("text", { x: px(v), y: H - 6, class: "tick", "text-anchor": "middle" }, svg).textContent = "day " + v;
  }
  ivs.forEach((iv, i) => {
    const y = i * rowH + 4;
    const start = Number(iv.start ?? iv.time ?? 0), d = Number(iv.duration ?? 1);
    const every = Number(iv.every || 0), count = Number(iv.count || 1);
    svgEl("text", { x: 4, y: y + 15, class: "tl-label" }, svg).textContent = (iv.name || iv.type).slice(0, 22);
    const g = svgEl("g", { class: "tl-bar" + (i === S.selected ? " selected" : ""), "data-index": i, tabindex: 0, role: "button", "aria-label": `${iv.name || iv.type}, day ${start} for ${d} days` }, svg);
    const reps = every > 0 ? count : 1;
    for (let k = 0; k < reps; k++) {
      const s0 = start + k * every;
      svgEl("rect", { x: px(s0), y, width: Math.max(3, px(s0 + d) - px(s0)), height: rowH - 8, rx: 3, fill: COLORS[iv.type] || "#555", class: "bar" }, g);
    }
    const handle = svgEl("rect", { x: px(start + d) - 4, y, width: 8, height: rowH - 8, class: "handle", "data-handle": "end" }, g);
    let drag = null;
    const dayAt = ev => { const r = svg.getBoundingClientRect(); return ((ev.clientX - r.left) / r.width * W - L) / (W - L - 40) * dur; };
    g.addEventListener("pointerdown", ev => {
      drag = { mode: ev.target === handle ? "end" : "move", d0: dayAt(ev), start, dur: d, moved: false };
      g.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    g.addEventListener("pointermove", ev => {
      if (!drag) return;
      const delta = Math.round(dayAt(ev) - drag.d0);
      if (delta !== 0) drag.moved = true;
      if (drag.mode === "move") iv.start = Math.max(0, Math.min(dur - drag.dur, drag.start + delta));
      else iv.duration = Math.max(1, Math.min(dur - drag.start, drag.dur + delta));
      const s0 = Number(iv.start), d1 = Number(iv.duration);
      const bars = g.querySelectorAll("rect.bar");
      bars.forEach((b, k) => { const s = s0 + k * every; b.setAttribute("x", px(s)); b.setAttribute("width", Math.max(3, px(s + d1) - px(s))); });
      handle.setAttribute("x", px(s0 + d1) - 4);
    });
    g.addEventListener("pointerup", () => {
      const moved = drag && drag.moved;
      drag = null;
      if (moved) { S.scenarioDirty = true; }
      S.selected = i;
      rerenderEditor();
    });
    g.addEventListener("keydown", ev => { if (ev.key === "Enter") { S.selected = i; rerenderEditor(); } });
  });
  const add = (type, tmpl) => el("button", { class: "small add-iv", "data-type": type, onclick: () => {
    const iv = Object.assign({ type }, tmpl);
    iv.start = Math.min(Number(iv.start), dur - 1);
    iv.duration = Math.min(Number(iv.duration), dur - iv.start);
    sc.interventions.push(iv);
    S.selected = sc.interventions.length - 1;
    S.scenarioDirty = true;
    rerenderEditor();
  } }, "+ " + tmpl.name);
  const hasProbiotic = (S.model.taxa || []).includes("gut.probiotic");
  tl.appendChild(el("div", { class: "row" },
    hasProbiotic ? add("probiotic", { name: "probiotic course", taxon: "gut.probiotic", dose: 3e-7, engraftment: 1, start: 120, duration: 28 }) : null,
    add("antibiotic", { name: "antibiotic course", route: "oral", dose: 1, start: 60, duration: 7 }),
    add("stress", { name: "stress episode", intensity: 1, start: 30, duration: 14 }),
    el("label", {}, " duration (days) ", el("input", { type: "number", min: 1, step: 1, value: dur, id: "duration", class: "short", "aria-label": "scenario duration in days",
      onchange: ev => { const v = Number(ev.target.value); if (v >= 1) { sc.duration = v; S.scenarioDirty = true; rerenderEditor(); } } }))));
  if (S.selected >= 0 && S.selected < ivs.length) tl.appendChild(ivEditor(ivs[S.selected]));
  else if (ivs.length) tl.appendChild(el("p", { class: "muted" }, "Drag a bar to move it, drag its right edge to change its length, click it to edit its dose."));
}

function ivEditor(iv) {
  const box = el("div", { class: "iv-edit", id: "iv-edit" }, el("b", {}, `${iv.type}: `));
  for (const k of Object.keys(iv)) {
    if (k === "type") continue;
    const v = iv[k];
    if (typeof v === "object") continue;
    const num = typeof v === "number";
    const inp = el("input", { value: v, "data-field": k, class: num ? "short" : "", type: num ? "number" : "text", step: "any", "aria-label": k });
    inp.addEventListener("change", () => { iv[k] = num ? Number(inp.value) : inp.value; S.scenarioDirty = true; rerenderEditor(); });
    box.appendChild(el("label", {}, ` ${k} `, inp));
  }
  box.appendChild(el("button", { class: "small danger", onclick: () => {
    S.scenario.interventions.splice(S.scenario.interventions.indexOf(iv), 1);
    S.selected = -1; S.scenarioDirty = true; rerenderEditor();
  } }, "remove"));
  return box;
}

function rerenderEditor() { const f = $(".editor"); if (f) renderEditor(f); }

async function recentRuns() {
  const card = el("section", { class: "card", id: "recent" }, el("h3", {}, "Recent runs"));
  const { runs } = await api("/api/runs?limit=30");
  if (!runs.length) { card.appendChild(el("p", { class: "muted" }, "No runs yet.")); return card; }
  const t = el("table", { class: "runs" }, el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, "run"), el("th", {}, "title"), el("th", {}, "kind"), el("th", {}, "status"), el("th", {}, "created"))));
  const tb = el("tbody");
  for (const r of runs) {
    const cb = el("input", { type: "checkbox", "aria-label": "compare " + r.id, checked: S.compare.includes(r.id) ? "" : null, onchange: ev => {
      if (ev.target.checked) { if (S.compare.length >= 4) { ev.target.checked = false; flash("compare takes at most 4 runs", true); return; } S.compare.push(r.id); }
      else S.compare = S.compare.filter(x => x !== r.id);
      saveCompare();
    } });
    tb.appendChild(el("tr", {}, el("td", {}, r.kind === "run" ? cb : ""), el("td", {}, el("a", { href: "/runs/" + r.id, "data-nav": "" }, r.id)),
      el("td", {}, r.title), el("td", {}, r.kind), el("td", {}, el("span", { class: "status st-" + r.status }, r.status)), el("td", { class: "muted" }, new Date(r.created).toLocaleString())));
  }
  t.appendChild(tb);
  card.appendChild(t);
  return card;
}

function cohortCard() {
  const specs = S.catalog.specs;
  const sel = el("select", { id: "spec", "aria-label": "cohort or trial spec" }, specs.map(s => el("option", { value: s.name, "data-kind": s.kind }, `${s.name} (${s.kind}${s.source === "upload" ? ", uploaded" : ""})`)));
  const noPower = el("input", { type: "checkbox", id: "no-power", checked: "" });
  const err = el("div", { class: "error", role: "alert", hidden: "" });
  return el("section", { class: "card" }, el("h3", {}, "Cohorts, trials and sensitivity analyses"),
    el("p", { class: "muted" }, "A virtual cohort, randomised in-silico trial, sensitivity analysis (gsa) or virtual population (vpop) runs in the background; its files (counts as BIOM, metadata, MDSINE tables; or indices and the report) download as one zip."),
    el("div", { class: "row" }, el("label", {}, "Spec ", sel), el("label", {}, noPower, " skip the power study (trials)"),
      el("button", { id: "run-cohort", onclick: async () => {
        err.hidden = true;
        const kind = sel.selectedOptions[0].dataset.kind;
        try { const r = await api("/api/runs", { method: "POST", json: { kind, spec: sel.value, no_power: kind === "trial" ? noPower.checked : undefined } }); go("/runs/" + r.id); }
        catch (e) { err.textContent = e.message; err.hidden = false; }
      } }, "Run in background")), err);
}

// ---- run page -------------------------------------------------------------
const RUN_LABELS = ["A", "B", "C", "D"];
const PANELS = [
  { title: "Stress axis", vars: ["host.cortisol", "host.perceived_stress"] },
  { title: "Inflammation and Treg", vars: ["host.inflammation", "host.Treg", "skin_inflammation"] },
  { title: "Gut", vars: ["gut.permeability", "gut.shannon", "gut.butyrate", "gut.dysbiosis"] },
  { title: "Gut community (relative abundance)", vars: ["gut.rel.Bacteroides", "gut.rel.Bifidobacterium", "gut.rel.Enterobacteriaceae", "gut.rel.Lactobacillus", "gut.rel.butyrate_producers", "gut.rel.probiotic"], log: true },
  { title: "Skin barrier", vars: ["face.barrier", "scalp.barrier", "axilla.barrier", "forearm.barrier"] },
  { title: "Eczema and wellbeing", vars: ["host.eczema_severity", "host.wellbeing"] },
];

async function showRun(main, id) {
  const run = await api("/api/runs/" + id);
  const req = run.request || {};
  const head = el("section", { class: "card run-head" });
  main.appendChild(head);
  const body = el("div", { id: "run-body" });
  main.appendChild(body);
  const drawHead = r => {
    head.innerHTML = "";
    const link = location.origin + "/runs/" + r.id;
    head.appendChild(el("h2", {}, r.title || r.id, " ", el("span", { class: "status st-" + r.status, id: "run-status" }, r.status)));
    head.appendChild(el("p", { class: "muted" }, `${r.kind} ${r.id} · `, req.model_name || req.spec_name || "gut-skin-brain.yaml",
      req.scenario_name ? ` · scenario ${req.scenario_name}` : "", Object.keys(req.set || {}).length ? " · set " + Object.entries(req.set).map(([k, v]) => `${k}=${v}`).join(", ") : "",
      r.origin === "cli" ? " · recorded from the command line" : ""));
    head.appendChild(el("div", { class: "row" },
      el("input", { readonly: "", value: link, id: "permalink", class: "permalink", "aria-label": "permanent link", onclick: ev => ev.target.select() }),
      el("button", { class: "small", id: "copy-link", onclick: async () => { try { await navigator.clipboard.writeText(link); flash("link copied"); } catch { $("#permalink").select(); flash("press Ctrl+C to copy the link"); } } }, "copy link"),
      r.kind === "run" ? el("button", { class: "small", id: "again", onclick: () => runAgain(r) }, "run again with changes") : null,
      r.kind === "run" && r.status === "succeeded" ? el("button", { class: "small", id: "add-compare", onclick: () => {
        if (!S.compare.includes(r.id)) { if (S.compare.length >= 4) S.compare.shift(); S.compare.push(r.id); saveCompare(); }
        flash("added to the comparison");
      } }, "add to compare") : null,
      !["succeeded", "failed", "cancelled"].includes(r.status) ? el("button", { class: "small danger", id: "cancel", onclick: async () => { try { await api(`/api/runs/${r.id}/cancel`, { method: "POST" }); } catch (e) { flash(e.message, true); } } }, "cancel") : null));
    if (!["succeeded", "failed", "cancelled"].includes(r.status)) {
      const pct = r.progress_total ? Math.round(100 * r.progress_done / r.progress_total) : 0;
      head.appendChild(el("div", { class: "progress", role: "progressbar", "aria-valuenow": pct, "aria-valuemin": 0, "aria-valuemax": 100 },
        el("div", { class: "bar", style: `width:${pct}%` }), el("span", {}, `${r.progress_done} / ${r.progress_total} ${r.kind === "run" ? "days" : "subjects"} (${pct}%)`)));
    }
    if (r.error) head.appendChild(el("div", { class: "error", role: "alert" }, r.error));
  };
  drawHead(run);
  if (["succeeded", "failed", "cancelled"].includes(run.status)) { await drawResults(body, run); return; }
  // Stream progress until the run ends.
  const es = new EventSource(withToken(`/api/runs/${id}/events`));
  stopStream = () => es.close();
  const onEv = async ev => {
    const d = JSON.parse(ev.data);
    Object.assign(run, d);
    drawHead(run);
    if (ev.type === "done") { es.close(); const full = await api("/api/runs/" + id); drawHead(full); await drawResults(body, full); }
  };
  es.addEventListener("progress", onEv);
  es.addEventListener("done", onEv);
}

async function drawResults(body, run) {
  body.innerHTML = "";
  const dl = el("section", { class: "card downloads" }, el("h3", {}, "Downloads"));
  const links = el("div", { class: "row" });
  for (const o of run.outputs) {
    if (o.name.includes("/")) continue;
    links.appendChild(el("a", { href: withToken(`/api/runs/${run.id}/results/${o.name}?download=1`), class: "button small", download: "" }, `${o.name} (${size(o.size)})`));
  }
  if (run.outputs.length) links.appendChild(el("a", { href: withToken(`/api/runs/${run.id}/download`), class: "button small primary", id: "download-zip", download: "" }, "all files (.zip)"));
  dl.appendChild(links);
  const inFolders = run.outputs.filter(o => o.name.includes("/"));
  if (inFolders.length) dl.appendChild(el("p", { class: "muted" }, `${inFolders.length} more files in ${[...new Set(inFolders.map(o => o.name.split("/")[0] + "/"))].join(", ")} are in the zip.`));
  if (run.outputs.some(o => o.name === "report.html")) dl.appendChild(el("p", {}, el("a", { href: withToken(`/api/runs/${run.id}/results/report.html`), target: "_blank", rel: "noopener" }, "open the full report")));
  body.appendChild(dl);
  if (run.kind === "run" && run.outputs.some(o => o.name === "trajectory.csv")) await drawFigures(body, [run]);
  const sum = run.summary || {};
  if (sum.endpoints && sum.endpoints.length) {
    const t = el("table", { class: "endpoints" }, el("thead", {}, el("tr", {}, ["variable", "baseline", "min", "day of min", "max", "day of max", "end"].map(h => el("th", {}, h)))));
    const tb = el("tbody");
    for (const e of sum.endpoints) tb.appendChild(el("tr", {}, el("td", {}, e.variable), [e.baseline, e.min, e.t_min, e.max, e.t_max, e.end].map(v => el("td", { class: "num" }, fmtNum(v)))));
    t.appendChild(tb);
    body.appendChild(el("section", { class: "card" }, el("h3", {}, "Endpoints"), t));
  }
  const logs = await api(`/api/runs/${run.id}/logs`);
  body.appendChild(el("section", { class: "card" }, el("h3", {}, "Log"), el("pre", { class: "log" }, logs.lines.map(l => `${new Date(l.time).toLocaleTimeString()}  ${l.line}`).join("\n") || "(empty)")));
}

function size(n) { return n > 1 << 20 ? (n / 1048576).toFixed(1) + " MB" : n > 1024 ? (n / 1024).toFixed(0) + " kB" : n + " B"; }

function shadesOf(sum) {
  return (sum.interventions || []).map(iv => ({ start: iv.start, end: iv.end, label: iv.name || iv.type, color: COLORS[iv.type] }));
}

// drawFigures draws the panels for one run, or overlays 2-4 runs (dashes tell runs apart).
async function drawFigures(body, runs) {
  const card = el("section", { class: "card figures" }, el("h3", {}, "Figures"),
    el("p", { class: "muted" }, "Drag across a chart to zoom, double-click to reset; hover for values; click a legend entry to hide it; tick “log” for a log axis."));
  body.appendChild(card);
  const first = await api(`/api/runs/${runs[0].id}/results/trajectory?vars=host.cortisol`);
  const names = first.names || [];
  let panels = PANELS.map(p => ({ ...p, vars: p.vars.filter(v => names.includes(v)) })).filter(p => p.vars.length);
  if (!panels.length) panels = [{ title: "Variables", vars: names.slice(0, 8) }];
  const want = [...new Set(panels.flatMap(p => p.vars))];
  const data = await Promise.all(runs.map(r => api(`/api/runs/${r.id}/results/trajectory?vars=${encodeURIComponent(want.join(","))}`)));
  const grid = el("div", { class: "chart-grid" });
  card.appendChild(grid);
  const dashes = [null, "7 4", "2 3", "10 3 2 3"];
  const mk = (p, vars) => {
    const div = el("div", { class: "chart-box" });
    grid.appendChild(div);
    const series = [];
    // One colour per variable; with several runs, one line style per run (A solid, B dashed, ...).
    vars.forEach((v, vi) => runs.forEach((r, ri) => {
      const d = data[ri] && data[ri].variables[v];
      if (!d) return;
      series.push({ name: runs.length > 1 ? `${v} (${RUN_LABELS[ri]})` : v, x: data[ri].time, y: d, color: PALETTE[vi % PALETTE.length], dash: runs.length > 1 ? dashes[ri] : null });
    }));
    lineChart(div, { title: p.title, series, log: p.log, shades: shadesOf(runs[0].summary || {}) });
  };
  for (const p of panels) mk(p, p.vars);
  // custom chart: any variable
  const pick = el("select", { id: "var-pick", "aria-label": "add a chart of a variable" }, el("option", { value: "" }, "add a chart of any variable…"), names.map(n => el("option", { value: n }, n)));
  pick.addEventListener("change", async () => {
    const v = pick.value;
    if (!v) return;
    const extra = await Promise.all(runs.map(r => api(`/api/runs/${r.id}/results/trajectory?vars=${encodeURIComponent(v)}`)));
    extra.forEach((d, i) => { data[i].variables[v] = d.variables[v]; });
    mk({ title: v }, [v]);
    pick.value = "";
  });
  card.appendChild(el("div", { class: "row" }, pick));
}

async function runAgain(run) {
  const req = run.request || {};
  if (!S.catalog) await loadCatalog();
  const mname = req.model_name || "gut-skin-brain.yaml";
  S.model = S.catalog.models.find(m => m.name === mname && (!req.model || !req.model.startsWith("sha256:") || "sha256:" + m.sha256 === req.model)) || await api("/api/models/" + encodeURIComponent(req.model || mname));
  S.set = Object.assign({}, req.set || {});
  if (req.scenario && req.scenario.startsWith("sha256:")) {
    const sc = await api("/api/scenarios/" + encodeURIComponent(req.scenario));
    S.scenario = sc.scenario; S.scenarioName = ""; S.scenarioDirty = true;
    if (!S.scenario.interventions) S.scenario.interventions = [];
  } else {
    await chooseScenario(req.scenario_name || S.model.default_scenario || "");
  }
  S.selected = -1;
  history.pushState({}, "", "/");
  const main = $("#main");
  main.innerHTML = "";
  main.appendChild(el("section", { class: "intro" }, el("h2", {}, "Run again with changes"), el("p", {}, "Prefilled from run ", el("a", { href: "/runs/" + run.id, "data-nav": "" }, run.id), ". Change what you like and press Run.")));
  const form = el("section", { class: "card editor" });
  main.appendChild(form);
  renderEditor(form);
}

// ---- compare ----------------------------------------------------------------
async function showCompare(main, idsParam) {
  const ids = (idsParam ? idsParam.split(",") : S.compare).filter(Boolean);
  main.appendChild(el("section", { class: "intro" }, el("h2", {}, "Compare runs")));
  if (ids.length < 2) { main.appendChild(el("p", {}, "Tick 2 to 4 runs under “Recent runs” (or press “add to compare” on a run's page), then open Compare.")); return; }
  const cmp = await api("/api/compare?ids=" + ids.join(","));
  const runs = await Promise.all(ids.map(id => api("/api/runs/" + id)));
  main.appendChild(el("p", { class: "muted" }, "Share this comparison: ", el("input", { readonly: "", class: "permalink", id: "compare-link", value: location.origin + "/compare?ids=" + ids.join(","), onclick: ev => ev.target.select() })));
  const legend = el("table", { class: "runs" }, el("thead", {}, el("tr", {}, el("th", {}, "run"), el("th", {}, "line"), el("th", {}, "id"), el("th", {}, "title"), el("th", {}, "settings"))));
  const tb = el("tbody");
  const dashNames = ["solid", "dashed", "dotted", "dash-dot"];
  cmp.runs.forEach((r, i) => tb.appendChild(el("tr", {}, el("td", {}, el("b", {}, RUN_LABELS[i])), el("td", {}, dashNames[i]), el("td", {}, el("a", { href: "/runs/" + r.id, "data-nav": "" }, r.id)), el("td", {}, r.title),
    el("td", {}, [r.scenario ? "scenario " + r.scenario : "", Object.entries(r.set || {}).map(([k, v]) => `${k}=${v}`).join(", ")].filter(Boolean).join(" · ") || "defaults"))));
  legend.appendChild(tb);
  main.appendChild(el("section", { class: "card" }, legend));
  const body = el("div");
  main.appendChild(body);
  await drawFigures(body, runs);
  const t = el("table", { class: "endpoints", id: "diff-table" }, el("thead", {}, el("tr", {}, el("th", {}, "endpoint"), el("th", {}, "stat"),
    cmp.runs.map((r, i) => el("th", { class: "num", title: r.title }, i === 0 ? `${RUN_LABELS[i]} (reference)` : RUN_LABELS[i])), cmp.runs.slice(1).map((r, i) => el("th", { class: "num" }, `${RUN_LABELS[i + 1]} − A`)))));
  const tb2 = el("tbody");
  for (const row of cmp.endpoints) {
    if (row.stat !== "end" && row.stat !== "max") continue;
    // A difference counts when it is over 0.1% of the reference (or the reference is 0 and it is not).
    const changed = row.diff.slice(1).some((d, i) => d !== null && (row.rel_diff[i + 1] === null ? d !== 0 : Math.abs(row.rel_diff[i + 1]) > 1e-3));
    tb2.appendChild(el("tr", { class: changed ? "changed" : "" }, el("td", {}, row.variable), el("td", {}, row.stat),
      row.values.map(v => el("td", { class: "num" }, fmtNum(v))),
      row.diff.slice(1).map((d, i) => el("td", { class: "num" }, d === null ? "–" : fmtNum(d) + (row.rel_diff[i + 1] !== null ? ` (${(100 * row.rel_diff[i + 1]).toFixed(1)}%)` : "")))));
  }
  t.appendChild(tb2);
  main.appendChild(el("section", { class: "card" }, el("h3", {}, "Difference of endpoints"), el("p", { class: "muted" }, "Each run against run A; rows that differ by more than 0.1% are highlighted."), t));
}

function renderCompareBar() {
  const b = $("#compare-bar");
  b.innerHTML = "";
  if (!S.compare.length) return;
  b.appendChild(el("span", {}, `${S.compare.length} run${S.compare.length > 1 ? "s" : ""} to compare `));
  b.appendChild(el("a", { href: "/compare?ids=" + S.compare.join(","), "data-nav": "", class: "button small primary", id: "open-compare" }, "Compare"));
  b.appendChild(el("button", { class: "small", onclick: () => { S.compare = []; saveCompare(); } }, "clear"));
}

function flash(msg, bad) {
  const f = $("#flash");
  f.textContent = msg;
  f.className = bad ? "flash bad" : "flash";
  f.hidden = false;
  clearTimeout(flash.t);
  flash.t = setTimeout(() => { f.hidden = true; }, 4000);
}

route();
