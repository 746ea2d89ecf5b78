"""What the accessibility and layout tests share: axe-core, the three screen sizes, and the checks.

A page is loaded once; ``inspect`` then resizes its viewport to each size, waits for the layout to
settle and measures it: horizontal overflow, elements wider than their container, axe-core's
serious and critical violations, and the document's lang and dir. Screenshots go to
``CXKIT_A11Y_SHOTS`` (a folder) when it is set, so a person can look at every page at every size.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.a11y.fetch_axe import TARGET as AXE_JS

SIZES: dict[str, tuple[int, int]] = {"desktop": (1440, 900), "phone": (390, 844), "projector": (1920, 1080)}
SERIOUS = ("serious", "critical")

# Elements wider than their parent, where the parent does not scroll or clip them and no narrower
# ancestor does (scrolling containers, such as a wide table in an overflow:auto box, and visually
# hidden text are the intended ways to hold them).
OVERFLOW_JS = """() => {
  const out = [], seen = new Set();
  const path = e => { const parts = [];
    for (let n = e; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement) {
      let s = n.tagName.toLowerCase();
      if (n.id) { parts.unshift(s + '#' + n.id); break; }
      const cls = [...n.classList].filter(c => !c.startsWith('lm-') && !c.startsWith('p-')).slice(0, 2);
      if (cls.length) s += '.' + cls.join('.');
      parts.unshift(s);
    }
    return parts.join(' > '); };
  const clips = e => { const cs = getComputedStyle(e); return cs.overflowX !== 'visible' || cs.overflow !== 'visible'; };
  // Inside a box that clips or scrolls and is narrower than it, an element is cut or scrolled on purpose.
  const heldBy = (e, width) => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (clips(a) && a.getBoundingClientRect().width + 1 < width) return true; }
    return false; };
  const visible = e => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
  for (const e of document.body.querySelectorAll('*')) {
    const p = e.parentElement;
    if (!p || !visible(e) || !visible(p) || clips(p)) continue;
    if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;       // a chart's own drawing
    const cs = getComputedStyle(e);
    if (cs.position === 'fixed' || cs.position === 'absolute') continue;
    const r = e.getBoundingClientRect(), q = p.getBoundingClientRect();
    if (r.width > q.width + 1 && (r.right > q.right + 1 || r.left < q.left - 1) && !heldBy(e, r.width)) {
      const key = path(e);
      if (!seen.has(key)) { seen.add(key); out.push(`${key} (${Math.round(r.width)}px in ${Math.round(q.width)}px)`); }
    }
  }
  return {scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth, wide: out.slice(0, 12),
          lang: document.documentElement.getAttribute('lang'), dir: document.documentElement.getAttribute('dir'),
          bodyDir: getComputedStyle(document.body).direction};
}"""

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact, summary: n.failureSummary}))}));
}"""

SETTLE_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150))))"


def axe_script() -> Path:
    """axe.min.js as ``make install-dev`` fetched it; a failure in CI, a visible skip elsewhere."""
    if AXE_JS.is_file():
        return AXE_JS
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but axe-core is missing at {AXE_JS}: make install-dev fetches it")
    pytest.skip(f"axe-core not found at {AXE_JS} (python tests/a11y/fetch_axe.py fetches it)")


@dataclass
class SizeReport:
    """What one viewport size showed."""
    size: str
    scroll_width: int
    inner_width: int
    wide: list[str]
    lang: str | None
    dir: str | None
    body_dir: str
    violations: list[dict] = field(default_factory=list)

    def overflow(self) -> list[str]:
        problems = []
        if self.scroll_width > self.inner_width + 1:
            problems.append(f"{self.size}: page scrolls sideways ({self.scroll_width}px wide in {self.inner_width}px)")
        problems += [f"{self.size}: wider than its container: {w}" for w in self.wide]
        return problems

    def serious(self) -> list[str]:
        return [f"{self.size}: {v['id']} ({v['impact']}): {v['help']} at {n['target']}"
                for v in self.violations if v["impact"] in SERIOUS for n in v["nodes"][:8]]


def settle(page: object) -> None:
    page.evaluate(SETTLE_JS)  # type: ignore[attr-defined]


def inspect(page: object, name: str, *, shots: Path | None = None) -> dict[str, SizeReport]:
    """Each size in turn on the loaded ``page``: its layout, lang/dir and axe-core's violations."""
    page.add_script_tag(path=str(axe_script()))  # type: ignore[attr-defined]
    shots = shots or (Path(os.environ["CXKIT_A11Y_SHOTS"]) if os.environ.get("CXKIT_A11Y_SHOTS") else None)
    reports = {}
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        settle(page)
        m = page.evaluate(OVERFLOW_JS)  # type: ignore[attr-defined]
        report = SizeReport(size, m["scroll"], m["inner"], m["wide"], m["lang"], m["dir"], m["bodyDir"])
        report.violations = page.evaluate(AXE_RUN)  # type: ignore[attr-defined]
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{re.sub(r'[^a-z0-9-]+', '-', name)}-{size}.png"),  # type: ignore[attr-defined]
                            full_page=True)
        reports[size] = report
    return reports
