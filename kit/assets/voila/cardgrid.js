// The gallery's grid of cards (an anywidget front end, loaded inline: no CDN).
// Every string from the run goes through textContent or a property, never innerHTML, so a
// comment such as <img src=x onerror=...> shows as text and runs nothing.
// A click (or Enter) on a card sets `selected`; Python opens the exhibit's detail.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function card(c, labels, model) {
  const node = el("div", `cx-card ${c.band}`);
  node.dataset.id = c.id;
  node.tabIndex = 0;
  node.setAttribute("role", "button");
  if (c.thumb) {
    const img = el("img", "thumb");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = c.title;
    img.src = c.thumb;
    node.append(img);
  } else {
    const q = el("div", c.quoted ? "q" : "q fig", c.quoted ? `\u201c${c.snippet}\u201d` : c.snippet);
    q.dir = c.dir;
    node.append(q);
  }
  const body = el("div", "b");
  const h = el("h4", "", c.title);
  h.dir = c.dir;
  body.append(h);
  if (c.label) body.append(el("span", "cx-lens", c.label));
  c.tags.forEach((t, i) => body.append(el("span", i === 0 ? "cx-tag kind" : "cx-tag", t)));
  const open = el("button", "cx-open", labels.open || "Open");
  open.type = "button";
  body.append(open);
  node.append(body);
  const choose = () => {
    model.set("selected", c.id);
    model.set("opened", (model.get("opened") || 0) + 1);
    model.save_changes();
  };
  node.addEventListener("click", choose);
  node.addEventListener("keydown", (e) => { if (e.key === "Enter") choose(); });
  return node;
}

function render({ model, el: root }) {
  root.classList.add("cx-cardgrid");
  const draw = () => {
    const cards = model.get("cards") || [];
    const labels = model.get("labels") || {};
    root.replaceChildren();
    if (!cards.length) {
      root.append(el("p", "cx-msg", labels.empty || ""));
      return;
    }
    const grid = el("div", "cx-grid");
    for (const c of cards) grid.append(card(c, labels, model));
    root.append(grid);
    mark();
  };
  const mark = () => {
    const chosen = model.get("selected");
    root.querySelectorAll(".cx-card").forEach((n) => n.classList.toggle("sel", n.dataset.id === chosen));
  };
  model.on("change:cards", draw);
  model.on("change:labels", draw);
  model.on("change:selected", mark);
  draw();
}

export default { render };
