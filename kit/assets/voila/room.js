// The room's screens (an anywidget front end, loaded inline: no CDN): the board and the presenter.
// The kernel renders what they show (`html`, through the kit's autoescaped templates) and the
// round timer (`round`: {ends, now, minutes, closed}); this draws the clock, counts it down every
// second on this browser's clock corrected by the kernel's, and ticks so the kernel re-reads the
// room. The presenter takes its keys here: → PageDown Space next, ← PageUp previous, Home, End.
// The browser's address goes to the kernel once, for the join link and its QR code.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function roundLeft(round, receivedAt) {
  if (!round || !round.ends) return null;
  const skew = Date.parse(round.now) - receivedAt;
  return Math.max(0, Math.ceil((Date.parse(round.ends) - (Date.now() + skew)) / 1000));
}

function clockText(seconds, lang) {
  const two = (n) => Number(n).toLocaleString(lang, { minimumIntegerDigits: 2, useGrouping: false });
  return `${Number(Math.floor(seconds / 60)).toLocaleString(lang)}:${two(seconds % 60)}`;
}

const KEYS = { ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1, Home: "first", End: "last" };

function initialize({ model }) {
  model.send({ here: window.location.href });
  const timer = setInterval(() => model.send({ tick: Date.now() }), model.get("interval_ms"));
  return () => clearInterval(timer);
}

function drawClock(clock, model, receivedAt) {
  const say = (key) => (model.get("labels") || {})[key] || "";
  const left = roundLeft(model.get("round"), receivedAt);
  clock.style.visibility = left === null ? "hidden" : "visible";
  clock.classList.toggle("cx-room-over", left === 0);
  if (left === null) return;
  clock.replaceChildren(...(left === 0 ? [el("b", "", say("ws_round_over"))]
    : [document.createTextNode(say("ws_round")), el("b", "cx-room-left", clockText(left, model.get("lang") || "en")),
      document.createTextNode(say("ws_round_left"))]));
}

function render({ model, el: root }) {
  const view = model.get("view");
  root.classList.add("cx-room", `cx-room-${view}`);
  root.dir = model.get("direction") || "ltr";
  root.lang = model.get("lang") || "en";
  const head = el("header", "cx-room-head");
  const title = el("div", "cx-room-title");
  title.append(el("bdi", "", model.get("title") || ""));       // the project's name keeps its own direction
  const clock = el("div", "cx-room-clock");
  clock.setAttribute("role", "timer");
  head.append(title, clock);
  const body = el("div", "cx-room-body");
  const hint = el("div", "cx-room-hint", (model.get("labels") || {}).hint || "");
  root.replaceChildren(head, body, hint);
  let receivedAt = Date.now();
  const drawBody = () => { body.innerHTML = model.get("html"); };   // rendered by the kernel's autoescaped templates
  const onRound = () => { receivedAt = Date.now(); drawClock(clock, model, receivedAt); };
  const second = setInterval(() => drawClock(clock, model, receivedAt), 1000);
  const onKey = (event) => {
    const step = KEYS[event.key];
    if (step === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
    event.preventDefault();
    model.send({ go: step });
  };
  if (view === "presenter") {
    body.setAttribute("aria-live", "polite");         // a screen reader hears the next exhibit
    document.addEventListener("keydown", onKey);
    root.tabIndex = -1;
    root.focus({ preventScroll: true });
    setTimeout(() => hint.classList.add("cx-room-hint-gone"), 6000);
  }
  model.on("change:html", drawBody);
  model.on("change:round", onRound);
  drawBody();
  onRound();
  return () => {
    clearInterval(second);
    document.removeEventListener("keydown", onKey);
    model.off("change:html", drawBody);
    model.off("change:round", onRound);
  };
}

export default { initialize, render };
