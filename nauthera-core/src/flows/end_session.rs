//! RP-Initiated Logout 1.0: ends the browser session and returns to a registered post-logout redirect URI.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::cache::Cache;
use crate::client::Client;
use crate::error::Error;
use crate::flows::id_token_hint::IdTokenHint;
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

/// How an end session request reached the endpoint, which decides what may end the session without asking.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum EndSessionVia<'a> {
    /// A POST (the relying party's form, or the confirmation page's). Any site can make a browser send one, so
    /// only the CSRF token of the confirmation page, bound to the session, ends the session; without it the
    /// end-user is asked, whatever `id_token_hint` says.
    Post {
        /// The `csrf_token` field, if any.
        csrf_token: Option<&'a str>,
    },
    /// A GET: the relying party redirected the browser here. An `id_token_hint` naming the session's user (and
    /// session) ends it without asking (RP-Initiated Logout 1.0 §2); otherwise the end-user is asked.
    Redirect,
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
        /// The CSRF token the confirmation form posts back, bound to the session.
        csrf_token: String,
    },
    /// The session is over (or there was none): clear the cookie, then redirect or show the logged-out page.
    LoggedOut {
        /// The validated post-logout redirect, with `state`.
        redirect: Option<Url>,
    },
}

/// The purpose the confirmation form's CSRF token is bound to.
const LOGOUT_CSRF_PURPOSE: &str = "logout";

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Runs the end session endpoint.
    ///
    /// # Errors
    /// Storage failures; protocol errors are part of the outcome.
    pub async fn end_session(
        &self,
        params: &EndSessionParams,
        session: Option<&BrowserSession>,
        via: EndSessionVia<'_>,
    ) -> Result<EndSessionOutcome, Error> {
        let (client, hint) = match self.end_session_client(params).await {
            Ok(found) => found,
            Err(error @ Error::Protocol { .. }) => return Ok(EndSessionOutcome::ErrorPage(error)),
            Err(error) => return Err(error),
        };
        let redirect = match self.post_logout_redirect(params, client.as_ref()) {
            Ok(redirect) => redirect,
            Err(error) => return Ok(EndSessionOutcome::ErrorPage(error)),
        };
        if let Some(session) = session {
            let sid = session.sid.as_str();
            let may_end = match via {
                EndSessionVia::Post {
                    csrf_token: Some(token),
                } => self
                    .with_session_keys(|keys| {
                        keys.verify_csrf(LOGOUT_CSRF_PURPOSE, sid, token)
                            .then_some(())
                    })
                    .await
                    .is_some(),
                EndSessionVia::Post { csrf_token: None } => false,
                EndSessionVia::Redirect => hint.as_ref().is_some_and(|hint| {
                    hint.sub == session.sub.as_str()
                        && hint.sid.as_deref().is_none_or(|hinted| hinted == sid)
                }),
            };
            if !may_end {
                return Ok(EndSessionOutcome::Confirm {
                    client_name: client.map(|client| client.client_name),
                    csrf_token: self.session_keys().csrf_token(LOGOUT_CSRF_PURPOSE, sid),
                });
            }
            self.record_revocation(&RevocationKey::Session(session.sid.clone()), session.exp)
                .await?;
            tracing::info!(target: "nauthera::audit", sub = %session.sub, "session ended");
        }
        Ok(EndSessionOutcome::LoggedOut { redirect })
    }

    /// The client the request names (`client_id`, or the client `id_token_hint` was issued to) and the hint.
    ///
    /// # Errors
    /// `invalid_request` for a hint that is not an ID token issued here to a registered client, or not to the
    /// given `client_id`; storage failures.
    async fn end_session_client(
        &self,
        params: &EndSessionParams,
    ) -> Result<(Option<Client>, Option<IdTokenHint>), Error> {
        let hint = params
            .id_token_hint
            .as_deref()
            .map(|hint| self.id_token_hint(hint))
            .transpose()?;
        let client_id = match (params.client_id.as_deref(), &hint) {
            (Some(given), Some(hint)) if !hint.is_issued_to(given) => {
                return Err(Error::invalid_request(
                    "client_id does not match the id_token_hint",
                ));
            }
            (Some(given), _) => Some(given.to_owned()),
            (None, hint) => hint.as_ref().map(|hint| hint.client_id.clone()),
        };
        let client = match client_id {
            Some(id) => self.find_client(&ClientId::new(id)).await?,
            None => None,
        };
        if hint.is_some() && client.is_none() {
            return Err(Error::invalid_request(
                "id_token_hint was not issued to a registered client",
            ));
        }
        Ok((client, hint))
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
