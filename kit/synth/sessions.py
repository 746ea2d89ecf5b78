"""Session transcripts: five hand-written ones shipped with the package, the rest assembled.

Sessions after the fifth are built from topic blocks (a few exchanges about one moment of the
journey, in English or Persian) and written in the caption styles real tools export: Zoom-style
VTT (``Name: text``), Teams-style VTT (``<v Name>``) and SRT. Each block also knows its stage,
channel and valence, so the markers written for a session agree with what is said in it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from importlib import resources

import numpy as np


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    speaker: str
    text: str


@dataclass
class Session:
    """One recorded session: its transcript file and what its media and markers should show."""

    id: str
    participant: str
    scene: str                   # what the video frames draw: phone, payment, room, call
    transcript_name: str         # file name under recordings/
    transcript: str              # file contents
    cues: list[Cue]
    markers: str | None = None   # CSV text, or None
    audio_only: bool = False
    consent: bool = True
    title: str = ""
    speakers: list[str] = field(default_factory=list)

    @property
    def media_name(self) -> str:
        return f"{self.id}.m4a" if self.audio_only else f"{self.id}.mp4"

    @property
    def duration(self) -> float:
        """Media length: the last cue plus a short tail, as recordings run on after the last word."""
        return round(max(c.end for c in self.cues) + 1.5, 1)


HAND_WRITTEN = [
    # id, transcript file, participant, scene, markers?, audio only, consent, title
    ("s01", "s01.vtt", "P01", "phone", True, False, True, "Usability session: a morning of notifications"),
    ("s02", "s02.vtt", "P02", "payment", True, False, True, "Usability session: renewing in the app"),
    ("s03", "s03.srt", "P03", "call", False, True, True, "Phone interview (Persian): the fridge door"),
    ("s04", "s04.vtt", "P04", "room", True, False, True, "Focus group: living with NourishPath"),
    ("s05", "s05.vtt", "P05", "call", False, False, False, "Exit interview after cancellation"),
]

TIME = re.compile(r"(\d+):(\d\d):(\d\d)[.,](\d{3})\s*-->\s*(\d+):(\d\d):(\d\d)[.,](\d{3})")
VOICE = re.compile(r"^<v ([^>]+)>(.*?)(?:</v>)?$", re.S)


def seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_cues(text: str) -> list[Cue]:
    """Read cues from the three caption styles written here (enough to time the media)."""
    cues = []
    for block in re.split(r"\r?\n\r?\n", text):
        lines = block.strip().splitlines()
        at = next((i for i, line in enumerate(lines) if TIME.search(line)), None)
        if at is None:
            continue
        g = TIME.search(lines[at]).groups()
        body = " ".join(lines[at + 1:]).strip()
        voice = VOICE.match(body)
        speaker, said = voice.groups() if voice else body.split(": ", 1) if ": " in body else ("", body)
        cues.append(Cue(seconds(*g[:4]), seconds(*g[4:]), speaker.strip(), said.strip()))
    return cues


def hand_written() -> list[Session]:
    """The five sessions whose transcripts were written by hand (kit/assets/transcripts/)."""
    folder = resources.files("kit") / "assets" / "transcripts"
    out = []
    for sid, name, participant, scene, has_markers, audio_only, consent, title in HAND_WRITTEN:
        text = (folder / name).read_bytes().decode("utf-8")
        markers = (folder / f"{sid}_markers.csv").read_text(encoding="utf-8") if has_markers else None
        cues = parse_cues(text)
        out.append(Session(sid, participant, scene, name, text, cues, markers, audio_only, consent, title,
                           list(dict.fromkeys(c.speaker for c in cues))))
    return out


# --- generated sessions ------------------------------------------------------------------------

# (stage, channel, valence, note, [(role, line), ...]); role R = interviewer, C = customer.
Block = tuple[str, str, float, str, list[tuple[str, str]]]

BLOCKS: dict[str, list[Block]] = {
    "en": [
        ("coaching", "app", -0.8, "Counts the day's notifications", [
            ("R", "Could you show me your phone as it is right now?"),
            ("C", "Sure. That's {n} notifications since this morning."),
            ("R", "How many of those are from NourishPath?"),
            ("C", "Nearly all of them. Water, steps, the meal plan, a tip of the day."),
            ("R", "What do you do with them?"),
            ("C", "I clear them without reading. Every day."),
            ("C", "Sometimes I clear the one I actually needed."),
        ]),
        ("onboarding", "email", -0.7, "First week buried in guides", [
            ("R", "Tell me about your first week."),
            ("C", "Honestly, it was a lot. A welcome e-mail, then a guide, then another guide."),
            ("C", "Each one said start here. I printed them all."),
            ("R", "Where are those printouts now?"),
            ("C", "On the kitchen table, under the newer ones."),
            ("R", "Did you read them?"),
            ("C", "The first few pages. Then the next e-mail came."),
        ]),
        ("purchase", "app", -0.9, "Payment screen fails", [
            ("R", "Let's try paying for the plan in the app."),
            ("C", "Okay. Card details, pay... it's loading."),
            ("C", "It says something went wrong. Again."),
            ("R", "Has that happened before?"),
            ("C", "Twice last month. The second time it charged me anyway."),
            ("C", "You can reach me on {phone} if you want the bank statement."),
            ("R", "Thanks, we'll note that."),
        ]),
        ("support", "phone", -0.7, "Long wait on the support line", [
            ("R", "Have you ever called support?"),
            ("C", "Once. I waited {n} minutes on hold."),
            ("R", "And when someone answered?"),
            ("C", "They asked for my e-mail, {email}, and then transferred me."),
            ("C", "The second person said a coach would call me back."),
            ("R", "Did they?"),
            ("C", "Two days later."),
        ]),
        ("coaching", "phone", 0.8, "Coach call helps", [
            ("R", "What has worked well for you?"),
            ("C", "My coach. She calls on Mondays and we pick one goal for the week."),
            ("C", "Last week it was just breakfast. That I can do."),
            ("R", "How does that compare to the app?"),
            ("C", "The app wants everything at once. The coach wants one thing."),
            ("R", "Which one do you listen to?"),
            ("C", "The coach, always."),
        ]),
        ("coaching", "email", 0.5, "Likes the recipes", [
            ("R", "What about the food itself?"),
            ("C", "The recipes are good. The lentil soup is a favourite at home."),
            ("R", "Do you find them easily?"),
            ("C", "Not really. They're somewhere between the newsletter and the reminders."),
            ("C", "I search my inbox for the word soup."),
            ("R", "That's a clever workaround."),
        ]),
    ],
    "fa": [
        ("coaching", "app", -0.8, "نوتیفیکیشن‌های امروز را می‌شمارد", [
            ("R", "می‌شه گوشی‌تون رو همین‌طور که هست نشونم بدید؟"),
            ("C", "بله. از صبح تا حالا {n} تا نوتیفیکیشن اومده."),
            ("R", "چندتاش از نوریش‌پثه؟"),
            ("C", "تقریباً همه‌ش. آب، قدم، برنامه‌ی غذایی، نکته‌ی روز."),
            ("R", "باهاشون چی کار می‌کنید؟"),
            ("C", "بدون اینکه بخونم پاکشون می‌کنم. هر روز."),
            ("C", "بعضی وقت‌ها همونی که لازم داشتم هم پاک می‌شه."),
        ]),
        ("onboarding", "email", -0.7, "هفته‌ی اول زیر راهنماها", [
            ("R", "از هفته‌ی اول‌تون بگید."),
            ("C", "راستش خیلی زیاد بود. ایمیل خوش‌آمد، بعد یه راهنما، بعد یه راهنمای دیگه."),
            ("C", "همه‌شون می‌گفتن از اینجا شروع کن. همه رو چاپ کردم."),
            ("R", "اون کاغذها الان کجان؟"),
            ("C", "روی میز آشپزخونه، زیر کاغذهای جدیدتر."),
            ("R", "خوندیدشون؟"),
            ("C", "چند صفحه‌ی اول رو. بعد ایمیل بعدی اومد."),
        ]),
        ("purchase", "app", -0.9, "صفحه‌ی پرداخت خطا می‌دهد", [
            ("R", "بیاید پرداخت اشتراک رو توی اپ امتحان کنیم."),
            ("C", "باشه. مشخصات کارت، پرداخت... داره لود می‌شه."),
            ("C", "نوشته مشکلی پیش آمد. دوباره."),
            ("R", "قبلاً هم این‌طوری شده بود؟"),
            ("C", "ماه پیش دو بار. بار دوم پولش هم کم شد."),
            ("C", "اگه صورت‌حساب بانک رو خواستید با {phone} تماس بگیرید."),
            ("R", "ممنون، یادداشت می‌کنم."),
        ]),
        ("support", "phone", -0.7, "انتظار طولانی پشت خط پشتیبانی", [
            ("R", "تا حالا به پشتیبانی زنگ زدید؟"),
            ("C", "یه بار. {n} دقیقه پشت خط موندم."),
            ("R", "وقتی جواب دادن چی شد؟"),
            ("C", "ایمیلم رو خواستن، {email}، بعد وصلم کردن به یه نفر دیگه."),
            ("C", "نفر دوم گفت مربی باهاتون تماس می‌گیره."),
            ("R", "تماس گرفت؟"),
            ("C", "دو روز بعد."),
        ]),
        ("coaching", "phone", 0.8, "تماس با مربی کمک می‌کند", [
            ("R", "چه چیزی براتون خوب جواب داده؟"),
            ("C", "مربی‌ام. دوشنبه‌ها زنگ می‌زنه و برای هفته یه هدف انتخاب می‌کنیم."),
            ("C", "هفته‌ی پیش فقط صبحانه بود. این رو می‌تونم."),
            ("R", "با اپ چه فرقی داره؟"),
            ("C", "اپ همه‌چیز رو با هم می‌خواد. مربی فقط یه چیز."),
            ("R", "به حرف کدوم گوش می‌دید؟"),
            ("C", "همیشه مربی."),
        ]),
        ("coaching", "email", 0.5, "دستور پخت‌ها را دوست دارد", [
            ("R", "خود غذاها چطورن؟"),
            ("C", "دستور پخت‌ها خوبن. سوپ عدس توی خونه‌ی ما طرفدار داره."),
            ("R", "راحت پیداشون می‌کنید؟"),
            ("C", "نه زیاد. یه جایی بین خبرنامه و یادآوری‌ها گم می‌شن."),
            ("C", "توی ایمیلم کلمه‌ی سوپ رو جست‌وجو می‌کنم."),
            ("R", "راه‌حل جالبیه."),
        ]),
    ],
}
OPENING = {
    "en": [("R", "Thanks for joining today, {name}. Is it okay if we record this session?"),
           ("C", "Yes, that's fine."),
           ("R", "Great. There are no right or wrong answers, just tell me what you think.")],
    "fa": [("R", "{name} عزیز، ممنون که وقت گذاشتید. اشکالی نداره این جلسه ضبط بشه؟"),
           ("C", "نه، اشکالی نداره."),
           ("R", "عالیه. جواب درست و غلط نداریم، فقط نظرتون رو بگید.")],
}
CLOSING = {
    "en": [("R", "That's all from me. Thank you, {name}."), ("C", "Thank you. Good luck with it.")],
    "fa": [("R", "سؤال‌های من تموم شد. خیلی ممنون {name}."), ("C", "خواهش می‌کنم. موفق باشید.")],
}
# Speaker labels stay in Latin letters (as exported); Persian lines address people in Persian.
NAMES = {"en": ["Emma", "Lucas", "Olivia", "Noah", "Sophie", "James", "Hannah", "Leo"],
         "fa": ["Sima", "Arash", "Parisa", "Kaveh", "Shirin", "Babak", "Mahsa", "Omid"]}
SPOKEN = {"Sima": "سیما", "Arash": "آرش", "Parisa": "پریسا", "Kaveh": "کاوه", "Shirin": "شیرین",
          "Babak": "بابک", "Mahsa": "مهسا", "Omid": "امید"}
STYLES = ["zoom", "teams", "srt"]


def stamp(t: float, sep: str = ".") -> str:
    h, rest = divmod(round(t * 1000), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def clock(t: float) -> str:
    """hh:mm:ss, as markers written by hand often use."""
    return stamp(t)[:8]


def render(cues: list[Cue], style: str, rng: np.random.Generator) -> str:
    """Caption file text in one of the exporters' styles."""
    if style == "srt":
        return "".join(f"{i}\n{stamp(c.start, ',')} --> {stamp(c.end, ',')}\n{c.speaker}: {c.text}\n\n"
                       for i, c in enumerate(cues, 1))
    if style == "teams":
        base = uuid.UUID(bytes=rng.bytes(16))
        return "WEBVTT\n\n" + "".join(f"{base}/{i + 7}-0\n{stamp(c.start)} --> {stamp(c.end)}\n"
                                      f"<v {c.speaker}>{c.text}</v>\n\n" for i, c in enumerate(cues))
    return "WEBVTT\n\n" + "".join(f"{i}\n{stamp(c.start)} --> {stamp(c.end)}\n{c.speaker}: {c.text}\n\n"
                                  for i, c in enumerate(cues, 1))


def generated(index: int, rng: np.random.Generator) -> Session:
    """Session number ``index`` (6, 7, ...): every third in Persian, every other with markers."""
    sid = f"s{index:02d}"
    lang = "fa" if index % 3 == 0 else "en"
    name = NAMES[lang][int(rng.integers(len(NAMES[lang])))]
    interviewer = "Researcher" if index % 2 else "Interviewer"
    blocks = [BLOCKS[lang][int(i)] for i in rng.permutation(len(BLOCKS[lang]))[: int(rng.integers(5, 7))]]
    fill = {"name": SPOKEN.get(name, name), "n": str(int(rng.choice([12, 18, 25, 31, 40]))),
            "phone": f"0912 {int(rng.integers(100, 999))} {int(rng.integers(1000, 9999))}",
            "email": f"{name.lower()}.{int(rng.integers(10, 99))}@gmail.com"}
    cues: list[Cue] = []
    marker_rows = ["start,end,stage,channel,valence,note"]
    t = 1.0 + float(rng.random())
    for part in [(None, OPENING[lang])] + [(b, b[4]) for b in blocks] + [(None, CLOSING[lang])]:
        block, lines = part
        first = t
        for role, line in lines:
            text = line.format(**fill)
            length = 0.8 + 0.38 * len(text.split()) + 0.4 * float(rng.random())
            cues.append(Cue(round(t, 3), round(t + length, 3), interviewer if role == "R" else name, text))
            t += length + 0.3 + 0.8 * float(rng.random())
        if block:
            stage, channel, valence, note, _ = block
            start = f"{first:.1f}" if len(marker_rows) % 2 else clock(first)
            note_csv = '"' + note.replace('"', '""') + '"' if "," in note else note
            marker_rows.append(f"{start},{clock(cues[-1].end + 1)},{stage},{channel},{valence},{note_csv}")
    style = STYLES[index % 3]
    ext = "srt" if style == "srt" else "vtt"
    return Session(sid, f"P{index:02d}", ["phone", "payment", "call", "room"][index % 4], f"{sid}.{ext}",
                   render(cues, style, rng), cues, "\n".join(marker_rows) + "\n" if index % 2 else None,
                   title=f"Interview with {name}" if lang == "en" else f"Persian interview with {name}",
                   speakers=[interviewer, name])


def all_sessions(count: int, rng: np.random.Generator) -> list[Session]:
    """The first ``count`` sessions: hand-written ones first, then generated ones."""
    sessions = hand_written()[:count]
    return sessions + [generated(i, rng) for i in range(len(sessions) + 1, count + 1)]
