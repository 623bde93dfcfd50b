# واجهة قلم: العربية (كاملة). كل معرّف في en/main.ftl موجود هنا أيضًا.
# صيغ الجمع العربية الست: zero، one، two، few (٣–١٠)، many (١١–٩٩)، other (١٠٠…).

## إطار التطبيق

app-name = قلم
app-tagline = تعلّم بلا إنترنت
skip-to-content = انتقل إلى المحتوى الرئيسي
nav-label = القائمة الرئيسية
nav-library = المكتبة
nav-import = استيراد الحزم
nav-settings = الإعدادات
language-label = اللغة
loading = جارٍ التحميل…
retry = حاول مرة أخرى
cancel = إلغاء
close = إغلاق
page-not-found-title = الصفحة غير موجودة
page-not-found-body = هذه الصفحة غير موجودة. عُد إلى المكتبة.
page-title = { $page } – قلم

## الأخطاء

error-title = حدث خطأ
error-details = التفاصيل
error-bad_request = لم يُفهَم الطلب.
error-not_found = لم يُعثَر على المطلوب. ربما حُذف.
error-pack_refused = رُفضت الحزمة.
error-untrusted = ناشر هذه الحزمة غير موثوق على هذا الجهاز.
error-disk_full = القرص ممتلئ. احذف بعض الحزم ثم حاول مرة أخرى.
error-io = لم يتمكن الجهاز من قراءة ملف أو كتابته.
error-internal = حدث خطأ داخل قلم.
error-unauthenticated = انتهت جلستك. سجّل الدخول مرة أخرى للمتابعة.
error-forbidden = لا يُسمح لهذا الملف الشخصي بفعل ذلك.
error-wrong_pin = كلمة المرور أو الرقم السري غير صحيح.
error-slow_down = محاولات خاطئة كثيرة. انتظر قليلًا ثم حاول مرة أخرى.
error-not_yet = لم يكتمل هذا بعد.
error-conflict = تم هذا من قبل.
error-interrupted = توقّف هذا قبل أن يكتمل. حاول مرة أخرى للمتابعة.
error-unavailable = قلم لا يستجيب. تأكد من أنه يعمل ثم حاول مرة أخرى.

## المكتبة

library-title = المكتبة
library-count =
    { $count ->
        [zero] لا توجد حزم دروس
        [one] حزمة دروس واحدة
        [two] حزمتا دروس
        [few] { $count } حزم دروس
        [many] { $count } حزمة دروس
       *[other] { $count } حزمة دروس
    }
library-empty-title = لا توجد حزم دروس بعد
library-empty-body = تصل حزم الدروس على أقراص USB. يوصل الميسّر القرص ثم يختار «استيراد الحزم» في أعلى الشاشة.
library-empty-action = استيراد الحزم
pack-lessons =
    { $count ->
        [zero] لا دروس
        [one] درس واحد
        [two] درسان
        [few] { $count } دروس
        [many] { $count } درسًا
       *[other] { $count } درس
    }
pack-quizzes =
    { $count ->
        [zero] لا اختبارات
        [one] اختبار واحد
        [two] اختباران
        [few] { $count } اختبارات
        [many] { $count } اختبارًا
       *[other] { $count } اختبار
    }
pack-size = الحجم
pack-subject = المادة
pack-level = المستوى
pack-version = الإصدار
pack-publisher = الناشر
pack-languages = اللغات
pack-installed = تاريخ التثبيت
pack-untrusted = غير موثوقة
pack-untrusted-help = استُوردت هذه الحزمة دون توقيع من ناشر موثوق.
pack-open = افتح الحزمة

## المواد والمستويات

subject-digital-skills = المهارات الرقمية
subject-language = اللغة
subject-numeracy = الأرقام والحساب
subject-literacy = القراءة والكتابة
subject-science = العلوم
subject-life-skills = مهارات الحياة
subject-health = الصحة
level-beginner = مبتدئ
level-intermediate = متوسط
level-advanced = متقدم

## الحزمة

pack-back = العودة إلى المكتبة
pack-lessons-title = الدروس
lesson-number = الدرس { $n }
lesson-kind-html = قراءة
lesson-kind-markdown = قراءة
lesson-kind-pdf = مستند (PDF)
lesson-kind-video = فيديو
lesson-kind-audio = استماع
lesson-duration =
    { $minutes ->
        [zero] أقل من دقيقة
        [one] دقيقة واحدة
        [two] دقيقتان
        [few] { $minutes } دقائق
        [many] { $minutes } دقيقة
       *[other] { $minutes } دقيقة
    }
lesson-has-quiz = فيه اختبار
pack-remove = احذف هذه الحزمة
pack-remove-confirm = هل تريد حذف «{ $title }» من هذا الجهاز؟
pack-remove-yes = نعم، احذفها
pack-removed = حُذفت الحزمة.

## الدرس

lesson-back = العودة إلى الدروس
lesson-position = الدرس { $n } من { $total }
lesson-prev = الدرس السابق
lesson-next = الدرس التالي
lesson-pdf-open = افتح المستند
lesson-pdf-help = يُفتح المستند في عارض المستندات.
lesson-media-fallback = لا يستطيع هذا الجهاز تشغيل هذا الملف.
lesson-not-found = هذا الدرس لم يعد موجودًا في الحزمة.
lesson-last = هذا آخر درس في الحزمة.

## الاستيراد

import-title = استيراد حزم الدروس
import-intro = أوصل قرص USB عليه حزم دروس. تتحدّث هذه القائمة تلقائيًا.
import-scanning = جارٍ البحث عن أقراص USB…
import-no-sources = لم يُعثَر على قرص USB عليه حزم دروس. أوصل قرصًا، أو اكتب مسارًا في الأسفل.
import-source-packs =
    { $count ->
        [zero] لا توجد حزم على هذا القرص
        [one] حزمة واحدة على هذا القرص
        [two] حزمتان على هذا القرص
        [few] { $count } حزم على هذا القرص
        [many] { $count } حزمة على هذا القرص
       *[other] { $count } حزمة على هذا القرص
    }
import-select-all = تحديد الكل
import-pack-error = لا يمكن قراءة هذا الملف كحزمة دروس.
import-pack-version = الإصدار { $version }
import-path-title = مكان آخر على هذا الجهاز
import-path-label = مسار ملف حزمة أو مجلد فيه حزم
import-path-add = أضف
import-path-remove = أزل
import-paths-extra = المسارات المضافة
import-allow-untrusted = السماح بحزم من ناشرين غير موثوقين
import-untrusted-warning = تحذير: لم يتحقق أحد ممن صنع الحزم غير الموثوقة. لا تستوردها إلا إذا كنت تعرف مصدر هذا القرص وتثق به.
import-start =
    { $count ->
        [zero] استيراد
        [one] استيراد حزمة واحدة
        [two] استيراد حزمتين
        [few] استيراد { $count } حزم
        [many] استيراد { $count } حزمة
       *[other] استيراد { $count } حزمة
    }
import-none-selected = اختر حزمة واحدة على الأقل لاستيرادها.
import-progress-label = تقدّم الاستيراد
import-progress-done = اكتمل { $percent }
import-current = يُستورد الآن: { $file }
import-running = جارٍ الاستيراد…
import-finished = انتهى الاستيراد.
import-results = النتائج
import-results-summary =
    { $count ->
        [zero] لا نتائج
        [one] نتيجة واحدة
        [two] نتيجتان
        [few] { $count } نتائج
        [many] { $count } نتيجة
       *[other] { $count } نتيجة
    }
import-go-library = اذهب إلى المكتبة
outcome-installed = ثُبّتت
outcome-updated = حُدّثت
outcome-unchanged = محدّثة مسبقًا
outcome-refused = رُفضت
outcome-interrupted = توقّفت قبل أن تكتمل

## الإعدادات

settings-title = الإعدادات
settings-language-title = اللغة
settings-language-help = لغة الشاشات. تظهر الدروس بهذه اللغة إذا كانت الحزمة تتضمنها.
settings-trust-title = الناشرون الموثوقون
settings-trust-help = تُستورد الحزم الموقّعة من هؤلاء الناشرين دون تحذير.
settings-trust-empty = لا يوجد ناشرون موثوقون بعد.
settings-trust-key = المفتاح
settings-trust-name = الاسم
settings-trust-added = تاريخ الإضافة
settings-trust-add-title = إضافة ناشر موثوق
settings-trust-add-key = المفتاح العام: الصق نص ملف ‎.pub‎ الخاص بالناشر
settings-trust-add-name = الاسم (اختياري)
settings-trust-add-button = أضف الناشر
settings-trust-add-empty = الصق مفتاحًا عامًا أولًا.
settings-trust-added-ok = أصبح الناشر { $key } موثوقًا.
settings-about-title = حول قلم
settings-about-version = إصدار قلم
settings-about-ui = إصدار الشاشات
settings-about-data = مجلد البيانات
settings-about-transport = الاتصال

## USB stick notice, shown on every screen but Import
usb-banner =
    { $count ->
        [zero] قرص USB موصول وليس عليه حزم دروس.
        [one] قرص USB موصول عليه حزمة دروس واحدة.
        [two] قرص USB موصول عليه حزمتا دروس.
        [few] قرص USB موصول عليه { $count } حزم دروس.
        [many] قرص USB موصول عليه { $count } حزمة دروس.
       *[other] قرص USB موصول عليه { $count } حزمة دروس.
    }
usb-banner-import = استيراد
usb-banner-dismiss = ليس الآن

## Why a pack was not imported
import-details = التفاصيل
import-reason-not_found = لم يُعثَر على الملف أو المجلد. تأكّد من أن قرص USB موصول.
import-reason-invalid_pack = هذا الملف تالف أو جرى تغييره. لا تستخدمه، واطلب نسخة جديدة من الناشر.
import-reason-untrusted = ناشر هذه الحزمة غير موثوق على هذا الجهاز. أضف مفتاحه في الإعدادات، أو اسمح بالناشرين غير الموثوقين إن كنت متأكدًا من مصدرها.
import-reason-version_conflict = نسخة أحدث من هذه الدورة، أو نسخة مختلفة من الإصدار نفسه، مثبّتة من قبل.
import-reason-disk_full = لا توجد مساحة فارغة كافية على هذا الحاسوب. احذف الدورات غير المستخدمة ثم حاول مرة أخرى.
import-reason-interrupted = نُزع قرص USB أثناء الاستيراد. أعد توصيله واستورد مرة أخرى، فالعمل الذي أُنجز محفوظ.
import-reason-device_error = لم يتمكّن الحاسوب من حفظ الدورة. حاول مرة أخرى، وإن تكرّر الخطأ فاطلب المساعدة.

## دخول الميسّر

signin-title = دخول الميسّر
signin-intro-import = الميسّر وحده يستطيع استيراد حزم الدروس. اختر اسمك ثم اكتب كلمة المرور أو الرقم السري.
signin-intro-settings = الميسّر وحده يستطيع تغيير هذه الإعدادات. اختر اسمك ثم اكتب كلمة المرور أو الرقم السري.
signin-pick = من أنت؟
signin-pin-label = كلمة المرور أو الرقم السري
signin-pin-help = يمكن كتابة الأرقام بأي شكل: ١٢٣ أو 123 أو ۱۲۳.
signin-submit = دخول
signin-busy = جارٍ الدخول…
signin-other-profile = اختر اسمًا آخر
signin-wrong-pin = كلمة المرور أو الرقم السري غير صحيح. تحقّق منه ثم حاول مرة أخرى.
signin-slow-down =
    { $seconds ->
        [zero] محاولات خاطئة كثيرة. حاول مرة أخرى الآن.
        [one] محاولات خاطئة كثيرة. انتظر ثانية واحدة ثم حاول مرة أخرى.
        [two] محاولات خاطئة كثيرة. انتظر ثانيتين ثم حاول مرة أخرى.
        [few] محاولات خاطئة كثيرة. انتظر { $seconds } ثوانٍ ثم حاول مرة أخرى.
        [many] محاولات خاطئة كثيرة. انتظر { $seconds } ثانية ثم حاول مرة أخرى.
       *[other] محاولات خاطئة كثيرة. انتظر { $seconds } ثانية ثم حاول مرة أخرى.
    }
signin-forbidden = لا يستطيع هذا الملف الشخصي إدارة حزم الدروس. الميسّرون وحدهم يستطيعون ذلك.
signin-not-found = لم يعد هذا الملف الشخصي على الجهاز. اختر مرة أخرى.
signin-no-profiles = لا توجد ملفات شخصية على هذا الجهاز بعد. يمكن إنشاء حساب ميسّر بالأمر qalam.
session-signed-in-as = مسجّل الدخول:
session-sign-out = خروج
nav-progress = تقدّمي
nav-learners = المتعلّمون
forbidden-title = للميسّرين فقط
forbidden-body = هذه الشاشة للميسّرين. اطلب المساعدة من ميسّر.

## اختيار الملف الشخصي (شاشة البداية) والدخول

picker-title = من يتعلّم اليوم؟
picker-intro = ابحث عن صورتك واسمك، ثم اضغط عليه.
picker-search = ابحث عن اسمك
picker-search-none = لا يوجد اسم مطابق. تحقّق من الكتابة أو امسح المربّع.
picker-ended-idle = خرجتَ لأن أحدًا لم يستخدم الحاسوب مدة من الوقت. عملك محفوظ.
picker-ended-expired = انتهت جلستك. عملك محفوظ. اختر اسمك لتتابع.
picker-db-notice = يحتاج العمل المحفوظ على هذا الحاسوب إلى فحص. يمكنك مواصلة التعلّم. من فضلك أخبر الميسّر.
picker-db-facilitator = للميسّر: افحص قاعدة البيانات في الإعدادات
signin-intro-learners = الميسّر وحده يستطيع إدارة المتعلّمين. اختر اسمك ثم اكتب كلمة المرور.
signin-pin-label-learner = رقمك السري
signin-pictures-label = اضغط صورك الأربع بالترتيب
signin-wrong-pictures = هذه الصور غير صحيحة. حاول مرة أخرى.
signin-slow-down-over = يمكنك المحاولة الآن.
signin-forbidden-password = ليس لحساب الميسّر هذا كلمة مرور بعد. عيّنها بالأمر qalam.
pinpad-label = لوحة الأرقام
pinpad-erase = امسح الرقم الأخير
pictures-chosen =
    { $count ->
        [zero] لم تُختر أي صورة بعد، والمطلوب { $total }.
        [one] اختيرت صورة واحدة من { $total }.
        [two] اختيرت صورتان من { $total }.
        [few] اختيرت { $count } صور من { $total }.
        [many] اختيرت { $count } صورة من { $total }.
       *[other] اختيرت { $count } صورة من { $total }.
    }
pictures-erase = امسح الصورة الأخيرة
picture-sun = شمس
picture-tree = شجرة
picture-cat = قطة
picture-fish = سمكة
picture-star = نجمة
picture-house = بيت
picture-apple = تفاحة
picture-bird = عصفور
picture-flower = زهرة

## دراسة درس

study-title = تقدّمك في هذا الدرس
study-completed = اكتمل الدرس
study-rule-viewed = اقرأ الدرس حتى آخره، ثم اضغط «أنهيتُ القراءة».
study-rule-played = شاهد أو استمع حتى النهاية ليكتمل هذا الدرس.
study-rule-time = وقتك في هذا الدرس: { $done } من { $needed } دقيقة.
study-rule-quiz = انجح في الاختبار ليكتمل هذا الدرس.
study-resumed = عدتَ إلى حيث توقّفت ({ $percent }).
study-saving = جارٍ الحفظ…
study-saved = تم الحفظ
study-finished-reading = أنهيتُ القراءة
study-mark-done = انتهيت
study-not-yet = ليس بعد: اقضِ وقتًا أطول قليلًا في هذا الدرس.
study-take-quiz = ابدأ الاختبار
study-quiz-again = أعد الاختبار

## الاختبار

quiz-title = اختبار
quiz-back = العودة إلى الدرس
quiz-unsupported = نسخة قلم على هذا الحاسوب لا تستطيع عرض أسئلة الاختبار بعد. اطلب من الميسّر تحديث قلم.
quiz-intro =
    { $count ->
        [zero] لا أسئلة. تنجح بـ{ $needed }.
        [one] سؤال واحد. تنجح بـ{ $needed }.
        [two] سؤالان. تنجح بـ{ $needed }.
        [few] { $count } أسئلة. تنجح بـ{ $needed }.
        [many] { $count } سؤالًا. تنجح بـ{ $needed }.
       *[other] { $count } سؤال. تنجح بـ{ $needed }.
    }
quiz-start = ابدأ الاختبار
quiz-question-of = السؤال { $n } من { $total }
quiz-progress-label = الأسئلة المُجاب عنها
quiz-choose-one = اختر إجابة واحدة.
quiz-choose-many = اختر كل الإجابات الصحيحة.
quiz-your-number = إجابتك (رقم)
quiz-number-help = يمكنك كتابة ٤٥ أو 45 أو ۴۵.
quiz-your-answer = إجابتك
quiz-check = تحقّق من إجابتي
quiz-right = صحيح!
quiz-wrong = غير صحيح.
quiz-next = السؤال التالي
quiz-see-result = اعرض نتيجتي
quiz-score = نتيجتك
quiz-correct-of = { $correct } من { $total } إجابات صحيحة.
quiz-passed = أحسنت! نجحت في هذا الاختبار.
quiz-mastered-before = لقد نجحت في هذا الاختبار من قبل.
quiz-not-passed = تحتاج إلى { $needed } لتنجح. اقرأ الدرس مرة أخرى ثم حاول من جديد.
quiz-best = أفضل نتيجة لك: { $score }
quiz-lessons-completed =
    { $count ->
        [zero] لم يكتمل أي درس.
        [one] اكتمل درس واحد الآن.
        [two] اكتمل درسان الآن.
        [few] اكتملت { $count } دروس الآن.
        [many] اكتمل { $count } درسًا الآن.
       *[other] اكتمل { $count } درس الآن.
    }
quiz-course-completed = أكملتَ الدورة كلها!
quiz-retry = حاول مرة أخرى

## تقدّمي

progress-title = تقدّمي
progress-intro = ما أنجزه { $name }، وما الخطوة التالية.
progress-next-title = ماذا تفعل الآن
progress-next-continue = تابع:
progress-next-quiz = أجرِ اختبار:
progress-next-start = ابدأ:
progress-go-continue = تابع
progress-go-quiz = ابدأ الاختبار
progress-go-start = ابدأ
progress-no-courses = لا توجد دورات على هذا الحاسوب بعد.
progress-all-done = أكملتَ كل شيء. أحسنت!
progress-course-done = اكتملت الدورة
progress-lessons-done = اكتمل { $done } من { $total } دروس
progress-status-done = مكتمل
progress-status-quiz = بقي الاختبار
progress-status-started = بدأته
progress-status-todo = لم يبدأ
progress-minutes =
    { $minutes ->
        [zero] أقل من دقيقة
        [one] دقيقة واحدة
        [two] دقيقتان
        [few] { $minutes } دقائق
        [many] { $minutes } دقيقة
       *[other] { $minutes } دقيقة
    }
progress-quiz-mastered = نجحت في الاختبار
progress-quiz-best = الاختبار: أفضل نتيجة { $score }
progress-quiz-todo = لم تُجرِ الاختبار بعد

## المتعلّمون (للميسّرين)

learners-title = المتعلّمون
learners-intro = كل من يستخدم هذا الحاسوب. يختار المتعلّمون أسماءهم في شاشة البداية.
learners-list-title = الملفات الشخصية
learners-role-learner = متعلّم
learners-role-facilitator = ميسّر
learners-signin-none = بلا رقم سري
learners-signin-pin = رقم سري
learners-signin-pictures = كلمة مرور بالصور
learners-signin-password = كلمة مرور
learners-rename = غيّر الاسم
learners-reset = رقم سري أو صور جديدة
learners-archive = أرشفة
learners-new-name = الاسم الجديد
learners-save = احفظ
learners-archive-confirm = أرشفة «{ $name }»؟ يختفي الاسم من شاشة البداية ويبقى التقدّم محفوظًا.
learners-archive-yes = نعم، أرشِف
learners-archived =
    { $count ->
        [zero] لا ملفات مؤرشفة
        [one] ملف شخصي مؤرشف واحد
        [two] ملفان شخصيان مؤرشفان
        [few] { $count } ملفات شخصية مؤرشفة
        [many] { $count } ملفًا شخصيًا مؤرشفًا
       *[other] { $count } ملف شخصي مؤرشف
    }
learners-add-title = أضف متعلّمًا
learners-name = الاسم
learners-colour = لون الصورة
learners-facilitator = هذا الشخص ميسّر (يستطيع استيراد الحزم وإدارة المتعلّمين)
learners-password = كلمة المرور (من ٦ إلى ٦٤ حرفًا)
learners-password-rule = كلمة مرور الميسّر من ٦ إلى ٦٤ حرفًا.
learners-signin-how = كيف يدخل هذا الشخص؟
learners-kind-pin = برقم سري
learners-kind-pictures = بالصور
learners-kind-none = بلا رقم سري
learners-pin = الرقم السري (من ٤ إلى ٦ أرقام)
learners-new-pin = رقم سري جديد (من ٤ إلى ٦ أرقام)
learners-pin-help = يمكن كتابة الأرقام بأي شكل: ١٢٣٤ أو 1234 أو ۱۲۳۴.
learners-pin-rule = الرقم السري من ٤ إلى ٦ أرقام.
learners-pictures-help = اختر أربع صور بالترتيب، وأخبر المتعلّم بها وبترتيبها.
learners-pictures-rule = اختر أربع صور.
learners-none-help = يستطيع أي شخص فتح هذا الملف من شاشة البداية.
learners-name-rule = اكتب اسمًا.
learners-add = أضف
learners-added = أُضيف { $name }.
learners-renamed = أصبح الاسم { $name }.
learners-reset-done = تغيّرت طريقة دخول { $name }.
learners-archived-done = أُرشف { $name }.
colour-red = أحمر
colour-orange = برتقالي
colour-green = أخضر
colour-teal = فيروزي
colour-blue = أزرق
colour-purple = بنفسجي
colour-pink = وردي
colour-brown = بنّي
colour-grey = رمادي
colour-black = أسود

## تقدّم المركز (للميسّرين)

centre-title = تقدّم المركز
centre-intro = كل الملفات الشخصية على هذا الحاسوب ودوراتها.
centre-back = العودة إلى المتعلّمين
centre-show-archived = اعرض الملفات المؤرشفة
centre-col-learner = الاسم
centre-col-course = الدورة
centre-col-lessons = الدروس المكتملة
centre-col-time = وقت التعلّم
centre-col-quizzes = الاختبارات الناجحة
centre-col-best = أفضل نتيجة اختبار
centre-archived = مؤرشف
centre-completed = مكتملة
centre-not-started = لم يبدأ أي دورة
centre-lessons-of = { $done } من { $total }
centre-minutes =
    { $minutes ->
        [zero] أقل من دقيقة
        [one] دقيقة واحدة
        [two] دقيقتان
        [few] { $minutes } دقائق
        [many] { $minutes } دقيقة
       *[other] { $minutes } دقيقة
    }
centre-quizzes-of = { $mastered } من { $total }

## Errors of sync and enrolment
error-not_enrolled = هذا الجهاز غير متصل بخادم المركز بعد.
error-already_enrolled = هذا الجهاز متصل بخادم مركز من قبل.
error-bad_address = هذا ليس عنوان خادم. اكتبه هكذا: http://10.0.0.5:7878
error-server_unreachable = تعذّر الوصول إلى خادم المركز. تحقّق من العنوان ومن الشبكة، ثم حاول مرة أخرى.
error-enrol_code_refused = لم يقبل الخادم رمز التسجيل هذا. ربما كُتب خطأً أو استُعمل أو انتهت صلاحيته: اطلب رمزًا جديدًا.
error-server_refused = رفض خادم المركز هذا الجهاز. اسأل مسؤول الخادم.
error-server_version = يعمل خادم المركز بإصدار مختلف من قلم. حدّث الأقدم منهما.
error-sync_failed = توقّفت المزامنة قبل أن تنتهي. حاول مرة أخرى.

## Settings: sync with the campus server
sync-title = المزامنة مع خادم المركز
sync-help = يُرسَل العمل المسجّل على هذا الجهاز إلى خادم المركز، ويصل إليه عمل أجهزة المركز الأخرى، كلما أمكن الوصول إلى الخادم.
sync-state-syncing = تجري المزامنة الآن…
sync-state-never = لم تتم المزامنة بعد.
sync-state-synced = نجحت آخر مزامنة.
sync-state-failed = لم تنجح آخر مزامنة.
sync-error-server_unreachable = تعذّر الوصول إلى خادم المركز. سيحاول قلم مرة أخرى تلقائيًا.
sync-error-server_refused = رفض خادم المركز هذا الجهاز. اسأل مسؤول الخادم.
sync-error-server_version = يعمل خادم المركز بإصدار مختلف من قلم. حدّث الأقدم منهما.
sync-error-sync_failed = توقّفت المزامنة قبل أن تنتهي. سيحاول قلم مرة أخرى تلقائيًا.
sync-error-not_enrolled = هذا الجهاز غير متصل بخادم مركز.
sync-error-internal = حدث خطأ على هذا الجهاز أثناء المزامنة.
sync-server = الخادم
sync-last-sync = آخر مزامنة
sync-last-attempt = آخر محاولة
sync-never = أبدًا
sync-waiting = بانتظار الإرسال
sync-waiting-count =
    { $count ->
        [zero] لا شيء
        [one] سجلّ واحد
        [two] سجلّان
        [few] { $count } سجلّات
        [many] { $count } سجلًّا
       *[other] { $count } سجلّ
    }
sync-sent = أُرسل في آخر مزامنة
sync-received = استُلم في آخر مزامنة
sync-none-yet = لا شيء بعد
sync-exchanged = السجلّات المتبادلة
sync-exchanged-count = أُرسل { $sent }، واستُلم { $received }
sync-clock = الساعة
sync-clock-ok = متوافقة مع الخادم
sync-clock-ahead = ساعة هذا الجهاز متقدّمة على ساعة الخادم بمقدار { $amount }.
sync-clock-behind = ساعة هذا الجهاز متأخّرة عن ساعة الخادم بمقدار { $amount }.
sync-now = زامِن الآن
sync-running = تجري المزامنة…
sync-next = المزامنة التالية تلقائيًا { $when }.
sync-enrol-title = صِل هذا الجهاز بخادم المركز
sync-enrol-help = اطلب من مسؤول الخادم عنوانه ورمز تسجيل يُستعمل مرة واحدة.
sync-enrol-server = عنوان الخادم
sync-enrol-server-example = مثلًا: http://10.0.0.5:7878
sync-enrol-code = رمز التسجيل
sync-enrol-button = اتصال
sync-enrol-working = جارٍ الاتصال…
sync-enrol-empty = أدخل عنوان الخادم ورمز التسجيل.
sync-enrolled-ok = هذا الجهاز متصل الآن بـ { $server }. بدأت المزامنة الأولى.
sync-stick-title = أو سجّل الجهاز من ملف على قرص USB
sync-stick-help = إذا لم يكن هناك اتصال بخادم المركز، يستطيع مسؤوله أن يكتب ملف تسجيل على قرص USB. أوصل القرص واختره ثم سجّل الجهاز: لا حاجة إلى شبكة.
sync-stick-has-file = على هذا القرص ملف تسجيل.
sync-stick-no-file = لم يُعثَر على ملف تسجيل على هذا القرص.
sync-stick-server = استعمل عنوان خادم آخر
sync-stick-server-help = فقط إذا لم يذكر الملف خادمًا، أو تغيّر عنوان الخادم. وإلا فاتركه فارغًا.
sync-stick-button = سجّل من هذا القرص
sync-stick-working = جارٍ التسجيل…
sync-stick-done = هذا الجهاز مسجّل الآن في { $centre }.
sync-stick-done-server = يتزامن مع { $server }. تُكمل المزامنة الأولى التسجيل.
sync-stick-done-no-server = لا يذكر الملف خادمًا: انقل العمل على قرص USB (أدناه). يُكمل التسجيلَ أولُ ملف مزامنة يحمّله خادم المركز.
sync-stick-delete = احذف الآن { $file } من قرص USB: فيه رمز التسجيل، وقد يستعمله شخص آخر.
sync-server-none = لا يوجد
sync-no-server = ليس لهذا الجهاز عنوان خادم. انقل عمله على قرص USB (أدناه).

## Settings: the database
db-title = قاعدة البيانات
db-help = يفحص قلم قاعدة بياناته في كل مرة يبدأ فيها.
db-ok = قاعدة البيانات سليمة.
db-checking = جارٍ فحص قاعدة البيانات…
db-unchecked = لم تُفحص قاعدة البيانات بعد.
db-damaged = قاعدة البيانات تالفة.
db-damaged-help = يستطيع المتعلّمون مواصلة العمل، لكن قد يغيب بعض العمل حتى تُصلَح.
db-problems = ما وجده الفحص
db-backups = النسخ الاحتياطية المتاحة للإصلاح
db-took = مدة آخر فحص
db-took-value = { $seconds } ث
db-repair = أصلِح قاعدة البيانات
db-repair-confirm = يعيد الإصلاح بناء قاعدة البيانات من أحدث نسخة احتياطية ومن كل سجلّ ما زالت قراءته ممكنة. تُحفظ الملفات التالفة في مجلد خاص بها. قد يستغرق ذلك دقيقة، وينتظر الآخرون خلالها. هل تريد الإصلاح الآن؟
db-repair-yes = نعم، أصلِح الآن
db-repairing = جارٍ إصلاح قاعدة البيانات…
db-repair-steps = ما فعله الإصلاح
db-repaired-ok = أُصلحت قاعدة البيانات واجتازت الفحص.
db-repaired-problems = انتهى الإصلاح، لكن الفحص ما زال يجد مشكلات:

## Settings: sync by USB stick
usb-sync-title = المزامنة عبر قرص USB
usb-sync-help = إذا تعذّر الوصول إلى خادم المركز، فانقل العمل على قرص USB: احفظ ملف مزامنة هذا الجهاز على القرص واستورده على الخادم، ثم أعد الملف الذي يكتبه الخادم لهذا الجهاز وحمّله هنا.
usb-sync-no-stick = لم يُعثَر على قرص USB. أوصل قرصًا وسيظهر هنا تلقائيًا.
usb-sync-choose = قرص USB
usb-sync-save = احفظ ملف المزامنة على القرص
usb-sync-saving = جارٍ حفظ ملف المزامنة…
usb-sync-saved =
    { $count ->
        [zero] حُفظ ملف المزامنة ({ $size }). لا جديد للإرسال: لدى الخادم كل سجلّات هذا الجهاز.
        [one] حُفظ ملف المزامنة وفيه سجلّ واحد ({ $size }).
        [two] حُفظ ملف المزامنة وفيه سجلّان ({ $size }).
        [few] حُفظ ملف المزامنة وفيه { $count } سجلّات ({ $size }).
        [many] حُفظ ملف المزامنة وفيه { $count } سجلًّا ({ $size }).
       *[other] حُفظ ملف المزامنة وفيه { $count } سجلّ ({ $size }).
    }
usb-sync-saved-next = خذ القرص إلى خادم المركز واستورد الملف هناك.
usb-sync-files = ملفات المزامنة على هذا القرص
usb-sync-no-files = لا توجد ملفات مزامنة على هذا القرص بعد.
usb-sync-file-ready = من خادم المركز لهذا الجهاز. جاهز للتحميل.
usb-sync-file-outgoing = صُنع على هذا الجهاز. خذه إلى خادم المركز.
usb-sync-refused-bundle_tampered = تغيّر هذا الملف أو تلف بعد كتابته. لا يمكن تحميله: اكتبه مرة أخرى.
usb-sync-refused-bundle_other_org = هذا الملف يخصّ منظمة أخرى. لا يمكن تحميله هنا.
usb-sync-refused-bundle_other_device = هذا الملف لجهاز آخر. حمّله على ذلك الجهاز.
usb-sync-refused-bundle_unreadable = هذا ليس ملف مزامنة من قلم، أو أنه من إصدار أحدث من قلم.
usb-sync-refused-not_enrolled = هذا الجهاز غير متصل بخادم المركز بعد، فلا يستطيع فحص ملفات المزامنة.
usb-sync-refused-other = لا يمكن تحميل هذا الملف هنا.
usb-sync-load = تحميل
usb-sync-load-file = تحميل { $file }
usb-sync-loading = جارٍ تحميل ملف المزامنة…
usb-sync-loaded =
    { $count ->
        [zero] تمّ التحميل. لا جديد: كان كل ما فيه على هذا الجهاز من قبل.
        [one] حُمّل سجلّ جديد واحد ({ $known } موجودة من قبل).
        [two] حُمّل سجلّان جديدان ({ $known } موجودة من قبل).
        [few] حُمّلت { $count } سجلّات جديدة ({ $known } موجودة من قبل).
        [many] حُمّل { $count } سجلًّا جديدًا ({ $known } موجودة من قبل).
       *[other] حُمّل { $count } سجلّ جديد ({ $known } موجودة من قبل).
    }
usb-sync-peers-help = تستطيع الحواسيب في هذا المركز أيضًا أن تتبادل العمل فيما بينها دون الخادم: احفظ هنا ملفًا للحواسيب الأخرى، ثم حمّله على حاسوب آخر في هذا المركز.
usb-sync-save-peers = احفظ ملفًا للحواسيب الأخرى
usb-sync-saving-peers = جارٍ حفظ الملف للحواسيب الأخرى…
usb-sync-saved-peers =
    { $count ->
        [zero] حُفظ الملف للحواسيب الأخرى ({ $size }). لا يحوي أي سجلّ بعد.
        [one] حُفظ الملف للحواسيب الأخرى وفيه سجلّ واحد ({ $size }).
        [two] حُفظ الملف للحواسيب الأخرى وفيه سجلّان ({ $size }).
        [few] حُفظ الملف للحواسيب الأخرى وفيه { $count } سجلّات ({ $size }).
        [many] حُفظ الملف للحواسيب الأخرى وفيه { $count } سجلًّا ({ $size }).
       *[other] حُفظ الملف للحواسيب الأخرى وفيه { $count } سجلّ ({ $size }).
    }
usb-sync-saved-peers-next = أوصل القرص بحاسوب آخر في هذا المركز. وهناك افتح الإعدادات واضغط «تحميل» بجانب هذا الملف.
usb-sync-file-ready-peers = من حاسوب آخر في هذا المركز. جاهز للتحميل.
usb-sync-file-outgoing-peers = صُنع على هذا الحاسوب للحواسيب الأخرى في هذا المركز. حمّله على واحد منها.
usb-sync-refused-bundle_other_centre = هذا الملف من حاسوب في مركز آخر. تتبادل الحواسيب الملفات داخل مركزها فقط.
usb-sync-refused-not_certified = لا يستطيع هذا الحاسوب فحص ملفات الحواسيب الأخرى بعد. زامنه أولًا مرة واحدة مع خادم المركز، عبر الشبكة أو بقرص USB.
error-stick_missing = لم يعد قرص USB موصولًا. أعد توصيله واختره مرة أخرى.
error-bundle_tampered = تغيّر ملف المزامنة هذا أو تلف بعد كتابته. لم يُحمَّل شيء: اكتبه مرة أخرى.
error-bundle_other_org = ملف المزامنة هذا يخصّ منظمة أخرى. لم يُحمَّل شيء.
error-bundle_other_device = ملف المزامنة هذا لجهاز آخر. لم يُحمَّل شيء.
error-bundle_own = صُنع ملف المزامنة هذا على هذا الجهاز. خذه إلى خادم المركز بدلًا من ذلك.
error-bundle_unreadable = هذا ليس ملف مزامنة من قلم، أو أنه من إصدار أحدث من قلم. لم يُحمَّل شيء.
error-bundle_other_centre = ملف المزامنة هذا من حاسوب في مركز آخر. لم يُحمَّل شيء.
error-not_certified = يجب أولًا أن يُزامَن هذا الحاسوب مرة واحدة مع خادم المركز: عبر الشبكة، أو بجولة واحدة بقرص USB (احفظ ملف مزامنته، واستورده على الخادم، ثم حمّل هنا ملف الخادم). ثم حاول مرة أخرى.
error-enrolment_file_missing = لا يوجد ملف تسجيل على قرص USB هذا. اطلب من مسؤول خادم المركز أن يكتب واحدًا عليه.
error-enrolment_file_bad = هذا ليس ملف تسجيل من قلم، أو أنه من إصدار أحدث من قلم. اطلب من المسؤول ملفًا جديدًا.

## Settings: course packs from the campus server
catalogue-title = حزم الدروس من الخادم
catalogue-help = يعرض خادم المركز حزم الدروس الخاصة بمنظمتك. نزّلها من هنا: تُفحص كل حزمة قبل تثبيتها، مثل الحزم التي تأتي على قرص USB.
catalogue-not-enrolled = هذا الجهاز غير متصل بخادم المركز بعد. صِله من قسم «المزامنة مع خادم المركز» أعلاه، فتظهر هنا حزم الدروس التي يعرضها الخادم.
catalogue-offline = تعذّر الوصول إلى خادم المركز الآن. تحقّق من الشبكة، ثم حاول مرة أخرى.
catalogue-empty = لا يعرض خادم المركز أي حزم دروس بعد.
catalogue-version = الإصدار { $version }
catalogue-installed = مثبّتة
catalogue-not-installed = غير موجودة على هذا الجهاز
catalogue-update = يتوفّر تحديث (الإصدار { $installed } مثبّت)
catalogue-downloading = جارٍ التنزيل…
catalogue-download = تنزيل
catalogue-download-pack = تنزيل { $title }
catalogue-update-button = تحديث
catalogue-update-pack = تحديث { $title }
catalogue-downloading-pack = جارٍ تنزيل { $title }
catalogue-progress = { $done } من { $total }
catalogue-starting = يبدأ التنزيل…
catalogue-done = نُزّلت وثُبّتت.
catalogue-refresh = اسأل الخادم مرة أخرى
catalogue-failed-interrupted = انقطع التنزيل. اضغط «تنزيل» مرة أخرى: سيكمل من حيث توقّف.
catalogue-failed-untrusted = ناشر هذه الحزمة غير موثوق على هذا الجهاز. أضف مفتاحه في قسم «الناشرون الموثوقون»، ثم نزّلها مرة أخرى.
catalogue-failed-invalid_pack = الملف المنزَّل تالف أو جرى تغييره، فلم يُثبَّت. حاول مرة أخرى، وإن تكرّر ذلك فأخبر مسؤول الخادم.
catalogue-failed-disk_full = لا توجد مساحة فارغة كافية على هذا الحاسوب. احذف الدورات غير المستخدمة ثم حاول مرة أخرى.
catalogue-failed-not_found = لم يعد الخادم يعرض هذه الحزمة. اسأل الخادم مرة أخرى.
catalogue-failed-server_unreachable = تعذّر الوصول إلى خادم المركز. تحقّق من الشبكة، ثم اضغط «تنزيل» مرة أخرى: سيكمل من حيث توقّف.
catalogue-failed-version_conflict = نسخة أحدث من هذه الدورة مثبّتة من قبل.
catalogue-failed-other = تعذّر تنزيل الحزمة. حاول مرة أخرى.
