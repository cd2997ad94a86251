//! The login page.

use axum::response::Response;
use http::StatusCode;

use super::{View, deferred};

/// What the login page shows.
#[derive(Debug)]
pub(crate) struct LoginView {
    pub(crate) action: String,
    /// The client signing in to; `None` on the account pages' own login.
    pub(crate) client_name: Option<String>,
    pub(crate) interaction: String,
    pub(crate) csrf_token: String,
    pub(crate) username: String,
    pub(crate) problem: Option<LoginProblem>,
}

/// Why the login page is shown again. None reveals whether the account exists.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LoginProblem {
    /// Wrong username or password (or a disabled account).
    Credentials,
    /// Too many failures: wait this many seconds.
    Throttled(u64),
    /// The password-hashing workers are busy.
    Busy,
}

/// The login form, in the language of `ui_locales` or the browser.
pub(crate) fn login_page(view: LoginView, ui_locales: Option<String>) -> Response {
    deferred(StatusCode::OK, View::Login(view), ui_locales, None)
}
