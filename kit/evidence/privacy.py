"""Redaction of personal data in free text, applied before any text reaches a run folder.

What is found, and by what:

- e-mail addresses, by pattern;
- IBANs (Iranian Sheba numbers included), by ``stdnum.iban`` and the ISO 7064 mod 97-10 check;
- payment cards (13-19 digits), by the Luhn check of ``stdnum.luhn``;
- Iranian national ids (10 digits), by their own check digit, unless right after a word such as
  "order", "ticket", "invoice", "tracking", "سفارش", "رهگیری" (then they are a reference, as is
  a phone number written the national way there; one with its country code is still taken);
- postal codes and street addresses (UK postcodes by their layout; Iranian, US and German codes
  and Iranian addresses only next to a context word such as "zip", "PLZ", "کد پستی", "آدرس"), by
  ``kit.evidence.addresses``, whose docstring says what is and is not caught;
- phone numbers of 8 digits or more, by ``phonenumbers``: a number written with its country code
  (``+98 …``, ``0044 …``) needs only a possible length for that country; a number written the
  national way (``0912 …``, ``(212) 555-0123``, ``020 7946 0958``) must be a valid number of one
  of ``REGIONS``, so an order number, an amount or a date survives. Dates, and IBANs whose check
  digits fail, are set aside before, so their digits are not taken for a phone number either. A
  stretch of digits that is one whole number is checked by ``phonenumbers.parse`` directly (the fast
  path); any other goes through ``phonenumbers.PhoneNumberMatcher``.

Persian (۰-۹) and Arabic-Indic (٠-٩) digits are read as ASCII ones: the search runs on a copy with
ASCII digits, one character for one, and the labels replace the same positions in the text itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from phonenumbers import Leniency, NumberParseException, PhoneNumberMatcher, is_possible_number, is_valid_number, parse
from stdnum import iban, luhn
from stdnum.iso7064 import mod_97_10

from kit.core.text import ascii_digits_text
from kit.evidence import addresses

# Where a number written without its country code may be from: the kit's Persian projects, then the
# English-speaking and European numbers its English projects meet. Tried in this order, fastest first.
REGIONS = ("IR", "GB", "DE", "US")
TRUNK_ZERO = {"IR", "GB", "DE"}      # national numbers start with a trunk 0 (the US writes none, or an optional 1)
STRICT_REGIONS = ("IR", "GB", "US")  # without Germany, whose numbers may have 5 to 15 digits
PHONE_MIN_DIGITS = 8

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Two letters, two check digits, then 11-30 letters or digits, optionally grouped by spaces or dashes.
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}")
SHEBA_DIGITS = re.compile(r"(?<!\d)\d{24}(?!\d)")          # an Iranian IBAN written without its "IR"
# 13-19 digits, optionally grouped by spaces or dashes (payment cards); digits glued to a Latin letter
# are a reference (a parcel's 1Z7944906685768048), not a card.
CARD = re.compile(r"(?<![\dA-Za-z])\d(?:[ -]?\d){12,18}(?!\d)")
# 10 digits standing alone (not the tail of a grouped number such as +49-171-7290795)
NATIONAL_ID = re.compile(r"(?<![\d+])(?<!\d[ -])\d{3}-?\d{6}-?\d(?![ -]?\d)")
# Right after one of these words, 10 digits are a reference even when their last one passes the id check
# (one in ten does): "order number 1828926655", "شماره سفارش ۱۸۲۸۹۲۶۶۵۵"; and so is a number that would be
# a valid phone number written the national way ("order 6413344596", a valid US number).
REFERENCE_WORD = re.compile(r"(?:order|ticket|invoice|tracking|reference|ref|case|سفارش|فاکتور|رهگیری|پیگیری|تیکت)"
                            r"(?:\u200c?(?:م|ام|تان|مان))?(?:\s*(?:number|no\.?|id|شماره|کد))?\s*[:#]?\s*$",
                            re.IGNORECASE)
# Dates are no phone numbers: 2024-05-01, 1403/02/15, 15.05.2024, 05/15/24.
DATE = re.compile(r"(?<![\d/.-])(?:(\d{4})[./-](\d{1,2})[./-](\d{1,2})|(\d{1,2})[./-](\d{1,2})[./-](?:\d{4}|\d{2}))(?![./-]?\d)")
# A stretch that could hold a phone number: digits with short runs of spaces, dots, dashes, slashes
# or brackets between them, maybe a leading + or (. Only stretches with 8 digits or more reach
# phonenumbers, which is what keeps redaction fast on a million answers.
# A number glued to a word by a dash (ORD-48213957) or after # is a reference, not a phone number.
PHONE_STRETCH = re.compile(r"(?<![\w+#])(?<![A-Za-z]-)(?:\+|\(\+?)?\d(?:[ \t./()\-]{0,3}\d)*")
INTERNATIONAL = re.compile(r"\+|(?<!\d)00[1-9]")
DIGIT = re.compile(r"\d")
GROUP_GAP = re.compile(r"[\s./-]*\s[\s./-]*")      # between two groups of a stretch: a space, maybe with - / .


def _digit_count(s: str) -> int:
    return len(DIGIT.findall(s))


def luhn_ok(number: str) -> bool:
    """True when the 13-19 digits pass the Luhn checksum used by payment cards."""
    ds = "".join(DIGIT.findall(ascii_digits_text(number)))
    return 13 <= len(ds) <= 19 and luhn.is_valid(ds)


def iran_national_id_ok(number: str) -> bool:
    """True for a 10-digit Iranian national code with a valid check digit."""
    ds = [int(c) for c in DIGIT.findall(ascii_digits_text(number))]
    if len(ds) != 10 or len(set(ds)) == 1:
        return False
    s = sum(d * (10 - i) for i, d in enumerate(ds[:9])) % 11
    return ds[9] == (s if s < 2 else 11 - s)


def iban_ok(number: str) -> bool:
    """True for an IBAN with valid check digits and its country's layout.

    Iran is not in the IBAN registry ``stdnum`` follows, so a Sheba number (IR, 2 check digits, 22
    digits) is checked here by its length and the same mod 97-10 check digits.
    """
    compact = iban.compact(ascii_digits_text(number))
    if compact.startswith("IR"):
        return len(compact) == 26 and compact[2:].isdigit() and mod_97_10.is_valid(compact[4:] + compact[:4])
    return iban.is_valid(compact)


def _longest_valid(text: str, start: int, end: int, ok: Callable[[str], bool]) -> tuple[int, int] | None:
    """The longest prefix of ``text[start:end]`` ending at a group boundary that ``ok`` accepts.

    A grouped number may be followed by another group (``4111 1111 1111 1111 2024``); the pattern
    takes both, and the number is found by dropping groups from the right.
    """
    cut = end
    while not ok(text[start:cut]):
        gap = max(text.rfind(" ", start, cut), text.rfind("-", start, cut))
        if gap <= start:
            return None
        cut = start + len(text[start:gap].rstrip(" -"))
    return start, cut


def _after_reference(text: str, at: int) -> bool:
    """True when the number at ``at`` comes right after "order", "ticket", "سفارش" or the like."""
    return REFERENCE_WORD.search(text, max(0, at - 30), at) is not None


def _is_date(m: re.Match[str]) -> bool:
    """A month of 1-12 and a day of 1-31, either way round."""
    a, b = (int(m.group(2)), int(m.group(3))) if m.group(1) else (int(m.group(4)), int(m.group(5)))
    return 1 <= min(a, b) <= 12 and 1 <= max(a, b) <= 31


def _glued(char: str) -> bool:
    """A Latin letter, % or currency sign: next to one, digits are no phone number (as phonenumbers' matcher has it)."""
    if not char:
        return False
    return (char.isascii() and char.isalpha()) or char == "%" or unicodedata.category(char) == "Sc"


def _one_whole_number(stretch: str, regions: tuple[str, ...] = REGIONS) -> bool:
    """The fast path: the whole stretch is one phone number, by ``phonenumbers.parse`` without the matcher's search.

    The matcher's rules for one candidate: written with its country code, a possible number; else valid
    in one of ``REGIONS``, with the trunk 0 where the region writes one (so a stretch starting with 0 is
    tried in ``TRUNK_ZERO``, any other in the rest). False sends the stretch to the matcher, which also
    finds a number inside a longer stretch.
    """
    head = stretch.lstrip("(")
    try:
        if head.startswith(("+", "00")):
            return is_possible_number(parse(stretch, "IR"))
        zero = head.startswith("0")
        return any(is_valid_number(parse(stretch, r)) for r in regions if (r in TRUNK_ZERO) == zero)
    except NumberParseException:
        return False


def _phones_by_groups(text: str, start: int, end: int, glued_before: bool, glued_after: bool) -> list[tuple[int, int]]:
    """Phone numbers in a stretch the matcher found none in (a number with more digits after it, two in a row).

    The longest run of the stretch's groups from its left that is one whole number, then the same after
    it. Germany, where a valid number may have anything from 5 to 15 digits, is tried only when no other
    region takes a run, so two numbers in a row are not read as one long German one.
    """
    if glued_before:
        return []
    gaps = list(GROUP_GAP.finditer(text, start, end))
    starts, stops = [start] + [g.end() for g in gaps], [g.start() for g in gaps] + [end]
    found, i = [], 0
    while i < len(starts):
        last = len(stops) - 1
        runs = [j for j in range(last, i - 1, -1) if not (j == last and (i == 0 or glued_after))
                and _digit_count(text[starts[i]:stops[j]]) >= PHONE_MIN_DIGITS]
        j = next((j for regions in (STRICT_REGIONS, REGIONS) for j in runs
                  if _one_whole_number(text[starts[i]:stops[j]], regions)), None)
        if j is None:
            break
        found.append((starts[i], stops[j]))
        i = j + 1
    return found


def _phones(text: str) -> Iterator[tuple[int, int]]:
    """Spans of phone numbers in ``text`` (ASCII digits), found by ``phonenumbers`` stretch by stretch."""
    for stretch in PHONE_STRETCH.finditer(text):
        if _digit_count(stretch.group()) < PHONE_MIN_DIGITS:
            continue
        before, after = text[stretch.start() - 1:stretch.start()], text[stretch.end():stretch.end() + 1]
        if not _glued(before) and not _glued(after) and _one_whole_number(stretch.group()):
            yield stretch.span()
            continue
        # one character either side, so phonenumbers sees a letter, % or currency sign glued to the number
        lo, hi = max(0, stretch.start() - 1), min(len(text), stretch.end() + 1)
        window = text[lo:hi]
        found: list[tuple[int, int]] = []
        searches = [("IR", Leniency.POSSIBLE)] if INTERNATIONAL.search(window) else []
        for region, leniency in searches + [(r, Leniency.VALID) for r in REGIONS]:
            if _digit_count(window) - sum(_digit_count(window[s:e]) for s, e in found) < PHONE_MIN_DIGITS:
                break                       # what is left cannot hold another phone number
            for m in PhoneNumberMatcher(window, region, leniency=leniency):
                raw = m.raw_string.strip()          # a match may come with the space before it
                start = m.start + m.raw_string.index(raw)
                end = start + len(raw)
                # with its country code a number needs only a possible length: its country is written down
                international = raw.lstrip("(").startswith(("+", "00"))
                if (leniency == Leniency.VALID or international) and _digit_count(raw) >= PHONE_MIN_DIGITS \
                        and all(end <= s or start >= e for s, e in found):
                    found.append((start, end))
        if found:
            yield from ((lo + s, lo + e) for s, e in found)
        else:
            # the matcher gives up on a number next to more digits (+98 912 345 6789 12, two numbers in a row)
            yield from _phones_by_groups(text, stretch.start(), stretch.end(), _glued(before), _glued(after))


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Labelled spans of personal data in ``text`` (ASCII digits), each kind searched where no earlier kind was found.

    Order matters: postal codes and addresses come first, so a postal code after "کد پستی" is not
    taken for a national id; IBANs, cards and national ids are checked before the looser phone
    search, so a card number is labelled as a card and not as a phone.
    """
    spans: list[tuple[int, int, str]] = []
    work = text

    def keep(found: Iterator[tuple[int, int]] | list[tuple[int, int]], label: str) -> None:
        """Label what was found (no label: known not to be personal data) and search it no more."""
        nonlocal work
        for start, end in found:
            spans.append((start, end, label))
            work = work[:start] + " " * (end - start) + work[end:]

    if "@" in work:
        keep([m.span() for m in EMAIL.finditer(work)], "[email]")
    digits = sum(map(work.count, "0123456789"))       # each search runs only where there are digits enough for it
    for start, end, label in addresses.find(work, digits):    # a context word or a digit first, else nothing
        keep([(start, end)], label)
    if digits >= 12:
        ibans = [(m, _longest_valid(work, m.start(), m.end(), iban_ok)) for m in IBAN.finditer(work)]
        keep([s for _, s in ibans if s], "[iban]")
        # an IBAN whose check digits are wrong is no card or phone number either: its digits are left alone
        keep([m.span() for m, s in ibans if not s and m.group()[:2].isupper()], "")
        keep([m.span() for m in SHEBA_DIGITS.finditer(work) if iban_ok("IR" + m.group())], "[iban]")
        keep([s for m in CARD.finditer(work) if (s := _longest_valid(work, m.start(), m.end(), luhn_ok))], "[card]")
    if digits >= 10:
        ids = [m.span() for m in NATIONAL_ID.finditer(work) if iran_national_id_ok(m.group())]
        references = [s for s in ids if _after_reference(work, s[0])]
        keep(references, "")                # no phone number either
        keep([s for s in ids if s not in references], "[national-id]")
    if digits >= PHONE_MIN_DIGITS:
        keep([m.span() for m in DATE.finditer(work) if _is_date(m)], "")
        phones = list(_phones(work))
        # written the national way right after "order" or "سفارش", 8 digits or more are an order's number
        references = [p for p in phones if not INTERNATIONAL.match(work, p[0] + (work[p[0]] == "("))
                      and _after_reference(work, p[0])]
        keep(references, "")
        keep([p for p in phones if p not in references], "[phone]")
    return sorted(s for s in spans if s[2])


def redact_pii(text: str) -> str:
    """Replace e-mail addresses, postal codes, addresses, IBANs, cards, national ids and phone numbers with labels."""
    if not text:
        return text
    spans = _spans(ascii_digits_text(text))
    if not spans:
        return text
    out, at = [], 0
    for start, end, label in spans:
        out += [text[at:start], label]
        at = end
    out.append(text[at:])
    return "".join(out)
