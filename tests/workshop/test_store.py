"""The workshop store: budgets, own-votes-only, findings, and many processes writing at once."""

from __future__ import annotations

import json
import multiprocessing as mp
import re
import sqlite3
from pathlib import Path

import pytest

from kit.core import exhibits, i18n
from kit.views.workshop import findings_html
from kit.workshop import fields, findings
from kit.workshop import store as ws
from kit.workshop.fields import WorkshopError
from kit.workshop.store import Workshop

EXHIBITS = ["ex-a", "ex-b", "ex-c", "ex-d"]


def make_run(tmp_path: Path, ids: list[str] = EXHIBITS, titles: dict[str, str] | None = None) -> Path:
    run = tmp_path / "20260101-000000"
    run.mkdir(parents=True)
    records = [{"id": i, "kind": "quote", "title": (titles or {}).get(i, f"Title {i}"), "schema": 1,
                "source": {"file": "s.csv"}} for i in ids]
    (run / "exhibits.json").write_text(json.dumps(records))
    return run


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path)


def test_file_is_wal_and_in_the_run_folder(run: Path) -> None:
    Workshop(run, votes_per_person=3)
    db = sqlite3.connect(run / ws.DB_NAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert Workshop(run).votes_per_person == 3          # fixed when the workshop was created


def test_budget_comes_from_the_project(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "project.yaml").write_text("name: x\njourney: {stages: [a]}\nchannels: [web]\n"
                                          "workshop: {votes_per_person: 2}\n")
    run = make_run(tmp_path)
    from kit.core import project as project_mod
    from kit.steps.gallery import workshop_settings
    (run / "summary.json").write_text(json.dumps({"workshop": workshop_settings(project_mod.load(project))}))
    assert Workshop(run).votes_per_person == 2                 # the pipeline wrote the project's budget into the run
    other = make_run(tmp_path / "other")                 # no manifest: the default
    assert Workshop(other).votes_per_person == ws.DEFAULT_VOTES


def test_dots_budget_change_and_withdraw(run: Path) -> None:
    shop = Workshop(run, votes_per_person=3)
    ana = shop.join("Ana", "design").token
    assert shop.vote(ana, "ex-a") == 2
    assert shop.vote(ana, "ex-a") == 1
    assert shop.vote(ana, "ex-b") == 0
    with pytest.raises(WorkshopError, match="no dots left"):
        shop.vote(ana, "ex-c")
    assert shop.vote(ana, "ex-a", -1) == 1              # take one back ...
    assert shop.vote(ana, "ex-c") == 0                  # ... and spend it elsewhere
    assert shop.vote(ana, "ex-d", -1) == 0              # nothing to take back: no change
    assert shop.set_dots(ana, "ex-a", 0) == 1
    assert shop.my_dots(ana, "ex-a") == 0 and shop.my_dots(ana, "ex-b") == 1
    with pytest.raises(WorkshopError, match="no dots left"):
        shop.set_dots(ana, "ex-d", 2)
    assert shop.dots_left(ana) == 1


def test_nobody_changes_anybody_elses_votes(run: Path) -> None:
    shop = Workshop(run)
    ana, ben = shop.join("Ana", "design").token, shop.join("Ben", "business").token
    shop.vote(ana, "ex-a")
    shop.note(ana, "ex-a", "hard to read")
    shop.vote(ben, "ex-a", -1)                           # Ben withdraws only his own (none)
    shop.note(ben, "ex-a", "")
    assert shop.tally("ex-a")["votes"] == 1
    assert [n["text"] for n in shop.tally("ex-a")["notes"]] == ["hard to read"]
    with pytest.raises(WorkshopError, match="not signed in"):
        shop.vote("forged-token", "ex-a")


def test_unknown_exhibit_department_and_severity_are_refused(run: Path) -> None:
    shop = Workshop(run)
    with pytest.raises(WorkshopError, match="department"):
        shop.join("Ana", "marketing")
    with pytest.raises(WorkshopError, match="give a name"):
        shop.join("  \x00 ", "design")
    ana = shop.join("Ana", "design").token
    with pytest.raises(WorkshopError, match="not in run"):
        shop.vote(ana, "no-such-exhibit")
    with pytest.raises(WorkshopError, match="severity"):
        shop.rate(ana, "ex-a", 7)
    with pytest.raises(WorkshopError, match="keep it to"):
        shop.note(ana, "ex-a", "x" * (fields.MAX_NOTE + 1))


def test_rating_and_note_replace_and_withdraw(run: Path) -> None:
    shop = Workshop(run)
    ana = shop.join("Ana", "design").token
    shop.rate(ana, "ex-a", 2)
    shop.rate(ana, "ex-a", 4)
    shop.note(ana, "ex-a", "first")
    shop.note(ana, "ex-a", "  second\nline\x07 ")
    assert shop.mine(ana, "ex-a") == {"dots": 0, "severity": 4, "note": "second\nline"}
    shop.rate(ana, "ex-a", None)
    shop.note(ana, "ex-a", "   ")
    assert shop.mine(ana, "ex-a") == {"dots": 0, "severity": None, "note": ""}
    assert shop.rows() == []


def test_same_token_rejoins_as_the_same_person(run: Path) -> None:
    shop = Workshop(run)
    p = shop.join("Ana", "design")
    shop.vote(p.token, "ex-a")
    again = shop.join("Ana M.", "engineering", token=p.token)
    assert again.id == p.id and again.department == "engineering"
    assert shop.dots_left(p.token) == ws.DEFAULT_VOTES - 1
    assert len(shop.participants()) == 1


def seed_workshop(run: Path) -> Workshop:
    """Three departments, hand-placed: the expected findings are worked out in the test below."""
    shop = Workshop(run, votes_per_person=5)
    d1 = shop.join("Dana", "design").token
    d2 = shop.join("Dora", "design").token
    e1 = shop.join("Eli", "engineering").token
    b1 = shop.join("Bo <b>", "business").token
    for token, ex, n in ((d1, "ex-a", 3), (d1, "ex-b", 2), (d2, "ex-a", 1), (e1, "ex-b", 4), (e1, "ex-c", 1),
                         (b1, "ex-c", 5)):
        shop.set_dots(token, ex, n)
    for token, ex, s in ((d1, "ex-a", 4), (d2, "ex-a", 3), (b1, "ex-a", 1), (e1, "ex-a", 0),
                         (d1, "ex-b", 3), (e1, "ex-b", 3), (b1, "ex-b", 2)):
        shop.rate(token, ex, s)
    shop.note(b1, "ex-c", "<script>alert(1)</script> churn risk")
    shop.note(d1, "ex-a", "copy is confusing")
    return shop


def test_findings_match_a_hand_count(run: Path) -> None:
    seed_workshop(run)
    f = findings.findings(run)
    assert f is not None
    assert f.participants == {"design": 2, "engineering": 1, "business": 1}
    by = {e.exhibit_id: e for e in f.exhibits}
    # ex-a 3+1 = 4 dots (design only); ex-b 2+4 = 6 (design 2, engineering 4); ex-c 1+5 = 6
    assert (by["ex-a"].votes, by["ex-b"].votes, by["ex-c"].votes) == (4, 6, 6)
    assert by["ex-b"].votes_by_department == {"design": 2, "engineering": 4}
    assert by["ex-c"].voters == 2
    assert [e.exhibit_id for e in f.top()] == ["ex-b", "ex-c", "ex-a"]      # 6 (severity 2.67), 6 (unrated), 4
    assert [e.exhibit_id for e in f.top("design")] == ["ex-a", "ex-b"]
    assert [e.exhibit_id for e in f.top("business")] == ["ex-c"]
    # ex-a: design (4+3)/2 = 3.5, engineering 0, business 1 -> design severe, engineering not: disagreement
    assert by["ex-a"].severity_by_department == {"design": 3.5, "business": 1.0, "engineering": 0.0}
    assert [(e.exhibit_id, why) for e, why in f.disagree] == \
        [("ex-a", "design rates it severe (3.5 of 4), engineering does not (0.0)")]
    # ex-b: 3, 3, 2 -> within one point: agreement
    assert f.agree == [(by["ex-b"], "design, engineering, business all rate it major (2.0-3.0 of 4)")]
    assert by["ex-b"].owner == "engineering" and by["ex-c"].owner == "business" and by["ex-a"].owner == "design"
    assert [e.exhibit_id for e in f.actions()] == ["ex-b", "ex-c", "ex-a"]


def test_findings_html_is_escaped(tmp_path: Path) -> None:
    run = make_run(tmp_path, titles={"ex-a": "<img src=x onerror=alert(1)>"})
    assert "No workshop" in findings_html(run)
    seed_workshop(run)
    html = findings_html(run)
    assert "<script>" not in html and "<img" not in html and "Bo <b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; churn risk" in html
    assert "Bo &lt;b&gt;" in html
    assert "4 participants (design 2, engineering 1, business 1) spent 16 of 20 dots (5 each) on 3 exhibits, " \
        "and wrote 2 notes." in html
    short = exhibits.short_ids(EXHIBITS)
    assert f"(<bdi>ex-b</bdi>, <bdi>card {short['ex-b']}</bdi>)" in html
    assert "design rates it severe (3.5 of 4), engineering does not (0.0)" in html


def test_findings_html_follows_the_run_language(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    (run / "summary.json").write_text(json.dumps({"ui_language": "fa"}), encoding="utf-8")
    assert "هنوز هیچ کارگاهی این اجرا را بررسی نکرده است." in findings_html(run)
    seed_workshop(run)
    html = findings_html(run)
    assert "۴ شرکت‌کننده (طراحی ۲، مهندسی ۱، کسب‌وکار ۱) ۱۶ رأی از ۲۰ رأی (هر نفر ۵) را به ۳ نمونه دادند" in html
    assert "طراحی آن را شدید می‌داند (۳٫۵ از ۴)، مهندسی نه (۰٫۰)" in html
    assert "همهٔ طراحی، مهندسی، کسب‌وکار آن را جدی می‌دانند (۲٫۰ تا ۳٫۰ از ۴)" in html
    words = re.sub(r"<[^>]+>|&[a-z]+;", " ", html)
    typed = {"script", "alert", "churn", "risk", "copy", "confusing", "Bo", "Dana", "Title"}   # names, titles, notes
    english = {w for w in re.findall(r"[A-Za-z]{3,}", words) if w not in typed and not w.startswith("ex") and not w.isupper()}
    assert not english, english                         # every word the kit writes is Persian (upper case: card codes)


def _participant(args: tuple[str, int, int]) -> tuple[int, int]:
    """One participant in its own process: join, then try to spend more dots than the budget allows."""
    run, i, attempts = args
    shop = Workshop(Path(run))
    token = shop.join(f"P{i}", fields.DEPARTMENTS[i % 4]).token
    placed = refused = 0
    for k in range(attempts):
        try:
            shop.vote(token, EXHIBITS[(i + k) % len(EXHIBITS)])
            placed += 1
        except WorkshopError:
            refused += 1
    return placed, refused


def test_twenty_processes_vote_at_once_nothing_lost(run: Path) -> None:
    budget, people, attempts = 4, 20, 7
    Workshop(run, votes_per_person=budget)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(processes=people) as pool:
        results = pool.map(_participant, [(str(run), i, attempts) for i in range(people)], chunksize=1)
    assert results == [(budget, attempts - budget)] * people     # each spent exactly the budget, no more
    shop = Workshop(run)
    rows = shop.rows()
    assert sum(r["votes"] for r in rows) == budget * people      # 0 votes lost
    per_person: dict[str, int] = {}
    for r in rows:
        per_person[r["name"]] = per_person.get(r["name"], 0) + r["votes"]
    assert per_person == {f"P{i}": budget for i in range(people)}
    # exact per exhibit: participant i votes on exhibits i, i+1, i+2, i+3 (mod 4) once each
    expected = {ex: 0 for ex in EXHIBITS}
    for i in range(people):
        for k in range(budget):
            expected[EXHIBITS[(i + k) % len(EXHIBITS)]] += 1
    assert {ex: shop.tally(ex)["votes"] for ex in EXHIBITS} == expected


def find(widget, cls: str):
    """The widget under ``widget`` that carries the CSS class ``cls``."""
    if cls in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        hit = find(child, cls)
        if hit is not None:
            return hit
    return None


def send(bar, message: dict) -> None:
    """What the bar's front end sends: a join request, "not me", or the clock's tick."""
    bar._handle_custom_msg(message, [])


def test_widgets_join_vote_rate_note_and_refresh(run: Path) -> None:
    from kit.pages import workshop as ui
    ui._SESSIONS.clear()
    bar = ui.participant_bar(run)
    panel = ui.exhibit_panel(run, "ex-a")
    s = ui.session(run)
    assert bar is s.memory and ui.participant_bar(run) is bar                # one bar, one memory, one clock
    s.memory.stored = {}                                                  # a browser that never joined
    assert find(panel, "cx-ws-up").disabled and not (run / ws.DB_NAME).exists()
    assert bar.participant == {} and bar.departments == list(fields.DEPARTMENTS)
    send(bar, {"join": {"name": "<Ana>", "department": ""}})
    assert bar.error == "Choose your department." and bar.participant == {} and not (run / ws.DB_NAME).exists()
    send(bar, {"join": {"name": "  ", "department": "design"}})
    assert "Give a name" in bar.error and bar.participant == {}
    send(bar, {"join": {"name": "<Ana>", "department": "design"}})
    token = s.memory.save["token"]
    assert s.memory.save == {"token": token, "name": "<Ana>", "department": "design"}
    assert bar.participant == {"name": "<Ana>", "department": "design", "left": 5, "budget": 5} and bar.error == ""
    find(panel, "cx-ws-up").click()
    find(panel, "cx-ws-up").click()
    find(panel, "cx-ws-down").click()
    assert bar.participant["left"] == 4                                   # the bar follows the panel's clicks
    find(panel, "cx-ws-severity").value = 3
    find(panel, "cx-ws-note").value = "<script>x</script>"
    find(panel, "cx-ws-save").click()
    shop = Workshop(run)
    assert shop.mine(token, "ex-a") == {"dots": 1, "severity": 3, "note": "<script>x</script>"}
    ben = shop.join("Ben", "business").token                              # someone in another kernel
    shop.vote(ben, "ex-a")
    shop.vote(ben, "ex-a")
    shop.vote(token, "ex-b")                                              # Ana, in another tab
    send(s.memory, {"tick": 1})                                           # the browser's clock
    tally = find(panel, "cx-ws-tally-box").value
    assert 'cx-ws-total">3</b> dots from 2 people (design 1 · business 2)' in tally
    assert "&lt;script&gt;x&lt;/script&gt;" in tally and "<script>" not in tally
    assert bar.participant["left"] == 3

    send(bar, {"leave": True})                                            # "Not you? Switch"
    assert bar.participant == {} and s.memory.save == {"forget": True} and s.participant is None
    assert find(panel, "cx-ws-up").disabled and Workshop(run).dots_left(token) == 3   # the votes stay

    ui._SESSIONS.clear()                                                  # a reload: a new kernel, same browser
    panel = ui.exhibit_panel(run, "ex-a")
    bar = ui.participant_bar(run)
    ui.session(run).memory.stored = {"token": token, "name": "<Ana>", "department": "design"}
    assert find(panel, "cx-ws-note").value == "<script>x</script>" and find(panel, "cx-ws-severity").value == 3
    assert bar.participant == {"name": "<Ana>", "department": "design", "left": 3, "budget": 5}
    other = make_run(run.parent / "next")                                 # the same browser on the next run's gallery
    ui.exhibit_panel(other, "ex-b")
    ui.session(other).memory.stored = {"token": token, "name": "<Ana>", "department": "design"}
    assert Workshop(other).participant(token).name == "<Ana>"
    ui._SESSIONS.clear()


def test_severity_words_match_the_store() -> None:
    from kit.pages import workshop as ui
    assert [ui.severity_label(k, "en") for k in ws.SEVERITY] == [f"{k} {v}" for k, v in ws.SEVERITY.items()]


def test_persian_page_words_the_workshop_in_persian_and_stores_english(run: Path) -> None:
    from kit.pages import workshop as ui
    ui._SESSIONS.clear()
    bar = ui.participant_bar(run, "fa")
    panel = ui.exhibit_panel(run, "ex-a", "fa")
    assert bar.direction == "rtl" and bar.lang == "fa" and bar.labels["ws_join"] == "پیوستن به کارگاه"
    assert bar.department_labels["business"] == "کسب‌وکار" and bar.departments == list(fields.DEPARTMENTS)
    send(bar, {"join": {"name": "", "department": ""}})
    assert bar.error == "واحد خود را انتخاب کنید."
    send(bar, {"join": {"name": "ا" * (fields.MAX_NAME + 1), "department": "design"}})
    assert bar.error.startswith(f"نام {i18n.number(fields.MAX_NAME + 1, 'fa')} نویسه است") and not (run / ws.DB_NAME).exists()
    send(bar, {"join": {"name": "آنا", "department": "design"}})              # stored as the English key
    assert bar.participant["department"] == "design" and bar.error == ""
    find(panel, "cx-ws-up").click()
    find(panel, "cx-ws-severity").value = 4
    assert find(panel, "cx-ws-save").description == "ذخیرهٔ یادداشت"
    assert [label for label, _ in find(panel, "cx-ws-severity").options][-1] == "۴ بحرانی"
    find(panel, "cx-ws-note").value = "x" * (fields.MAX_NOTE + 1)
    find(panel, "cx-ws-save").click()
    token = ui.session(run).participant.token
    assert "یادداشت" in find(panel, "cx-ws-status").value and Workshop(run).mine(token, "ex-a")["note"] == ""
    assert 'نقطه‌های شما اینجا: <b class="cx-ws-my-dots">۱</b>، ۴ مانده' in find(panel, "cx-ws-mine").value
    tally = find(panel, "cx-ws-tally-box").value
    assert 'جمع: <b class="cx-ws-total">۱</b> نقطه از ۱ نفر (طراحی ۱)' in tally and "طراحی ۴٫۰ (۱)" in tally
    assert "design" not in tally and not any(d in tally for d in "0123456789")
    html = ui.overview_panel(run, "fa")
    assert "این اجرا: ۱ شرکت‌کننده (طراحی ۱)، ۱ نقطه، ۰ یادداشت" in html and "<b>۱</b> نقطه (۱ نفر)" in html
    assert "this run" not in html.lower() and "·" not in html + tally     # a middle dot reads as a Persian zero
    ui._SESSIONS.clear()


def test_bar_apologises_for_a_failure_that_is_not_the_visitors(run: Path, monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    from kit.pages import workshop as ui
    ui._SESSIONS.clear()
    bar = ui.participant_bar(run)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Workshop, "join", broken)
    send(bar, {"join": {"name": "Ana", "department": "design"}})
    assert bar.error == i18n.t("ws_apology") and bar.participant == {}
    assert "disk full" in caplog.text                                     # the details go to the log, not the page
    ui._SESSIONS.clear()


def test_bar_is_one_widget_model_drawn_as_text(run: Path) -> None:
    from ipywidgets.widgets.widget import _instances as models

    from kit.pages import workshop as ui
    ui._SESSIONS.clear()
    before = set(models)
    ui.participant_bar(run)
    made = [type(v).__name__ for k, v in models.items() if k not in before]
    assert sorted(made) == ["Layout", "WorkshopBar"]                      # the bar and the layout every widget has
    assert "innerHTML" not in ui.ESM and "textContent" in ui.ESM          # names people typed stay text
    ui._SESSIONS.clear()


def test_overview_lists_past_workshops_beside_this_run(tmp_path: Path) -> None:
    from kit.pages import workshop as ui
    old = make_run(tmp_path / "a", titles={"ex-a": "<b>old</b>"})
    old = old.rename(tmp_path / "20260101-000000")
    empty = make_run(tmp_path / "b").rename(tmp_path / "20260201-000000")
    here = make_run(tmp_path / "c").rename(tmp_path / "20260301-000000")
    (tmp_path / "latest").symlink_to(here.name)
    shop = Workshop(old)
    shop.set_dots(shop.join("Ana", "design").token, "ex-a", 3)
    shop.note(shop.join("Ben", "business").token, "ex-b", "x")
    Workshop(empty)                                                       # opened, nobody joined: not a workshop
    from kit.workshop.findings import past_workshops
    stamp = (old / "workshop.sqlite").stat().st_mtime_ns
    past = past_workshops(here)                                           # the pipeline writes this into summary.json
    assert (old / "workshop.sqlite").stat().st_mtime_ns == stamp          # read without writing
    (here / "summary.json").write_text(json.dumps({"past_workshops": past}))
    html = ui.overview_panel(here)                                        # the page reads its own run only
    assert "No workshop on this run yet" in html
    assert html.count("<tr><td>") == 1 and "<td>20260101-000000</td>" in html
    assert "<td>2</td><td>3</td><td>1</td>" in html                       # people, dots, notes
    assert "cxkit serve 20260101-000000" in html and str(tmp_path) not in html   # no server path on a page
    here_html = ui.overview_panel(old)
    assert "This run: 2 participants (design 1, business 1) · 3 dots · 1 note" in here_html
    assert "&lt;b&gt;old&lt;/b&gt;" in here_html
    assert "<b>old</b>" not in here_html


def test_closed_voting_refuses_votes_ratings_and_notes_but_not_paper(run: Path) -> None:
    shop = Workshop(run, votes_per_person=3)
    ana = shop.join("Ana", "design").token
    shop.vote(ana, "ex-a")
    assert shop.voting_open()                                             # open unless a facilitator closed it
    shop.set_voting(False, by="Fay")
    assert not shop.voting_open() and not Workshop(run).voting_open()     # every kernel sees it
    assert ws.open_existing(run).voting_open() is False                   # ... and a reader too
    assert shop.meta()["voting_by"] == "Fay"
    for change in (lambda: shop.vote(ana, "ex-b"), lambda: shop.vote(ana, "ex-a", -1), lambda: shop.set_dots(ana, "ex-c", 1),
                   lambda: shop.rate(ana, "ex-a", 2), lambda: shop.note(ana, "ex-a", "late")):
        with pytest.raises(WorkshopError, match="Voting is closed; the facilitator can open it again.") as caught:
            change()
        assert caught.value.label == "ws_voting_closed"
    assert shop.mine(ana, "ex-a") == {"dots": 1, "severity": None, "note": ""}
    merged = shop.merge_paper([("paper:design:pat", "Pat", "design", "ex-b", 2, 3, "seen on paper")])
    assert merged["changed"] == 1 and shop.tally("ex-b")["votes"] == 2     # the facilitator merges paper votes anyway
    shop.set_voting(True, by="Fay")
    assert shop.vote(ana, "ex-b") == 1


def test_a_browser_join_never_takes_over_a_paper_or_login_participant(run: Path) -> None:
    shop = Workshop(run)
    shop.merge_paper([("paper:design:ana", "Ana", "design", "ex-a", 2, None, "from the card")])
    paper = shop.participant("paper:design:ana")
    browser = shop.join("Ana", "design")                                  # same name and department: a new person
    assert browser.id != paper.id and browser.source == "browser" and not browser.token.startswith("paper:")
    with pytest.raises(WorkshopError, match="cannot be used"):
        shop.join("Ana", "design", token="paper:design:ana")             # the paper token is not the browser's to use
    with pytest.raises(WorkshopError, match="cannot be used"):
        shop.join("Lou", "design", token="login:lou")
    assert shop.participant("login:lou") is None
    assert shop.dots_left(browser.token) == ws.DEFAULT_VOTES and shop.my_dots(paper.token, "ex-a") == 2
    assert [p.source for p in shop.participants()] == ["paper", "browser"]
    shop.merge_paper([("paper:design:ana", "Ana", "design", "ex-a", 1, None, None)])   # a re-import finds the paper one
    assert shop.my_dots(paper.token, "ex-a") == 1 and shop.dots_left(browser.token) == ws.DEFAULT_VOTES
    with pytest.raises(WorkshopError, match="voted in a browser"):
        shop.merge_paper([(browser.token, "Ana", "design", "ex-a", 1, None, None)])


def test_join_login_is_one_participant_per_login(run: Path) -> None:
    shop = Workshop(run)
    lou = shop.join_login("Lou", "engineering")
    assert lou.token == ws.login_token("Lou") == "login:lou" and (lou.name, lou.department, lou.source) == (
        "Lou", "engineering", "browser")
    shop.vote(lou.token, "ex-a")
    again = shop.join_login("Lou", "design")                              # the server now says another department
    assert again.id == lou.id and again.department == "design" and shop.dots_left(lou.token) == ws.DEFAULT_VOTES - 1
    assert shop.join_login("LOU", "design").id == lou.id                  # a login is its name, whatever the case
    odd = shop.join_login("x" * (fields.MAX_NAME + 20), "sales")          # vouched for by the server: shortened, "other"
    assert len(odd.name) == fields.MAX_NAME and odd.department == "other"
    assert len(shop.participants()) == 2


def test_text_far_over_its_limit_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[str] = []
    real = fields.strip_unsafe
    monkeypatch.setattr(fields, "strip_unsafe", lambda text, keep="": looked.append(text) or real(text, keep))
    with pytest.raises(WorkshopError, match="keep it to 60") as caught:
        fields.clean_text("x" * 1_000_000, fields.MAX_NAME, "name")
    assert looked == [] and caught.value.values["n"] == 1_000_000
    assert fields.clean_text("\x07" * 50 + "Ana", fields.MAX_NAME, "name") == "Ana"   # control characters are cut first
