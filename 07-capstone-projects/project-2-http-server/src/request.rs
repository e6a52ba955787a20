//! Parses an HTTP request head (request line and header fields) from bytes.
//!
//! Also interprets `Range` values ([`parse_range`]), the one header whose grammar the file handler
//! needs parsed.
//!
//! Does no I/O: the `server` module reads bytes from sockets and calls [`find_head_end`] until a
//! whole head has arrived, then [`parse`].
//! The grammar is RFC 9112 section 2–5 (<https://www.rfc-editor.org/rfc/rfc9112>), which is a
//! stricter restatement of RFC 1945's; where RFC 9112 lets a server be lenient (a bare `\n` as
//! line end, empty lines before the request line) we are, and everywhere else we refuse with a
//! precise [`ParseRequestError`] that maps to a status code.

use crate::response::StatusCode;

/// Longest request line we accept, in bytes (nginx's default `large_client_header_buffers` is
/// 8 KiB too). Longer lines are answered with `414 URI Too Long`.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Largest whole head (request line plus all header lines) we accept, in bytes.
/// Larger heads are answered with `431 Request Header Fields Too Large`.
pub const MAX_HEAD: usize = 16 * 1024;
/// Most header fields we accept in one request; more get `431`.
pub const MAX_HEADERS: usize = 64;

/// The request method. Only `GET` and `HEAD` are served; the rest exist so the router can tell
/// "known but not allowed here" (`405`) from "never heard of it" (`501`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: fetch a representation.
    Get,
    /// `HEAD`: like `GET` without the body.
    Head,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
    /// `CONNECT`.
    Connect,
    /// A syntactically valid method this server does not know.
    Other,
}

impl Method {
    /// Maps a method token (case-sensitive, as RFC 9110 section 9.1 requires) to a `Method`.
    pub fn from_token(token: &str) -> Method {
        match token {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "PATCH" => Method::Patch,
            "TRACE" => Method::Trace,
            "CONNECT" => Method::Connect,
            _ => Method::Other,
        }
    }

    /// The method's name as sent on the wire (`"OTHER"` for unknown methods).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
            Method::Other => "OTHER",
        }
    }
}

/// The protocol version of a request. Any `HTTP/1.x` with x ≥ 1 is treated as 1.1, as RFC 9110
/// section 6.2 asks of recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `HTTP/1.0`: connections close unless the client asks for keep-alive.
    Http10,
    /// `HTTP/1.1` (or a later 1.x): connections persist unless the client says `close`.
    Http11,
}

/// One header field; the name keeps its original case, lookups ignore case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// Field name, e.g. `Host`.
    pub name: &'a str,
    /// Field value with surrounding spaces and tabs removed.
    pub value: &'a str,
}

/// A parsed request head. It borrows from the buffer it was parsed from, so parsing allocates
/// only the header list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    method: Method,
    method_token: &'a str,
    target: &'a str,
    version: Version,
    headers: Vec<Header<'a>>,
}

impl<'a> Request<'a> {
    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The method exactly as the client spelled it (useful for logs when it is unknown).
    pub fn method_token(&self) -> &'a str {
        self.method_token
    }

    /// The request target as sent, still percent-encoded, query included.
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The target without its query string (`/a/b?x=1` → `/a/b`), still percent-encoded.
    pub fn path(&self) -> &'a str {
        match self.target.split_once('?') {
            Some((path, _query)) => path,
            None => self.target,
        }
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// All header fields in arrival order.
    pub fn headers(&self) -> &[Header<'a>] {
        &self.headers
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .map(|header| header.value)
    }

    /// Whether the request announces a body (`Content-Length` other than 0, or any
    /// `Transfer-Encoding`). This server never reads request bodies, so such a connection must
    /// be closed after the response: the unread body would be misread as the next request.
    pub fn has_body(&self) -> bool {
        self.header("transfer-encoding").is_some()
            || self
                .header("content-length")
                .is_some_and(|length| length.trim() != "0")
    }

    /// Whether the client wants the connection kept open after the response
    /// (RFC 9112 section 9.3: 1.1 persists unless `close`; 1.0 only with `keep-alive`).
    pub fn wants_keep_alive(&self) -> bool {
        // course:solution p2.7 Decide from the version and the `Connection` options: 1.1 keeps the connection unless `close`, 1.0 only with `keep-alive` (options are a comma-separated, case-insensitive list).
        let connection = self.header("connection").unwrap_or("");
        let has_option = |option: &str| {
            connection
                .split(',')
                .any(|item| item.trim().eq_ignore_ascii_case(option))
        };
        match self.version {
            Version::Http11 => !has_option("close"),
            Version::Http10 => has_option("keep-alive"),
        }
        // course:stub
        // // Until keep-alive (p2.7): every connection closes after one response.
        // false
        // course:end
    }
}

/// Why a request head was refused. Each variant maps to one status code via
/// [`status`](ParseRequestError::status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseRequestError {
    /// The request line is not `method SP target SP version`.
    #[error("malformed request line")]
    BadRequestLine,
    /// A header line is not `name: value`, or uses obsolete line folding.
    #[error("malformed header field")]
    BadHeader,
    /// The version is not `HTTP/<digit>.<digit>`.
    #[error("malformed protocol version")]
    BadVersion,
    /// The version is well formed but not HTTP/1.x.
    #[error("unsupported protocol version")]
    UnsupportedVersion,
    /// The request line is longer than [`MAX_REQUEST_LINE`].
    #[error("request line longer than {MAX_REQUEST_LINE} bytes")]
    RequestLineTooLong,
    /// The head is larger than [`MAX_HEAD`].
    #[error("request head larger than {MAX_HEAD} bytes")]
    HeadTooLarge,
    /// More than [`MAX_HEADERS`] header fields.
    #[error("more than {MAX_HEADERS} header fields")]
    TooManyHeaders,
}

impl ParseRequestError {
    /// The status code to answer with.
    pub fn status(self) -> StatusCode {
        match self {
            ParseRequestError::BadRequestLine
            | ParseRequestError::BadHeader
            | ParseRequestError::BadVersion => StatusCode::BAD_REQUEST,
            ParseRequestError::UnsupportedVersion => StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            ParseRequestError::RequestLineTooLong => StatusCode::URI_TOO_LONG,
            ParseRequestError::HeadTooLarge | ParseRequestError::TooManyHeaders => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
        }
    }
}

/// Number of leading empty lines (`\r\n` or `\n`) in `buffer`.
/// RFC 9112 section 2.2 asks servers to skip at least one before a request line, because some
/// old clients send a stray CRLF after a request body.
pub fn leading_empty_lines(buffer: &[u8]) -> usize {
    let mut at = 0;
    loop {
        match &buffer[at..] {
            [b'\r', b'\n', ..] => at += 2,
            [b'\n', ..] => at += 1,
            _ => return at,
        }
    }
}

/// Finds the end of a request head: returns the length of the head including the empty line
/// that ends it, or `None` if it has not fully arrived yet.
/// Leading empty lines must already have been removed (see [`leading_empty_lines`]).
pub fn find_head_end(buffer: &[u8]) -> Option<usize> {
    // course:solution p2.1 Return the length of the head up to and including the empty line that ends it ("\n\n" or "\n\r\n"), or None if it has not all arrived.
    // A head ends at the first "\n" that is followed by "\r\n" or "\n".
    let mut from = 0;
    while let Some(offset) = memchr(b'\n', &buffer[from..]) {
        let after = from + offset + 1;
        match &buffer[after..] {
            [b'\n', ..] => return Some(after + 1),
            [b'\r', b'\n', ..] => return Some(after + 2),
            _ => from = after,
        }
    }
    None
    // course:end
}

/// Checks the limits on a head that has **not** been completed yet, so the reader can refuse an
/// oversized request as soon as it crosses a limit instead of buffering without end.
///
/// # Errors
///
/// [`ParseRequestError::RequestLineTooLong`] if the first line is already too long,
/// [`ParseRequestError::HeadTooLarge`] if the whole head is.
pub fn check_incomplete_head(buffer: &[u8]) -> Result<(), ParseRequestError> {
    // course:solution p2.2 Refuse a head that is still arriving as soon as its first line passes MAX_REQUEST_LINE (414) or the whole passes MAX_HEAD (431).
    let first_line_len = memchr(b'\n', buffer).unwrap_or(buffer.len());
    if first_line_len > MAX_REQUEST_LINE {
        return Err(ParseRequestError::RequestLineTooLong);
    }
    if buffer.len() > MAX_HEAD {
        return Err(ParseRequestError::HeadTooLarge);
    }
    Ok(())
    // course:stub
    // // Until p2.2 no limit is enforced.
    // let _ = buffer;
    // Ok(())
    // course:end
}

/// Parses a complete request head, such as the first `find_head_end(buffer)` bytes.
///
/// # Errors
///
/// A [`ParseRequestError`] naming the first rule the head breaks.
///
/// # Examples
///
/// ```
/// use webserver::request::{parse, Method, Version};
///
/// # fn main() -> Result<(), webserver::request::ParseRequestError> {
/// let request = parse(b"GET /index.html?lang=en HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
/// assert_eq!(request.method(), Method::Get);
/// assert_eq!(request.path(), "/index.html");
/// assert_eq!(request.version(), Version::Http11);
/// assert_eq!(request.header("host"), Some("localhost"));
/// # Ok(())
/// # }
/// ```
pub fn parse(head: &[u8]) -> Result<Request<'_>, ParseRequestError> {
    // course:solution p2.2 Enforce the limits, split the head into lines (CRLF or bare LF), parse the request line and every header field, and refuse anything malformed with the precise ParseRequestError.
    if head.len() > MAX_HEAD {
        // Check the request line first so an endless URI gets the more precise 414.
        check_incomplete_head(head)?;
        return Err(ParseRequestError::HeadTooLarge);
    }
    let head = &head[leading_empty_lines(head)..];
    let mut lines = head.split(|&byte| byte == b'\n').map(|line| match line {
        [rest @ .., b'\r'] => rest,
        _ => line,
    });

    let request_line = lines.next().unwrap_or_default();
    if request_line.len() > MAX_REQUEST_LINE {
        return Err(ParseRequestError::RequestLineTooLong);
    }
    let (method_token, target, version) = parse_request_line(request_line)?;

    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break; // the empty line that ends the head
        }
        if headers.len() == MAX_HEADERS {
            return Err(ParseRequestError::TooManyHeaders);
        }
        headers.push(parse_header(line)?);
    }

    Ok(Request {
        method: Method::from_token(method_token),
        method_token,
        target,
        version,
        headers,
    })
    // course:stub
    // // A lenient placeholder until p2.2: the first line split at spaces, no header fields,
    // // nothing refused.
    // let text = std::str::from_utf8(head).map_err(|_| ParseRequestError::BadRequestLine)?;
    // let mut parts = text.lines().next().unwrap_or("").split(' ');
    // let method_token = parts.next().unwrap_or("GET");
    // let target = parts.next().unwrap_or("/");
    // let version = match parts.next() {
    //     Some("HTTP/1.0") => Version::Http10,
    //     _ => Version::Http11,
    // };
    // Ok(Request {
    //     method: Method::from_token(method_token),
    //     method_token,
    //     target,
    //     version,
    //     headers: Vec::new(),
    // })
    // course:end
}

fn parse_request_line(line: &[u8]) -> Result<(&str, &str, Version), ParseRequestError> {
    // course:solution p2.2 Exactly `method SP target SP version`: a token method, a target of visible ASCII, and a version parse_version accepts.
    // Exactly one space between the three parts (RFC 9112 section 3); anything else, including
    // an HTTP/0.9 request with no version, is malformed.
    let mut parts = line.split(|&byte| byte == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseRequestError::BadRequestLine);
    };
    if method.is_empty() || !method.iter().all(|&byte| is_token_byte(byte)) {
        return Err(ParseRequestError::BadRequestLine);
    }
    // A target is visible ASCII only: no spaces, controls (NUL included) or raw non-ASCII bytes.
    if target.is_empty() || !target.iter().all(|&byte| byte.is_ascii_graphic()) {
        return Err(ParseRequestError::BadRequestLine);
    }
    let version = parse_version(version)?;
    // Both slices are ASCII, checked just above, so these conversions cannot fail.
    let as_str = |bytes| std::str::from_utf8(bytes).map_err(|_| ParseRequestError::BadRequestLine);
    Ok((as_str(method)?, as_str(target)?, version))
    // course:decoy split-whitespace Splits the request line at any run of whitespace and checks only that there are three parts.
    // let text = std::str::from_utf8(line).map_err(|_| ParseRequestError::BadRequestLine)?;
    // let mut parts = text.split_ascii_whitespace();
    // let (Some(method), Some(target), Some(version), None) =
    //     (parts.next(), parts.next(), parts.next(), parts.next())
    // else {
    //     return Err(ParseRequestError::BadRequestLine);
    // };
    // Ok((method, target, parse_version(version.as_bytes())?))
    // course:end
}

fn parse_version(version: &[u8]) -> Result<Version, ParseRequestError> {
    // course:solution p2.2 `HTTP/<digit>.<digit>`: 1.0, any other 1.x as 1.1, another major version is UnsupportedVersion (505), anything else BadVersion.
    let [b'H', b'T', b'T', b'P', b'/', major, b'.', minor] = *version else {
        return Err(ParseRequestError::BadVersion);
    };
    if !major.is_ascii_digit() || !minor.is_ascii_digit() {
        return Err(ParseRequestError::BadVersion);
    }
    match (major, minor) {
        (b'1', b'0') => Ok(Version::Http10),
        (b'1', _) => Ok(Version::Http11),
        _ => Err(ParseRequestError::UnsupportedVersion),
    }
    // course:end
}

fn parse_header(line: &[u8]) -> Result<Header<'_>, ParseRequestError> {
    // course:solution p2.2 `name: value` with a token name and no space before the colon; trim the value, refuse control characters, obsolete folding and non-UTF-8.
    // A line starting with whitespace is obsolete line folding, which RFC 9112 section 5.2 lets a
    // server reject with 400; so is whitespace between the name and the colon (section 5.1).
    let colon = memchr(b':', line).ok_or(ParseRequestError::BadHeader)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&byte| is_token_byte(byte)) {
        return Err(ParseRequestError::BadHeader);
    }
    let value = value.trim_ascii();
    // Field values may hold visible ASCII, spaces, tabs and (obsolete) bytes >= 0x80, but never
    // control characters such as NUL or a lone CR.
    if value
        .iter()
        .any(|&byte| byte.is_ascii_control() && byte != b'\t')
    {
        return Err(ParseRequestError::BadHeader);
    }
    let name = std::str::from_utf8(name).map_err(|_| ParseRequestError::BadHeader)?;
    // Non-UTF-8 values are legal on the wire but useless to us; refusing keeps `&str` honest.
    let value = std::str::from_utf8(value).map_err(|_| ParseRequestError::BadHeader)?;
    Ok(Header { name, value })
    // course:end
}

/// `tchar` from RFC 9110 section 5.6.2: the characters allowed in methods and field names.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Position of the first `needle` in `haystack`. A plain loop: the heads we scan are small, and
/// the optimiser turns this into a fast byte search.
fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&byte| byte == needle)
}

/// How to answer a `Range` header for a file of a given length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// Serve the whole file with 200: no usable range (absent, malformed, several ranges, or a
    /// unit other than bytes; RFC 9110 section 14.2 lets a server ignore `Range`).
    Whole,
    /// Serve bytes `start..=end` with 206.
    Partial {
        /// First byte.
        start: u64,
        /// Last byte, inclusive, already clamped to the file.
        end: u64,
    },
    /// Answer 416: the range starts beyond the end of the file.
    Unsatisfiable,
}

/// Interprets a single `Range: bytes=…` value (RFC 9110 section 14.1.2) against `len`.
pub fn parse_range(value: &str, len: u64) -> RangeRequest {
    // course:solution p2.2 One `bytes=A-B`, `bytes=A-` or `bytes=-N` against `len`: Partial (end clamped to the file), Unsatisfiable when it starts at or past the end, Whole for anything else.
    let Some((unit, spec)) = value.trim().split_once('=') else {
        return RangeRequest::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Whole;
    };
    let number = |text: &str| -> Option<u64> {
        let text = text.trim();
        // `u64::from_str` accepts a leading '+', which the grammar does not.
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        // Saturate absurdly long numbers: "bytes=0-99999999999999999999" means "to the end".
        Some(text.parse().unwrap_or(u64::MAX))
    };
    match (number(first), number(last)) {
        // bytes=-N: the last N bytes.
        (None, Some(suffix)) if first.trim().is_empty() => {
            if suffix == 0 || len == 0 {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Partial {
                    start: len.saturating_sub(suffix),
                    end: len - 1,
                }
            }
        }
        // bytes=A- : from A to the end.
        (Some(start), None) if last.trim().is_empty() => {
            if start >= len {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Partial {
                    start,
                    end: len - 1,
                }
            }
        }
        // bytes=A-B
        (Some(start), Some(end)) if start <= end => {
            if start >= len {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Partial {
                    start,
                    end: end.min(len - 1),
                }
            }
        }
        _ => RangeRequest::Whole,
    }
    // course:stub
    // // Ignoring `Range` is allowed (RFC 9110 section 14.2): the whole file until p2.2.
    // let _ = (value, len);
    // RangeRequest::Whole
    // course:decoy range-past-end Compares the first byte with `>` instead of `>=`, so a range starting exactly at the end is answered 206 instead of 416.
    // let Some((unit, spec)) = value.trim().split_once('=') else {
    //     return RangeRequest::Whole;
    // };
    // if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
    //     return RangeRequest::Whole;
    // }
    // let Some((first, last)) = spec.trim().split_once('-') else {
    //     return RangeRequest::Whole;
    // };
    // let number = |text: &str| text.trim().parse::<u64>().ok();
    // match (number(first), number(last)) {
    //     (None, Some(suffix)) if first.trim().is_empty() && suffix > 0 && len > 0 => {
    //         RangeRequest::Partial {
    //             start: len.saturating_sub(suffix),
    //             end: len - 1,
    //         }
    //     }
    //     (Some(start), None) if last.trim().is_empty() => {
    //         if start > len {
    //             RangeRequest::Unsatisfiable
    //         } else {
    //             RangeRequest::Partial {
    //                 start,
    //                 end: len.saturating_sub(1),
    //             }
    //         }
    //     }
    //     (Some(start), Some(end)) if start <= end => {
    //         if start > len {
    //             RangeRequest::Unsatisfiable
    //         } else {
    //             RangeRequest::Partial {
    //                 start,
    //                 end: end.min(len.saturating_sub(1)),
    //             }
    //         }
    //     }
    //     _ => RangeRequest::Whole,
    // }
    // course:end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected outcome of parsing one head, compared field by field.
    #[derive(Debug, PartialEq)]
    struct Parsed {
        method: Method,
        path: String,
        version: Version,
        header_count: usize,
    }

    fn check(head: &str, expected: Result<Parsed, ParseRequestError>) {
        let actual = parse(head.as_bytes()).map(|request| Parsed {
            method: request.method(),
            path: request.path().to_owned(),
            version: request.version(),
            header_count: request.headers().len(),
        });
        assert_eq!(actual, expected, "parsing {head:?}");
    }

    fn ok(
        method: Method,
        path: &str,
        version: Version,
        header_count: usize,
    ) -> Result<Parsed, ParseRequestError> {
        Ok(Parsed {
            method,
            path: path.to_owned(),
            version,
            header_count,
        })
    }

    #[test]
    fn request_parses_valid_heads() {
        use Method::*;
        use Version::*;
        check("GET / HTTP/1.0\r\n\r\n", ok(Get, "/", Http10, 0));
        check(
            "HEAD /a/b.txt HTTP/1.1\r\nHost: x\r\n\r\n",
            ok(Head, "/a/b.txt", Http11, 1),
        );
        check("GET /q?x=1&y=2 HTTP/1.1\r\n\r\n", ok(Get, "/q", Http11, 0));
        check("GET / HTTP/1.1\n\n", ok(Get, "/", Http11, 0)); // bare LF is tolerated
        check("\r\n\r\nGET / HTTP/1.0\r\n\r\n", ok(Get, "/", Http10, 0)); // leading CRLFs
        check("GET / HTTP/1.9\r\n\r\n", ok(Get, "/", Http11, 0)); // later 1.x → 1.1
        check("BREW /pot HTTP/1.1\r\n\r\n", ok(Other, "/pot", Http11, 0));
        check(
            "POST /form HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            ok(Post, "/form", Http11, 1),
        );
        check(
            "GET / HTTP/1.1\r\nA:\r\nB:  spaced  \r\n\r\n",
            ok(Get, "/", Http11, 2),
        );
        check(
            "GET http://example.com/x HTTP/1.1\r\n\r\n",
            ok(Get, "http://example.com/x", Http11, 0),
        );
    }

    #[test]
    fn request_refuses_malformed_request_lines() {
        use ParseRequestError::*;
        check("GET /\r\n\r\n", Err(BadRequestLine)); // HTTP/0.9 style, no version
        check("GET  / HTTP/1.1\r\n\r\n", Err(BadRequestLine)); // two spaces
        check("GET / HTTP/1.1 extra\r\n\r\n", Err(BadRequestLine));
        check("G(T / HTTP/1.1\r\n\r\n", Err(BadRequestLine)); // '(' is not a token char
        check("GET /a\tb HTTP/1.1\r\n\r\n", Err(BadRequestLine)); // control char in target
        check("GET /caf\u{e9} HTTP/1.1\r\n\r\n", Err(BadRequestLine)); // raw non-ASCII
        check("\r\n", Err(BadRequestLine));
        check("GET / http/1.1\r\n\r\n", Err(BadVersion));
        check("GET / HTTP/1\r\n\r\n", Err(BadVersion));
        check("GET / HTTP/x.y\r\n\r\n", Err(BadVersion));
        check("GET / HTTP/2.0\r\n\r\n", Err(UnsupportedVersion));
        check("GET / HTTP/0.9\r\n\r\n", Err(UnsupportedVersion));
    }

    #[test]
    fn request_refuses_malformed_headers() {
        use ParseRequestError::*;
        check("GET / HTTP/1.1\r\nNoColon\r\n\r\n", Err(BadHeader));
        check("GET / HTTP/1.1\r\nName : v\r\n\r\n", Err(BadHeader)); // space before colon
        check("GET / HTTP/1.1\r\n: v\r\n\r\n", Err(BadHeader)); // empty name
        check("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", Err(BadHeader)); // obs-fold
        check("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", Err(BadHeader)); // NUL in value
    }

    #[test]
    fn request_enforces_size_limits() {
        let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        check(&long_target, Err(ParseRequestError::RequestLineTooLong));
        let many_headers = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        check(&many_headers, Err(ParseRequestError::TooManyHeaders));
        let huge_header = format!("GET / HTTP/1.1\r\nA: {}\r\n\r\n", "b".repeat(MAX_HEAD));
        check(&huge_header, Err(ParseRequestError::HeadTooLarge));
    }

    #[test]
    fn request_errors_map_to_statuses() {
        use ParseRequestError::*;
        let table = [
            (BadRequestLine, 400),
            (BadHeader, 400),
            (BadVersion, 400),
            (UnsupportedVersion, 505),
            (RequestLineTooLong, 414),
            (HeadTooLarge, 431),
            (TooManyHeaders, 431),
        ];
        for (error, code) in table {
            assert_eq!(error.status().code(), code, "{error:?}");
        }
    }

    #[test]
    fn request_head_end_is_found() {
        let table: [(&[u8], Option<usize>); 6] = [
            (b"GET / HTTP/1.1\r\n\r\n", Some(18)),
            (b"GET / HTTP/1.1\n\n", Some(16)),
            (b"GET / HTTP/1.1\r\nA: b\r\n\r\nNEXT", Some(24)),
            (b"GET / HTTP/1.1\r\nA: b\r\n", None),
            (b"GET / HTTP/1.1\r\n\r", None),
            (b"", None),
        ];
        for (buffer, expected) in table {
            assert_eq!(
                find_head_end(buffer),
                expected,
                "{:?}",
                String::from_utf8_lossy(buffer)
            );
        }
    }

    #[test]
    fn request_incomplete_head_limits_are_checked() {
        assert_eq!(check_incomplete_head(b"GET /abc"), Ok(()));
        let long_line = vec![b'a'; MAX_REQUEST_LINE + 1];
        assert_eq!(
            check_incomplete_head(&long_line),
            Err(ParseRequestError::RequestLineTooLong)
        );
        let mut big_head = b"GET / HTTP/1.1\r\n".to_vec();
        big_head.resize(MAX_HEAD + 1, b'a');
        assert_eq!(
            check_incomplete_head(&big_head),
            Err(ParseRequestError::HeadTooLarge)
        );
    }

    #[test]
    fn request_keep_alive_follows_version_rules() {
        let table = [
            ("GET / HTTP/1.1\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
            ("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n", true),
        ];
        for (head, expected) in table {
            let request = parse(head.as_bytes()).expect("valid head");
            assert_eq!(request.wants_keep_alive(), expected, "{head:?}");
        }
    }

    #[test]
    fn request_body_is_detected() {
        let table = [
            ("GET / HTTP/1.1\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", false),
            ("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", true),
            (
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                true,
            ),
        ];
        for (head, expected) in table {
            let request = parse(head.as_bytes()).expect("valid head");
            assert_eq!(request.has_body(), expected, "{head:?}");
        }
    }

    #[test]
    fn range_header_is_interpreted() {
        use RangeRequest::*;
        let table = [
            ("bytes=0-99", 1000, Partial { start: 0, end: 99 }),
            (
                "bytes=900-",
                1000,
                Partial {
                    start: 900,
                    end: 999,
                },
            ),
            (
                "bytes=-100",
                1000,
                Partial {
                    start: 900,
                    end: 999,
                },
            ),
            ("bytes=-5000", 1000, Partial { start: 0, end: 999 }),
            (
                "bytes=990-2000",
                1000,
                Partial {
                    start: 990,
                    end: 999,
                },
            ),
            (
                "bytes=0-99999999999999999999999",
                10,
                Partial { start: 0, end: 9 },
            ),
            ("bytes=1000-", 1000, Unsatisfiable),
            ("bytes=1000-1001", 1000, Unsatisfiable),
            ("bytes=-0", 1000, Unsatisfiable),
            ("bytes=0-", 0, Unsatisfiable),
            ("bytes=5-1", 1000, Whole),
            ("bytes=0-1,5-6", 1000, Whole),
            ("items=0-1", 1000, Whole),
            ("bytes=+1-2", 1000, Whole),
            ("bytes=abc", 1000, Whole),
            ("bytes=-", 1000, Whole),
        ];
        for (value, len, expected) in table {
            assert_eq!(parse_range(value, len), expected, "{value:?} of {len}");
        }
    }
}
