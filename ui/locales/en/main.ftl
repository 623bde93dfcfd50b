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
