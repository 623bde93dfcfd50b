# Qalam campus server, admin web page: English (complete; the fallback).
# Every id here must exist in ar, fr and fa-AF too (a unit test checks).

## Every page
admin-title = Qalam server administration
skip-to-content = Skip to the main content
language-label = Language
language-change = Change language
signed-in-as = Signed in as { $name }
scope-server = Administrator of the whole server
scope-org = Administrator of one organisation
sign-out = Sign out
breadcrumb-label = Where you are
times-in-utc = Times are in UTC.
col-name = Name
col-id = Id
col-created = Created

## Sign-in
signin-title = Sign in
signin-intro = For the administrators of this campus server. An administrator account is made with the command “qalam server admin add”.
signin-name = Name
signin-password = Password
signin-submit = Sign in
signin-wrong = That name or password is not right. Check it and try again.
signin-slow-down =
    { $seconds ->
        [one] Too many wrong passwords. Wait one second, then try again.
       *[other] Too many wrong passwords. Wait { $seconds } seconds, then try again.
    }
signed-out = You are signed out.

## Organisations
orgs-title = Organisations
orgs-empty = There are no organisations yet. Add the first one below.
orgs-add-title = Add an organisation
orgs-add-name = Name of the organisation
orgs-add-submit = Add organisation

## One organisation and its centres
org-title = Organisation: { $name }
centres-title = Study centres
centres-empty = This organisation has no centres yet. Add one below.
centres-add-title = Add a centre
centres-add-name = Name of the centre
centres-add-submit = Add centre

## One centre and its devices
centre-title = Centre: { $name }
devices-title = Devices
devices-empty = No device is enrolled in this centre yet. Make an enrolment code below and type it on the device.
col-device = Device
col-enrolled = Enrolled
col-last-sync = Last sync
col-status = Status
col-action = Action
device-never-synced = Never
device-active = Active
device-revoked = Revoked on { $when }
device-revoke = Revoke…
device-revoke-label = Revoke device { $id }
device-revoked-done = Device { $id } is revoked. It can no longer sync.

## Enrolment codes
code-title = New enrolment code
code-help = An enrolment code lets one device join this centre. It works once, until it expires.
code-hours = Valid for how many hours (1 to 720)
code-submit = Make an enrolment code
code-shown-title = Enrolment code for { $centre }
code-shown-once = Type it on the device now, or write it down: it is shown only this once.
code-expires = Valid until { $when }, for one device.
code-back = Back to the centre
code-file-title = For a laptop without a connection
code-file-help = Save this code as an enrolment file and carry it on a USB stick. On the laptop, a facilitator enrols from the file (Settings, Sync). Delete the file once the laptop is enrolled: it holds the code.
code-file-server = Campus server address for the laptop (optional), e.g. https://10.0.0.5:7878
code-file-submit = Save as enrolment file
error-bad-request-title = Not accepted
error-server-url = The server address must start with http:// or https://, for example https://10.0.0.5:7878.
error-enrolment-file = This code cannot be written as an enrolment file. Make a new code and try again.

## Revoking a device
revoke-title = Revoke a device
revoke-question = Revoke device { $id } of { $centre }?
revoke-explain = It can no longer sync with this server. The work it already sent is kept. This cannot be undone.
revoke-confirm = Yes, revoke this device
revoke-cancel = No, keep it

## Errors
error-name-empty = The name is empty. Type a name.
error-name-too-long = The name is too long: at most { $max } characters.
error-hours = Type a whole number of hours from 1 to 720.
error-not-found-title = Not found
error-not-found = This page does not exist, or your account may not see it.
error-forbidden-title = Refused
error-csrf = This form was refused because its security token was missing or old. Go back, reload the page and try again.
error-org-admins-only = Only an administrator of the whole server can add organisations.
error-internal-title = Server error
error-internal = Something went wrong on the server. Try again; if it keeps failing, look at the server’s log.
back-home = Back to the start page
