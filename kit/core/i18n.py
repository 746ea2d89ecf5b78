"""Page labels in English and Persian, and numbers written the way each language writes them.

``ui_language`` in project.yaml (``en`` or ``fa``) picks the labels of every page; Persian pages
also mirror their layout (``direction``) and write numbers with Persian digits and separators.
Exhibit text keeps its own direction whatever the page language (``text_dir``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, parse_pattern

LANGUAGES = ("en", "fa")
RTL_LANGUAGES = {"fa"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Babel writes numbers with each locale's separators (Persian: ٬ between thousands, ٫ before decimals)
# from CLDR, in the locale's default numbering system; it keeps ASCII digits, so Persian ones are put in after.
LOCALES = {"en": Locale.parse("en"), "fa": Locale.parse("fa")}

LABELS: dict[str, dict[str, str]] = {
    # between facts on one line: in Vazirmatn a middle dot looks like the Persian zero (۰), so Persian uses its comma
    "sep": {"en": " · ", "fa": "، "},
    "comma": {"en": ", ", "fa": "، "},
    "overview": {"en": "Overview", "fa": "نمای کلی"},
    "gallery": {"en": "Gallery", "fa": "گالری"},
    "run": {"en": "Run", "fa": "اجرا"},
    "exhibits_n": {"en": "{n} exhibits", "fa": "{n} اثر"},
    "walk_gallery": {"en": "Walk the whole gallery →", "fa": "← دیدن همهٔ گالری"},
    "negative_room": {"en": "The negative room →", "fa": "← اتاق تجربه‌های منفی"},
    "all_runs": {"en": "All runs", "fa": "همهٔ اجراها"},
    "log_out": {"en": "Log out", "fa": "خروج"},
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
              "fa": "{shown} از {total} اثر، صفحهٔ {page} از {pages}"},
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
    "source_recording": {"en": "recording", "fa": "ضبط جلسه"},
    "source_photo": {"en": "photo", "fa": "عکس"},
    "source_survey": {"en": "survey answer", "fa": "پاسخ نظرسنجی"},
    "source_contact": {"en": "contact log", "fa": "سوابق تماس"},
    "source_social": {"en": "social post", "fa": "پست شبکهٔ اجتماعی"},
    "source_analysis": {"en": "the kit's analysis", "fa": "تحلیل کیت"},
    "nr_evidence_n": {"en": "evidence {n}", "fa": "شاهد {n}"},
    "feel_very_negative": {"en": "very negative", "fa": "خیلی منفی"},
    "feel_negative": {"en": "negative", "fa": "منفی"},
    "feel_neutral": {"en": "neutral", "fa": "خنثی"},
    "feel_positive": {"en": "positive", "fa": "مثبت"},
    "feel_very_positive": {"en": "very positive", "fa": "خیلی مثبت"},
    "feel_unrated": {"en": "not rated", "fa": "بی‌ارزیابی"},
    "visitor_unknown": {"en": "This page did not come through the kit's server as it should. Open it again from the "
                               "server's front page.",
                         "fa": "این صفحه از راه سرور کیت باز نشده است. آن را دوباره از صفحهٔ اول سرور باز کنید."},
    "unreadable": {"en": "This run folder could not be read. The server log has the details.",
                   "fa": "این پوشهٔ اجرا خوانده نشد. جزئیات در گزارش سرور است."},
    "page_failed": {"en": "This part of the page could not be drawn. The server log has the details.",
                    "fa": "این بخش از صفحه رسم نشد. جزئیات در گزارش سرور است."},
    # the negative room
    "nr_title": {"en": "The negative room", "fa": "اتاق تجربه‌های منفی"},
    "nr_back": {"en": "← overview", "fa": "نمای کلی →"},
    "nr_gallery": {"en": "the gallery", "fa": "گالری"},
    "nr_intro": {"en": "What hurts customers most, across surveys, recordings, photos, social posts and the contact log, "
                       "ranked by severity × reach × strength of evidence. Each entry opens its exhibits.",
                 "fa": "آنچه بیش از همه به مشتریان آسیب می‌زند، از نظرسنجی‌ها، ضبط‌ها، عکس‌ها، پست‌های شبکه‌های اجتماعی و "
                       "گزارش تماس‌ها، رتبه‌بندی‌شده با شدت × دامنه × قوت شواهد. هر مورد آثارش را باز می‌کند."},
    "nr_no_ranking": {"en": "No ranking was made for this run.", "fa": "برای این اجرا رتبه‌بندی‌ای ساخته نشد."},
    "nr_facts": {"en": "severity {severity} · {reach} customers · evidence {evidence} ({sources})",
                 "fa": "شدت {severity}، {reach} مشتری، شواهد {evidence} ({sources})"},
    "nr_too_few": {"en": "too few answers to rank", "fa": "پاسخ‌ها برای رتبه‌بندی کم است"},
    "nr_open_exhibit": {"en": "open as an exhibit in the gallery", "fa": "باز کردن به‌صورت اثر در گالری"},
    "nr_view_missing": {"en": "This view was not made for this run.", "fa": "این نما برای این اجرا ساخته نشد."},
    "nr_view_failed": {"en": "{heading} could not be drawn.", "fa": "«{heading}» رسم نشد."},
    "nr_waterfall": {"en": "Buried in paper", "fa": "زیر کوه کاغذ"},
    "nr_waterfall_why": {"en": "Each sheet is a group of customers, piled by the messages we send them a week. Past the "
                               "tolerance line the paper keeps pouring, and the pit under each pile is as deep as the "
                               "share who left, complained or scored us 0-6. Right: NPS by band, with its 95% interval.",
                         "fa": "هر برگه گروهی از مشتریان است که بر اساس پیام‌هایی که هر هفته برایشان می‌فرستیم روی هم "
                               "چیده شده‌اند. پس از خط تحمل، کاغذ همچنان می‌ریزد و گودال زیر هر توده به اندازهٔ سهم کسانی "
                               "است که رفتند، شکایت کردند یا به ما ۰ تا ۶ دادند. سمت دیگر: NPS هر دسته با بازهٔ ۹۵٪."},
    "nr_journey": {"en": "The journey, felt against designed", "fa": "مسیر، آن‌طور که حس شد در برابر طراحی‌شده"},
    "nr_journey_why": {"en": "Valence per stage from every source with its 95% band; the dashed line is the designed "
                             "ideal; the widest gaps are marked. Below: where customers came in and where leavers left.",
                       "fa": "حس هر مرحله از همهٔ منابع با نوار ۹۵٪؛ خط‌چین ایدئال طراحی‌شده است و بزرگ‌ترین فاصله‌ها "
                             "علامت خورده‌اند. پایین: مشتریان از کجا وارد شدند و رفتگان از کجا رفتند."},
    "nr_pain": {"en": "Where it hurts", "fa": "کجا درد دارد"},
    "nr_pain_why": {"en": "Stage by channel: negative / all observations and their severity. Every cell of the grid "
                          "under the chart opens its exhibits in the gallery.",
                    "fa": "مرحله در برابر کانال: مشاهده‌های منفی به کل و شدتشان. هر خانهٔ جدول زیر نمودار آثارش را در "
                          "گالری باز می‌کند."},
    "nr_wall": {"en": "The detractor wall", "fa": "دیوار منتقدان"},
    "nr_wall_why": {"en": "The most severe unhappy answers, redacted, each with how many answers share its theme.",
                    "fa": "شدیدترین پاسخ‌های ناراضی، با اطلاعات شخصی پوشانده، هر یک با شمار پاسخ‌هایی که همان موضوع را دارند."},
    "nr_scorecard": {"en": "Channel scorecard", "fa": "کارنامهٔ کانال‌ها"},
    "nr_scorecard_why": {"en": "Which channels customers prefer, where they buy, where they reach us, which pays.",
                         "fa": "مشتریان کدام کانال‌ها را ترجیح می‌دهند، از کجا می‌خرند، از کجا با ما تماس می‌گیرند و "
                               "کدام به‌صرفه است."},
    # the workshop: the participant bar, the panel under an opened exhibit, the overview's summary
    "ws_workshop": {"en": "Workshop", "fa": "کارگاه"},
    "ws_intro": {"en": ": vote with dots, rate and note exhibits ·",
                 "fa": ": با نقطه رأی دهید، به آثار امتیاز و یادداشت بدهید:"},
    "ws_name": {"en": "Your name", "fa": "نام شما"},
    "ws_department": {"en": "Department…", "fa": "واحد…"},
    "ws_join": {"en": "Join the workshop", "fa": "پیوستن به کارگاه"},
    "ws_you_are": {"en": ": you are ", "fa": ": شما "},
    "ws_left": {"en": " of {budget} dots left", "fa": " از {budget} نقطه مانده"},
    "ws_switch": {"en": "Not you? Switch", "fa": "شما نیستید؟ تعویض"},
    "ws_no_department": {"en": "Choose your department.", "fa": "واحد خود را انتخاب کنید."},
    "ws_need_name": {"en": "Give a name so the room knows whose votes these are.",
                     "fa": "نامی بدهید تا جمع بداند این رأی‌ها از کیست."},
    "ws_too_long": {"en": "The {what} is {n} characters long; keep it to {limit}.",
                    "fa": "{what} {n} نویسه است؛ آن را تا {limit} نویسه کوتاه کنید."},
    "ws_what_name": {"en": "name", "fa": "نام"},
    "ws_what_note": {"en": "note", "fa": "یادداشت"},
    "ws_refused": {"en": "{reason}", "fa": "این کار انجام نشد ({reason})."},
    "ws_no_dots": {"en": "No dots left: each participant has {budget}; take one back from another exhibit first.",
                   "fa": "نقطه‌ای نمانده: هر شرکت‌کننده {budget} نقطه دارد؛ اول یکی را از اثر دیگری پس بگیرید."},
    "ws_apology": {"en": "That did not work. The server log has the details.",
                   "fa": "این کار انجام نشد. جزئیات در گزارش سرور است."},
    "ws_up": {"en": "+ dot", "fa": "+ نقطه"},
    "ws_up_tip": {"en": "put one of your dots on this exhibit", "fa": "یکی از نقطه‌هایتان را روی این اثر بگذارید"},
    "ws_down": {"en": "− dot", "fa": "− نقطه"},
    "ws_down_tip": {"en": "take one of your dots back", "fa": "یکی از نقطه‌هایتان را پس بگیرید"},
    "ws_not_rated": {"en": "Severity: not rated", "fa": "شدت: امتیاز داده نشده"},
    "ws_note": {"en": "Your note on this exhibit, from your department's point of view",
                "fa": "یادداشت شما دربارهٔ این اثر، از نگاه واحد خودتان"},
    "ws_save": {"en": "Save note", "fa": "ذخیرهٔ یادداشت"},
    "ws_save_tip": {"en": "an empty note withdraws yours", "fa": "یادداشت خالی یادداشت شما را پس می‌گیرد"},
    "ws_join_first": {"en": "Join the workshop (top of the page) to vote, rate and write a note.",
                      "fa": "برای رأی، امتیاز و یادداشت، به کارگاه (بالای صفحه) بپیوندید."},
    "ws_mine": {"en": "Your dots here: {dots} · {left} left", "fa": "نقطه‌های شما اینجا: {dots}، {left} مانده"},
    "ws_room": {"en": "Room: {votes} from {voters}", "fa": "جمع: {votes} از {voters}"},
    "ws_severity_mean": {"en": "Severity (mean of 0-4, raters): {values}",
                         "fa": "شدت (میانگین ۰ تا ۴، شمار امتیازدهندگان): {values}"},
    "ws_not_rated_yet": {"en": "not rated yet", "fa": "هنوز امتیازی نیست"},
    "ws_none_yet": {"en": "No workshop on this run yet: open the gallery and put your dots on the exhibits that matter "
                          "most.",
                    "fa": "هنوز کارگاهی روی این اجرا برگزار نشده: گالری را باز کنید و نقطه‌هایتان را روی آثاری بگذارید که "
                          "بیشترین اهمیت را دارند."},
    "ws_this_run": {"en": "This run", "fa": "این اجرا"},
    "ws_past": {"en": "Past workshops", "fa": "کارگاه‌های پیشین"},
    "ws_col_run": {"en": "run", "fa": "اجرا"},
    "ws_col_held": {"en": "last activity", "fa": "آخرین فعالیت"},
    "ws_col_people": {"en": "people", "fa": "نفر"},
    "ws_col_dots": {"en": "dots", "fa": "نقطه"},
    "ws_col_notes": {"en": "notes", "fa": "یادداشت"},
    "ws_col_open": {"en": "open it", "fa": "باز کردن"},
    "ws_n_dots": {"en": "{n} dots", "en_one": "{n} dot", "fa": "{n} نقطه"},
    "ws_n_people": {"en": "{n} people", "en_one": "{n} person", "fa": "{n} نفر"},
    "ws_n_participants": {"en": "{n} participants", "en_one": "{n} participant", "fa": "{n} شرکت‌کننده"},
    "ws_n_notes": {"en": "{n} notes", "en_one": "{n} note", "fa": "{n} یادداشت"},
    # the workshop behind the team server's login: roles, voting open or closed, the facilitator's tools
    "ws_look_only": {"en": "you can follow the room's votes; voting is for participants",
                     "fa": "می‌توانید رأی‌های جمع را دنبال کنید؛ رأی دادن با شرکت‌کنندگان است"},
    "ws_not_allowed": {"en": "Your role lets you look at the workshop, not vote in it.",
                       "fa": "نقش شما فقط دیدن کارگاه است، نه رأی دادن در آن."},
    "ws_facilitator_only": {"en": "Only the facilitator can do this.", "fa": "این کار فقط از تسهیل‌گر کارگاه برمی‌آید."},
    "ws_voting_closed": {"en": "Voting is closed; the facilitator can open it again.",
                         "fa": "رأی‌گیری بسته است؛ تسهیل‌گر کارگاه می‌تواند دوباره بازش کند."},
    "ws_n_other_notes": {"en": "{n} notes by others", "en_one": "{n} note by someone else", "fa": "{n} یادداشت از دیگران"},
    "ws_tools": {"en": "Workshop tools", "fa": "ابزارهای کارگاه"},
    "ws_voting_on": {"en": "Voting is open: click to close it", "fa": "رأی‌گیری باز است: برای بستن کلیک کنید"},
    "ws_voting_off": {"en": "Voting is closed: click to open it", "fa": "رأی‌گیری بسته است: برای باز کردن کلیک کنید"},
    "ws_import": {"en": "Import paper votes (.csv)", "fa": "واردکردن رأی‌های کاغذی (csv)"},
    "ws_import_done": {"en": "{rows} merged ({changed} changed the workshop, {new}); none rejected.",
                       "fa": "{rows} ادغام شد ({changed} کارگاه را تغییر داد، {new})؛ هیچ ردیفی رد نشد."},
    "ws_n_new_paper": {"en": "{n} new paper participants", "en_one": "{n} new paper participant",
                       "fa": "{n} شرکت‌کنندهٔ کاغذی تازه"},
    "ws_import_failed": {"en": "Nothing was merged: {rows} rejected, as a file is merged only when every row is right. "
                               "Correct these and upload it again:",
                         "fa": "چیزی ادغام نشد: {rows} رد شد، چون فایل تنها وقتی ادغام می‌شود که همهٔ ردیف‌هایش درست "
                               "باشد. این موارد را درست کنید و دوباره بارگذاری کنید:"},
    "ws_import_unread": {"en": "Nothing was merged: the file could not be read as paper votes.",
                         "fa": "چیزی ادغام نشد: فایل به‌صورت رأی‌های کاغذی خوانده نشد."},
    "ws_import_not_csv": {"en": "Upload a .csv file: the paper votes saved from the spreadsheet as CSV UTF-8.",
                          "fa": "یک فایل csv بارگذاری کنید: رأی‌های کاغذی که از صفحه‌گسترده به‌صورت CSV UTF-8 ذخیره شده‌اند."},
    "ws_import_too_big": {"en": "The file is larger than {limit} MB; upload at most {limit} MB.",
                          "fa": "فایل بزرگ‌تر از {limit} مگابایت است؛ حداکثر {limit} مگابایت بارگذاری کنید."},
    "ws_import_more": {"en": "… and {n} more", "fa": "… و {n} مورد دیگر"},
    "ws_n_rows": {"en": "{n} rows", "en_one": "{n} row", "fa": "{n} ردیف"},
    "ws_export": {"en": "Export the workshop (CSV)", "fa": "خروجی کارگاه (CSV)"},
    "ws_export_link": {"en": "Download {file}", "fa": "دریافت {file}"},
    "ws_export_none": {"en": "Nothing to export yet: nobody has voted on this run.",
                       "fa": "هنوز چیزی برای خروجی نیست: کسی روی این اجرا رأی نداده است."},
}
for _dept, _fa in (("design", "طراحی"), ("engineering", "مهندسی"), ("business", "کسب‌وکار"), ("other", "سایر")):
    LABELS[f"dept_{_dept}"] = {"en": _dept, "fa": _fa}
for _level, (_en, _fa) in enumerate((("not a problem", "مشکلی نیست"), ("cosmetic", "ظاهری"), ("minor", "جزئی"),
                                     ("major", "جدی"), ("critical", "بحرانی"))):
    LABELS[f"severity_{_level}"] = {"en": _en, "fa": _fa}   # the workshop's severity levels (kit.workshop.store.SEVERITY)
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


def template(key: str, lang: str = "en", n: int | None = None) -> str:
    """The label ``key`` with its placeholders unfilled; for ``n`` things, English's singular (``en_one``) when one."""
    entry = LABELS[key]
    if language(lang) == "en" and n == 1 and "en_one" in entry:
        return entry["en_one"]
    return entry.get(language(lang)) or entry["en"]


def count(key: str, n: int, lang: str = "en") -> str:
    """``n`` things as the label ``key`` words them (``{n} dots``), in the digits of ``lang``."""
    return template(key, lang, n).format(n=number(n, lang))


def join(parts: Iterable[str], lang: str = "en") -> str:
    """Facts on one line, separated the way ``lang`` separates them (``a · b``, Persian ``a، b``)."""
    return t("sep", lang).join(parts)


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
    lang = language(lang)
    text = format_decimal(value, _pattern(decimals, sign), locale=LOCALES[lang], numbering_system="default")
    return text.translate(PERSIAN_DIGITS) if lang == "fa" else text


@cache
def _pattern(decimals: int, sign: bool) -> NumberPattern:
    """A Babel pattern: grouped thousands, exactly ``decimals`` places, a + before positive numbers if ``sign``."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return parse_pattern(f"+{body};-{body}" if sign else body)
