//! The checks every interaction form (login, consent) passes before anything else: a CSRF token bound to the
//! browser, and the signed, unexpired interaction that carries the authorization request.

use nauthera_core::error::Error;
use nauthera_core::session::Interaction;
use nauthera_core::{Cache, Storage};

use crate::state::Shared;

/// The security fields of a submitted interaction form.
pub(crate) struct SubmittedForm<'a> {
    /// `login` or `consent`: what the CSRF token was issued for.
    pub(crate) purpose: &'static str,
    /// What the CSRF token is bound to: the login CSRF cookie, or the session id.
    pub(crate) binding: Option<&'a str>,
    /// The submitted CSRF token.
    pub(crate) csrf_token: Option<&'a str>,
    /// The submitted signed interaction.
    pub(crate) interaction: Option<&'a str>,
}

/// Verifies the CSRF token and opens the interaction.
///
/// # Errors
/// `invalid_request` when the CSRF token is missing or wrong, or the interaction is forged or expired.
pub(crate) fn open_interaction<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    form: &SubmittedForm<'_>,
) -> Result<Interaction, Error> {
    let key = state.provider.session_key();
    let csrf_valid = match (form.binding, form.csrf_token) {
        (Some(binding), Some(token)) => key.verify_csrf(form.purpose, binding, token),
        _ => false,
    };
    if !csrf_valid {
        return Err(Error::invalid_request(
            "the CSRF token is missing or invalid; reload the page",
        ));
    }
    form.interaction
        .and_then(|token| key.verify_interaction(token, state.provider.now()))
        .ok_or_else(|| Error::invalid_request("the form expired; start again from the application"))
}
