"""The gate's own words (login, the list of runs, refusals) in the languages the pages speak."""

from __future__ import annotations

from kit.core import i18n

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "brand": "Experience gallery", "login_title": "Log in", "log_in": "Log in", "log_out": "Log out",
        "login_intro": "This gallery is shared with your team. Log in with the name and password you were given.",
        "username": "Name", "password": "Password", "bad_login": "That name and password do not match.",
        "runs_title": "Runs on this server", "project": "Project", "finished": "Finished", "nps": "NPS (95% interval)",
        "exhibits": "Exhibits", "workshop": "Workshop", "pages": "Pages", "held": "held", "not_held": "not yet",
        "overview": "Overview", "gallery": "Gallery", "negative": "Negative room", "board": "Room board",
        "presenter": "Presenter",
        "no_runs": "No run is served here yet. Run `cxkit run PROJECT` and reload this page.",
        "back": "Back to the runs", "not_found": "Not here", "not_found_text": "There is no page at this address.",
        "forbidden": "Not for this login", "forbidden_text": "Your login does not give access to this page.",
        "host_text": "This server does not answer to that name.",
        "busy": "Busy", "busy_text": "The page server did not answer in time. Reload the page in a moment.",
    },
    "fa": {
        "brand": "گالری تجربه", "login_title": "ورود", "log_in": "ورود", "log_out": "خروج",
        "login_intro": "این گالری با تیم شما به اشتراک گذاشته شده است. با نام و گذرواژه‌ای که به شما داده‌اند وارد شوید.",
        "username": "نام", "password": "گذرواژه", "bad_login": "این نام و گذرواژه با هم نمی‌خوانند.",
        "runs_title": "اجراهای این سرور", "project": "پروژه", "finished": "پایان", "nps": "NPS (بازهٔ ۹۵٪)",
        "exhibits": "نمایه‌ها", "workshop": "کارگاه", "pages": "صفحه‌ها", "held": "برگزار شد", "not_held": "هنوز نه",
        "overview": "نمای کلی", "gallery": "گالری", "negative": "اتاق تجربه‌های منفی", "board": "تابلوی اتاق",
        "presenter": "نمایش برای جمع",
        "no_runs": "هنوز اجرایی اینجا نیست. `cxkit run PROJECT` را اجرا کنید و این صفحه را دوباره باز کنید.",
        "back": "بازگشت به اجراها", "not_found": "اینجا نیست", "not_found_text": "در این نشانی صفحه‌ای نیست.",
        "forbidden": "برای این ورود نیست", "forbidden_text": "ورود شما به این صفحه دسترسی نمی‌دهد.",
        "host_text": "این سرور به این نام پاسخ نمی‌دهد.",
        "busy": "سرور مشغول است", "busy_text": "سرور صفحه‌ها به‌موقع پاسخ نداد. کمی بعد صفحه را دوباره باز کنید.",
    },
}


def words(lang: str) -> dict[str, str]:
    """Every word of the gate's pages in ``lang`` (English where a word is not translated)."""
    return {**WORDS["en"], **WORDS.get(i18n.language(lang), {})}
