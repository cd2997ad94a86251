//! RP-Initiated Logout 1.0: ends the browser session and returns to a registered post-logout redirect URI.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::cache::Cache;
use crate::client::Client;
use crate::error::Error;
use crate::provider::Provider;
use crate::session::BrowserSession;
use crate::storage::{RevocationKey, Storage};
use crate::types::ClientId;

/// The end session request parameters, as received.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EndSessionParams {
    /// `id_token_hint`.
    pub id_token_hint: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `post_logout_redirect_uri`.
    pub post_logout_redirect_uri: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `logout_hint`.
    pub logout_hint: Option<String>,
    /// `ui_locales`.
    pub ui_locales: Option<String>,
}

/// What the end session endpoint does next.
#[derive(Debug)]
#[non_exhaustive]
pub enum EndSessionOutcome {
    /// Show an error page; do not redirect.
    ErrorPage(Error),
    /// Ask the end-user to confirm (the request could not prove it came from the session's relying party).
    Confirm {
        /// The client that asked, if known.
        client_name: Option<String>,
    },
    /// The session is over (or there was none): clear the cookie, then redirect or show the logged-out page.
    LoggedOut {
        /// The validated post-logout redirect, with `state`.
        redirect: Option<Url>,
    },
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Runs the end session endpoint. `confirmed` is set when the end-user submitted the confirmation form
    /// (with a valid CSRF token).
    ///
    /// # Errors
    /// Storage failures; protocol errors are part of the outcome.
    pub async fn end_session(
        &self,
        params: &EndSessionParams,
        session: Option<&BrowserSession>,
        confirmed: bool,
    ) -> Result<EndSessionOutcome, Error> {
        let hint = match params.id_token_hint.as_deref() {
            Some(hint) => match self.keys().verify(hint) {
                Some(jwt) if jwt.claims["iss"] == self.config.issuer_str() => Some(jwt.claims),
                _ => {
                    return Ok(EndSessionOutcome::ErrorPage(Error::invalid_request(
                        "id_token_hint is not an ID token issued here",
                    )));
                }
            },
            None => None,
        };
        let hinted_client = hint
            .as_ref()
            .and_then(|claims| claims["aud"].as_str().map(str::to_owned));
        let client_id = match (params.client_id.as_deref(), hinted_client.as_deref()) {
            (Some(given), Some(hinted)) if given != hinted => {
                return Ok(EndSessionOutcome::ErrorPage(Error::invalid_request(
                    "client_id does not match the id_token_hint",
                )));
            }
            (Some(given), _) => Some(given.to_owned()),
            (None, hinted) => hinted.map(str::to_owned),
        };
        let client = match &client_id {
            Some(id) => self.find_client(&ClientId::new(id.clone())).await?,
            None => None,
        };
        let redirect = match self.post_logout_redirect(params, client.as_ref()) {
            Ok(redirect) => redirect,
            Err(error) => return Ok(EndSessionOutcome::ErrorPage(error)),
        };
        if let Some(session) = session {
            let hint_matches = hint.as_ref().is_some_and(|claims| {
                claims["sub"] == session.sub.as_str()
                    && claims["sid"]
                        .as_str()
                        .is_none_or(|sid| sid == session.sid.as_str())
            });
            if !hint_matches && !confirmed {
                return Ok(EndSessionOutcome::Confirm {
                    client_name: client.map(|client| client.client_name),
                });
            }
            self.record_revocation(&RevocationKey::Session(session.sid.clone()), session.exp)
                .await?;
            tracing::info!(target: "nauthera::audit", sub = %session.sub, "session ended");
        }
        Ok(EndSessionOutcome::LoggedOut { redirect })
    }

    fn post_logout_redirect(
        &self,
        params: &EndSessionParams,
        client: Option<&Client>,
    ) -> Result<Option<Url>, Error> {
        let Some(candidate) = params.post_logout_redirect_uri.as_deref() else {
            return Ok(None);
        };
        let client = client.ok_or_else(|| {
            Error::invalid_request("post_logout_redirect_uri needs client_id or id_token_hint")
        })?;
        let registered = client
            .registered_post_logout_redirect_uri(candidate)
            .ok_or_else(|| {
                Error::invalid_request("post_logout_redirect_uri is not registered for this client")
            })?;
        let mut url = registered.to_url()?;
        if let Some(state) = &params.state {
            url.query_pairs_mut().append_pair("state", state);
        }
        Ok(Some(url))
    }
}
