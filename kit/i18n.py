"""Page labels in English and Persian, and numbers written the way each language writes them.

``ui_language`` in project.yaml (``en`` or ``fa``) picks the labels of every page; Persian pages
also mirror their layout (``direction``) and write numbers with Persian digits and separators.
Exhibit text keeps its own direction whatever the page language (``text_dir``).
"""

from __future__ import annotations

import math

LANGUAGES = ("en", "fa")
RTL_LANGUAGES = {"fa"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PERSIAN_DECIMAL, PERSIAN_THOUSANDS = "\u066b", "\u066c"   # ٫ and ٬

LABELS: dict[str, dict[str, str]] = {
    "overview": {"en": "Overview", "fa": "نمای کلی"},
    "gallery": {"en": "Gallery", "fa": "گالری"},
    "run": {"en": "Run", "fa": "اجرا"},
    "exhibits_n": {"en": "{n} exhibits", "fa": "{n} اثر"},
    "walk_gallery": {"en": "Walk the whole gallery →", "fa": "← دیدن همهٔ گالری"},
    "negative_room": {"en": "The negative room →", "fa": "← اتاق تجربه‌های منفی"},
    "back_overview": {"en": "← Overview", "fa": "نمای کلی →"},
    "answers": {"en": "{n} answers", "fa": "{n} پاسخ"},
    "interval": {"en": "95% interval {lo} to {hi}", "fa": "بازهٔ ۹۵٪: {lo} تا {hi}"},
    "satisfied": {"en": "{p}% satisfied", "fa": "{p}٪ راضی"},
    "ces_note": {"en": "CES 2.0: higher is easier", "fa": "CES 2.0: بیشتر یعنی آسان‌تر"},
    "trend_up": {"en": "▲ {d} since {since}", "fa": "▲ {d} از {since}"},
    "trend_down": {"en": "▼ {d} since {since}", "fa": "▼ {d} از {since}"},
    "trend_flat": {"en": "no change since {since}", "fa": "بدون تغییر از {since}"},
    "no_answers": {"en": "No survey answers in this run.", "fa": "در این اجرا پاسخ نظرسنجی نیست."},
    "journey_title": {"en": "The journey as customers felt it, against the designed one",
                      "fa": "مسیر مشتری آن‌طور که حس شد، در برابر مسیر طراحی‌شده"},
    "journey_interactive": {"en": "Explore this curve, with its entries and exits, in the negative room",
                            "fa": "این منحنی را با ورود و خروج مشتریان در اتاق تجربه‌های منفی ببینید"},
    "journey_missing": {"en": "The journey curve is not in this run: the negative-room step did not write data/journey.parquet.",
                        "fa": "منحنی مسیر در این اجرا نیست: مرحلهٔ اتاق منفی فایل data/journey.parquet را ننوشت."},
    "nps_by_stage": {"en": "NPS by journey stage: actual (95% interval) against the ideal (n = {n})",
                     "fa": "NPS هر مرحلهٔ مسیر: واقعی (بازهٔ ۹۵٪) در برابر ایدئال (n = {n})"},
    "actual": {"en": "actual", "fa": "واقعی"},
    "ideal": {"en": "ideal (designed)", "fa": "ایدئال (طراحی‌شده)"},
    "stage": {"en": "Stage", "fa": "مرحله"},
    "valence_axis": {"en": "Feeling (−1 negative … +1 positive)", "fa": "حس (۱− منفی … ۱+ مثبت)"},
    "top_negatives": {"en": "The five worst experiences", "fa": "پنج تجربهٔ بدتر"},
    "negatives_missing": {"en": "The ranked negative experiences are not in this run: the negative-room step did not "
                                "produce negatives.json.",
                          "fa": "فهرست رتبه‌بندی‌شدهٔ تجربه‌های منفی در این اجرا نیست: "
                                "مرحلهٔ اتاق منفی فایل negatives.json را نساخت."},
    "reach": {"en": "reach {n}", "fa": "دامنه {n}"},
    "severity": {"en": "severity", "fa": "شدت"},
    "workshops": {"en": "Workshops", "fa": "کارگاه‌ها"},
    "all_stages": {"en": "All stages", "fa": "همهٔ مراحل"},
    "all_channels": {"en": "All channels", "fa": "همهٔ کانال‌ها"},
    "all_segments": {"en": "All segments", "fa": "همهٔ بخش‌ها"},
    "all_kinds": {"en": "All kinds", "fa": "همهٔ انواع"},
    "all_feelings": {"en": "Any feeling", "fa": "هر حسی"},
    "all_sources": {"en": "All sources", "fa": "همهٔ منابع"},
    "no_lens": {"en": "No lens", "fa": "بدون عدسی"},
    "neg": {"en": "Negative", "fa": "منفی"},
    "mid": {"en": "Neutral", "fa": "خنثی"},
    "pos": {"en": "Positive", "fa": "مثبت"},
    "design": {"en": "Design lens", "fa": "عدسی طراحی"},
    "engineering": {"en": "Engineering lens", "fa": "عدسی مهندسی"},
    "business": {"en": "Business lens", "fa": "عدسی کسب‌وکار"},
    "search": {"en": "Search titles, captions, quotes", "fa": "جست‌وجو در عنوان، توضیح و نقل‌قول"},
    "count": {"en": "{shown} of {total} exhibits · page {page} of {pages}",
              "fa": "{shown} از {total} اثر · صفحهٔ {page} از {pages}"},
    "prev": {"en": "‹ Previous", "fa": "قبلی ›"},
    "next": {"en": "Next ›", "fa": "‹ بعدی"},
    "open": {"en": "Open", "fa": "باز کن"},
    "page": {"en": "Page", "fa": "صفحه"},
    "close": {"en": "Close", "fa": "بستن"},
    "no_match": {"en": "No exhibit matches these filters.", "fa": "هیچ اثری با این فیلترها جور نیست."},
    "not_found": {"en": "No exhibit has the id {id}.", "fa": "اثری با شناسهٔ {id} نیست."},
    "gallery_hint": {"en": "Open a card to see its clip or photo, its evidence and its source.",
                     "fa": "کارتی را باز کنید تا ویدیو یا عکس، شواهد و منبعش را ببینید."},
    "segment": {"en": "segment", "fa": "بخش"},
    "lenses": {"en": "lenses", "fa": "عدسی‌ها"},
    "evidence": {"en": "evidence", "fa": "شواهد"},
    "source": {"en": "source", "fa": "منبع"},
    "id": {"en": "id", "fa": "شناسه"},
    "valence": {"en": "valence", "fa": "حس"},
    "unreadable": {"en": "This run folder could not be read. The server log has the details.",
                   "fa": "این پوشهٔ اجرا خوانده نشد. جزئیات در گزارش سرور است."},
    "page_failed": {"en": "This part of the page could not be drawn. The server log has the details.",
                    "fa": "این بخش از صفحه رسم نشد. جزئیات در گزارش سرور است."},
}
for _kind, _fa in (("photo", "عکس"), ("clip", "ویدیو"), ("quote", "نقل‌قول"), ("chart", "نمودار"), ("metric", "شاخص")):
    LABELS[f"kind_{_kind}"] = {"en": _kind, "fa": _fa}


def language(value: str | None) -> str:
    """A supported UI language (anything else falls back to English)."""
    return value if value in LANGUAGES else "en"


def t(key: str, lang: str = "en", **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` placeholders filled (English if untranslated)."""
    entry = LABELS[key]
    text = entry.get(language(lang)) or entry["en"]
    return text.format(**values) if values else text


def direction(lang: str) -> str:
    """``rtl`` for a right-to-left language, else ``ltr``: the whole page mirrors for Persian."""
    return "rtl" if language(lang) in RTL_LANGUAGES else "ltr"


def text_dir(text_lang: str | None) -> str:
    """Direction of one exhibit's own text (a Persian quote reads right to left on an English page)."""
    return "rtl" if text_lang in RTL_LANGUAGES else "ltr"


def number(value: float | int | None, lang: str = "en", decimals: int = 0, *, sign: bool = False) -> str:
    """``value`` with thousands separators and ``decimals`` places, in the digits of ``lang``.

    Missing values (None, NaN) become an en dash so a tile never shows ``nan``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:{'+' if sign else ''},.{decimals}f}"
    if language(lang) == "fa":
        text = text.replace(",", "\0").replace(".", PERSIAN_DECIMAL).replace("\0", PERSIAN_THOUSANDS)
        text = text.translate(PERSIAN_DIGITS)
    return text
