use base64::Engine as _;
use nauthera_core::StorageErrorKind;

use super::*;

const DER: &[u8] = &[
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
];

fn key(byte: u8) -> KeyEncryptionKey {
    KeyEncryptionKey::from_bytes([byte; KEY_LEN])
}

#[test]
fn sealed_keys_round_trip_and_hide_the_plaintext() {
    let kek = key(7);
    let sealed = protect(Some(&kek), "kid-1", DER).unwrap();
    assert_eq!(sealed.first(), Some(&SEALED_V1));
    assert_eq!(sealed.len(), 1 + NONCE_LEN + DER.len() + 16);
    assert!(!sealed.windows(DER.len()).any(|w| w == DER));
    assert_eq!(
        unprotect(Some(&kek), "kid-1", sealed.to_vec()).unwrap(),
        DER
    );
    let again = protect(Some(&kek), "kid-1", DER).unwrap();
    assert_ne!(*sealed, *again, "a fresh nonce per key");
}

#[test]
fn wrong_or_missing_key_is_corrupt() {
    let sealed = protect(Some(&key(1)), "kid", DER).unwrap();
    let wrong = unprotect(Some(&key(2)), "kid", sealed.to_vec()).unwrap_err();
    assert_eq!(wrong.kind(), StorageErrorKind::Corrupt);
    let missing = unprotect(None, "kid", sealed.to_vec()).unwrap_err();
    assert_eq!(missing.kind(), StorageErrorKind::Corrupt);
    assert!(
        std::error::Error::source(&missing)
            .unwrap()
            .to_string()
            .contains("no key-encryption key")
    );
}

#[test]
fn tampering_and_moving_rows_are_corrupt() {
    let kek = key(3);
    let sealed = protect(Some(&kek), "kid", DER).unwrap();
    for index in [1, 1 + NONCE_LEN, sealed.len() - 1] {
        let mut tampered = sealed.to_vec();
        tampered[index] ^= 0x01;
        let error = unprotect(Some(&kek), "kid", tampered).unwrap_err();
        assert_eq!(error.kind(), StorageErrorKind::Corrupt, "byte {index}");
    }
    let moved = unprotect(Some(&kek), "other-kid", sealed.to_vec()).unwrap_err();
    assert_eq!(moved.kind(), StorageErrorKind::Corrupt);
    let truncated = unprotect(Some(&kek), "kid", sealed[..5].to_vec()).unwrap_err();
    assert_eq!(truncated.kind(), StorageErrorKind::Corrupt);
    let unknown = unprotect(Some(&kek), "kid", vec![0x7f, 1, 2]).unwrap_err();
    assert_eq!(unknown.kind(), StorageErrorKind::Corrupt);
    assert_eq!(
        unprotect(Some(&kek), "kid", Vec::new()).unwrap_err().kind(),
        StorageErrorKind::Corrupt
    );
}

#[test]
fn plain_keys_pass_through() {
    assert_eq!(*protect(None, "kid", DER).unwrap(), DER);
    assert_eq!(unprotect(Some(&key(4)), "kid", DER.to_vec()).unwrap(), DER);
    assert_eq!(unprotect(None, "kid", DER.to_vec()).unwrap(), DER);
}

#[test]
fn secrets_round_trip_whatever_their_first_byte() {
    let kek = key(5);
    for first in [0x00, SEALED_V1, DER_SEQUENCE, 0xff] {
        let secret = [first, 0x00, 0x01, 0x30, 0xfe];
        let plain = protect_secret(None, "id", &secret).unwrap();
        assert_eq!(*plain, [&[PLAIN_SECRET][..], &secret].concat());
        assert_eq!(
            unprotect_secret(None, "id", plain.to_vec()).unwrap(),
            secret
        );
        assert_eq!(
            unprotect_secret(Some(&kek), "id", plain.to_vec()).unwrap(),
            secret,
            "a secret stored before encryption was configured stays readable"
        );
        let sealed = protect_secret(Some(&kek), "id", &secret).unwrap();
        assert_eq!(sealed.first(), Some(&SEALED_V1));
        assert!(!sealed.windows(secret.len()).any(|w| w == secret));
        assert_eq!(
            unprotect_secret(Some(&kek), "id", sealed.to_vec()).unwrap(),
            secret
        );
    }
    assert!(
        unprotect_secret(None, "id", vec![PLAIN_SECRET])
            .unwrap()
            .is_empty()
    );
}

#[test]
fn sealed_secrets_need_the_right_key_and_row() {
    let sealed = protect_secret(Some(&key(1)), "id", b"secret").unwrap();
    for (kek, id) in [
        (None, "id"),
        (Some(key(2)), "id"),
        (Some(key(1)), "other-id"),
    ] {
        let error = unprotect_secret(kek.as_ref(), id, sealed.to_vec()).unwrap_err();
        assert_eq!(error.kind(), StorageErrorKind::Corrupt);
        let text = std::error::Error::source(&error).unwrap().to_string();
        assert!(text.starts_with("server secret "), "{text}");
    }
    for stored in [Vec::new(), vec![0x7f, 1, 2], vec![DER_SEQUENCE, 1]] {
        let error = unprotect_secret(Some(&key(1)), "id", stored).unwrap_err();
        assert_eq!(error.kind(), StorageErrorKind::Corrupt);
    }
}

#[test]
fn key_files_accept_raw_hex_and_base64() {
    let bytes: [u8; KEY_LEN] = std::array::from_fn(|i| u8::try_from(i).unwrap() * 7);
    let expected = KeyEncryptionKey::from_bytes(bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let forms = [
        bytes.to_vec(),
        format!("{hex}\n").into_bytes(),
        hex.to_lowercase().into_bytes(),
        base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into_bytes(),
        format!(
            "  {}\n",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )
        .into_bytes(),
    ];
    for form in forms {
        let parsed = KeyEncryptionKey::parse(&form).unwrap();
        assert_eq!(*parsed.bytes, *expected.bytes);
    }
    for bad in [&b"short"[..], &[b'z'; 64][..], &[0_u8; 33][..], b""] {
        assert!(matches!(
            KeyEncryptionKey::parse(bad),
            Err(KeyFileError::Format)
        ));
    }
}

#[test]
fn key_files_are_read_and_missing_files_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kek");
    std::fs::write(&path, [9_u8; KEY_LEN]).unwrap();
    let kek = KeyEncryptionKey::from_file(&path).unwrap();
    assert_eq!(*kek.bytes, [9_u8; KEY_LEN]);
    assert!(matches!(
        KeyEncryptionKey::from_file(dir.path().join("missing")),
        Err(KeyFileError::Read { .. })
    ));
}

#[test]
fn debug_is_redacted() {
    let shown = format!("{:?}", key(0xab));
    assert_eq!(shown, "KeyEncryptionKey(<redacted>)");
}
