"""Pseudonyms: customers appear by their participant id, never by the name a transcript gives them.

A transcript labels its speakers by name ("Maryam: ...", ``<v Tom>``), people address each other by
name ("Thanks for joining, Maryam"), and a photo's sidecar may name its participant. Published
tables, exhibits and exports must not carry those names, so every name the project knows is
mapped to one pseudonym, used the same way everywhere:

- a recording's only customer speaker gets the recording's ``participant`` id; several customer
  speakers (a couple, a focus group) get ``<participant>-1``, ``-2``... in the order they first speak;
- with no participant id, or a participant written as a name, the pseudonym is generated:
  ``P-`` and a short hash of the normalised name with a project-level salt, so the same name gives
  the same pseudonym in every run of the same project;
- declared interviewers keep their names; a speaker the kit took for the interviewer without being
  declared (the one who asks the most questions) appears as "Interviewer".

A known name spoken or typed in free text (a transcript line, a marker note, a caption) is replaced
by that person's pseudonym: the full name and the first name alone, whole words only, case-
insensitive, with Arabic and Persian yeh and kaf, diacritics, and ZWNJ-versus-space told apart by
nothing. Common Persian given names are matched across scripts ("Neda" in a label, "ندا" spoken).

Names that are also common words ("Will", "Hope", "امید", "ندا") are redacted conservatively: the
full name always, the first name alone only where it reads as a name. In Latin script that is a
capitalised word that does not open a sentence ("Thanks, Will."), or one next to an address word
("Hi Will"); in Persian, which has no capitals, only next to an address word ("ندا خانم", "سلام ندا").
"will" and "امید دارم" are left as they are.

A surname alone is left (too many are words: Baker, Young, کریمی in "کریمی‌ها"), but after a title
("Ms Berg", "آقای کریمی") it is replaced. A first name two known people share is given to the one in
context (the recording's speakers, the photo's participant), else written ``[name]``.

The salt is the project's name: stable from run to run with nothing to store, but shown on every
page, so whoever guesses a name can recompute its generated pseudonym. Participant ids from
project.yaml or photos.csv carry no such risk; give them where it matters.

Everything here is pure but ``for_project``, which reads the speaker labels of the project's
consented transcripts and the participants of its photo sidecar to build the project's mapping.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kit.core.text import ARABIC_MARKS, KAF, YEH, name_key

if TYPE_CHECKING:
    from kit.core.project import Project
    from kit.evidence.transcripts import Utterance

GENERATED_PREFIX = "P-"
INTERVIEWER_LABEL = "Interviewer"
AMBIGUOUS = "[name]"                  # a first name two known people share, with nothing to tell them apart

_YEH, _KAF, _MARKS = YEH, KAF, ARABIC_MARKS
normalise = name_key                  # a name as compared (kit.core.text.name_key)
_TITLES = frozenset(["dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "prof", "prof.",
                     "آقای", "آقا", "خانم", "دکتر", "جناب", "سرکار"])
_SURNAME_TITLES = ("mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "آقای", "خانم", "دکتر")
# Labels that say what someone is, not who: they get a pseudonym as speakers, but "speaker" in a
# sentence is no name to remove.
_GENERIC = re.compile(r"^(?:speaker|participant|customer|guest|user|caller|agent|client|unknown|"
                      r"person|respondent|گوینده|مشتری|شرکت کننده|کاربر|مهمان)(?:\s*[\d۰-۹٠-٩]+)?$")
_GENERATED = re.compile(rf"^{GENERATED_PREFIX}[0-9A-F]{{6}}(?:-\d+)?$")
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-])*$")     # letters only: no digit, so no id

# Given names that are also everyday words: alone, they are replaced only where they read as a name.
COMMON_WORD_NAMES = frozenset("""
will mark may june april august hope grace faith joy rose lily iris ruby amber summer autumn dawn
bill pat sue rich frank gene art guy sky river hunter penny olive jack ray ivy daisy heather holly
sunny max chase drew lane reed dean don jay robin glen miles sandy carol crystal pearl jade ginger
cliff clay earl king duke prince major page sage star hunter victor
امید ندا بهار نور شادی باران آرزو نسیم صبا ستاره مهتاب سحر شیرین پیام پیمان نگار گل لاله نرگس یاس
مهر روشن کریم سعید امیر عزیز جواد هادی نوید احسان الهام رویا شبنم آزاده
""".split())
# Words that, next to a name, make it one: "Hi Will", "ندا خانم", "سلام ندا".
_ADDRESS_BEFORE = frozenset(["hi", "hello", "hey", "dear", "thanks", "thank", "mr", "mrs", "ms", "miss", "dr",
                             "سلام", "ممنون", "مرسی", "آقای", "خانم", "جناب", "سرکار", "دکتر", "عزیزم"])
_ADDRESS_AFTER = frozenset(["خانم", "جان", "عزیز", "آقا", "خان", "said", "says", "told", "asked"])

# Common Persian given names and their usual Latin spellings: a label written in one script, the
# name spoken in the other (Persian sessions are often labelled in Latin script).
_FA_NAMES = {
    "مریم": "maryam mariam", "ندا": "neda", "رضا": "reza", "علی": "ali", "محمد": "mohammad mohammed muhammad",
    "حسین": "hossein hosein hussein", "حسن": "hassan hasan", "مهدی": "mehdi mahdi", "امیر": "amir",
    "سارا": "sara sarah", "زهرا": "zahra", "فاطمه": "fatemeh fatima", "نرگس": "narges", "مینا": "mina",
    "سیما": "sima", "آرش": "arash", "پریسا": "parisa", "کاوه": "kaveh", "شیرین": "shirin", "بابک": "babak",
    "مهسا": "mahsa", "امید": "omid", "لیلا": "leila layla leyla", "سمیرا": "samira", "نسرین": "nasrin",
    "پروین": "parvin", "فرهاد": "farhad", "بهنام": "behnam", "سعید": "saeed saeid", "مجید": "majid",
    "حمید": "hamid", "نوید": "navid", "پیام": "payam", "پیمان": "peyman peiman", "سهیل": "soheil",
    "الهام": "elham", "آزاده": "azadeh", "رویا": "roya", "نازنین": "nazanin", "شادی": "shadi",
    "نیلوفر": "niloufar niloofar", "نگار": "negar", "مهران": "mehran", "داریوش": "dariush daryoush",
    "کوروش": "kourosh koroush", "پویا": "pouya pooya", "احسان": "ehsan", "هادی": "hadi", "جواد": "javad",
    "لاله": "laleh", "مهناز": "mahnaz", "مژگان": "mojgan", "گلناز": "golnaz", "شبنم": "shabnam",
    "بهار": "bahar", "آرزو": "arezoo arezou", "نیما": "nima", "سینا": "sina", "کیان": "kian",
    "سمانه": "samaneh", "فرشته": "fereshteh", "مرجان": "marjan", "مهتاب": "mahtab", "ستاره": "setareh",
    "سپیده": "sepideh", "هانیه": "haniyeh hanieh", "ترانه": "taraneh", "یاسمن": "yasaman yasmin",
}
_CROSS_SCRIPT: dict[str, tuple[str, ...]] = {}
for _fa, _latin in _FA_NAMES.items():
    _CROSS_SCRIPT[_fa] = tuple(_latin.split())
    for _l in _latin.split():
        _CROSS_SCRIPT[_l] = (_fa,)


def generated(name: str, salt: str) -> str:
    """``P-`` and six hex digits of the salted hash of the normalised name: stable for a project."""
    digest = hashlib.sha256(f"{salt}\0{normalise(name)}".encode()).hexdigest()
    return GENERATED_PREFIX + digest[:6].upper()


def looks_like_name(value: str) -> bool:
    """One to four words of letters (a person's name), as opposed to an id such as P01 or C-17."""
    words = normalise(value).split()
    return 1 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words) and not _GENERIC.match(" ".join(words))


@dataclass(frozen=True)
class Person:
    """One person's pseudonym and every way the project writes their name; ``recording`` and
    ``label`` say which speaker label in which recording stands for them (empty for a photo)."""

    pseudonym: str
    names: tuple[str, ...]
    recording: str = ""
    label: str = ""


@dataclass(frozen=True)
class Pseudonyms:
    """The project's mapping from names to pseudonyms; ``enabled`` False maps everything to itself."""

    enabled: bool = True
    salt: str = ""
    interviewers: frozenset[str] = frozenset()            # normalised declared interviewer names
    people: tuple[Person, ...] = ()
    _aliases: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def with_people(self, people: Iterable[Person]) -> Pseudonyms:
        """This mapping with more people (a recording's speakers); those already known are not repeated."""
        return build([*self.people, *people], interviewers=self.interviewers, salt=self.salt, enabled=self.enabled)


def build(people: Iterable[Person] = (), *, interviewers: Iterable[str] = (), salt: str = "",
          enabled: bool = True) -> Pseudonyms:
    """The mapping for these people: every alias (full name, first name, other script) to its pseudonyms."""
    unique = tuple(dict.fromkeys(people))
    aliases: dict[str, set[str]] = {}
    for person in unique:
        for alias in (a for name in person.names for a in _aliases_of(name)):
            aliases.setdefault(alias, set()).add(person.pseudonym)
    frozen = {a: frozenset(p) for a, p in aliases.items()}
    return Pseudonyms(enabled, salt, frozenset(normalise(i) for i in interviewers), unique, frozen,
                      _compile(frozen) if enabled else None)


def _aliases_of(name: str) -> list[str]:
    """The full name (with and without a title), the first name, the other script's spelling of it,
    and the surname after a title ("Ms Berg", "خانم کریمی"): a surname alone is too often a word."""
    full = normalise(name)
    if not full or _GENERIC.match(full) or not looks_like_name(full):
        return []
    words = full.split()
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    out = [full, " ".join(words), words[0]]
    out += [other for w in (words[0],) for other in _CROSS_SCRIPT.get(w.rstrip("."), ())]
    out += [f"{title} {words[-1]}" for title in _SURNAME_TITLES if len(words) > 1]
    return [a for a in dict.fromkeys(out) if len(a) > 1 and a not in _TITLES]


def _compile(aliases: dict[str, frozenset[str]]) -> re.Pattern[str] | None:
    """One pattern for every alias, longest first, whole words only."""
    if not aliases:
        return None
    body = "|".join(_alias_pattern(a) for a in sorted(aliases, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:{body})(?![\w\-]|[{_MARKS}])", re.IGNORECASE)


def _alias_pattern(alias: str) -> str:
    """A normalised alias as a pattern that matches every way of writing it."""
    out = []
    for ch in alias:
        if ch == " ":
            out.append(r"[\s\u200c\u00a0]+")
        elif ch == "ی":
            out.append(f"[{_YEH}][{_MARKS}]*")
        elif ch == "ک":
            out.append(f"[{_KAF}][{_MARKS}]*")
        elif "\u0600" <= ch <= "\u06ff":
            out.append(f"{re.escape(ch)}[{_MARKS}]*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


# ---- building the people of a project ------------------------------------------------------------

def participant_id(value: str | None, salt: str, known: Pseudonyms | None = None) -> str | None:
    """A participant as published: an id as given; a name as the pseudonym of that name."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if not looks_like_name(value) or _GENERATED.match(value):
        return value
    if known is not None:
        hit = known._aliases.get(normalise(value), frozenset())
        if len(hit) == 1:
            return next(iter(hit))
    return generated(value, salt)


def participant(ps: Pseudonyms, value: str | None) -> str | None:
    """``participant_id`` under this mapping (as given when pseudonyms are off)."""
    return participant_id(value, ps.salt, ps) if ps.enabled else value


def recording_people(recording: str, participant: str | None, customers: Iterable[str],
                     others: Iterable[str] = (), *, salt: str) -> list[Person]:
    """A recording's speakers as people: customer labels in the order they first speak, then any
    speaker taken for the interviewer without being declared one (``others``)."""
    labels = [c for c in dict.fromkeys(customers) if c]
    pid = participant_id(participant, salt)
    named = [participant] if participant and pid != participant else []
    people = []
    for i, label in enumerate(labels, start=1):
        if pid is None:
            pseudonym = generated(label, salt)
        else:
            pseudonym = pid if len(labels) == 1 else f"{pid}-{i}"
        people.append(Person(pseudonym, (label, *(named if len(labels) == 1 else [])), recording, label))
    if named and len(labels) != 1:                       # the participant's name, whoever of them it is
        people.append(Person(pid or "", tuple(named), recording))
    people += [Person(INTERVIEWER_LABEL, (o,), recording, o) for o in dict.fromkeys(others) if o]
    return people


def photo_people(participants: Iterable[str], salt: str, known: Pseudonyms | None = None) -> list[Person]:
    """Photo participants written as names, as people: a name a recording already knows keeps that
    recording's pseudonym; any other gets its generated one."""
    people = []
    for value in dict.fromkeys(participants):
        pid = participant_id(value, salt, known)
        if pid and pid != value.strip():
            people.append(Person(pid, (value,)))
    return people


# ---- applying it ---------------------------------------------------------------------------------

def speaker(ps: Pseudonyms, label: str, recording: str = "") -> str:
    """The published speaker label: a declared interviewer as written, anyone else by pseudonym."""
    if not ps.enabled or not label or normalise(label) in ps.interviewers:
        return label
    key = normalise(label)
    for person in ps.people:
        if person.recording == recording and person.label and normalise(person.label) == key:
            return person.pseudonym
    hit = ps._aliases.get(key, frozenset())
    return next(iter(hit)) if len(hit) == 1 else generated(label, ps.salt)


def text(ps: Pseudonyms, value: str, prefer: Iterable[str] = ()) -> str:
    """Free text with every known name replaced by its pseudonym.

    ``prefer`` lists the pseudonyms of the people in context (a recording's speakers, a photo's
    participant): a first name two people share goes to the one in context, else to ``[name]``.
    """
    if not ps.enabled or ps._pattern is None or not value:
        return value
    context = {p for p in prefer if p}

    def swap(m: re.Match[str]) -> str:
        alias = normalise(m.group(0))
        if alias in COMMON_WORD_NAMES and not _reads_as_name(value, m.start(), m.end()):
            return m.group(0)
        found = ps._aliases.get(alias, frozenset())
        chosen = (found & context) or found
        return next(iter(chosen)) if len(chosen) == 1 else AMBIGUOUS

    return ps._pattern.sub(swap, value)


def for_recording(ps: Pseudonyms, recording: str, participant: str | None, customers: Iterable[str],
                  others: Iterable[str] = ()) -> Pseudonyms:
    """The mapping with this recording's speakers in it (the project's mapping may hold them already)."""
    return ps.with_people(recording_people(recording, participant, customers, others, salt=ps.salt))


def scope(ps: Pseudonyms, recording: str) -> list[str]:
    """The pseudonyms of a recording's speakers (the people its lines most likely name)."""
    return [p.pseudonym for p in ps.people if p.recording == recording]


def _reads_as_name(value: str, start: int, end: int) -> bool:
    """A common-word name alone is a name when capitalised mid-sentence (Latin) or beside an address word."""
    before = re.findall(r"[\w\u200c]+", value[:start][-30:])
    after = re.findall(r"[\w\u200c]+", value[end:][:30])
    if (before and normalise(before[-1]) in _ADDRESS_BEFORE) or (after and normalise(after[0]) in _ADDRESS_AFTER):
        return True
    word = value[start:end]
    if not word[:1].isupper():
        return False                                     # lower case, or a script without capitals
    opening = value[:start].rstrip(" \t\"'“‘«(")
    return bool(opening) and not opening.endswith((".", "!", "?", "…", ":", "\n"))


# ---- the project's mapping ---------------------------------------------------------------------

def for_project(project: Project) -> Pseudonyms:
    """Every name the project knows, mapped: each consented recording's speakers (a recording
    without consent is never opened) and each participant of the photo sidecar written as a name.
    The salt is the project's name, so pseudonyms stay the same from run to run."""
    from kit.evidence.photos import sidecar_participants
    from kit.evidence.transcripts import speakers_by_role
    salt, privacy = project.name, project.privacy
    people: list[Person] = []
    for rec in project.recordings:
        customers: list[str] = []
        others: list[str] = []
        if rec.transcript and (rec.consent or not privacy.require_consent):
            customers, others = speakers_by_role(project.path(rec.transcript), project.interviewers)
        people += recording_people(rec.id, rec.participant, customers, others, salt=salt)
    if project.photos is not None:
        known = build(people, interviewers=project.interviewers, salt=salt)
        people += photo_people(sidecar_participants(project.root, project.photos.folder), salt, known)
    return build(people, interviewers=project.interviewers, salt=salt, enabled=privacy.pseudonymize)


def utterances(names: Pseudonyms, utts: list[Utterance], recording: str) -> list[Utterance]:
    """Each transcript line's speaker by pseudonym, and the names it speaks replaced."""
    context = scope(names, recording)
    return [replace(u, speaker=speaker(names, u.speaker, recording), text=text(names, u.text, context)) for u in utts]
