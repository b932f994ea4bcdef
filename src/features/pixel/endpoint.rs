//! `GET`/`HEAD /p/<token>.gif`: always the 43-byte transparent GIF with
//! no-store headers; a GET for a well-formed token is queued for recording
//! (never waiting on the database).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use chrono::Utc;
use uuid::Uuid;

use super::recorder::{Hit, Producer, Recorder};

/// The smallest transparent GIF.
pub const GIF: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x01, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x4c, 0x01, 0x00, 0x3b,
];

/// Path prefix of pixel URLs.
pub const PREFIX: &str = "/p/";

#[derive(Clone)]
struct Endpoint {
    recorder: Recorder,
    /// Keeps the flusher alive until the server has dropped this router.
    _producer: Arc<Producer>,
}

/// The route, feeding `recorder`.
pub fn router(recorder: Recorder) -> Router {
    let state = Endpoint {
        _producer: recorder.producer(),
        recorder,
    };
    Router::new()
        .route("/p/{*file}", axum::routing::get(pixel))
        .with_state(state)
}

/// The URL of the pixel with `token` under `public_url`.
pub fn pixel_url(public_url: &str, token: Uuid) -> String {
    format!(
        "{}{PREFIX}{}.gif",
        public_url.trim_end_matches('/'),
        token.simple()
    )
}

/// The token of a path segment like `<32 hex digits>.gif`.
pub fn parse_token(file: &str) -> Option<Uuid> {
    let hex = file.strip_suffix(".gif")?;
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Uuid::try_parse(hex).ok()
}

async fn pixel(State(state): State<Endpoint>, request: Request) -> Response {
    if request.method() == Method::GET {
        let file = request.uri().path().strip_prefix(PREFIX).unwrap_or("");
        if let Some(token) = parse_token(file) {
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            let headers = request.headers();
            let user_agent = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            // Behind a local reverse proxy the peer is the proxy: take the
            // address it forwards. A direct client cannot spoof its address.
            let ip = match peer {
                Some(peer) if !peer.is_loopback() => Some(peer),
                _ => forwarded_ip(headers).or(peer),
            };
            state.recorder.record(Hit {
                token,
                at: Utc::now(),
                ip,
                user_agent,
            });
        }
    }
    gif_response()
}

/// The client address a reverse proxy reports (first `X-Forwarded-For`
/// entry, else `X-Real-IP`).
fn forwarded_ip(headers: &HeaderMap) -> Option<IpAddr> {
    let first = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next());
    first
        .or_else(|| headers.get("x-real-ip").and_then(|v| v.to_str().ok()))
        .and_then(|v| v.trim().parse().ok())
}

fn gif_response() -> Response {
    let mut response = Response::new(Body::from(&GIF[..]));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("43"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache, must-revalidate, private"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("0"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gif_is_the_reference_bytes() {
        let hex: String = GIF.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "47494638396101000100800100000000ffffff21f90401000001002c00000000010001000002024c01003b"
        );
    }

    #[test]
    fn tokens_parse_only_in_canonical_form() {
        let token = Uuid::new_v4();
        let url = pixel_url("https://t.example.com/", token);
        assert_eq!(
            url,
            format!("https://t.example.com/p/{}.gif", token.simple())
        );
        assert_eq!(parse_token(&format!("{}.gif", token.simple())), Some(token));
        assert_eq!(parse_token(&token.simple().to_string()), None);
        assert_eq!(parse_token(&format!("{}.gif", token.hyphenated())), None);
        assert_eq!(parse_token("zz.gif"), None);
        assert_eq!(parse_token(&format!("{}x.gif", token.simple())), None);
    }

    #[test]
    fn forwarded_addresses() {
        let mut headers = HeaderMap::new();
        assert_eq!(forwarded_ip(&headers), None);
        headers.insert("x-real-ip", HeaderValue::from_static("198.51.100.2"));
        assert_eq!(forwarded_ip(&headers), "198.51.100.2".parse().ok());
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.5, 10.0.0.1"),
        );
        assert_eq!(forwarded_ip(&headers), "203.0.113.5".parse().ok());
    }
}
