//! The operator's side of the admin port's mutual-TLS material: how long its CA, server and client
//! certificates live and when they are renewed, and the conversions between [`nauthera_admin::pki`]'s
//! [`UnixTime`] and jiff's [`Timestamp`]. The certificates themselves are made by [`nauthera_admin::pki`].

use std::time::Duration;

use k8s_openapi::jiff::{SignedDuration, Timestamp};
use nauthera_core::UnixTime;

/// How long the CA is valid.
pub const CA_VALIDITY_DAYS: u64 = 3650;
/// How long the server and client certificates are valid.
pub const LEAF_VALIDITY_DAYS: u64 = 365;
/// Certificates are renewed when they expire within this many days.
pub const RENEWAL_MARGIN_DAYS: u64 = 30;

/// `count` days.
pub const fn days(count: u64) -> Duration {
    Duration::from_secs(count * 24 * 3600)
}

/// A jiff timestamp as Unix seconds (sub-second precision is dropped).
pub fn unix_time(timestamp: Timestamp) -> UnixTime {
    UnixTime(timestamp.as_second())
}

/// Unix seconds as a jiff timestamp, saturating at the ends of jiff's range.
pub fn timestamp(time: UnixTime) -> Timestamp {
    Timestamp::from_second(time.seconds()).unwrap_or(if time.seconds() < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// `now` plus `days` days, saturating at the ends of the supported range.
pub(crate) fn after_days(now: Timestamp, days: i64) -> Timestamp {
    let delta = SignedDuration::from_hours(days.saturating_mul(24));
    now.checked_add(delta).unwrap_or(if days < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

#[cfg(test)]
mod tests {
    use nauthera_admin::pki::{CertificateAuthority, needs_renewal, not_after};

    use super::*;

    fn now() -> Timestamp {
        "2026-11-30T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn certificates_live_as_long_as_the_constants_say_and_renew_within_the_margin() {
        let now = unix_time(now());
        let ca = CertificateAuthority::generate("test CA", now, days(CA_VALIDITY_DAYS)).unwrap();
        // The CA is used again later, as if read back from its Secret.
        let stored = CertificateAuthority::from_pem(ca.cert_pem(), ca.key_pem()).unwrap();
        let server = stored
            .issue_server(&["srv.ns.svc"], now, days(LEAF_VALIDITY_DAYS))
            .unwrap();
        let ca_expiry = timestamp(not_after(ca.cert_pem()).unwrap());
        let server_expiry = timestamp(not_after(&server.cert_pem).unwrap());
        assert_eq!(ca_expiry, "2036-11-27T12:00:00Z".parse().unwrap());
        assert_eq!(server_expiry, "2027-11-30T12:00:00Z".parse().unwrap());

        let margin = days(RENEWAL_MARGIN_DAYS);
        let early = unix_time("2027-10-31T11:59:59Z".parse().unwrap());
        let due = unix_time("2027-10-31T12:00:00Z".parse().unwrap());
        assert!(!needs_renewal(&server.cert_pem, early, margin).unwrap());
        assert!(needs_renewal(&server.cert_pem, due, margin).unwrap());
    }

    #[test]
    fn converts_between_unix_seconds_and_timestamps() {
        assert_eq!(unix_time(now()), UnixTime(1_796_040_000));
        assert_eq!(timestamp(UnixTime(1_796_040_000)), now());
        assert_eq!(timestamp(UnixTime(i64::MAX)), Timestamp::MAX);
        assert_eq!(timestamp(UnixTime(i64::MIN)), Timestamp::MIN);
    }
}
