"""Postal codes and street addresses in free text, for ``privacy.redact_pii``.

What is found (the text has ASCII digits here; ``redact_pii`` has converted Persian ones):

- UK postcodes anywhere, by their layout (``SW1A 1AA``, ``M1 1AE``) written in capitals, with an
  outward code from a real postcode area, so a product code such as ``PS5 1TB`` stays, and not
  ending in GB, TB, MB or KB (``MacBook Air M2 8GB``); after a context word in any case and any
  ending (``postcode: sw1a 1aa``);
- Iranian postal codes (10 digits, often ``12345-67890``), US ZIP and ZIP+4 codes and German PLZ
  (5 digits) only right after a context word: "zip", "ZIP code", "postal code", "post code",
  "postcode", "PLZ", "Postleitzahl", "کد پستی" / "کدپستی"; and a US ZIP after "City, ST";
- English street addresses: a house number, up to four capitalised words (or ``5th``) and a
  street type (Street, St, Road, Rd, Avenue, Ave, Lane, Ln, Drive, Boulevard, Way, Court, Place,
  Close, ...), with a flat, apartment, suite or unit before or after, unless the number counts
  things ("the 3 Main Street shops", "Top 10 Best Road Bikes", "Open 24 Hours Drive Thru");
  German ones written ``Hauptstraße 5`` / ``Musterstr. 12`` / ``Kiefernweg 3a``; and a 5-digit
  code right after either when a capitalised place name follows it (``Hauptstraße 5, 10115 Berlin``);
- Iranian addresses without a context word when they start at a street, an alley or a square and
  run on to a پلاک with its number ("خیابان ولیعصر، کوچه ۱۲، پلاک ۵": the city before stays);
- Iranian addresses after "آدرس" / "ادرس" / "نشانی": the city or district words before the first
  part, then the chain of parts (خیابان، کوچه، بلوار، میدان، پلاک، واحد، طبقه، بلوک ...) each with
  its name (at most three words, no verb such as است, شد, کردید) or number, up to the last part;
  what follows it ("... پلاک ۵ است ولی بسته نرسید") stays, and so does a complaint about an address
  ("آدرس اشتباه ثبت شد، کوچه را پیدا نکردند").

What is not: an English address whose street is written in small letters or has no street type
("12 baker street", "Flat 3, The Old Mill"), an English or German address with no house number, a
Persian address with no "آدرس"/"نشانی" before it and no پلاک number, or with none of the parts above, a 5-digit or
10-digit postal code with no context word (it cannot be told from an order number or an amount),
a context word after the code ("10115 is my PLZ"), a PO box, and city names on their own. A
sentence may still be taken for an address when a number counts capitalised things that end in a
street type ("I bought 2 Apple Magic Way..."): the clean sentences of tests/fixtures/pii/ bound how often.

The searches after context words run only where a plain substring test finds one ("zip", "post",
"plz", "پست", "آدرس", "ادرس", "نشانی"); the others only where the text has a digit, the German one
only where it also has "str", "weg", "allee", "gasse" or "platz". So the many answers with neither
pay two cheap tests.
"""

from __future__ import annotations

import re

POSTAL_LABEL = "[postal-code]"
ADDRESS_LABEL = "[address]"

# The postcode areas of the UK (the letters before the first digit), so a look-alike code is not taken.
UK_AREAS = frozenset(
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX "
    "FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV JE GY IM KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE "
    "NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ "
    "TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE".split())
_UK = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}"
# No look-behind at the start of this pattern and the next: a pattern that starts with a character class is
# searched for by a fast scan; the character before a match is checked apart (``_starts_free``).
UK_POSTCODE = re.compile(rf"{_UK}(?![A-Za-z\d])")
UK_AREA = re.compile(r"[A-Z]+")
SIZES = {"GB", "TB", "MB", "KB"}    # "MacBook Air M2 8GB": a size, though a postcode's layout (one after a context word is taken)

# A context word, a few words at most with no digit and no sentence end, then the code.
POSTAL_WORD = re.compile(r"\b(?:zip(?:[ -]?code)?|post(?:al)?[ -]?code|postcode|plz|postleitzahl)\b"
                         r"|[کك][دذ][\s\u200c]*پست[یي]", re.IGNORECASE)
POSTAL_AFTER_WORD = re.compile(rf"[^\d\n.!?؟]{{0,24}}?(?<![A-Za-z\d])(\d{{5}}[ -]?\d{{5}}|\d{{5}}(?:-\d{{4}})?|{_UK})"
                               r"(?![A-Za-z\d]|[ -]\d)", re.IGNORECASE)
US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
             "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
# ", NY 10001" or " NY 10001" after a place name (checked apart, so the search starts at a comma or a space)
CITY_STATE_ZIP = re.compile(rf"[, ] ?(?:{'|'.join(US_STATES)}) (\d{{5}}(?:-\d{{4}})?)(?![\d-])")
PLACE_NAME_END = re.compile(r"\b[A-Z][a-z]+$")

# English street addresses. The words must be capitalised: "I paid 5 euros on the way" is no address.
STREET_TYPES = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|"
                "Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Gardens|Mews|Grove")
_UNIT = r"(?:Apt|Apartment|Flat|Suite|Unit)\.?\s*#?\s*[A-Za-z]?\d{1,5}[A-Za-z]?"
_NAME = r"(?:[A-Z][\w'’-]*|\d{1,3}(?:st|nd|rd|th))"
ENGLISH_ADDRESS = re.compile(
    rf"\d{{1,5}}[A-Za-z]?(?:[-/]\d{{1,5}})?,?\s+(?:{_NAME}\s+){{0,3}}{_NAME}\s+"
    rf"(?:{STREET_TYPES})\b\.?(?:,?\s*(?:{_UNIT}|#\s*\d{{1,5}}))?")
GERMAN_ADDRESS = re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|allee|gasse|platz)\s*\d{1,4}[a-z]?\b")
# A German or American code right after an address: "Hauptstraße 5, 10115 Berlin".
CODE_AFTER_ADDRESS = re.compile(r",?\s*(\d{5}(?:-\d{4})?)(?=\s+[A-ZÄÖÜ][a-zäöüß])")
# "Open 24 Hours Drive Thru", "Rated 5 Stars Way better": a number of things, then words that look like a street.
COUNTED = re.compile(r"\d+\s+(?:Hours?|Days?|Weeks?|Months?|Years?|Minutes?|Times?|Items?|Stars?|Pieces?|Boxes|Bottles?|"
                     r"Orders?|Points?|People|Persons?)\b")
UNIT_BEFORE = re.compile(rf"{_UNIT},?\s+$")
# A number after one of these counts things ("the 3 Main Street shops", "Top 10 Best Road Bikes"): no house number.
COUNTING_WORD = re.compile(r"\b(?:the|top|these|those|all|first|last|best|over|under|about|around|nearly)\s+$",
                           re.IGNORECASE)

# Persian addresses: the word that starts one, its parts, and the words that end one.
ADDRESS_WORD_FA = re.compile(r"(?:آدرس|ادرس|نشانی)(?:[\u200c ]?(?:م|ام|من|ما|مون|شون|ش))?(?![\w])\s*:?")
NUMBERED_PARTS = {"پلاک", "پ", "واحد", "طبقه", "بلوک", "ورودی", "زنگ"}
NAMED_PARTS = {"خیابان", "خیابون", "خ", "کوچه", "ک", "بلوار", "میدان", "بزرگراه", "جاده", "محله", "شهرک", "کوی",
               "برج", "ساختمان", "مجتمع", "نبش", "جنب", "روبروی", "روبه‌روی", "انتهای", "بن‌بست", "بنبست", "کوچهٔ", "کوچه‌ی",
               "منطقه", "فاز", "استان", "شهر", "شهرستان", "روستای"}
PLATE = {"پلاک", "پ"}
STREET_FA = re.compile(r"(?<!\w)(?:خیابان|خیابون|کوچه|بلوار|میدان|بزرگراه|جاده|شهرک|کوی|بن‌بست|خيابان|كوچه)(?!\w)")
ORDINALS = {"اول", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم", "دهم", "همکف", "زیرزمین", "یک",
            "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "شمالی", "جنوبی", "شرقی", "غربی"}
ENDS = {"است", "هست", "بود", "نبود", "و", "ولی", "اما", "که", "را", "رو", "لطفا", "لطفاً", "بفرستید", "ارسال",
        "بیاورید", "نرسید", "رسید", "تحویل", "می‌باشد", "میباشد", "هستش", "ه", "شد", "شده", "کرد", "کردم", "کردید",
        "کردند", "دادم", "دادید", "ثبت", "اشتباه", "غلط", "عوض", "تغییر", "هم", "تلفن", "شماره", "موبایل"}
# Separators, numbers (a Persian writer may glue one to its word: پلاک۱۲), a lone full stop, words.
FA_TOKEN = re.compile(r"[،,\-–/]|\d+(?:/\d+)?[A-Za-z]?|\.|[^\s،,\-–/.\d]+\.?")
SEPARATORS = {"،", ",", "-", "–", "/"}
ARABIC_LETTERS = str.maketrans("يكة", "یکه")
STOP = "!?؟\n;؛"
NUMBER = re.compile(r"\d{1,5}(?:/\d{1,4})?[A-Za-z]?")     # a house, flat or floor number; longer is something else
LEAD_MAX = 4            # words before the first part: city, district
NAME_MAX = 3            # words of a street's name


def _starts_free(text: str, at: int, glue: str = "") -> bool:
    """True when the character before ``at`` is no letter, digit or one of ``glue``: a match starts a word there."""
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in glue)


def _part(word: str) -> str:
    """"numbered", "named" or "" for a Persian address word (Arabic ي and ك read as Persian ی and ک)."""
    w = word.translate(ARABIC_LETTERS)
    return "numbered" if w in NUMBERED_PARTS else "named" if w in NAMED_PARTS else ""


def _persian_address(text: str, start: int) -> tuple[int, int, int, bool] | None:
    """The address from ``start`` (after an "آدرس"/"نشانی"): up to the last of its parts, with its name or number.

    Returns the span, how many parts it has, and whether a پلاک with its number is one of them. A "."
    ends it, except after a part written short ("خ." for خیابان, "پ." for پلاک).
    """
    stop = min((i for i in (text.find(c, start) for c in STOP) if i >= 0), default=len(text))
    tokens = []
    for m in FA_TOKEN.finditer(text, start, stop):
        word = m.group()
        if word in SEPARATORS:
            continue
        bare = word.rstrip(".")
        last = bare != word and not _part(bare)        # a full stop after a word that is no short part
        tokens.append((bare, m.start() + len(bare), last or word == "."))
    end, lead, i, kind, parts, plate = None, 0, 0, "", 0, False
    while i < len(tokens):
        word, w_end, last = tokens[i]
        i += 1
        if _part(word):
            kind, end, parts = _part(word), w_end, parts + 1
            if kind == "numbered" and i < len(tokens) and (NUMBER.fullmatch(tokens[i][0]) or tokens[i][0] in ORDINALS):
                plate = plate or word in PLATE and tokens[i][0][0].isdigit()
                end, last, i = tokens[i][1], tokens[i][2], i + 1
            taken = 0
            while kind == "named" and not last and i < len(tokens) and taken < NAME_MAX \
                    and not _part(tokens[i][0]) and tokens[i][0] not in ENDS and tokens[i][0] != "." \
                    and (NUMBER.fullmatch(tokens[i][0]) or not tokens[i][0][0].isdigit()):
                end, last, i, taken = tokens[i][1], tokens[i][2], i + 1, taken + 1
            if last:
                break
            continue
        if kind or lead >= LEAD_MAX or word in ENDS or last or not word or NUMBER.fullmatch(word):
            break                          # the end of the address, or no address after all
        lead += 1                          # a province, city or district name before the first part
    return (start, end, parts, plate) if end is not None else None


def find(text: str, digits: int) -> list[tuple[int, int, str]]:
    """Labelled spans of postal codes and addresses in ``text`` (ASCII digits, ``digits`` of them), none overlapping."""
    low = text.lower()
    context = "zip" in low or "post" in low or "plz" in low or not text.isascii() and (
        "پست" in text or "آدرس" in text or "ادرس" in text or "نشانی" in text)
    if not (context or digits):
        return []
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, label: str) -> None:
        if all(end <= s or start >= e for s, e, _ in spans):
            spans.append((start, end, label))

    if context:
        for word in POSTAL_WORD.finditer(text):
            m = POSTAL_AFTER_WORD.match(text, word.end())
            if m:
                add(*m.span(1), POSTAL_LABEL)
        for word in ADDRESS_WORD_FA.finditer(text):
            if found := _persian_address(text, word.end()):
                lo = found[0] + len(text[found[0]:found[1]]) - len(text[found[0]:found[1]].lstrip())
                add(lo, found[1], ADDRESS_LABEL)
    if "پلاک" in text or "پلاك" in text:
        # no context word: a street or an alley, then more parts, one of them a پلاک with its number
        for street in STREET_FA.finditer(text):
            found = _persian_address(text, street.start())
            if found and found[2] >= 2 and found[3]:
                add(found[0], found[1], ADDRESS_LABEL)
    if not digits:
        return sorted(spans)
    for m in UK_POSTCODE.finditer(text):
        area = UK_AREA.match(m.group())
        if area and area.group() in UK_AREAS and _starts_free(text, m.start()) and m.group()[-2:] not in SIZES:
            add(*m.span(), POSTAL_LABEL)
    if digits >= 5:
        for m in CITY_STATE_ZIP.finditer(text):
            if PLACE_NAME_END.search(text, max(0, m.start() - 30), m.start()):
                add(*m.span(1), POSTAL_LABEL)
    german = "str" in low or "weg" in low or "allee" in low or "gasse" in low or "platz" in low
    for pattern in (ENGLISH_ADDRESS, GERMAN_ADDRESS) if german else (ENGLISH_ADDRESS,):
        for m in pattern.finditer(text):
            if pattern is ENGLISH_ADDRESS and (not _starts_free(text, m.start(), "_.,/$£€#-")
                                               or COUNTING_WORD.search(text, max(0, m.start() - 10), m.start())
                                               or COUNTED.match(text, m.start())):
                continue
            unit = UNIT_BEFORE.search(text, max(0, m.start() - 20), m.start())
            add(unit.start() if unit else m.start(), m.end(), ADDRESS_LABEL)
            if code := CODE_AFTER_ADDRESS.match(text, m.end()):
                add(*code.span(1), POSTAL_LABEL)
    return sorted(spans)
