// The gdviz stage: one timeline in the browser for every linked view of a run.
//
// Python (gdviz.ui.stage) sends a spec: Plotly figures (panels) whose "moving" traces the stage
// redraws at the step on screen, the run's length T, and where a click means something. Pictures and
// weighted links that change per snapshot (kinds "raster" and "links") are painted on a canvas under
// the panel's plot instead, whose backgrounds are then transparent. Playing,
// stepping and scrubbing happen here and rerun nothing; the stage reports the step it rests on
// (debounced, for the link) and a click on a clickable panel (data coordinates) to the server.
//
// Streamlit calls the default export on every data change with the same parentElement: one Stage
// lives per element (WeakMap) and only the last cleanup runs, on unmount.

const SPEEDS = [["Slow", 0.25], ["Normal", 1], ["Fast", 4]];
const RUN_SECONDS = 10; // Normal plays a whole run in about this long, whatever its length
const REPORT_MS = 400; // quiet time before a resting step is reported to the server
const RESIZE_MS = 100; // quiet time before a resized window is laid out again
const MIN_PLOT = 300; // px: the plots never get shorter than this
const MAX_PLOT = 620; // px: outside projection mode the plots never get taller than this

const stages = new WeakMap();
const FULLSCREEN_ICON =
  '<svg viewBox="0 0 24 24" width="1.2em" height="1.2em" aria-hidden="true" fill="none" stroke="currentColor" ' +
  'stroke-width="2.4"><path d="M3 9V3h6M15 3h6v6M21 15v6h-6M9 21H3v-6"/></svg>';

export default function gdvizStage(component) {
  const { parentElement, data } = component;
  let stage = stages.get(parentElement);
  if (!stage) {
    stage = new Stage(parentElement);
    stages.set(parentElement, stage);
  }
  stage.connect(component);
  stage.update(data);
  return () => {
    stage.destroy();
    stages.delete(parentElement);
  };
}

// ---------------------------------------------------------------- plotly.js, once per browser

// The stage runs on its own plotly.js (the version gdviz's figures are built for), never on whatever another
// script left in window.Plotly (Streamlit's charts bring a build of their own): the global is put back.
let plotlyPromise = null;

function loadPlotly(file) {
  if (!plotlyPromise) {
    const url = new URL(file, import.meta.url).href;
    plotlyPromise = fetchCached(url)
      .then((blob) => new Promise((resolve, reject) => {
        const script = document.createElement("script");
        const before = Object.getOwnPropertyDescriptor(window, "Plotly");
        script.src = URL.createObjectURL(blob);
        script.onload = () => {
          const ours = window.Plotly;
          if (before) Object.defineProperty(window, "Plotly", before);
          else delete window.Plotly;
          URL.revokeObjectURL(script.src);
          if (ours && typeof ours.react === "function") resolve(ours);
          else reject(new Error("plotly.js did not start"));
        };
        script.onerror = () => reject(new Error("plotly.js could not be loaded"));
        document.head.appendChild(script);
      }))
      .catch((e) => {
        plotlyPromise = null;
        throw e;
      });
  }
  return plotlyPromise;
}

// The file's name carries plotly's version, so a browser keeps one copy per version in its Cache
// Storage: a second visit costs no bytes (Streamlit serves component files without validators).
async function fetchCached(url) {
  let cache = null;
  try {
    cache = window.caches ? await window.caches.open("gdviz") : null; // secure contexts only
  } catch (e) {
    cache = null;
  }
  if (cache) {
    const hit = await cache.match(url);
    if (hit) return hit.blob();
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`plotly.js: HTTP ${response.status}`);
  if (cache) {
    try {
      await cache.put(url, response.clone());
    } catch (e) {
      /* a full or refused cache only costs the next visit its bytes */
    }
  }
  return response.blob();
}

// ---------------------------------------------------------------- typed arrays

const TYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, i2: Int16Array, u1: Uint8Array, i1: Int8Array };

function bytesOf(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function decode(a) {
  if (a == null) return null;
  if (Array.isArray(a)) return Float64Array.from(a, (v) => (v == null ? NaN : v));
  if (a.zlib) return new TYPES[a.dtype](a.inflated); // inflated by unpack() before any mover is made
  return new TYPES[a.dtype](bytesOf(a.bdata).buffer);
}

// Arrays sent zlib-compressed (gdviz.viz.stage.packed) are inflated once, when a spec arrives.
async function unpack(spec) {
  const jobs = [];
  for (const panel of spec.panels) {
    for (const m of panel.moving) {
      for (const v of Object.values(m)) {
        if (v && v.zlib && !v.inflated) {
          const stream = new Blob([bytesOf(v.bdata)]).stream().pipeThrough(new DecompressionStream("deflate"));
          jobs.push(new Response(stream).arrayBuffer().then((buffer) => { v.inflated = buffer; }));
        }
      }
    }
  }
  await Promise.all(jobs);
}

// The index of the snapshot on screen at step k: the last one whose step is at most k.
function snapshotAt(at, k) {
  let lo = 0;
  let hi = at.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function steps(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

// One moving trace: what it shows at step k (trail: whether paths grow or show whole).
// mover(m)(k, trail) -> [xs, ys] shown at step k; mover(m).whole() -> {x, y} with a point for every
// element the trace can ever show (finite stand-ins where a value is missing), to draw it once.
function mover(m) {
  const anywhere = (a) => a.find((v) => Number.isFinite(v)) ?? 0;
  if (m.kind === "path") {
    const y = decode(m.y);
    const x = m.x == null ? steps(y.length) : decode(m.x);
    const show = (k, trail) => {
      const n = trail ? Math.min(k + 1, x.length) : x.length;
      return [x.subarray(0, n), y.subarray(0, n)];
    };
    show.whole = () => ({ x: [anywhere(x), anywhere(x)], y: [anywhere(y), anywhere(y)] });
    return show;
  }
  if (m.kind === "now") {
    const x = m.x == null ? null : decode(m.x);
    const y = decode(m.y);
    const w = m.m;
    const last = y.length / w - 1;
    const show = (k) => {
      const i = Math.min(k, last);
      const ys = y.subarray(i * w, (i + 1) * w);
      const xs = x ? x.subarray(i * w, (i + 1) * w) : new Float32Array(w).fill(k);
      return [xs, ys];
    };
    show.whole = () => ({ x: new Array(w).fill(x ? anywhere(x) : 0), y: new Array(w).fill(anywhere(y)) });
    return show;
  }
  if (m.kind === "frames") {
    const x = decode(m.x);
    const y = decode(m.y);
    const off = m.offsets;
    const show = (k) => {
      const i = snapshotAt(m.steps, k);
      return [x.subarray(off[i], off[i + 1]), y.subarray(off[i], off[i + 1])];
    };
    const a = [anywhere(x), anywhere(y)];
    show.whole = () => ({ x: [a[0], a[0], a[0]], y: [a[1], a[1], a[1]] });
    return show;
  }
  if (m.kind === "vline") {
    const y = Float64Array.from(m.y);
    const show = (k) => [Float64Array.of(k, k), y];
    show.whole = () => ({ x: [0, 0], y: Array.from(y) });
    return show;
  }
  throw new Error(`unknown moving trace: ${m.kind}`);
}

// ---------------------------------------------------------------- the canvas: pictures and links

const CANVAS_KINDS = new Set(["raster", "links"]);
const onCanvas = (m) => CANVAS_KINDS.has(m.kind);

// Where a layout image stands, in the figure's pixels (plotly's placement: anchors, stretch or contain).
function imageBox(image, full, nx, ny) {
  const xa = full[`xaxis${(image.xref || "x").slice(1)}`];
  const ya = full[`yaxis${(image.yref || "y").slice(1)}`];
  const x0 = xa._offset + xa.c2p(image.x);
  const y0 = ya._offset + ya.c2p(image.y);
  const w = Math.abs(xa._offset + xa.c2p(image.x + image.sizex) - x0);
  const h = Math.abs(ya._offset + ya.c2p(image.y - image.sizey) - y0);
  const left = x0 - w * ({ center: 0.5, right: 1 }[image.xanchor] || 0);
  const top = y0 - h * ({ middle: 0.5, bottom: 1 }[image.yanchor] || 0);
  if (image.sizing !== "contain") return { x: left, y: top, w, h };
  const scale = Math.min(w / nx, h / ny); // the whole picture, its cells square, in the middle of its box
  return { x: left + (w - nx * scale) / 2, y: top + (h - ny * scale) / 2, w: nx * scale, h: ny * scale };
}

// A canvas mover: snapshot(k) -> the index of the snapshot on screen at step k; paint(ctx, full, i) draws it.
function canvasMover(m, layout) {
  const colors = decode(m.colors);
  const rgb = (c) => `rgb(${colors[3 * c]},${colors[3 * c + 1]},${colors[3 * c + 2]})`;
  const snapshot = (k) => snapshotAt(m.steps, k);
  if (m.kind === "raster") {
    const [, ny, nx] = m.shape;
    const cells = decode(m.cells);
    const image = layout.images[m.image];
    const picture = document.createElement("canvas");
    picture.width = nx;
    picture.height = ny;
    const pctx = picture.getContext("2d");
    const pixels = pctx.createImageData(nx, ny);
    let drawn = -1;
    const paint = (ctx, full, i) => {
      if (i !== drawn) {
        const cell = cells.subarray(i * nx * ny, (i + 1) * nx * ny);
        const px = pixels.data;
        for (let j = 0; j < cell.length; j++) {
          const c = 3 * cell[j];
          px[4 * j] = colors[c];
          px[4 * j + 1] = colors[c + 1];
          px[4 * j + 2] = colors[c + 2];
          px[4 * j + 3] = 255;
        }
        pctx.putImageData(pixels, 0, 0);
        drawn = i;
      }
      const box = imageBox(image, full, nx, ny);
      ctx.drawImage(picture, box.x, box.y, box.w, box.h);
    };
    return { snapshot, paint };
  }
  const x = decode(m.x);
  const y = decode(m.y);
  const shades = decode(m.shades);
  const widths = decode(m.widths);
  const n = x.length / 2;
  const paint = (ctx, full, i) => {
    const xa = full.xaxis;
    const ya = full.yaxis;
    // one stroke per look (shade and width) rather than per segment: a software canvas pays per stroke,
    // and a network of 900 weights shares a few hundred looks
    const looks = new Map();
    for (let j = 0; j < n; j++) {
      const w = widths[i * n + j];
      if (!w) continue;
      const look = shades[i * n + j] * 256 + w;
      if (!looks.has(look)) looks.set(look, []);
      looks.get(look).push(j);
    }
    ctx.lineCap = "round";
    for (const [look, segments] of looks) {
      ctx.strokeStyle = rgb(look >> 8);
      ctx.lineWidth = (look & 255) / 10;
      ctx.beginPath();
      for (const j of segments) {
        ctx.moveTo(xa._offset + xa.c2p(x[2 * j]), ya._offset + ya.c2p(y[2 * j]));
        ctx.lineTo(xa._offset + xa.c2p(x[2 * j + 1]), ya._offset + ya.c2p(y[2 * j + 1]));
      }
      ctx.stroke();
    }
  };
  return { snapshot, paint };
}

// painter(group, fullLayout, trace)(xs, ys): moves one trace's drawn SVG (its line, its fill, its
// markers) to new data, in the foreground's pixels; a marker at a missing value is hidden, a line breaks.
function painter(group, full, trace) {
  const xa = full.xaxis;
  const ya = full.yaxis;
  const line = group && group.querySelector(".js-line");
  const fill = group && group.querySelector(".js-fill");
  const points = group ? Array.from(group.querySelectorAll("path.point")) : [];
  const arrow = trace.marker && trace.marker.symbol === "arrow"; // its head turns along the last segment
  const px = (v) => (Number.isFinite(v) ? xa.c2p(v) : NaN);
  const py = (v) => (Number.isFinite(v) && (ya.type !== "log" || v > 0) ? ya.c2p(v) : NaN);
  return (xs, ys) => {
    const n = xs.length;
    if (line || fill) {
      let d = "";
      let open = false;
      for (let i = 0; i < n; i++) {
        const a = px(xs[i]);
        const b = py(ys[i]);
        if (Number.isNaN(a) || Number.isNaN(b)) {
          open = false;
          continue;
        }
        d += `${open ? "L" : "M"}${a.toFixed(1)},${b.toFixed(1)}`;
        open = true;
      }
      if (line) line.setAttribute("d", d || "M0,0");
      if (fill) fill.setAttribute("d", d ? `${d}Z` : "M0,0");
      if (line) line.style.display = d ? "" : "none";
      if (fill) fill.style.display = d ? "" : "none";
    }
    points.forEach((el, i) => {
      const a = i < n ? px(xs[i]) : NaN;
      const b = i < n ? py(ys[i]) : NaN;
      if (Number.isNaN(a) || Number.isNaN(b)) {
        el.style.display = "none";
        return;
      }
      el.style.display = "";
      let turn = "";
      if (arrow && i > 0) {
        const deg = (Math.atan2(b - py(ys[i - 1]), a - px(xs[i - 1])) * 180) / Math.PI + 90;
        if (Number.isFinite(deg)) turn = ` rotate(${deg.toFixed(1)})`;
      }
      el.setAttribute("transform", `translate(${a.toFixed(1)},${b.toFixed(1)})${turn}`);
    });
  };
}

// ---------------------------------------------------------------- the stage

// The step between scrubber labels: a round number (1, 2, 2.5 or 5 × 10^k, whole) giving at most MAX_TICKS gaps.
const MAX_TICKS = 8;
function tickStep(T) {
  for (let power = 1; ; power *= 10) {
    for (const f of [1, 2, 2.5, 5]) {
      const every = f * power;
      if (Number.isInteger(every) && T / every <= MAX_TICKS) return every;
    }
  }
}

const CONFIG = { displayModeBar: false, responsive: false, scrollZoom: false, doubleClick: false };

// The background's traces: the figure's, the moving ones without data (their legend entries stay).
function background(panel) {
  const moving = new Set(panel.moving.filter((m) => !onCanvas(m)).map((m) => m.trace));
  return panel.figure.data.map((t, i) => (moving.has(i) ? { ...t, x: [null], y: [null], hoverinfo: "skip" } : t));
}

// A panel's figure as the stage draws it: at the stage's height, not draggable where a click means something,
// and without its legend where the stage shows that legend in a row of its own (the plot then starts where
// the legend did, under the title).
function panelLayout(panel, height) {
  const layout = sized(panel.figure.layout, height);
  if (panel.click) layout.dragmode = false;
  const painted = panel.moving.filter(onCanvas);
  if (painted.length) {
    // the canvas under the plot paints the pictures and the links: the figure's own copies (the snapshot the
    // figure was made at) are hidden, and its backgrounds let the canvas through
    const images = new Set(painted.filter((m) => m.kind === "raster").map((m) => m.image));
    const shapes = (i) => painted.some((m) => m.kind === "links" && m.shapes[0] <= i && i < m.shapes[1]);
    if (layout.images) layout.images = layout.images.map((im, i) => (images.has(i) ? { ...im, visible: false } : im));
    if (layout.shapes) layout.shapes = layout.shapes.map((sh, i) => (shapes(i) ? { ...sh, visible: false } : sh));
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
  }
  const own = panel.figure.layout;
  if (panel.legendRow && own.legend && own.legend.yref === "container" && own.height) {
    const top = Math.round((1 - own.legend.y) * own.height);
    layout.showlegend = false;
    layout.margin = { ...own.margin, t: top + 4 };
  }
  return layout;
}

// A figure's layout at another height: a legend placed in container coordinates (under the title, as
// gdviz.viz.layout.headline puts it) keeps its distance in pixels from the top.
function sized(layout, height) {
  const out = { ...layout, height, autosize: true };
  const legend = layout.legend;
  if (legend && legend.yref === "container" && typeof legend.y === "number" && layout.height) {
    out.legend = { ...legend, y: 1 - ((1 - legend.y) * layout.height) / height };
  }
  return out;
}

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

class Stage {
  constructor(parent) {
    this.parent = parent;
    this.spec = null;
    this.step = 0;
    this.T = 0;
    this.playing = false;
    this.speed = 1;
    this.trail = true;
    this.panels = [];
    this.dirty = true;
    this.raf = 0;
    this.reportTimer = 0;
    this.reported = null;
    this.alive = true;
    this.build();
  }

  connect({ setStateValue, setTriggerValue }) {
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
  }

  build() {
    const root = el("div", { class: "gdviz-stage", "data-testid": "gdviz-stage", tabindex: "0" });
    root.setAttribute("aria-label", "Optimizer playback: Space plays or pauses, arrows step, Home and End jump, F fills the screen");
    this.plots = el("div", { class: "gdviz-plots" });
    this.status = el("div", { class: "gdviz-status" }, "Loading the stage…");
    const scrubRow = el("div", { class: "gdviz-scrub" });
    const bar = el("div", { class: "gdviz-bar", role: "toolbar" });
    const button = (label, title, action) => {
      const b = el("button", { type: "button", title, "aria-label": title }, label);
      b.addEventListener("pointerdown", (e) => e.preventDefault()); // keep the keyboard on the stage
      b.addEventListener("click", () => {
        action();
        root.focus({ preventScroll: true });
      });
      bar.appendChild(b);
      return b;
    };
    button("|◀", "First step (Home)", () => this.go(0));
    button("◀ 1", "One step back (←)", () => this.go(this.step - 1));
    this.playButton = button("▶ Play", "Play or pause (Space)", () => this.toggle());
    this.playButton.classList.add("gdviz-play");
    button("1 ▶", "One step forward (→)", () => this.go(this.step + 1));
    button("▶|", "Last step (End)", () => this.go(this.T));
    this.scrub = el("input", { type: "range", min: "0", max: "1", value: "0", step: "1", "aria-label": "Step" });
    this.scrub.addEventListener("input", () => this.go(Number(this.scrub.value)));
    const track = el("div", { class: "gdviz-track" });
    this.ticks = el("div", { class: "gdviz-ticks", "data-testid": "gdviz-ticks", "aria-hidden": "true" });
    track.append(this.scrub, this.ticks);
    scrubRow.appendChild(track);
    this.readout = el("span", { class: "gdviz-step", "data-testid": "gdviz-step", "aria-live": "off" });
    scrubRow.appendChild(this.readout);
    this.speedPicker = el("select", { "aria-label": "Speed", title: "Speed" });
    for (const [label, factor] of SPEEDS) {
      const o = el("option", { value: String(factor) }, label);
      if (factor === 1) o.selected = true;
      this.speedPicker.appendChild(o);
    }
    this.speedPicker.addEventListener("change", () => {
      this.setSpeed(Number(this.speedPicker.value));
      root.focus({ preventScroll: true });
    });
    const speed = el("label", { class: "gdviz-speed" }, "speed ");
    speed.appendChild(this.speedPicker);
    bar.appendChild(speed);
    const trailLabel = el("label", { class: "gdviz-trail", title: "Draw each path as it grows, or whole from the start" });
    this.trailBox = el("input", { type: "checkbox" });
    this.trailBox.checked = true;
    this.trailBox.addEventListener("change", () => {
      this.trail = this.trailBox.checked;
      this.dirty = true;
      this.schedule();
      root.focus({ preventScroll: true });
    });
    trailLabel.append(this.trailBox, document.createTextNode(" trail"));
    this.trailLabel = trailLabel;
    bar.appendChild(trailLabel);
    const full = button("", "Fill the screen (F)", () => this.fullscreen());
    full.innerHTML = FULLSCREEN_ICON;
    this.legend = el("div", { class: "gdviz-legend", "data-testid": "gdviz-legend" });
    root.append(this.plots, this.legend, this.status, scrubRow, bar);
    this.scrubRow = scrubRow;
    root.addEventListener("keydown", (e) => this.key(e));
    this.root = root;
    this.bar = bar;
    // for tests and outside checks: what each panel's moving traces show at the step on screen
    root.gdvizShown = (panel) => (this.panels[panel] && this.panels[panel].shown) || [];
    this.parent.appendChild(root);
    this.onResize = () => {
      // a window being dragged fires resize many times a second: lay out once it settles
      clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => this.resize(), RESIZE_MS);
    };
    window.addEventListener("resize", this.onResize);
    document.addEventListener("fullscreenchange", this.onResize);
  }

  key(e) {
    if (e.target !== this.root && e.target.tagName !== "BUTTON") return; // the scrubber and picker keep their keys
    const actions = {
      " ": () => this.toggle(),
      ArrowLeft: () => this.go(this.step - 1),
      ArrowRight: () => this.go(this.step + 1),
      Home: () => this.go(0),
      End: () => this.go(this.T),
      f: () => this.fullscreen(),
      F: () => this.fullscreen(),
    };
    const act = actions[e.key];
    if (act && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      act();
    }
  }

  async update(data) {
    const spec = data && data.spec;
    if (!spec || (this.spec && spec.id === this.spec.id)) return;
    const first = this.spec === null;
    this.spec = spec;
    this.T = spec.T;
    this.root.classList.toggle("gdviz-projection", !!spec.projection);
    this.trailLabel.style.display = spec.trailToggle ? "" : "none";
    this.scrub.max = String(this.T);
    this.drawTicks();
    if (first) {
      this.trail = spec.trail !== false;
      this.trailBox.checked = this.trail;
      this.step = Math.max(0, Math.min(data.open_at || 0, this.T));
    } else {
      this.step = Math.min(this.step, this.T); // a new run keeps the step where it can
    }
    let Plotly;
    try {
      [Plotly] = await Promise.all([loadPlotly(spec.plotly), unpack(spec)]);
    } catch (e) {
      this.status.textContent = `The stage could not load its charts (${e.message}). Reload the page to try again.`;
      return;
    }
    if (!this.alive || spec !== this.spec) return; // a newer spec arrived while plotly.js loaded
    this.Plotly = Plotly;
    this.status.textContent = "";
    this.status.style.display = "none";
    await this.draw(spec);
  }

  // Each panel is two plots stacked in one box: the background (the figure: landscape, static traces,
  // axes, title, legend; it takes the clicks) and a transparent foreground holding only the moving traces
  // on the same plot area. A frame redraws the foreground alone: plotly redraws a whole figure for any
  // change of data, and the background's axes, image and legend are most of that cost.
  async draw(spec) {
    const Plotly = this.Plotly;
    if (this.panels.length !== spec.panels.length) {
      for (const p of this.panels) {
        Plotly.purge(p.div);
        Plotly.purge(p.fg);
      }
      this.plots.replaceChildren();
      this.panels = spec.panels.map(() => {
        const box = el("div", { class: "gdviz-panel" });
        const div = el("div", { class: "gdviz-bg" });
        const fg = el("div", { class: "gdviz-fg" });
        box.append(div, fg);
        this.plots.appendChild(box);
        return { box, div, fg };
      });
    }
    this.plots.style.gridTemplateColumns = spec.panels.map((p) => `${p.width || 1}fr`).join(" ");
    await this.drawLegend(spec); // first: its height is taken from the plots'
    const height = this.plotHeight();
    await Promise.all(
      spec.panels.map(async (panel, i) => {
        const p = this.panels[i];
        p.div.setAttribute("data-testid", panel.testid || ""); // the panel's plot: its figure, its clicks
        p.movers = panel.moving.map((m) => (onCanvas(m) ? null : mover(m)));
        p.painted = panel.moving.map((m) => (onCanvas(m) ? canvasMover(m, panel.figure.layout) : null));
        p.paper = panel.figure.layout.paper_bgcolor || "#fff";
        p.plotColor = panel.figure.layout.plot_bgcolor || "#fff";
        await Plotly.react(p.div, background(panel), panelLayout(panel, height), CONFIG);
        await this.drawForeground(panel, p);
        if (panel.click && !p.clickBound) {
          p.div.addEventListener("click", (e) => this.clicked(e, i));
          p.clickBound = true;
        }
        p.click = panel.click || null;
        p.div.classList.toggle("gdviz-clickable", !!panel.click);
      }),
    );
    if (!this.alive) return;
    this.dirty = true;
    this.render();
    this.root.dataset.ready = "true";
  }

  // The foreground: the moving traces over exactly the background's plot area (its margins as plotly
  // settled them, its axes' domains and ranges), with nothing else drawn.
  async drawForeground(panel, p) {
    const full = p.div._fullLayout;
    const size = full._size;
    const axis = (name) => ({
      type: full[name].type,
      range: full[name].range.slice(),
      domain: full[name].domain.slice(),
      autorange: false,
      visible: false,
      fixedrange: true,
    });
    const layout = {
      width: full.width,
      height: full.height,
      margin: { l: size.l, r: size.r, t: size.t, b: size.b, pad: size.p, autoexpand: false },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
      hovermode: false,
      dragmode: false,
      xaxis: axis("xaxis"),
      yaxis: axis("yaxis"),
    };
    // drawn once whole, so that every line and marker has its SVG element; frames then move those
    // elements directly (plotly would rebuild the whole figure for every change of data)
    const traced = panel.moving.flatMap((m, j) => (onCanvas(m) ? [] : [j]));
    const data = traced.map((j) => ({
      ...panel.figure.data[panel.moving[j].trace],
      ...p.movers[j].whole(),
      showlegend: false,
      hoverinfo: "skip",
    }));
    await this.Plotly.react(p.fg, data, layout, { ...CONFIG, staticPlot: true });
    const groups = p.fg.querySelectorAll(".scatterlayer .trace");
    p.painters = panel.moving.map(() => null);
    traced.forEach((j, g) => { p.painters[j] = painter(groups[g], p.fg._fullLayout, data[g]); });
    this.sizeCanvas(p);
    this.dirty = true;
  }

  // The canvas under a panel's plot (for its pictures and links), as large as the figure, sharp on any screen.
  sizeCanvas(p) {
    if (!p.painted.some(Boolean)) {
      if (p.canvas) p.canvas.remove();
      p.canvas = null;
      p.box.style.background = "";
      return;
    }
    const full = p.div._fullLayout;
    if (!p.canvas) {
      p.canvas = el("canvas", { class: "gdviz-cv", "aria-hidden": "true" });
      p.box.prepend(p.canvas);
    }
    const ratio = window.devicePixelRatio || 1;
    p.canvas.width = Math.round(full.width * ratio);
    p.canvas.height = Math.round(full.height * ratio);
    p.canvas.style.width = `${full.width}px`;
    p.canvas.style.height = `${full.height}px`;
    p.ctx = p.canvas.getContext("2d", { alpha: false }); // opaque: the bottom layer, cheaper to composite
    p.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    p.box.style.background = p.paper;
    p.canvasAt = null; // paint again at the next render
  }

  // The pictures and links of snapshot ``at[j]`` each, over the plot area's own colour.
  paintCanvas(p, at) {
    const full = p.div._fullLayout;
    const ctx = p.ctx;
    const s = full._size;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0); // every device pixel: an opaque canvas starts black
    ctx.fillStyle = p.paper;
    ctx.fillRect(0, 0, p.canvas.width, p.canvas.height);
    ctx.restore();
    ctx.fillStyle = p.plotColor;
    ctx.fillRect(s.l, s.t, s.w, s.h);
    p.painted.forEach((m, j) => { if (m) m.paint(ctx, full, at[j]); });
    p.canvasAt = at;
  }

  // One legend for the whole stage, in a row of its own under the plots (as wide as the stage, so a race
  // of eight fits in two rows on a projector): the entries of the panel marked legendRow, drawn by plotly
  // in a figure of their own with no axes, as tall as plotly says the legend is.
  async drawLegend(spec) {
    const host = spec.panels.find((p) => p.legendRow);
    this.legend.style.display = host ? "" : "none";
    if (!host) return;
    const fig = host.figure;
    const legend = {
      ...fig.layout.legend,
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: 1,
      yanchor: "top",
      yref: "paper",
      itemclick: false,
      itemdoubleclick: false,
      maxheight: 1, // the whole figure (plotly keeps a horizontal legend to half of it, scrolling the rest)
    };
    const layout = {
      font: fig.layout.font,
      showlegend: true,
      legend,
      height: 600, // room to lay every entry out; then the figure shrinks to the legend's own height
      margin: { l: 8, r: 8, t: 2, b: 0 },
      xaxis: { visible: false },
      yaxis: { visible: false },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
    };
    const entries = fig.data // the legend's entries, with their styles and without their data
      .filter((t) => t.showlegend !== false && t.name)
      .map((t) => ({ ...t, x: [null], y: [null] }));
    const config = { displayModeBar: false, staticPlot: true };
    await this.Plotly.react(this.legend, entries, layout, config);
    const tall = Math.ceil((this.legend._fullLayout.legend || {})._height || 0) + 6;
    if (Math.abs(tall - layout.height) > 1) await this.Plotly.relayout(this.legend, { height: tall });
  }

  // Labels under the scrubber at round steps (0, 10, 20 … or 0, 25, 50 …), placed where the thumb stands at them.
  drawTicks() {
    const every = tickStep(this.T);
    const spans = [];
    for (let k = 0; k <= this.T; k += every) {
      const span = el("span", {}, String(k));
      span.style.left = `calc(var(--gdviz-thumb) / 2 + (100% - var(--gdviz-thumb)) * ${this.T ? k / this.T : 0})`;
      spans.push(span);
    }
    this.ticks.replaceChildren(...spans);
  }

  plotHeight() {
    const bar = this.scrubRow.offsetHeight + this.bar.offsetHeight + this.legend.offsetHeight + 12;
    if (document.fullscreenElement === this.root) return Math.max(MIN_PLOT, window.innerHeight - bar - 16);
    const scroller = this.root.closest('[data-testid="stMain"]') || document.scrollingElement;
    const top = this.root.getBoundingClientRect().top + (scroller ? scroller.scrollTop : 0);
    const room = window.innerHeight - top - bar - 16;
    const cap = this.spec && this.spec.projection ? Infinity : MAX_PLOT;
    return Math.round(Math.max(MIN_PLOT, Math.min(room, cap)));
  }

  resize() {
    if (!this.Plotly || !this.spec) return;
    const height = this.plotHeight();
    this.spec.panels.forEach(async (panel, i) => {
      const layout = panelLayout(panel, height);
      const update = { height, autosize: true };
      if (layout.legend) update["legend.y"] = layout.legend.y;
      await this.Plotly.relayout(this.panels[i].div, update);
      await this.drawForeground(panel, this.panels[i]);
      this.schedule();
    });
    if (this.legend.firstChild) this.Plotly.Plots.resize(this.legend);
  }

  clicked(e, i) {
    const p = this.panels[i];
    const full = p.div._fullLayout;
    const drag = p.div.querySelector(".nsewdrag");
    if (!full || !drag || !p.click) return;
    const r = drag.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    if (px < 0 || py < 0 || px > r.width || py > r.height) return; // outside the plot area
    const x = full.xaxis.p2l(px);
    const y = full.yaxis.p2l(py);
    this.setTriggerValue("click", { panel: p.click, x, y });
  }

  // ------------------------------------------------------------ time

  go(k) {
    this.pause(false);
    this.setStep(k);
    this.report();
  }

  setStep(k) {
    k = Math.max(0, Math.min(Math.round(k), this.T));
    if (k !== this.step) {
      this.step = k;
      this.dirty = true;
    }
    this.showStep(); // the readout at once; the plots on the next animation frame
    this.schedule();
  }

  showStep() {
    this.readout.textContent = `step ${this.step} of ${this.T}`;
    this.scrub.value = String(this.step);
    this.root.dataset.step = String(this.step);
  }

  toggle() {
    if (this.playing) this.pause(true);
    else this.play();
  }

  rate() {
    return (Math.max(this.T, 1) / RUN_SECONDS) * this.speed; // steps per second
  }

  play() {
    if (this.T === 0) return;
    if (this.step >= this.T) this.setStep(0); // play again from the start
    this.playing = true;
    this.from = this.step;
    this.since = performance.now();
    this.playButton.textContent = "❚❚ Pause";
    this.root.dataset.playing = "true";
    this.schedule();
  }

  pause(report) {
    if (!this.playing) return;
    this.playing = false;
    this.playButton.textContent = "▶ Play";
    this.root.dataset.playing = "false";
    if (report) this.report();
  }

  setSpeed(factor) {
    if (this.playing) {
      this.from = this.step;
      this.since = performance.now();
    }
    this.speed = factor;
  }

  schedule() {
    if (!this.raf && this.alive) this.raf = requestAnimationFrame((t) => this.tick(t));
  }

  tick(now) {
    this.raf = 0;
    if (this.playing) {
      const elapsed = Math.max(0, now - this.since) / 1000; // a frame's timestamp may precede play()'s clock
      const k = Math.min(this.T, Math.floor(this.from + elapsed * this.rate()));
      if (k !== this.step) {
        this.step = k;
        this.dirty = true;
      }
      if (k >= this.T) this.pause(true);
    }
    this.render();
    if (this.playing) this.schedule();
  }

  render() {
    this.showStep();
    if (!this.dirty || !this.Plotly || !this.spec) return;
    this.dirty = false;
    const k = this.step;
    for (const p of this.panels) {
      if (!p.movers || !p.movers.length) continue;
      const shown = p.movers.map((m, j) => (m ? m(k, this.trail) : p.painted[j].snapshot(k)));
      if (p.painters) p.painters.forEach((paint, i) => paint && paint(shown[i][0], shown[i][1]));
      const at = p.painted.map((m, j) => (m ? shown[j] : -1));
      if (p.canvas && (!p.canvasAt || at.some((i, j) => i !== p.canvasAt[j]))) this.paintCanvas(p, at);
      // what a test may read: a trace's points, or the snapshot a picture or the links show
      p.shown = shown.map((v) => (Array.isArray(v) ? { x: Array.from(v[0]), y: Array.from(v[1]) } : { snapshot: v }));
    }
    this.frames = (this.frames || 0) + 1;
    this.root.dataset.frames = String(this.frames);
    this.root.dataset.drawn = String(k); // the step the panels show (the readout moves a frame earlier)
  }

  report() {
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      if (!this.alive || this.playing || this.reported === this.step) return;
      this.reported = this.step;
      this.setStateValue("step", this.step);
    }, REPORT_MS);
  }

  fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (this.root.requestFullscreen) this.root.requestFullscreen().catch(() => {});
  }

  destroy() {
    this.alive = false;
    cancelAnimationFrame(this.raf);
    clearTimeout(this.reportTimer);
    clearTimeout(this.resizeTimer);
    window.removeEventListener("resize", this.onResize);
    document.removeEventListener("fullscreenchange", this.onResize);
    if (this.Plotly) for (const p of this.panels) [p.div, p.fg].forEach((d) => this.Plotly.purge(d));
    for (const p of this.panels) if (p.canvas) p.canvas.remove();
    this.root.remove();
  }
}
