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
    /// Verifies the form's CSRF token and opens its interaction (with session keys reloaded once when another
    /// replica may have rotated them).
    ///
    /// # Errors
    /// `invalid_request` when the CSRF token is missing or wrong, or the interaction is forged or expired.
    pub async fn open_interaction(&self, form: &SubmittedForm<'_>) -> Result<Interaction, Error> {
        let (Some(binding), Some(token)) = (form.binding, form.csrf_token) else {
            return Err(csrf_error());
        };
        let now = self.now();
        let opened = self
            .with_session_keys(|keys| {
                if !keys.verify_csrf(form.purpose, binding, token) {
                    return None;
                }
                form.interaction
                    .and_then(|interaction| keys.verify_interaction(interaction, now))
            })
            .await;
        opened.ok_or_else(|| {
            if self
                .session_keys()
                .verify_csrf(form.purpose, binding, token)
            {
                Error::invalid_request("the form expired; start again from the application")
            } else {
                csrf_error()
            }
        })
    }
}

fn csrf_error() -> Error {
    Error::invalid_request("the CSRF token is missing or invalid; reload the page")
}
