//! A TCP proxy that misbehaves on purpose.
//!
//! Study centres sync over links that drop mid-transfer, stall for
//! seconds, and (through cheap routers and captive portals) sometimes hand
//! over damaged or cut-short bodies. Sync tests put this proxy between a
//! client and the server to prove that such links cost at most the batch in
//! flight and never store a damaged batch.
//!
//! Every connection gets its own fault plan, drawn from a seeded generator
//! when it opens, so a failing run can be replayed with the same seed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("could not start the proxy's runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the proxy thread stopped before it was ready")]
    NotStarted,
}

/// What goes wrong, and how often. The default is a perfect link.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Close every connection once this many bytes (both directions
    /// together) have gone through it.
    pub cut_every: Option<u64>,
    /// Chance that a connection is cut at a random byte offset.
    pub drop_chance: f64,
    /// Chance that a connection pauses once, at a random offset, for `stall`.
    pub stall_chance: f64,
    pub stall: Duration,
    /// Chance that the client's side of a connection is ended early (the
    /// server reads a cut-short request) while answers still flow back.
    pub truncate_chance: f64,
    /// Chance that one byte, at a random offset in either direction, is
    /// changed in transit.
    pub corrupt_chance: f64,
    /// Random offsets are drawn below this many bytes.
    pub horizon: u64,
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            cut_every: None,
            drop_chance: 0.0,
            stall_chance: 0.0,
            stall: Duration::from_millis(500),
            truncate_chance: 0.0,
            corrupt_chance: 0.0,
            horizon: 64 * 1024,
            seed: 0,
        }
    }
}

/// What the proxy has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub connections: u64,
    /// Bytes forwarded from clients to the server.
    pub bytes_up: u64,
    /// Bytes forwarded from the server to clients.
    pub bytes_down: u64,
    pub cuts: u64,
    pub stalls: u64,
    pub truncations: u64,
    pub corruptions: u64,
}

#[derive(Debug, Default)]
struct Counters {
    connections: AtomicU64,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
    cuts: AtomicU64,
    stalls: AtomicU64,
    truncations: AtomicU64,
    corruptions: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            connections: get(&self.connections),
            bytes_up: get(&self.bytes_up),
            bytes_down: get(&self.bytes_down),
            cuts: get(&self.cuts),
            stalls: get(&self.stalls),
            truncations: get(&self.truncations),
            corruptions: get(&self.corruptions),
        }
    }

    fn bump(counter: &AtomicU64, by: u64) {
        counter.fetch_add(by, Ordering::Relaxed);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

impl Direction {
    /// Either direction, from the parity of a random offset.
    fn of(offset: u64) -> Self {
        if offset.is_multiple_of(2) {
            Self::Up
        } else {
            Self::Down
        }
    }
}

/// One connection's faults, as byte offsets.
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    /// Combined bytes after which the connection is closed.
    cut_at: Option<u64>,
    stall_at: Option<(Direction, u64)>,
    truncate_up_at: Option<u64>,
    corrupt_at: Option<(Direction, u64)>,
    stall: Duration,
}

impl Plan {
    fn draw(faults: &Faults, rng: &mut fastrand::Rng) -> Self {
        let horizon = faults.horizon.max(1);
        let mut chance = |p: f64| p > 0.0 && rng.f64() < p;
        let dropped = chance(faults.drop_chance);
        let stalled = chance(faults.stall_chance);
        let truncated = chance(faults.truncate_chance);
        let corrupted = chance(faults.corrupt_chance);
        let mut offset = || rng.u64(0..horizon);
        let random_cut = dropped.then(&mut offset);
        let cut_at = match (random_cut, faults.cut_every) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let stall_at = stalled.then(|| {
            let at = offset();
            (Direction::of(at), at)
        });
        let truncate_up_at = truncated.then(&mut offset);
        let corrupt_at = corrupted.then(|| {
            let at = offset();
            (Direction::of(at), at)
        });
        Self {
            cut_at,
            stall_at,
            truncate_up_at,
            corrupt_at,
            stall: faults.stall,
        }
    }
}

/// The state two directions of one connection share.
#[derive(Debug, Default)]
struct Link {
    combined: AtomicU64,
    closed: AtomicBool,
    wake: Notify,
}

impl Link {
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.wake.notify_waiters();
    }
}

/// A running proxy on its own thread. Dropping it stops the proxy and
/// closes every connection it holds.
pub struct FaultProxy {
    addr: SocketAddr,
    counters: Arc<Counters>,
    faults: Arc<Mutex<Faults>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream`.
    pub fn spawn(upstream: SocketAddr, faults: Faults) -> Result<Self, ProxyError> {
        Self::spawn_on(SocketAddr::from(([127, 0, 0, 1], 0)), upstream, faults)
    }

    /// Listens on `listen` and forwards to `upstream`.
    pub fn spawn_on(
        listen: SocketAddr,
        upstream: SocketAddr,
        faults: Faults,
    ) -> Result<Self, ProxyError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ProxyError::Runtime)?;
        let std_listener =
            std::net::TcpListener::bind(listen).map_err(|source| ProxyError::Listen {
                addr: listen,
                source,
            })?;
        let addr = std_listener
            .local_addr()
            .map_err(|source| ProxyError::Listen {
                addr: listen,
                source,
            })?;
        std_listener
            .set_nonblocking(true)
            .map_err(ProxyError::Runtime)?;
        let counters = Arc::new(Counters::default());
        let faults = Arc::new(Mutex::new(faults));
        let (stop, stopped) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = {
            let counters = Arc::clone(&counters);
            let faults = Arc::clone(&faults);
            std::thread::Builder::new()
                .name("faultproxy".into())
                .spawn(move || {
                    runtime.block_on(async move {
                        let Ok(listener) = TcpListener::from_std(std_listener) else {
                            return;
                        };
                        let _ = ready_tx.send(());
                        tokio::select! {
                            () = serve(listener, upstream, faults, counters) => {}
                            _ = stopped => {}
                        }
                    });
                })
                .map_err(ProxyError::Runtime)?
        };
        ready_rx.recv().map_err(|_| ProxyError::NotStarted)?;
        Ok(Self {
            addr,
            counters,
            faults,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// Changes the faults for connections opened from now on.
    pub fn set_faults(&self, faults: Faults) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) = faults;
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections on `listener` forever, forwarding each to `upstream`
/// with its own fault plan. For callers that run their own runtime.
pub async fn run(listener: TcpListener, upstream: SocketAddr, faults: Faults) -> Stats {
    let counters = Arc::new(Counters::default());
    serve(
        listener,
        upstream,
        Arc::new(Mutex::new(faults)),
        Arc::clone(&counters),
    )
    .await;
    counters.snapshot()
}

async fn serve(
    listener: TcpListener,
    upstream: SocketAddr,
    faults: Arc<Mutex<Faults>>,
    counters: Arc<Counters>,
) {
    let mut index: u64 = 0;
    loop {
        let client = match listener.accept().await {
            Ok((client, _)) => client,
            Err(err) => {
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let current = faults.lock().unwrap_or_else(|p| p.into_inner()).clone();
        // Each connection's plan depends only on the seed and its index.
        let mut rng =
            fastrand::Rng::with_seed(current.seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        index += 1;
        let plan = Plan::draw(&current, &mut rng);
        Counters::bump(&counters.connections, 1);
        tokio::spawn(relay(
            client,
            upstream,
            plan,
            Arc::clone(&counters),
            rng.u8(1..),
        ));
    }
}

async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    plan: Plan,
    counters: Arc<Counters>,
    flip: u8,
) {
    let server = match TcpStream::connect(upstream).await {
        Ok(server) => server,
        Err(err) => {
            tracing::warn!("could not reach {upstream}: {err}");
            return;
        }
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_r, client_w) = client.into_split();
    let (server_r, server_w) = server.into_split();
    let link = Arc::new(Link::default());
    let pump = |dir, from, to| Pump {
        dir,
        plan,
        link: Arc::clone(&link),
        counters: Arc::clone(&counters),
        flip,
        from,
        to,
    };
    let up = pump(Direction::Up, client_r, server_w);
    let down = pump(Direction::Down, server_r, client_w);
    tokio::join!(up.run(), down.run());
}

struct Pump {
    dir: Direction,
    plan: Plan,
    link: Arc<Link>,
    counters: Arc<Counters>,
    flip: u8,
    from: OwnedReadHalf,
    to: OwnedWriteHalf,
}

impl Pump {
    async fn run(mut self) {
        let mut buf = vec![0u8; 16 * 1024];
        let mut sent: u64 = 0;
        let link = Arc::clone(&self.link);
        let end = loop {
            // Registered before the check, so a close in between still wakes us.
            let woken = link.wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            if link.closed.load(Ordering::SeqCst) {
                break End::Cut;
            }
            let n = tokio::select! {
                read = self.from.read(&mut buf) => match read {
                    Ok(0) => break End::Finished,
                    Ok(n) => n,
                    Err(_) => break End::Cut,
                },
                () = &mut woken => break End::Cut,
            };
            match self.forward(&mut buf[..n], sent).await {
                Flow::Go(m) => sent += m,
                Flow::Stop(end) => break end,
            }
        };
        // A finished or truncated direction passes its end on and lets the
        // other direction carry on (the server still answers); a cut ends
        // both at once.
        let _ = self.to.shutdown().await;
        if end == End::Cut {
            link.close();
        }
    }

    fn truncated(&self, sent: u64) -> bool {
        self.plan.truncate_up_at.is_some_and(|at| sent >= at)
    }

    async fn forward(&mut self, chunk: &mut [u8], sent: u64) -> Flow {
        let len = chunk.len() as u64;
        let mut allowed = len;
        if self.dir == Direction::Up
            && let Some(at) = self.plan.truncate_up_at
        {
            allowed = allowed.min(at.saturating_sub(sent));
        }
        let before = self.link.combined.fetch_add(len, Ordering::SeqCst);
        if let Some(cut) = self.plan.cut_at {
            allowed = allowed.min(cut.saturating_sub(before));
        }
        if let Some((dir, at)) = self.plan.stall_at
            && dir == self.dir
            && (sent..sent + allowed).contains(&at)
        {
            Counters::bump(&self.counters.stalls, 1);
            tokio::time::sleep(self.plan.stall).await;
        }
        if let Some((dir, at)) = self.plan.corrupt_at
            && dir == self.dir
            && (sent..sent + allowed).contains(&at)
            && let Some(byte) = usize::try_from(at - sent)
                .ok()
                .and_then(|i| chunk.get_mut(i))
        {
            *byte ^= self.flip;
            Counters::bump(&self.counters.corruptions, 1);
        }
        let part = usize::try_from(allowed)
            .unwrap_or(chunk.len())
            .min(chunk.len());
        if part > 0 && self.to.write_all(&chunk[..part]).await.is_err() {
            return Flow::Stop(End::Cut);
        }
        let counter = match self.dir {
            Direction::Up => &self.counters.bytes_up,
            Direction::Down => &self.counters.bytes_down,
        };
        Counters::bump(counter, part as u64);
        if allowed < len {
            if self.dir == Direction::Up && self.truncated(sent + allowed) {
                Counters::bump(&self.counters.truncations, 1);
                return Flow::Stop(End::Finished);
            }
            Counters::bump(&self.counters.cuts, 1);
            return Flow::Stop(End::Cut);
        }
        Flow::Go(allowed)
    }
}

enum Flow {
    Go(u64),
    Stop(End),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Finished,
    Cut,
}
