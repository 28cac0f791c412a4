//! A body whose announced length is over its route's limit is refused with
//! 413 before any of it is read. (A body that grows past the limit while it
//! is read, without announcing its length, is cut off by axum's
//! `DefaultBodyLimit`, which `ApiJson` answers with 413 too.) A body sent
//! with `Content-Encoding: zstd` is decoded as it is read, and the limit
//! holds for its decoded size ([`decode_request_body`]).

use std::io;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use async_compression::tokio::bufread::ZstdDecoder;
use async_compression::zstd::DParameter;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use http_body_util::{BodyDataStream, LengthLimitError, Limited};
use tokio_util::io::{ReaderStream, StreamReader};

use super::error::ApiError;

pub async fn refuse_announced_oversize(
    State(limit): State<usize>,
    req: Request,
    next: Next,
) -> Response {
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return ApiError::too_large("request body too large").into_response();
    }
    next.run(req).await
}

/// The largest zstd window a request may use, as a power of two: 8 MiB, what
/// zstd's levels up to 19 use. The decoder allocates its window up front, so
/// a frame cannot make the hub reserve the 128 MiB zstd would allow.
const MAX_WINDOW_LOG: u32 = 23;

/// Bytes handed to the handler per chunk of a decoded body.
const DECODED_CHUNK: usize = 64 * 1024;

/// What went wrong with an encoded body while the handler read it, so the
/// answer can say so instead of axum's generic "malformed request".
#[derive(Default)]
struct Trouble(AtomicU8);

const FINE: u8 = 0;
const OVERSIZE: u8 = 1;
const GARBLED: u8 = 2;
const UNSUPPORTED: u8 = 3;

impl Trouble {
    /// Keeps the first trouble: a decoder error caused by a cut-off input is
    /// the cut's fault.
    fn note(&self, what: u8) {
        let _ = self
            .0
            .compare_exchange(FINE, what, Ordering::Relaxed, Ordering::Relaxed);
    }
}

/// Decodes a request body sent with `Content-Encoding: zstd` while the
/// handler reads it, so the route's `DefaultBodyLimit` counts decoded bytes
/// and stops reading (and decoding) at the limit: a small body that expands
/// past it gets 413 without the hub holding more than the limit. The bytes
/// on the wire are held to the same limit, since zstd frames can expand to
/// nothing (skippable frames). Nothing is read here: a caller without a
/// valid token still gets 401 with its body unread.
///
/// A body that is not valid zstd answers 400 `invalid_request` saying so;
/// any other coding answers 400 naming the one the hub takes, with
/// `Accept-Encoding: zstd` (RFC 7694).
pub async fn decode_request_body(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let coding = req
        .headers()
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("").trim().to_ascii_lowercase());
    let coding = match coding.as_deref() {
        None | Some("identity") => return next.run(req).await,
        Some("zstd") => Coding::Zstd,
        Some(_) => Coding::Unsupported,
    };
    let trouble = Arc::new(Trouble::default());
    let (mut parts, body) = req.into_parts();
    // The handler sees the decoded body: its length is no longer announced.
    parts.headers.remove(CONTENT_ENCODING);
    parts.headers.remove(CONTENT_LENGTH);
    let body = match coding {
        Coding::Zstd => zstd_decoded(body, limit, Arc::clone(&trouble)),
        Coding::Unsupported => {
            let trouble = Arc::clone(&trouble);
            // Refused only when read, so the token is still checked first.
            Body::from_stream(futures_util::stream::once(async move {
                trouble.note(UNSUPPORTED);
                Err::<Bytes, _>(io::Error::other("unsupported content coding"))
            }))
        }
    };
    let res = next.run(Request::from_parts(parts, body)).await;
    let refused = matches!(
        res.status(),
        StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE
    );
    match trouble.0.load(Ordering::Relaxed) {
        OVERSIZE if refused => ApiError::too_large("request body too large").into_response(),
        GARBLED if refused => {
            ApiError::invalid("the request body is not valid zstd (Content-Encoding: zstd)")
                .into_response()
        }
        UNSUPPORTED if refused => {
            let mut res = ApiError::invalid(
                "unsupported Content-Encoding: the hub takes zstd, or an unencoded body",
            )
            .into_response();
            res.headers_mut()
                .insert(ACCEPT_ENCODING, HeaderValue::from_static("zstd"));
            res
        }
        _ => res,
    }
}

enum Coding {
    Zstd,
    Unsupported,
}

/// `body` decoded from zstd as it is read, at most `limit` bytes of it read
/// off the wire; what goes wrong is noted in `trouble`.
fn zstd_decoded(body: Body, limit: usize, trouble: Arc<Trouble>) -> Body {
    let on_wire = Arc::clone(&trouble);
    let wire = BodyDataStream::new(Limited::new(body, limit)).map_err(move |e| {
        if e.downcast_ref::<LengthLimitError>().is_some() {
            on_wire.note(OVERSIZE);
        }
        io::Error::other(e)
    });
    let mut decoder = ZstdDecoder::with_params(
        StreamReader::new(wire),
        &[DParameter::window_log_max(MAX_WINDOW_LOG)],
    );
    // A zstd body may hold several frames (RFC 8878, section 3.1).
    decoder.multiple_members(true);
    Body::from_stream(
        ReaderStream::with_capacity(decoder, DECODED_CHUNK).map_err(move |e| {
            trouble.note(GARBLED);
            e
        }),
    )
}
