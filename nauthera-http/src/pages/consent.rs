//! The consent page.

use axum::response::Response;
use http::StatusCode;
use nauthera_core::types::Scope;

use super::{View, deferred};

/// What the consent page shows.
#[derive(Debug)]
pub(crate) struct ConsentView {
    pub(crate) action: String,
    pub(crate) client_name: String,
    pub(crate) scope: Scope,
    pub(crate) interaction: String,
    pub(crate) csrf_token: String,
}

/// The consent form, in the language of `ui_locales`, the user's preference or the browser.
pub(crate) fn consent_page(
    view: ConsentView,
    ui_locales: Option<String>,
    preference: Option<String>,
) -> Response {
    deferred(StatusCode::OK, View::Consent(view), ui_locales, preference)
}
