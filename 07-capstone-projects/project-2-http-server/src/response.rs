//! Builds HTTP responses: status codes, header fields, and the body to send.
//!
//! Does no socket I/O: [`Response::write_head`] renders the status line and header fields into a
//! byte buffer, and the `server` module writes that buffer and then the [`Body`].
//! Every response is sent as `HTTP/1.0`, the protocol this server implements; RFC 9110
//! section 6.2 lets a 1.0 server answer 1.1 clients, which then follow 1.0 rules
//! (<https://www.rfc-editor.org/rfc/rfc9110#section-6.2>).

use std::cell::RefCell;
use std::fs::File;
use std::time::{SystemTime, UNIX_EPOCH};

/// The value of the `Server` header field.
pub const SERVER_NAME: &str = "webserver";

/// An HTTP status code together with its reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCode(u16);

impl StatusCode {
    /// 200: the body is the whole representation.
    pub const OK: StatusCode = StatusCode(200);
    /// 206: the body is the byte range the client asked for.
    pub const PARTIAL_CONTENT: StatusCode = StatusCode(206);
    /// 301: the resource lives at `Location` (used for `/dir` → `/dir/`).
    pub const MOVED_PERMANENTLY: StatusCode = StatusCode(301);
    /// 304: the client's cached copy (per `If-Modified-Since`) is still current.
    pub const NOT_MODIFIED: StatusCode = StatusCode(304);
    /// 400: the request is malformed.
    pub const BAD_REQUEST: StatusCode = StatusCode(400);
    /// 403: the path exists but may not be served.
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    /// 404: nothing is served at this path.
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    /// 405: the method is known but not allowed here; comes with `Allow`.
    pub const METHOD_NOT_ALLOWED: StatusCode = StatusCode(405);
    /// 408: the request head did not arrive before the deadline.
    pub const REQUEST_TIMEOUT: StatusCode = StatusCode(408);
    /// 414: the request line is too long.
    pub const URI_TOO_LONG: StatusCode = StatusCode(414);
    /// 416: the requested range lies outside the file.
    pub const RANGE_NOT_SATISFIABLE: StatusCode = StatusCode(416);
    /// 431: too many or too large header fields.
    pub const REQUEST_HEADER_FIELDS_TOO_LARGE: StatusCode = StatusCode(431);
    /// 500: the server failed for a reason that is not the client's fault.
    pub const INTERNAL_SERVER_ERROR: StatusCode = StatusCode(500);
    /// 501: the method is unknown to this server; comes with `Allow`.
    pub const NOT_IMPLEMENTED: StatusCode = StatusCode(501);
    /// 503: the server is too busy to take the connection.
    pub const SERVICE_UNAVAILABLE: StatusCode = StatusCode(503);
    /// 505: the request's HTTP major version is not 1.
    pub const HTTP_VERSION_NOT_SUPPORTED: StatusCode = StatusCode(505);

    /// The numeric code.
    pub fn code(self) -> u16 {
        self.0
    }

    /// The reason phrase from RFC 9110 section 15.
    pub fn reason(self) -> &'static str {
        match self.0 {
            200 => "OK",
            206 => "Partial Content",
            301 => "Moved Permanently",
            304 => "Not Modified",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            414 => "URI Too Long",
            416 => "Range Not Satisfiable",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            503 => "Service Unavailable",
            505 => "HTTP Version Not Supported",
            _ => "Unknown",
        }
    }

    /// Whether a response with this status may carry a body (RFC 9110 section 15.4.5: never 304).
    pub fn allows_body(self) -> bool {
        self != StatusCode::NOT_MODIFIED
    }
}

/// What follows the head.
#[derive(Debug)]
pub enum Body {
    /// No body at all (`Content-Length: 0`, or a 304).
    Empty,
    /// A body already in memory: error pages, listings, the health check.
    Bytes(Vec<u8>),
    /// `len` bytes of an open file starting at `offset`, streamed by the server without loading
    /// the file into memory.
    File {
        /// The open file.
        file: File,
        /// First byte to send.
        offset: u64,
        /// Number of bytes to send.
        len: u64,
    },
}

impl Body {
    /// The number of body bytes, which is also the `Content-Length`.
    pub fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            // usize → u64 never truncates on the 32- and 64-bit targets Rust supports.
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    /// Whether the body has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A status, extra header fields, and a body.
/// `Date`, `Server`, `Content-Length` and `Connection` are added by [`write_head`](Self::write_head).
#[derive(Debug)]
pub struct Response {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

impl Response {
    /// A response with no extra header fields and an empty body.
    pub fn new(status: StatusCode) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// A plain-text response, e.g. `Response::text(StatusCode::OK, "ok\n")`.
    pub fn text(status: StatusCode, text: impl Into<String>) -> Response {
        Response::new(status)
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_body(Body::Bytes(text.into().into_bytes()))
    }

    /// The standard error page for `status`: its code and reason as plain text.
    pub fn error(status: StatusCode) -> Response {
        Response::text(status, format!("{} {}\n", status.code(), status.reason()))
    }

    /// Adds a header field. Names are `'static` because this server only sends fixed names.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// Replaces the status, keeping header fields and body.
    pub fn with_status(mut self, status: StatusCode) -> Response {
        self.status = status;
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: Body) -> Response {
        self.body = body;
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The value of the first extra header field called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Takes the body out, leaving [`Body::Empty`].
    pub fn take_body(&mut self) -> Body {
        std::mem::replace(&mut self.body, Body::Empty)
    }

    /// Appends the status line and header fields (ending with the empty line) to `out`.
    ///
    /// # Format
    ///
    /// ```text
    /// HTTP/1.0 200 OK\r\n
    /// Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n
    /// Server: webserver\r\n
    /// <extra fields in insertion order>\r\n
    /// Content-Length: 1024\r\n
    /// Connection: keep-alive | close\r\n
    /// \r\n
    /// ```
    ///
    /// `Content-Length` is the length of the body this response *would* have, even when the
    /// server then omits it (for `HEAD`), as RFC 9110 section 9.3.2 allows. A 304 carries none.
    pub fn write_head(&self, keep_alive: bool, out: &mut Vec<u8>) {
        // course:solution p2.1 Render the status line, Date, Server, the extra fields in order, Content-Length (never for 304) and Connection, each ending in CRLF, then the empty line.
        use std::fmt::Write as _;
        // Writing into a String cannot fail, so the `fmt::Result`s below are always `Ok`.
        let mut head = String::with_capacity(256);
        let _ = write!(
            head,
            "HTTP/1.0 {} {}\r\nDate: ",
            self.status.code(),
            self.status.reason()
        );
        with_http_date(|date| head.push_str(date));
        let _ = write!(head, "\r\nServer: {SERVER_NAME}\r\n");
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        if self.status.allows_body() {
            let _ = write!(head, "Content-Length: {}\r\n", self.body.len());
        }
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        out.extend_from_slice(head.as_bytes());
        // course:end
    }
}

/// Calls `use_date` with the current time formatted as an HTTP date.
///
/// The text only changes once a second, so each thread caches it: formatting a date on every
/// response showed up in profiles for small files.
fn with_http_date(use_date: impl FnOnce(&str)) {
    thread_local! {
        static CACHE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now();
    let second = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since_epoch| since_epoch.as_secs());
    CACHE.with_borrow_mut(|(cached_second, text)| {
        if *cached_second != second {
            *cached_second = second;
            *text = httpdate::fmt_http_date(now);
        }
        use_date(text);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_text(response: &Response, keep_alive: bool) -> String {
        let mut out = Vec::new();
        response.write_head(keep_alive, &mut out);
        String::from_utf8(out).expect("heads are ASCII")
    }

    #[test]
    fn response_head_has_status_line_and_required_fields() {
        let response = Response::text(StatusCode::NOT_FOUND, "missing\n");
        let head = head_text(&response, false);
        assert!(
            head.starts_with("HTTP/1.0 404 Not Found\r\nDate: "),
            "{head}"
        );
        assert!(head.contains("\r\nServer: webserver\r\n"), "{head}");
        assert!(
            head.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nContent-Length: 8\r\n"), "{head}");
        assert!(head.ends_with("\r\nConnection: close\r\n\r\n"), "{head}");
    }

    #[test]
    fn response_head_announces_keep_alive() {
        let head = head_text(&Response::new(StatusCode::OK), true);
        assert!(
            head.ends_with("Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"),
            "{head}"
        );
    }

    #[test]
    fn response_not_modified_has_no_content_length() {
        let head = head_text(&Response::new(StatusCode::NOT_MODIFIED), false);
        assert!(!head.contains("Content-Length"), "{head}");
    }

    #[test]
    fn response_date_is_a_valid_http_date() {
        let head = head_text(&Response::new(StatusCode::OK), false);
        let date_line = head
            .lines()
            .find_map(|line| line.strip_prefix("Date: "))
            .expect("a Date field");
        let date = httpdate::parse_http_date(date_line).expect("parses back");
        let age = SystemTime::now()
            .duration_since(date)
            .expect("not in the future");
        assert!(age.as_secs() < 5);
    }

    #[test]
    fn response_error_page_names_the_status() {
        let mut response = Response::error(StatusCode::METHOD_NOT_ALLOWED);
        match response.take_body() {
            Body::Bytes(bytes) => assert_eq!(bytes, b"405 Method Not Allowed\n"),
            other => panic!("unexpected body {other:?}"),
        }
    }
}
