#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The proxy against a real upstream on 127.0.0.1: each fault does what it
//! says, and a perfect link is perfect.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use qalam_faultproxy::{FaultProxy, Faults};

/// An upstream that reads each request to its end, then answers with the
/// number of bytes it got followed by the bytes themselves.
fn counting_echo() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            thread::spawn(move || {
                let mut got = Vec::new();
                let _ = conn.read_to_end(&mut got);
                let _ = conn.write_all(&(got.len() as u64).to_be_bytes());
                let _ = conn.write_all(&got);
            });
        }
    });
    addr
}

/// Sends `body`, ends the request, and returns (bytes the upstream says it
/// got, bytes echoed back) — or what arrived before the link closed.
fn exchange(proxy: &FaultProxy, body: &[u8]) -> (Option<u64>, Vec<u8>) {
    let mut conn = TcpStream::connect(proxy.addr()).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = conn.write_all(body);
    let _ = conn.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    if answer.len() < 8 {
        return (None, answer);
    }
    let count = u64::from_be_bytes(answer[..8].try_into().unwrap());
    (Some(count), answer[8..].to_vec())
}

fn body(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn a_perfect_link_forwards_every_byte_both_ways() {
    let proxy = FaultProxy::spawn(counting_echo(), Faults::default()).unwrap();
    let sent = body(200_000);
    let (count, echoed) = exchange(&proxy, &sent);
    assert_eq!(count, Some(200_000));
    assert_eq!(echoed, sent);
    let stats = proxy.stats();
    assert_eq!(stats.connections, 1);
    assert_eq!(stats.bytes_up, 200_000);
    assert_eq!(stats.bytes_down, 200_008);
    assert_eq!(
        (stats.cuts, stats.corruptions, stats.truncations),
        (0, 0, 0)
    );
}

#[test]
fn cut_every_closes_each_connection_at_that_many_bytes() {
    let faults = Faults {
        cut_every: Some(10_000),
        ..Faults::default()
    };
    let proxy = FaultProxy::spawn(counting_echo(), faults).unwrap();
    for _ in 0..3 {
        let (count, _) = exchange(&proxy, &body(50_000));
        // The request was cut before it ended, so the upstream never
        // answered: the client sees the link close.
        assert_eq!(count, None);
    }
    let stats = proxy.stats();
    assert_eq!(stats.connections, 3);
    assert_eq!(stats.cuts, 3);
    assert_eq!(stats.bytes_up + stats.bytes_down, 30_000);
}

#[test]
fn a_small_exchange_passes_under_cut_every() {
    let faults = Faults {
        cut_every: Some(10_000),
        ..Faults::default()
    };
    let proxy = FaultProxy::spawn(counting_echo(), faults).unwrap();
    let (count, echoed) = exchange(&proxy, &body(1_000));
    assert_eq!(count, Some(1_000));
    assert_eq!(echoed, body(1_000));
}

#[test]
fn corruption_changes_exactly_one_byte() {
    let faults = Faults {
        corrupt_chance: 1.0,
        horizon: 4_000,
        seed: 7,
        ..Faults::default()
    };
    let proxy = FaultProxy::spawn(counting_echo(), faults).unwrap();
    let sent = body(5_000);
    let (count, echoed) = exchange(&proxy, &sent);
    let mut answer = count.unwrap().to_be_bytes().to_vec();
    answer.extend_from_slice(&echoed);
    let mut expected = 5_000u64.to_be_bytes().to_vec();
    expected.extend_from_slice(&sent);
    let differing = answer.iter().zip(&expected).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 1, "exactly one byte changed in one direction");
    assert_eq!(proxy.stats().corruptions, 1);
}

#[test]
fn truncation_cuts_the_request_short_but_lets_the_answer_back() {
    let faults = Faults {
        truncate_chance: 1.0,
        horizon: 3_000,
        seed: 3,
        ..Faults::default()
    };
    let proxy = FaultProxy::spawn(counting_echo(), faults).unwrap();
    let sent = body(10_000);
    let (count, echoed) = exchange(&proxy, &sent);
    let count = count.expect("the upstream's answer came back");
    assert!(count < 3_000, "the upstream got {count} bytes");
    assert_eq!(echoed, sent[..count as usize]);
    assert_eq!(proxy.stats().truncations, 1);
}

#[test]
fn a_stall_delays_but_delivers() {
    let faults = Faults {
        stall_chance: 1.0,
        stall: Duration::from_millis(200),
        horizon: 1_000,
        ..Faults::default()
    };
    let proxy = FaultProxy::spawn(counting_echo(), faults).unwrap();
    let (count, echoed) = exchange(&proxy, &body(2_000));
    assert_eq!(count, Some(2_000));
    assert_eq!(echoed, body(2_000));
    assert_eq!(proxy.stats().stalls, 1);
}

#[test]
fn random_drops_cut_some_connections_and_spare_others() {
    let faults = Faults {
        drop_chance: 0.5,
        horizon: 4_000,
        seed: 11,
        ..Faults::default()
    };
    let proxy = FaultProxy::spawn(counting_echo(), faults.clone()).unwrap();
    let outcomes: Vec<bool> = (0..20)
        .map(|_| exchange(&proxy, &body(1_500)).0 == Some(1_500))
        .collect();
    assert!(outcomes.iter().any(|ok| *ok));
    assert!(outcomes.iter().any(|ok| !*ok));
    // The same seed draws the same plans: a failing run can be replayed.
    let again = FaultProxy::spawn(counting_echo(), faults).unwrap();
    let replay: Vec<bool> = (0..20)
        .map(|_| exchange(&again, &body(1_500)).0 == Some(1_500))
        .collect();
    assert_eq!(outcomes, replay);
}

#[test]
fn set_faults_applies_to_new_connections() {
    let proxy = FaultProxy::spawn(counting_echo(), Faults::default()).unwrap();
    assert_eq!(exchange(&proxy, &body(20_000)).0, Some(20_000));
    proxy.set_faults(Faults {
        cut_every: Some(1_000),
        ..Faults::default()
    });
    assert_eq!(exchange(&proxy, &body(20_000)).0, None);
}
