# Pages of Nauthera, English. Every message here must exist in every other language (a test checks).

## Login
login-title = Sign in
login-intro = Sign in to continue to { $client }.
login-intro-account = Sign in to manage your account.
login-username = Username
login-password = Password
login-submit = Sign in
login-error-credentials = The username or password is incorrect.
login-error-throttled = { $seconds ->
    [one] Too many failed attempts. Try again in one second.
   *[other] Too many failed attempts. Try again in { $seconds } seconds.
}
login-error-busy = The server is busy. Try again in a moment.

## Consent
consent-title = Allow access?
consent-intro = { $client } asks for access to:
consent-allow = Allow
consent-deny = Deny
scope-openid = Your identity (who you are)
scope-profile = Your profile: name and username
scope-email = Your email address
scope-offline_access = Access while you are away (a refresh token)
scope-groups = The groups you belong to

## Errors
error-title = Something went wrong
error-code = Error code: { $code }
error-hint = Return to the application and try again.

## Logout
logout-title = Sign out
logout-question = Do you want to sign out?
logout-question-from = Do you want to sign out from { $client }?
logout-submit = Sign out
logged-out-title = Signed out
logged-out-text = You have been signed out.

## Account
account-title = Your account
account-profile = Profile
account-username = Username
account-name = Name
account-email = Email
account-not-set = not set
account-groups = Groups
account-groups-count = { $count ->
    [0] You are not in any group.
    [one] You are in one group:
   *[other] You are in { $count } groups:
}
account-applications = Applications
account-no-applications = You have not allowed any application.
account-application-scope = Access: { $scope }
account-revoke = Revoke access
account-revoke-label = Revoke the access of { $client }
account-password = Change password
account-password-current = Current password
account-password-new = New password
account-password-confirm = Repeat the new password
account-password-submit = Change password
account-password-hint = At least { $min } characters. Your other sessions will be signed out.
account-password-wrong = The current password is incorrect.
account-password-unacceptable = The new password needs at least { $min } characters, and both entries must match.
account-language = Language
account-language-browser = As my browser says
account-language-submit = Save
account-sign-out-everywhere = Sign out everywhere
account-sign-out-everywhere-hint = Ends all your sessions, in every browser, this one included.
account-done-password = Your password was changed. Your other sessions were signed out.
account-done-language = Your language was saved.
account-done-revoked = Access was revoked. The application will have to ask again.
language-name = English
