"""Persian inputs however they were typed: names and values match project.yaml, and ZWNJ survives.

A Windows-1256 Excel export writes Arabic yeh and kaf; project.yaml, typed on a Persian keyboard,
writes Persian ones. Every reader here must take both as one name, keep the project's spelling of
stages, channels and segments, and keep the ZWNJ of "می‌خواهم" in what it stores, while bidi
overrides (text that reads other than it is stored) are taken out.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from kit.core import project
from kit.core.rejects import RejectLog
from kit.evidence import contacts, photos, surveys, transcripts
from kit.steps import markers
from kit.validate import validate_project
from kit.workshop.store import Workshop

RLO, PDF, ZWNJ = "\u202e", "\u202c", "\u200c"
STAGES, CHANNELS = ["آگاهی", "خرید", "پشتیبانی"], ["تلفن", "اپلیکیشن", "in_store"]
YAML = f"""\
name: پروژه
languages: [fa]
journey: {{stages: [{", ".join(STAGES)}]}}
channels: [{", ".join(CHANNELS)}]
privacy: {{require_consent: true}}
surveys:
  - path: surveys/fa.csv
    columns: {{response_id: شناسه, customer_id: مشتری, submitted_at: تاریخ, nps: امتیاز توصیه,
              stage: مرحله, channel: کانال, segment: گروه مشتری, consent: رضایت}}
    text: {{disliked_most: پیام{ZWNJ}ها}}
"""
HEADER = "شناسه,مشتري,تاريخ,امتياز توصيه,مرحله,كانال,گروه\u200cمشتري,رضايت,پيام ها"     # Arabic yeh and kaf
ROWS = [                                                  # {mark}: where a bidi control is typed
    "r1,c1,2026-09-14T10:00:00Z,9,خريد,اپليكيشن,مشتري جديد,بله,می\u200cخواهم زودتر جواب بگیرم",
    "r2,c2,2026-09-14T11:00:00Z,3,پشتیبانی,تلفن,مشتری\u200cجدید,بلی,نمی\u200cشود {mark}پیام\u200cها را خواند",
    "r3,c3,2026-09-14T12:00:00Z,5,پشتيباني,In store,VIP,خير,کتاب\u200cخانه",
    "r4,c4,2026-09-14T13:00:00Z,7,خريدن,فكس,VIP,شايد,x",
]


def write_project(root: Path, yaml_text: str = YAML, header: str = HEADER, encoding: str = "cp1256") -> Path:
    """The project; its survey as Excel on a Persian Windows saves it (Windows-1256 has no Persian
    yeh, so every yeh is Arabic, and no bidi override) or as UTF-8 with an override."""
    (root / "surveys").mkdir(parents=True)
    (root / "project.yaml").write_text(yaml_text, encoding="utf-8")
    text = "\r\n".join([header, *ROWS]) + "\r\n"
    if encoding == "cp1256":
        data = text.replace("ی", "ي").replace("{mark}", "").encode("cp1256")
    else:
        data = text.replace("{mark}", RLO).encode(encoding)
    (root / "surveys" / "fa.csv").write_bytes(data)
    return root


@pytest.fixture(params=["cp1256", "utf-8"])
def read(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[surveys.SurveyResult, RejectLog]:
    p = project.load(write_project(tmp_path, encoding=request.param))
    rejects = RejectLog("ingest")
    return surveys.read_surveys(p, rejects), rejects


def test_a_cp1256_export_with_arabic_yeh_headers_validates_clean(tmp_path: Path) -> None:
    report = validate_project(write_project(tmp_path), dry_run=True)
    assert report.problems == []
    assert report.counts["surveys/fa.csv"] == {"in": 4, "accepted": 3, "rejected": 1}


def test_values_take_the_projects_spelling(read: tuple[surveys.SurveyResult, RejectLog]) -> None:
    result, _ = read
    r = result.responses.set_index("response_id")
    assert r["stage"].tolist() == ["خرید", "پشتیبانی", "پشتیبانی"]
    assert r["channel"].tolist() == ["اپلیکیشن", "تلفن", "in_store"]
    first = r["segment"].iloc[0]
    assert r["segment"].tolist() == [first, first, "VIP"] and ZWNJ not in first     # the first spelling met
    assert r["consent"].tolist() == [True, True, False]


def test_a_value_that_matches_nothing_is_rejected_with_the_characters_named(
        read: tuple[surveys.SurveyResult, RejectLog]) -> None:
    _, rejects = read
    [reject] = rejects.items
    assert reject.locator == "row 5"
    assert "column 'مرحله' (stage): 'خريدن' is not one of آگاهی, خرید, پشتیبانی (closest: 'خرید'; the file has " \
           "ن (arabic letter noon, U+0646) that project.yaml does not)" in reject.reason
    assert "column 'كانال' (channel): 'فكس' is not one of" in reject.reason
    assert "column 'رضايت' (consent): 'شايد' is not yes/no" in reject.reason


def test_open_answers_keep_zwnj_and_lose_bidi_overrides(read: tuple[surveys.SurveyResult, RejectLog]) -> None:
    result, _ = read
    by_id = dict(zip(result.comments["response_id"], result.comments["text"], strict=True))
    assert by_id["r1"].startswith("می\u200cخواهم")
    assert by_id["r2"] == "نمی\u200cشود پیام\u200cها را خواند"          # the override (UTF-8) taken out
    assert "r3" not in by_id                                                 # consent خیر: withheld


def test_a_near_miss_names_file_column_and_characters(tmp_path: Path) -> None:
    yaml_text = YAML.replace("nps: امتیاز توصیه", "nps: آمتیاز توصیه")
    report = validate_project(write_project(tmp_path, yaml_text))
    [problem] = report.problems
    assert problem.startswith("surveys/fa.csv, column 'آمتیاز توصیه': project.yaml maps nps to column 'آمتیاز توصیه', "
                              "which the file does not have. The closest column is 'امتياز توصيه': the file writes "
                              "ا (alef, U+0627) where project.yaml writes آ (alef with madda, U+0622).")


def test_two_columns_spelled_alike_are_not_guessed_between(tmp_path: Path) -> None:
    header = HEADER.replace("مشتري,", "مشتري,مشترى,", 1)       # Arabic yeh, alef maksura: both read "مشتری"
    report = validate_project(write_project(tmp_path, header=header, encoding="utf-8"))
    [problem] = report.problems
    assert "maps customer_id to column 'مشتری', and the file has 2 columns spelled alike: 'مشتري', 'مشترى'" in problem


def test_contact_log_header_and_channels_match_however_typed(tmp_path: Path) -> None:
    (tmp_path / "contacts.csv").write_text(
        "Customer_ID,AT,Channel,Direction,Kind,Cost,Outcome\n"
        "c1,2026-09-14T10:00:00Z,اپليكيشن,Inbound,message,0,ok\n"
        "c2,2026-09-14T11:00:00Z,تلفن,outbound,call,1.5,ok\n"
        "c3,2026-09-14T12:00:00Z,فكس,inbound,call,1,ok\n", encoding="utf-8")
    p = project.load(write_project(tmp_path, YAML + "contacts: contacts.csv\n"))
    rejects = RejectLog("ingest")
    counts = contacts.read_contacts(p, tmp_path / "out" / "contacts.parquet", rejects)
    table = pd.read_parquet(tmp_path / "out" / "contacts.parquet")
    assert counts.as_dict() == {"in": 3, "accepted": 2, "rejected": 1}
    assert table["channel"].tolist() == ["اپلیکیشن", "تلفن"] and table["direction"].tolist() == ["inbound", "outbound"]
    assert "column 'channel': 'فكس' is not one of تلفن, اپلیکیشن, in_store" in rejects.items[0].reason


def test_photo_sidecar_values_match_and_caption_keeps_zwnj(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"")
    (folder / "photos.csv").write_text(
        "file,caption,stage,channel,valence,participant,consent\n"
        f"a.png,میز آشپزخانه{RLO}ﻢﻟ{PDF} با کتاب\u200cخانه,خريد,اپليكيشن,-0.5,علي\u200cرضا,بله\n", encoding="utf-8")
    side = photos.read_sidecar(tmp_path, "photos", RejectLog("photos"), STAGES, CHANNELS)
    [row] = side.rows.values()
    assert row.caption == "میز آشپزخانهﻢﻟ با کتاب\u200cخانه"
    assert (row.stage, row.channel, row.consent, row.participant) == ("خرید", "اپلیکیشن", True, "علي\u200cرضا")
    assert photos.sidecar_participants(tmp_path, "photos") == ["علي\u200cرضا"]


class _Recording(SimpleNamespace):
    def count(self, file: str, rows_in: int, accepted: int) -> None:
        """Counts are not looked at here."""

    def text(self, s: str) -> str:
        return s


def test_marker_stage_and_channel_match_and_note_keeps_zwnj() -> None:
    ctx = _Recording(rejects=RejectLog("recordings"), stages=STAGES, channels=CHANNELS)
    row = {"start": "1", "end": "2", "stage": "خريد", "channel": "تلفن", "valence": "-0.5",
           "note": f"می\u200cخواهم {RLO}لغو{PDF} کنم"}
    moment, problems = markers._marker(row, [], None, ctx)
    assert problems == [] and moment is not None
    assert (moment.stage, moment.channel, moment.note) == ("خرید", "تلفن", "می\u200cخواهم لغو کنم")
    _, problems = markers._marker({**row, "stage": "خريدن"}, [], None, ctx)
    assert problems == ["unknown stage 'خريدن'; use one of آگاهی, خرید, پشتیبانی (closest: 'خرید'; the file has "
                        "ن (arabic letter noon, U+0646) that project.yaml does not)"]


def test_transcript_lines_and_speakers_keep_zwnj(tmp_path: Path) -> None:
    vtt = tmp_path / "s.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v علی\u200cرضا>نمی\u200cشود \u202eپیام\u202c را دید\n",
                   encoding="utf-8")
    [line] = transcripts.read_transcript(vtt).utterances
    assert (line.speaker, line.text) == ("علی\u200cرضا", "نمی\u200cشود پیام را دید")


def test_workshop_names_and_notes_keep_zwnj(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "exhibits.json").write_text(json.dumps([{"id": "ex-a", "kind": "quote", "title": "t", "schema": 1,
                                                    "source": {"file": "s.csv"}}]))
    shop = Workshop(run)
    token = shop.join(f"کتاب\u200cخانه {RLO}ای{PDF}", "design").token
    shop.note(token, "ex-a", "پیام\u200cها زیاد است\nو نمی\u200cشود\u2066 خواند\u2069")
    assert [p.name for p in shop.participants()] == ["کتاب\u200cخانه ای"]
    assert shop.mine(token, "ex-a")["note"] == "پیام\u200cها زیاد است\nو نمی\u200cشود خواند"


@pytest.mark.parametrize("name", ["علی\u200cرضا", "مصطفی\u200cزاده", "علی رضا"])
def test_a_speaker_prefix_with_zwnj_is_a_name(name: str) -> None:
    assert transcripts.split_speaker(f"{name}: نمی\u200cشود") == (name, "نمی\u200cشود")
