//! Error, logout confirmation and logged-out pages.

use axum::response::Response;
use http::StatusCode;
use nauthera_core::flows::end_session::EndSessionParams;

use super::{View, deferred};

/// An error page: shown instead of redirecting when the client or redirect URI cannot be trusted.
pub(crate) fn error_page(status: StatusCode, code: &str, description: &str) -> Response {
    let view = View::Error {
        code: code.to_owned(),
        description: description.to_owned(),
    };
    deferred(status, view, None, None)
}

/// Asks the end-user to confirm logging out.
pub(crate) fn logout_confirm_page(
    action: &str,
    params: &EndSessionParams,
    client_name: Option<&str>,
    csrf_token: &str,
) -> Response {
    let pairs = [
        ("id_token_hint", &params.id_token_hint),
        ("client_id", &params.client_id),
        ("post_logout_redirect_uri", &params.post_logout_redirect_uri),
        ("state", &params.state),
        ("ui_locales", &params.ui_locales),
    ];
    let fields = pairs
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value.clone()?)))
        .collect();
    let view = View::LogoutConfirm {
        action: action.to_owned(),
        fields,
        client_name: client_name.map(str::to_owned),
        csrf_token: csrf_token.to_owned(),
    };
    deferred(StatusCode::OK, view, params.ui_locales.clone(), None)
}

/// Shown after logout when there is no post-logout redirect.
pub(crate) fn logged_out_page() -> Response {
    deferred(StatusCode::OK, View::LoggedOut, None, None)
}
