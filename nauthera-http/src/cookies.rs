//! Reading and writing the session and CSRF cookies.

use http::{HeaderMap, HeaderValue, header};
use nauthera_core::ProviderConfig;

/// The browser session cookie (a signed JWT).
pub(crate) const SESSION_COOKIE: Cookie = Cookie("nauthera_session");
/// The login CSRF cookie (a random value the login form's token is bound to).
pub(crate) const CSRF_COOKIE: Cookie = Cookie("nauthera_csrf");

/// A cookie of the provider's, by its base name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cookie(&'static str);

impl Cookie {
    /// The name on the wire: with an `https` issuer at the root path the cookie is `__Host-` prefixed, so the
    /// browser accepts it only Secure, for this host and path `/`, never set by a sibling subdomain or over
    /// plain http (RFC 6265bis §4.1.3.2).
    pub(crate) fn name(self, config: &ProviderConfig) -> String {
        if config.secure_cookies() && config.path_prefix().is_empty() {
            format!("__Host-{}", self.0)
        } else {
            self.0.to_owned()
        }
    }
}

/// The value of `cookie` in the request.
pub(crate) fn read<'a>(
    config: &ProviderConfig,
    headers: &'a HeaderMap,
    cookie: Cookie,
) -> Option<&'a str> {
    let name = cookie.name(config);
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
    cookie: Cookie,
    value: &str,
    max_age: u64,
) -> Option<HeaderValue> {
    let name = cookie.name(config);
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
        let config = ProviderConfig::new("http://127.0.0.1:8080").unwrap();
        assert_eq!(read(&config, &headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(read(&config, &headers, Cookie("missing")), None);
    }

    #[test]
    fn cookie_attributes() {
        let config = ProviderConfig::new("https://id.example.com/auth").unwrap();
        let cookie = set(&config, SESSION_COOKIE, "v", 60).unwrap();
        assert_eq!(
            cookie.to_str().unwrap(),
            "nauthera_session=v; Path=/auth; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        let root = ProviderConfig::new("https://id.example.com").unwrap();
        assert_eq!(
            set(&root, SESSION_COOKIE, "v", 60)
                .unwrap()
                .to_str()
                .unwrap(),
            "__Host-nauthera_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
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
