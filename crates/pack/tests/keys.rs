//! Key generation, key files and key ids.
// Test helpers outside #[test] fns panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qalam_pack::{PackError, PublicKey, SecretKey, generate_keypair, pub_path};

#[test]
fn keys_round_trip_through_their_file_text() {
    let key = generate_keypair().unwrap();
    let text = key.to_file_string();
    assert!(text.starts_with("qalam-secret-key ed25519 "));
    assert_eq!(text.lines().count(), 1);
    let back = SecretKey::parse_file(&text).unwrap();
    assert_eq!(back.public_key(), key.public_key());

    let public = key.public_key();
    let text = public.to_file_string();
    assert!(text.starts_with("qalam-public-key ed25519 "));
    assert_eq!(PublicKey::parse_file(&text).unwrap(), public);
    assert_eq!(PublicKey::from_base64(&public.to_base64()).unwrap(), public);
}

#[test]
fn key_ids_have_the_documented_shape() {
    let id = generate_keypair().unwrap().public_key().key_id();
    let hex = id.strip_prefix("ed25519:").unwrap();
    assert_eq!(hex.len(), 16);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
}

#[test]
fn two_keys_differ() {
    assert_ne!(
        generate_keypair().unwrap().public_key(),
        generate_keypair().unwrap().public_key()
    );
}

#[test]
fn debug_never_shows_the_secret() {
    let key = generate_keypair().unwrap();
    let seed = key.to_file_string();
    let seed = seed.split_whitespace().nth(2).unwrap();
    let shown = format!("{key:?}");
    assert!(!shown.contains(seed));
    assert!(shown.contains("ed25519:"));
}

#[cfg(unix)]
#[test]
fn write_keypair_writes_private_and_public_files_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("publisher");
    let key = generate_keypair().unwrap();
    key.write_keypair(&path).unwrap();

    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let read = SecretKey::read_file(&path).unwrap();
    assert_eq!(read.public_key(), key.public_key());
    assert_eq!(
        PublicKey::read_file(&pub_path(&path)).unwrap(),
        key.public_key()
    );

    let other = generate_keypair().unwrap();
    let err = other.write_keypair(&path).unwrap_err();
    assert!(matches!(err, PackError::WouldOverwrite { .. }), "{err:?}");
    // The original is untouched.
    assert_eq!(
        SecretKey::read_file(&path).unwrap().public_key(),
        key.public_key()
    );
}

#[test]
fn write_keypair_refuses_when_only_the_pub_file_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("k");
    std::fs::write(tmp.path().join("k.pub"), "something").unwrap();
    let err = generate_keypair()
        .unwrap()
        .write_keypair(&path)
        .unwrap_err();
    assert!(matches!(err, PackError::WouldOverwrite { .. }), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn malformed_key_text_is_refused() {
    let key = generate_keypair().unwrap();
    let public_text = key.public_key().to_file_string();
    for bad in [
        "",
        "hello",
        "qalam-secret-key ed25519",
        "qalam-secret-key rsa AAAA",
        "qalam-secret-key ed25519 not-base64!",
        "qalam-secret-key ed25519 AAAA",
        public_text.as_str(), // a public key is not a secret key
    ] {
        let err = SecretKey::parse_file(bad).unwrap_err();
        assert!(
            matches!(err, PackError::InvalidKey { .. }),
            "{bad:?}: {err:?}"
        );
    }
    let err = PublicKey::parse_file(&key.to_file_string()).unwrap_err();
    assert!(matches!(err, PackError::InvalidKey { .. }));
}

#[test]
fn weak_public_keys_are_refused() {
    use base64::Engine as _;
    // The identity point: a small-order key under which forgeries verify.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let b64 = base64::engine::general_purpose::STANDARD.encode(identity);
    let err = PublicKey::from_base64(&b64).unwrap_err();
    assert!(matches!(err, PackError::InvalidKey { .. }), "{err:?}");
}
