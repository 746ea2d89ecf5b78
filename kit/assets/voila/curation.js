// The analysts' curation controls (an anywidget front end, loaded inline: no CDN).
// part "drawer": the opened exhibit's controls; part "section": hidden exhibits, orphaned edits and
// the codebook, above the cards. Each button sends one custom message {op, ...}; the kernel checks
// the visitor's role, keeps the edit in the project's journal and sends the new state back.
// Every string (titles, captions, reasons, tags, names) goes through textContent or a property,
// never innerHTML, so what a person typed shows as text and runs nothing.

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function button(cls, text, onClick) {
  const b = el("button", `cx-cur-btn ${cls}`, text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function field(cls, label, control) {
  const box = el("label", `cx-cur-field ${cls}`);
  box.append(el("span", "cx-cur-label", label), control);
  return box;
}

function input(cls, value, placeholder) {
  const i = el("input", cls);
  i.type = "text";
  i.value = value || "";
  if (placeholder) i.placeholder = placeholder;
  return i;
}

function select(cls, options, value) {
  const s = el("select", cls);
  for (const [label, v] of options) s.append(new Option(label, v));
  if (value) s.value = value;             // else the first option, as a select shows it
  return s;
}

function block(cls, title) {
  const box = el("div", `cx-cur-block ${cls}`);
  if (title) box.append(el("h4", "cx-cur-h", title));
  return box;
}

// A search box and its Find button (Enter finds too); the box keeps what was typed across redraws.
function searchRow(cls, value, hint, findCls, findLabel, onFind) {
  const q = input(cls, value, hint);
  q.setAttribute("aria-label", hint);
  const find = () => onFind(q.value);
  q.addEventListener("keydown", (e) => { if (e.key === "Enter") find(); });
  const row = el("div", "cx-cur-row");
  row.append(q, button(findCls, findLabel, find));
  return row;
}

function drawer(model, L, send) {
  const s = model.get("state") || {};
  const x = s.exhibit || {};
  if (!x.id) return [];
  const id = x.id;
  const out = [];

  const keep = block("cx-cur-keep", L.cur_keep);
  const reason = input("cx-cur-reason", "", L.cur_reason);
  reason.setAttribute("aria-label", L.cur_reason);
  const pinned = x.pinned;
  const row = el("div", "cx-cur-row");
  keep.append(row);
  row.append(
    reason,
    button("cx-cur-hide", L.cur_hide, () => send({ op: "hide", exhibit: id, reason: reason.value })),
    button(pinned ? "cx-cur-unpin" : "cx-cur-pin", pinned ? L.cur_unpin : L.cur_pin,
      () => send({ op: pinned ? "unpin" : "pin", exhibit: id })),
  );
  if (pinned) keep.append(el("span", "cx-cur-pinned", L.cur_pinned));
  out.push(keep);

  const text = block("cx-cur-text", L.cur_edit_text);
  const title = input("cx-cur-title", x.title);
  const caption = el("textarea", "cx-cur-caption");
  caption.value = x.caption || "";
  caption.rows = 2;
  text.append(field("", L.cur_title, title), field("", L.cur_caption, caption),
    button("cx-cur-save-text", L.cur_save, () => send({ op: "edit", exhibit: id, title: title.value, caption: caption.value })));
  out.push(text);

  const code = block("cx-cur-code", L.cur_recode);
  const own = (list, v) => (v && !list.includes(v) ? [[v, v], ...list.map((o) => [o, o])] : list.map((o) => [o, o]));
  const stage = select("cx-cur-stage", own(s.stages || [], x.stage), x.stage);
  const channel = select("cx-cur-channel", own(s.channels || [], x.channel), x.channel);
  const valence = el("input", "cx-cur-valence");
  valence.type = "number";
  valence.min = -1;
  valence.max = 1;
  valence.step = 0.1;
  valence.value = x.valence === null || x.valence === undefined ? "" : x.valence;
  const lensBox = el("div", "cx-cur-lenses");
  const ticks = {};
  for (const [v, label] of s.lenses || []) {
    const l = el("label", "cx-cur-check");
    const c = el("input");
    c.type = "checkbox";
    c.value = v;
    c.checked = (x.lenses || []).includes(v);
    ticks[v] = c;
    l.append(c, el("span", "", label));
    lensBox.append(l);
  }
  code.append(el("div", "cx-cur-row"));
  code.lastChild.append(field("", L.cur_stage, stage), field("", L.cur_channel, channel), field("", L.cur_valence, valence));
  code.append(field("cx-cur-wide", L.cur_lenses, lensBox), button("cx-cur-save-code", L.cur_save, () => {
    const msg = { op: "recode", exhibit: id, stage: stage.value, channel: channel.value,
      lenses: Object.keys(ticks).filter((k) => ticks[k].checked) };
    if (valence.value !== "") msg.valence = Number(valence.value);
    if (!stage.value) delete msg.stage;
    if (!channel.value) delete msg.channel;
    send(msg);
  }));
  out.push(code);

  const tags = block("cx-cur-tags", L.cur_tags);
  const chips = el("div", "cx-cur-row cx-cur-chips");
  if (!(x.tags || []).length) chips.append(el("span", "cx-cur-none", L.cur_no_tags));
  const named = (t) => (s.tag_labels || {})[t] || t;        // the kit's own tags in the page's language
  for (const t of x.tags || []) {
    const chip = el("span", "cx-cur-chip");
    chip.append(el("bdi", "", named(t)));
    const rm = button("cx-cur-untag", "×", () => send({ op: "tag_remove", exhibit: id, tag: t }));
    rm.setAttribute("aria-label", `${L.cur_remove_tag}: ${named(t)}`);
    chip.append(rm);
    chips.append(chip);
  }
  const free = (s.codebook || []).filter((t) => !(x.tags || []).includes(t));
  const pick = select("cx-cur-tag-pick", free.map((t) => [named(t), t]));
  pick.setAttribute("aria-label", L.cur_add_tag);
  tags.append(chips);
  if (free.length) {
    tags.append(el("div", "cx-cur-row"));
    tags.lastChild.append(pick, button("cx-cur-tag-add", L.cur_add_tag, () => send({ op: "tag_add", exhibit: id, tag: pick.value })));
  }
  out.push(tags);

  const merge = block("cx-cur-merge", L.cur_merge);
  merge.append(searchRow("cx-cur-find-q", "", L.cur_find_hint, "cx-cur-find", L.cur_find,
    (q) => send({ op: "find", exhibit: id, q })));
  const hits = el("ul", "cx-cur-list cx-cur-matches");
  for (const m of s.matches || []) {
    const li = el("li");
    li.append(el("bdi", "cx-cur-what", m.title), el("code", "cx-cur-id", m.id),
      button("cx-cur-merge-into", L.cur_merge_into, () => send({ op: "merge", exhibit: id, into: m.id })));
    hits.append(li);
  }
  if (s.searched && !(s.matches || []).length) hits.append(el("li", "cx-cur-none", L.cur_no_match));
  merge.append(hits);
  out.push(merge);

  const cut = cutClip(s.transcript || {}, id, L, send, model.get("direction") === "rtl" ? "fa" : "en");
  if (cut) out.push(cut);
  out.push(recent(s, L, send));
  return out;
}

// A clip cut from the recording's transcript: first and last line, the words and the length shown
// before cutting (the kernel cuts it through the pipeline's privacy path and refuses what it cannot).
function cutClip(t, id, L, send, lang) {
  const lines = t.lines || [];
  if (!lines.length) return null;
  const box = block("cx-cur-cut", L.cur_cut_clip);
  const label = (l) => `${l.at}  ${l.who}: ${l.text.length > 70 ? l.text.slice(0, 69) + "…" : l.text}`;
  const options = lines.map((l) => [label(l), String(l.i)]);
  const from = select("cx-cur-cut-from", options, String(t.first || 0));
  const to = select("cx-cur-cut-to", options, String(t.last || 0));
  const preview = el("div", "cx-cur-cut-preview");
  const length = el("p", "cx-cur-cut-length");
  const title = input("cx-cur-cut-title", "", L.cur_cut_title);
  title.setAttribute("aria-label", L.cur_cut_title);
  const go = button("cx-cur-cut-go", L.cur_cut, () => send({ op: "cut_clip", exhibit: id, first: Number(from.value),
    last: Number(to.value), title: title.value }));
  const show = () => {
    const a = Number(from.value), b = Number(to.value);
    if (b < a) to.value = String(a);
    const chosen = lines.slice(a, Math.max(a, b) + 1);
    preview.replaceChildren(...chosen.map((l) => {
      const p = el("p", "cx-cur-cut-line");
      p.append(el("span", "cx-cur-cut-at", l.at), " ", el("bdi", "cx-cur-who", l.who), ": ", el("bdi", "", l.text));
      return p;
    }));
    const seconds = chosen.length ? chosen[chosen.length - 1].e - chosen[0].s : 0;
    const n = Math.round(seconds).toLocaleString(lang);
    const long = seconds > (t.max_s || 600);
    length.textContent = long ? L.cur_cut_too_long : (L.cur_cut_length || "")
      .replace("{start}", chosen[0].at).replace("{end}", chosen[chosen.length - 1].end).replace("{n}", n);
    length.classList.toggle("cx-cur-error", long);
    go.disabled = long;
  };
  from.addEventListener("change", show);
  to.addEventListener("change", show);
  box.append(el("div", "cx-cur-row"));
  box.lastChild.append(field("", L.cur_cut_from, from), field("", L.cur_cut_to, to));
  box.append(preview, length, el("div", "cx-cur-row"));
  box.lastChild.append(title, go);
  show();
  return box;
}

// The themes of open answers as they read now: tick one to rename it, several to merge them, under
// the name typed; an answer found below can be split off one of its themes into the named one.
function themes(s, L, send, name) {
  const box = block("cx-cur-themes", L.cur_themes);
  const chips = el("div", "cx-cur-row cx-cur-chips");
  const ticks = {};
  for (const t of s.themes || []) {
    const l = el("label", "cx-cur-check cx-cur-chip");
    const k = el("input");
    k.type = "checkbox";
    k.value = t;
    ticks[t] = k;
    l.append(k, el("bdi", "", t));
    chips.append(l);
  }
  if (!(s.themes || []).length) chips.append(el("span", "cx-cur-none", L.cur_no_themes));
  const ticked = () => Object.keys(ticks).filter((t) => ticks[t].checked);
  const actions = el("div", "cx-cur-row");
  actions.append(name,
    button("cx-cur-theme-rename", L.cur_rename, () => send({ op: "theme_rename", old: ticked()[0] || "", new: name.value })),
    button("cx-cur-theme-merge", L.cur_theme_merge, () => send({ op: "theme_merge", old: ticked(), new: name.value })));
  box.append(chips, actions, el("p", "cx-cur-hint", L.cur_theme_hint));
  return box;
}

// A quote made from any open answer or social post: find it by its words, then make it an exhibit.
function cutQuote(s, L, send, name) {
  const box = block("cx-cur-quote", L.cur_cut_quote);
  box.append(searchRow("cx-cur-answers-q", s.answers_q || "", L.cur_find_answers_hint, "cx-cur-answers-find", L.cur_find,
    (q) => send({ op: "find_answers", q })));
  const list = el("ul", "cx-cur-list cx-cur-answers");
  for (const a of s.answers || []) {
    const li = el("li");
    li.append(el("bdi", "cx-cur-what", a.text), el("span", "cx-cur-why", a.from === "social" ? L.cur_from_social : L.cur_from_survey),
      button("cx-cur-make-quote", L.cur_make_quote, () => send({ op: "cut_quote", comment: a.id })));
    const own = el("span", "cx-cur-why cx-cur-answer-themes");
    for (const t of a.themes || []) {
      const chip = el("span", "cx-cur-chip");
      const off = button("cx-cur-theme-split", L.cur_theme_split,
        () => send({ op: "theme_split", comment: a.id, theme: t, new: name.value }));
      off.title = L.cur_theme_split_hint;
      chip.append(el("bdi", "", t), off);
      own.append(chip);
    }
    if ((a.themes || []).length) li.append(own);
    list.append(li);
  }
  if (s.asked && !(s.answers || []).length) list.append(el("li", "cx-cur-none", L.cur_no_answers));
  box.append(list);
  return box;
}

function recent(s, L, send) {
  const box = block("cx-cur-recent", L.cur_recent);
  const list = el("ul", "cx-cur-list");
  for (const r of s.recent || []) {
    const li = el("li");
    li.append(el("bdi", "cx-cur-what", r.text), button("cx-cur-undo", L.cur_undo, () => send({ op: "undo", edit: r.id })));
    list.append(li);
  }
  if (!(s.recent || []).length) list.append(el("li", "cx-cur-none", L.cur_no_recent));
  box.append(list);
  return box;
}

// A titled list of what was set aside: each line what, then why and who, then its button if any.
function listBlock(cls, title, rows, none, parts) {
  const box = block(cls, title);
  const list = el("ul", "cx-cur-list");
  for (const r of rows) {
    const [what, why, who, action] = parts(r);
    const line = el("span", "cx-cur-why");
    line.append(el("bdi", "", why), " · ", el("bdi", "", who));
    const li = el("li");
    li.append(el("bdi", "cx-cur-what", what), line, ...(action ? [action] : []));
    list.append(li);
  }
  if (!rows.length) list.append(el("li", "cx-cur-none", none));
  box.append(list);
  return box;
}

function section(model, L, send) {
  const s = model.get("state") || {};
  const hidden = s.hidden || [], orphans = s.orphans || [], book = s.codebook || [];
  const box = el("details", "cx-cur-section");
  const summary = el("summary", "cx-cur-summary", `${L.cur_section} (${hidden.length} · ${orphans.length})`);
  box.append(summary);

  const h = listBlock("cx-cur-hidden", L.cur_hidden, hidden, L.cur_no_hidden, (r) => [r.title, r.reason, r.by,
    button("cx-cur-show", L.cur_show, () => send({ op: "show", exhibit: r.id }))]);
  const o = listBlock("cx-cur-orphans", L.cur_orphans, orphans, L.cur_no_orphans, (r) => [r.text, r.why, r.who]);

  const c = block("cx-cur-codebook", L.cur_codebook);
  const tagList = el("div", "cx-cur-row cx-cur-chips");
  const ticks = {};
  const named = (t) => (s.tag_labels || {})[t] || t;
  for (const t of book) {
    const l = el("label", "cx-cur-check cx-cur-chip");
    const k = el("input");
    k.type = "checkbox";
    k.value = t;
    ticks[t] = k;
    l.append(k, el("bdi", "", named(t)));
    tagList.append(l);
  }
  if (!book.length) tagList.append(el("span", "cx-cur-none", L.cur_no_tags));
  const name = input("cx-cur-new-tag", "", L.cur_new_tag);
  name.setAttribute("aria-label", L.cur_new_tag);
  const ticked = () => Object.keys(ticks).filter((t) => ticks[t].checked);
  const actions = el("div", "cx-cur-row");
  actions.append(name,
    button("cx-cur-tag-create", L.cur_create, () => send({ op: "tag_create", tag: name.value })),
    button("cx-cur-tag-rename", L.cur_rename, () => send({ op: "tag_rename", old: ticked()[0] || "", new: name.value })),
    button("cx-cur-tag-merge", L.cur_merge_tags, () => send({ op: "tag_merge", old: ticked(), new: name.value })));
  c.append(tagList, actions, el("p", "cx-cur-hint", L.cur_merge_tags_into));

  const themeName = input("cx-cur-theme-name", "", L.cur_theme_name);
  themeName.setAttribute("aria-label", L.cur_theme_name);
  box.append(h, o, c, themes(s, L, send, themeName), cutQuote(s, L, send, themeName));
  return [box];
}

function render({ model, el: root }) {
  root.classList.add("cx-cur");
  const part = model.get("part");
  let open = false;                               // the section's <details> stays open across redraws
  const status = el("div", "cx-cur-status");
  status.setAttribute("role", "status");
  const body = el("div", "cx-cur-body");
  const send = (msg) => model.send({ ...msg, part });
  const draw = () => {
    const L = model.get("labels") || {};
    root.dir = model.get("direction") || "ltr";
    if (part === "drawer") root.dataset.exhibit = ((model.get("state") || {}).exhibit || {}).id || "";
    const prior = root.querySelector("details.cx-cur-section");
    if (prior) open = prior.open;
    const parts = part === "section" ? section(model, L, send) : drawer(model, L, send);
    body.replaceChildren(...parts);
    const details = body.querySelector("details.cx-cur-section");
    if (details) details.open = open;
    const head = part === "drawer" && parts.length ? [el("h3", "cx-cur-heading", L.cur_heading)] : [];
    root.replaceChildren(...head, status, body);
  };
  const showStatus = () => {
    const st = model.get("status") || {};
    status.textContent = st.text || "";
    status.classList.toggle("cx-cur-error", !!st.error);
  };
  const handlers = [["change:state", draw], ["change:labels", draw], ["change:status", showStatus]];
  for (const [event, fn] of handlers) model.on(event, fn);
  draw();
  showStatus();
  return () => { for (const [event, fn] of handlers) model.off(event, fn); };
}

export default { render };
