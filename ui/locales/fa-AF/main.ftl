# رابط کاربری قلم: دری (fa-AF). پیام‌هایی که اینجا نیستند به انگلیسی نشان داده می‌شوند.
# در دری اسم پس از عدد مفرد می‌آید، پس صورت‌های جمع کوتاه اند.

## چوکات برنامه

app-name = قلم
app-tagline = آموزش، بدون انترنت
skip-to-content = رفتن به محتوای اصلی
nav-label = فهرست اصلی
nav-library = کتابخانه
nav-import = وارد کردن بسته‌ها
nav-settings = تنظیمات
language-label = زبان
loading = در حال بارگیری…
retry = دوباره کوشش کنید
cancel = لغو
close = بستن
page-not-found-title = صفحه پیدا نشد
page-not-found-body = این صفحه وجود ندارد. به کتابخانه برگردید.
page-title = { $page } – قلم

## خطاها

error-title = مشکلی پیش آمد
error-details = جزئیات
error-bad_request = درخواست فهمیده نشد.
error-not_found = پیدا نشد. شاید حذف شده باشد.
error-pack_refused = بسته رد شد.
error-untrusted = ناشر این بسته در این دستگاه مورد اعتماد نیست.
error-disk_full = دیسک پُر است. چند بسته را حذف کنید و دوباره کوشش کنید.
error-io = دستگاه نتوانست یک فایل را بخواند یا بنویسد.
error-internal = در داخل قلم مشکلی پیش آمد.
error-unauthenticated = شما از سیستم خارج شده‌اید. برای ادامه دوباره وارد شوید.
error-forbidden = این پروفایل اجازهٔ این کار را ندارد.
error-wrong_pin = رمز یا کد درست نیست.
error-slow_down = تلاش‌های نادرست زیاد بود. کمی صبر کنید و دوباره کوشش کنید.
error-not_yet = این هنوز تمام نشده است.
error-conflict = این کار قبلاً انجام شده است.
error-interrupted = این کار پیش از تمام شدن متوقف شد. برای ادامه دوباره کوشش کنید.
error-unavailable = قلم جواب نمی‌دهد. مطمئن شوید که روشن است و دوباره کوشش کنید.

## کتابخانه

library-title = کتابخانه
library-count =
    { $count ->
        [one] { $count } بستهٔ درسی
       *[other] { $count } بستهٔ درسی
    }
library-empty-title = هنوز هیچ بستهٔ درسی نیست
library-empty-body = بسته‌های درسی روی فلش USB می‌آیند. تسهیل‌کننده فلش را وصل می‌کند و «وارد کردن بسته‌ها» را در بالای صفحه انتخاب می‌کند.
library-empty-action = وارد کردن بسته‌ها
pack-lessons =
    { $count ->
        [one] { $count } درس
       *[other] { $count } درس
    }
pack-quizzes =
    { $count ->
        [one] { $count } آزمونک
       *[other] { $count } آزمونک
    }
pack-size = اندازه
pack-subject = مضمون
pack-level = سطح
pack-version = نسخه
pack-publisher = ناشر
pack-languages = زبان‌ها
pack-installed = تاریخ نصب
pack-untrusted = نامطمئن
pack-untrusted-help = این بسته بدون امضای یک ناشر مورد اعتماد وارد شده است.
pack-open = باز کردن بسته

## مضامین و سطح‌ها

subject-digital-skills = مهارت‌های دیجیتل
subject-language = زبان
subject-numeracy = اعداد و حساب
subject-literacy = خواندن و نوشتن
subject-science = ساینس
subject-life-skills = مهارت‌های زندگی
subject-health = صحت
level-beginner = مبتدی
level-intermediate = متوسط
level-advanced = پیشرفته

## بسته

pack-back = بازگشت به کتابخانه
pack-lessons-title = درس‌ها
lesson-number = درس { $n }
lesson-kind-html = خواندن
lesson-kind-markdown = خواندن
lesson-kind-pdf = سند (PDF)
lesson-kind-video = ویدیو
lesson-kind-audio = شنیدن
lesson-duration =
    { $minutes ->
        [one] { $minutes } دقیقه
       *[other] { $minutes } دقیقه
    }
lesson-has-quiz = آزمونک دارد
pack-remove = حذف این بسته
pack-remove-confirm = «{ $title }» از این دستگاه حذف شود؟
pack-remove-yes = بلی، حذف شود
pack-removed = بسته حذف شد.

## درس

lesson-back = بازگشت به درس‌ها
lesson-position = درس { $n } از { $total }
lesson-prev = درس قبلی
lesson-next = درس بعدی
lesson-pdf-open = باز کردن سند
lesson-pdf-help = سند در برنامهٔ نمایش اسناد باز می‌شود.
lesson-media-fallback = این دستگاه نمی‌تواند این فایل را پخش کند.
lesson-not-found = این درس دیگر در بسته نیست.
lesson-last = این آخرین درس بسته است.

## وارد کردن

import-title = وارد کردن بسته‌های درسی
import-intro = یک فلش USB که بستهٔ درسی دارد وصل کنید. این فهرست خودش تازه می‌شود.
import-scanning = در حال جستجوی فلش USB…
import-no-sources = هیچ فلش USB با بستهٔ درسی پیدا نشد. یکی را وصل کنید، یا در پایین یک مسیر بنویسید.
import-source-packs =
    { $count ->
        [one] { $count } بسته روی این فلش
       *[other] { $count } بسته روی این فلش
    }
import-select-all = انتخاب همه
import-pack-error = این فایل را نمی‌توان به عنوان بستهٔ درسی خواند.
import-pack-version = نسخهٔ { $version }
import-path-title = جای دیگری در این دستگاه
import-path-label = مسیر فایل بسته یا پوشه‌ای که بسته دارد
import-path-add = افزودن
import-path-remove = برداشتن
import-paths-extra = مسیرهای افزوده‌شده
import-allow-untrusted = اجازه دادن به بسته‌های ناشران نامطمئن
import-untrusted-warning = هشدار: هیچ کس بررسی نکرده که بسته‌های نامطمئن را چه کسی ساخته است. فقط وقتی آن‌ها را وارد کنید که بدانید این فلش از کجا آمده و به آن اعتماد دارید.
import-start =
    { $count ->
        [0] وارد کردن
        [one] وارد کردن { $count } بسته
       *[other] وارد کردن { $count } بسته
    }
import-none-selected = دست‌کم یک بسته را برای وارد کردن انتخاب کنید.
import-progress-label = پیشرفت وارد کردن
import-progress-done = { $percent } انجام شد
import-current = در حال وارد کردن: { $file }
import-running = در حال وارد کردن…
import-finished = وارد کردن تمام شد.
import-results = نتیجه‌ها
import-results-summary =
    { $count ->
        [one] { $count } نتیجه
       *[other] { $count } نتیجه
    }
import-go-library = رفتن به کتابخانه
outcome-installed = نصب شد
outcome-updated = تازه شد
outcome-unchanged = از قبل تازه است
outcome-refused = رد شد
outcome-interrupted = نیمه‌کاره ماند

## تنظیمات

settings-title = تنظیمات
settings-language-title = زبان
settings-language-help = زبان صفحه‌ها. اگر بسته این زبان را داشته باشد، درس‌ها هم به همین زبان نشان داده می‌شوند.
settings-trust-title = ناشران مورد اعتماد
settings-trust-help = بسته‌هایی که این ناشران امضا کرده‌اند بدون هشدار وارد می‌شوند.
settings-trust-empty = هنوز هیچ ناشر مورد اعتمادی نیست.
settings-trust-key = کلید
settings-trust-name = نام
settings-trust-added = تاریخ افزودن
settings-trust-add-title = افزودن ناشر مورد اعتماد
settings-trust-add-key = کلید عمومی: متن فایل ‎.pub‎ ناشر را اینجا بچسپانید
settings-trust-add-name = نام (اختیاری)
settings-trust-add-button = افزودن ناشر
settings-trust-add-empty = اول یک کلید عمومی بچسپانید.
settings-trust-added-ok = ناشر { $key } اکنون مورد اعتماد است.
settings-about-title = دربارهٔ قلم
settings-about-version = نسخهٔ قلم
settings-about-ui = نسخهٔ صفحه‌ها
settings-about-data = پوشهٔ داده‌ها
settings-about-transport = اتصال

## USB stick notice, shown on every screen but Import
usb-banner =
    { $count ->
        [one] یک فلش USB با یک بستهٔ درسی وصل است.
       *[other] یک فلش USB با { $count } بستهٔ درسی وصل است.
    }
usb-banner-import = وارد کردن
usb-banner-dismiss = حالا نه

## Why a pack was not imported
import-details = جزئیات
import-reason-not_found = فایل یا پوشه پیدا نشد. مطمئن شوید که فلش USB وصل است.
import-reason-invalid_pack = این فایل خراب است یا تغییر داده شده است. از آن استفاده نکنید و از ناشر یک نسخهٔ تازه بخواهید.
import-reason-untrusted = ناشر این بسته در این دستگاه مورد اعتماد نیست. کلید او را در تنظیمات اضافه کنید، یا اگر از منبع آن مطمئن هستید، ناشران نامطمئن را اجازه دهید.
import-reason-version_conflict = نسخهٔ جدیدتر این درس، یا نسخهٔ دیگری از همین نسخه، از قبل نصب شده است.
import-reason-disk_full = فضای خالی کافی در این کمپیوتر نیست. درس‌های بی‌استفاده را حذف کنید و دوباره کوشش کنید.
import-reason-interrupted = فلش USB در هنگام وارد کردن جدا شد. دوباره وصل کنید و دوباره وارد کنید؛ کاری که انجام شده نگه داشته می‌شود.
import-reason-device_error = کمپیوتر نتوانست درس را ذخیره کند. دوباره کوشش کنید؛ اگر باز هم نشد، کمک بخواهید.

## ورود تسهیل‌کننده

signin-title = ورود تسهیل‌کننده
signin-intro-import = تنها تسهیل‌کننده می‌تواند بسته‌های درسی را وارد کند. نام خود را انتخاب کنید، سپس رمز یا کد خود را بنویسید.
signin-intro-settings = تنها تسهیل‌کننده می‌تواند این تنظیمات را تغییر دهد. نام خود را انتخاب کنید، سپس رمز یا کد خود را بنویسید.
signin-pick = شما کی هستید؟
signin-pin-label = رمز یا کد
signin-pin-help = اعداد را می‌توان به هر خطی نوشت: ۱۲۳، ١٢٣ یا 123.
signin-submit = ورود
signin-busy = در حال ورود…
signin-other-profile = انتخاب نام دیگر
signin-wrong-pin = این رمز یا کد درست نیست. آن را بررسی کنید و دوباره کوشش کنید.
signin-slow-down =
    { $seconds ->
        [one] تلاش‌های نادرست زیاد بود. یک ثانیه صبر کنید، سپس دوباره کوشش کنید.
       *[other] تلاش‌های نادرست زیاد بود. { $seconds } ثانیه صبر کنید، سپس دوباره کوشش کنید.
    }
signin-forbidden = این پروفایل نمی‌تواند بسته‌های درسی را مدیریت کند. تنها تسهیل‌کننده‌ها می‌توانند.
signin-not-found = این پروفایل دیگر در این دستگاه نیست. دوباره انتخاب کنید.
signin-no-profiles = هنوز هیچ پروفایلی در این دستگاه نیست. حساب تسهیل‌کننده با فرمان qalam ساخته می‌شود.
session-signed-in-as = وارد شده:
session-sign-out = خروج
nav-progress = پیشرفت من
nav-learners = شاگردان
forbidden-title = فقط برای تسهیل‌کنندگان
forbidden-body = این صفحه برای تسهیل‌کنندگان است. از یک تسهیل‌کننده کمک بخواهید.

## انتخاب پروفایل (صفحهٔ آغاز) و ورود

picker-title = امروز کی درس می‌خواند؟
picker-intro = تصویر و نام خود را پیدا کنید و روی آن فشار دهید.
picker-search = نام خود را پیدا کنید
picker-search-none = هیچ نامی پیدا نشد. املا را بررسی کنید یا خانه را پاک کنید.
picker-ended-idle = چون مدتی کسی از کمپیوتر استفاده نکرد، از حساب خارج شدید. کار شما ذخیره شده است.
picker-ended-expired = جلسهٔ شما تمام شد. کار شما ذخیره شده است. برای ادامه نام خود را انتخاب کنید.
picker-db-notice = کار ذخیره‌شده روی این کمپیوتر نیاز به بررسی دارد. می‌توانید به درس خواندن ادامه دهید. لطفاً به تسهیل‌کنندهٔ خود بگویید.
picker-db-facilitator = تسهیل‌کنندگان: پایگاه داده را در تنظیمات بررسی کنید
signin-intro-learners = فقط تسهیل‌کننده می‌تواند شاگردان را مدیریت کند. نام خود را انتخاب کنید و رمز خود را بنویسید.
signin-pin-label-learner = رمز شما
signin-pictures-label = چهار تصویر خود را به ترتیب فشار دهید
signin-wrong-pictures = این تصویرها درست نیستند. دوباره کوشش کنید.
signin-slow-down-over = حالا می‌توانید دوباره کوشش کنید.
signin-forbidden-password = این حساب تسهیل‌کننده هنوز رمز ندارد. با فرمان qalam یک رمز بگذارید.
pinpad-label = صفحهٔ اعداد
pinpad-erase = پاک کردن آخرین عدد
pictures-chosen =
    { $count ->
        [0] هنوز هیچ تصویری انتخاب نشده؛ { $total } تصویر لازم است.
       *[other] { $count } از { $total } تصویر انتخاب شد.
    }
pictures-erase = پاک کردن آخرین تصویر
picture-sun = آفتاب
picture-tree = درخت
picture-cat = پشک
picture-fish = ماهی
picture-star = ستاره
picture-house = خانه
picture-apple = سیب
picture-bird = پرنده
picture-flower = گل

## خواندن درس

study-title = پیشرفت شما در این درس
study-completed = درس تمام شد
study-rule-viewed = درس را تا آخر بخوانید، بعد «خواندن را تمام کردم» را فشار دهید.
study-rule-played = برای تمام کردن این درس تا آخر ببینید یا گوش کنید.
study-rule-time = وقت شما در این درس: { $done } از { $needed } دقیقه.
study-rule-quiz = برای تمام کردن این درس در آزمون کامیاب شوید.
study-resumed = به جایی که مانده بودید برگشتید ({ $percent }).
study-saving = در حال ذخیره…
study-saved = ذخیره شد
study-finished-reading = خواندن را تمام کردم
study-mark-done = تمام کردم
study-not-yet = هنوز نه: کمی بیشتر روی این درس وقت بگذارید.
study-take-quiz = آزمون بدهید
study-quiz-again = دوباره آزمون بدهید

## آزمون

quiz-title = آزمون
quiz-back = بازگشت به درس
quiz-unsupported = قلمِ این کمپیوتر هنوز نمی‌تواند سؤال‌های آزمون را نشان دهد. از تسهیل‌کننده بخواهید قلم را تازه کند.
quiz-intro =
    { $count ->
        [one] یک سؤال. با { $needed } کامیاب می‌شوید.
       *[other] { $count } سؤال. با { $needed } کامیاب می‌شوید.
    }
quiz-start = آغاز آزمون
quiz-question-of = سؤال { $n } از { $total }
quiz-progress-label = سؤال‌های جواب‌داده‌شده
quiz-choose-one = یک جواب را انتخاب کنید.
quiz-choose-many = همهٔ جواب‌های درست را انتخاب کنید.
quiz-your-number = جواب شما (یک عدد)
quiz-number-help = می‌توانید ۴۵ یا ٤٥ یا 45 بنویسید.
quiz-your-answer = جواب شما
quiz-check = جوابم را ببین
quiz-right = درست است!
quiz-wrong = درست نیست.
quiz-next = سؤال بعدی
quiz-see-result = نتیجه‌ام را ببینم
quiz-score = نمرهٔ شما
quiz-correct-of = { $correct } از { $total } جواب درست.
quiz-passed = آفرین! در این آزمون کامیاب شدید.
quiz-mastered-before = پیش از این در این آزمون کامیاب شده‌اید.
quiz-not-passed = برای کامیابی { $needed } لازم است. درس را دوباره بخوانید و باز کوشش کنید.
quiz-best = بهترین نمرهٔ شما: { $score }
quiz-lessons-completed =
    { $count ->
        [one] یک درس اکنون تمام شد.
       *[other] { $count } درس اکنون تمام شد.
    }
quiz-course-completed = تمام دوره را به پایان رساندید!
quiz-retry = دوباره کوشش کنید

## پیشرفت من

progress-title = پیشرفت من
progress-intro = آنچه { $name } انجام داده و قدم بعدی.
progress-next-title = حالا چه کنم
progress-next-continue = ادامه دهید:
progress-next-quiz = آزمونِ این درس را بدهید:
progress-next-start = آغاز کنید:
progress-go-continue = ادامه
progress-go-quiz = آزمون بدهید
progress-go-start = آغاز
progress-no-courses = هنوز هیچ دوره‌ای روی این کمپیوتر نیست.
progress-all-done = همه چیز را تمام کرده‌اید. آفرین!
progress-course-done = دوره تمام شد
progress-lessons-done = { $done } از { $total } درس تمام شده
progress-status-done = تمام شده
progress-status-quiz = آزمون مانده
progress-status-started = آغاز شده
progress-status-todo = آغاز نشده
progress-minutes =
    { $minutes ->
        [one] { $minutes } دقیقه
       *[other] { $minutes } دقیقه
    }
progress-quiz-mastered = در آزمون کامیاب شد
progress-quiz-best = آزمون: بهترین نمره { $score }
progress-quiz-todo = هنوز آزمون نداده

## شاگردان (تسهیل‌کنندگان)

learners-title = شاگردان
learners-intro = همهٔ کسانی که از این کمپیوتر استفاده می‌کنند. شاگردان نام خود را در صفحهٔ آغاز انتخاب می‌کنند.
learners-list-title = پروفایل‌ها
learners-role-learner = شاگرد
learners-role-facilitator = تسهیل‌کننده
learners-signin-none = بدون رمز
learners-signin-pin = رمز عددی
learners-signin-pictures = رمز تصویری
learners-signin-password = رمز عبور
learners-rename = تغییر نام
learners-reset = رمز یا تصویر نو
learners-archive = بایگانی
learners-new-name = نام نو
learners-save = ذخیره
learners-archive-confirm = «{ $name }» بایگانی شود؟ نام از صفحهٔ آغاز برداشته می‌شود و پیشرفت نگه داشته می‌شود.
learners-archive-yes = بله، بایگانی شود
learners-archived =
    { $count ->
        [one] یک پروفایل بایگانی‌شده
       *[other] { $count } پروفایل بایگانی‌شده
    }
learners-add-title = افزودن شاگرد
learners-name = نام
learners-colour = رنگ تصویر
learners-facilitator = این شخص تسهیل‌کننده است (می‌تواند بسته وارد کند و شاگردان را مدیریت کند)
learners-password = رمز عبور (۶ تا ۶۴ حرف)
learners-password-rule = رمز عبور تسهیل‌کننده ۶ تا ۶۴ حرف دارد.
learners-signin-how = این شخص چگونه وارد می‌شود؟
learners-kind-pin = با رمز عددی
learners-kind-pictures = با تصویرها
learners-kind-none = بدون رمز
learners-pin = رمز عددی (۴ تا ۶ رقم)
learners-new-pin = رمز عددی نو (۴ تا ۶ رقم)
learners-pin-help = اعداد را به هر خطی می‌توان نوشت: ۱۲۳۴ یا ١٢٣٤ یا 1234.
learners-pin-rule = رمز عددی ۴ تا ۶ رقم دارد.
learners-pictures-help = چهار تصویر را به ترتیب انتخاب کنید و آن‌ها را به همین ترتیب به شاگرد بگویید.
learners-pictures-rule = چهار تصویر انتخاب کنید.
learners-none-help = هر کسی می‌تواند این پروفایل را از صفحهٔ آغاز باز کند.
learners-name-rule = یک نام بنویسید.
learners-add = افزودن
learners-added = { $name } افزوده شد.
learners-renamed = نام اکنون { $name } است.
learners-reset-done = شیوهٔ ورود { $name } تغییر کرد.
learners-archived-done = { $name } بایگانی شد.
colour-red = سرخ
colour-orange = نارنجی
colour-green = سبز
colour-teal = فیروزه‌ای
colour-blue = آبی
colour-purple = بنفش
colour-pink = گلابی
colour-brown = قهوه‌ای
colour-grey = خاکستری
colour-black = سیاه

## پیشرفت مرکز (تسهیل‌کنندگان)

centre-title = پیشرفت مرکز
centre-intro = همهٔ پروفایل‌های این کمپیوتر و دوره‌های آن‌ها.
centre-back = بازگشت به شاگردان
centre-show-archived = نمایش پروفایل‌های بایگانی‌شده
centre-col-learner = نام
centre-col-course = دوره
centre-col-lessons = درس‌های تمام‌شده
centre-col-time = وقت درس
centre-col-quizzes = آزمون‌های کامیاب
centre-col-best = بهترین نمرهٔ آزمون
centre-archived = بایگانی‌شده
centre-completed = تمام شده
centre-not-started = هیچ دوره‌ای آغاز نشده
centre-lessons-of = { $done } از { $total }
centre-minutes =
    { $minutes ->
        [one] { $minutes } دقیقه
       *[other] { $minutes } دقیقه
    }
centre-quizzes-of = { $mastered } از { $total }

## Errors of sync and enrolment
error-not_enrolled = این دستگاه هنوز به سرور مرکز وصل نیست.
error-already_enrolled = این دستگاه از قبل به یک سرور مرکز وصل است.
error-bad_address = این آدرس سرور نیست. آن را این‌طور بنویسید: http://10.0.0.5:7878
error-server_unreachable = سرور مرکز در دسترس نیست. آدرس و شبکه را بررسی کنید و دوباره کوشش کنید.
error-enrol_code_refused = سرور این کد ثبت را نپذیرفت. شاید اشتباه نوشته شده، قبلاً استفاده شده یا تاریخ آن گذشته باشد: کد تازه بخواهید.
error-server_refused = سرور مرکز این دستگاه را رد کرد. از مسئول سرور بپرسید.
error-server_version = سرور مرکز نسخهٔ دیگری از قلم را اجرا می‌کند. نسخهٔ کهنه‌تر را تازه کنید.
error-sync_failed = همگام‌سازی پیش از پایان متوقف شد. دوباره کوشش کنید.

## Settings: sync with the campus server
sync-title = همگام‌سازی با سرور مرکز
sync-help = کاری که روی این دستگاه ثبت می‌شود به سرور مرکز فرستاده می‌شود و کار دستگاه‌های دیگر مرکز برمی‌گردد، هر زمان که سرور در دسترس باشد.
sync-state-syncing = در حال همگام‌سازی…
sync-state-never = هنوز همگام‌سازی نشده است.
sync-state-synced = آخرین همگام‌سازی موفق بود.
sync-state-failed = آخرین همگام‌سازی موفق نبود.
sync-error-server_unreachable = سرور مرکز در دسترس نیست. قلم خودش دوباره کوشش می‌کند.
sync-error-server_refused = سرور مرکز این دستگاه را رد کرد. از مسئول سرور بپرسید.
sync-error-server_version = سرور مرکز نسخهٔ دیگری از قلم را اجرا می‌کند. نسخهٔ کهنه‌تر را تازه کنید.
sync-error-sync_failed = همگام‌سازی پیش از پایان متوقف شد. قلم خودش دوباره کوشش می‌کند.
sync-error-not_enrolled = این دستگاه به سرور مرکز وصل نیست.
sync-error-internal = هنگام همگام‌سازی در این دستگاه مشکلی پیش آمد.
sync-server = سرور
sync-last-sync = آخرین همگام‌سازی
sync-last-attempt = آخرین کوشش
sync-never = هرگز
sync-waiting = در انتظار فرستادن
sync-waiting-count =
    { $count ->
        [0] هیچ
        [one] یک ثبت
       *[other] { $count } ثبت
    }
sync-sent = فرستاده‌شده در آخرین همگام‌سازی
sync-received = دریافت‌شده در آخرین همگام‌سازی
sync-none-yet = هنوز هیچ
sync-exchanged = ثبت‌های ردوبدل‌شده
sync-exchanged-count = { $sent } فرستاده، { $received } دریافت
sync-clock = ساعت
sync-clock-ok = هم‌زمان با سرور
sync-clock-ahead = ساعت این دستگاه { $amount } از ساعت سرور جلوتر است.
sync-clock-behind = ساعت این دستگاه { $amount } از ساعت سرور عقب‌تر است.
sync-now = همین حالا همگام‌سازی کن
sync-running = در حال همگام‌سازی…
sync-next = همگام‌سازی خودکار بعدی { $when }.
sync-enrol-title = این دستگاه را به سرور مرکز وصل کنید
sync-enrol-help = آدرس سرور و یک کد ثبت یک‌بارمصرف را از مسئول سرور بخواهید.
sync-enrol-server = آدرس سرور
sync-enrol-server-example = برای نمونه: http://10.0.0.5:7878
sync-enrol-code = کد ثبت
sync-enrol-button = وصل کن
sync-enrol-working = در حال وصل شدن…
sync-enrol-empty = آدرس سرور و کد ثبت را وارد کنید.
sync-enrolled-ok = این دستگاه اکنون به { $server } وصل است. نخستین همگام‌سازی آغاز شد.
sync-stick-title = یا دستگاه را از فایلی روی فلش USB ثبت کنید
sync-stick-help = اگر ارتباطی با سرور مرکز نیست، مسئول آن می‌تواند یک فایل ثبت را روی فلش USB بنویسد. فلش را وصل کنید، آن را انتخاب کنید و دستگاه را ثبت کنید: به شبکه نیازی نیست.
sync-stick-has-file = روی این فلش یک فایل ثبت هست.
sync-stick-no-file = روی این فلش فایل ثبت پیدا نشد.
sync-stick-server = از آدرس سرور دیگری استفاده کنید
sync-stick-server-help = فقط اگر فایل نام سروری را ندارد، یا آدرس سرور تغییر کرده است. در غیر آن، خالی بگذارید.
sync-stick-button = از این فلش ثبت کن
sync-stick-working = در حال ثبت…
sync-stick-done = این دستگاه اکنون در { $centre } ثبت شد.
sync-stick-done-server = با { $server } همگام می‌شود. نخستین همگام‌سازی ثبت را کامل می‌کند.
sync-stick-done-no-server = فایل نام هیچ سروری را ندارد: کار را با فلش USB ببرید (پایین). نخستین فایل همگام‌سازی که سرور مرکز بار کند ثبت را کامل می‌کند.
sync-stick-delete = اکنون { $file } را از فلش USB پاک کنید: کد ثبت در آن است و کس دیگری می‌تواند از آن استفاده کند.
sync-server-none = هیچ
sync-no-server = این دستگاه آدرس سرور ندارد. کار آن را با فلش USB ببرید (پایین).

## Settings: the database
db-title = پایگاه داده
db-help = قلم هر بار که آغاز می‌شود پایگاه داده‌اش را بررسی می‌کند.
db-ok = پایگاه داده سالم است.
db-checking = در حال بررسی پایگاه داده…
db-unchecked = پایگاه داده هنوز بررسی نشده است.
db-damaged = پایگاه داده آسیب دیده است.
db-damaged-help = شاگردان می‌توانند به کار ادامه دهند، اما تا ترمیم، بخشی از کار شاید دیده نشود.
db-problems = آنچه بررسی یافت
db-backups = پشتیبان‌هایی که ترمیم می‌تواند به کار ببرد
db-took = مدت آخرین بررسی
db-took-value = { $seconds } ثانیه
db-repair = پایگاه داده را ترمیم کن
db-repair-confirm = ترمیم، پایگاه داده را از تازه‌ترین پشتیبان و از هر ثبتی که هنوز خوانا است دوباره می‌سازد. فایل‌های آسیب‌دیده در پوشهٔ جداگانه نگه داشته می‌شوند. این کار شاید یک دقیقه طول بکشد و دیگران در این مدت منتظر می‌مانند. همین حالا ترمیم شود؟
db-repair-yes = بله، همین حالا ترمیم کن
db-repairing = در حال ترمیم پایگاه داده…
db-repair-steps = کارهایی که ترمیم انجام داد
db-repaired-ok = پایگاه داده ترمیم شد و بررسی را گذراند.
db-repaired-problems = ترمیم پایان یافت، اما بررسی هنوز مشکلاتی می‌یابد:

## Settings: sync by USB stick
usb-sync-title = همگام‌سازی با فلش USB
usb-sync-help = وقتی سرور مرکز در دسترس نیست، کار را با فلش USB ببرید: فایل همگام‌سازی این دستگاه را روی فلش ذخیره کنید و در سرور وارد کنید؛ سپس فایلی را که سرور برای این دستگاه می‌نویسد برگردانید و این‌جا بار کنید.
usb-sync-no-stick = هیچ فلش USB پیدا نشد. یکی را وصل کنید: خودش این‌جا نشان داده می‌شود.
usb-sync-choose = فلش USB
usb-sync-save = ذخیرهٔ فایل همگام‌سازی روی فلش
usb-sync-saving = در حال ذخیرهٔ فایل همگام‌سازی…
usb-sync-saved =
    { $count ->
        [0] فایل همگام‌سازی ذخیره شد ({ $size }). چیز تازه‌ای برای فرستادن نیست: سرور همهٔ ثبت‌های این دستگاه را دارد.
        [one] فایل همگام‌سازی با یک ثبت ذخیره شد ({ $size }).
       *[other] فایل همگام‌سازی با { $count } ثبت ذخیره شد ({ $size }).
    }
usb-sync-saved-next = فلش را به سرور مرکز ببرید و فایل را در آن‌جا وارد کنید.
usb-sync-files = فایل‌های همگام‌سازی روی این فلش
usb-sync-no-files = هنوز هیچ فایل همگام‌سازی روی این فلش نیست.
usb-sync-file-ready = از سرور مرکز، برای این دستگاه. آمادهٔ بار کردن.
usb-sync-file-outgoing = در این دستگاه ساخته شده. آن را به سرور مرکز ببرید.
usb-sync-refused-bundle_tampered = این فایل پس از نوشته شدن تغییر کرده یا خراب شده است. بار نمی‌شود: آن را دوباره بنویسید.
usb-sync-refused-bundle_other_org = این فایل مال سازمان دیگری است. این‌جا بار نمی‌شود.
usb-sync-refused-bundle_other_device = این فایل برای دستگاه دیگری است. آن را در همان دستگاه بار کنید.
usb-sync-refused-bundle_unreadable = این فایل همگام‌سازی قلم نیست، یا از نسخهٔ جدیدتر قلم است.
usb-sync-refused-not_enrolled = این دستگاه هنوز به سرور مرکز وصل نیست، پس نمی‌تواند فایل‌های همگام‌سازی را بررسی کند.
usb-sync-refused-other = این فایل این‌جا بار نمی‌شود.
usb-sync-load = بار کردن
usb-sync-load-file = بار کردن { $file }
usb-sync-loading = در حال بار کردن فایل همگام‌سازی…
usb-sync-loaded =
    { $count ->
        [0] بار شد. چیز تازه‌ای نبود: این دستگاه همهٔ آن را از قبل داشت.
        [one] یک ثبت تازه بار شد ({ $known } از قبل این‌جا بود).
       *[other] { $count } ثبت تازه بار شد ({ $known } از قبل این‌جا بود).
    }
usb-sync-peers-help = لپ‌تاپ‌های این مرکز می‌توانند بدون سرور هم کار را به یکدیگر بدهند: این‌جا یک فایل برای لپ‌تاپ‌های دیگر ذخیره کنید، سپس آن را در لپ‌تاپ دیگری از این مرکز بار کنید.
usb-sync-save-peers = ذخیرهٔ فایل برای لپ‌تاپ‌های دیگر
usb-sync-saving-peers = در حال ذخیرهٔ فایل برای لپ‌تاپ‌های دیگر…
usb-sync-saved-peers =
    { $count ->
        [0] فایل برای لپ‌تاپ‌های دیگر ذخیره شد ({ $size }). هنوز هیچ ثبتی در آن نیست.
        [one] فایل برای لپ‌تاپ‌های دیگر با یک ثبت ذخیره شد ({ $size }).
       *[other] فایل برای لپ‌تاپ‌های دیگر با { $count } ثبت ذخیره شد ({ $size }).
    }
usb-sync-saved-peers-next = فلش را به لپ‌تاپ دیگری از این مرکز وصل کنید. در آن‌جا تنظیمات را باز کنید و کنار این فایل «بار کردن» را بزنید.
usb-sync-file-ready-peers = از لپ‌تاپ دیگری از این مرکز. آمادهٔ بار کردن.
usb-sync-file-outgoing-peers = در این لپ‌تاپ برای لپ‌تاپ‌های دیگر این مرکز ساخته شده. آن را در یکی از آن‌ها بار کنید.
usb-sync-refused-bundle_other_centre = این فایل از لپ‌تاپی در مرکز دیگری است. لپ‌تاپ‌ها فقط در داخل مرکز خودشان فایل رد و بدل می‌کنند.
usb-sync-refused-not_certified = این لپ‌تاپ هنوز نمی‌تواند فایل‌های لپ‌تاپ‌های دیگر را بررسی کند. اول یک بار آن را با سرور مرکز همگام کنید، از راه شبکه یا با فلش USB.
error-stick_missing = فلش USB دیگر وصل نیست. دوباره وصل کنید و دوباره انتخابش کنید.
error-bundle_tampered = این فایل همگام‌سازی پس از نوشته شدن تغییر کرده یا خراب شده است. چیزی بار نشد: آن را دوباره بنویسید.
error-bundle_other_org = این فایل همگام‌سازی مال سازمان دیگری است. چیزی بار نشد.
error-bundle_other_device = این فایل همگام‌سازی برای دستگاه دیگری است. چیزی بار نشد.
error-bundle_own = این فایل همگام‌سازی در همین دستگاه ساخته شده است. به جای آن، آن را به سرور مرکز ببرید.
error-bundle_unreadable = این فایل همگام‌سازی قلم نیست، یا از نسخهٔ جدیدتر قلم است. چیزی بار نشد.
error-bundle_other_centre = این فایل همگام‌سازی از لپ‌تاپی در مرکز دیگری است. چیزی بار نشد.
error-not_certified = این لپ‌تاپ باید اول یک بار با سرور مرکز همگام شود: از راه شبکه، یا یک رفت و برگشت با فلش USB (فایل همگام‌سازی آن را ذخیره کنید، در سرور وارد کنید، سپس فایل سرور را این‌جا بار کنید). بعد دوباره کوشش کنید.
error-enrolment_file_missing = روی این فلش USB فایل ثبت نیست. از مسئول سرور مرکز بخواهید یکی روی آن بنویسد.
error-enrolment_file_bad = این فایل ثبت قلم نیست، یا از نسخهٔ جدیدتر قلم است. از مسئول یک فایل تازه بخواهید.

## Settings: course packs from the campus server
catalogue-title = بسته‌های درسی از سرور
catalogue-help = سرور مرکز بسته‌های درسی سازمان شما را پیشنهاد می‌کند. آن‌ها را این‌جا دانلود کنید: هر بسته پیش از نصب بررسی می‌شود، مانند بسته‌ای که از فلش USB می‌آید.
catalogue-not-enrolled = این دستگاه هنوز به سرور مرکز وصل نیست. آن را در بخش «همگام‌سازی با سرور مرکز» در بالا وصل کنید تا بسته‌های درسی سرور این‌جا نشان داده شوند.
catalogue-offline = سرور مرکز اکنون در دسترس نیست. شبکه را بررسی کنید و دوباره کوشش کنید.
catalogue-empty = سرور مرکز هنوز هیچ بستهٔ درسی پیشنهاد نمی‌کند.
catalogue-version = نسخهٔ { $version }
catalogue-installed = نصب شده
catalogue-not-installed = در این دستگاه نیست
catalogue-update = تازه‌سازی موجود است (نسخهٔ { $installed } نصب است)
catalogue-downloading = در حال دانلود…
catalogue-download = دانلود
catalogue-download-pack = دانلود { $title }
catalogue-update-button = تازه‌سازی
catalogue-update-pack = تازه‌سازی { $title }
catalogue-downloading-pack = در حال دانلود { $title }
catalogue-progress = { $done } از { $total }
catalogue-starting = دانلود آغاز می‌شود…
catalogue-done = دانلود و نصب شد.
catalogue-refresh = دوباره از سرور بپرسید
catalogue-failed-interrupted = دانلود قطع شد. دوباره «دانلود» را بزنید: از همان‌جا که ماند ادامه می‌یابد.
catalogue-failed-untrusted = ناشر این بسته در این دستگاه مورد اعتماد نیست. کلید او را در «ناشران مورد اعتماد» اضافه کنید و دوباره دانلود کنید.
catalogue-failed-invalid_pack = فایل دانلود شده خراب بود یا تغییر داده شده بود، پس نصب نشد. دوباره کوشش کنید؛ اگر باز هم نشد، به مسئول سرور بگویید.
catalogue-failed-disk_full = فضای خالی کافی در این کمپیوتر نیست. درس‌های بی‌استفاده را حذف کنید و دوباره کوشش کنید.
catalogue-failed-not_found = سرور دیگر این بسته را پیشنهاد نمی‌کند. دوباره از سرور بپرسید.
catalogue-failed-server_unreachable = سرور مرکز در دسترس نیست. شبکه را بررسی کنید، سپس دوباره «دانلود» را بزنید: از همان‌جا که ماند ادامه می‌یابد.
catalogue-failed-version_conflict = نسخهٔ جدیدتر این درس از قبل نصب شده است.
catalogue-failed-other = بسته دانلود نشد. دوباره کوشش کنید.
