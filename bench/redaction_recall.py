"""``redaction_recall``: how much personal data ``redact_pii`` removes, and how many ordinary numbers it wrongly removes.

The labelled set is made here, the same every run (fixed seed): English and Persian sentences,
each holding at most one piece of personal data and at most one ordinary number that looks like
one, so the truth needs no judgement:

- personal data: e-mails; phone numbers of Iran, the US, the UK and Germany (mobiles and
  landlines) in the national and international ways people write them (spaces, dashes, dots,
  slashes, brackets, ``+``/``00``, ``(0)``); payment cards (Iranian and international prefixes,
  Luhn-valid); IBANs (Iranian Sheba, British, German); Iranian national ids;
- look-alikes: order and ticket numbers (6-12 digits), dates (Gregorian and Jalali), amounts (rials,
  tomans, dollars, euros, with and without separators), years and year ranges, and card numbers,
  IBANs and national ids whose check digit is wrong.

Persian sentences write their numbers in Persian digits half the time. The numbers are drawn from
each country's numbering plan (real area codes and mobile prefixes, random subscriber digits), not
from the library under test.

A piece of personal data counts as removed when none of its digits (an e-mail: its @) is left in
the sentence; a look-alike counts as wrongly removed when it is no longer there exactly as written.
Look-alikes with a wrong check digit are counted as ordinary numbers here, though a mistyped national
id is still someone's; ``false_redactions_plain_numbers`` leaves them out.

The reference, measured in the same run on the same sentences, is the redaction the kit had
before: the regular expressions kept below (``regex_redact_pii``), which took any 8 digits or more
for a phone number.
"""

from __future__ import annotations

import argparse
import random
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.common import record
from kit.evidence.privacy import redact_pii

SEED = 20260614
PER_FORMAT = 12                        # sentences per way of writing a number, per language
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ANY_DIGIT = re.compile(r"\d")          # every Unicode decimal digit, Persian ones too


# --- the reference: the kit's regular-expression redaction as it was --------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){2,3}(?!\d)")
_NATIONAL_ID = re.compile(r"(?<!\d)\d{3}-?\d{6}-?\d(?!\d)")


def _digits(s: str) -> list[int]:
    return [unicodedata.digit(c) for c in s if c.isdigit()]


def _luhn_ok(number: str) -> bool:
    ds = _digits(number)[::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(ds))
    return len(ds) >= 13 and total % 10 == 0


def _national_id_ok(number: str) -> bool:
    ds = _digits(number)
    if len(ds) != 10 or len(set(ds)) == 1:
        return False
    s = sum(d * (10 - i) for i, d in enumerate(ds[:9])) % 11
    return ds[9] == (s if s < 2 else 11 - s)


def regex_redact_pii(text: str) -> str:
    """The reference: e-mails, Luhn cards, national ids, then any phone-shaped run of 8 digits or more."""
    if not text:
        return text
    out = _EMAIL.sub("[email]", text)
    out = _CARD.sub(lambda m: "[card]" if _luhn_ok(m.group()) else m.group(), out)
    out = _NATIONAL_ID.sub(lambda m: "[national-id]" if _national_id_ok(m.group()) else m.group(), out)
    return _PHONE.sub(lambda m: "[phone]" if len(_digits(m.group())) >= 8 else m.group(), out)


# --- the labelled set ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    text: str
    lang: str
    kind: str           # the kind of personal data in the sentence ("" for none)
    pii: str            # as written in the sentence
    form: str           # how it is written: "national", "international", "persian digits", ...
    other_kind: str     # the kind of look-alike ("" for none)
    other: str          # as written in the sentence


def _n(r: random.Random, k: int) -> str:
    return "".join(str(r.randrange(10)) for _ in range(k))


def _nz(r: random.Random, k: int) -> str:
    return str(r.randrange(1, 10)) + _n(r, k - 1)


# A phone number: country code, national groups without the trunk 0, and whether the country has one.
Phone = tuple[str, list[str], bool]


def phone_ir(r: random.Random) -> Phone:
    if r.random() < 0.6:
        op = r.choice(["912", "935", "919", "901", "990", "921", "937", "917", "910", "933"])
        return "98", [op, _n(r, 3), _n(r, 4)], True
    area = r.choice(["21", "26", "31", "51", "71", "41"])
    return "98", [area, str(r.randrange(2, 9)) + _n(r, 3), _n(r, 4)], True


def phone_us(r: random.Random) -> Phone:
    area = r.choice(["212", "415", "312", "617", "202", "646", "718", "305", "206", "512", "404", "213"])
    exchange = str(r.randrange(2, 10)) + _n(r, 2)
    while exchange[1:] == "11" or exchange == "555":
        exchange = str(r.randrange(2, 10)) + _n(r, 2)
    return "1", [area, exchange, _n(r, 4)], False


def phone_gb(r: random.Random) -> Phone:
    pick = r.random()
    if pick < 0.5:
        return "44", ["7" + r.choice("45789") + _n(r, 2), _n(r, 6)], True
    if pick < 0.8:
        return "44", ["20", r.choice("378") + _n(r, 3), _n(r, 4)], True
    return "44", [r.choice(["161", "121", "131", "113"]), str(r.randrange(2, 10)) + _n(r, 2), _n(r, 4)], True


def phone_de(r: random.Random) -> Phone:
    if r.random() < 0.5:
        prefix, length = r.choice([("151", 8), ("152", 8), ("157", 8), ("170", 7), ("171", 7), ("172", 7),
                                   ("176", 8), ("179", 7)])
        return "49", [prefix, _nz(r, length)], True
    area, length = r.choice([("30", 8), ("89", 8), ("40", 8), ("69", 7), ("221", 7), ("711", 7)])
    sub = _nz(r, length)
    return "49", [area, sub[:4], sub[4:]], True


def national_forms(cc: str, g: list[str], trunk: bool) -> dict[str, str]:
    """The national ways of writing a number (trunk 0 where the country has one)."""
    t = "0" if trunk else ""
    head, rest = t + g[0], g[1:]
    forms = {"spaced": " ".join([head, *rest]), "plain": head + "".join(rest), "dashed": "-".join([head, *rest]),
             "area in brackets": f"({head}) " + " ".join(rest)}
    if cc == "1":
        forms |= {"dotted": ".".join(g), "(area) xxx-xxxx": f"({g[0]}) {g[1]}-{g[2]}", "1-xxx-xxx-xxxx": "1-" + "-".join(g)}
    if cc == "49":
        forms |= {"slash": f"{head}/{''.join(rest)}"}
    if cc == "98":
        forms |= {"two groups": f"{head} {''.join(rest)}"}
    return forms


def international_forms(cc: str, g: list[str], trunk: bool) -> dict[str, str]:
    forms = {"+cc spaced": f"+{cc} " + " ".join(g), "+cc plain": f"+{cc}" + "".join(g),
             "00cc spaced": f"00{cc} " + " ".join(g), "+cc dashed": f"+{cc}-" + "-".join(g),
             "(+cc)": f"(+{cc}) " + " ".join(g)}
    if trunk:
        forms["+cc (0)"] = f"+{cc} (0)" + " ".join(g)
    if cc == "1":
        forms["+1 (area)"] = f"+1 ({g[0]}) {g[1]}-{g[2]}"
    return forms


def luhn_complete(body: str) -> str:
    """``body`` with the Luhn check digit appended."""
    total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(map(int, reversed(body))))
    return body + str((10 - total % 10) % 10)


def card(r: random.Random) -> str:
    prefix = r.choice(["603799", "589210", "627353", "610433", "622106", "627412", "639346", "4", "51", "55"])
    return luhn_complete(prefix + _n(r, 15 - len(prefix)))


def national_id(r: random.Random) -> str:
    ds = [r.randrange(10) for _ in range(9)]
    s = sum(d * (10 - i) for i, d in enumerate(ds)) % 11
    return "".join(map(str, ds)) + str(s if s < 2 else 11 - s)


def iban_check(country: str, bban: str) -> str:
    moved = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(moved) % 97:02d}"


def iban(r: random.Random) -> str:
    country, bban = r.choice([
        ("IR", lambda: "0" + r.choice(["17", "12", "15", "19", "55", "56", "57", "62"]) + _n(r, 19)),
        ("IR", lambda: "0" + r.choice(["17", "12", "15", "19", "55", "56", "57", "62"]) + _n(r, 19)),
        ("GB", lambda: r.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + _n(r, 14)),
        ("DE", lambda: _n(r, 18))])
    b = bban()
    return country + iban_check(country, b) + b


def grouped(s: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(s[i:i + size] for i in range(0, len(s), size))


def wrong_check(s: str, at: int) -> str:
    """``s`` with the digit at ``at`` changed, so its check fails."""
    return s[:at] + str((int(s[at]) + 1 + (s[at] == "9")) % 10) + s[at + 1:]


PII_EN = {
    "email": ["My email is {x}, nobody replied.", "Please write to {x} instead."],
    "phone": ["Call me back on {x}.", "You can reach me at {x} after five.", "Text me on {x}, not by mail."],
    "card": ["You charged card {x} twice.", "The payment from {x} failed again."],
    "iban": ["Refund it to {x} please.", "My account is {x} and the refund never came."],
    "national_id": ["My national code is {x}, check my file."],
}
PII_FA = {
    "email": ["ایمیلم {x} است، کسی جواب نداد.", "لطفاً به {x} بنویسید."],
    "phone": ["شماره‌ام {x} هست، لطفاً تماس بگیرید.", "با {x} تماس بگیرید نه ایمیل.", "شماره {x} را بگیرید."],
    "card": ["از کارت {x} دو بار پول کم شد.", "پرداخت با کارت {x} باز هم خطا داد."],
    "iban": ["لطفاً به شبای {x} برگردانید.", "شماره شبا {x} است و پولی نیامد."],
    "national_id": ["کد ملی‌ام {x} است، لطفاً پرونده‌ام رو چک کنید."],
}
OTHER_EN = {
    "order number": ["Order {y} arrived late.", "My order number is {y} and it is still waiting.",
                     "Ticket {y} is still open."],
    "date": ["It happened on {y}.", "Since {y} the app crashes."],
    "amount": ["I was charged {y} for nothing.", "They took {y} from my account."],
    "year": ["I have been a customer since {y}.", "Prices went up between {y}."],
    "bad card": ["The number {y} on the screen meant nothing to me."],
    "bad iban": ["The form showed {y} as an example."],
    "bad national id": ["The letter quoted reference {y}."],
}
OTHER_FA = {
    "order number": ["سفارش {y} دیر رسید.", "شماره سفارشم {y} است و هنوز خبری نیست.", "تیکت {y} هنوز باز است."],
    "date": ["از {y} برنامه خراب است.", "تاریخ {y} اتفاق افتاد."],
    "amount": ["{y} از حسابم کم شد.", "برای هیچ {y} پرداختم."],
    "year": ["از سال {y} مشتری هستم.", "قیمت‌ها بین {y} بالا رفت."],
    "bad card": ["عدد {y} روی صفحه برایم معنایی نداشت."],
    "bad iban": ["فرم {y} را نمونه نشان داد."],
    "bad national id": ["در نامه شماره {y} آمده بود."],
}


def look_alikes(r: random.Random, kind: str, lang: str) -> str:
    """One ordinary number of ``kind``."""
    fa = lang == "fa"
    if kind == "order number":
        k = r.choice([6, 7, 8, 9, 10, 11, 12])
        return r.choice(["#", "", "", "ORD-"]) + _nz(r, k)
    if kind == "date":
        y, m, d = (r.randrange(1398, 1405), r.randrange(1, 13), r.randrange(1, 30)) if fa and r.random() < 0.6 else \
            (r.randrange(2015, 2027), r.randrange(1, 13), r.randrange(1, 29))
        return r.choice([f"{y}-{m:02d}-{d:02d}", f"{y}/{m:02d}/{d:02d}", f"{d:02d}.{m:02d}.{y}", f"{d:02d}/{m:02d}/{y}",
                         f"{y}/{m:02d}/{d:02d} {r.randrange(8, 20)}:{r.randrange(60):02d}"])
    if kind == "amount":
        v = r.randrange(1, 900) * 10 ** r.randrange(3, 7)
        return r.choice([f"{v:,} rials" if not fa else f"{v:,} ریال", f"{v} تومان" if fa else f"{v} rials",
                         f"${v / 1000:,.2f}", f"{v:,}".replace(",", "."), f"{v:,}".replace(",", " ")])
    if kind == "year":
        y = r.randrange(1395, 1405) if fa else r.randrange(2010, 2027)
        return r.choice([f"{y}", f"{y}-{y + r.randrange(1, 5)}", f"{y} and {y + 1}" if not fa else f"{y} تا {y + 1}"])
    if kind == "bad card":
        c = card(r)
        return grouped(wrong_check(c, 15), sep=r.choice([" ", "-"])) if r.random() < 0.7 else wrong_check(c, 15)
    if kind == "bad iban":
        b = iban(r)
        b = b[:2] + wrong_check(b[2:4], 1) + b[4:]
        return grouped(b) if r.random() < 0.7 else b
    nid = national_id(r)
    return wrong_check(nid, 9)


def persianize(s: str, r: random.Random, lang: str) -> tuple[str, bool]:
    if lang == "fa" and r.random() < 0.5:
        return s.translate(FA_DIGITS), True
    return s, False


def labelled_set(seed: int = SEED, per_format: int = PER_FORMAT) -> list[Case]:
    r = random.Random(seed)
    cases: list[Case] = []
    pii_templates, other_templates = {"en": PII_EN, "fa": PII_FA}, {"en": OTHER_EN, "fa": OTHER_FA}

    def add(lang: str, kind: str, value: str, form: str, other_kind: str = "") -> None:
        value, persian = persianize(value, r, lang) if kind != "email" else (value, False)
        text = r.choice(pii_templates[lang][kind.split()[0]]).format(x=value)
        other = ""
        if other_kind:
            other, _ = persianize(look_alikes(r, other_kind, lang), r, lang)
            tpl = r.choice(other_templates[lang][other_kind]).format(y=other)
            text = f"{text} {tpl}" if r.random() < 0.5 else f"{tpl} {text}"
        cases.append(Case(text, lang, kind, value, "persian digits" if persian else form, other_kind, other))

    kinds = list(OTHER_EN)
    for lang in ("en", "fa"):
        for region, draw in (("ir", phone_ir), ("us", phone_us), ("gb", phone_gb), ("de", phone_de)):
            sample = draw(random.Random(0))
            forms = [("national", national_forms, k) for k in national_forms(*sample)]
            forms += [("international", international_forms, k) for k in international_forms(*sample)]
            for how, make, key in forms:
                for i in range(per_format):
                    add(lang, f"phone {region}", make(*draw(r))[key], f"{how} {key}",
                        kinds[i % len(kinds)] if i % 3 == 0 else "")
        for i in range(per_format * 4):
            c = card(r)
            value = [grouped(c), grouped(c, sep="-"), c][i % 3]
            add(lang, "card", value, ["grouped", "dashed", "plain"][i % 3], kinds[i % len(kinds)] if i % 3 == 0 else "")
        for i in range(per_format * 4):
            b = iban(r)
            value = [grouped(b), b, b.lower() if b.startswith("IR") else grouped(b)][i % 3]
            add(lang, "iban", value, f"{b[:2]} " + ["grouped", "plain", "lower case" if b[:2] == "IR" else "grouped"][i % 3],
                kinds[i % len(kinds)] if i % 3 == 0 else "")
        for i in range(per_format * 2):
            nid = national_id(r)
            value = nid if i % 2 else f"{nid[:3]}-{nid[3:9]}-{nid[9]}"
            add(lang, "national_id", value, "plain" if i % 2 else "dashed", kinds[i % len(kinds)] if i % 3 == 0 else "")
        for _ in range(per_format * 2):
            user = r.choice(["sara.k", "m.rezaei", "john.doe84", "neda_ahmadi", "a.karimi+shop", "lisa.m"])
            add(lang, "email", f"{user}@{r.choice(['gmail.com', 'yahoo.com', 'chmail.ir', 'company.co.uk'])}", "address")
        for kind in kinds:
            for _ in range(per_format * 4):
                other, persian = persianize(look_alikes(r, kind, lang), r, lang)
                text = r.choice(other_templates[lang][kind]).format(y=other)
                cases.append(Case(text, lang, "", "", "", kind, other))
    return cases


# --- scoring ---------------------------------------------------------------------------------------

@dataclass
class Outcome:
    removed: dict[str, list[bool]]          # per PII kind: removed or not, per sentence
    by_form: dict[str, list[bool]]          # per "kind / form"
    wrongly_removed: dict[str, list[bool]]  # per look-alike kind
    seconds: float


def score(cases: list[Case], redact: Callable[[str], str]) -> Outcome:
    t0 = time.perf_counter()
    outs = [redact(c.text) for c in cases]
    seconds = time.perf_counter() - t0
    removed: dict[str, list[bool]] = defaultdict(list)
    by_form: dict[str, list[bool]] = defaultdict(list)
    wrong: dict[str, list[bool]] = defaultdict(list)
    for c, out in zip(cases, outs, strict=True):
        kept_other = bool(c.other) and c.other in out
        if c.other_kind:
            wrong[c.other_kind].append(not kept_other)
        if c.kind:
            rest = out.replace(c.other, "", 1) if kept_other else out
            gone = "@" not in rest if c.kind == "email" else not ANY_DIGIT.search(rest)
            removed[c.kind].append(gone)
            by_form[f"{c.kind} / {c.form}"].append(gone)
    return Outcome(dict(removed), dict(by_form), dict(wrong), seconds)


def share(flags: list[list[bool]]) -> tuple[float, int]:
    every = [f for group in flags for f in group]
    return (sum(every) / len(every) if every else 0.0), len(every)


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    del args
    cases = labelled_set()
    kit, regex = score(cases, redact_pii), score(cases, regex_redact_pii)
    recall, n_pii = share(list(kit.removed.values()))
    recall_ref, _ = share(list(regex.removed.values()))
    wrong, n_other = share(list(kit.wrongly_removed.values()))
    wrong_ref, _ = share(list(regex.wrongly_removed.values()))
    print(f"  {len(cases)} sentences: {n_pii} pieces of personal data, {n_other} look-alike numbers")
    print(f"  {'kind / how it is written':<44} {'n':>4} {'kit':>7} {'regex':>7}")
    for key in sorted(kit.by_form):
        a, b = kit.by_form[key], regex.by_form[key]
        if sum(a) != len(a) or sum(b) != len(b):
            print(f"  {key:<44} {len(a):>4} {100 * sum(a) / len(a):>6.0f}% {100 * sum(b) / len(b):>6.0f}%")
    print("  (kinds and ways of writing not listed: both removed every one)")
    out = [record(f"redaction_recall.recall ({n_pii} pieces)", 100 * recall, "%", 100 * recall_ref,
                  ">= the regex reference", recall >= recall_ref),
           record(f"redaction_recall.false_redactions ({n_other} look-alikes)", 100 * wrong, "%", 100 * wrong_ref,
                  "<= the regex reference", wrong <= wrong_ref)]
    # the same on common ground: the kinds the reference looked for too, and numbers with no check digit
    old_kinds = [k for k in kit.removed if k != "iban"]
    plain = [k for k in kit.wrongly_removed if not k.startswith("bad ")]
    for label, group, flags in (("recall_without_iban", old_kinds, "removed"), ("false_redactions_plain_numbers", plain,
                                                                             "wrongly_removed")):
        r, n = share([getattr(kit, flags)[k] for k in group])
        ref, _ = share([getattr(regex, flags)[k] for k in group])
        out.append(record(f"redaction_recall.{label} ({n})", 100 * r, "%", 100 * ref, "", None))
    for kind in sorted(kit.removed):
        r, n = share([kit.removed[kind]])
        ref, _ = share([regex.removed[kind]])
        out.append(record(f"redaction_recall.recall {kind} ({n})", 100 * r, "%", 100 * ref, "", None))
    for kind in sorted(kit.wrongly_removed):
        r, n = share([kit.wrongly_removed[kind]])
        ref, _ = share([regex.wrongly_removed[kind]])
        out.append(record(f"redaction_recall.false {kind} ({n})", 100 * r, "%", 100 * ref, "", None))
    out.append(record("redaction_recall.microseconds_per_sentence", 1e6 * kit.seconds / len(cases), "us",
                      1e6 * regex.seconds / len(cases), "", None))
    return out
