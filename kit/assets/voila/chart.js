// One plotly figure on a Voilà page (an anywidget front end, loaded inline: no CDN).
// plotly.js is not loaded with the page: the first chart a page draws asks its kernel for the
// library (shipped in the plotly package) once, and every chart after that reuses it.

const SHARED = "__cxkitPlotly";

function library(model) {
  if (globalThis.Plotly) return Promise.resolve(globalThis.Plotly);
  if (!globalThis[SHARED]) {
    globalThis[SHARED] = new Promise((resolve, reject) => {
      const receive = (msg) => {
        if (!msg || typeof msg.library !== "string") return;
        model.off("msg:custom", receive);
        try {
          new Function("module", "exports", msg.library)(undefined, undefined);  // sets window.Plotly
          resolve(globalThis.Plotly);
        } catch (err) {
          reject(err);
        }
      };
      model.on("msg:custom", receive);
      model.send({ want: "plotly.js" });
    });
  }
  return globalThis[SHARED];
}

// On a phone the desktop layout overlaps and clips: the page's heading already says what the chart
// shows, so the long title goes; legends move below; axes get fewer ticks; text inside a dense
// heatmap gives way to its hover; and a tall figure is kept within the screen.
function narrowLayout(layout, data, width) {
  const out = { ...layout, title: { text: "" }, width: undefined, autosize: true };
  out.margin = { l: 44, r: 8, t: 16, b: 40, pad: 0 };
  out.font = { ...(layout.font || {}), size: 11 };
  out.legend = { ...(layout.legend || {}), orientation: "h", x: 0, xanchor: "left", y: -0.12, yanchor: "top",
                 font: { size: 10 } };
  // categories (stages, channels) keep every label, turned to fit; numbers get fewer ticks
  const categorical = (letter) => data.some((t) => Array.isArray(t[letter]) && typeof t[letter][0] === "string");
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key)) {
      const letter = key[0];
      const axis = { ...layout[key], automargin: true, tickfont: { size: 9 },
                     title: { ...((layout[key] || {}).title || {}), font: { size: 10 } } };
      if (categorical(letter)) {
        if (letter === "x") axis.tickangle = -45;
      } else {
        axis.nticks = letter === "x" ? 4 : 5;
      }
      out[key] = axis;
    }
  }
  out.annotations = (layout.annotations || []).map((a) => ({ ...a, font: { ...(a.font || {}), size: 9 } }));
  const legendRows = data.filter((t) => t.showlegend !== false && t.name).length;
  out.height = Math.min(layout.height || 450, Math.round(width * 1.3)) + 18 * legendRows;
  return out;
}

function narrowData(data) {
  return data.map((t) => (t.type === "heatmap"
    ? { ...t, texttemplate: "", colorbar: { ...(t.colorbar || {}), thickness: 10, title: { text: "" } } }
    : t));
}

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "cx-chart";
  box.style.width = "100%";
  box.style.maxWidth = "100%";
  box.style.overflow = "hidden";
  el.append(box);
  let alive = true;
  let drawnNarrow = null;
  const draw = async () => {
    const figure = model.get("figure") || {};
    const width = Math.round(box.clientWidth || el.clientWidth || window.innerWidth);
    const narrow = width > 0 && width < (model.get("narrow") || 600);
    drawnNarrow = narrow;
    const note = model.get("narrow_note");
    if (narrow && note) {               // a wide table on a phone: its findings are written on the page
      if (globalThis.Plotly && box.data) globalThis.Plotly.purge(box);
      box.className = "cx-chart-note";
      box.style.height = "";
      box.textContent = note;
      return;
    }
    box.className = "cx-chart";
    if (!box.data) box.textContent = "";
    const data = narrow ? narrowData(figure.data || []) : (figure.data || []);
    const layout = narrow ? narrowLayout(figure.layout || {}, data, width) : { ...(figure.layout || {}) };
    box.style.height = `${layout.height || model.get("height")}px`;
    const Plotly = await library(model);
    if (!alive) return;
    const config = { displayModeBar: false, displaylogo: false, responsive: true, ...(model.get("config") || {}) };
    await Plotly.react(box, data, layout, config);
    if (!box.cxClicks) {                // a point carrying a gallery link (the pain map's cells) opens it
      box.cxClicks = true;
      box.on("plotly_click", (ev) => {
        const link = ev && ev.points && ev.points[0] && ev.points[0].customdata;
        if (typeof link === "string" && link.startsWith("exhibits.ipynb?")) {
          window.location.href = new URL(link, window.location.href).href;
        }
      });
    }
  };
  model.on("change:figure", draw);
  draw().catch((err) => {
    box.textContent = model.get("failed") || "";
    console.warn("chart not drawn", err);
  });
  // plotly's own "responsive" follows the window only; a chart drawn before its pane was shown
  // (or in a pane that changed width) would keep plotly's default 700 px and spill out of it.
  // Crossing the phone width redraws with the other layout.
  let width = 0;
  const fit = new ResizeObserver(() => {
    const now = Math.round(box.clientWidth);
    if (now <= 0 || now === width) return;
    width = now;
    const narrow = now < (model.get("narrow") || 600);
    if (drawnNarrow !== null && narrow !== drawnNarrow) {
      draw().catch((err) => console.warn("chart not redrawn", err));
    } else if (box.data && globalThis.Plotly) {
      globalThis.Plotly.Plots.resize(box);
    }
  });
  fit.observe(box);
  return () => {
    alive = false;
    fit.disconnect();
    model.off("change:figure", draw);
    if (globalThis.Plotly) globalThis.Plotly.purge(box);
  };
}

export default { render };
