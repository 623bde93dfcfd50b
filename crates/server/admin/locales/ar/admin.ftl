# خادم المركز في قلم، صفحة الإدارة: العربية.

## كل الصفحات
admin-title = إدارة خادم قلم
skip-to-content = انتقل إلى المحتوى الرئيسي
language-label = اللغة
language-change = غيّر اللغة
signed-in-as = مسجّل الدخول باسم { $name }
scope-server = مسؤول الخادم كله
scope-org = مسؤول منظمة واحدة
sign-out = خروج
breadcrumb-label = أين أنت
times-in-utc = الأوقات بالتوقيت العالمي (UTC).
col-name = الاسم
col-id = المعرّف
col-created = تاريخ الإنشاء

## الدخول
signin-title = الدخول
signin-intro = لمسؤولي خادم المركز هذا. يُنشأ حساب المسؤول بالأمر «qalam server admin add».
signin-name = الاسم
signin-password = كلمة المرور
signin-submit = دخول
signin-wrong = الاسم أو كلمة المرور غير صحيح. تحقّق منهما ثم حاول مرة أخرى.
signin-slow-down =
    { $seconds ->
        [one] كلمات مرور خاطئة كثيرة. انتظر ثانية واحدة ثم حاول مرة أخرى.
        [two] كلمات مرور خاطئة كثيرة. انتظر ثانيتين ثم حاول مرة أخرى.
        [few] كلمات مرور خاطئة كثيرة. انتظر { $seconds } ثوانٍ ثم حاول مرة أخرى.
       *[other] كلمات مرور خاطئة كثيرة. انتظر { $seconds } ثانية ثم حاول مرة أخرى.
    }
signed-out = لقد خرجت.

## المنظمات
orgs-title = المنظمات
orgs-empty = لا توجد منظمات بعد. أضف أولها في الأسفل.
orgs-add-title = إضافة منظمة
orgs-add-name = اسم المنظمة
orgs-add-submit = أضف المنظمة

## منظمة ومراكزها
org-title = المنظمة: { $name }
centres-title = مراكز التعلّم
centres-empty = ليس لهذه المنظمة مراكز بعد. أضف مركزًا في الأسفل.
centres-add-title = إضافة مركز
centres-add-name = اسم المركز
centres-add-submit = أضف المركز

## مركز وأجهزته
centre-title = المركز: { $name }
devices-title = الأجهزة
devices-empty = لا يوجد جهاز مسجّل في هذا المركز بعد. أنشئ رمز تسجيل في الأسفل واكتبه على الجهاز.
col-device = الجهاز
col-enrolled = تاريخ التسجيل
col-last-sync = آخر مزامنة
col-status = الحالة
col-action = الإجراء
device-never-synced = أبدًا
device-active = يعمل
device-revoked = أُبطل في { $when }
device-revoke = إبطال…
device-revoke-label = إبطال الجهاز { $id }
device-revoked-done = أُبطل الجهاز { $id }. لم يعد يستطيع المزامنة.

## رموز التسجيل
code-title = رمز تسجيل جديد
code-help = يسمح رمز التسجيل لجهاز واحد بالانضمام إلى هذا المركز. يصلح مرة واحدة، حتى تنتهي صلاحيته.
code-hours = مدة الصلاحية بالساعات (من 1 إلى 720)
code-submit = أنشئ رمز تسجيل
code-shown-title = رمز تسجيل في { $centre }
code-shown-once = اكتبه على الجهاز الآن أو دوّنه: لن يظهر إلا هذه المرة.
code-expires = صالح حتى { $when }، لجهاز واحد.
code-back = العودة إلى المركز
code-file-title = لحاسوب محمول بلا اتصال
code-file-help = احفظ هذا الرمز في ملف تسجيل واحمله على قرص USB. على الحاسوب المحمول، يسجّل الميسّر الجهاز من الملف (الإعدادات، المزامنة). احذف الملف بعد تسجيل الجهاز: فيه الرمز.
code-file-server = عنوان خادم المركز للحاسوب المحمول (اختياري)، مثل https://10.0.0.5:7878
code-file-submit = احفظه ملفَّ تسجيل
error-bad-request-title = غير مقبول
error-server-url = يجب أن يبدأ عنوان الخادم بـ http:// أو https://، مثل https://10.0.0.5:7878.
error-enrolment-file = لا يمكن كتابة هذا الرمز في ملف تسجيل. أنشئ رمزًا جديدًا وحاول مرة أخرى.

## إبطال جهاز
revoke-title = إبطال جهاز
revoke-question = هل تريد إبطال الجهاز { $id } في { $centre }؟
revoke-explain = لن يستطيع المزامنة مع هذا الخادم بعد الآن. يبقى العمل الذي أرسله محفوظًا. لا يمكن التراجع عن هذا.
revoke-confirm = نعم، أبطِل هذا الجهاز
revoke-cancel = لا، أبقِه

## الأخطاء
error-name-empty = الاسم فارغ. اكتب اسمًا.
error-name-too-long = الاسم طويل جدًا: { $max } حرفًا على الأكثر.
error-hours = اكتب عددًا صحيحًا من الساعات من 1 إلى 720.
error-not-found-title = غير موجود
error-not-found = هذه الصفحة غير موجودة، أو لا يحق لحسابك رؤيتها.
error-forbidden-title = مرفوض
error-csrf = رُفض هذا النموذج لأن رمز الأمان فيه مفقود أو قديم. عُد إلى الخلف، وأعد تحميل الصفحة، ثم حاول مرة أخرى.
error-org-admins-only = مسؤول الخادم كله وحده يستطيع إضافة منظمات.
error-internal-title = خطأ في الخادم
error-internal = حدث خطأ في الخادم. حاول مرة أخرى؛ وإن تكرّر، فراجع سجلّ الخادم.
back-home = العودة إلى صفحة البداية
