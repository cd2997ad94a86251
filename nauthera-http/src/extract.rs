//! Reading request parts: form bodies, query strings, HTTP Basic client credentials and bearer tokens.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, header};
use nauthera_core::error::{AuthScheme, Error};
use nauthera_core::secret::ClientSecret;
use serde::de::DeserializeOwned;

/// Parses an `application/x-www-form-urlencoded` body. Repeated parameters are rejected (RFC 6749 §3.1).
pub(crate) fn form<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Error> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(Error::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    serde_urlencoded::from_bytes(body)
        .map_err(|_| Error::invalid_request("the form is malformed or repeats a parameter"))
}

/// Parses a query string. Repeated parameters are rejected.
pub(crate) fn query<T: DeserializeOwned + Default>(query: Option<&str>) -> Result<T, Error> {
    match query {
        None => Ok(T::default()),
        Some(query) => serde_urlencoded::from_str(query)
            .map_err(|_| Error::invalid_request("the query is malformed or repeats a parameter")),
    }
}

/// Client id and secret from `Authorization: Basic`, each form-urlencoding-decoded (RFC 6749 §2.3.1).
pub(crate) fn basic_credentials(
    headers: &HeaderMap,
) -> Result<Option<(String, ClientSecret)>, Error> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || Error::ClientAuthentication {
        scheme: AuthScheme::Basic,
        description: "malformed HTTP Basic credentials",
    };
    let value = value.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(malformed());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let id = form_decode(id).ok_or_else(malformed)?;
    let secret = form_decode(secret).ok_or_else(malformed)?;
    Ok(Some((id, ClientSecret::new(secret))))
}

/// The bearer token from `Authorization: Bearer` (RFC 6750 §2.1).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn form_decode(value: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&format!("v={value}")).ok()?;
    pairs.into_iter().next().map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn basic_credentials_are_urldecoded() {
        let encoded = STANDARD.encode("my%20client:s%3Acret+x");
        let (id, secret) = basic_credentials(&with_authorization(&format!("Basic {encoded}")))
            .unwrap()
            .unwrap();
        assert_eq!(id, "my client");
        assert_eq!(secret.expose_secret(), "s:cret x");
    }

    #[test]
    fn malformed_basic_is_invalid_client() {
        let error = basic_credentials(&with_authorization("Basic !!!")).unwrap_err();
        assert_eq!(error.code(), nauthera_core::ErrorCode::InvalidClient);
        assert!(
            basic_credentials(&with_authorization("Bearer x"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn repeated_parameters_are_rejected() {
        #[derive(serde::Deserialize, Default)]
        struct P {
            #[allow(dead_code, reason = "only parsed")]
            a: Option<String>,
        }
        assert!(query::<P>(Some("a=1&a=2")).is_err());
        assert!(query::<P>(Some("a=1")).is_ok());
    }

    proptest::proptest! {
        /// Any client id and secret survive the RFC 6749 §2.3.1 encoding: form-urlencode each, join with `:`,
        /// base64 the result.
        #[test]
        fn basic_credentials_round_trip(id in "[^\\x00]{1,40}", secret in "[^\\x00]{0,60}") {
            let encode = |value: &str| serde_urlencoded::to_string([("v", value)]).unwrap()[2..].to_owned();
            let header = format!("Basic {}", STANDARD.encode(format!("{}:{}", encode(&id), encode(&secret))));
            let (decoded_id, decoded_secret) = basic_credentials(&with_authorization(&header)).unwrap().unwrap();
            proptest::prop_assert_eq!(decoded_id, id);
            proptest::prop_assert_eq!(decoded_secret.expose_secret(), secret.as_str());
        }

        /// Arbitrary headers never panic the parser.
        #[test]
        fn basic_credentials_never_panic(value in "[ -~]{0,80}") {
            let _ = basic_credentials(&with_authorization(&value));
        }
    }
}
