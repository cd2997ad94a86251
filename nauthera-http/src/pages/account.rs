//! The account page: profile, groups, applications, password, language, sign out everywhere.

use axum::response::Response;
use http::StatusCode;

use super::{View, deferred};

/// The targets of the account page's forms.
#[derive(Debug)]
pub(crate) struct AccountActions {
    pub(crate) password: String,
    pub(crate) language: String,
    pub(crate) revoke: String,
    pub(crate) sign_out_everywhere: String,
}

/// An application the user consented to.
#[derive(Debug)]
pub(crate) struct Application {
    pub(crate) client_id: String,
    pub(crate) name: String,
    pub(crate) scope: String,
}

/// What the last action did (shown once, after its redirect).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Done {
    Password,
    Language,
    Revoked,
}

impl Done {
    /// The `done` query value that names it.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "password" => Some(Self::Password),
            "language" => Some(Self::Language),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }

    /// The `done` query value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Language => "language",
            Self::Revoked => "revoked",
        }
    }
}

/// Why a password change was refused.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PasswordProblem {
    Wrong,
    Unacceptable,
    Throttled(u64),
}

/// What the account page shows.
#[derive(Debug)]
pub(crate) struct AccountView {
    pub(crate) actions: AccountActions,
    pub(crate) csrf_token: String,
    pub(crate) username: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) groups: Vec<String>,
    pub(crate) applications: Vec<Application>,
    /// The stored language, `None` to follow the browser.
    pub(crate) language: Option<String>,
    pub(crate) done: Option<Done>,
    pub(crate) password_problem: Option<PasswordProblem>,
}

/// The account page in the user's language (their preference, else the request's).
pub(crate) fn account_page(status: StatusCode, view: AccountView) -> Response {
    let preference = view.language.clone();
    deferred(status, View::Account(Box::new(view)), None, preference)
}
