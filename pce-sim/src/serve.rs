//! Serving connections on hyper (HTTP/1.1, tokio): strict parsing, per-route body rules,
//! timeouts, the eviction of idle connections when file descriptors run short (`conns`
//! keeps the books), and the delivery of each answer, faults included.
//!
//! Raw socket access is used for the faults only, because hyper cannot break a response on
//! purpose: `reset` and `reset_mid_body` set SO_LINGER 0 on the connection's socket (through a
//! shared handle to it) before hyper drops the connection, so that the kernel sends a TCP RST
//! instead of a FIN. Everything else, faults included, goes through hyper: a trickle is a body
//! that waits between chunks, a lying Content-Length is a header hyper keeps while the body
//! stops short. The handlers are synchronous and run on tokio's blocking pool; an idle
//! connection costs a socket, a small task and hyper's buffer, no thread.

use std::future::Future;
use std::io::{self, Read};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::conns::{fd_limit, ConnState, Connections, Io};
use crate::http::{Delivery, Request, Response, Streamed};
use crate::routes::Outcome;
use crate::state::App;

/// The longest a connection with a request in flight may go without a byte read or written
/// (a client that stops reading a response).
pub const STALL_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest a `hang` fault holds a connection.
pub const HANG_LIMIT: Duration = Duration::from_secs(600);
/// Largest request head (request line and headers); hyper answers 431 past it.
pub const MAX_HEAD: usize = 64 * 1024;
/// Most header lines in a request; hyper answers 431 past it.
pub const MAX_HEADERS: usize = 100;
/// The longest a control request's body may take to arrive.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// File descriptors kept free of connections (the listener, files served, the upstream).
const FD_RESERVE: usize = 64;
/// The most connections open at once, whatever the descriptor limit: with `MAX_HEAD`, it
/// bounds what unfinished request heads can hold (4096 × 64 KiB = 256 MiB).
pub const MAX_CONNECTIONS: usize = 4096;
/// Bytes per chunk of a streamed (proxied) body, and chunks buffered ahead.
const STREAM_CHUNK: usize = 64 * 1024;
const STREAM_AHEAD: usize = 4;

/// Accepts connections until the process ends.
pub async fn run(app: Arc<App>, listener: TcpListener) {
    let conns = Arc::new(Connections::new(
        fd_limit()
            .saturating_sub(FD_RESERVE)
            .clamp(16, MAX_CONNECTIONS),
    ));
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                while conns.count() >= conns.limit && conns.evict_one() {}
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(app.clone(), conns.clone(), stream, peer));
            }
            // EMFILE, ENFILE: out of descriptors.
            Err(e) if matches!(e.raw_os_error(), Some(23 | 24)) => {
                // Free one, then take the waiting connection.
                if !conns.evict_one() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                tokio::task::yield_now().await;
            }
            Err(e) => {
                eprintln!("pce-sim: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// The socket shared by hyper (through `Io`) and the fault code (which may set SO_LINGER).
type Socket = Arc<TcpStream>;

/// Sets SO_LINGER 0, so that closing the socket sends a TCP RST.
fn linger_zero(socket: &TcpStream) {
    // If it fails the close is merely clean; nothing else to do.
    let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
}

async fn connection(app: Arc<App>, conns: Arc<Connections>, stream: TcpStream, peer: SocketAddr) {
    let (id, state) = conns.add();
    let header_timeout = Duration::from_millis(app.cfg.header_timeout_ms);
    let socket: Socket = Arc::new(stream);
    let io = Io {
        socket: socket.clone(),
        state: state.clone(),
        conns: conns.clone(),
    };
    let service = {
        let (state, socket, conns) = (state.clone(), socket.clone(), conns.clone());
        service_fn(move |req| {
            let busy = Busy::start(state.clone(), conns.clone());
            respond(app.clone(), req, peer, socket.clone(), busy)
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        .title_case_headers(true)
        // A client may shut its side down once its request is sent (`nc -N`, node's end()):
        // it is still answered.
        .half_close(true)
        .keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    let mut conn = std::pin::pin!(conn);
    let mut evicted = std::pin::pin!(state.evict.notified());
    let mut watchdog = std::pin::pin!(tokio::time::sleep(STALL_TIMEOUT));
    std::future::poll_fn(|cx| {
        if conn.as_mut().poll(cx).is_ready() || evicted.as_mut().poll(cx).is_ready() {
            return Poll::Ready(());
        }
        while watchdog.as_mut().poll(cx).is_ready() {
            let quiet = conns
                .now_ms()
                .saturating_sub(state.last_active.load(Ordering::Relaxed));
            let stalled = state.busy.load(Ordering::SeqCst)
                && !state.hanging.load(Ordering::SeqCst)
                && quiet >= STALL_TIMEOUT.as_millis() as u64;
            if stalled {
                return Poll::Ready(());
            }
            let next = STALL_TIMEOUT.saturating_sub(Duration::from_millis(quiet));
            let next = tokio::time::Instant::now() + next.max(Duration::from_secs(1));
            watchdog.as_mut().reset(next);
        }
        Poll::Pending
    })
    .await;
    conns.remove(id);
}

/// Marks a connection busy from a request's head until its response is done (dropped).
struct Busy {
    state: Arc<ConnState>,
    conns: Arc<Connections>,
}

impl Busy {
    fn start(state: Arc<ConnState>, conns: Arc<Connections>) -> Busy {
        state.busy.store(true, Ordering::SeqCst);
        Busy { state, conns }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.state.busy.store(false, Ordering::SeqCst);
        self.state
            .last_active
            .store(self.conns.now_ms(), Ordering::Relaxed);
    }
}

/// Why a connection is dropped without an answer (hyper closes it).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

/// Whether a route reads a request body: only the control endpoints do (for loopback peers).
fn takes_body(app: &App, path: &str, peer: SocketAddr) -> bool {
    app.cfg.control && peer.ip().is_loopback() && (path == "/_sim" || path.starts_with("/_sim/"))
}

/// A refusal, and the connection closed after it (the request's body, if any, never read).
fn refuse(status: u16, text: &str, head_only: bool, busy: Busy) -> hyper::Response<SimBody> {
    let resp = crate::static_files::harden(Response::text(status, text));
    finish(resp, Delivery::Normal, true, head_only, None, busy)
}

async fn respond(
    app: Arc<App>,
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    socket: Socket,
    busy: Busy,
) -> Result<hyper::Response<SimBody>, Dropped> {
    let (parts, body) = req.into_parts();
    let head_only = parts.method == http::Method::HEAD;
    let path = parts.uri.path().to_string();
    let declared: Option<u64> = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let chunked = parts.headers.contains_key(TRANSFER_ENCODING);
    let has_body = chunked || declared.is_some_and(|n| n > 0);
    let mut request = Request {
        method: parts.method.as_str().to_string(),
        path,
        query: parts.uri.query().unwrap_or("").to_string(),
        http10: parts.version == http::Version::HTTP_10,
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes());
                (n.as_str().to_string(), value.trim().to_string())
            })
            .collect(),
        body: Vec::new(),
        peer,
    };
    let mut close = request.wants_close();
    // Two Host headers could name two servers to two readers of the same request.
    if parts.headers.get_all(HOST).iter().count() > 1 {
        return Ok(refuse(
            400,
            "Bad request: more than one Host header",
            head_only,
            busy,
        ));
    }
    // A Transfer-Encoding (with or without Content-Length) is what request smuggling rides on:
    // no route takes one, so the request is refused and the connection closed.
    if chunked {
        return Ok(refuse(
            400,
            "Bad request: Transfer-Encoding is not accepted",
            head_only,
            busy,
        ));
    }
    if has_body {
        if takes_body(&app, &request.path, peer) {
            if let Some(refused) = app.control_refusal(&request) {
                return Ok(finish(
                    refused,
                    Delivery::Normal,
                    true,
                    head_only,
                    None,
                    busy,
                ));
            }
            let limit = crate::control::MAX_BODY;
            if declared.is_some_and(|n| n > limit as u64) {
                return Ok(refuse(413, "Request body too large", head_only, busy));
            }
            match tokio::time::timeout(BODY_TIMEOUT, read_body(body, limit)).await {
                Ok(Ok(bytes)) => request.body = bytes,
                _ => {
                    return Ok(refuse(
                        400,
                        "Bad request: the body did not arrive",
                        head_only,
                        busy,
                    ));
                }
            }
        } else if request.method == "GET" {
            return Ok(refuse(
                400,
                "Bad request: this route takes no request body",
                head_only,
                busy,
            ));
        } else {
            // Answered as the route answers the method (405 and the like) without reading the
            // body, then closed; should the route accept it, it is refused below instead.
            close = true;
        }
    }
    let handled = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || app.handle(&request)).await
    };
    let outcome = handled.map_err(|_| Dropped)?;
    if has_body && !takes_body(&app, parts.uri.path(), peer) {
        let accepted = match &outcome {
            Outcome::Respond(resp, _) => resp.status < 400,
            _ => true,
        };
        if accepted {
            return Ok(refuse(
                400,
                "Bad request: this route takes no request body",
                head_only,
                busy,
            ));
        }
    }
    match outcome {
        Outcome::Respond(resp, delivery) => {
            Ok(finish(resp, delivery, close, head_only, Some(socket), busy))
        }
        Outcome::Hang => {
            busy.state.hanging.store(true, Ordering::SeqCst);
            hold(&socket, HANG_LIMIT).await;
            drop(busy);
            Err(Dropped)
        }
        Outcome::Reset => {
            linger_zero(&socket);
            drop(busy);
            Err(Dropped)
        }
    }
}

/// Holds a connection without answering until the client closes it or `limit` passes,
/// reading (and dropping) whatever it sends meanwhile. hyper does not read while it waits
/// for an answer (half-close is allowed), so this is the only reader then.
async fn hold(socket: &TcpStream, limit: Duration) {
    let mut deadline = std::pin::pin!(tokio::time::sleep(limit));
    let mut buf = [0u8; 4096];
    std::future::poll_fn(|cx| {
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(());
        }
        loop {
            match socket.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(_)) => return Poll::Ready(()),
                Poll::Ready(Ok(())) => match socket.try_read(&mut buf) {
                    Ok(0) => return Poll::Ready(()),
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(_) => return Poll::Ready(()),
                },
            }
        }
    })
    .await
}

/// Reads a request body of at most `limit` bytes.
async fn read_body(mut body: Incoming, limit: usize) -> Result<Vec<u8>, ()> {
    let mut out = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return Ok(out),
            Some(Err(_)) => return Err(()),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > limit {
                        return Err(());
                    }
                    out.extend_from_slice(&data);
                }
            }
        }
    }
}

/// The hyper response of a simulator response delivered in a given way.
fn finish(
    resp: Response,
    delivery: Delivery,
    close: bool,
    head_only: bool,
    socket: Option<Socket>,
    busy: Busy,
) -> hyper::Response<SimBody> {
    let Response {
        status,
        headers,
        body,
        stream,
    } = resp;
    let mut out = hyper::Response::new(SimBody::empty(busy));
    *out.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            out.headers_mut().append(n, v);
        }
    }
    if close {
        out.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
    let kind = match (stream, delivery) {
        _ if bodiless => Kind::Full(None),
        (Some(stream), _) if !head_only => Kind::Stream(pump(stream)),
        (_, Delivery::Normal) => Kind::Full(Some(Bytes::from(body))),
        (_, Delivery::Truncate(keep)) => {
            let mut body = body;
            body.truncate(keep);
            Kind::Full(Some(Bytes::from(body)))
        }
        (_, Delivery::Slow { chunk, delay_ms }) => {
            set_length(&mut out, body.len());
            Kind::Slow {
                rest: Bytes::from(body),
                chunk: chunk.max(1),
                delay: Duration::from_millis(delay_ms),
                sleep: None,
            }
        }
        (_, Delivery::ResetMidBody) => {
            set_length(&mut out, body.len());
            let half = body.len() / 2;
            let mut body = body;
            body.truncate(half);
            Kind::ResetHalf {
                half: Some(Bytes::from(body)),
                sleep: None,
                socket,
            }
        }
    };
    out.body_mut().kind = kind;
    out
}

fn set_length(resp: &mut hyper::Response<SimBody>, len: usize) {
    resp.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(len));
}

/// Reads a streamed body on the blocking pool, a few chunks ahead of the client at most.
fn pump(stream: Streamed) -> mpsc::Receiver<io::Result<Bytes>> {
    let (tx, rx) = mpsc::channel(STREAM_AHEAD);
    tokio::task::spawn_blocking(move || {
        let Some(mut reader) = stream.take() else {
            return;
        };
        loop {
            let mut buf = vec![0u8; STREAM_CHUNK];
            match reader.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    eprintln!("pce-sim: reading the upstream body failed: {e}");
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    rx
}

/// A response body: whole, trickled, cut by a reset, or streamed from the upstream.
pub struct SimBody {
    kind: Kind,
    _busy: Busy,
}

enum Kind {
    Full(Option<Bytes>),
    Slow {
        rest: Bytes,
        chunk: usize,
        delay: Duration,
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    },
    ResetHalf {
        half: Option<Bytes>,
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
        socket: Option<Socket>,
    },
    Stream(mpsc::Receiver<io::Result<Bytes>>),
}

impl SimBody {
    fn empty(busy: Busy) -> SimBody {
        SimBody {
            kind: Kind::Full(None),
            _busy: busy,
        }
    }
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        match &mut this.kind {
            Kind::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            Kind::Slow {
                rest,
                chunk,
                delay,
                sleep,
            } => {
                if rest.is_empty() {
                    return Poll::Ready(None);
                }
                if let Some(s) = sleep.as_mut() {
                    ready!(s.as_mut().poll(cx));
                }
                let piece = rest.split_to((*chunk).min(rest.len()));
                *sleep = Some(Box::pin(tokio::time::sleep(*delay)));
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
            Kind::ResetHalf {
                half,
                sleep,
                socket,
            } => {
                if let Some(data) = half.take() {
                    // A pause lets hyper flush the half before the reset.
                    *sleep = Some(Box::pin(tokio::time::sleep(Duration::from_millis(20))));
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                if let Some(s) = sleep.as_mut() {
                    ready!(s.as_mut().poll(cx));
                }
                if let Some(socket) = socket.take() {
                    linger_zero(&socket);
                }
                Poll::Ready(Some(Err(io::Error::other("reset_mid_body"))))
            }
            Kind::Stream(rx) => match ready!(rx.poll_recv(cx)) {
                Some(Ok(data)) => Poll::Ready(Some(Ok(Frame::data(data)))),
                Some(Err(e)) => Poll::Ready(Some(Err(e))),
                None => Poll::Ready(None),
            },
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(data) => SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64)),
            _ => SizeHint::default(),
        }
    }
}
