//! The relying party: the openidconnect crate, configured from the provider's discovery document.

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreClaimName, CoreClaimType,
    CoreClient, CoreClientAuthMethod, CoreGrantType, CoreIdTokenClaims, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType, CoreTokenResponse,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AdditionalProviderMetadata, AuthType, AuthorizationCode,
    ClientId, ClientSecret, CsrfToken, EndSessionUrl, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IntrospectionUrl, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadata, RedirectUrl, RevocationUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};

use crate::harness::{ALICE, Browser, Reply, TestServer, http_client};

/// Discovery fields beyond OIDC Discovery's core set.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(crate) struct Extra {
    pub(crate) end_session_endpoint: EndSessionUrl,
    pub(crate) revocation_endpoint: RevocationUrl,
    pub(crate) introspection_endpoint: IntrospectionUrl,
    pub(crate) code_challenge_methods_supported: Vec<String>,
    pub(crate) authorization_response_iss_parameter_supported: bool,
}
impl AdditionalProviderMetadata for Extra {}

/// The discovery document as openidconnect reads it.
pub(crate) type Metadata = ProviderMetadata<
    Extra,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The client type after discovery and setting the introspection and revocation endpoints.
pub(crate) type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointSet,
    EndpointSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A relying party.
pub(crate) struct Rp {
    pub(crate) client: Client,
    pub(crate) metadata: Metadata,
}

/// What an authorization request left for the token request.
pub(crate) struct Pending {
    pub(crate) url: url::Url,
    pub(crate) state: CsrfToken,
    pub(crate) nonce: Nonce,
    pub(crate) verifier: PkceCodeVerifier,
}

impl Rp {
    /// Discovers the provider and configures a client.
    pub(crate) async fn discover(
        server: &TestServer,
        client_id: &str,
        secret: Option<&str>,
        redirect_uri: &str,
    ) -> Self {
        let metadata =
            Metadata::discover_async(IssuerUrl::new(server.issuer.clone()).unwrap(), &http_client)
                .await
                .unwrap();
        let client = CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(client_id.to_owned()),
            secret.map(|secret| ClientSecret::new(secret.to_owned())),
        )
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).unwrap())
        .set_introspection_url(
            metadata
                .additional_metadata()
                .introspection_endpoint
                .clone(),
        )
        .set_revocation_url(loopback_https(
            &metadata.additional_metadata().revocation_endpoint,
        ));
        Self { client, metadata }
    }

    /// The confidential `web` client of the test configuration (client_secret_basic).
    pub(crate) async fn web(server: &TestServer) -> Self {
        Self::discover(
            server,
            "web",
            Some("web-secret"),
            "http://127.0.0.1:9000/callback",
        )
        .await
    }

    /// The test configuration's first-party client (`first-party`, consent skipped, RS256 ID tokens).
    pub(crate) async fn first_party(server: &TestServer) -> Self {
        Self::discover(
            server,
            "first-party",
            Some("first-party-secret"),
            "http://127.0.0.1:9003/callback",
        )
        .await
    }

    /// Sends the client secret in the form body (client_secret_post).
    pub(crate) fn with_post_auth(mut self) -> Self {
        self.client = self.client.set_auth_type(AuthType::RequestBody);
        self
    }

    /// Builds an authorization request with PKCE S256.
    pub(crate) fn authorize(&self, scopes: &[&str], prompt: Option<CoreAuthPrompt>) -> Pending {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in scopes {
            request = request.add_scope(Scope::new((*scope).to_owned()));
        }
        if let Some(prompt) = prompt {
            request = request.add_prompt(prompt);
        }
        let (url, state, nonce) = request.url();
        Pending {
            url,
            state,
            nonce,
            verifier,
        }
    }

    /// Exchanges a code with PKCE and validates the ID token fully (signature, iss, aud, exp, nonce, at_hash).
    pub(crate) async fn exchange(
        &self,
        code: &str,
        pending: Pending,
    ) -> (CoreTokenResponse, CoreIdTokenClaims) {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .unwrap()
            .set_pkce_verifier(pending.verifier)
            .request_async(&http_client)
            .await
            .unwrap();
        let claims = self.validate_id_token(&response, Some(&pending.nonce));
        (response, claims)
    }

    /// Redeems `refresh_token` expecting a refusal; returns the refusal as text (it names the OAuth error).
    pub(crate) async fn refresh_refusal(&self, refresh_token: &str) -> String {
        let refreshed = self
            .client
            .exchange_refresh_token(&openidconnect::RefreshToken::new(refresh_token.to_owned()))
            .unwrap()
            .request_async(&http_client)
            .await;
        assert!(refreshed.is_err(), "the refresh token still works");
        format!("{refreshed:?}")
    }

    /// Validates the ID token of a token response, including `at_hash`.
    pub(crate) fn validate_id_token(
        &self,
        response: &CoreTokenResponse,
        nonce: Option<&Nonce>,
    ) -> CoreIdTokenClaims {
        let id_token = response.id_token().expect("an ID token");
        let verifier = self.client.id_token_verifier().set_allowed_algs([
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        ]);
        let claims = match nonce {
            Some(nonce) => id_token.claims(&verifier, nonce).unwrap().clone(),
            None => id_token
                .claims(&verifier, |_: Option<&Nonce>| Ok(()))
                .unwrap()
                .clone(),
        };
        let expected = claims.access_token_hash().expect("at_hash");
        let actual = AccessTokenHash::from_token(
            response.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(expected, &actual, "at_hash");
        claims
    }
}

impl Rp {
    /// Whether introspection by this client, sent through `http`, reports the access token active.
    pub(crate) async fn is_active_via<C>(&self, token: &AccessToken, http: &C) -> bool
    where
        C: for<'c> openidconnect::AsyncHttpClient<'c>,
    {
        let response = self
            .client
            .introspect(token)
            .request_async(http)
            .await
            .unwrap();
        openidconnect::TokenIntrospectionResponse::active(&response)
    }

    /// Revokes an access token (RFC 7009) as this client.
    pub(crate) async fn revoke_access_token(&self, token: AccessToken) {
        self.client
            .revoke_token(openidconnect::core::CoreRevocableToken::AccessToken(token))
            .unwrap()
            .request_async(&http_client)
            .await
            .unwrap();
    }
}

/// openidconnect refuses a revocation endpoint that is not https (RFC 7009 §2). The test server speaks plain
/// http on loopback, so the client is given the https form of the URL and [`http_client`] carries requests to
/// loopback https URLs over plain http.
fn loopback_https(url: &RevocationUrl) -> RevocationUrl {
    RevocationUrl::new(
        url.as_str()
            .replacen("http://127.0.0.1", "https://127.0.0.1", 1),
    )
    .unwrap()
}

/// Drives the browser through login (and consent, when shown) and returns the redirect to the client.
pub(crate) async fn sign_in(
    browser: &mut Browser,
    server: &TestServer,
    pending: &Pending,
    user: (&str, &str),
) -> Reply {
    let reply = submit_login(browser, server, pending, user).await;
    allow_if_asked(browser, server, reply).await
}

/// Opens the login page of `pending` and submits `user`'s credentials; returns the reply to the form.
pub(crate) async fn submit_login(
    browser: &mut Browser,
    server: &TestServer,
    pending: &Pending,
    user: (&str, &str),
) -> Reply {
    let page = browser.get(pending.url.as_str()).await;
    assert_eq!(page.status, 200, "login page: {}", page.body);
    browser
        .post(
            &server.url("/login"),
            &[
                ("interaction", &page.field("interaction")),
                ("csrf_token", &page.field("csrf_token")),
                ("username", user.0),
                ("password", user.1),
            ],
        )
        .await
}

/// Signs alice in for `pending` (allowing on the consent page if asked) and returns the code, after checking
/// `state` and `iss`.
pub(crate) async fn alice_code(
    browser: &mut Browser,
    server: &TestServer,
    pending: &Pending,
) -> String {
    code_of(
        &sign_in(browser, server, pending, ALICE).await,
        pending,
        &server.issuer,
    )
}

/// Allows on the consent page if the reply is one.
pub(crate) async fn allow_if_asked(
    browser: &mut Browser,
    server: &TestServer,
    reply: Reply,
) -> Reply {
    if reply.status == 200 && reply.body.contains("name=\"decision\"") {
        return browser
            .post(
                &server.url("/consent"),
                &[
                    ("interaction", &reply.field("interaction")),
                    ("csrf_token", &reply.field("csrf_token")),
                    ("decision", "allow"),
                ],
            )
            .await;
    }
    reply
}

/// The query parameters of a redirect.
pub(crate) fn redirect_params(reply: &Reply) -> std::collections::HashMap<String, String> {
    assert!(
        reply.status.is_redirection(),
        "expected a redirect, got {} {}",
        reply.status,
        reply.body
    );
    let url = url::Url::parse(reply.location()).unwrap();
    url.query_pairs().into_owned().collect()
}

/// The code of a successful authorization response, after checking `state` and `iss`.
pub(crate) fn code_of(reply: &Reply, pending: &Pending, issuer: &str) -> String {
    let params = redirect_params(reply);
    assert_eq!(
        params.get("state").map(String::as_str),
        Some(pending.state.secret().as_str())
    );
    assert_eq!(params.get("iss").map(String::as_str), Some(issuer));
    params
        .get("code")
        .cloned()
        .unwrap_or_else(|| panic!("no code: {params:?}"))
}

/// The payload of a JWT (an ID token the relying party already validated) as JSON, to read claims the library
/// does not model.
pub(crate) fn jwt_payload(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .unwrap(),
    )
    .unwrap()
}
