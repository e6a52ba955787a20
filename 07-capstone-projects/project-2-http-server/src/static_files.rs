//! The static-file handler: serves what [`Root::resolve`] found, over HTTP.
//!
//! [`StaticFiles`] is a router [`Handler`]. It adds what a file needs to become a response:
//! `Content-Type` (by extension), `Last-Modified`, `If-Modified-Since` → `304`, `Range` → `206`
//! or `416`, `/dir` → `301`, a directory's `index.html`, and the optional directory listing.
//! Which paths may be served at all is `root`'s decision alone; this module never opens a path
//! itself, except to list a directory `root` has already confined.
//!
//! No sockets here either: file bodies are returned as open [`File`]s for the server to stream.

use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::request::{Method, RangeRequest, Request, parse_range};
use crate::response::{Body, Response, StatusCode};
use crate::root::{Resolved, Root, refusal_for_io};
use crate::router::Handler;

/// Percent-encodes every byte of a file name that is not unreserved (RFC 3986 section 2.3),
/// for use in an `href`.
pub fn percent_encode(name: &[u8]) -> String {
    let mut encoded = String::with_capacity(name.len());
    for &byte in name {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Escapes the five characters that are special in HTML text and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The `Content-Type` for a file, chosen by its extension; text types carry a charset.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("txt" | "md" | "rs" | "toml") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "text/xml; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("gz") => "application/gzip",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("mp3") => "audio/mpeg",
        Some("ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Renders an HTML page listing `directory`, sorted by name, subdirectories marked with `/`.
/// Every name is HTML-escaped in the text and percent-encoded in the link, so a file called
/// `<script>.html` is shown, not run.
///
/// # Errors
///
/// Any error from reading the directory.
pub fn render_listing(request_path: &str, directory: &Path) -> io::Result<String> {
    let mut entries: Vec<(Vec<u8>, bool)> = Vec::new();
    for entry in fs::read_dir(directory)? {
        let entry = entry?;
        let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        entries.push((entry.file_name().as_bytes().to_vec(), is_dir));
    }
    entries.sort();
    let title = html_escape(request_path);
    let mut page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n\
         <body><h1>Index of {title}</h1>\n<ul>\n<li><a href=\"../\">../</a></li>\n"
    );
    for (name, is_dir) in entries {
        let slash = if is_dir { "/" } else { "" };
        let href = percent_encode(&name);
        let text = html_escape(&String::from_utf8_lossy(&name));
        page.push_str(&format!(
            "<li><a href=\"{href}{slash}\">{text}{slash}</a></li>\n"
        ));
    }
    page.push_str("</ul></body></html>\n");
    Ok(page)
}

/// The router handler that serves files from a [`Root`].
#[derive(Debug)]
pub struct StaticFiles {
    root: Root,
    listing: Listing,
}

/// Whether directories without `index.html` are listed (`--list-dirs`) or refused with 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Answer 403, as nginx does with `autoindex off` (the default).
    Off,
    /// Answer with an HTML listing.
    On,
}

impl StaticFiles {
    /// A handler serving `root`.
    pub fn new(root: Root, listing: Listing) -> StaticFiles {
        StaticFiles { root, listing }
    }

    /// Answers with an open file. `metadata` is the open file's own, so length and date
    /// describe the bytes about to be sent even if the path has been changed since.
    fn serve_file(request: &Request<'_>, path: &Path, file: File, metadata: &Metadata) -> Response {
        let len = metadata.len();
        let modified = metadata.modified().ok();
        let mut response = Response::new(StatusCode::OK)
            .with_header("Content-Type", content_type(path))
            .with_header("Accept-Ranges", "bytes");
        if let Some(modified) = modified {
            response = response.with_header("Last-Modified", httpdate::fmt_http_date(modified));
        }

        if let (Some(modified), Some(since)) = (modified, request.header("if-modified-since"))
            && not_modified_since(modified, since)
        {
            return response.with_status(StatusCode::NOT_MODIFIED);
        }

        let range = request
            .header("range")
            .map_or(RangeRequest::Whole, |value| parse_range(value, len));
        match range {
            RangeRequest::Whole => response.with_body(Body::File {
                file,
                offset: 0,
                len,
            }),
            RangeRequest::Partial { start, end } => response
                .with_status(StatusCode::PARTIAL_CONTENT)
                .with_header("Content-Range", format!("bytes {start}-{end}/{len}"))
                .with_body(Body::File {
                    file,
                    offset: start,
                    len: end - start + 1,
                }),
            RangeRequest::Unsatisfiable => Response::error(StatusCode::RANGE_NOT_SATISFIABLE)
                .with_header("Content-Range", format!("bytes */{len}")),
        }
    }
}

/// Whether a file modified at `modified` is unchanged since the client's `If-Modified-Since`
/// date. HTTP dates have whole-second precision, so the file time is truncated first; an
/// unparsable date is ignored, as RFC 9110 section 13.1.3 requires.
fn not_modified_since(modified: SystemTime, since: &str) -> bool {
    // course:solution p2.2 Parse the HTTP date (ignore it if it does not parse) and compare whole seconds: unchanged when the file's second is not after the client's.
    let Ok(since) = httpdate::parse_http_date(since) else {
        return false;
    };
    let seconds = |time: SystemTime| time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    seconds(modified) <= seconds(since)
    // course:stub
    // // Until p2.2 the file is always sent in full.
    // let _ = (modified, since);
    // false
    // course:end
}

impl Handler for StaticFiles {
    fn handle(&self, request: &Request<'_>) -> Response {
        debug_assert!(matches!(request.method(), Method::Get | Method::Head));
        match self.root.resolve(request.path()) {
            Err(refusal) => Response::error(refusal.status()),
            Ok(Resolved::MissingSlash) => {
                // Keep the query string, as nginx does, so `/docs?page=2` → `/docs/?page=2`.
                let location = match request.target().split_once('?') {
                    Some((path, query)) => format!("{path}/?{query}"),
                    None => format!("{}/", request.target()),
                };
                Response::error(StatusCode::MOVED_PERMANENTLY).with_header("Location", location)
            }
            Ok(Resolved::Directory { path }) => match self.listing {
                Listing::Off => Response::error(StatusCode::FORBIDDEN),
                Listing::On => match render_listing(request.path(), &path) {
                    Ok(page) => Response::new(StatusCode::OK)
                        .with_header("Content-Type", "text/html; charset=utf-8")
                        .with_body(Body::Bytes(page.into_bytes())),
                    Err(error) => Response::error(refusal_for_io(error).status()),
                },
            },
            Ok(Resolved::File {
                path,
                file,
                metadata,
            }) => StaticFiles::serve_file(request, &path, file, &metadata),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_follows_extension() {
        let table = [
            ("index.html", "text/html; charset=utf-8"),
            ("STYLE.CSS", "text/css; charset=utf-8"),
            ("notes.txt", "text/plain; charset=utf-8"),
            ("photo.jpeg", "image/jpeg"),
            ("movie.mp4", "video/mp4"),
            ("archive", "application/octet-stream"),
        ];
        for (name, expected) in table {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn listing_escapes_names() {
        let directory = tempfile::tempdir().expect("temp dir");
        fs::write(directory.path().join("<img src=x onerror=alert(1)>"), "").expect("write");
        fs::write(directory.path().join("a&b \"q\".txt"), "").expect("write");
        fs::create_dir(directory.path().join("sub")).expect("mkdir");
        let page = render_listing("/x/<y>/", directory.path()).expect("listing");
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains(">&lt;img src=x onerror=alert(1)&gt;<"),
            "{page}"
        );
        assert!(
            page.contains("href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\""),
            "{page}"
        );
        assert!(page.contains("a&amp;b &quot;q&quot;.txt"), "{page}");
        assert!(page.contains("<a href=\"sub/\">sub/</a>"), "{page}");
        assert!(page.contains("Index of /x/&lt;y&gt;/"), "{page}");
    }

    #[test]
    fn not_modified_compares_whole_seconds() {
        let modified = UNIX_EPOCH + std::time::Duration::from_millis(1_000_000_500);
        let same_second =
            httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(1_000_000));
        let earlier = httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(999_999));
        assert!(not_modified_since(modified, &same_second));
        assert!(!not_modified_since(modified, &earlier));
        assert!(!not_modified_since(modified, "yesterday"));
    }
}
