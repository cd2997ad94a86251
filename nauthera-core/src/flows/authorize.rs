//! The authorization endpoint (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2) with PKCE, login and consent.

use std::time::Duration;

use url::Url;

use crate::cache::Cache;
use crate::client::{Client, GrantType};
use crate::discovery::paths;
use crate::error::{Error, ErrorCode};
use crate::pkce::CodeChallenge;
use crate::provider::Provider;
use crate::random::{identifier, opaque_token};
use crate::secret::AuthorizationCode;
use crate::session::{BrowserSession, Destination, Interaction};
use crate::storage::{CodeRecord, Storage};
use crate::types::{ClientId, GrantId, OPENID, RedirectUri, Scope};

pub use crate::messages::AuthorizationParams;

/// How long the login and consent forms stay valid.
const INTERACTION_LIFETIME: Duration = Duration::from_secs(900);

/// What the browser submitted along with the request.
#[derive(Debug, Default)]
pub struct AuthorizeContext {
    /// The verified browser session, if any.
    pub session: Option<BrowserSession>,
    /// Set when the end-user authenticated during this very request (the login form was just submitted, or the
    /// consent form carries proof that it was).
    pub authenticated_now: bool,
    /// The end-user's answer on the consent form, if this is its submission.
    pub consent: Option<ConsentDecision>,
}

/// The end-user's answer on the consent page.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum ConsentDecision {
    /// The end-user allowed the request.
    Allow,
    /// The end-user denied the request.
    Deny,
}

/// What the authorization endpoint does next.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthorizeOutcome {
    /// Show an error page and do not redirect: the client or the redirect URI could not be trusted.
    ErrorPage(Error),
    /// Redirect the user-agent to the client (an authorization or error response).
    Redirect(Url),
    /// Show the login page.
    Login(Prompt),
    /// Show the consent page.
    Consent(Prompt),
}

/// What the login or consent page needs.
#[derive(Debug)]
#[non_exhaustive]
pub struct Prompt {
    /// The client's display name.
    pub client_name: String,
    /// The requested scope.
    pub scope: Scope,
    /// A username to prefill (`login_hint`).
    pub login_hint: Option<String>,
    /// The request's `ui_locales`, for the page's language.
    pub ui_locales: Option<String>,
    /// Where signing in leads: a client (named by `client_name`) or the account pages.
    pub destination: Destination,
    /// The signed interaction for the form's hidden field.
    pub interaction: String,
}

/// A request whose client and redirect URI were verified: errors may now be redirected.
struct Validated {
    client: Client,
    redirect_uri: RedirectUri,
    state: Option<String>,
}

/// A fully validated authorization request.
struct Request {
    scope: Scope,
    code_challenge: CodeChallenge,
    prompt: PromptSet,
    max_age: Option<i64>,
    hint_subject: Option<String>,
}

#[derive(Default)]
struct PromptSet {
    none: bool,
    login: bool,
    consent: bool,
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Runs the authorization endpoint.
    ///
    /// # Errors
    /// Storage and crypto failures; protocol errors are part of the outcome.
    pub async fn authorize(
        &self,
        params: &AuthorizationParams,
        context: AuthorizeContext,
    ) -> Result<AuthorizeOutcome, Error> {
        let validated = match self.validate_client(params).await {
            Ok(validated) => validated,
            Err(error) if error.is_internal() => return Err(error),
            Err(error) => return Ok(AuthorizeOutcome::ErrorPage(error)),
        };
        match self.decide(params, &validated, context).await {
            Ok(outcome) => Ok(outcome),
            Err(error) if error.is_internal() => Err(error),
            Err(error) => Ok(AuthorizeOutcome::Redirect(
                self.error_redirect(&validated, &error),
            )),
        }
    }

    /// Checks the client and the redirect URI: failures here must never redirect (RFC 6749 §4.1.2.1).
    async fn validate_client(&self, params: &AuthorizationParams) -> Result<Validated, Error> {
        let client_id = params
            .client_id
            .as_deref()
            .ok_or_else(|| Error::invalid_request("client_id is missing"))?;
        let client = self
            .find_client(&ClientId::new(client_id))
            .await?
            .ok_or_else(|| Error::invalid_request("the client is not registered"))?;
        let redirect_uri = match params.redirect_uri.as_deref() {
            Some(candidate) => client
                .registered_redirect_uri(candidate)
                .cloned()
                .ok_or_else(|| {
                    Error::invalid_request("redirect_uri is not registered for this client")
                })?,
            None => match client.redirect_uris.as_slice() {
                [only] => only.clone(),
                _ => return Err(Error::invalid_request("redirect_uri is missing")),
            },
        };
        Ok(Validated {
            client,
            redirect_uri,
            state: params.state.clone(),
        })
    }

    async fn decide(
        &self,
        params: &AuthorizationParams,
        validated: &Validated,
        context: AuthorizeContext,
    ) -> Result<AuthorizeOutcome, Error> {
        let request = self.validate_request(params, &validated.client)?;
        let session = context.session.filter(|session| {
            request
                .hint_subject
                .as_deref()
                .is_none_or(|hinted| hinted == session.sub.as_str())
        });
        let now = self.now();
        let session = match session {
            Some(session) if context.authenticated_now => session,
            Some(session)
                if !request.prompt.login
                    && request.max_age.is_none_or(|max_age| {
                        now.seconds() - session.auth_time.seconds() <= max_age
                    }) =>
            {
                session
            }
            _ if request.prompt.none => {
                return Err(Error::protocol(
                    ErrorCode::LoginRequired,
                    "the end-user is not logged in",
                ));
            }
            _ => {
                return self
                    .prompt(params, validated, request, None)
                    .map(AuthorizeOutcome::Login);
            }
        };
        if context.consent == Some(ConsentDecision::Deny) {
            tracing::info!(target: "nauthera::audit", client_id = %validated.client.client_id, sub = %session.sub, "consent denied");
            return Err(Error::protocol(
                ErrorCode::AccessDenied,
                "the end-user denied the request",
            ));
        }
        let client_id = &validated.client.client_id;
        if context.consent == Some(ConsentDecision::Allow) {
            let previous = self
                .storage
                .find_consent(&session.sub, client_id)
                .await?
                .unwrap_or_default();
            let granted = previous.union(&request.scope);
            // A consent already on record (`prompt=consent` asks again) is not written again.
            if granted != previous {
                self.storage
                    .upsert_consent(&session.sub, client_id, &granted, now)
                    .await?;
            }
            tracing::info!(target: "nauthera::audit", client_id = %client_id, sub = %session.sub, scope = %request.scope, "consent granted");
        } else {
            // First-party clients skip the consent page, unless the client itself asks for it (then no
            // consent on record matters, so none is read).
            let ask = request.prompt.consent
                || !(validated.client.first_party
                    || self
                        .storage
                        .find_consent(&session.sub, client_id)
                        .await?
                        .is_some_and(|granted| request.scope.is_subset_of(&granted)));
            if ask {
                if request.prompt.none {
                    return Err(Error::protocol(
                        ErrorCode::ConsentRequired,
                        "the end-user must consent",
                    ));
                }
                let authenticated_in = context.authenticated_now.then(|| session.sid.clone());
                return self
                    .prompt(params, validated, request, authenticated_in)
                    .map(AuthorizeOutcome::Consent);
            }
        }
        self.issue_code(params, validated, request, &session).await
    }

    fn validate_request(
        &self,
        params: &AuthorizationParams,
        client: &Client,
    ) -> Result<Request, Error> {
        match params.response_type.as_deref() {
            Some("code") => {}
            Some(_) => {
                return Err(Error::protocol(
                    ErrorCode::UnsupportedResponseType,
                    "only response_type=code is supported",
                ));
            }
            None => return Err(Error::invalid_request("response_type is missing")),
        }
        if !client.allows_grant(GrantType::AuthorizationCode) {
            return Err(Self::unauthorized(
                "the client may not use the authorization code grant",
            ));
        }
        if params.request.is_some() {
            return Err(Error::protocol(
                ErrorCode::RequestNotSupported,
                "request objects are not supported",
            ));
        }
        if params.request_uri.is_some() {
            return Err(Error::protocol(
                ErrorCode::RequestUriNotSupported,
                "request_uri is not supported",
            ));
        }
        if params
            .response_mode
            .as_deref()
            .is_some_and(|mode| mode != "query")
        {
            return Err(Error::invalid_request(
                "only response_mode=query is supported",
            ));
        }
        let scope = Scope::parse(params.scope.as_deref().unwrap_or_default())?;
        if scope.is_empty() {
            return Err(Error::protocol(ErrorCode::InvalidScope, "scope is missing"));
        }
        if !scope.is_subset_of(&client.scope) {
            return Err(Error::protocol(
                ErrorCode::InvalidScope,
                "the client may not request this scope",
            ));
        }
        let code_challenge = CodeChallenge::parse(
            params.code_challenge.as_deref(),
            params.code_challenge_method.as_deref(),
        )?;
        let prompt = parse_prompt(params.prompt.as_deref())?;
        let max_age = params
            .max_age
            .as_deref()
            .map(|value| value.parse::<u32>().map(i64::from))
            .transpose()
            .map_err(|_| Error::invalid_request("max_age must be a non-negative integer"))?;
        let hint_subject = params
            .id_token_hint
            .as_deref()
            .map(|hint| self.id_token_hint_subject(hint, client))
            .transpose()?;
        Ok(Request {
            scope,
            code_challenge,
            prompt,
            max_age,
            hint_subject,
        })
    }

    /// The subject of an ID token this provider issued to `client`, the registered client that sends the
    /// authorization request (expired tokens are fine as hints; see the `id_token_hint` module).
    pub(crate) fn id_token_hint_subject(
        &self,
        hint: &str,
        client: &Client,
    ) -> Result<String, Error> {
        let hint = self.id_token_hint(hint)?;
        if !hint.is_issued_to(client.client_id.as_str()) {
            return Err(Error::invalid_request(
                "id_token_hint was issued to another client",
            ));
        }
        Ok(hint.sub)
    }

    fn prompt(
        &self,
        params: &AuthorizationParams,
        validated: &Validated,
        request: Request,
        authenticated_in: Option<crate::types::SessionId>,
    ) -> Result<Prompt, Error> {
        let interaction = Interaction {
            params: params.clone(),
            authenticated_in,
            exp: self.now().plus(INTERACTION_LIFETIME),
            destination: Destination::Authorization,
        };
        Ok(Prompt {
            client_name: validated.client.client_name.clone(),
            scope: request.scope,
            login_hint: params.login_hint.clone(),
            ui_locales: params.ui_locales.clone(),
            destination: Destination::Authorization,
            interaction: self.session_keys().sign_interaction(&interaction)?,
        })
    }

    /// The login page of the account pages (no client involved): a successful sign-in leads to them.
    ///
    /// # Errors
    /// When the interaction cannot be signed.
    pub fn account_sign_in(&self, ui_locales: Option<String>) -> Result<Prompt, Error> {
        let params = AuthorizationParams {
            ui_locales: ui_locales.clone(),
            ..AuthorizationParams::default()
        };
        let interaction = Interaction {
            params,
            authenticated_in: None,
            exp: self.now().plus(INTERACTION_LIFETIME),
            destination: Destination::Account,
        };
        Ok(Prompt {
            client_name: String::new(),
            scope: Scope::default(),
            login_hint: None,
            ui_locales,
            destination: Destination::Account,
            interaction: self.session_keys().sign_interaction(&interaction)?,
        })
    }

    /// What an opened interaction leads to with `context`: the authorization request goes on, or the account
    /// pages open (their login page again while there is no session).
    ///
    /// # Errors
    /// As [`authorize`](Self::authorize).
    pub(crate) async fn continue_interaction(
        &self,
        interaction: &Interaction,
        context: AuthorizeContext,
    ) -> Result<AuthorizeOutcome, Error> {
        match interaction.destination {
            Destination::Authorization => self.authorize(&interaction.params, context).await,
            Destination::Account => match context.session {
                Some(_) => {
                    let account = Url::parse(&self.config.endpoint(paths::ACCOUNT))
                        .map_err(|_| Error::invalid_request("the issuer is not a URL"))?;
                    Ok(AuthorizeOutcome::Redirect(account))
                }
                None => self
                    .account_sign_in(interaction.params.ui_locales.clone())
                    .map(AuthorizeOutcome::Login),
            },
        }
    }

    async fn issue_code(
        &self,
        params: &AuthorizationParams,
        validated: &Validated,
        request: Request,
        session: &BrowserSession,
    ) -> Result<AuthorizeOutcome, Error> {
        let code = AuthorizationCode::new(opaque_token(&*self.random, "nac_")?);
        let now = self.now();
        let record = CodeRecord {
            digest: code.digest(),
            grant_id: GrantId::new(identifier(&*self.random)?),
            client_id: validated.client.client_id.clone(),
            redirect_uri: validated.redirect_uri.clone(),
            code_challenge: request.code_challenge,
            subject: session.sub.clone(),
            nonce: params
                .nonce
                .clone()
                .filter(|_| request.scope.contains(OPENID)),
            scope: request.scope,
            sid: session.sid.clone(),
            auth_time: session.auth_time,
            expires_at: now.plus(self.config.code_lifetime.min(Duration::from_secs(60))),
            redeemed_at: None,
        };
        self.storage.insert_code(&record).await?;
        let mut url = validated.redirect_uri.to_url()?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("code", code.expose_secret());
            if let Some(state) = &validated.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", self.config.issuer_str());
        }
        Ok(AuthorizeOutcome::Redirect(url))
    }

    fn error_redirect(&self, validated: &Validated, error: &Error) -> Url {
        // The redirect URI was verified against the registration, so it parses.
        let mut url = validated
            .redirect_uri
            .to_url()
            .unwrap_or_else(|_| self.config.issuer.clone());
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("error", error.code().as_str());
            query.append_pair("error_description", error.description());
            if let Some(state) = &validated.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", self.config.issuer_str());
        }
        url
    }
}

fn parse_prompt(value: Option<&str>) -> Result<PromptSet, Error> {
    let mut prompt = PromptSet::default();
    let mut count = 0;
    for token in value
        .unwrap_or_default()
        .split(' ')
        .filter(|token| !token.is_empty())
    {
        count += 1;
        match token {
            "none" => prompt.none = true,
            "login" | "select_account" => prompt.login = true,
            "consent" => prompt.consent = true,
            _ => return Err(Error::invalid_request("unsupported prompt value")),
        }
    }
    if prompt.none && count > 1 {
        return Err(Error::invalid_request(
            "prompt=none cannot be combined with other values",
        ));
    }
    Ok(prompt)
}
