//! Property tests of the parsers and matchers that face untrusted input: they never panic, and they accept
//! exactly what they should.

use nauthera_core::client::{Client, ClientAuthMethod};
use nauthera_core::keys::{Algorithm, KeySet, StoredKey};
use nauthera_core::pkce::CodeChallenge;
use nauthera_core::secret::CodeVerifier;
use nauthera_core::session::SessionKeys;
use nauthera_core::types::{ClientId, RedirectUri, Scope};
use nauthera_core::{SystemRandom, UnixTime};
use proptest::prelude::*;

/// A scope token: RFC 6749 §3.3 `NQCHAR`s.
fn scope_token() -> impl Strategy<Value = String> {
    "[!#-\\[\\]-~]{1,12}"
}

proptest! {
    #[test]
    fn scope_parses_what_it_prints(tokens in proptest::collection::btree_set(scope_token(), 0..6)) {
        let scope = Scope::from_tokens(tokens.iter().cloned());
        let reparsed = Scope::parse(&scope.to_string()).unwrap();
        prop_assert_eq!(reparsed, scope);
    }

    #[test]
    fn scope_parsing_never_panics(input in any::<String>()) {
        let _ = Scope::parse(&input);
    }

    #[test]
    fn redirect_uris_match_only_exactly(suffix in "[a-z0-9/?=&._-]{0,8}", candidate in any::<String>()) {
        let registered = format!("https://rp.example/cb{suffix}");
        let mut client = Client::new(ClientId::new("c"), "C", ClientAuthMethod::None);
        client.redirect_uris = vec![RedirectUri::parse(&registered).unwrap()];
        prop_assert!(client.registered_redirect_uri(&registered).is_some());
        prop_assert_eq!(client.registered_redirect_uri(&candidate).is_some(), candidate == registered);
    }

    #[test]
    fn pkce_accepts_only_its_own_verifier(
        verifier in "[A-Za-z0-9._~-]{43,128}",
        other in "[A-Za-z0-9._~-]{43,128}",
    ) {
        let challenge = CodeChallenge::s256(&CodeVerifier::new(verifier.as_str()));
        let parsed = CodeChallenge::parse(Some(challenge.as_str()), Some("S256")).unwrap();
        prop_assert!(parsed.verify(&CodeVerifier::new(verifier.as_str())).is_ok());
        prop_assert_eq!(parsed.verify(&CodeVerifier::new(other.as_str())).is_ok(), other == verifier);
    }

    #[test]
    fn session_cookies_and_interactions_never_verify_from_garbage(input in any::<String>()) {
        let key = SessionKeys::from_secret("k", &[7; 32]);
        prop_assert!(key.verify_session(&input, "https://op", UnixTime(0)).is_none());
        prop_assert!(key.verify_interaction(&input, UnixTime(0)).is_none());
        prop_assert!(!key.verify_csrf("login", "binding", &input));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn jwt_verification_never_panics_and_rejects_any_change(
        input in any::<String>(),
        position in any::<prop::sample::Index>(),
        replacement in "[A-Za-z0-9_.-]",
    ) {
        let random = SystemRandom::new();
        let keys = [
            StoredKey::generate(Algorithm::ES256, &random, UnixTime(0)).unwrap(),
            StoredKey::generate(Algorithm::RS256, &random, UnixTime(0)).unwrap(),
        ];
        let set = KeySet::from_stored(&keys, Algorithm::ES256, UnixTime(0), std::time::Duration::ZERO).unwrap();
        prop_assert!(set.verify(&input).is_none());
        let token = set.default_signer().unwrap().sign_jwt("JWT", &serde_json::json!({"sub": "a"})).unwrap();
        let at = position.index(token.len());
        let mut tampered = token.clone();
        tampered.replace_range(at..=at, &replacement);
        prop_assert_eq!(set.verify(&tampered).is_some(), tampered == token);
    }
}
