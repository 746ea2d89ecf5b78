"""Text of both directions: every value in a sentence is isolated, customer text stays escaped, Persian is upright.

A value inside a sentence of the other direction (a run id, a date, a number or an English word in
a Persian sentence; Persian words in an English one) must be laid out on its own, or the bidi
algorithm moves its hyphens, brackets and signs: "20261207-035709" reads "035709-20261207" after a
Persian word. Markup isolates with <bdi>, plain text with U+2066..2069 (kit.core.bidi).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit.core import bidi
from kit.core.templates import Markup, isolated, render, render_string, sentence
from kit.core.text import strip_unsafe
from kit.pages import negative as negative_room
from kit.views import html as pages
from kit.views import report, report_summary, worst
from kit.views.evidence import evidence_text

HOSTILE = '<script>alert(1)</script> "x" & \'y\''
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &amp; &#x27;y&#x27;"
RUN_ID = "20261207-035709"


def bdis(html: str) -> list[str]:
    """The text of every <bdi> in ``html``, in order."""
    return re.findall(r"<bdi[^>]*>(.*?)</bdi>", html)


def test_a_sentence_reads_in_the_direction_of_most_of_its_letters() -> None:
    assert bidi.direction_of("NPS برابر ۱۴ است، زیر هدف (۳۰).") == "rtl"         # dir=auto would say ltr
    assert bidi.direction_of("The worst is “مربی‌گری”: 62 customers, severe.") == "ltr"
    assert bidi.direction_of("۱۴ - 30") == "auto" and bidi.direction_of("۱۴", "rtl") == "rtl"     # no letters
    assert bidi.direction_of(bidi.isolate("سلام") + " NPS") == "rtl" and bidi.direction_of(None, "rtl") == "rtl"


def test_isolate_wraps_a_value_and_leaves_nothing_for_an_empty_one() -> None:
    assert bidi.isolate("2026-07") == "\u20682026-07\u2069"
    assert bidi.isolate(RUN_ID, "ltr") == "\u2066" + RUN_ID + "\u2069"
    assert bidi.isolate("سلام", "rtl") == "\u2067سلام\u2069"
    assert bidi.isolate("") == "" and bidi.isolate(None) == ""
    assert bidi.isolate(-18) == "\u2068-18\u2069"
    assert bidi.strip_isolates(bidi.isolate("a") + " " + bidi.isolate("b", "ltr")) == "a b"


def test_customer_isolates_are_still_stripped_on_the_way_in() -> None:
    typed = "\u2067evil\u2069 \u202eabc"
    assert strip_unsafe(typed) == "evil abc"                    # a customer cannot bring isolates or overrides
    assert bidi.isolate(strip_unsafe(typed)) == "\u2068evil abc\u2069"     # the kit's own are added afterwards


def test_the_bdi_filter_escapes_then_isolates() -> None:
    assert render_string("{{ x|bdi }}", x=HOSTILE) == f"<bdi>{ESCAPED}</bdi>"
    assert render_string('{{ x|bdi("ltr") }}', x=RUN_ID) == f'<bdi dir="ltr">{RUN_ID}</bdi>'
    assert render_string('{{ x|bdi("onmouseover=x") }}', x="a") == "<bdi>a</bdi>"    # no attribute from a value
    assert render_string("{{ x|bdi }}", x="") == "" and render_string("{{ x|bdi }}", x=None) == ""
    assert render_string("{{ x|bdi }}", x=Markup("<b>1</b>")) == "<bdi><b>1</b></bdi>"   # the kit's own markup


def test_the_isolated_filter_turns_isolates_into_elements_and_escapes_the_rest() -> None:
    text = "NPS " + bidi.isolate(HOSTILE) + " in " + bidi.isolate("2026-07", "ltr")
    assert isolated(text) == f'NPS <bdi>{ESCAPED}</bdi> in <bdi dir="ltr">2026-07</bdi>'
    assert isolated("a \u2068b") == "a <bdi>b</bdi>"             # a lost PDI is closed
    assert isolated("a\u2069 b") == "a b"                        # a stray PDI is dropped
    assert isolated("<i>") == "&lt;i&gt;" and isolated(None) == ""
    assert render_string("{{ s|isolated }}", s=bidi.isolate("<b>")) == "<bdi>&lt;b&gt;</bdi>"


def test_a_sentence_isolates_each_value_and_escapes_its_words() -> None:
    html = sentence("interval", "fa", lo="-12", hi=HOSTILE)
    assert html == f"بازهٔ ۹۵٪: <bdi>-12</bdi> تا <bdi>{ESCAPED}</bdi>" and isinstance(html, Markup)
    assert sentence("ws_n_dots", "en", 1, n=Markup("<b>1</b>")) == "<b>1</b> dot"   # rendered markup as it is


def test_the_overview_heading_isolates_the_run_id_and_the_count() -> None:
    html = render("overview/heading.html.j2", lang="fa", name="NourishPath <b>", run=RUN_ID, exhibits=109,
                  gallery="exhibits.ipynb", negative="negative.ipynb", served=False)
    assert f'اجرا <bdi dir="ltr">{RUN_ID}</bdi>' in html
    assert "<bdi>۱۰۹</bdi> اثر" in html and "<bdi>NourishPath &lt;b&gt;</bdi>" in html


def test_headline_sentences_take_their_own_direction_and_isolated_values() -> None:
    english = "470 customers were sent more than 14 messages a week."
    marked = "NPS برابر " + bidi.isolate("-12") + " است."
    html = render("overview/headline.html.j2", sentences=[english, marked])
    assert f'<p class="lead" dir="ltr">{english}</p>' in html             # an English sentence on a Persian page
    assert '<p dir="rtl">NPS برابر <bdi>-12</bdi> است.</p>' in html            # Persian, though it opens with "NPS"
    summary = report_summary.summary_html(Path("."), {"name": "x", "headline": {"nps": {"n": 9, "value": -12.0}}},
                                          None, [], {}, "fa", meta="")
    assert re.search(r'<div class="cx-r-headline"><p dir="rtl">[^<]*-?[۰-۹]', summary)


def test_report_counts_dates_and_places_sit_in_bdi(tmp_path: Path) -> None:
    import pandas as pd
    data = report.ReportData(lang="fa", name="x", headline={"nps": {"n": 1480}}, by_stage=pd.DataFrame(),
                             trend=pd.DataFrame({"period": ["2026-07-07", "2026-09-22"]}), bands=pd.DataFrame(),
                             exhibits=[], counts={}, rejects=3, run_dir=tmp_path, ideal={}, run_id=RUN_ID)
    meta = report.meta_line(data)
    assert meta.count(bidi.FSI) >= 4 and meta.count(bidi.PDI) == meta.count(bidi.FSI)   # each part and each date
    dates = [t for t in bdis(str(isolated(meta))) if "۲۰۲۶" in t]
    assert len(dates) == 2
    counts = report.counts_html(data)
    assert "<bdi>۳</bdi>" in counts


def test_places_reach_and_source_lists_are_isolated(tmp_path: Path) -> None:
    entry = {"rank": 5, "title": "Pain in the app", "stage": "support", "channel": "phone", "severity": 0.7,
             "reach": 62, "sources": ["contact", "survey"], "exhibits": []}
    card = render("overview/negatives.html.j2", lang="fa", cards=[worst.worst_card(entry, [], tmp_path, "fa")])
    assert '<span class="rank"><bdi>۵</bdi></span> <span class="title" dir="ltr">Pain in the app</span>' in card
    assert bdis(card.split('class="p">')[1].split("</span>")[0])           # the place
    facts = card.split('class="f">')[1].split("</span>")[0]
    assert len(bdis(facts)) == 2 and "۶۲" in bdis(facts)[0]               # reach and severity, each whole
    room = negative_room.ranked_html([entry], tmp_path, lang="en")
    assert "<bdi>seen in: <bdi>contact log</bdi>, <bdi>survey answer</bdi></bdi>" in room
    said = evidence_text({"nps": -66.0, "lo": -71.0, "hi": -61.0}, "fa")
    assert "\u2068-۶۶٫۰\u2069" in said and "\u2068-۷۱٫۰\u2069" in said     # a minus sign stays before its number


def test_gallery_tags_and_exhibit_text_take_their_own_direction(tmp_path: Path) -> None:
    rec = {"id": "q1", "kind": "quote", "title": "«پیام‌ها زیاد است»", "quote": "پیام‌ها <b>زیاد</b> است", "lang": "fa",
           "stage": "onboarding", "channel": "email", "valence": -0.8, "source": {"file": "s.csv", "locator": "row 4"}}
    card = pages.card_html(rec, tmp_path, lang="en")
    assert '<div class="q" dir="rtl">«پیام‌ها &lt;b&gt;زیاد&lt;/b&gt; است»</div>' in card   # guillemets, escaped
    assert "<bdi>onboarding</bdi>" in card and "<bdi>email</bdi>" in card
    assert '<blockquote dir="rtl" lang="fa">' in card
    unknown = pages.card_html({**rec, "lang": None, "quote": "x"}, tmp_path, lang="fa")
    assert 'class="q" dir="ltr"' in unknown or 'class="q" dir="auto"' in unknown


def test_the_gallery_script_sets_customer_text_apart() -> None:
    source = (Path(pages.ASSETS_DIR) / "voila" / "cardgrid.js").read_text(encoding="utf-8")
    assert 'q.dir = c.dir || "auto"' in source and 'h.dir = c.dir || "auto"' in source
    assert "tag.append(bdi(t))" in source and ".innerHTML" not in source


def test_the_theme_sets_persian_upright() -> None:
    css = pages.theme_css()
    rule = re.search(r":dir\(rtl\) \{ font-style: normal !important; \}", css)
    assert rule and css.index(rule.group(0)) > css.index(".cx-card .q{")     # after the italic it overrides


# ---- in Chromium: the order a reader sees, and no slant on Persian ----------------------------------------

CARDS = [{"id": "fa1", "title": "پیام‌ها خیلی زیاده", "thumb": "", "snippet": "پیام‌ها خیلی زیاده", "quoted": True,
          "tags": ["نقل‌قول", "support", "email"], "band": "neg", "label": "", "dir": "rtl", "kind": "quote",
          "figure": False, "photos": "", "dots": -1, "dots_label": ""},
         {"id": "en1", "title": "Too many messages", "thumb": "", "snippet": "Too many <img src=x onerror=window.__x=1>",
          "quoted": True, "tags": ["quote"], "band": "neg", "label": "", "dir": "", "kind": "quote", "figure": False,
          "photos": "", "dots": -1, "dots_label": ""}]


def _page(lang: str) -> str:
    """A page as Voilà shows it: the theme and fonts, the overview heading, and a gallery grid drawn by cardgrid.js."""
    grid_js = (Path(pages.ASSETS_DIR) / "voila" / "cardgrid.js").read_text(encoding="utf-8")
    grid_js = grid_js.replace("export default { render };", "window.cardgrid = { render };")
    heading = render("overview/heading.html.j2", lang=lang, name="NourishPath", run=RUN_ID, exhibits=109,
                     gallery="g", negative="n", served=False)
    return (f"<!doctype html><html><head><meta charset=utf-8>{pages.page_css(lang)}</head><body>"
            f"{pages.page_open(lang)}{heading}<div id=grid></div></div>"
            f"<script type=module>{grid_js}</script></body></html>")


MODEL = """cards => {
  const data = {cards, labels: {open: "Open"}, choices: [], query: {}, page: 1, pages: 1, count: "", message: ""};
  const model = {get: k => data[k], set() {}, save_changes() {}, on() {}, off() {}};
  window.cardgrid.render({model, el: document.getElementById("grid")});
}"""


@pytest.mark.browser
def test_in_chromium_the_run_id_reads_in_order_and_persian_quotes_are_upright(browser: object) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 800})      # type: ignore[attr-defined]
    try:
        page.set_content(_page("fa"), wait_until="load")
        page.wait_for_function("window.cardgrid !== undefined")
        page.evaluate(MODEL, CARDS)
        # the run id on a Persian page: its first digits are drawn left of its last ones (not "035709-20261207")
        left_to_right = page.evaluate("""() => {
          const text = [...document.querySelectorAll('.cx-ovhead bdi')].find(b => b.textContent.includes('-')).firstChild;
          const box = i => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                             return r.getBoundingClientRect().left; };
          return box(0) < box(text.length - 1);
        }""")
        assert left_to_right
        q = page.evaluate("""() => [...document.querySelectorAll('#grid .cx-card .q')].map(n =>
          ({dir: n.dir, text: n.textContent, style: getComputedStyle(n).fontStyle, weight: getComputedStyle(n).fontWeight}))""")
        assert q[0]["dir"] == "rtl" and q[0]["text"].startswith("«") and q[0]["style"] == "normal"
        assert int(q[0]["weight"]) >= 600                                  # weight, not a slant, marks the quote
        assert q[1]["dir"] == "auto" and q[1]["style"] == "italic"         # an English quote keeps its italic
        assert page.evaluate("window.__x") is None and "<img" in q[1]["text"]   # customer text stays text
        assert page.evaluate("document.querySelectorAll('#grid .cx-tag bdi').length") == 4
        assert page.evaluate("document.querySelector('#grid .cx-card h4').dir") == "rtl"
    finally:
        page.close()
