//! Writes seed files for the `bundle_file` fuzz target: a device's file
//! for its server (with its public key), the server's answer (with a
//! certificate), and a signed file for the other laptops of a centre.
//!
//!     cargo run -p qalam-protocol --example bundle_seeds -- fuzz/seeds/bundle_file

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use qalam_model::{CentreId, ChainBuilder, DeviceId, OrgId, VersionVector};
use qalam_protocol::DeviceCertificate;
use qalam_protocol::bundle::{BundleExtras, BundleHeader, BundleKind, Part, encode, encode_signed};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("give the folder to write the seeds to")?,
    );
    std::fs::create_dir_all(&out)?;
    let (org, centre, device) = (
        OrgId::from_bytes([1; 16]),
        CentreId::from_bytes([2; 16]),
        DeviceId::from_bytes([3; 16]),
    );
    let events = ChainBuilder::new(device, org, centre).sample_notes(12);
    let parts = vec![Part {
        writer: device,
        from_seq: 1,
        next_seq: 13,
        events,
    }];
    let device_key = SigningKey::from_bytes(&[4; 32]);
    let server_key = SigningKey::from_bytes(&[5; 32]);
    let cert = DeviceCertificate::issue(
        &server_key,
        org,
        centre,
        device,
        device_key.verifying_key().to_bytes(),
        1,
    );
    let header = BundleHeader {
        kind: BundleKind::DeviceToServer,
        device,
        org,
        centre,
        created_ms: 1_767_600_000_000,
        acked_to: 0,
        presence_epoch: 1,
        since_epoch: 0,
        cursors: VersionVector::new(),
        enrolment: None,
        extras: BundleExtras {
            device_key: Some(device_key.verifying_key().to_bytes()),
            certificate: None,
        },
    };
    std::fs::write(
        out.join("to-server.qbundle"),
        encode(&header, &parts, &[7; 32])?,
    )?;
    let answer = BundleHeader {
        kind: BundleKind::ServerToDevice,
        extras: BundleExtras {
            device_key: None,
            certificate: Some(cert.clone()),
        },
        ..header.clone()
    };
    std::fs::write(
        out.join("to-device.qbundle"),
        encode(&answer, &[], &[7; 32])?,
    )?;
    let peers = BundleHeader::for_peers(cert.clone(), header.created_ms);
    std::fs::write(
        out.join("to-peers.qbundle"),
        encode_signed(&peers, &parts, &device_key)?,
    )?;
    std::fs::write(out.join("certificate.bin"), cert.to_bytes())?;
    println!("wrote 4 seeds to {}", out.display());
    Ok(())
}
