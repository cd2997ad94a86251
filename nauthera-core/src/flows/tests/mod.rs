//! Data-driven tests of the flows over the in-memory store and a fixed clock: no socket, no database, no async
//! runtime. End-to-end tests (examples/server/tests) prove the wiring; these prove the rules.

mod account;
mod accounts;
mod claims;
mod client_auth;
mod people;
mod sign_in;
mod tokens;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::client::{ClientAuthMethod, GrantType};
use crate::flows::admin::{ClientSecretChange, Ownership};
use crate::flows::authorize::{AuthorizationParams, AuthorizeContext, AuthorizeOutcome};
use crate::flows::interaction::SubmittedForm;
use crate::flows::issue::TokenResponse;
use crate::flows::token::TokenParams;
use crate::password::PasswordHashingConfig;
use crate::provider::Provider;
use crate::registration::{ClientRegistration, SecretProvision};
use crate::secret::{ClientSecret, Password};
use crate::sign_in::{SignInOutcome, SignInRequest};
use crate::testing::{MemoryStore, block_on};
use crate::time::{FixedClock, UnixTime};
use crate::user::UserClaims;
use crate::{Error, MemoryCache, ProviderConfig};

const REDIRECT_URI: &str = "https://rp.example/cb";
const WEB_SECRET: &str = "web-secret";
/// RFC 7636 Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A provider over the in-memory store, stopped at a fixed time, with a confidential client `web`, a public
/// client `spa`, a machine client `m2m`, and the users `alice` and `bob`.
struct Fixture {
    provider: Provider<MemoryStore, MemoryCache>,
    clock: Arc<FixedClock>,
}

impl Fixture {
    fn new() -> Self {
        let mut config = ProviderConfig::new("https://op.example").unwrap();
        config.password_hashing = PasswordHashingConfig {
            workers: 1,
            ..PasswordHashingConfig::default()
        };
        let clock = Arc::new(FixedClock::new(UnixTime(1_800_000_000)));
        let provider = block_on(
            Provider::builder(config, MemoryStore::new())
                .clock(Arc::clone(&clock) as _)
                .build(),
        )
        .unwrap();
        let fixture = Self { provider, clock };
        fixture.register(
            "web",
            ClientAuthMethod::ClientSecretBasic,
            &[GrantType::AuthorizationCode, GrantType::RefreshToken],
        );
        fixture.register(
            "spa",
            ClientAuthMethod::None,
            &[GrantType::AuthorizationCode],
        );
        fixture.register(
            "post",
            ClientAuthMethod::ClientSecretPost,
            &[GrantType::ClientCredentials],
        );
        for name in ["alice", "bob"] {
            block_on(fixture.provider.upsert_user(
                name,
                &Password::new(format!("{name}-password")),
                UserClaims::default(),
            ))
            .unwrap();
        }
        fixture
    }

    fn register(&self, client_id: &str, method: ClientAuthMethod, grants: &[GrantType]) {
        let mut registration = ClientRegistration::new(client_id);
        registration.auth_method = Some(method);
        registration.grant_types = Some(grants.to_vec());
        if grants.contains(&GrantType::AuthorizationCode) {
            registration.redirect_uris = vec![REDIRECT_URI.into()];
        }
        let public = method == ClientAuthMethod::None;
        let provision = if public {
            SecretProvision::Absent
        } else {
            SecretProvision::Given
        };
        let client = registration.validate(provision).unwrap();
        let secret = if public {
            ClientSecretChange::Keep
        } else {
            ClientSecretChange::Set(ClientSecret::new(WEB_SECRET))
        };
        block_on(
            self.provider
                .apply_client(client, secret, Ownership::Override),
        )
        .unwrap();
    }

    fn advance(&self, seconds: u64) {
        self.clock.advance(Duration::from_secs(seconds));
    }

    /// An authorization request of `client_id` for `openid offline_access`, with PKCE.
    fn params(client_id: &str) -> AuthorizationParams {
        AuthorizationParams {
            response_type: Some("code".into()),
            client_id: Some(client_id.into()),
            redirect_uri: Some(REDIRECT_URI.into()),
            scope: Some("openid offline_access".into()),
            state: Some("st".into()),
            code_challenge: Some(CHALLENGE.into()),
            code_challenge_method: Some("S256".into()),
            ..AuthorizationParams::default()
        }
    }

    /// Submits the login form of a fresh authorization request of `client_id`.
    fn sign_in(&self, client_id: &str, username: &str, password: &str, ip: &str) -> SignInOutcome {
        self.sign_in_with(&Self::params(client_id), username, password, ip)
    }

    /// Submits the login form of a fresh authorization request with `params`.
    fn sign_in_with(
        &self,
        params: &AuthorizationParams,
        username: &str,
        password: &str,
        ip: &str,
    ) -> SignInOutcome {
        let outcome =
            block_on(self.provider.authorize(params, AuthorizeContext::default())).unwrap();
        let AuthorizeOutcome::Login(prompt) = outcome else {
            panic!("expected the login page, got {outcome:?}");
        };
        let csrf = self.provider.session_keys().csrf_token("login", "browser");
        let form = SubmittedForm::new(
            "login",
            Some("browser"),
            Some(&csrf),
            Some(&prompt.interaction),
        );
        let address: IpAddr = ip.parse().unwrap();
        block_on(self.provider.sign_in(SignInRequest::new(
            form,
            username,
            Password::new(password),
            Some(address),
        )))
        .unwrap()
    }

    /// Signs `username` in through first-party consent and returns the session cookie and the code.
    fn code_for(&self, username: &str) -> (String, String) {
        self.code_with_scope(username, "openid offline_access")
    }

    /// Signs `username` in to `web` for `scope`, consenting if asked; returns the session cookie and the code.
    fn code_with_scope(&self, username: &str, scope: &str) -> (String, String) {
        let mut params = Self::params("web");
        params.scope = Some(scope.into());
        let SignInOutcome::SignedIn {
            session_cookie,
            next,
            ..
        } = self.sign_in_with(
            &params,
            username,
            &format!("{username}-password"),
            "192.0.2.1",
        )
        else {
            panic!("sign-in failed");
        };
        let next = match next {
            AuthorizeOutcome::Consent(_) => {
                let session = block_on(self.provider.verify_session(&session_cookie))
                    .unwrap()
                    .unwrap();
                block_on(self.provider.authorize(
                    &params,
                    AuthorizeContext {
                        session: Some(session),
                        authenticated_now: true,
                        consent: Some(crate::flows::authorize::ConsentDecision::Allow),
                    },
                ))
                .unwrap()
            }
            other => other,
        };
        let AuthorizeOutcome::Redirect(url) = next else {
            panic!("expected a redirect, got {next:?}");
        };
        (session_cookie, query(&url, "code").unwrap())
    }

    /// A token request of `web` with HTTP Basic credentials.
    fn token(&self, params: TokenParams) -> Result<TokenResponse, Error> {
        let basic = Some(("web".to_owned(), ClientSecret::new(WEB_SECRET)));
        block_on(self.provider.token(params, basic, None))
    }

    fn redeem(&self, code: &str) -> Result<TokenResponse, Error> {
        self.token(TokenParams {
            grant_type: Some("authorization_code".into()),
            code: Some(code.into()),
            redirect_uri: Some(REDIRECT_URI.into()),
            code_verifier: Some(VERIFIER.into()),
            ..TokenParams::default()
        })
    }

    fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, Error> {
        self.token(TokenParams {
            grant_type: Some("refresh_token".into()),
            refresh_token: Some(refresh_token.into()),
            ..TokenParams::default()
        })
    }
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn error_code(result: Result<TokenResponse, Error>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(error) => error.code().as_str(),
    }
}
