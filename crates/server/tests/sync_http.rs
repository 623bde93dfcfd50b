//! The sync routes over a real socket on 127.0.0.1, on SQLite and (when
//! `QALAM_TEST_POSTGRES_URL` is set) PostgreSQL: authentication, version
//! negotiation, batch checksums and limits, and that a refused or cut
//! batch leaves nothing stored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::PgDb;
use qalam_model::{ChainBuilder, ChainTip, Event, LearnerId, encode_run};
use qalam_server::wire::{
    ErrorBody, MAX_FRAME_BYTES, MAX_STREAM_FRAME_BYTES, PROTOCOL_HEADER, PrefixRef, PullPayload,
    PullRequest, PushResponse, STREAM_HEADER_LEN, StatusRequest, StatusResponse, StreamEncoder,
    decode_frame, encode_frame, encode_frame_with_prefix,
};
use qalam_server::{Credential, Device, SqliteStore, Store, now_ms};

struct Server {
    base: String,
    store: Arc<dyn Store>,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
    pg: PgDb,
}

impl Server {
    async fn finish(self) {
        if let Some((admin, name)) = self.pg {
            admin
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
    }
}

async fn start(store: Arc<dyn Store>, timeout: Duration) -> (String, tempfile::TempDir) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = qalam_server::http::router_with_timeout(Arc::clone(&store), timeout);
    tokio::spawn(qalam_server::http::serve_router(
        listener,
        app,
        Duration::from_millis(300),
    ));
    (format!("http://{addr}"), tempfile::tempdir().unwrap())
}

async fn servers() -> Vec<Server> {
    let mut out = Vec::new();
    for (store, pg) in common::backends("qalam_sync").await {
        let (base, dir) = start(Arc::clone(&store), Duration::from_secs(2)).await;
        out.push(Server {
            base,
            store,
            http: reqwest::Client::new(),
            _dir: dir,
            pg,
        });
    }
    out
}

const NOW: i64 = 1_767_600_000_000;

/// A centre of a new organisation.
async fn a_centre(s: &Server) -> qalam_server::Centre {
    let org = s.store.create_org("o", NOW).await.unwrap();
    s.store.create_centre(org.id, "c", NOW).await.unwrap()
}

async fn enrol_at(s: &Server, centre: qalam_server::CentreId, n: u8) -> (Device, Credential) {
    let code = s
        .store
        .create_enrol_code(centre, now_ms(), 3_600_000)
        .await
        .unwrap();
    let e = s
        .store
        .redeem_enrol_code(
            &code.code,
            qalam_server::DeviceId::from_bytes([n; 16]),
            now_ms(),
        )
        .await
        .unwrap();
    (e.device, e.credential)
}

fn chain(device: &Device, from: &mut ChainTip, n: usize, learners: &[LearnerId]) -> Vec<Event> {
    let builder = ChainBuilder::new(device.id, device.org, device.centre);
    (0..n)
        .map(|i| {
            let e = builder
                .next_raw(
                    from,
                    NOW as u64 + from.seq * 30_000,
                    learners[i % learners.len()],
                    "test_note",
                    1,
                    format!("note {}", from.seq + 1).into_bytes(),
                )
                .unwrap();
            *from = ChainTip::after(&e);
            e
        })
        .collect()
}

fn frame_of(events: &[Event]) -> Vec<u8> {
    encode_frame(&encode_run(events).unwrap()).unwrap()
}

impl Server {
    fn post(&self, path: &str, credential: &Credential) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(credential.as_str())
            .header(PROTOCOL_HEADER, "1")
    }

    async fn status(&self, credential: &Credential, epoch: u64) -> StatusResponse {
        let r = self
            .post("/v1/sync/status", credential)
            .json(&StatusRequest {
                versions: vec![1],
                clock_ms: now_ms() + 5_000,
                head: 0,
                presence_epoch: epoch,
            })
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    async fn push(&self, credential: &Credential, frame: Vec<u8>) -> reqwest::Response {
        self.post("/v1/sync/push", credential)
            .body(frame)
            .send()
            .await
            .unwrap()
    }

    async fn pull(&self, credential: &Credential, req: PullRequest) -> PullPayload {
        let r = self
            .post("/v1/sync/pull", credential)
            .json(&req)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.len() <= MAX_FRAME_BYTES);
        PullPayload::decode(&decode_frame(&bytes).unwrap(), req.device).unwrap()
    }
}

async fn refusal(r: reqwest::Response, status: u16, code: &str) -> ErrorBody {
    assert_eq!(r.status(), status);
    let body: ErrorBody = r.json().await.unwrap();
    assert_eq!(body.code, code, "{}", body.error);
    assert!(!body.error.contains('\n'));
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_push_pull_between_two_devices_of_a_centre() {
    for s in servers().await {
        let centre = a_centre(&s).await;
        let (a, ca) = enrol_at(&s, centre.id, 1).await;
        let (_b, cb) = enrol_at(&s, centre.id, 2).await;

        let st = s.status(&ca, 0).await;
        assert_eq!((st.version, st.device, st.acked_to), (1, a.id, 0));
        assert!(st.vector.is_empty());
        assert!((st.skew_ms - 5_000).abs() < 2_000, "{}", st.skew_ms);
        let skews = s.store.clock_skews(a.id, 5).await.unwrap();
        assert_eq!(skews.len(), 1);

        let mut tip = ChainTip::GENESIS;
        let events = chain(&a, &mut tip, 50, &[LearnerId::from_bytes([3; 16])]);
        let r = s.push(&ca, frame_of(&events)).await;
        assert_eq!(r.status(), 200);
        let ack: PushResponse = r.json().await.unwrap();
        assert_eq!((ack.acked_to, ack.inserted), (50, 50));

        let st = s.status(&cb, 0).await;
        assert_eq!(st.vector.get(a.id), 50);
        let got = s
            .pull(
                &cb,
                PullRequest {
                    device: a.id,
                    from_seq: 1,
                    max_bytes: 1 << 20,
                },
            )
            .await;
        assert!(got.complete);
        assert_eq!(got.next_seq, 51);
        assert_eq!(got.events, events);
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_versions_and_revocation_are_checked_on_every_route() {
    for s in servers().await {
        let centre = a_centre(&s).await;
        let (a, ca) = enrol_at(&s, centre.id, 1).await;
        let mut tip = ChainTip::GENESIS;
        let events = chain(&a, &mut tip, 3, &[LearnerId::from_bytes([3; 16])]);

        // No credential, a wrong one.
        let r = s
            .http
            .post(format!("{}/v1/sync/status", s.base))
            .json(&serde_json::json!({"versions":[1],"clock_ms":0,"head":0}))
            .send()
            .await
            .unwrap();
        refusal(r, 401, "no_credential").await;
        let wrong = Credential::from_presented(&"ab".repeat(32));
        for path in ["/v1/sync/status", "/v1/sync/pull"] {
            let r = s
                .post(path, &wrong)
                .json(&serde_json::json!({"versions":[1],"clock_ms":0,"head":0}))
                .send()
                .await
                .unwrap();
            refusal(r, 401, "bad_credential").await;
        }
        refusal(
            s.push(&wrong, frame_of(&events)).await,
            401,
            "bad_credential",
        )
        .await;

        // Versions: none in common at status; an unknown one on push.
        let r = s
            .post("/v1/sync/status", &ca)
            .json(&serde_json::json!({"versions":[7, 9],"clock_ms":0,"head":0}))
            .send()
            .await
            .unwrap();
        let body = refusal(r, 426, "unsupported_version").await;
        assert_eq!(body.versions, Some(vec![1, 2, 3]));
        let r = s
            .http
            .post(format!("{}/v1/sync/push", s.base))
            .bearer_auth(ca.as_str())
            .header(PROTOCOL_HEADER, "7")
            .body(frame_of(&events))
            .send()
            .await
            .unwrap();
        refusal(r, 426, "unsupported_version").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 0);

        // Revoked: refused at once, on every route.
        s.store.revoke_device(a.id, now_ms()).await.unwrap();
        let r = s
            .post("/v1/sync/status", &ca)
            .json(&serde_json::json!({"versions":[1],"clock_ms":0,"head":0}))
            .send()
            .await
            .unwrap();
        let body = refusal(r, 403, "revoked").await;
        assert!(body.error.contains("revoked"));
        refusal(s.push(&ca, frame_of(&events)).await, 403, "revoked").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 0);
        s.finish().await;
    }
}

/// Protocol 2: a batch compressed against the events before it, which the
/// server looks up in its own copy of the chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_frames_are_decoded_against_the_held_chain() {
    for s in servers().await {
        let centre = a_centre(&s).await;
        let (a, ca) = enrol_at(&s, centre.id, 1).await;
        let mut tip = ChainTip::GENESIS;
        let learners = [
            LearnerId::from_bytes([3; 16]),
            LearnerId::from_bytes([4; 16]),
        ];
        let events = chain(&a, &mut tip, 300, &learners);
        let r = s.push(&ca, frame_of(&events[..200])).await;
        assert_eq!(r.status(), 200);
        let prefix = encode_run(&events[..200]).unwrap();
        let run = encode_run(&events[200..]).unwrap();
        let at = PrefixRef {
            from_seq: 1,
            count: 200,
        };
        let frame = encode_frame_with_prefix(&run, &prefix, at).unwrap();
        assert!(frame.len() < frame_of(&events[200..]).len());
        let push2 = |frame: Vec<u8>| {
            s.http
                .post(format!("{}/v1/sync/push", s.base))
                .bearer_auth(ca.as_str())
                .header(PROTOCOL_HEADER, "2")
                .body(frame)
                .send()
        };
        // Under version 1 the format is refused; a prefix the server does
        // not hold, or other prefix bytes, stores nothing.
        refusal(s.push(&ca, frame.clone()).await, 400, "bad_batch").await;
        let beyond = PrefixRef {
            from_seq: 150,
            count: 100,
        };
        let unheld = encode_frame_with_prefix(&run, &prefix, beyond).unwrap();
        refusal(push2(unheld).await.unwrap(), 409, "unknown_prefix").await;
        let shifted = PrefixRef {
            from_seq: 2,
            count: 199,
        };
        let wrong = encode_frame_with_prefix(&run, &prefix, shifted).unwrap();
        refusal(push2(wrong).await.unwrap(), 400, "bad_batch").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 200);
        let r = push2(frame).await.unwrap();
        assert_eq!(r.status(), 200);
        let answer: PushResponse = r.json().await.unwrap();
        assert_eq!((answer.acked_to, answer.inserted), (300, 100));
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_batches_are_refused_and_nothing_is_stored() {
    for s in servers().await {
        let centre = a_centre(&s).await;
        let (a, ca) = enrol_at(&s, centre.id, 1).await;
        let (b, _) = enrol_at(&s, centre.id, 2).await;
        let mut tip = ChainTip::GENESIS;
        let events = chain(&a, &mut tip, 200, &[LearnerId::from_bytes([3; 16])]);
        let frame = frame_of(&events);

        // Cut mid-way, as a dropped link would leave it.
        for cut in [10, frame.len() / 2, frame.len() - 1] {
            refusal(s.push(&ca, frame[..cut].to_vec()).await, 400, "bad_batch").await;
        }
        // One changed byte in the compressed payload or the header.
        let mut flipped = frame.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x40;
        refusal(s.push(&ca, flipped).await, 400, "bad_batch").await;
        let mut flipped = frame.clone();
        flipped[7] ^= 0x01;
        let r = s.push(&ca, flipped).await;
        assert!(r.status() == 400 || r.status() == 413, "{}", r.status());
        // A checksummed frame whose run is garbage.
        refusal(
            s.push(&ca, encode_frame(b"not a run").unwrap()).await,
            400,
            "bad_batch",
        )
        .await;
        // Over the size limit on the wire.
        refusal(
            s.push(&ca, vec![0u8; MAX_FRAME_BYTES + 1]).await,
            413,
            "too_large",
        )
        .await;
        // Malformed JSON.
        let r = s
            .post("/v1/sync/status", &ca)
            .header("content-type", "application/json")
            .body("{\"versions\": [1], ")
            .send()
            .await
            .unwrap();
        refusal(r, 400, "bad_request").await;
        // Another device's events, and a gap in the chain.
        let mut tip_b = ChainTip::GENESIS;
        let theirs = chain(&b, &mut tip_b, 3, &[LearnerId::from_bytes([4; 16])]);
        refusal(s.push(&ca, frame_of(&theirs)).await, 403, "foreign_events").await;
        refusal(s.push(&ca, frame_of(&events[5..])).await, 409, "chain").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 0);
        assert_eq!(s.store.head_seq(b.id).await.unwrap(), 0);

        // The good batch, then the same batch again (a retry after a lost
        // answer): both succeed, the second stores nothing new.
        let r = s.push(&ca, frame.clone()).await;
        let first: PushResponse = r.json().await.unwrap();
        assert_eq!((first.acked_to, first.inserted), (200, 200));
        let r = s.push(&ca, frame).await;
        assert_eq!(r.status(), 200);
        let again: PushResponse = r.json().await.unwrap();
        assert_eq!(
            (again.acked_to, again.inserted, again.duplicates),
            (200, 0, 200)
        );
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_rewinds_cursors_when_a_visitor_signs_in() {
    for s in servers().await {
        let org = s.store.create_org("o", NOW).await.unwrap();
        let north = s.store.create_centre(org.id, "north", NOW).await.unwrap();
        let south = s.store.create_centre(org.id, "south", NOW).await.unwrap();
        let (n, cn) = enrol_at(&s, north.id, 1).await;
        let (so, cs) = enrol_at(&s, south.id, 2).await;
        let (amina, bilal) = (
            LearnerId::from_bytes([1; 16]),
            LearnerId::from_bytes([2; 16]),
        );
        let mut tn = ChainTip::GENESIS;
        let north_events = chain(&n, &mut tn, 10, &[amina, bilal]);
        assert_eq!(s.push(&cn, frame_of(&north_events)).await.status(), 200);
        let mut ts = ChainTip::GENESIS;
        assert_eq!(
            s.push(&cs, frame_of(&chain(&so, &mut ts, 1, &[bilal])))
                .await
                .status(),
            200
        );
        let st = s.status(&cs, 0).await;
        assert_eq!(st.vector.get(n.id), 10);
        let first = s
            .pull(
                &cs,
                PullRequest {
                    device: n.id,
                    from_seq: 1,
                    max_bytes: 1 << 20,
                },
            )
            .await;
        assert_eq!(first.events.len(), 5);
        assert_eq!(first.next_seq, 11);

        assert_eq!(
            s.push(&cs, frame_of(&chain(&so, &mut ts, 1, &[amina])))
                .await
                .status(),
            200
        );
        let st2 = s.status(&cs, st.presence_epoch).await;
        assert!(st2.presence_epoch > st.presence_epoch);
        assert!(
            st2.rewind
                .iter()
                .any(|r| r.device == n.id && r.from_seq == 1),
            "{:?}",
            st2.rewind
        );
        let all = s
            .pull(
                &cs,
                PullRequest {
                    device: n.id,
                    from_seq: 1,
                    max_bytes: 1 << 20,
                },
            )
            .await;
        assert_eq!(all.events, north_events);

        // Another organisation sees none of it, and may not ask.
        let other = s.store.create_org("p", NOW).await.unwrap();
        let oc = s.store.create_centre(other.id, "x", NOW).await.unwrap();
        let (_, co) = enrol_at(&s, oc.id, 3).await;
        let st = s.status(&co, 0).await;
        assert!(st.vector.is_empty() && st.rewind.is_empty());
        let r = s
            .post("/v1/sync/pull", &co)
            .json(&PullRequest {
                device: n.id,
                from_seq: 1,
                max_bytes: 1 << 20,
            })
            .send()
            .await
            .unwrap();
        refusal(r, 403, "not_entitled").await;
        s.finish().await;
    }
}

/// A client that sends its headers and then stalls is cut off by the
/// request timeout instead of holding the connection for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_times_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(dir.path().join("server.db"))
            .await
            .unwrap(),
    );
    let (base, _d) = start(store, Duration::from_millis(300)).await;
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST /v1/sync/push HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\nqalam-protocol: 1\r\n\r\nQSYN",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept a stalled request open");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

/// A client that connects and trickles its headers is cut off too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_header_times_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(dir.path().join("server.db"))
            .await
            .unwrap(),
    );
    let (base, _d) = start(store, Duration::from_secs(60)).await;
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"POST /v1/sync/st").await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the server kept a connection with half its headers open"
    );
}

/// A push stream (protocol 3) of `events` in frames of `per_frame`
/// events, compressed against `prefix` (the events just before them);
/// returns the body and where each frame ends in it.
fn stream_of(prefix: &[Event], events: &[Event], per_frame: usize) -> (Vec<u8>, Vec<usize>) {
    let run = (!prefix.is_empty()).then(|| encode_run(prefix).unwrap());
    let at = prefix.first().map(|e| PrefixRef {
        from_seq: e.seq,
        count: prefix.len() as u32,
    });
    let mut enc = StreamEncoder::new(run.as_deref().zip(at)).unwrap();
    let mut ends = Vec::new();
    for frame in events.chunks(per_frame) {
        enc.push_frame(&encode_run(frame).unwrap()).unwrap();
        ends.push(enc.len());
    }
    (enc.into_body(), ends)
}

impl Server {
    async fn push_stream(&self, credential: &Credential, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/sync/push/stream", self.base))
            .bearer_auth(credential.as_str())
            .header(PROTOCOL_HEADER, "3")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Sends the first `cut` bytes of a stream declared whole, then drops
    /// the connection, as a link that went down mid-upload.
    async fn push_stream_cut(&self, credential: &Credential, body: &[u8], cut: usize) {
        use tokio::io::AsyncWriteExt;
        let addr = self.base.trim_start_matches("http://");
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /v1/sync/push/stream HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
             qalam-protocol: 3\r\ncontent-length: {}\r\n\r\n",
            credential.as_str(),
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&body[..cut]).await.unwrap();
        tcp.flush().await.unwrap();
        drop(tcp);
    }

    /// Waits until the store holds `device`'s chain up to `seq`.
    async fn wait_for_head(&self, device: &Device, seq: u64) {
        for _ in 0..200 {
            if self.store.head_seq(device.id).await.unwrap() >= seq {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the server did not reach {seq}");
    }
}

/// Protocol 3: frames of a stream are committed one by one as they arrive;
/// a stream cut mid-frame keeps the whole frames before the cut and
/// nothing of the cut one, and the next stream resumes after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_streams_commit_each_whole_frame_and_resume_after_a_cut() {
    for s in servers().await {
        let centre = a_centre(&s).await;
        let (a, ca) = enrol_at(&s, centre.id, 1).await;
        let mut tip = ChainTip::GENESIS;
        let learners = [
            LearnerId::from_bytes([3; 16]),
            LearnerId::from_bytes([4; 16]),
        ];
        let events = chain(&a, &mut tip, 500, &learners);

        // Cut in the middle of the third frame of a stream from seq 1.
        let (body, ends) = stream_of(&[], &events[..300], 100);
        s.push_stream_cut(&ca, &body, (ends[1] + ends[2]) / 2).await;
        s.wait_for_head(&a, 200).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 200);
        // A cut inside the stream's own header stores nothing more.
        s.push_stream_cut(&ca, &body, 10).await;

        // The next attempt's status says where to resume; the stream from
        // there is compressed against the events the server holds, and
        // carries none of them again.
        let status = s.status(&ca, 0).await;
        assert_eq!(status.acked_to, 200);
        let (body, _) = stream_of(&events[..200], &events[200..], 100);
        let r = s.push_stream(&ca, body).await;
        assert_eq!(r.status(), 200);
        let answer: PushResponse = r.json().await.unwrap();
        assert_eq!(
            (answer.acked_to, answer.inserted, answer.duplicates),
            (500, 300, 0)
        );

        // A stream sent again whole (its answer lost): nothing new.
        let (body, _) = stream_of(&[], &events[..300], 100);
        let r = s.push_stream(&ca, body).await;
        let again: PushResponse = r.json().await.unwrap();
        assert_eq!(
            (again.acked_to, again.inserted, again.duplicates),
            (500, 0, 300)
        );
        // An empty stream is answered with the ack.
        let (body, _) = stream_of(&events[..500], &[], 100);
        let r = s.push_stream(&ca, body).await;
        let empty: PushResponse = r.json().await.unwrap();
        assert_eq!((empty.acked_to, empty.inserted), (500, 0));
        s.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_stream_frames_are_refused_and_not_stored() {
    for s in servers().await {
        let centre = a_centre(&s).await;
        let (a, ca) = enrol_at(&s, centre.id, 1).await;
        let mut tip = ChainTip::GENESIS;
        let events = chain(&a, &mut tip, 300, &[LearnerId::from_bytes([3; 16])]);
        let (body, ends) = stream_of(&[], &events, 100);

        // Only under protocol 3.
        let r = s
            .http
            .post(format!("{}/v1/sync/push/stream", s.base))
            .bearer_auth(ca.as_str())
            .header(PROTOCOL_HEADER, "2")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        refusal(r, 426, "unsupported_version").await;
        // A changed byte in the stream's header: nothing stored.
        let mut bad = body.clone();
        bad[9] ^= 1;
        refusal(s.push_stream(&ca, bad).await, 400, "bad_batch").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 0);
        // A changed byte in the second frame: the first is kept, the
        // second and what follows are not.
        let mut bad = body.clone();
        bad[ends[0] + 60] ^= 1;
        refusal(s.push_stream(&ca, bad).await, 400, "bad_batch").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 100);
        // A body that stops inside a frame.
        refusal(
            s.push_stream(&ca, body[..ends[1] + 20].to_vec()).await,
            400,
            "bad_batch",
        )
        .await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 200);
        // A frame announcing more than the limit: refused at its header.
        let mut big = body[..STREAM_HEADER_LEN].to_vec();
        big.extend_from_slice(&(MAX_STREAM_FRAME_BYTES as u32 + 1).to_be_bytes());
        big.extend_from_slice(&[0; 36]);
        big.extend_from_slice(&vec![7; 4096]);
        refusal(s.push_stream(&ca, big).await, 413, "too_large").await;
        // Frames that skip events: a gap in the chain.
        let (gap, _) = stream_of(&[], &events[250..], 10);
        refusal(s.push_stream(&ca, gap).await, 409, "chain").await;
        assert_eq!(s.store.head_seq(a.id).await.unwrap(), 200);
        s.finish().await;
    }
}
