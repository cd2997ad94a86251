use super::*;

fn settings(url: &str) -> Settings {
    Settings::parse(url, &StoreOptions::default()).unwrap()
}

#[test]
fn tls_parameters_leave_the_url() {
    let parts = UrlParts::split(
        "postgres://u:p@db.example/app?sslmode=verify-full&options=-c%20search_path%3Ds&sslrootcert=%2Fetc%2Fca.pem",
    );
    assert_eq!(
        parts.url,
        "postgres://u:p@db.example/app?options=-c%20search_path%3Ds"
    );
    assert_eq!(parts.ssl_mode.as_deref(), Some("verify-full"));
    assert_eq!(parts.root_cert, Some(PathBuf::from("/etc/ca.pem")));
    assert_eq!(UrlParts::split("postgres://h/db").url, "postgres://h/db");
    assert_eq!(
        UrlParts::split("postgres://h/db?sslmode=disable").url,
        "postgres://h/db"
    );
}

#[test]
fn percent_decoding_keeps_malformed_escapes() {
    assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
    assert_eq!(percent_decode("100%"), "100%");
    assert_eq!(percent_decode("%zz%+1"), "%zz%+1");
}

#[test]
fn loopback_is_plain_and_remote_requires_tls_by_default() {
    assert!(
        settings("postgres://postgres@127.0.0.1:5432/test")
            .tls()
            .is_none()
    );
    assert!(
        settings("postgres://postgres@localhost/test")
            .tls()
            .is_none()
    );
    assert!(settings("postgres://postgres@[::1]/test").tls().is_none());
    let remote = settings("postgres://u@db.example/app");
    assert!(remote.tls().is_some());
    assert_eq!(remote.config().get_ssl_mode(), SslMode::Require);
}

#[test]
fn sslmode_in_the_url_is_honoured() {
    let required = settings("postgres://postgres@127.0.0.1/test?sslmode=require");
    assert!(required.tls().is_some());
    assert_eq!(required.config().get_ssl_mode(), SslMode::Require);
    let preferred = settings("postgresql://u@db.example/app?sslmode=prefer");
    assert_eq!(preferred.config().get_ssl_mode(), SslMode::Prefer);
    let disabled = settings("postgres://u@db.example/app?sslmode=disable");
    assert!(disabled.tls().is_none());
    assert!(
        Settings::parse(
            "postgres://h/db?sslmode=sometimes",
            &StoreOptions::default()
        )
        .is_err()
    );
}

#[test]
fn explicit_options_win_over_the_url() {
    let plain = Settings::parse(
        "postgres://u@db.example/app?sslmode=require",
        &StoreOptions::default().with_tls(Tls::Disable),
    )
    .unwrap();
    assert!(plain.tls().is_none());
    let required = Settings::parse(
        "postgres://u@127.0.0.1/app",
        &StoreOptions::default().with_tls(Tls::Require { ca_file: None }),
    )
    .unwrap();
    assert!(required.tls().is_some());
}

#[test]
fn ca_files_must_hold_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let options = |path: PathBuf| {
        StoreOptions::default().with_tls(Tls::Require {
            ca_file: Some(path),
        })
    };
    let error = Settings::parse("postgres://h/db", &options(empty)).unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Other);
    assert!(Settings::parse("postgres://h/db", &options(dir.path().join("missing.pem"))).is_err());
}

#[test]
fn timeouts_come_from_the_options_unless_the_url_sets_one() {
    let options = StoreOptions::default().with_connection_timeout(Duration::from_secs(2));
    let parsed = Settings::parse("postgres://h/db", &options).unwrap();
    assert_eq!(
        parsed.config().get_connect_timeout(),
        Some(&Duration::from_secs(2))
    );
    assert_eq!(parsed.timeout(), Duration::from_secs(2));
    let parsed = Settings::parse("postgres://h/db?connect_timeout=9", &options).unwrap();
    assert_eq!(
        parsed.config().get_connect_timeout(),
        Some(&Duration::from_secs(9))
    );
}

#[test]
fn malformed_urls_are_errors_without_the_password() {
    let error = Settings::parse(
        "postgres://u:hunter2@h/db?bogus=1",
        &StoreOptions::default(),
    )
    .unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Other);
    let shown = format!("{error} {:?}", std::error::Error::source(&error));
    assert!(!shown.contains("hunter2"));
}
