// The gallery's controls and grid of cards (an anywidget front end, loaded inline: no CDN).
// One widget draws the filters, the search box, the pager, the count and the cards, so the page
// creates one widget model instead of a few dozen (each costs the browser time on every visit).
// The kernel filters and pages; this only draws what it sends and tells it what the visitor chose.
// Every string from the run goes through textContent or a property, never innerHTML, so a
// comment such as <img src=x onerror=...> shows as text and runs nothing. Customer text sits in an
// element with dir="auto" (a Persian quote on an English page reads right to left, and the other
// way round); a value among words sits in a <bdi>, so the sentence around it keeps its order.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A value set apart from the words around it (a stage or channel name of either script in a pill).
function bdi(text) {
  return el("bdi", "", text);
}

// Unicode isolates around a value in plain text (an aria-label), as kit.core.bidi.isolate writes them.
function isolate(text) {
  return text ? `\u2068${text}\u2069` : "";
}

function card(c, labels, model) {
  const node = el("div", `cx-card ${c.band}`);
  node.dataset.id = c.id;      // a click anywhere on the card opens it; keyboards and screen readers use its Open button
  if (c.thumb) {
    const img = el("img", "thumb");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = c.title;
    img.src = c.thumb;
    node.append(img);
    if (c.photos) node.append(el("span", "cx-photos", c.photos));     // near-duplicates shown as one: "2 photos"
  } else {
    const marks = c.dir === "rtl" ? ["\u00ab", "\u00bb"] : ["\u201c", "\u201d"];    // Persian quotes in guillemets
    const q = el("div", c.quoted ? "q" : "q fig", c.quoted ? `${marks[0]}${c.snippet}${marks[1]}` : c.snippet);
    q.dir = c.dir || "auto";
    node.append(q);
  }
  const body = el("div", "b");
  const h = el("h4", "", c.title);
  h.dir = c.dir || "auto";
  body.append(h);
  if (c.label) body.append(el("span", "cx-lens", c.label));     // the kit's words: the page's direction
  c.tags.forEach((t, i) => {
    const tag = el("span", i === 0 ? "cx-tag kind" : "cx-tag");
    tag.append(bdi(t));
    body.append(tag);
  });
  if (c.dots_label) body.append(el("span", c.dots > 0 ? "cx-dots" : "cx-dots none", c.dots_label));   // the room's dots
  const open = el("button", "cx-open", labels.open || "Open");
  open.type = "button";
  open.setAttribute("aria-label", `${labels.open || "Open"}: ${isolate(c.title)}`);
  body.append(open);
  node.append(body);
  const choose = () => {
    model.set("selected", c.id);
    model.set("opened", (model.get("opened") || 0) + 1);
    model.save_changes();
  };
  node.addEventListener("click", choose);     // the Open button's click (Enter, Space) reaches here too
  return node;
}

// Ask the kernel for a new query (filters and search); it answers with cards, count and pages.
function ask(model, name, value) {
  const query = { ...(model.get("query") || {}) };
  if (query[name] === value) return;
  query[name] = value;
  model.set("query", query);
  model.save_changes();
}

function filters(model, labels) {
  const bar = el("div", "cx-filters");
  const selects = {};
  for (const { name, options } of model.get("choices") || []) {
    const box = el("label", `cx-f cx-f-${name}`);
    const select = el("select");
    for (const [label, value] of options) select.append(new Option(label, value));
    select.setAttribute("aria-label", options.length ? options[0][0] : name);
    select.addEventListener("change", () => ask(model, name, select.value));
    box.append(select);
    bar.append(box);
    selects[name] = select;
  }
  const search = el("input");
  search.type = "search";
  search.placeholder = labels.search || "";
  search.setAttribute("aria-label", labels.search || "search");
  const commit = () => ask(model, "q", search.value);
  search.addEventListener("change", commit);            // Enter, or leaving the box (as a form field does)
  search.addEventListener("keydown", (e) => { if (e.key === "Enter") commit(); });
  const box = el("label", "cx-f cx-f-q");
  box.append(search);
  return { bar, selects, search, box };
}

function pager(model, labels) {
  const bar = el("div", "cx-pager");
  const prev = el("button", "cx-prev", labels.prev || "<");
  const next = el("button", "cx-next", labels.next || ">");
  prev.type = next.type = "button";
  const number = el("input");
  number.type = "number";
  number.min = 1;
  number.setAttribute("aria-label", labels.page || "page");
  const box = el("label", "cx-f cx-f-page");
  box.append(number);
  const go = (n) => {
    const last = model.get("pages") || 1;
    const page = Math.max(1, Math.min(last, n));
    if (page !== model.get("page")) {
      model.set("page", page);
      model.save_changes();
    }
    number.value = page;
  };
  prev.addEventListener("click", () => go((model.get("page") || 1) - 1));
  next.addEventListener("click", () => go((model.get("page") || 1) + 1));
  const typed = () => go(parseInt(number.value, 10) || 1);
  number.addEventListener("change", typed);
  number.addEventListener("keydown", (e) => { if (e.key === "Enter") typed(); });
  const count = el("span", "cx-count");
  count.setAttribute("aria-live", "polite");
  bar.append(prev, box, next, count);
  return { bar, prev, next, number, count };
}

function render({ model, el: root }) {
  root.classList.add("cx-gallery-ui");
  const labels = model.get("labels") || {};
  if (model.get("direction")) root.dir = model.get("direction");
  const top = el("div", "cx-controls");
  const f = filters(model, labels);
  const p = pager(model, labels);
  const line = el("div", "cx-line");
  // On a phone the filters fold behind one button, so the first screen shows cards, not selects.
  const toggle = el("button", "cx-filters-toggle", labels.filters || "Filters");
  toggle.type = "button";
  toggle.setAttribute("aria-expanded", "false");
  toggle.addEventListener("click", () => {
    const open = root.classList.toggle("cx-show-filters");
    toggle.setAttribute("aria-expanded", String(open));
  });
  line.append(toggle, f.box, p.bar);
  top.append(f.bar, line);
  const message = el("div", "cx-status");
  const grid = el("div", "cx-cardgrid");
  root.append(top, message, grid);

  const showQuery = () => {
    const query = model.get("query") || {};
    for (const [name, select] of Object.entries(f.selects)) select.value = query[name] || "";
    const chosen = Object.keys(f.selects).filter((name) => query[name]).length;
    toggle.textContent = (labels.filters || "Filters") + (chosen ? ` (${chosen})` : "");
    if (document.activeElement !== f.search) f.search.value = query.q || "";
  };
  const showPage = () => {
    const page = model.get("page") || 1, last = model.get("pages") || 1;
    p.number.value = page;
    p.number.max = last;
    p.prev.disabled = page <= 1;
    p.next.disabled = page >= last;
    p.count.textContent = model.get("count") || "";
  };
  const showMessage = () => {
    const text = model.get("message") || "";
    message.replaceChildren(...(text ? [el("p", "cx-msg", text)] : []));
  };
  const draw = () => {
    const cards = model.get("cards") || [];
    grid.replaceChildren();
    if (!cards.length) {
      grid.append(el("p", "cx-msg", labels.empty || ""));
      return;
    }
    const list = el("div", "cx-grid");
    let before = null;
    for (const c of cards) {
      // charts and metrics follow the people's evidence: a heading where they start on this page
      if (model.get("sections") && c.figure && before !== null && !before.figure && labels.figures) {
        list.append(el("h3", "cx-section", labels.figures));
      }
      list.append(card(c, labels, model));
      before = c;
    }
    grid.append(list);
    mark();
  };
  const mark = () => {
    const chosen = model.get("selected");
    grid.querySelectorAll(".cx-card").forEach((n) => n.classList.toggle("sel", n.dataset.id === chosen));
  };
  const handlers = [
    ["change:cards", draw], ["change:selected", mark], ["change:query", showQuery],
    ["change:page", showPage], ["change:pages", showPage], ["change:count", showPage],
    ["change:message", showMessage],
  ];
  for (const [event, fn] of handlers) model.on(event, fn);
  showQuery();
  showPage();
  showMessage();
  draw();
  return () => { for (const [event, fn] of handlers) model.off(event, fn); };
}

export default { render };
