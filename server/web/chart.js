// holobiont's interactive line charts: plain SVG, no library.
// lineChart(el, opts) draws series [{name, x, y, color, dash}] with
//   - zoom: drag across the plot to zoom the time axis; double-click resets
//   - hover: a cursor line and a box with every visible series' value
//   - legend: click a name to hide or show its series
//   - log axis: the "log" box (values <= 0 are left out on a log axis)
//   - shades: [{start, end, label, color}] intervention windows
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function fmtNum(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
  return (+v.toPrecision(4)).toString();
}

function niceTicks(lo, hi, n) {
  if (!(hi > lo)) { hi = lo + 1; }
  const span = hi - lo, step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const err = step0 / mag;
  const step = mag * (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function lineChart(el, opts) {
  const st = { xmin: null, xmax: null, log: !!opts.log, hidden: new Set(opts.hidden || []) };
  el.classList.add("chart");
  el.innerHTML = "";
  const head = document.createElement("div");
  head.className = "chart-head";
  const title = document.createElement("span");
  title.className = "chart-title";
  title.textContent = opts.title || "";
  head.appendChild(title);
  const logLab = document.createElement("label");
  logLab.className = "chart-log";
  const logBox = document.createElement("input");
  logBox.type = "checkbox";
  logBox.checked = st.log;
  logBox.setAttribute("aria-label", "log axis for " + (opts.title || "chart"));
  logLab.appendChild(logBox);
  logLab.appendChild(document.createTextNode(" log"));
  head.appendChild(logLab);
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "chart-reset small";
  reset.textContent = "reset zoom";
  reset.hidden = true;
  head.appendChild(reset);
  el.appendChild(head);
  const W = opts.width || 560, H = opts.height || 260;
  const M = { l: 62, r: 12, t: 10, b: 34 };
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg", role: "img", "aria-label": opts.title || "chart" }, el);
  const legend = document.createElement("div");
  legend.className = "chart-legend";
  el.appendChild(legend);
  const tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.hidden = true;
  el.appendChild(tip);
  const series = opts.series.map((s, i) => Object.assign({ color: PALETTE[i % PALETTE.length] }, s));
  let X0 = Infinity, X1 = -Infinity;
  for (const s of series) for (const x of s.x) { if (x < X0) X0 = x; if (x > X1) X1 = x; }
  if (!isFinite(X0)) { X0 = 0; X1 = 1; }

  function draw() {
    svg.innerHTML = "";
    const xmin = st.xmin ?? X0, xmax = st.xmax ?? X1;
    let ymin = Infinity, ymax = -Infinity;
    for (const s of series) {
      if (st.hidden.has(s.name)) continue;
      for (let i = 0; i < s.x.length; i++) {
        const x = s.x[i], y = s.y[i];
        if (x < xmin || x > xmax || y === null || !isFinite(y)) continue;
        if (st.log && y <= 0) continue;
        if (y < ymin) ymin = y;
        if (y > ymax) ymax = y;
      }
    }
    if (!isFinite(ymin)) { ymin = st.log ? 1 : 0; ymax = st.log ? 10 : 1; }
    let ty = v => v, uy = v => v;
    if (st.log) { ty = v => Math.log10(v); uy = v => Math.pow(10, v); }
    let y0 = ty(ymin), y1 = ty(ymax);
    if (y1 - y0 < 1e-12 * Math.max(1, Math.abs(y0))) { const d = Math.abs(y0) * 0.05 || 0.5; y0 -= d; y1 += d; }
    const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    const px = x => M.l + (x - xmin) / (xmax - xmin || 1) * (W - M.l - M.r);
    const py = y => H - M.b - (ty(y) - y0) / (y1 - y0) * (H - M.t - M.b);
    const g = svgEl("g", {}, svg);
    for (const sh of opts.shades || []) {
      const a = Math.max(sh.start, xmin), b = Math.min(sh.end, xmax);
      if (b <= a) continue;
      const r = svgEl("rect", { x: px(a), y: M.t, width: px(b) - px(a), height: H - M.t - M.b, fill: sh.color || "#999", opacity: 0.13 }, g);
      svgEl("title", {}, r).textContent = `${sh.label} (day ${sh.start}–${sh.end})`;
    }
    // axes
    for (const v of niceTicks(xmin, xmax, 6)) {
      svgEl("line", { x1: px(v), x2: px(v), y1: M.t, y2: H - M.b, class: "grid" }, g);
      svgEl("text", { x: px(v), y: H - M.b + 14, class: "tick", "text-anchor": "middle" }, g).textContent = fmtNum(v);
    }
    const yt = st.log ? niceTicks(Math.floor(y0), Math.ceil(y1), Math.min(6, Math.ceil(y1) - Math.floor(y0) + 1)).filter(v => Number.isInteger(v) && v >= y0 && v <= y1).map(uy)
      : niceTicks(y0, y1, 5).filter(v => v >= y0 && v <= y1);
    for (const v of yt) {
      svgEl("line", { x1: M.l, x2: W - M.r, y1: py(v), y2: py(v), class: "grid" }, g);
      svgEl("text", { x: M.l - 4, y: py(v) + 3, class: "tick", "text-anchor": "end" }, g).textContent = fmtNum(v);
    }
    svgEl("rect", { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, class: "frame" }, g);
    svgEl("text", { x: (M.l + W - M.r) / 2, y: H - 4, class: "axis-label", "text-anchor": "middle" }, g).textContent = opts.xLabel || "time (days)";
    if (opts.yLabel) svgEl("text", { x: 12, y: (M.t + H - M.b) / 2, class: "axis-label", "text-anchor": "middle", transform: `rotate(-90 12 ${(M.t + H - M.b) / 2})` }, g).textContent = opts.yLabel;
    const clip = "clip" + Math.random().toString(36).slice(2);
    const cp = svgEl("clipPath", { id: clip }, svg);
    svgEl("rect", { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b }, cp);
    const lines = svgEl("g", { "clip-path": `url(#${clip})` }, svg);
    for (const s of series) {
      if (st.hidden.has(s.name)) continue;
      let d = "", pen = false;
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (y === null || !isFinite(y) || (st.log && y <= 0)) { pen = false; continue; }
        d += (pen ? "L" : "M") + px(s.x[i]).toFixed(1) + " " + py(y).toFixed(1);
        pen = true;
      }
      const path = svgEl("path", { d, stroke: s.color, fill: "none", "stroke-width": 1.6, class: "series" }, lines);
      path.dataset.series = s.name;
      if (s.dash) path.setAttribute("stroke-dasharray", s.dash);
    }
    const cursor = svgEl("line", { y1: M.t, y2: H - M.b, class: "cursor", visibility: "hidden" }, svg);
    const sel = svgEl("rect", { y: M.t, height: H - M.t - M.b, class: "zoom-sel", visibility: "hidden" }, svg);
    const hit = svgEl("rect", { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, fill: "transparent", class: "hit" }, svg);
    const toX = ev => {
      const r = svg.getBoundingClientRect();
      const sx = (ev.clientX - r.left) / r.width * W;
      return { sx, x: xmin + (sx - M.l) / (W - M.l - M.r) * (xmax - xmin) };
    };
    let drag = null;
    hit.addEventListener("mousedown", ev => { drag = toX(ev); ev.preventDefault(); });
    hit.addEventListener("mousemove", ev => {
      const p = toX(ev);
      cursor.setAttribute("x1", p.sx); cursor.setAttribute("x2", p.sx); cursor.setAttribute("visibility", "visible");
      if (drag) {
        sel.setAttribute("x", Math.min(drag.sx, p.sx)); sel.setAttribute("width", Math.abs(p.sx - drag.sx)); sel.setAttribute("visibility", "visible");
      }
      const rows = [];
      for (const s of series) {
        if (st.hidden.has(s.name) || !s.x.length) continue;
        let lo = 0, hi = s.x.length - 1;
        while (hi - lo > 1) { const m = (lo + hi) >> 1; if (s.x[m] < p.x) lo = m; else hi = m; }
        const i = Math.abs(s.x[lo] - p.x) <= Math.abs(s.x[hi] - p.x) ? lo : hi;
        rows.push({ s, x: s.x[i], y: s.y[i] });
      }
      if (!rows.length) return;
      tip.innerHTML = "";
      const h = document.createElement("div");
      h.className = "tip-x";
      h.textContent = "day " + fmtNum(rows[0].x);
      tip.appendChild(h);
      for (const r of rows) {
        const d = document.createElement("div");
        const sw = document.createElement("span");
        sw.className = "swatch"; sw.style.background = r.s.color;
        d.appendChild(sw);
        d.appendChild(document.createTextNode(` ${r.s.name}: ${fmtNum(r.y)}`));
        tip.appendChild(d);
      }
      tip.hidden = false;
      const er = el.getBoundingClientRect(), sr = svg.getBoundingClientRect();
      let left = ev.clientX - er.left + 14;
      if (left > er.width - 220) left = ev.clientX - er.left - 230;
      tip.style.left = left + "px";
      tip.style.top = (sr.top - er.top + 14) + "px";
    });
    hit.addEventListener("mouseleave", () => { cursor.setAttribute("visibility", "hidden"); tip.hidden = true; });
    hit.addEventListener("mouseup", ev => {
      if (!drag) return;
      const p = toX(ev), a = Math.min(drag.x, p.x), b = Math.max(drag.x, p.x);
      drag = null;
      sel.setAttribute("visibility", "hidden");
      if (b - a > (xmax - xmin) / 200) { st.xmin = a; st.xmax = b; reset.hidden = false; draw(); }
    });
    hit.addEventListener("dblclick", () => { st.xmin = st.xmax = null; reset.hidden = true; draw(); });
  }

  function drawLegend() {
    legend.innerHTML = "";
    for (const s of series) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "legend-item" + (st.hidden.has(s.name) ? " off" : "");
      b.setAttribute("aria-pressed", st.hidden.has(s.name) ? "false" : "true");
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = s.color;
      if (s.dash) sw.style.background = `repeating-linear-gradient(90deg, ${s.color} 0 4px, transparent 4px 7px)`;
      b.appendChild(sw);
      b.appendChild(document.createTextNode(" " + s.name));
      b.title = "show or hide " + s.name;
      b.addEventListener("click", () => {
        if (st.hidden.has(s.name)) st.hidden.delete(s.name); else st.hidden.add(s.name);
        drawLegend(); draw();
      });
      legend.appendChild(b);
    }
  }
  logBox.addEventListener("change", () => { st.log = logBox.checked; draw(); });
  reset.addEventListener("click", () => { st.xmin = st.xmax = null; reset.hidden = true; draw(); });
  drawLegend();
  draw();
  return {
    zoom(a, b) { st.xmin = a; st.xmax = b; reset.hidden = false; draw(); },
    setLog(v) { st.log = v; logBox.checked = v; draw(); },
    toggle(name) { if (st.hidden.has(name)) st.hidden.delete(name); else st.hidden.add(name); drawLegend(); draw(); },
    state: st,
  };
}

window.lineChart = lineChart;
window.fmtNum = fmtNum;
window.PALETTE = PALETTE;
