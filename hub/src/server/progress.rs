//! Wrappers that tell a connection's [`Connection`] state what its client
//! does: bytes read, writes that do not go through, a request body that
//! stalls, a request answered.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::connections::Connection;

/// The connection's byte stream (TCP, or TLS over it).
pub(super) struct WatchedIo<T> {
    inner: T,
    connection: Arc<Connection>,
}

impl<T> WatchedIo<T> {
    pub(super) fn new(inner: T, connection: Arc<Connection>) -> Self {
        WatchedIo { inner, connection }
    }

    fn wrote<R>(&self, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        match poll {
            Poll::Pending => self.connection.write_pending(),
            Poll::Ready(_) => self.connection.write_progressed(),
        }
        poll
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WatchedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.connection.bytes_read();
        }
        poll
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WatchedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.wrote(poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.wrote(poll)
    }
}

/// A request body: waiting for its next piece is waiting on the client.
pub(super) struct WatchedBody<B> {
    inner: B,
    connection: Arc<Connection>,
}

impl<B> WatchedBody<B> {
    pub(super) fn new(inner: B, connection: Arc<Connection>) -> Self {
        WatchedBody { inner, connection }
    }
}

impl<B: http_body::Body + Unpin> http_body::Body for WatchedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let poll = Pin::new(&mut self.inner).poll_frame(cx);
        match poll {
            Poll::Pending => self.connection.body_pending(),
            Poll::Ready(_) => self.connection.body_progressed(),
        }
        poll
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B> Drop for WatchedBody<B> {
    fn drop(&mut self) {
        // A handler that stops reading (a 401 or 413 before the body) does
        // not leave the connection waiting on the client.
        self.connection.body_progressed();
    }
}

/// Marks a request as being answered until its answer is sent or dropped.
pub(super) struct InFlight(Arc<Connection>);

impl InFlight {
    pub(super) fn start(connection: Arc<Connection>) -> InFlight {
        connection.request_started();
        InFlight(connection)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// An answer's body, carrying its request's [`InFlight`] until it is sent.
pub(super) struct AnswerBody {
    inner: Body,
    _in_flight: InFlight,
}

impl AnswerBody {
    pub(super) fn new(inner: Body, in_flight: InFlight) -> Self {
        AnswerBody {
            inner,
            _in_flight: in_flight,
        }
    }
}

impl http_body::Body for AnswerBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
