"""REFI-QDA exports of a run: the .qdpx project and the .qdc codebook, checked against the standard's schemas."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
import xmlschema

from kit.core import runfolder
from kit.core.errors import KitError
from kit.core.paths import ASSETS_DIR
from kit.exports import qdpx, refi_codebook

NS = {"q": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}
SCHEMAS = ASSETS_DIR / "refi_qda"


@pytest.fixture(scope="module")
def exported(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("qda")
    return qdpx.write_qdpx(sample_run, out), qdpx.write_qdc(sample_run, out)


def _qde(path: Path) -> tuple[bytes, zipfile.ZipFile]:
    z = zipfile.ZipFile(path)
    return z.read("project.qde"), z


def test_project_and_codebook_are_valid_refi_qda(exported: tuple[Path, Path]) -> None:
    qde, _ = _qde(exported[0])
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(qde.decode("utf-8"))
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(exported[1].read_text(encoding="utf-8"))


def test_every_source_file_is_in_the_archive_and_nothing_else(exported: tuple[Path, Path], sample_run: Path) -> None:
    qde, z = _qde(exported[0])
    root = ET.fromstring(qde)
    paths = [el.get("plainTextPath") or el.get("path") for el in root.find("q:Sources", NS)]
    assert sorted(p.replace("internal://", "Sources/") for p in paths) == sorted(n for n in z.namelist()
                                                                                  if n.startswith("Sources/"))
    photos = [r for r in runfolder.read_exhibits(sample_run) if r["kind"] == "photo"]
    assert len(root.findall("q:Sources/q:PictureSource", NS)) == len(photos) > 0


def test_transcript_segments_cover_the_moments_words(exported: tuple[Path, Path], sample_run: Path) -> None:
    qde, z = _qde(exported[0])
    root = ET.fromstring(qde)
    moments = runfolder.read_table(sample_run, "moments")
    quotes = {str(q)[:40] for q in moments[moments["source"] == "recording"]["quote"]}
    found = 0
    for src in root.findall("q:Sources/q:TextSource", NS):
        text = z.read(src.get("plainTextPath").replace("internal://", "Sources/")).decode("utf-8")
        for sel in src.findall("q:PlainTextSelection", NS):
            span = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            assert span and span == span.strip(), "a segment starts and ends on its words"
            assert sel.findall("q:Coding/q:CodeRef", NS), "every segment carries codes"
            words = " ".join(re.sub(r"^\[\d+:\d+\] [^:]+: ", "", line) for line in span.splitlines())
            found += any(q in words for q in quotes)
    assert found >= len(quotes) * 0.9        # nearly every coded moment is found in its transcript


def test_answers_are_segments_of_their_own_words(exported: tuple[Path, Path], sample_run: Path) -> None:
    qde, z = _qde(exported[0])
    root = ET.fromstring(qde)
    comments = runfolder.read_table(sample_run, "comments")
    survey = comments[comments["platform"].isna()]
    by_id = dict(zip(survey["response_id"] + survey["field"], survey["text"], strict=True))
    answers = [s for s in root.findall("q:Sources/q:TextSource", NS) if "Open answers" in s.get("name")]
    assert answers
    checked = 0
    for src in answers:
        field = src.get("name").split(": ", 1)[1]
        text = z.read(src.get("plainTextPath").replace("internal://", "Sources/")).decode("utf-8")
        for sel in src.findall("q:PlainTextSelection", NS):
            assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == by_id[sel.get("name") + field]
            checked += 1
    assert checked == len(survey)


def test_no_session_without_consent_is_exported(exported: tuple[Path, Path]) -> None:
    qde, _ = _qde(exported[0])
    names = [s.get("name") for s in ET.fromstring(qde).findall("q:Sources/q:TextSource", NS)]
    assert any("s01" in n for n in names) and not any("s05" in n for n in names)    # s05 gave no consent


def test_export_is_repeatable(sample_run: Path, tmp_path: Path, exported: tuple[Path, Path]) -> None:
    again = qdpx.write_qdpx(sample_run, tmp_path)
    assert _qde(again)[0] == _qde(exported[0])[0]


def test_codebook_round_trip_and_refusals(exported: tuple[Path, Path], tmp_path: Path) -> None:
    names = refi_codebook.read_qdc(exported[1])
    assert "Journey stage/onboarding" in names and "Journey stage" not in names      # parents are not codable
    evil = tmp_path / "evil.qdc"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                    "<Codes/></CodeBook>", encoding="utf-8")
    with pytest.raises(KitError, match="DOCTYPE"):
        refi_codebook.read_qdc(evil)
    wrong = tmp_path / "wrong.qdc"
    wrong.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', encoding="utf-8")
    with pytest.raises(KitError, match="not a REFI-QDA codebook"):
        refi_codebook.read_qdc(wrong)


def test_persian_run_names_its_codes_in_persian() -> None:
    book = refi_codebook.build("r", {"stages": ["خرید"], "channels": ["app"]}, [], [], "fa")
    assert [c.name for c in book.codes][:2] == ["مرحلهٔ مسیر", "کانال"]
    assert book.guid("stage", "خرید") == refi_codebook.guid("r", "stage", "خرید")
    assert pd.isna(refi_codebook.feeling_code(float("nan"))) or refi_codebook.feeling_code(float("nan")) is None


def test_cli_writes_both_and_refuses_unknown(sample_run: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kit.cli import app
    done = CliRunner().invoke(app, ["export", str(sample_run), "--to", "qdc,qdpx", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / f"{sample_run.name}.qdc").is_file() and (tmp_path / f"{sample_run.name}.qdpx").is_file()
    refused = CliRunner().invoke(app, ["export", str(sample_run), "--to", "nvivo"])
    assert refused.exit_code == 2 and "choose from qdpx, qdc" in refused.output
