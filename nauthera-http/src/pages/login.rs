//! The login page.

use axum::response::Response;
use http::StatusCode;

use super::{escape, hidden, page};

/// What the login page shows.
pub(crate) struct LoginView<'a> {
    pub(crate) action: &'a str,
    pub(crate) client_name: &'a str,
    pub(crate) interaction: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) username: Option<&'a str>,
    pub(crate) error: Option<&'a str>,
}

/// Renders the login form.
pub(crate) fn login_page(view: &LoginView<'_>) -> Response {
    let error = view
        .error
        .map(|error| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(error)))
        .unwrap_or_default();
    let body = format!(
        "<p>Sign in to continue to <strong>{client}</strong>.</p>{error}\
         <form method=\"post\" action=\"{action}\">{interaction}{csrf}\
         <label for=\"username\">Username</label>\
         <input type=\"text\" id=\"username\" name=\"username\" value=\"{username}\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Sign in</button></form>",
        client = escape(view.client_name),
        action = escape(view.action),
        interaction = hidden("interaction", view.interaction),
        csrf = hidden("csrf_token", view.csrf_token),
        username = escape(view.username.unwrap_or_default()),
    );
    page(StatusCode::OK, "Sign in", &body)
}
