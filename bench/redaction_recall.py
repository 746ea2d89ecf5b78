"""``redaction_recall``: how much personal data ``redact_pii`` removes, and how many ordinary numbers it wrongly removes.

The labelled set is made here, the same every run (fixed seed): English and Persian sentences,
each holding at most one piece of personal data and at most one ordinary number that looks like
one, so the truth needs no judgement:

- personal data: e-mails; phone numbers of Iran, the US, the UK and Germany (mobiles and
  landlines) in the national and international ways people write them (spaces, dashes, dots,
  slashes, brackets, ``+``/``00``, ``(0)``); payment cards (Iranian and international prefixes,
  Luhn-valid); IBANs (Iranian Sheba, British, German); Iranian national ids;
- postal codes (Iranian after "کد پستی"/"postal code", UK postcodes, US ZIP and ZIP+4, German PLZ after
  their context words) and street addresses (English, German, Iranian after "آدرس"/"نشانی");
- look-alikes: order and ticket numbers (6-12 digits), dates (Gregorian and Jalali), amounts (rials,
  tomans, dollars, euros, with and without separators), years and year ranges, and card numbers,
  IBANs and national ids whose check digit is wrong; and, drawn after the rest from their own random
  stream (so the sentences above stay as they were), prices with currency, times, quantities,
  percentages, tracking numbers, 5-digit order and customer numbers, and sentences with street
  words and numbers that are no address ("Gate 5 at Terminal 2", "طبقه ۳ فروشگاه").

Persian sentences write their numbers in Persian digits half the time. The numbers are drawn from
each country's numbering plan (real area codes and mobile prefixes, random subscriber digits), not
from the library under test.

A piece of personal data counts as removed when none of its digits (an e-mail: its @) is left in
the sentence, and for a postal code or an address none of its words that the rest of the sentence does
not hold either; a look-alike counts as wrongly removed when it is no longer there exactly as written.
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
WORD = re.compile(r"\w+")


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
    return cases + places_set(seed, per_format)


# --- postal codes and addresses, and more look-alikes (their own random stream, so the sets above stay as they were)

STREETS = ["Baker", "Kings", "Station", "High", "Church", "Mill", "Victoria", "Park", "Maple", "Oak Tree", "Elm",
           "Washington", "Lincoln", "Queen Elizabeth", "5th", "Market", "Bridge", "Green Lane"]
STREET_TYPES = ["Street", "St", "St.", "Road", "Rd", "Avenue", "Ave", "Lane", "Drive", "Close", "Way", "Boulevard"]
GERMAN_STREETS = ["Hauptstraße", "Bahnhofstraße", "Goethestr.", "Schillerstraße", "Kiefernweg", "Lindenallee",
                  "Marktplatz", "Gartenstrasse"]
FA_CITIES = ["تهران", "اصفهان", "مشهد", "شیراز", "تبریز", "کرج", "تهران، سعادت‌آباد", "تهران، منطقه ۵"]
FA_STREETS = ["ولیعصر", "آزادی", "انقلاب", "شریعتی", "بهار", "فردوسی", "نیلوفر", "شهید بهشتی", "پاسداران"]
FA_ALLEYS = ["بهار", "یاس", "دوازدهم", "سوم", "لاله", "شهید رضایی"]
UK_POSTCODES = ["SW1A 1AA", "M1 1AE", "EC1A 1BB", "W1A 0AX", "B33 8TH", "CR2 6XH", "DN55 1PT", "NW1 6XE", "LS1 4AP",
                "G2 3BZ", "EH1 1YZ", "BS1 5TR"]
US_CITIES = [("New York", "NY"), ("Boston", "MA"), ("Seattle", "WA"), ("Austin", "TX"), ("Chicago", "IL")]

PLACE_KINDS = ("postal_code", "address")
POSTAL_TEMPLATES = {
    ("en", "ir"): ["My postal code is {x}, the parcel went elsewhere.", "Postal code: {x}"],
    ("fa", "ir"): ["کد پستی {x} است.", "کدپستی من {x} هست و بسته نرسید.", "کد پستی: {x} لطفاً اصلاح کنید"],
    ("en", "gb"): ["Send it to London {x} please.", "My postcode is {x}.", "Deliver to {x}, not the old flat."],
    ("en", "us"): ["Zip code {x}, and they said it was outside the area.", "My ZIP is {x}.", "zip: {x}"],
    ("en", "de"): ["PLZ {x}, the courier never came.", "My post code is {x} in Berlin.", "Postleitzahl {x}"],
}
ADDRESS_TEMPLATES = {
    "en": ["I live at {x} and the parcel went next door.", "Please deliver to {x} instead.", "My address is {x}."],
    "fa": ["آدرس: {x}، لطفاً پیگیری کنید.", "آدرسم {x} است ولی بسته نرسید.", "به نشانی {x} بفرستید.",
           "آدرس من {x} هست."],
}
OTHER_MORE_EN = {
    "price": ["It cost {y} and broke in a week.", "They charged me {y} for delivery."],
    "time": ["The courier came at {y}, far too late.", "I called at {y} and waited."],
    "quantity": ["I ordered {y} and got half.", "The box said {y}."],
    "percentage": ["Prices went up {y} this year.", "Only {y} of the battery was left."],
    "tracking number": ["Tracking number {y} shows nothing.", "The parcel {y} is stuck."],
    "five-digit number": ["Order {y} arrived broken.", "My customer number is {y}.", "Invoice {y} is wrong."],
    "street words": ["{y}"],
}
OTHER_MORE_FA = {
    "price": ["{y} پول دادم و یک هفته بعد خراب شد.", "هزینه ارسال {y} شد."],
    "time": ["پیک ساعت {y} آمد.", "ساعت {y} زنگ زدم."],
    "quantity": ["{y} سفارش دادم و نصفش رسید.", "روی جعبه {y} نوشته بود."],
    "percentage": ["قیمت‌ها {y} بالا رفت.", "فقط {y} باتری مانده بود."],
    "tracking number": ["کد رهگیری {y} هیچ چیزی نشان نمی‌دهد.", "مرسوله {y} گیر کرده است."],
    "five-digit number": ["سفارش {y} شکسته رسید.", "شماره مشتری من {y} است.", "فاکتور {y} اشتباه است."],
    "street words": ["{y}"],
}
STREET_WORDS = {"en": ["I waited 2 hours on the road.", "We drove 40 miles down the High Street for nothing.",
                       "Gate 5 at Terminal 2 was closed.", "I bought a PS5 1TB and an A4 printer.",
                       "Version 3 of the app is worse.", "Room 12 had no towels."],
                "fa": ["۲ ساعت در خیابان منتظر ماندم.", "کوچه ما ۳ بار آسفالت شد.", "آدرس سایت را ۵ بار عوض کردید.",
                       "طبقه ۳ فروشگاه بسته بود.", "پلاک ماشین پیک را ندیدم.", "در آدرس ایمیل ۲ اشتباه بود."]}


def postal_code(r: random.Random, region: str) -> str:
    if region == "ir":
        code = "".join(r.choice("13456789") for _ in range(5)) + _n(r, 5)
        return r.choice([f"{code[:5]}-{code[5:]}", code, f"{code[:5]} {code[5:]}"])
    if region == "gb":
        return r.choice(UK_POSTCODES)
    if region == "us":
        return _nz(r, 5) + (f"-{_n(r, 4)}" if r.random() < 0.4 else "")
    return _nz(r, 5)


def address(r: random.Random, lang: str) -> tuple[str, str]:
    """An address and how it is written."""
    if lang == "fa":
        parts = [r.choice(FA_CITIES), f"خیابان {r.choice(FA_STREETS)}", f"کوچه {r.choice(FA_ALLEYS)}",
                 f"پلاک {r.randrange(1, 300)}"] + r.choice([[], [f"واحد {r.randrange(1, 40)}"], ["طبقه دوم"]])
        if r.random() < 0.3:
            del parts[2]
        sep = r.choice(["، ", " "])
        return sep.join(parts), "comma-separated" if sep != " " else "spaces only"
    if r.random() < 0.2:
        return f"{r.choice(GERMAN_STREETS)} {r.randrange(1, 120)}{r.choice(['', '', 'a'])}", "German"
    street = f"{r.randrange(1, 2500)} {r.choice(STREETS)} {r.choice(STREET_TYPES)}"
    pick = r.random()
    if pick < 0.25:
        return f"{street}, Apt {r.randrange(1, 40)}", "with Apt"
    if pick < 0.4:
        return f"Flat {r.randrange(1, 20)}, {street}", "with Flat"
    return street, "number, name, type"


def look_alikes_more(r: random.Random, kind: str, lang: str) -> str:
    fa = lang == "fa"
    if kind == "price":
        v = r.randrange(1, 5000)
        return r.choice([f"${v}.{r.randrange(100):02d}", f"€{v},{r.randrange(100):02d}", f"£{v}", f"{v * 1000:,} تومان"
                         if fa else f"{v:,} EUR", f"{v * 10000} ریال" if fa else f"USD {v}"])
    if kind == "time":
        return r.choice([f"{r.randrange(8, 24)}:{r.randrange(60):02d}", f"{r.randrange(1, 13)}:{r.randrange(60):02d} pm"])
    if kind == "quantity":
        return f"{r.randrange(2, 60)} " + r.choice(["کیلو", "بسته", "عدد"] if fa else ["kg", "boxes", "bottles", "items"])
    if kind == "percentage":
        return f"{r.randrange(1, 100)}٪" if fa and r.random() < 0.5 else f"{r.randrange(1, 100)}%"
    if kind == "tracking number":
        return r.choice([f"1Z{_n(r, 3)}AA1{_n(r, 8)}", f"JJD{_n(r, 18)}", f"RR{_n(r, 9)}IR", _nz(r, 12)])
    if kind == "five-digit number":
        return _nz(r, 5)
    return r.choice(STREET_WORDS[lang])


def places_set(seed: int, per_format: int) -> list[Case]:
    """Postal codes and addresses in sentences, and the look-alikes that must stay."""
    r = random.Random(seed + 1)
    cases = []
    for (lang, region), templates in POSTAL_TEMPLATES.items():
        for _ in range(per_format * 2):
            code, persian = persianize(postal_code(r, region), r, lang)
            cases.append(Case(r.choice(templates).format(x=code), lang, f"postal_code {region}", code,
                              "persian digits" if persian else region, "", ""))
    for lang in ("en", "fa"):
        for _ in range(per_format * 4):
            (value, form) = address(r, lang)
            value, persian = persianize(value, r, lang)
            cases.append(Case(r.choice(ADDRESS_TEMPLATES[lang]).format(x=value), lang, f"address {lang}", value,
                              "persian digits" if persian else form, "", ""))
        templates = OTHER_MORE_FA if lang == "fa" else OTHER_MORE_EN
        for kind in templates:
            for _ in range(per_format * 2):
                other, _ = persianize(look_alikes_more(r, kind, lang), r, lang)
                cases.append(Case(r.choice(templates[kind]).format(y=other), lang, "", "", "", kind, other))
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
            if c.kind.startswith(("address", "postal")):      # its words must go too, not only its numbers
                gone = gone and not (WORD.findall(c.pii) and set(WORD.findall(rest)) & leftover_words(c))
            removed[c.kind].append(gone)
            by_form[f"{c.kind} / {c.form}"].append(gone)
    return Outcome(dict(removed), dict(by_form), dict(wrong), seconds)


def leftover_words(c: Case) -> set[str]:
    """The words of the personal data that the rest of its sentence does not hold: none may be left."""
    return set(WORD.findall(c.pii)) - set(WORD.findall(c.text.replace(c.pii, " ", 1)))


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
    old_kinds = [k for k in kit.removed if k != "iban" and not k.startswith(PLACE_KINDS)]
    plain = [k for k in kit.wrongly_removed if not k.startswith("bad ")]
    places = [k for k in kit.removed if k.startswith(PLACE_KINDS)]
    more = [k for k in kit.wrongly_removed if k in OTHER_MORE_EN]
    for label, group, flags in (("recall_without_iban", old_kinds, "removed"), ("false_redactions_plain_numbers", plain,
                                                                             "wrongly_removed"),
                                ("recall_postal_codes_and_addresses", places, "removed"),
                                ("false_redactions_prices_times_quantities_tracking", more, "wrongly_removed")):
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
