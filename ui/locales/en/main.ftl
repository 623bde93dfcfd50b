# Qalam user interface: English (complete; the fallback for every language).
# Keep every message id in ar/main.ftl too (a unit test checks it).
# Numbers given as $count, $minutes or $n are plain numbers: Fluent formats
# them with the locale's digits and picks the plural form.

## Application frame

app-name = Qalam
app-tagline = Learning, offline
skip-to-content = Skip to the main content
nav-label = Main
nav-library = Library
nav-import = Import packs
nav-settings = Settings
language-label = Language
loading = Loading…
retry = Try again
cancel = Cancel
close = Close
page-not-found-title = Page not found
page-not-found-body = This page does not exist. Go back to the library.
page-title = { $page } – Qalam

## Errors (codes of the device API)

error-title = Something went wrong
error-details = Details
error-bad_request = The request was not understood.
error-not_found = This was not found. It may have been removed.
error-pack_refused = The pack was refused.
error-untrusted = The publisher of this pack is not trusted on this device.
error-disk_full = The disk is full. Remove some packs and try again.
error-io = The device could not read or write a file.
error-internal = Something went wrong inside Qalam.
error-unauthenticated = You are signed out. Sign in again to continue.
error-forbidden = This profile is not allowed to do this.
error-wrong_pin = The password or PIN is not right.
error-slow_down = Too many wrong tries. Wait a little, then try again.
error-not_yet = This is not finished yet.
error-conflict = This was already done.
error-interrupted = This stopped before it finished. Try again to continue.
error-unavailable = Qalam is not answering. Check that it is running, then try again.

## Library

library-title = Library
library-count =
    { $count ->
        [one] One course pack
       *[other] { $count } course packs
    }
library-empty-title = No course packs yet
library-empty-body = Course packs come on USB sticks. A facilitator plugs in the stick and chooses “Import packs” at the top of the screen.
library-empty-action = Import packs
pack-lessons =
    { $count ->
        [one] One lesson
       *[other] { $count } lessons
    }
pack-quizzes =
    { $count ->
        [one] One quiz
       *[other] { $count } quizzes
    }
pack-size = Size
pack-subject = Subject
pack-level = Level
pack-version = Version
pack-publisher = Publisher
pack-languages = Languages
pack-installed = Installed
pack-untrusted = Untrusted
pack-untrusted-help = This pack was imported without a trusted publisher’s signature.
pack-open = Open the pack

## Subjects and levels (a pack may use another tag; it is then shown as is)

subject-digital-skills = Digital skills
subject-language = Language
subject-numeracy = Numbers
subject-literacy = Reading and writing
subject-science = Science
subject-life-skills = Life skills
subject-health = Health
level-beginner = Beginner
level-intermediate = Intermediate
level-advanced = Advanced

## Pack

pack-back = Back to the library
pack-lessons-title = Lessons
lesson-number = Lesson { $n }
lesson-kind-html = Reading
lesson-kind-markdown = Reading
lesson-kind-pdf = Document (PDF)
lesson-kind-video = Video
lesson-kind-audio = Listening
lesson-duration =
    { $minutes ->
        [one] One minute
       *[other] { $minutes } minutes
    }
lesson-has-quiz = Has a quiz
pack-remove = Remove this pack
pack-remove-confirm = Remove “{ $title }” from this device?
pack-remove-yes = Yes, remove it
pack-removed = The pack was removed.

## Lesson

lesson-back = Back to the lessons
lesson-position = Lesson { $n } of { $total }
lesson-prev = Previous lesson
lesson-next = Next lesson
lesson-pdf-open = Open the document
lesson-pdf-help = The document opens in the document viewer.
lesson-media-fallback = This device cannot play this file.
lesson-not-found = This lesson is not in the pack any more.
lesson-last = This is the last lesson of the pack.

## Import

import-title = Import course packs
import-intro = Plug in a USB stick with course packs. This list updates by itself.
import-scanning = Looking for USB sticks…
import-no-sources = No USB stick with course packs was found. Plug one in, or type a path below.
import-source-packs =
    { $count ->
        [one] One pack on this stick
       *[other] { $count } packs on this stick
    }
import-select-all = Select all
import-pack-error = This file cannot be read as a course pack.
import-pack-version = Version { $version }
import-path-title = Another place on this device
import-path-label = Path of a pack file or of a folder with packs
import-path-add = Add
import-path-remove = Remove
import-paths-extra = Added paths
import-allow-untrusted = Allow packs from untrusted publishers
import-untrusted-warning = Warning: nobody has checked who made untrusted packs. Import them only if you know and trust where this stick comes from.
import-start =
    { $count ->
        [0] Import
        [one] Import one pack
       *[other] Import { $count } packs
    }
import-none-selected = Select at least one pack to import.
import-progress-label = Import progress
import-progress-done = { $percent } done
import-current = Now importing: { $file }
import-running = Importing…
import-finished = The import is finished.
import-results = Results
import-results-summary =
    { $count ->
        [one] One result
       *[other] { $count } results
    }
import-go-library = Go to the library
outcome-installed = Installed
outcome-updated = Updated
outcome-unchanged = Already up to date
outcome-refused = Refused
outcome-interrupted = Interrupted

## Settings

settings-title = Settings
settings-language-title = Language
settings-language-help = The language of the screens. Lessons show in this language when the pack has it.
settings-trust-title = Trusted publishers
settings-trust-help = Packs signed by these publishers are imported without a warning.
settings-trust-empty = No trusted publishers yet.
settings-trust-key = Key
settings-trust-name = Name
settings-trust-added = Added
settings-trust-add-title = Add a trusted publisher
settings-trust-add-key = Public key: paste the text of the publisher’s .pub file
settings-trust-add-name = Name (optional)
settings-trust-add-button = Add the publisher
settings-trust-add-empty = Paste a public key first.
settings-trust-added-ok = The publisher { $key } is now trusted.
settings-about-title = About
settings-about-version = Qalam version
settings-about-ui = Screens version
settings-about-data = Data folder
settings-about-transport = Connection

## USB stick notice, shown on every screen but Import
usb-banner =
    { $count ->
        [one] A USB stick with one course pack is plugged in.
       *[other] A USB stick with { $count } course packs is plugged in.
    }
usb-banner-import = Import
usb-banner-dismiss = Not now

## Why a pack was not imported
import-details = Details
import-reason-not_found = The file or folder was not found. Check that the USB stick is plugged in.
import-reason-invalid_pack = This file is damaged or has been changed. Do not use it: ask the publisher for a fresh copy.
import-reason-untrusted = The publisher of this pack is not trusted on this device. Add their key in Settings, or allow untrusted publishers if you are sure where it came from.
import-reason-version_conflict = A newer version of this course, or a different copy of the same version, is already installed.
import-reason-disk_full = There is not enough free space on this laptop. Remove unused courses, then try again.
import-reason-interrupted = The USB stick was removed during the import. Plug it in again and import again: the work already done is kept.
import-reason-device_error = The laptop could not save the course. Try again; if it keeps failing, ask for help.

## Facilitator sign-in

signin-title = Facilitator sign-in
signin-intro-import = Only a facilitator can import course packs. Choose your name, then type your password or PIN.
signin-intro-settings = Only a facilitator can change these settings. Choose your name, then type your password or PIN.
signin-pick = Who are you?
signin-pin-label = Password or PIN
signin-pin-help = Digits can be typed in any script: 123, ١٢٣ or ۱۲۳.
signin-submit = Sign in
signin-busy = Signing in…
signin-other-profile = Choose another name
signin-wrong-pin = That password or PIN is not right. Check it and try again.
signin-slow-down =
    { $seconds ->
        [one] Too many wrong tries. Wait one second, then try again.
       *[other] Too many wrong tries. Wait { $seconds } seconds, then try again.
    }
signin-forbidden = This profile cannot manage course packs. Only facilitators can.
signin-not-found = This profile is no longer on the device. Choose again.
signin-no-profiles = There are no profiles on this device yet. A facilitator account can be created with the qalam command.
session-signed-in-as = Signed in:
session-sign-out = Sign out
nav-progress = My progress
nav-learners = Learners
forbidden-title = For facilitators only
forbidden-body = This screen is for facilitators. Ask a facilitator for help.

## Profile picker (the start screen) and signing in

picker-title = Who is learning today?
picker-intro = Find your picture and your name, and press it.
picker-search = Find your name
picker-search-none = No name matches. Check the spelling, or clear the box.
picker-ended-idle = You were signed out because nobody used the laptop for a while. Your work is saved.
picker-ended-expired = Your session has ended. Your work is saved. Choose your name to go on.
picker-db-notice = This laptop’s saved work needs a check. You can keep learning. Please tell your facilitator.
picker-db-facilitator = Facilitators: check the database in Settings
signin-intro-learners = Only a facilitator can manage learners. Choose your name, then type your password.
signin-pin-label-learner = Your PIN
signin-pictures-label = Press your four pictures in order
signin-wrong-pictures = Those pictures are not right. Try again.
signin-slow-down-over = You can try again now.
signin-forbidden-password = This facilitator account has no password yet. Set one with the qalam command.
pinpad-label = Number pad
pinpad-erase = Erase the last digit
pictures-chosen =
    { $count ->
        [0] No picture chosen yet, { $total } to choose.
        [one] One of { $total } pictures chosen.
       *[other] { $count } of { $total } pictures chosen.
    }
pictures-erase = Erase the last picture
picture-sun = Sun
picture-tree = Tree
picture-cat = Cat
picture-fish = Fish
picture-star = Star
picture-house = House
picture-apple = Apple
picture-bird = Bird
picture-flower = Flower

## Studying a lesson

study-title = Your progress in this lesson
study-completed = Lesson completed
study-rule-viewed = Read the lesson to the end, then press “I have finished reading”.
study-rule-played = Watch or listen to the end to complete this lesson.
study-rule-time = Time on this lesson: { $done } of { $needed } minutes.
study-rule-quiz = Pass the quiz to complete this lesson.
study-resumed = You are back where you left off ({ $percent }).
study-saving = Saving…
study-saved = Saved
study-finished-reading = I have finished reading
study-mark-done = I have finished
study-not-yet = Not yet: spend a little more time on this lesson.
study-take-quiz = Take the quiz
study-quiz-again = Take the quiz again

## Quiz

quiz-title = Quiz
quiz-back = Back to the lesson
quiz-unsupported = This laptop’s Qalam cannot show quiz questions yet. Ask a facilitator to update Qalam.
quiz-intro =
    { $count ->
        [one] One question. You pass with { $needed }.
       *[other] { $count } questions. You pass with { $needed }.
    }
quiz-start = Start the quiz
quiz-question-of = Question { $n } of { $total }
quiz-progress-label = Questions answered
quiz-choose-one = Choose one answer.
quiz-choose-many = Choose every right answer.
quiz-your-number = Your answer (a number)
quiz-number-help = You can type 45, ٤٥ or ۴۵.
quiz-your-answer = Your answer
quiz-check = Check my answer
quiz-right = Right!
quiz-wrong = Not right.
quiz-next = Next question
quiz-see-result = See my result
quiz-score = Your score
quiz-correct-of = { $correct } of { $total } answers right.
quiz-passed = Well done! You passed this quiz.
quiz-mastered-before = You already passed this quiz before.
quiz-not-passed = You need { $needed } to pass. Read the lesson again, then try again.
quiz-best = Your best score: { $score }
quiz-lessons-completed =
    { $count ->
        [one] One lesson is now completed.
       *[other] { $count } lessons are now completed.
    }
quiz-course-completed = You completed the whole course!
quiz-retry = Try again

## My progress

progress-title = My progress
progress-intro = What { $name } has done, and what comes next.
progress-next-title = What to do next
progress-next-continue = Go on with:
progress-next-quiz = Take the quiz of:
progress-next-start = Start:
progress-go-continue = Continue
progress-go-quiz = Take the quiz
progress-go-start = Start
progress-no-courses = There are no courses on this laptop yet.
progress-all-done = You have completed everything. Well done!
progress-course-done = Course completed
progress-lessons-done = { $done } of { $total } lessons completed
progress-status-done = Completed
progress-status-quiz = Quiz to pass
progress-status-started = Started
progress-status-todo = Not started
progress-minutes =
    { $minutes ->
        [one] One minute
       *[other] { $minutes } minutes
    }
progress-quiz-mastered = Quiz passed
progress-quiz-best = Quiz: best { $score }
progress-quiz-todo = Quiz not taken yet

## Learners (facilitators)

learners-title = Learners
learners-intro = Everyone who uses this laptop. Learners choose their name on the start screen.
learners-list-title = Profiles
learners-role-learner = Learner
learners-role-facilitator = Facilitator
learners-signin-none = No PIN
learners-signin-pin = PIN
learners-signin-pictures = Picture password
learners-signin-password = Password
learners-rename = Rename
learners-reset = New PIN or pictures
learners-archive = Archive
learners-new-name = New name
learners-save = Save
learners-archive-confirm = Archive “{ $name }”? The name leaves the start screen; the progress is kept.
learners-archive-yes = Yes, archive
learners-archived =
    { $count ->
        [one] One archived profile
       *[other] { $count } archived profiles
    }
learners-add-title = Add a learner
learners-name = Name
learners-colour = Colour of the picture
learners-facilitator = This person is a facilitator (can import packs and manage learners)
learners-password = Password (6 to 64 characters)
learners-password-rule = A facilitator’s password has 6 to 64 characters.
learners-signin-how = How does this person sign in?
learners-kind-pin = With a PIN
learners-kind-pictures = With pictures
learners-kind-none = Without a PIN
learners-pin = PIN (4 to 6 digits)
learners-new-pin = New PIN (4 to 6 digits)
learners-pin-help = Digits can be typed in any script: 1234, ١٢٣٤ or ۱۲۳۴.
learners-pin-rule = A PIN has 4 to 6 digits.
learners-pictures-help = Choose four pictures in order. Tell the learner which ones, in this order.
learners-pictures-rule = Choose four pictures.
learners-none-help = Anyone can open this profile from the start screen.
learners-name-rule = Type a name.
learners-add = Add
learners-added = { $name } was added.
learners-renamed = The name is now { $name }.
learners-reset-done = The way { $name } signs in has changed.
learners-archived-done = { $name } was archived.
colour-red = Red
colour-orange = Orange
colour-green = Green
colour-teal = Teal
colour-blue = Blue
colour-purple = Purple
colour-pink = Pink
colour-brown = Brown
colour-grey = Grey
colour-black = Black

## Centre progress (facilitators)

centre-title = Centre progress
centre-intro = Every profile on this laptop and its courses.
centre-back = Back to the learners
centre-show-archived = Show archived profiles
centre-col-learner = Name
centre-col-course = Course
centre-col-lessons = Lessons completed
centre-col-time = Time on task
centre-col-quizzes = Quizzes passed
centre-col-best = Best quiz score
centre-archived = Archived
centre-completed = Completed
centre-not-started = No course started
centre-lessons-of = { $done } of { $total }
centre-minutes =
    { $minutes ->
        [one] One minute
       *[other] { $minutes } minutes
    }
centre-quizzes-of = { $mastered } of { $total }

## Errors of sync and enrolment
error-not_enrolled = This device is not connected to a campus server yet.
error-already_enrolled = This device is already connected to a campus server.
error-bad_address = That is not a server address. Write it like http://10.0.0.5:7878.
error-server_unreachable = The campus server could not be reached. Check the address and the network, then try again.
error-enrol_code_refused = The server did not accept this enrolment code. It may be mistyped, used or expired: ask for a new one.
error-server_refused = The campus server refused this device. Ask the server’s administrator.
error-server_version = The campus server runs a different version of Qalam. Update the older one.
error-sync_failed = The sync stopped before it finished. Try again.

## Settings: sync with the campus server
sync-title = Sync with the campus server
sync-help = Work recorded on this device goes to the centre’s campus server, and work from the centre’s other devices comes back, whenever the server can be reached.
sync-state-syncing = Syncing now…
sync-state-never = Not synced yet.
sync-state-synced = The last sync worked.
sync-state-failed = The last sync did not work.
sync-error-server_unreachable = The campus server could not be reached. Qalam tries again by itself.
sync-error-server_refused = The campus server refused this device. Ask the server’s administrator.
sync-error-server_version = The campus server runs a different version of Qalam. Update the older one.
sync-error-sync_failed = The sync stopped before it finished. Qalam tries again by itself.
sync-error-not_enrolled = This device is not connected to a campus server.
sync-error-internal = Something went wrong on this device while syncing.
sync-server = Server
sync-last-sync = Last synced
sync-last-attempt = Last try
sync-never = Never
sync-waiting = Waiting to be sent
sync-waiting-count =
    { $count ->
        [0] Nothing
        [one] One record
       *[other] { $count } records
    }
sync-sent = Sent by the last sync
sync-received = Received by the last sync
sync-none-yet = Nothing yet
sync-exchanged = Records exchanged
sync-exchanged-count = { $sent } sent, { $received } received
sync-clock = Clock
sync-clock-ok = In step with the server
sync-clock-ahead = This device’s clock is { $amount } ahead of the server’s.
sync-clock-behind = This device’s clock is { $amount } behind the server’s.
sync-now = Sync now
sync-running = Syncing…
sync-next = Next sync { $when }, by itself.
sync-enrol-title = Connect this device to the campus server
sync-enrol-help = Ask the server’s administrator for its address and a one-time enrolment code.
sync-enrol-server = Server address
sync-enrol-server-example = For example: http://10.0.0.5:7878
sync-enrol-code = Enrolment code
sync-enrol-button = Connect
sync-enrol-working = Connecting…
sync-enrol-empty = Enter the server address and the enrolment code.
sync-enrolled-ok = This device is now connected to { $server }. The first sync has started.
sync-stick-title = Or enrol from a file on a USB stick
sync-stick-help = With no link to the campus server, its administrator can write an enrolment file onto a USB stick. Plug the stick in, choose it, and enrol: no network is needed.
sync-stick-has-file = An enrolment file is on this stick.
sync-stick-no-file = No enrolment file found on this stick.
sync-stick-server = Use another server address
sync-stick-server-help = Only if the file names no server, or the server’s address changed. Leave it empty otherwise.
sync-stick-button = Enrol from this stick
sync-stick-working = Enrolling…
sync-stick-done = This device is now enrolled in { $centre }.
sync-stick-done-server = It syncs with { $server }. The first sync completes the enrolment.
sync-stick-done-no-server = The file names no server: carry the work on a USB stick (below). The first sync file the campus server loads completes the enrolment.
sync-stick-delete = Now delete { $file } from the USB stick: it holds the enrolment code, and someone else could use it.
sync-server-none = None
sync-no-server = This device has no server address. Carry its work on a USB stick (below).

## Settings: the database
db-title = Database
db-help = Qalam checks its database each time it starts.
db-ok = The database is healthy.
db-checking = Checking the database…
db-unchecked = The database has not been checked yet.
db-damaged = The database is damaged.
db-damaged-help = Learners can keep working, but some work may be missing until it is repaired.
db-problems = What the check found
db-backups = Backups a repair can use
db-took = Last check took
db-took-value = { $seconds } s
db-repair = Repair the database
db-repair-confirm = Repairing rebuilds the database from the newest backup and from every record that can still be read. The damaged files are kept in a folder of their own. It can take up to a minute, and everyone else waits meanwhile. Repair now?
db-repair-yes = Yes, repair now
db-repairing = Repairing the database…
db-repair-steps = What the repair did
db-repaired-ok = The database is repaired and checks out.
db-repaired-problems = The repair finished, but the check still finds problems:

## Settings: sync by USB stick
usb-sync-title = Sync by USB stick
usb-sync-help = When the campus server cannot be reached, carry the work on a USB stick: save this device’s sync file onto the stick and import it on the server; then bring back the file the server writes for this device and load it here.
usb-sync-no-stick = No USB stick found. Plug one in: it shows up here by itself.
usb-sync-choose = USB stick
usb-sync-save = Save sync file to stick
usb-sync-saving = Saving the sync file…
usb-sync-saved =
    { $count ->
        [0] Sync file saved ({ $size }). Nothing new to send: the server already has every record of this device.
        [one] Sync file saved with one record ({ $size }).
       *[other] Sync file saved with { $count } records ({ $size }).
    }
usb-sync-saved-next = Take the stick to the campus server and import the file there.
usb-sync-files = Sync files on this stick
usb-sync-no-files = No sync files on this stick yet.
usb-sync-file-ready = From the campus server, for this device. Ready to load.
usb-sync-file-outgoing = Made on this device. Take it to the campus server.
usb-sync-refused-bundle_tampered = This file was changed or damaged after it was written. It cannot be loaded: write it again.
usb-sync-refused-bundle_other_org = This file belongs to another organisation. It cannot be loaded here.
usb-sync-refused-bundle_other_device = This file is for another device. Load it on that device.
usb-sync-refused-bundle_unreadable = This is not a Qalam sync file, or it comes from a newer Qalam.
usb-sync-refused-not_enrolled = This device is not connected to a campus server yet, so it cannot check sync files.
usb-sync-refused-other = This file cannot be loaded here.
usb-sync-load = Load
usb-sync-load-file = Load { $file }
usb-sync-loading = Loading the sync file…
usb-sync-loaded =
    { $count ->
        [0] Loaded. Nothing new: this device already had everything in it.
        [one] Loaded one new record ({ $known } already here).
       *[other] Loaded { $count } new records ({ $known } already here).
    }
usb-sync-peers-help = The laptops of this centre can also pass work to each other without the server: save a file for other laptops here, then load it on another laptop of this centre.
usb-sync-save-peers = Save a file for other laptops
usb-sync-saving-peers = Saving the file for other laptops…
usb-sync-saved-peers =
    { $count ->
        [0] File for other laptops saved ({ $size }). It holds no records yet.
        [one] File for other laptops saved with one record ({ $size }).
       *[other] File for other laptops saved with { $count } records ({ $size }).
    }
usb-sync-saved-peers-next = Plug the stick into another laptop of this centre. There, open Settings and press “Load” beside this file.
usb-sync-file-ready-peers = From another laptop of this centre. Ready to load.
usb-sync-file-outgoing-peers = Made on this laptop for the other laptops of this centre. Load it on one of them.
usb-sync-refused-bundle_other_centre = This file comes from a laptop of another centre. Laptops share files only within their own centre.
usb-sync-refused-not_certified = This laptop cannot check files from other laptops yet. First sync it once with the campus server, over the network or with a USB stick.
error-stick_missing = The USB stick is not there any more. Plug it in and choose it again.
error-bundle_tampered = This sync file was changed or damaged after it was written. Nothing was loaded: write it again.
error-bundle_other_org = This sync file belongs to another organisation. Nothing was loaded.
error-bundle_other_device = This sync file is for another device. Nothing was loaded.
error-bundle_own = This sync file was made on this device. Take it to the campus server instead.
error-bundle_unreadable = This is not a Qalam sync file, or it comes from a newer Qalam. Nothing was loaded.
error-bundle_other_centre = This sync file comes from a laptop of another centre. Nothing was loaded.
error-not_certified = This laptop must first sync once with the campus server: over the network, or one round with a USB stick (save its sync file, import it on the server, then load the server’s file here). Then try again.
error-enrolment_file_missing = There is no enrolment file on this USB stick. Ask the campus server’s administrator to write one onto it.
error-enrolment_file_bad = This is not a Qalam enrolment file, or it comes from a newer Qalam. Ask the administrator for a new one.

## Settings: course packs from the campus server
catalogue-title = Course packs from the server
catalogue-help = The campus server offers your organisation’s course packs. Download them here: each one is checked before it is installed, like a pack from a USB stick.
catalogue-not-enrolled = This device is not connected to a campus server yet. Connect it under “Sync with the campus server” above, and the server’s course packs show here.
catalogue-offline = The campus server cannot be reached now. Check the network, then try again.
catalogue-empty = The campus server offers no course packs yet.
catalogue-version = Version { $version }
catalogue-installed = Installed
catalogue-not-installed = Not on this device
catalogue-update = Update available (version { $installed } is installed)
catalogue-downloading = Downloading…
catalogue-download = Download
catalogue-download-pack = Download { $title }
catalogue-update-button = Update
catalogue-update-pack = Update { $title }
catalogue-downloading-pack = Downloading { $title }
catalogue-progress = { $done } of { $total }
catalogue-starting = Starting the download…
catalogue-done = Downloaded and installed.
catalogue-refresh = Check the server again
catalogue-failed-interrupted = The download was cut off. Press Download again: it continues where it stopped.
catalogue-failed-untrusted = The publisher of this pack is not trusted on this device. Add their key under Trusted publishers, then download again.
catalogue-failed-invalid_pack = The downloaded file was damaged or changed, so it was not installed. Try again; if it keeps failing, tell the server’s administrator.
catalogue-failed-disk_full = There is not enough free space on this laptop. Remove unused courses, then try again.
catalogue-failed-not_found = The server no longer offers this pack. Check the server again.
catalogue-failed-server_unreachable = The campus server could not be reached. Check the network, then press Download again: it continues where it stopped.
catalogue-failed-version_conflict = A newer version of this course is already installed.
catalogue-failed-other = The pack could not be downloaded. Try again.
