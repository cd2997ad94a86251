//! The checks every interaction form (login, consent) passes before anything else: a CSRF token bound to the
//! browser, and the signed, unexpired interaction that carries the authorization request.

use crate::cache::Cache;
use crate::error::Error;
use crate::provider::Provider;
use crate::session::Interaction;
use crate::storage::Storage;

/// The security fields of a submitted interaction form.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SubmittedForm<'a> {
    /// `login` or `consent`: what the CSRF token was issued for.
    pub purpose: &'static str,
    /// What the CSRF token is bound to: the login CSRF cookie, or the session id.
    pub binding: Option<&'a str>,
    /// The submitted CSRF token.
    pub csrf_token: Option<&'a str>,
    /// The submitted signed interaction.
    pub interaction: Option<&'a str>,
}

impl<'a> SubmittedForm<'a> {
    /// The security fields of a form submitted for `purpose`.
    pub fn new(
        purpose: &'static str,
        binding: Option<&'a str>,
        csrf_token: Option<&'a str>,
        interaction: Option<&'a str>,
    ) -> Self {
        Self {
            purpose,
            binding,
            csrf_token,
            interaction,
        }
    }
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Verifies the form's CSRF token and opens its interaction.
    ///
    /// # Errors
    /// `invalid_request` when the CSRF token is missing or wrong, or the interaction is forged or expired.
    pub fn open_interaction(&self, form: &SubmittedForm<'_>) -> Result<Interaction, Error> {
        let keys = self.session_keys();
        let csrf_valid = match (form.binding, form.csrf_token) {
            (Some(binding), Some(token)) => keys.verify_csrf(form.purpose, binding, token),
            _ => false,
        };
        if !csrf_valid {
            return Err(Error::invalid_request(
                "the CSRF token is missing or invalid; reload the page",
            ));
        }
        form.interaction
            .and_then(|token| keys.verify_interaction(token, self.now()))
            .ok_or_else(|| {
                Error::invalid_request("the form expired; start again from the application")
            })
    }
}
