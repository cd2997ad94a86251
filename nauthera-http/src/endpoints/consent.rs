//! The consent form's target.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;
use nauthera_core::error::Error;
use nauthera_core::flows::authorize::{AuthorizeContext, ConsentDecision};
use nauthera_core::flows::interaction::SubmittedForm;
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use super::authorize::{current_session, render};
use crate::error::html_error;
use crate::extract;
use crate::state::Shared;

#[derive(Deserialize)]
struct ConsentForm {
    interaction: Option<String>,
    csrf_token: Option<String>,
    decision: Option<String>,
}

/// `POST /consent`.
pub(crate) async fn post<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: ConsentForm = match extract::form(&headers, &body) {
        Ok(form) => form,
        Err(error) => return html_error(&error),
    };
    let session = match current_session(&state, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => {
            return html_error(&Error::invalid_request(
                "you are not signed in; start again from the application",
            ));
        }
        Err(error) => return html_error(&error),
    };
    let provider = &state.provider;
    let submitted = SubmittedForm::new(
        "consent",
        Some(session.sid.as_str()),
        form.csrf_token.as_deref(),
        form.interaction.as_deref(),
    );
    let interaction = match provider.open_interaction(&submitted).await {
        Ok(interaction) => interaction,
        Err(error) => return html_error(&error),
    };
    let consent = match form.decision.as_deref() {
        Some("allow") => ConsentDecision::Allow,
        Some("deny") => ConsentDecision::Deny,
        _ => return html_error(&Error::invalid_request("decision must be allow or deny")),
    };
    let context = AuthorizeContext {
        authenticated_now: interaction.authenticated_in.as_ref() == Some(&session.sid),
        session: Some(session.clone()),
        consent: Some(consent),
    };
    match provider.authorize(&interaction.params, context).await {
        Ok(outcome) => render(&state, &headers, outcome, Some(&session), None).await,
        Err(error) => html_error(&error),
    }
}
