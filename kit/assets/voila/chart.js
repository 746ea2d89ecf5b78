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

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "cx-chart";
  box.style.width = "100%";
  el.append(box);
  let alive = true;
  const draw = async () => {
    const figure = model.get("figure") || {};
    const layout = { ...(figure.layout || {}) };
    box.style.height = `${layout.height || model.get("height")}px`;
    const Plotly = await library(model);
    if (!alive) return;
    await Plotly.react(box, figure.data || [], layout, { responsive: true, displaylogo: false });
  };
  model.on("change:figure", draw);
  draw().catch((err) => {
    box.textContent = model.get("failed") || "";
    console.warn("chart not drawn", err);
  });
  // plotly's own "responsive" follows the window only; a chart drawn before its pane was shown
  // (or in a pane that changed width) would keep plotly's default 700 px and spill out of it.
  let width = 0;
  const fit = new ResizeObserver(() => {
    const now = Math.round(box.clientWidth);
    if (now > 0 && now !== width && box.data && globalThis.Plotly) {
      width = now;
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
