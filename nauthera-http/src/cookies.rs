//! Reading and writing the session and CSRF cookies.

use http::{HeaderMap, HeaderValue, header};
use nauthera_core::ProviderConfig;

/// The browser session cookie (a signed JWT).
pub(crate) const SESSION_COOKIE: &str = "nauthera_session";
/// The login CSRF cookie (a random value the login form's token is bound to).
pub(crate) const CSRF_COOKIE: &str = "nauthera_csrf";

/// The value of cookie `name` in the request.
pub(crate) fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, scoped to the issuer path, Secure unless the issuer is
/// plain-http loopback. `max_age` of zero deletes the cookie.
pub(crate) fn set(
    config: &ProviderConfig,
    name: &str,
    value: &str,
    max_age: u64,
) -> Option<HeaderValue> {
    let path = match config.path_prefix() {
        "" => "/",
        prefix => prefix,
    };
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookie_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; nauthera_session=tok; b=2"),
        );
        assert_eq!(read(&headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(read(&headers, "missing"), None);
    }

    #[test]
    fn cookie_attributes() {
        let config = ProviderConfig::new("https://id.example.com/auth").unwrap();
        let cookie = set(&config, SESSION_COOKIE, "v", 60).unwrap();
        assert_eq!(
            cookie.to_str().unwrap(),
            "nauthera_session=v; Path=/auth; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        let dev = ProviderConfig::new("http://127.0.0.1:8080").unwrap();
        assert!(
            !set(&dev, SESSION_COOKIE, "v", 60)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }
}
