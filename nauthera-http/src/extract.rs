//! Reading request parts: form bodies, query strings, HTTP Basic client credentials and bearer tokens.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue, header};
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
///
/// # Errors
/// `invalid_request` when the request has more than one `Authorization` header; `invalid_client` when the
/// credentials are not base64 of two form-encoded values joined by `:`.
pub(crate) fn basic_credentials(
    headers: &HeaderMap,
) -> Result<Option<(String, ClientSecret)>, Error> {
    let Some(value) = authorization(headers)? else {
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

/// The bearer token from `Authorization: Bearer` (RFC 6750 §2.1); `None` without one or with another scheme.
///
/// # Errors
/// `invalid_request` when the request has more than one `Authorization` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, Error> {
    let Some(value) = authorization(headers)? else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    Ok(token)
}

/// The request's one `Authorization` header, if it has one.
///
/// Two headers are refused rather than one picked: a proxy and the client may each have added one, and the
/// server must not guess which credentials the client meant.
fn authorization(headers: &HeaderMap) -> Result<Option<&HeaderValue>, Error> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(Error::invalid_request(
            "the request has more than one Authorization header",
        ));
    }
    Ok(first)
}

/// Decodes one `application/x-www-form-urlencoded` value strictly (RFC 6749 §2.3.1 and Appendix B): ASCII
/// letters and digits, `-`, `.`, `_`, `~` and `*` stand for themselves (`*` because the WHATWG form serializer
/// leaves it unescaped), `+` is a space, `%XX` is a byte, and the bytes must be UTF-8. Anything else (a bare
/// `%`, `%zz`, an unescaped `&`, `=`, `:` or space) is refused rather than guessed at.
fn form_decode(value: &str) -> Option<String> {
    let mut decoded = Vec::with_capacity(value.len());
    let mut bytes = value.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'+' => decoded.push(b' '),
            b'%' => {
                let high = bytes.next().and_then(hex_digit)?;
                let low = bytes.next().and_then(hex_digit)?;
                decoded.push((high << 4) | low);
            }
            b'-' | b'.' | b'_' | b'~' | b'*' => decoded.push(byte),
            byte if byte.is_ascii_alphanumeric() => decoded.push(byte),
            _ => return None,
        }
    }
    String::from_utf8(decoded).ok()
}

/// The value of one hexadecimal digit.
fn hex_digit(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn form_decoding_is_strict() {
        let check = |encoded: &str, expect: Option<&str>| {
            assert_eq!(form_decode(encoded).as_deref(), expect, "{encoded:?}");
        };
        check("", Some(""));
        check("aZ09-._~*", Some("aZ09-._~*"));
        check("a+b", Some("a b"));
        check("%2B%3a%26%3D%25", Some("+:&=%"));
        check("caf%C3%A9", Some("café"));
        // Malformed escapes.
        check("%", None);
        check("abc%", None);
        check("%2", None);
        check("%zz", None);
        check("%g0", None);
        // Escapes that are not UTF-8.
        check("%C3", None);
        check("%FF", None);
        // Characters that must be escaped: today's truncation and mangling cases among them.
        for raw in ["a&b", "a=b", "a:b", "a b", "a/b", "a?b", "a#b", "a\"b", "é"] {
            check(raw, None);
        }
    }

    #[test]
    fn basic_credentials_with_bad_escapes_are_invalid_client() {
        for raw in [
            "client:%zz",
            "client:se&cret=x",
            "cl%ient:secret",
            "client:100%",
        ] {
            let header = format!("Basic {}", STANDARD.encode(raw));
            let error = basic_credentials(&with_authorization(&header)).unwrap_err();
            assert_eq!(
                error.code(),
                nauthera_core::ErrorCode::InvalidClient,
                "{raw}"
            );
        }
    }

    #[test]
    fn two_authorization_headers_are_invalid_request() {
        let mut headers = with_authorization(&format!("Basic {}", STANDARD.encode("a:b")));
        headers.append(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(
            basic_credentials(&headers).unwrap_err().code(),
            nauthera_core::ErrorCode::InvalidRequest
        );
        assert_eq!(
            bearer_token(&headers).unwrap_err().code(),
            nauthera_core::ErrorCode::InvalidRequest
        );
    }

    #[test]
    fn bearer_token_is_read_from_the_one_header() {
        assert_eq!(
            bearer_token(&with_authorization("Bearer abc ")).unwrap(),
            Some("abc")
        );
        assert_eq!(
            bearer_token(&with_authorization("bearer abc")).unwrap(),
            Some("abc")
        );
        assert_eq!(
            bearer_token(&with_authorization("Basic abc")).unwrap(),
            None
        );
        assert_eq!(bearer_token(&HeaderMap::new()).unwrap(), None);
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

        /// Arbitrary text never panics the strict decoder, and what it accepts has only the allowed characters.
        #[test]
        fn form_decode_never_panics(value in "[ -~]{0,40}") {
            if form_decode(&value).is_some() {
                proptest::prop_assert!(value.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-._~*+%".contains(&byte)));
            }
        }

        /// Arbitrary headers never panic the parser.
        #[test]
        fn basic_credentials_never_panic(value in "[ -~]{0,80}") {
            let _ = basic_credentials(&with_authorization(&value));
        }
    }
}
