"""The kit's markup escapes by default: every template, given hostile text in every value, writes it
as text; and no module escapes by hand (the one environment in kit.core.templates does).

These tests guard the default, not the call sites: a new template is rendered here as soon as it
exists, with values it has never been given by the kit.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2 import meta

from kit.core import templates
from kit.core.paths import KIT_DIR
from kit.core.templates import TEMPLATES_DIR, Markup, label, plain, render, render_string

HOSTILE = ["<script>alert(1)</script>", '" onerror="x', "'><img src=x onerror=alert(1)>",
           "</textarea></title></style><svg onload=alert(1)>", "{{ 7*7 }} {% raw %} & &amp; <!--"]
# label keys and page languages come from the kit, never from data; a department is named by a kit function (as typed)
NOT_TEXT = {"lang": "en", "key": "nr_wall", "dept": str}
TEMPLATE_FILES = sorted(p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.rglob("*.j2"))


class Hostile:
    """Any value a template may be handed (text, number, list, mapping, object), all of it hostile text.

    Its attributes, items and elements are hostile too; ``truthy=False`` makes it false and empty, so
    the other branch of every ``if`` and the ``else`` of every ``for`` are rendered as well. Unpacked
    in a ``for a, b in ...`` it yields as many elements as the loop asks for (learnt in ``WIDTHS``).
    """

    last_unpacked: str = ""

    def __init__(self, path: str, text: str, truthy: bool, widths: dict[str, int]) -> None:
        self._path, self._text, self._truthy, self._widths = path, text, truthy, widths

    def _child(self, step: str) -> Hostile:
        return Hostile(self._path + step, self._text, self._truthy, self._widths)

    def __str__(self) -> str:
        return self._text

    def __format__(self, spec: str) -> str:        # a hostile "number" formats to its text
        return self._text

    def __getattr__(self, name: str) -> Hostile:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._child("." + name)

    def __getitem__(self, key: Any) -> Hostile:
        return self._child("[]")

    def __iter__(self) -> Any:
        Hostile.last_unpacked = self._path
        if not self._truthy:
            return iter(())
        return iter([self._child("[]") for _ in range(self._widths.get(self._path, 2))])

    def __len__(self) -> int:
        return self._widths.get(self._path, 2) if self._truthy else 0

    def __bool__(self) -> bool:
        return self._truthy

    def __contains__(self, item: Any) -> bool:
        return self._truthy

    def __add__(self, other: Any) -> Hostile:
        return self

    __radd__ = __add__


def variables(env: jinja2.Environment, name: str) -> set[str]:
    """Every variable ``name`` reads, with those of the templates it extends or includes."""
    tree = env.parse((TEMPLATES_DIR / name).read_text(encoding="utf-8"))
    found = set(meta.find_undeclared_variables(tree))
    for other in meta.find_referenced_templates(tree):
        if other:
            found |= variables(env, other)
    return found


def render_hostile(name: str, text: str, truthy: bool) -> str:
    """``name`` rendered with every variable it reads set to hostile ``text``."""
    env = templates.environment()
    names = variables(env, name) - set(env.globals)
    widths: dict[str, int] = {}
    for _ in range(20):
        context = {n: NOT_TEXT.get(n) or Hostile(n, text, truthy, widths) for n in names}
        try:
            return render(name, **context)
        except ValueError as exc:                 # a for loop unpacks more (or fewer) than two: give it that many
            wanted = re.search(r"expected (\d+)", str(exc))
            if not wanted:
                raise
            widths[Hostile.last_unpacked] = int(wanted.group(1))
    raise AssertionError(f"{name}: could not be rendered with hostile values")


class Elements(HTMLParser):
    """The elements and attributes an HTML text really holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


def parsed(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_there_are_templates_to_guard() -> None:
    assert len(TEMPLATE_FILES) >= 30, TEMPLATE_FILES


@pytest.mark.parametrize("truthy", [True, False], ids=["filled", "empty"])
@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_every_template_writes_hostile_values_as_text(name: str, truthy: bool) -> None:
    for text in HOSTILE:
        html = render_hostile(name, text, truthy)
        lower = html.lower()
        assert "<script" not in lower and "<img src=x" not in lower and "<svg onload" not in lower, html
        assert ' onerror="' not in lower and " onerror='" not in lower, html            # no attribute broken out of
        found = parsed(html)
        assert "script" not in found.tags, found.tags
        assert "svg" not in found.tags or name == "gallery/sparkline.html.j2", found.tags
        assert not [a for a, _ in found.attributes if a.startswith("on")], found.attributes
        assert "<!--" not in html


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_hostile_text_that_a_template_writes_comes_out_escaped(name: str) -> None:
    html = render_hostile(name, HOSTILE[0], truthy=True)
    if "alert(1)" in html:                      # the template writes a value it was given
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_values_are_escaped_as_html_escape_escapes_them() -> None:
    assert render_string("{{ x }}", x="""<a href="x" title='y'>&</a>""") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;")
    assert render_string('<p title="{{ x }}">', x='" onerror="x') == '<p title="&quot; onerror=&quot;x">'
    assert plain("<b>'a' & \"b\"</b>") == "&lt;b&gt;&#x27;a&#x27; &amp; &quot;b&quot;&lt;/b&gt;"
    assert render_string("{{ x }}", x=None) == "None" and render_string("{{ n|fmt(',') }}", n=1480) == "1,480"
    assert render_string("{{ x }}", x="{{ 7*7 }}{% raw %}") == "{{ 7*7 }}{% raw %}"      # values are never templates


def test_only_markup_goes_in_unescaped() -> None:
    assert render_string("{{ x }}", x=Markup("<b>bold</b>")) == "<b>bold</b>"
    assert render_string("{{ x }}", x="<b>bold</b>") == "&lt;b&gt;bold&lt;/b&gt;"
    assert render_string("{{ xs|join(', ') }}", xs=["<i>", Markup("<b>b</b>"), "'"]) == "&lt;i&gt;, <b>b</b>, &#x27;"
    assert render_string("{{ x|safe }}", x="<b>") == "<b>"       # the explicit way out, which the kit's templates never take


def test_no_template_marks_text_safe_itself() -> None:
    for name in TEMPLATE_FILES:
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|\|\s*e\b|\|\s*escape\b", source), name


def test_a_label_escapes_its_words_and_every_fragment_that_is_not_markup() -> None:
    html = label("ws_room", "en", votes=Markup("<b>3</b> dots"), voters="<script>x</script>")
    assert html == "Room: <b>3</b> dots from &lt;script&gt;x&lt;/script&gt;" and isinstance(html, Markup)
    assert label("ws_n_dots", "en", 1, n=Markup("<b>1</b>")) == "<b>1</b> dot"


def test_a_missing_value_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render("gallery/message.html.j2")


def test_line_breaks_of_a_template_are_layout_only() -> None:
    assert render_string("<tr>\n  <td>{{ a }}</td>\n  <td>{{\n b }}</td>\n</tr>\n", a=1, b=2) == "<tr><td>1</td><td>2</td></tr>"
    assert render_string("{% for x in xs %}\n  <i>{{ x }}</i> \n{% endfor %}", xs="ab") == "<i>a</i> <i>b</i> "


def test_every_template_is_used_by_the_kit() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in KIT_DIR.rglob("*.py"))
    env = templates.environment()
    referenced = {other for name in TEMPLATE_FILES
                  for other in meta.find_referenced_templates(env.parse((TEMPLATES_DIR / name).read_text(encoding="utf-8")))}
    unused = [name for name in TEMPLATE_FILES if f'"{name}"' not in sources and name not in referenced]
    assert not unused, f"templates no module renders: {unused}"


# html.escape by any name, or markupsafe's escape, called outside the templates module
HAND_ESCAPE = re.compile(r"(?<![\w.])escape\(|\bhtml\.escape\b|\bmarkupsafe\.escape\b"
                         r"|from (?:html|markupsafe) import [^\n]*\bescape\b")


def test_no_module_escapes_by_hand() -> None:
    found = []
    for path in sorted(KIT_DIR.rglob("*.py")):
        if path == Path(templates.__file__):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_ESCAPE.search(line):
                found.append(f"{path.relative_to(KIT_DIR)}:{n}: {line.strip()}")
    assert not found, "escape through kit.core.templates (render, or plain for plotly and Markdown):\n" + "\n".join(found)
