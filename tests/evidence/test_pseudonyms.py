"""Pseudonyms: who gets which, how names are found in free text, and what is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.core import project as project_mod
from kit.evidence import pseudonyms as ps
from kit.evidence.pseudonyms import AMBIGUOUS, INTERVIEWER_LABEL, Person

INTERVIEWERS = ["Researcher", "Interviewer", "پژوهشگر"]


def mapping(*people: list[Person], enabled: bool = True, salt: str = "Q3 review") -> ps.Pseudonyms:
    return ps.build([p for group in people for p in group], interviewers=INTERVIEWERS, salt=salt, enabled=enabled)


@pytest.fixture
def names() -> ps.Pseudonyms:
    return mapping(ps.recording_people("s01", "P01", ["Anna Berg"], salt="Q3 review"),
                   ps.recording_people("s02", "P02", ["مریم احمدی"], salt="Q3 review"),
                   ps.recording_people("s03", "P03", ["Neda"], salt="Q3 review"),
                   ps.recording_people("s04", "P04", ["Tom", "Priya", "Tom"], salt="Q3 review"))


def test_a_single_customer_takes_the_participant_id_and_a_group_numbered_ids(names: ps.Pseudonyms) -> None:
    assert ps.speaker(names, "Anna Berg", "s01") == "P01"
    assert ps.speaker(names, "مریم احمدی", "s02") == "P02"
    assert [ps.speaker(names, s, "s04") for s in ("Tom", "Priya")] == ["P04-1", "P04-2"]   # in the order they speak


def test_interviewers_keep_their_names_and_unnamed_lines_stay_unnamed(names: ps.Pseudonyms) -> None:
    assert [ps.speaker(names, s, "s01") for s in ("Researcher", "RESEARCHER", "پژوهشگر", "")] == [
        "Researcher", "RESEARCHER", "پژوهشگر", ""]
    assert ps.text(names, "Researcher: thanks, Interviewer.") == "Researcher: thanks, Interviewer."


def test_an_undeclared_interviewer_is_labelled_by_role() -> None:
    m = mapping(ps.recording_people("s09", "P09", ["Kim"], ["Dr. Lee"], salt=""))
    assert ps.speaker(m, "Dr. Lee", "s09") == INTERVIEWER_LABEL and ps.speaker(m, "Kim", "s09") == "P09"


def test_english_full_and_first_names_are_replaced_whole_words_any_case(names: ps.Pseudonyms) -> None:
    assert ps.text(names, "Thanks for joining, Anna.") == "Thanks for joining, P01."
    assert ps.text(names, "ANNA BERG here; anna's phone; Ms. Berg") == "P01 here; P01's phone; P01"
    assert ps.text(names, "an iceberg, a Berg") == "an iceberg, a Berg"           # a surname alone is left
    assert ps.text(names, "Annabel and Hannah at Annaberg; Anna-Lena") == "Annabel and Hannah at Annaberg; Anna-Lena"


def test_persian_names_match_across_yeh_kaf_diacritics_and_zwnj() -> None:
    m = mapping(ps.recording_people("s01", "P01", ["محمد رضا کریمی"], salt=""))
    # Arabic kaf and yeh, a ZWNJ where the label has a space, a diacritic: all the same name.
    assert ps.text(m, "آقای محمد\u200cرضا كريمي گفت") == "آقای P01 گفت"
    assert ps.text(m, "آقای کریمی و کریمی‌ها") == "P01 و کریمی‌ها"
    assert ps.text(m, "سلام محمدُ، خوبی؟") == "سلام P01، خوبی؟"
    assert ps.text(m, "محمدی و محمدرضایی") == "محمدی و محمدرضایی"           # other words that start alike


def test_a_latin_label_finds_the_name_spoken_in_persian(names: ps.Pseudonyms) -> None:
    assert ps.text(names, "سلام ندا خانم، ممنون که وقت گذاشتید.") == "سلام P03 خانم، ممنون که وقت گذاشتید."
    assert ps.text(names, "کسی توضیح نداد. یه ندا از دور اومد") == "کسی توضیح نداد. یه ندا از دور اومد"
    assert ps.text(names, "Maryam said so") == "P02 said so"                   # and a Persian label in English


def test_names_that_are_common_words_are_replaced_only_where_they_read_as_names() -> None:
    m = mapping(ps.recording_people("s01", "P01", ["Will Smith"], salt=""),
                ps.recording_people("s02", "P02", ["امید"], salt=""))
    assert ps.text(m, "I will call. Will you? Will Smith came.") == "I will call. Will you? P01 came."
    assert ps.text(m, "Thanks for coming, Will. Hi will") == "Thanks for coming, P01. Hi P01"
    assert ps.text(m, "امید دارم درست بشه") == "امید دارم درست بشه"
    assert ps.text(m, "سلام امید جان") == "سلام P02 جان"


def test_a_shared_first_name_goes_to_the_person_in_context_or_to_a_label() -> None:
    m = mapping(ps.recording_people("s01", "P01", ["Anna Berg"], salt=""),
                ps.recording_people("s02", "P02", ["Anna Kowalski"], salt=""))
    assert ps.text(m, "Thanks, Anna.", ps.scope(m, "s02")) == "Thanks, P02."
    assert ps.text(m, "Thanks, Anna.") == f"Thanks, {AMBIGUOUS}."
    assert ps.text(m, "Anna Berg and Anna Kowalski") == "P01 and P02"


def test_generated_pseudonyms_are_stable_normalised_and_salted() -> None:
    first = ps.recording_people("s01", None, ["Maryam"], salt="Q3 review")[0].pseudonym
    again = ps.recording_people("s07", None, ["  MARYAM "], salt="Q3 review")[0].pseudonym
    assert first == again == ps.generated("maryam", "Q3 review") and first.startswith("P-") and len(first) == 8
    assert ps.generated("مريم", "x") == ps.generated("مریم", "x")                # Arabic and Persian yeh
    assert ps.generated("maryam", "another project") != first


def test_participants_written_as_names_are_pseudonymised_and_ids_kept(names: ps.Pseudonyms) -> None:
    assert [ps.participant(names, v) for v in ("P07", "C-1234", None, "")] == ["P07", "C-1234", None, None]
    assert ps.participant(names, "Anna Berg") == "P01"                          # a name a recording knows
    stranger = ps.participant(names, "Sam Lowe")
    assert stranger == ps.generated("Sam Lowe", "Q3 review") and ps.participant(names, stranger) == stranger
    people = ps.photo_people(["P07", "Sam Lowe"], "Q3 review", names)
    assert people == [Person(stranger or "", ("Sam Lowe",))]
    photo = mapping(people)
    assert ps.text(photo, "Sam's kitchen, and Sam Lowe's fridge", [stranger or ""]) == (
        f"{stranger}'s kitchen, and {stranger}'s fridge")


def test_a_participant_given_as_a_name_is_that_customers_pseudonym_and_a_known_name() -> None:
    people = ps.recording_people("s01", "Laura Diaz", ["Laura"], salt="s")
    pid = ps.generated("Laura Diaz", "s")
    assert [p.pseudonym for p in people] == [pid]
    m = mapping(people)
    assert ps.speaker(m, "Laura", "s01") == pid and ps.text(m, "Bye Laura Diaz") == f"Bye {pid}"


def test_generic_labels_get_pseudonyms_but_are_no_names_in_text() -> None:
    m = mapping(ps.recording_people("s01", "P01", ["Speaker 2"], salt=""))
    assert ps.speaker(m, "Speaker 2", "s01") == "P01"
    assert ps.text(m, "The speaker 2 metres away") == "The speaker 2 metres away"


def test_the_same_call_gives_the_same_answer(names: ps.Pseudonyms) -> None:
    line = "Tom told Priya and Anna; ندا خانم"
    assert ps.text(names, line, ps.scope(names, "s04")) == ps.text(names, line, ps.scope(names, "s04")) == (
        "P04-1 told P04-2 and P01; P03 خانم")
    assert mapping(*[[p] for p in names.people]) == names


def test_off_switch_leaves_everything_as_written() -> None:
    off = mapping(ps.recording_people("s01", "P01", ["Anna Berg"], salt=""), enabled=False)
    assert ps.speaker(off, "Anna Berg", "s01") == "Anna Berg"
    assert ps.text(off, "Thanks, Anna.") == "Thanks, Anna."
    assert ps.participant(off, "Anna Berg") == "Anna Berg"


def test_for_project_reads_consented_transcripts_and_the_sidecar(tmp_path: Path) -> None:
    (tmp_path / "recordings").mkdir()
    (tmp_path / "photos").mkdir()
    cues = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nResearcher: Hi {n}?\n\n00:00:02.500 --> 00:00:04.000\n{n}: Hello.\n"
    (tmp_path / "recordings/a.vtt").write_text(cues.format(n="Anna"), encoding="utf-8")
    (tmp_path / "recordings/b.vtt").write_text(cues.format(n="Bruno"), encoding="utf-8")
    (tmp_path / "photos/photos.csv").write_text("file,participant\nx.jpg,Sam Lowe\ny.jpg,P01\n", encoding="utf-8")
    yaml = ("name: T\njourney: {stages: [s]}\nchannels: [app]\ninterviewers: [Researcher]\nphotos: {folder: photos/}\n"
            "recordings:\n  - {id: a, transcript: recordings/a.vtt, participant: P01, consent: true}\n"
            "  - {id: b, transcript: recordings/b.vtt, participant: P02, consent: false}\n")
    (tmp_path / "project.yaml").write_text(yaml, encoding="utf-8")
    m = ps.for_project(project_mod.load(tmp_path))
    assert m.enabled and m.salt == "T"
    assert ps.speaker(m, "Anna", "a") == "P01" and ps.text(m, "Sam Lowe, Anna") == f"{ps.generated('Sam Lowe', 'T')}, P01"
    assert ps.text(m, "Bruno") == "Bruno"                  # a recording without consent is never opened
    (tmp_path / "project.yaml").write_text(yaml + "privacy: {pseudonymize: false}\n", encoding="utf-8")
    assert not ps.for_project(project_mod.load(tmp_path)).enabled


def test_a_declared_interviewer_is_known_in_either_yeh_and_keeps_the_name_as_written() -> None:
    from kit.evidence.transcripts import INTERVIEWER, Utterance, assign_roles, speakers_of
    utts = assign_roles([Utterance(0, 1, "کیمیا", "سلام؟"), Utterance(1, 2, "Sam", "سلام")], ["كيميا"])
    assert [u.role for u in utts][0] == INTERVIEWER and speakers_of(utts, ["كيميا"]) == (["Sam"], [])
    m = ps.build(ps.recording_people("s01", "P01", ["Sam"], salt=""), interviewers=["كيميا"])
    assert ps.speaker(m, "کیمیا", "s01") == "کیمیا" and ps.speaker(m, "Sam", "s01") == "P01"
