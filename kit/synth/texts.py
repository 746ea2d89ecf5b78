"""The words customers write: open-answer and social-post templates in English and Persian.

Answers are assembled as ``prefix + core + suffix`` where each part is picked by an index array,
so a million rows cost a few array operations and still read varied. Cores are grouped by theme
so the ratings model can steer who complains about what (overloaded customers mostly complain
about the flood of messages). ``{n}`` slots are expanded here into several numbers, in ASCII and
Persian digits, because real Persian answers mix both.
"""

from __future__ import annotations

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

DISLIKED: dict[str, dict[str, list[str]]] = {
    "too_many_messages": {
        "en": [
            "I get {n} emails a day from you. Meal plan, reminder, then a reminder about the reminder.",
            "Way too many messages. I stopped opening any of them after the first week.",
            "The app pings me {n} times a day to log water. I muted it and now I miss the important ones.",
            "Every morning a meal plan email, every noon a push, every evening an SMS check-in. "
            "It feels like being nagged.",
            "Too many notifications!! I counted {n} in one day.",
            "I can't find my actual plan among all the newsletters and tips.",
            "You send me so many instructions that I feel like I'm failing before I even start.",
            "Please stop texting me at 7am asking if I ate breakfast.",
            "The PDF guides keep coming. I have {n} of them now and have read none.",
            "My inbox is full of NourishPath. My partner jokes that I'm dating my diet coach.",
            "Reminders for everything: water, steps, weighing, logging, reading the guide. It's exhausting.",
            "I unsubscribed from the newsletter but the reminders kept coming.",
            "Honestly the amount of messages made me want to cancel.",
            "I wanted coaching, not a spam machine.",
            "Got {n} push notifications before lunch. That's not support, that's noise.",
            "Each message contradicts the last one. One says eat more protein, the next says cut portions.",
            "The check-in texts feel automated and guilt-trippy.",
            "Too much reading. I just want to know what to cook tonight.",
            "The reminders start at 6:30 and go on until bedtime.",
            "I turned off notifications for the whole app, it was the only way to get some peace.",
        ],
        "fa": [
            "روزی {n} تا ایمیل ازتون می‌گیرم. برنامه‌ی غذایی، یادآوری، بعد یادآوری برای همون یادآوری.",
            "پیام‌ها خیلی زیاده. از هفته‌ی دوم دیگه هیچ‌کدوم رو باز نمی‌کنم.",
            "اپ روزی {n} بار بهم یادآوری می‌کنه آب بخورم. صداش رو بستم و حالا پیام‌های مهم رو هم نمی‌بینم.",
            "صبح ایمیل، ظهر نوتیفیکیشن، شب پیامک. حس می‌کنم همه‌ش دارن بهم گیر می‌دن.",
            "یه روز شمردم، {n} تا نوتیفیکیشن اومده بود!",
            "برنامه‌ی اصلی‌ام رو لای این همه خبرنامه و نکته پیدا نمی‌کنم.",
            "اون‌قدر دستورالعمل می‌فرستید که قبل از شروع حس می‌کنم شکست خوردم.",
            "لطفاً ساعت هفت صبح پیامک ندید که صبحانه خوردی یا نه.",
            "فایل‌های PDF پشت سر هم میان. الان {n} تا دارم و هیچ‌کدوم رو نخوندم.",
            "صندوق ایمیلم پر شده از پیام‌های شما.",
            "برای همه‌چیز یادآوری هست: آب، قدم، وزن، ثبت غذا، خوندن راهنما. واقعاً خسته‌کننده‌ست.",
            "از خبرنامه لغو اشتراک کردم ولی یادآوری‌ها همچنان میاد.",
            "راستش حجم پیام‌ها باعث شد بخوام اشتراکم رو لغو کنم.",
            "من مربی می‌خواستم، نه یه دستگاه اسپم.",
            "تا ظهر {n} تا نوتیفیکیشن گرفتم. این پشتیبانی نیست، سروصداست.",
            "هر پیام با قبلی فرق داره؛ یکی می‌گه پروتئین بیشتر بخور، بعدی می‌گه وعده‌ها رو کم کن.",
            "پیامک‌های پیگیری خیلی ماشینی‌ان و آدم رو سرزنش می‌کنن.",
            "خوندنی‌ها خیلی زیاده. فقط می‌خوام بدونم امشب چی بپزم.",
            "یادآوری‌ها از شش و نیم صبح شروع می‌شه تا آخر شب.",
            "نوتیفیکیشن کل اپ رو خاموش کردم، تنها راه آرامش همین بود.",
        ],
    },
    "confusing_instructions": {
        "en": [
            "The meal plan says 120 g of rice but the recipe card says one cup. Which one?",
            "The instructions for fasting days are confusing, I did it wrong for two weeks.",
            "The PDF guide and the app say different things about snacks.",
            "I don't understand how to log a meal I cooked myself.",
            "Portion sizes are explained in three different units.",
            "The shopping list doesn't match this week's recipes.",
            "Nobody explained what 'green days' mean, and the guide is 40 pages long.",
            "Too many rules at once in the first week. I didn't know where to start.",
            "The swap rules are confusing: can I replace chicken with tofu or not?",
            "The setup instructions assume I already know the program.",
            "Week 3 instructions replaced week 2 halfway through and I never noticed.",
            "I printed the plan and it was already out of date the next morning.",
        ],
        "fa": [
            "برنامه‌ی غذایی می‌گه ۱۲۰ گرم برنج ولی کارت دستور پخت می‌گه یه پیمونه. کدومش درسته؟",
            "دستورالعمل روزهای فستینگ گیج‌کننده‌ست؛ دو هفته اشتباه انجامش دادم.",
            "راهنمای PDF با اپ درباره‌ی میان‌وعده دو چیز متفاوت می‌گن.",
            "نمی‌فهمم غذایی که خودم پختم رو چطور ثبت کنم.",
            "اندازه‌ی وعده‌ها با سه واحد مختلف توضیح داده شده.",
            "لیست خرید با دستور پخت‌های این هفته جور درنمیاد.",
            "کسی توضیح نداد «روزهای سبز» یعنی چی، راهنما هم چهل صفحه‌ست.",
            "هفته‌ی اول یک‌دفعه کلی قانون دادید. نمی‌دونستم از کجا شروع کنم.",
            "قانون جایگزینی گیج‌کننده‌ست: می‌تونم جای مرغ توفو بخورم یا نه؟",
            "راهنمای شروع فرض کرده من از قبل برنامه رو بلدم.",
            "وسط هفته دستورالعمل هفته‌ی سوم جای هفته‌ی دوم رو گرفت و من اصلاً نفهمیدم.",
            "برنامه رو چاپ کردم و فردا صبحش دیگه قدیمی شده بود.",
        ],
    },
    "app_crash_payment": {
        "en": [
            "The app crashed three times at the payment step.",
            "Payment failed, but I was still charged. Twice.",
            "Checkout froze on the card screen and I had to start over.",
            "Renewing in the app is impossible, it closes as soon as I tap Pay.",
            "I tried to upgrade to premium and got 'something went wrong' every time.",
            "The app logs me out in the middle of paying.",
            "The bank page opens and then the app crashes, no confirmation.",
            "Couldn't pay in the app so I had to call, which took 40 minutes.",
            "The payment page doesn't accept my card and no message explains why.",
            "After paying I got an error and still don't know if my plan is active.",
        ],
        "fa": [
            "اپ سه بار موقع پرداخت بسته شد.",
            "پرداخت ناموفق بود ولی پول از حسابم کم شد. دو بار!",
            "صفحه‌ی کارت موقع پرداخت هنگ کرد و مجبور شدم از اول شروع کنم.",
            "تمدید از توی اپ ممکن نیست؛ تا روی پرداخت می‌زنم اپ بسته می‌شه.",
            "خواستم به اشتراک ویژه ارتقا بدم و هر بار خطای «مشکلی پیش آمد» گرفتم.",
            "وسط پرداخت از حسابم خارج می‌شم.",
            "درگاه بانک باز می‌شه و بعد اپ کرش می‌کنه، هیچ تأییدیه‌ای هم نمیاد.",
            "نتونستم توی اپ پرداخت کنم، زنگ زدم و چهل دقیقه طول کشید.",
            "صفحه‌ی پرداخت کارتم رو قبول نمی‌کنه و هیچ پیغامی هم نمی‌ده که چرا.",
            "بعد از پرداخت پیام خطا اومد و نمی‌دونم اشتراکم فعاله یا نه.",
        ],
    },
    "phone_wait": {
        "en": [
            "Waited {n} minutes on hold to ask one simple question.",
            "Phone support put me on hold, then the line dropped.",
            "Called three times about a refund, each time a different answer.",
            "The hold music is the only consistent part of your support.",
            "Support promised a callback that never came.",
            "It took {n} minutes to reach a person and then they transferred me.",
            "You're quick to send messages but slow to answer the phone.",
            "The phone menu has six levels and none of them is 'talk to my coach'.",
        ],
        "fa": [
            "{n} دقیقه پشت خط موندم برای یه سؤال ساده.",
            "پشتیبانی تلفنی من رو منتظر گذاشت و بعد تماس قطع شد.",
            "سه بار برای بازگشت وجه زنگ زدم و هر بار یه جواب متفاوت شنیدم.",
            "قول دادن باهام تماس بگیرن ولی هیچ‌وقت زنگ نزدن.",
            "{n} دقیقه طول کشید تا یه نفر جواب بده، بعدش هم وصلم کرد به یه نفر دیگه.",
            "پیام فرستادن‌تون سریعه ولی جواب دادن به تلفن خیلی کند.",
            "منوی تلفنی شش مرحله داره و هیچ‌کدومش «صحبت با مربی» نیست.",
            "پشتیبانی فقط ساعت اداری جواب می‌ده، وقتی من سر کارم.",
        ],
    },
    "price": {
        "en": [
            "Too expensive for what is mostly emails.",
            "Premium costs double but the only difference is more reminders.",
            "The price went up at renewal without warning.",
            "I pay every month and still have to buy special ingredients.",
            "The corporate plan is fine, but on my own I couldn't afford it.",
            "The renewal price was a surprise on my card statement.",
        ],
        "fa": [
            "برای چیزی که بیشترش ایمیله، خیلی گرونه.",
            "اشتراک ویژه دو برابر قیمت داره ولی تنها فرقش یادآوری‌های بیشتره.",
            "موقع تمدید، قیمت بدون اطلاع قبلی بالا رفت.",
            "هر ماه پول می‌دم و باز باید مواد اولیه‌ی خاص بخرم.",
            "با این تورم، قیمت برای من زیاده.",
            "مبلغ تمدید رو یهو توی صورت‌حساب کارتم دیدم.",
        ],
    },
    "bland_recipes": {
        "en": [
            "The recipes are repetitive, chicken and broccoli again.",
            "Some meals take an hour to cook on a weeknight.",
            "Ingredients are hard to find where I live.",
            "Portions are too small, I'm hungry by 4pm.",
        ],
        "fa": [
            "دستور پخت‌ها تکراریه، باز هم مرغ و بروکلی.",
            "بعضی غذاها وسط هفته یک ساعت پخت می‌خوان.",
            "پیدا کردن بعضی مواد توی شهر ما سخته.",
            "وعده‌ها کمه، ساعت چهار عصر گرسنه‌ام.",
            "غذاها با ذائقه‌ی ایرانی جور نیست.",
        ],
    },
    "nothing": {
        "en": ["Nothing really.", "Can't think of anything.", "All good so far.", "No complaints.", "n/a", "-"],
        "fa": ["چیزی نبود.", "فعلاً همه‌چیز خوبه.", "گله‌ای ندارم.", "نه، چیزی به ذهنم نمی‌رسه."],
    },
}

LIKED: dict[str, dict[str, list[str]]] = {
    "great_coach": {
        "en": [
            "My coach Sara actually listens and adjusts the plan.",
            "The weekly call with my coach keeps me going.",
            "My coach answered at 9pm when I was about to give up.",
            "Having a real person who remembers my goals.",
            "My coach noticed I was stressed and made the week easier.",
            "Coach feedback on my food photos is really helpful.",
            "The one-to-one sessions are worth the money.",
            "My coach explained things better than all the PDFs together.",
        ],
        "fa": [
            "مربی‌ام واقعاً گوش می‌ده و برنامه رو تنظیم می‌کنه.",
            "تماس هفتگی با مربی انگیزه‌ام رو نگه می‌داره.",
            "ساعت نه شب که می‌خواستم ول کنم، مربی‌ام جواب داد.",
            "اینکه یه آدم واقعی هست که هدف‌هام یادش می‌مونه.",
            "مربی فهمید تحت فشارم و برنامه‌ی هفته رو سبک‌تر کرد.",
            "بازخورد مربی روی عکس غذاهام خیلی کمکم می‌کنه.",
            "جلسه‌های خصوصی با مربی ارزش پولش رو داره.",
            "مربی‌ام از همه‌ی اون PDFها بهتر توضیح داد.",
        ],
    },
    "tasty_recipes": {
        "en": [
            "The recipes are tasty and my kids eat them too.",
            "Loved the lentil soup recipe.",
            "Meals are simple and quick on weekdays.",
            "I learned to cook vegetables I had never tried.",
            "The Friday treat recipes are great.",
            "Recipes use normal ingredients from the supermarket.",
        ],
        "fa": [
            "غذاها خوشمزه‌ان و بچه‌هام هم می‌خورن.",
            "دستور سوپ عدس عالی بود.",
            "غذاهای وسط هفته ساده و سریع‌ان.",
            "یاد گرفتم سبزی‌هایی بپزم که قبلاً امتحان نکرده بودم.",
            "نسخه‌ی سبک قورمه‌سبزی فوق‌العاده بود.",
            "دستور پخت‌ها با مواد معمولی سوپرمارکت درست می‌شن.",
        ],
    },
    "weight_progress": {
        "en": [
            "Lost {kg} kg in two months.",
            "My blood sugar numbers are better.",
            "I fit into my old jeans again.",
            "The progress chart is motivating.",
            "Down {kg} kg and I feel more energetic.",
        ],
        "fa": [
            "توی دو ماه {kg} کیلو کم کردم.",
            "قند خونم بهتر شده.",
            "دوباره شلوار قدیمی‌ام اندازه‌م شد.",
            "نمودار پیشرفت بهم انگیزه می‌ده.",
            "{kg} کیلو کم کردم و انرژی‌ام بیشتر شده.",
        ],
    },
    "easy_app": {
        "en": [
            "Logging meals with the barcode scanner is quick.",
            "The app's weekly summary is clear.",
            "Photo logging is easy.",
            "I like the water tracker widget.",
        ],
        "fa": [
            "ثبت غذا با اسکن بارکد سریعه.",
            "خلاصه‌ی هفتگی اپ واضحه.",
            "ثبت غذا با عکس خیلی راحته.",
            "ویجت ثبت آب رو دوست دارم.",
        ],
    },
    "price_value": {
        "en": [
            "The corporate plan through my employer makes it free for me.",
            "The first month discount was a good deal.",
            "Cheaper than a personal dietitian.",
        ],
        "fa": [
            "از طریق شرکتم اشتراک دارم و برای خودم رایگانه.",
            "تخفیف ماه اول خوب بود.",
            "از مشاور تغذیه‌ی حضوری ارزون‌تره.",
        ],
    },
    "nothing": {
        "en": ["Nothing in particular.", "Hard to say.", "Not much, to be honest.",
               "I liked the first week, before the emails started."],
        "fa": ["چیز خاصی نه.", "راستش چیزی یادم نمیاد.", "سخته بگم.",
               "هفته‌ی اول خوب بود، قبل از اینکه سیل ایمیل‌ها شروع بشه."],
    },
}

# Prefixes and suffixes are whole phrases so no case changes are needed when they are glued on.
PREFIX = {
    "en": ["Honestly? ", "Where do I start. ", "Short answer: ", "Ok so. ", "Hmm. ", "Well... "],
    "fa": ["راستش، ", "والا ", "خلاصه بگم: ", "ببینید، ", "اممم. ", "انصافاً "],
}
SUFFIX_NEG = {
    "en": [" Please fix this.", " Really.", " 😤", " Not ok.", " I'm thinking of cancelling.", "!!"],
    "fa": [" لطفاً درستش کنید.", " واقعاً.", " 😤", " اصلاً خوب نیست.", " دارم به لغو فکر می‌کنم.", "!!"],
}
SUFFIX_POS = {
    "en": [" Thanks!", " 🙂", " Keep it up.", " Best part of the program.", " 👍"],
    "fa": [" ممنون!", " 🙂", " دمتون گرم.", " بهترین بخش برنامه.", " 👍"],
}

SOCIAL_ONLY = {
    "en": [
        "Day 12 of @NourishPath: {n} emails, 3 push reminders an hour, 0 idea what I'm supposed to eat 🙃",
        "Is it just me or does @NourishPath send a reminder to read the reminder? #NourishPath",
        "Unsubscribed from @NourishPath newsletters, still got {n} messages this week. Impressive.",
        "My fridge is wallpapered with @NourishPath meal plans and I still cooked pasta.",
        "Cancelled @NourishPath today. The coach was great, the flood of messages was not.",
        "Shoutout to my @NourishPath coach who actually talked me off the ledge this week 💚",
        "@NourishPath payment page crashed again. Take my money, please?",
        "{n} minutes on hold with @NourishPath support. Still waiting.",
    ],
    "fa": [
        "روز دوازدهم با نوریش‌پث: {n} تا ایمیل، ساعتی سه تا یادآوری، و هنوز نمی‌دونم چی باید بخورم 🙃",
        "فقط من این‌طوریم یا نوریش‌پث برای خوندن یادآوری هم یادآوری می‌فرسته؟ #نوریش_پث",
        "از خبرنامه‌ی نوریش‌پث لغو اشتراک کردم، باز این هفته {n} تا پیام اومد.",
        "در یخچالم پر از برنامه‌ی غذایی نوریش‌پث شده و آخرش ماکارونی پختم.",
        "امروز اشتراک نوریش‌پث رو لغو کردم. مربی عالی بود، سیل پیام‌ها نه.",
        "مرسی از مربی نوریش‌پث که این هفته نذاشت کم بیارم 💚",
        "صفحه‌ی پرداخت نوریش‌پث دوباره کرش کرد. آخه پولم رو بگیرید دیگه!",
        "{n} دقیقه پشت خط پشتیبانی نوریش‌پث. هنوز منتظرم.",
    ],
}
SOCIAL_TAGS = {
    "en": ["", " #NourishPath", " #dietcoaching", " #inboxzero", " @NourishPath"],
    "fa": ["", " #نوریش_پث", " #رژیم", " #تغذیه"],
}

SLOTS = {"{n}": (12, 15, 20, 25, 30, 40), "{kg}": (3, 4, 5, 7)}


def expand(templates: list[str], lang: str) -> list[str]:
    """Fill number slots with several values; Persian templates get both digit systems."""
    out: list[str] = []
    for t in templates:
        slot = next((s for s in SLOTS if s in t), None)
        if slot is None:
            out.append(t)
            continue
        for n in SLOTS[slot]:
            out.append(t.replace(slot, str(n)))
            if lang == "fa":
                out.append(t.replace(slot, str(n).translate(FA_DIGITS)))
    return out
