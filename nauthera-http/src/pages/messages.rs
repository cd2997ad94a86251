//! Error, logout confirmation and logged-out pages.

use axum::response::Response;
use http::StatusCode;
use nauthera_core::flows::end_session::EndSessionParams;

use super::{escape, hidden, page};

/// An error page: shown instead of redirecting when the client or redirect URI cannot be trusted.
pub(crate) fn error_page(status: StatusCode, code: &str, description: &str) -> Response {
    let body = format!(
        "<p class=\"error\">{}</p><p>Error code: <code>{}</code></p>\
         <p>Return to the application and try again.</p>",
        escape(description),
        escape(code)
    );
    page(status, "Something went wrong", &body)
}

/// Asks the end-user to confirm logging out.
pub(crate) fn logout_confirm_page(
    action: &str,
    params: &EndSessionParams,
    client_name: Option<&str>,
    csrf_token: &str,
) -> Response {
    let mut fields = hidden("csrf_token", csrf_token);
    let pairs = [
        ("id_token_hint", &params.id_token_hint),
        ("client_id", &params.client_id),
        ("post_logout_redirect_uri", &params.post_logout_redirect_uri),
        ("state", &params.state),
    ];
    for (name, value) in pairs {
        if let Some(value) = value {
            fields.push_str(&hidden(name, value));
        }
    }
    let from = client_name
        .map(|name| format!(" from <strong>{}</strong>", escape(name)))
        .unwrap_or_default();
    let body = format!(
        "<p>Do you want to sign out{from}?</p><form method=\"post\" action=\"{action}\">{fields}\
         <button type=\"submit\" name=\"confirm\" value=\"yes\">Sign out</button></form>",
        action = escape(action),
    );
    page(StatusCode::OK, "Sign out", &body)
}

/// Shown after logout when there is no post-logout redirect.
pub(crate) fn logged_out_page() -> Response {
    page(
        StatusCode::OK,
        "Signed out",
        "<p>You have been signed out.</p>",
    )
}
