# سرور مرکز قلم، صفحهٔ مدیریت: دری.

## همه صفحه‌ها
admin-title = مدیریت سرور قلم
skip-to-content = رفتن به محتوای اصلی
language-label = زبان
language-change = تغییر زبان
signed-in-as = وارد شده به نام { $name }
scope-server = مدیر تمام سرور
scope-org = مدیر یک موسسه
sign-out = خروج
breadcrumb-label = جای شما
times-in-utc = وقت‌ها به وقت جهانی (UTC) است.
col-name = نام
col-id = شناسه
col-created = تاریخ ساخت

## ورود
signin-title = ورود
signin-intro = برای مدیران این سرور مرکز. حساب مدیر با فرمان «qalam server admin add» ساخته می‌شود.
signin-name = نام
signin-password = رمز
signin-submit = ورود
signin-wrong = این نام یا رمز درست نیست. آن را بررسی کنید و دوباره کوشش کنید.
signin-slow-down =
    { $seconds ->
        [one] رمزهای نادرست زیاد بود. یک ثانیه صبر کنید، سپس دوباره کوشش کنید.
       *[other] رمزهای نادرست زیاد بود. { $seconds } ثانیه صبر کنید، سپس دوباره کوشش کنید.
    }
signed-out = شما خارج شدید.

## موسسه‌ها
orgs-title = موسسه‌ها
orgs-empty = هنوز هیچ موسسه‌ای نیست. اولین آن را در پایین اضافه کنید.
orgs-add-title = افزودن موسسه
orgs-add-name = نام موسسه
orgs-add-submit = افزودن موسسه

## یک موسسه و مرکزهای آن
org-title = موسسه: { $name }
centres-title = مرکزهای آموزشی
centres-empty = این موسسه هنوز مرکزی ندارد. یک مرکز را در پایین اضافه کنید.
centres-add-title = افزودن مرکز
centres-add-name = نام مرکز
centres-add-submit = افزودن مرکز

## یک مرکز و دستگاه‌های آن
centre-title = مرکز: { $name }
devices-title = دستگاه‌ها
devices-empty = هنوز هیچ دستگاهی در این مرکز ثبت نشده است. در پایین یک کد ثبت بسازید و آن را روی دستگاه بنویسید.
col-device = دستگاه
col-enrolled = تاریخ ثبت
col-last-sync = آخرین همگام‌سازی
col-status = وضعیت
col-action = کار
device-never-synced = هرگز
device-active = فعال
device-revoked = ابطال شده در { $when }
device-revoke = ابطال…
device-revoke-label = ابطال دستگاه { $id }
device-revoked-done = دستگاه { $id } ابطال شد. دیگر نمی‌تواند همگام‌سازی کند.

## کدهای ثبت
code-title = کد ثبت تازه
code-help = یک کد ثبت به یک دستگاه اجازه می‌دهد به این مرکز بپیوندد. فقط یک بار کار می‌کند، تا زمانی که تاریخ آن نگذشته باشد.
code-hours = اعتبار برای چند ساعت (از ۱ تا ۷۲۰)
code-submit = ساختن کد ثبت
code-shown-title = کد ثبت برای { $centre }
code-shown-once = آن را همین حالا روی دستگاه بنویسید یا یادداشت کنید: فقط همین یک بار نشان داده می‌شود.
code-expires = معتبر تا { $when }، برای یک دستگاه.
code-back = بازگشت به مرکز
code-file-title = برای لپ‌تاپی بدون اتصال
code-file-help = این کد را در یک فایل ثبت ذخیره کنید و روی یک فلش USB ببرید. روی لپ‌تاپ، تسهیل‌کننده دستگاه را از روی فایل ثبت می‌کند (تنظیمات، همگام‌سازی). پس از ثبت لپ‌تاپ، فایل را پاک کنید: کد در آن است.
code-file-server = نشانی سرور مرکز برای لپ‌تاپ (اختیاری)، مانند https://10.0.0.5:7878
code-file-submit = ذخیره به عنوان فایل ثبت
error-bad-request-title = پذیرفته نشد
error-server-url = نشانی سرور باید با http:// یا https:// آغاز شود، مانند https://10.0.0.5:7878.
error-enrolment-file = این کد را نمی‌توان در فایل ثبت نوشت. یک کد تازه بسازید و دوباره کوشش کنید.

## ابطال یک دستگاه
revoke-title = ابطال یک دستگاه
revoke-question = دستگاه { $id } از { $centre } ابطال شود؟
revoke-explain = دیگر نمی‌تواند با این سرور همگام‌سازی کند. کاری که قبلاً فرستاده نگه داشته می‌شود. این کار برگشت‌پذیر نیست.
revoke-confirm = بلی، این دستگاه را ابطال کن
revoke-cancel = نه، نگهش دار

## خطاها
error-name-empty = نام خالی است. یک نام بنویسید.
error-name-too-long = نام بسیار دراز است: حداکثر { $max } حرف.
error-hours = یک عدد درست از ساعت‌ها، از ۱ تا ۷۲۰، بنویسید.
error-not-found-title = پیدا نشد
error-not-found = این صفحه وجود ندارد، یا حساب شما اجازهٔ دیدن آن را ندارد.
error-forbidden-title = رد شد
error-csrf = این فرم رد شد، زیرا نشانهٔ امنیتی آن نبود یا کهنه بود. برگردید، صفحه را دوباره بارگیری کنید و دوباره کوشش کنید.
error-org-admins-only = فقط مدیر تمام سرور می‌تواند موسسه اضافه کند.
error-internal-title = خطای سرور
error-internal = در سرور مشکلی پیش آمد. دوباره کوشش کنید؛ اگر باز هم نشد، گزارش سرور را ببینید.
back-home = بازگشت به صفحهٔ آغاز
