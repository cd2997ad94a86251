//! The askama templates (`nauthera-http/templates/`, checked at compile time, HTML-escaped) and how each
//! [`View`] fills one in a language.

use askama::Template;
use nauthera_core::flows::account::MIN_PASSWORD_LENGTH;

use super::account::{AccountActions, AccountView, Done, PasswordProblem};
use super::login::{LoginProblem, LoginView};
use super::{ConsentView, View};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "login.html")]
struct Login<'a> {
    t: Tr<'a>,
    title: String,
    intro: String,
    problem: Option<String>,
    action: &'a str,
    interaction: &'a str,
    csrf_token: &'a str,
    username: &'a str,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct Consent<'a> {
    t: Tr<'a>,
    title: String,
    intro: String,
    scopes: Vec<String>,
    action: &'a str,
    interaction: &'a str,
    csrf_token: &'a str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: Tr<'a>,
    title: String,
    code: String,
    description: &'a str,
}

#[derive(Template)]
#[template(path = "logout.html")]
struct Logout<'a> {
    t: Tr<'a>,
    title: String,
    question: String,
    action: &'a str,
    csrf_token: &'a str,
    fields: &'a [(String, String)],
}

#[derive(Template)]
#[template(path = "logged_out.html")]
struct LoggedOut<'a> {
    t: Tr<'a>,
    title: String,
}

/// One application row of the account page, in words.
struct ApplicationRow<'a> {
    client_id: &'a str,
    name: &'a str,
    access: String,
    revoke_label: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct Account<'a> {
    t: Tr<'a>,
    title: String,
    done: Option<String>,
    actions: &'a AccountActions,
    csrf_token: &'a str,
    username: &'a str,
    name: String,
    email: String,
    groups_count: String,
    groups: &'a [String],
    applications: Vec<ApplicationRow<'a>>,
    password_problem: Option<String>,
    password_hint: String,
    min_password: usize,
    language: Option<String>,
    languages: Vec<(String, String)>,
}

/// Renders `view` in the translator's language.
pub(super) fn render(view: &View, t: Tr<'_>) -> askama::Result<String> {
    match view {
        View::Login(view) => login(view, t).render(),
        View::Consent(view) => consent(view, t).render(),
        View::Error { code, description } => ErrorPage {
            t,
            title: t.t("error-title"),
            code: t.t1("error-code", "code", code.as_str()),
            description,
        }
        .render(),
        View::LogoutConfirm {
            action,
            fields,
            client_name,
            csrf_token,
        } => Logout {
            t,
            title: t.t("logout-title"),
            question: match client_name {
                Some(client) => t.t1("logout-question-from", "client", client.as_str()),
                None => t.t("logout-question"),
            },
            action,
            csrf_token,
            fields,
        }
        .render(),
        View::LoggedOut => LoggedOut {
            t,
            title: t.t("logged-out-title"),
        }
        .render(),
        View::Account(view) => account(view, t).render(),
    }
}

fn login<'a>(view: &'a LoginView, t: Tr<'a>) -> Login<'a> {
    let intro = match &view.client_name {
        Some(client) => t.t1("login-intro", "client", client.as_str()),
        None => t.t("login-intro-account"),
    };
    let problem = view.problem.map(|problem| match problem {
        LoginProblem::Credentials => t.t("login-error-credentials"),
        LoginProblem::Throttled(seconds) => t.t1("login-error-throttled", "seconds", seconds),
        LoginProblem::Busy => t.t("login-error-busy"),
    });
    Login {
        t,
        title: t.t("login-title"),
        intro,
        problem,
        action: &view.action,
        interaction: &view.interaction,
        csrf_token: &view.csrf_token,
        username: &view.username,
    }
}

fn consent<'a>(view: &'a ConsentView, t: Tr<'a>) -> Consent<'a> {
    let scopes = view
        .scope
        .iter()
        .map(|scope| match scope {
            "openid" | "profile" | "email" | "offline_access" | "groups" => {
                t.t(&format!("scope-{scope}"))
            }
            other => other.to_owned(),
        })
        .collect();
    Consent {
        t,
        title: t.t("consent-title"),
        intro: t.t1("consent-intro", "client", view.client_name.as_str()),
        scopes,
        action: &view.action,
        interaction: &view.interaction,
        csrf_token: &view.csrf_token,
    }
}

fn account<'a>(view: &'a AccountView, t: Tr<'a>) -> Account<'a> {
    let or_not_set =
        |value: &Option<String>| value.clone().unwrap_or_else(|| t.t("account-not-set"));
    let applications = view
        .applications
        .iter()
        .map(|application| ApplicationRow {
            client_id: &application.client_id,
            name: &application.name,
            access: t.t1(
                "account-application-scope",
                "scope",
                application.scope.as_str(),
            ),
            revoke_label: t.t1("account-revoke-label", "client", application.name.as_str()),
        })
        .collect();
    let done = view.done.map(|done| match done {
        Done::Password => t.t("account-done-password"),
        Done::Language => t.t("account-done-language"),
        Done::Revoked => t.t("account-done-revoked"),
    });
    let password_problem = view.password_problem.map(|problem| match problem {
        PasswordProblem::Wrong => t.t("account-password-wrong"),
        PasswordProblem::Unacceptable => {
            t.t1("account-password-unacceptable", "min", MIN_PASSWORD_LENGTH)
        }
        PasswordProblem::Throttled(seconds) => t.t1("login-error-throttled", "seconds", seconds),
    });
    Account {
        t,
        title: t.t("account-title"),
        done,
        actions: &view.actions,
        csrf_token: &view.csrf_token,
        username: &view.username,
        name: or_not_set(&view.name),
        email: or_not_set(&view.email),
        groups_count: t.t1("account-groups-count", "count", view.groups.len()),
        groups: &view.groups,
        applications,
        password_problem,
        password_hint: t.t1("account-password-hint", "min", MIN_PASSWORD_LENGTH),
        min_password: MIN_PASSWORD_LENGTH,
        language: view.language.clone(),
        languages: t.language_names(),
    }
}
