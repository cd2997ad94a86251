//! The consent page.

use axum::response::Response;
use http::StatusCode;
use nauthera_core::types::Scope;

use super::{escape, hidden, page};

/// What the consent page shows.
pub(crate) struct ConsentView<'a> {
    pub(crate) action: &'a str,
    pub(crate) client_name: &'a str,
    pub(crate) scope: &'a Scope,
    pub(crate) interaction: &'a str,
    pub(crate) csrf_token: &'a str,
}

/// Renders the consent form.
pub(crate) fn consent_page(view: &ConsentView<'_>) -> Response {
    let scopes: String = view
        .scope
        .iter()
        .map(|scope| format!("<li>{}</li>", escape(describe(scope))))
        .collect();
    let body = format!(
        "<p><strong>{client}</strong> asks for access to:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"{action}\">{interaction}{csrf}\
         <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
        client = escape(view.client_name),
        action = escape(view.action),
        interaction = hidden("interaction", view.interaction),
        csrf = hidden("csrf_token", view.csrf_token),
    );
    page(StatusCode::OK, "Allow access?", &body)
}

fn describe(scope: &str) -> &str {
    match scope {
        "openid" => "Your identity (who you are)",
        "profile" => "Your profile: name and username",
        "email" => "Your email address",
        "offline_access" => "Access while you are away (a refresh token)",
        other => other,
    }
}
