//! Re-exporting an installed pack with `write_pack`: the publisher's exact
//! manifest and signature bytes, and content checked on the way out.
// Test helpers outside #[test] fns panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;

use common::*;
use qalam_pack::{Limits, PackError, Signature, generate_keypair, open_file, write_pack};

/// Installs the fixture pack the way qalam-core does: extract, then keep
/// manifest and signature bytes.
fn installed(key: &qalam_pack::SecretKey) -> (tempfile::TempDir, Vec<u8>, Option<Vec<u8>>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("installed");
    let mut r = open(Fixture::new().signed(key).bytes()).unwrap();
    r.extract_to(&dir, &mut |_| {}).unwrap();
    fs::write(dir.join("manifest.json"), r.manifest_bytes()).unwrap();
    let manifest = r.manifest_bytes().to_vec();
    let signature = r.signature_bytes().map(<[u8]>::to_vec);
    (tmp, manifest, signature)
}

#[test]
fn an_exported_pack_keeps_the_publishers_signature() {
    let key = generate_keypair().unwrap();
    let (tmp, manifest, signature) = installed(&key);
    assert!(signature.is_some());
    let out = tmp.path().join("export.qpack");
    let summary = write_pack(
        &out,
        &manifest,
        signature.as_deref(),
        &tmp.path().join("installed"),
    )
    .unwrap();
    assert_eq!(summary.signer, Some(key.public_key().key_id()));
    assert_eq!(summary.files, 3);

    let mut r = open_file(&out, &Limits::default()).unwrap();
    assert_eq!(r.signature(), &Signature::Valid(key.public_key()));
    assert_eq!(r.manifest_bytes(), manifest.as_slice());
    assert_eq!(r.signature_bytes(), signature.as_deref());
    r.verify_all(&mut |_| {}).unwrap();
    assert!(!tmp.path().join("export.qpack.tmp").exists());
}

#[test]
fn a_damaged_installed_file_is_not_exported() {
    let key = generate_keypair().unwrap();
    let (tmp, manifest, signature) = installed(&key);
    let dir = tmp.path().join("installed");
    let mut png = fs::read(dir.join("media/dots.png")).unwrap();
    png[0] ^= 1;
    fs::write(dir.join("media/dots.png"), png).unwrap();
    let out = tmp.path().join("export.qpack");
    let err = write_pack(&out, &manifest, signature.as_deref(), &dir).unwrap_err();
    assert!(matches!(err, PackError::DamagedCopy { .. }), "{err:?}");
    assert!(!out.exists());
    assert!(!tmp.path().join("export.qpack.tmp").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_installed_file_is_not_exported() {
    let key = generate_keypair().unwrap();
    let (tmp, manifest, signature) = installed(&key);
    let dir = tmp.path().join("installed");
    let real = tmp.path().join("real.png");
    fs::rename(dir.join("media/dots.png"), &real).unwrap();
    std::os::unix::fs::symlink(&real, dir.join("media/dots.png")).unwrap();
    let err = write_pack(
        &tmp.path().join("x.qpack"),
        &manifest,
        signature.as_deref(),
        &dir,
    )
    .unwrap_err();
    assert!(matches!(err, PackError::DamagedCopy { .. }), "{err:?}");
}

#[test]
fn a_signature_that_does_not_match_is_not_exported() {
    let key = generate_keypair().unwrap();
    let other = generate_keypair().unwrap();
    let (tmp, manifest, _) = installed(&key);
    let foreign = qalam_pack::sign_manifest(&other, b"{}");
    let err = write_pack(
        &tmp.path().join("x.qpack"),
        &manifest,
        Some(&foreign),
        &tmp.path().join("installed"),
    )
    .unwrap_err();
    assert!(matches!(err, PackError::SignatureInvalid { .. }), "{err:?}");
}
