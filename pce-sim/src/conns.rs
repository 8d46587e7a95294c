//! The open connections: when each was last active and whether a request is in flight, so
//! that the longest idle can be closed when file descriptors run short; and the socket as
//! hyper reads and writes it, noting each byte as activity.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll};
use std::time::Instant;

use tokio::net::TcpStream;
use tokio::sync::Notify;

/// What the server knows of one open connection.
pub struct ConnState {
    /// Milliseconds since the server started, at the last byte read or written.
    pub last_active: AtomicU64,
    /// Whether a request is being answered (from its head until its response ends).
    pub busy: AtomicBool,
    /// Whether a `hang` fault holds it (it has its own limit).
    pub hanging: AtomicBool,
    /// Told when the connection must close to free its descriptor.
    pub evict: Notify,
}

/// Every open connection, so that the longest idle can be closed when descriptors run short.
pub struct Connections {
    start: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<ConnState>>>,
    /// The most connections kept open at once (from RLIMIT_NOFILE).
    pub limit: usize,
}

impl Connections {
    /// No connections yet, at most `limit` at once.
    pub fn new(limit: usize) -> Connections {
        Connections {
            start: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            limit,
        }
    }

    /// Milliseconds since the server started.
    pub fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn open(&self) -> MutexGuard<'_, HashMap<u64, Arc<ConnState>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection: its id and state.
    pub fn add(&self) -> (u64, Arc<ConnState>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState {
            last_active: AtomicU64::new(self.now_ms()),
            busy: AtomicBool::new(false),
            hanging: AtomicBool::new(false),
            evict: Notify::new(),
        });
        self.open().insert(id, state.clone());
        (id, state)
    }

    /// Forgets a closed connection.
    pub fn remove(&self, id: u64) {
        self.open().remove(&id);
    }

    /// How many connections are open.
    pub fn count(&self) -> usize {
        self.open().len()
    }

    /// Closes the connection that has been idle longest without a request in flight, if any.
    pub fn evict_one(&self) -> bool {
        let mut open = self.open();
        let victim = open
            .iter()
            .filter(|(_, s)| !s.busy.load(Ordering::SeqCst))
            .min_by_key(|(_, s)| s.last_active.load(Ordering::Relaxed))
            .map(|(id, _)| *id);
        match victim.and_then(|id| open.remove(&id)) {
            Some(state) => {
                state.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// The soft limit on open file descriptors, or 1024 when it cannot be read.
pub fn fd_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse().ok()
        })
        .unwrap_or(1024)
}

/// The connection's socket for hyper, noting each byte read or written as activity.
pub struct Io {
    /// The socket, shared with the fault code.
    pub socket: Arc<TcpStream>,
    /// Its connection's state.
    pub state: Arc<ConnState>,
    /// Every connection (for the clock).
    pub conns: Arc<Connections>,
}

impl Io {
    fn active(&self) {
        self.state
            .last_active
            .store(self.conns.now_ms(), Ordering::Relaxed);
    }

    /// One write, plain or vectored, once the socket is ready; it counts as activity.
    fn write_with(
        &self,
        cx: &mut Context<'_>,
        write: impl Fn(&TcpStream) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.socket.poll_write_ready(cx))?;
            match write(&self.socket) {
                Ok(n) => {
                    self.active();
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl tokio::io::AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            ready!(self.socket.poll_read_ready(cx))?;
            match self.socket.try_read(buf.initialize_unfilled()) {
                Ok(n) => {
                    if n > 0 {
                        self.active();
                    }
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl tokio::io::AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.write_with(cx, |socket| socket.try_write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.write_with(cx, |socket| socket.try_write_vectored(bufs))
    }

    /// Vectored: hyper then writes a head and a large body in one call, without copying.
    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A failed shutdown leaves the close to the drop that follows.
        let _ = socket2::SockRef::from(&*self.socket).shutdown(std::net::Shutdown::Write);
        Poll::Ready(Ok(()))
    }
}
