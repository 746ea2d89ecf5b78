// The workshop's participant bar (an anywidget front end, loaded inline: no CDN).
// One model does what a dozen widgets did: it ticks so the kernel re-reads the room's tallies, and
// draws "you are NAME" or, on a single-user page, the join form. The kernel says which (`mode`):
// "open" (single-user: the bar asks for a name and keeps who this browser is in localStorage),
// "login" (the team server knows who this is: no form, no "not me", and localStorage is not used),
// "none" or "waiting" (nobody is known yet, or may be: the bar is hidden).
// The kernel decides: a click only sends a request, and the kernel answers through `participant`
// and `error`. Names people typed go through textContent only, so <img src=x onerror=...> is text.
// Its words come from the kernel (`labels`, in the page's language); numbers are written in that
// language's digits, and a right-to-left page gets a right-to-left bar.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(cls, text) {
  const node = el("button", cls, text);
  node.type = "button";
  return node;
}

function wrapped(cls, control) {
  const box = el("span", cls);
  box.append(control);
  return box;
}

function row(cls, children) {
  const box = el("div", `cx-ws-row ${cls}`);
  box.append(...children);
  return box;
}

// Text and small elements in a row: a string becomes a text node, [tag, class, text] an element, a node stays.
function fill(box, items) {
  const node = (it) => (typeof it === "string" ? document.createTextNode(it) : it instanceof Node ? it : el(...it));
  box.replaceChildren(...items.map(node));
  return box;
}

// The round timer: counts down to the kernel's `round.ends` on this browser's clock, corrected by
// how far it is from the kernel's (`round.now`); "" when no round is running.
function roundLeft(round, receivedAt) {
  if (!round || !round.ends) return null;
  const skew = Date.parse(round.now) - receivedAt;
  return Math.max(0, Math.ceil((Date.parse(round.ends) - (Date.now() + skew)) / 1000));
}

function clockText(seconds, lang) {
  const two = (n) => Number(n).toLocaleString(lang, { minimumIntegerDigits: 2, useGrouping: false });
  return `${Number(Math.floor(seconds / 60)).toLocaleString(lang)}:${two(seconds % 60)}`;
}

function readSaved(key) {
  try {
    const value = JSON.parse(window.localStorage.getItem(key) || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch (e) {
    return {};
  }
}

function writeSaved(key, value) {
  try {
    if (value && value.token) window.localStorage.setItem(key, JSON.stringify(value));
    else if (value && value.forget) window.localStorage.removeItem(key);
  } catch (e) {
    // storage refused (private mode, quota): the visitor is asked again next time
  }
}

// Once per model, however many times the bar is shown: memory (single-user pages only) and clock.
function initialize({ model }) {
  const key = model.get("storage_key");
  const isOpen = () => model.get("mode") === "open";
  let told = false;
  const tell = () => {
    if (told || !isOpen()) return;
    told = true;
    model.set("stored", readSaved(key));
    model.set("loaded", true);
    model.save_changes();
  };
  tell();
  model.on("change:mode", tell);
  model.on("change:save", () => { if (isOpen()) writeSaved(key, model.get("save")); });
  model.send({ here: window.location.href });     // the join link is built from the address people see
  const timer = setInterval(() => model.send({ tick: Date.now() }), model.get("interval_ms"));
  return () => clearInterval(timer);
}

function words(model) {
  const labels = model.get("labels") || {};
  return (key) => labels[key] || "";
}

function form(model) {
  const say = words(model);
  const names = model.get("department_labels") || {};
  const name = el("input");
  name.type = "text";
  name.placeholder = say("ws_name");
  name.setAttribute("aria-label", say("ws_name"));         // a placeholder is not a name screen readers keep
  const dept = el("select");
  dept.setAttribute("aria-label", say("ws_department"));
  dept.append(new Option(say("ws_department"), ""),
    ...(model.get("departments") || []).map((d) => new Option(names[d] || d, d)));
  const join = button("cx-ws-join", say("ws_join"));
  join.addEventListener("click", () => model.send({ join: { name: name.value, department: dept.value } }));
  const intro = fill(el("span", "cx-ws-intro"), [["b", "", say("ws_workshop")], say("ws_intro")]);
  return row("cx-ws-form", [intro, wrapped("cx-ws-name", name), wrapped("cx-ws-dept", dept), join]);
}

function who(box, model, p) {
  const say = words(model);
  const lang = model.get("lang") || "en";
  const num = (n) => Number(n).toLocaleString(lang);
  const dept = (model.get("department_labels") || {})[p.department] || p.department;
  const dots = p.look ? [["span", "cx-ws-look", say("ws_look_only")]]
    : [["span", "cx-ws-left", num(p.left)], say("ws_left").replace("{budget}", num(p.budget))];
  // the name and the department sit in <bdi>: a Persian name on an English page (or the other way
  // round) keeps the brackets and the separator after it where they belong
  const name = el("b");
  name.append(el("bdi", "", p.name));
  fill(box, [["b", "", say("ws_workshop")], say("ws_you_are"), name, " (", ["bdi", "", dept], `)${say("sep")}`, ...dots]);
}

function render({ model, el: root }) {
  root.classList.add("cx-ws-bar");
  root.dir = model.get("direction") || "ltr";
  const joinForm = form(model);
  const whoBox = el("span", "cx-ws-who");
  const leave = button("cx-ws-switch", words(model)("ws_switch"));
  leave.addEventListener("click", () => {
    // the next person starts from an empty form, not from the last one's name and department
    joinForm.querySelectorAll("input, select").forEach((control) => { control.value = ""; });
    model.send({ leave: true });
  });
  const signed = row("cx-ws-signed", [whoBox, leave]);
  const closed = el("div", "cx-ws-closed", words(model)("ws_voting_closed"));
  const clock = el("div", "cx-ws-clock");
  const status = el("div", "cx-ws-status");
  root.replaceChildren(joinForm, signed, clock, closed, status);
  let receivedAt = Date.now();
  const tickClock = () => {
    const say = words(model);
    const round = model.get("round") || {};
    const left = roundLeft(round, receivedAt);
    clock.style.display = left === null ? "none" : "";
    clock.classList.toggle("cx-ws-over", left === 0);
    if (left === null) return;
    fill(clock, left === 0 ? [["b", "", say("ws_round_over")]]
      : [say("ws_round"), ["b", "cx-ws-left-time", clockText(left, model.get("lang") || "en")], say("ws_round_left")]);
    const timeUp = left === 0 && !round.closed;
    closed.style.display = model.get("voting_open") === false && !timeUp ? "" : "none";
  };
  const clockTimer = setInterval(tickClock, 1000);
  const newRound = () => { receivedAt = Date.now(); tickClock(); };
  model.on("change:round", newRound);
  const draw = () => {
    const mode = model.get("mode");
    const p = model.get("participant") || {};
    const joined = Boolean(p.name);
    root.classList.toggle("cx-ws-hidden", mode !== "open" && mode !== "login");
    joinForm.style.display = mode === "open" && !joined ? "" : "none";
    signed.style.display = joined ? "" : "none";
    leave.style.display = mode === "open" ? "" : "none";
    closed.style.display = model.get("voting_open") === false ? "" : "none";
    if (joined) who(whoBox, model, p);
    tickClock();
  };
  const drawError = () => {
    const text = model.get("error");
    status.replaceChildren(...(text ? [el("span", "cx-ws-error", text)] : []));
  };
  const redraws = ["change:participant", "change:mode", "change:voting_open"];
  redraws.forEach((event) => model.on(event, draw));
  model.on("change:error", drawError);
  draw();
  drawError();
  return () => {
    clearInterval(clockTimer);
    model.off("change:round", newRound);
    redraws.forEach((event) => model.off(event, draw));
    model.off("change:error", drawError);
  };
}

export default { initialize, render };
