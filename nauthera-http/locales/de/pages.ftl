# Seiten von Nauthera, Deutsch. Jede Nachricht muss es in jeder anderen Sprache geben (ein Test prüft das).

## Anmeldung
login-title = Anmelden
login-intro = Melden Sie sich an, um zu { $client } zu gelangen.
login-intro-account = Melden Sie sich an, um Ihr Konto zu verwalten.
login-username = Benutzername
login-password = Passwort
login-submit = Anmelden
login-error-credentials = Benutzername oder Passwort ist falsch.
login-error-throttled = { $seconds ->
    [one] Zu viele Fehlversuche. Versuchen Sie es in einer Sekunde erneut.
   *[other] Zu viele Fehlversuche. Versuchen Sie es in { $seconds } Sekunden erneut.
}
login-error-busy = Der Server ist ausgelastet. Versuchen Sie es gleich noch einmal.

## Zustimmung
consent-title = Zugriff erlauben?
consent-intro = { $client } bittet um Zugriff auf:
consent-allow = Erlauben
consent-deny = Ablehnen
scope-openid = Ihre Identität (wer Sie sind)
scope-profile = Ihr Profil: Name und Benutzername
scope-email = Ihre E-Mail-Adresse
scope-offline_access = Zugriff, während Sie abwesend sind (ein Refresh-Token)
scope-groups = Die Gruppen, denen Sie angehören

## Fehler
error-title = Etwas ist schiefgegangen
error-code = Fehlercode: { $code }
error-hint = Kehren Sie zur Anwendung zurück und versuchen Sie es erneut.

## Abmeldung
logout-title = Abmelden
logout-question = Möchten Sie sich abmelden?
logout-question-from = Möchten Sie sich von { $client } abmelden?
logout-submit = Abmelden
logged-out-title = Abgemeldet
logged-out-text = Sie wurden abgemeldet.

## Konto
account-title = Ihr Konto
account-profile = Profil
account-username = Benutzername
account-name = Name
account-email = E-Mail
account-not-set = nicht angegeben
account-groups = Gruppen
account-groups-count = { $count ->
    [0] Sie gehören keiner Gruppe an.
    [one] Sie gehören einer Gruppe an:
   *[other] Sie gehören { $count } Gruppen an:
}
account-applications = Anwendungen
account-no-applications = Sie haben noch keiner Anwendung Zugriff erlaubt.
account-application-scope = Zugriff: { $scope }
account-revoke = Zugriff entziehen
account-revoke-label = { $client } den Zugriff entziehen
account-password = Passwort ändern
account-password-current = Aktuelles Passwort
account-password-new = Neues Passwort
account-password-confirm = Neues Passwort wiederholen
account-password-submit = Passwort ändern
account-password-hint = Mindestens { $min } Zeichen. Ihre anderen Sitzungen werden abgemeldet.
account-password-wrong = Das aktuelle Passwort ist falsch.
account-password-unacceptable = Das neue Passwort braucht mindestens { $min } Zeichen, und beide Eingaben müssen übereinstimmen.
account-language = Sprache
account-language-browser = Wie mein Browser es angibt
account-language-submit = Speichern
account-sign-out-everywhere = Überall abmelden
account-sign-out-everywhere-hint = Beendet alle Ihre Sitzungen in jedem Browser, auch diese.
account-done-password = Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden abgemeldet.
account-done-language = Ihre Sprache wurde gespeichert.
account-done-revoked = Der Zugriff wurde entzogen. Die Anwendung muss erneut fragen.
language-name = Deutsch
