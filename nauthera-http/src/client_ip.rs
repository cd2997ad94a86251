//! The client's IP address: the socket peer, or the address a trusted reverse proxy reports in
//! `X-Forwarded-For`. Throttling counts failures per address, so an address a client can forge must never be
//! believed: the header is read only when the peer is a configured trusted proxy.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use http::HeaderMap;
use http::request::Parts;
use nauthera_core::{Cache, Storage};

use crate::state::Shared;

/// A network whose addresses are trusted reverse proxies: one address, or a CIDR block such as `10.0.0.0/8`.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// Whether `address` is in this network.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                prefix_matches(&network.octets(), &address.octets(), self.prefix)
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                prefix_matches(&network.octets(), &address.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("{value:?} is not an IP address or CIDR block");
        let (address, prefix) = match value.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (value, None),
        };
        let network = IpAddr::from_str(address.trim()).map_err(|_| invalid())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.trim().parse::<u8>().map_err(|_| invalid())?,
            None => max,
        };
        if prefix > max {
            return Err(invalid());
        }
        Ok(Self { network, prefix })
    }
}

fn prefix_matches(network: &[u8], address: &[u8], prefix: u8) -> bool {
    let mut remaining = u32::from(prefix);
    for (network, address) in network.iter().zip(address) {
        let bits = remaining.min(8);
        if bits == 0 {
            return true;
        }
        let mask = u8::MAX << (8 - bits);
        if network & mask != address & mask {
            return false;
        }
        remaining -= bits;
    }
    true
}

/// The client address of a request, as an extractor; `None` when the server did not record the peer (a
/// router served without `ConnectInfo`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientIp(pub(crate) Option<IpAddr>);

impl<S: Storage, C: Cache> FromRequestParts<Shared<S, C>> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared<S, C>,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(Self(client_ip(
            &parts.headers,
            peer,
            &state.trusted_proxies,
        )))
    }
}

/// The peer, or, when the peer is a trusted proxy, the address the proxies saw: `X-Forwarded-For` read from
/// the right (the entries the trusted proxies appended), skipping trusted proxies; the first other entry is the
/// client. An entry that is not an address (with or without a port) ends the walk with no address: it was
/// written by the client, and the address is unknown rather than the proxy's (which every client shares).
fn client_ip(
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    trusted: &[TrustedProxy],
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |address: IpAddr| trusted.iter().any(|proxy| proxy.contains(address));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    if entries.is_empty() {
        return Some(peer);
    }
    for entry in entries.iter().rev() {
        let address = parse_forwarded(entry)?;
        if !is_trusted(address) {
            return Some(address);
        }
    }
    // Every hop was a trusted proxy: the left-most is as close to the client as the header goes.
    entries.first().and_then(|entry| parse_forwarded(entry))
}

/// An `X-Forwarded-For` entry: an address, `v4:port`, or `[v6]:port`.
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    if let Ok(address) = IpAddr::from_str(entry) {
        return Some(address.to_canonical());
    }
    SocketAddr::from_str(entry)
        .ok()
        .map(|socket| socket.ip().to_canonical())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn ip(value: &str) -> IpAddr {
        value.parse().unwrap()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn cidr_blocks_match_their_addresses_only() {
        let block: TrustedProxy = "10.1.0.0/16".parse().unwrap();
        assert!(block.contains(ip("10.1.200.3")));
        assert!(!block.contains(ip("10.2.0.1")));
        assert!(
            block.contains(ip("::ffff:10.1.0.9")),
            "IPv4-mapped IPv6 peers"
        );
        let one: TrustedProxy = "2001:db8::1".parse().unwrap();
        assert!(one.contains(ip("2001:db8::1")));
        assert!(!one.contains(ip("2001:db8::2")));
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let headers = forwarded("198.51.100.7, 10.0.0.5");
        assert_eq!(
            client_ip(&headers, Some(ip("10.0.0.2")), &trusted),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_ip(&headers, Some(ip("203.0.113.9")), &trusted),
            Some(ip("203.0.113.9")),
            "an untrusted peer cannot choose its address"
        );
        // A forged entry to the left of what the proxy appended changes nothing.
        assert_eq!(
            client_ip(
                &forwarded("x, 198.51.100.7"),
                Some(ip("10.0.0.2")),
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
        // Garbage where the client's address should be: unknown, never the proxy's own address.
        assert_eq!(
            client_ip(&forwarded("garbage"), Some(ip("10.0.0.2")), &trusted),
            None
        );
        assert_eq!(
            client_ip(
                &forwarded("198.51.100.7:4711, 10.0.0.5"),
                Some(ip("10.0.0.2")),
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_ip(
                &forwarded("[2001:db8::7]:443"),
                Some(ip("10.0.0.2")),
                &trusted
            ),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_ip(&HeaderMap::new(), Some(ip("10.0.0.2")), &trusted),
            Some(ip("10.0.0.2")),
            "no header: the proxy connected on its own behalf"
        );
        assert_eq!(client_ip(&HeaderMap::new(), None, &trusted), None);
    }
}
