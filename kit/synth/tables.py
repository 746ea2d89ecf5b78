"""Survey responses, the contact log and social posts, generated column by column with numpy.

Every customer is drawn once with a weekly rate of outbound messages; about a third of them are
in the "overload" group (15-40 a week, the rest 2-6). That single number drives the story through
all three tables: it lowers the ratings, steers the open answers towards complaints about the
flood of messages, and sets how many rows the customer has in the contact log. No per-row Python
loops: a million responses and ~25 million contact rows are a handful of array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kit.synth import texts

STAGES = ["awareness", "consideration", "purchase", "onboarding", "coaching", "support", "renewal"]
CHANNELS = ["email", "phone", "in_store", "website", "app", "social"]
SEGMENTS = ["new", "returning", "premium", "corporate"]
SEGMENT_P = [0.35, 0.35, 0.18, 0.12]
# New customers get the onboarding blast and premium ones the "extra coaching" content.
OVERLOAD_P = np.array([0.45, 0.25, 0.40, 0.15])
SEGMENT_NPS = np.array([0.0, 0.3, -0.2, 0.4])

WINDOW_DAYS = 14  # the contact log covers the two weeks before each customer's survey answer
SURVEY_FROM = np.datetime64("2026-07-15T00:00:00", "s")
SURVEY_TO = np.datetime64("2026-10-01T00:00:00", "s")
Q3_FROM = np.datetime64("2026-07-01T00:00:00", "s")

RESPONSE_COLUMNS = ["ResponseId", "ExternalReference", "StartDate", "EndDate", "Duration (in seconds)",
                    "UserLanguage", "Q1_NPS", "Q2_CSAT", "Q3_CES", "Stage", "Channel", "Segment",
                    "Consent", "Q4_LikedMost", "Q5_Unhappy"]
CONTACT_COLUMNS = ["customer_id", "at", "channel", "direction", "kind", "cost", "outcome"]
SOCIAL_COLUMNS = ["at", "platform", "author", "text", "likes", "shares"]


@dataclass
class Customers:
    """One row per survey respondent; the hidden truth the tables are drawn from."""

    ids: np.ndarray          # "NP-0010001" strings, the ExternalReference / customer_id space
    segment: np.ndarray      # index into SEGMENTS
    overloaded: np.ndarray   # bool
    weekly_rate: np.ndarray  # outbound messages per week
    submitted: np.ndarray    # datetime64[s] of the survey answer
    persian: np.ndarray      # bool: answers in Persian


def iso(t: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings ("2026-08-03T14:22:09Z") without a Python loop."""
    return np.char.add(np.datetime_as_string(t.astype("datetime64[s]"), unit="s"), "Z")


def draw_customers(rng: np.random.Generator, n: int) -> Customers:
    """Draw who the respondents are; everything else is a consequence of these columns."""
    width = max(7, len(str(10_000 + n)))
    ids = np.char.add("NP-", np.char.zfill((10_001 + np.arange(n)).astype(str), width))
    segment = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_P)
    overloaded = rng.random(n) < OVERLOAD_P[segment]
    rate = np.where(overloaded, rng.uniform(15, 40, n), rng.uniform(2, 6, n))
    span = int((SURVEY_TO - SURVEY_FROM).astype(int))
    submitted = SURVEY_FROM + rng.integers(0, span, n).astype("timedelta64[s]")
    return Customers(ids, segment, overloaded, rate, submitted, rng.random(n) < 0.3)


# --- responses ---------------------------------------------------------------------------------

def choose_rows(rng: np.random.Generator, groups: np.ndarray, probs: dict[bool, list[float]]) -> np.ndarray:
    """Pick a category per row from one of two distributions, chosen by a boolean group."""
    out = np.empty(len(groups), dtype=np.int64)
    for flag, p in probs.items():
        mask = groups == flag
        out[mask] = rng.choice(len(p), size=int(mask.sum()), p=p)
    return out


def ratings(rng: np.random.Generator, c: Customers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NPS 0-10, CSAT 1-5 and CES 1-7 (7 = very easy), all falling with messages per week."""
    n = len(c.ids)
    latent = 8.7 + SEGMENT_NPS[c.segment] - 0.13 * (c.weekly_rate - 4) + rng.normal(0, 1.4, n)
    nps = np.clip(np.rint(latent), 0, 10).astype(np.int64)
    csat = np.clip(np.rint(0.6 + 0.42 * latent + rng.normal(0, 0.5, n)), 1, 5).astype(np.int64)
    ces = np.clip(np.rint(0.5 + 0.62 * latent + rng.normal(0, 0.8, n)), 1, 7).astype(np.int64)
    return nps, csat, ces


STAGE_P = {True: [0.02, 0.03, 0.08, 0.30, 0.40, 0.12, 0.05],
           False: [0.05, 0.08, 0.15, 0.20, 0.30, 0.12, 0.10]}
CHANNEL_P = {True: [0.40, 0.10, 0.02, 0.10, 0.35, 0.03],
             False: [0.15, 0.15, 0.10, 0.20, 0.35, 0.05]}
DISLIKED_THEMES = list(texts.DISLIKED)
LIKED_THEMES = list(texts.LIKED)
DISLIKED_P = {True: [0.55, 0.20, 0.06, 0.05, 0.06, 0.03, 0.05],
              False: [0.06, 0.12, 0.16, 0.14, 0.16, 0.14, 0.22]}
LIKED_P = {True: [0.30, 0.20, 0.12, 0.05, 0.03, 0.30],
           False: [0.30, 0.25, 0.20, 0.12, 0.06, 0.07]}


class Pool:
    """All templates of one family flattened into one array, addressable by (theme, language)."""

    def __init__(self, family: dict[str, dict[str, list[str]]]) -> None:
        self.themes = list(family)
        flat: list[str] = []
        self.offset = np.zeros((len(self.themes), 2), dtype=np.int64)
        self.length = np.zeros((len(self.themes), 2), dtype=np.int64)
        for t, theme in enumerate(self.themes):
            for li, lang in enumerate(("en", "fa")):
                items = texts.expand(family[theme][lang], lang)
                self.offset[t, li], self.length[t, li] = len(flat), len(items)
                flat.extend(items)
        self.flat = np.array(flat, dtype=object)

    def pick(self, rng: np.random.Generator, theme: np.ndarray, persian: np.ndarray) -> np.ndarray:
        li = persian.astype(np.int64)
        idx = self.offset[theme, li] + (rng.random(len(theme)) * self.length[theme, li]).astype(np.int64)
        return self.flat[idx]


def pick_phrase(rng: np.random.Generator, table: dict[str, list[str]], persian: np.ndarray,
                share: float) -> np.ndarray:
    """A prefix or suffix for ``share`` of the rows (empty string for the rest)."""
    out = np.full(len(persian), "", dtype=object)
    use = rng.random(len(persian)) < share
    for lang, flag in (("en", False), ("fa", True)):
        mask = use & (persian == flag)
        out[mask] = np.array(table[lang], dtype=object)[rng.integers(0, len(table[lang]), int(mask.sum()))]
    return out


def pii_pool(rng: np.random.Generator, size: int = 240) -> dict[str, np.ndarray]:
    """Sentences carrying e-mails, phone numbers, cards and national ids, for redaction to find."""
    names = ["sara.k", "m.rezaei", "john.doe84", "neda_ahmadi", "a.karimi", "lisa.m", "farhad.n", "kate.b"]
    hosts = ["gmail.com", "yahoo.com", "outlook.com", "chmail.ir", "company.co.uk"]
    en_t = ["Call me back on {phone}.", "My email is {email}, nobody replied.",
            "You charged card {card} twice.", "Reach me at {email} or {phone}.",
            "Text me on {phone} instead of sending more emails."]
    fa_t = ["شماره‌ام {phone} هست، لطفاً تماس بگیرید.", "ایمیلم {email} است، کسی جواب نداد.",
            "از کارت {card} دو بار پول کم شد.", "کد ملی‌ام {nid} است، لطفاً پرونده‌ام رو چک کنید.",
            "با {phone} تماس بگیرید نه ایمیل."]
    out: dict[str, list[str]] = {"en": [], "fa": []}
    for i in range(size):
        lang = "fa" if i % 2 else "en"
        phone = _phone(rng, persian_digits=lang == "fa" and i % 6 == 1)
        email = f"{names[rng.integers(len(names))]}@{hosts[rng.integers(len(hosts))]}"
        tpl = (fa_t if lang == "fa" else en_t)[rng.integers(5)]
        out[lang].append(tpl.format(phone=phone, email=email, card=_card(rng), nid=_national_id(rng)))
    return {k: np.array(v, dtype=object) for k, v in out.items()}


def _phone(rng: np.random.Generator, *, persian_digits: bool) -> str:
    d = "".join(str(x) for x in rng.integers(0, 10, 7))
    op = ["912", "935", "919", "901"][rng.integers(4)]
    styles = [f"+98 {op} {d[:3]} {d[3:]}", f"0{op} {d[:3]} {d[3:]}", f"0{op}{d}", f"0{op}-{d[:3]}-{d[3:]}",
              f"+1 (555) 01{d[:1]}-{d[3:]}"]
    s = styles[rng.integers(len(styles))]
    return s.translate(texts.FA_DIGITS) if persian_digits and not s.startswith("+1") else s


def _card(rng: np.random.Generator) -> str:
    """A 16-digit number that passes the Luhn check, grouped by four like on the card."""
    body = [4] + [int(x) for x in rng.integers(0, 10, 14)]
    total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(body)))
    digits = "".join(map(str, body + [(10 - total % 10) % 10]))
    return " ".join(digits[i:i + 4] for i in range(0, 16, 4))


def _national_id(rng: np.random.Generator) -> str:
    """A 10-digit Iranian national code with a valid check digit."""
    ds = [int(x) for x in rng.integers(0, 10, 9)]
    s = sum(d * (10 - i) for i, d in enumerate(ds)) % 11
    return "".join(map(str, ds + [s if s < 2 else 11 - s]))


def append_pii(rng: np.random.Generator, text: np.ndarray, persian: np.ndarray, share: float) -> np.ndarray:
    """Append a PII sentence in the row's language to ``share`` of ``text`` (in place); returns the mask."""
    pii = pii_pool(rng)
    carry = rng.random(len(text)) < share
    for lang, flag in (("en", False), ("fa", True)):
        mask = carry & (persian == flag)
        text[mask] = text[mask] + " " + pii[lang][rng.integers(0, len(pii[lang]), int(mask.sum()))]
    return carry


def open_answers(rng: np.random.Generator, c: Customers, nps: np.ndarray,
                 stage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Liked-most and disliked-most answers; some empty, ~2% carrying personal data."""
    n = len(c.ids)
    dis_theme = choose_rows(rng, c.overloaded, DISLIKED_P)
    pay = np.isin(stage, [STAGES.index("purchase"), STAGES.index("renewal")]) & (rng.random(n) < 0.4)
    dis_theme[pay] = DISLIKED_THEMES.index("app_crash_payment")
    wait = (stage == STAGES.index("support")) & (rng.random(n) < 0.4)
    dis_theme[wait] = DISLIKED_THEMES.index("phone_wait")
    liked_theme = choose_rows(rng, c.overloaded, LIKED_P)

    disliked = (pick_phrase(rng, texts.PREFIX, c.persian, 0.15) + Pool(texts.DISLIKED).pick(rng, dis_theme, c.persian)
                + pick_phrase(rng, texts.SUFFIX_NEG, c.persian, 0.2))
    liked = (pick_phrase(rng, texts.PREFIX, c.persian, 0.1) + Pool(texts.LIKED).pick(rng, liked_theme, c.persian)
             + pick_phrase(rng, texts.SUFFIX_POS, c.persian, 0.15))

    # A few answers run over two lines, as typed into a survey text box.
    second = Pool(texts.DISLIKED).pick(rng, dis_theme, c.persian)
    multi = (rng.random(n) < 0.005) & (dis_theme != DISLIKED_THEMES.index("nothing"))
    disliked[multi] = disliked[multi] + "\n" + second[multi]

    carry = append_pii(rng, disliked, c.persian, 0.02)

    disliked[(rng.random(n) < np.where(nps >= 9, 0.25, 0.07)) & ~carry] = ""
    liked[rng.random(n) < np.where(nps <= 4, 0.25, 0.10)] = ""
    return liked, disliked


def plant_bad_rows(rng: np.random.Generator, df: pd.DataFrame) -> dict[str, list[int]]:
    """Break a few rows the way real exports break, so the readers' reject paths are exercised.

    Returns the 0-based row numbers per kind of fault (for the tests and the README).
    """
    n = len(df)
    if n < 20:
        return {}
    k = max(2, round(n * 0.0015))
    rows = rng.permutation(n)[: 4 * k]
    nps11, ten, csat0, dup = (np.sort(rows[i * k:(i + 1) * k]) for i in range(4))
    df.loc[nps11, "Q1_NPS"] = "11"
    df.loc[ten, "Q1_NPS"] = "ten"
    df.loc[csat0, "Q2_CSAT"] = "0"
    # A double submission: the same response id arrives again a few minutes later.
    original = np.array([r - 1 if r > 0 else r + 1 for r in dup])
    df.loc[dup, "ResponseId"] = df.loc[original, "ResponseId"].to_numpy()
    return {"nps_11": nps11.tolist(), "nps_ten": ten.tolist(), "csat_0": csat0.tolist(),
            "duplicate_id": dup.tolist()}


def response_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Qualtrics-looking ids (R_ + 15 letters and digits)."""
    alphabet = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
    body = alphabet[rng.integers(0, 62, (n, 15))].copy().view("S15").ravel().astype(str)
    return np.char.add("R_", body)


def blank(values: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    """Ratings as text with ``share`` of them left empty (a skipped question is valid)."""
    out = values.astype(str).astype(object)
    out[rng.random(len(values)) < share] = ""
    return out


def responses_frame(rng: np.random.Generator, c: Customers) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The survey export as the vendor would write it, bad rows included."""
    n = len(c.ids)
    nps, csat, ces = ratings(rng, c)
    stage = choose_rows(rng, c.overloaded, STAGE_P)
    channel = choose_rows(rng, c.overloaded, CHANNEL_P)
    liked, disliked = open_answers(rng, c, nps, stage)
    duration = rng.integers(45, 900, n)
    df = pd.DataFrame({
        "ResponseId": response_ids(rng, n),
        "ExternalReference": c.ids,
        "StartDate": iso(c.submitted - duration.astype("timedelta64[s]")),
        "EndDate": iso(c.submitted),
        "Duration (in seconds)": duration,
        "UserLanguage": np.where(c.persian, "FA", "EN"),
        "Q1_NPS": blank(nps, rng, 0.015),
        "Q2_CSAT": blank(csat, rng, 0.03),
        "Q3_CES": blank(ces, rng, 0.05),
        "Stage": np.array(STAGES)[stage],
        "Channel": np.array(CHANNELS)[channel],
        "Segment": np.array(SEGMENTS)[c.segment],
        "Consent": np.where(rng.random(n) < 0.03, "no", "yes"),
        "Q4_LikedMost": liked,
        "Q5_Unhappy": disliked,
    }, columns=RESPONSE_COLUMNS)
    bad = plant_bad_rows(rng, df)
    return df, bad


def write_responses(path: Path, df: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


# --- social posts ------------------------------------------------------------------------------

PLATFORMS = ["x", "instagram", "telegram", "reddit", "facebook"]
PLATFORM_P = {False: [0.45, 0.2, 0.02, 0.2, 0.13], True: [0.25, 0.4, 0.3, 0.0, 0.05]}
HANDLE_A = np.array(["sara", "mina", "dan", "fit", "green", "neda", "reza", "mom", "runner", "chef", "ali",
                     "kate", "tom", "yas", "leila", "omid", "jen", "mo", "healthy", "lazy"])
HANDLE_B = np.array(["", "_", ".", "_the_"])
HANDLE_C = np.array(["life", "eats", "k", "88", "fit", "travels", "m", "_ir", "2026", "cooks", "x", "91"])


def social_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Public posts about the brand: mostly the message flood, some praise, a little PII."""
    persian = rng.random(n) < 0.35
    kind = rng.choice(4, size=n, p=[0.55, 0.15, 0.2, 0.1])  # overload, other complaint, praise, social-only
    dis, liked = Pool(texts.DISLIKED), Pool(texts.LIKED)
    other = rng.choice([DISLIKED_THEMES.index(t) for t in ("app_crash_payment", "phone_wait",
                                                            "confusing_instructions")], size=n)
    praise = rng.choice([LIKED_THEMES.index(t) for t in ("great_coach", "tasty_recipes", "weight_progress")], size=n)
    text = np.where(kind == 0, dis.pick(rng, np.full(n, DISLIKED_THEMES.index("too_many_messages")), persian),
                    np.where(kind == 1, dis.pick(rng, other, persian), liked.pick(rng, praise, persian)))
    only = Pool({"social": texts.SOCIAL_ONLY}).pick(rng, np.zeros(n, dtype=np.int64), persian)
    text = np.where(kind == 3, only, text).astype(object)
    text = text + pick_phrase(rng, texts.SOCIAL_TAGS, persian, 0.6)
    append_pii(rng, text, persian, 0.01)
    likes = np.floor(np.exp(rng.normal(np.where(kind == 2, 1.5, 2.3), 1.3))).astype(np.int64)
    span = int((SURVEY_TO - Q3_FROM).astype(int))
    at = np.sort(Q3_FROM + rng.integers(0, span, n).astype("timedelta64[s]"))
    author = np.char.add(np.char.add(np.char.add("@", HANDLE_A[rng.integers(0, len(HANDLE_A), n)]),
                                     HANDLE_B[rng.integers(0, len(HANDLE_B), n)]),
                         HANDLE_C[rng.integers(0, len(HANDLE_C), n)])
    return pd.DataFrame({
        "at": iso(at),
        "platform": np.array(PLATFORMS)[choose_rows(rng, persian, PLATFORM_P)],
        "author": author,
        "text": text,
        "likes": likes,
        "shares": np.floor(likes * rng.uniform(0, 0.35, n)).astype(np.int64),
    }, columns=SOCIAL_COLUMNS)
