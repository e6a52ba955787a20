//! Maps request paths to files under the served root, and serves them.
//!
//! Two layers, each usable alone:
//!
//! - [`Root::resolve`] turns a percent-encoded request path into an open file or a directory
//!   **inside the root**, or a [`Refusal`]. This is the security boundary of the whole server:
//!   every path is decoded segment by segment, suspicious segments are refused outright, and the
//!   final decision is taken on a *canonical* path (no symlinks, no `..`), so a symlink that
//!   points outside the root is refused like a `..`.
//! - [`StaticFiles`] is the router handler built on it: `Content-Type`, `Last-Modified`,
//!   `If-Modified-Since` → 304, `Range` → 206/416, `/dir` → 301, `index.html`, and the optional
//!   directory listing.
//!
//! Neither layer touches sockets; file bodies are returned as open [`File`]s for the server to
//! stream.

use std::ffi::{CString, OsStr};
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::request::{Method, Request};
use crate::response::{Body, Response, StatusCode};
use crate::router::Handler;
use crate::{Error, sys};

/// The directory being served: its canonical path (absolute, no symlinks, no `..`) and an open
/// handle to it, where path lookups start.
///
/// Both are taken once, in [`Root::new`]: if the root directory is later renamed and another put
/// in its place, the handle still refers to the old one (see ARCHITECTURE.md).
#[derive(Debug)]
pub struct Root {
    canonical: PathBuf,
    dir: File,
}

/// What a request path resolved to.
#[derive(Debug)]
pub enum Resolved {
    /// A regular file (for a directory request, its `index.html`), already open.
    File {
        /// Canonical path of the file.
        path: PathBuf,
        /// The file itself. It was opened by the same lookup that checked its path, so it is
        /// the file that was checked, even if the path has been changed since.
        file: File,
        /// Metadata of the open file.
        metadata: Metadata,
    },
    /// A directory without `index.html`, requested with a trailing slash.
    Directory {
        /// Canonical path of the directory.
        path: PathBuf,
    },
    /// A directory requested without its trailing slash: the client should be redirected, so
    /// relative links inside the directory's page resolve correctly.
    MissingSlash,
}

/// Why a request path is not served. Each variant maps to a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The path leaves the root, names something that is not a regular file or directory, or
    /// may not be read: `403`.
    Forbidden,
    /// Nothing exists there: `404`.
    NotFound,
    /// A malformed percent-escape such as `%zz`: `400`.
    BadEscape,
}

impl Refusal {
    /// The status code to answer with.
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::Forbidden => StatusCode::FORBIDDEN,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::BadEscape => StatusCode::BAD_REQUEST,
        }
    }
}

impl Root {
    /// Opens `path` as the served root.
    ///
    /// # Errors
    ///
    /// [`Error::Root`] if the path cannot be canonicalized (it does not exist, or a parent is
    /// unreadable), [`Error::RootNotDirectory`] if it is not a directory.
    pub fn new(path: &Path) -> Result<Root, Error> {
        let canonical = fs::canonicalize(path).map_err(|source| Error::Root {
            path: path.to_owned(),
            source,
        })?;
        if !canonical.is_dir() {
            return Err(Error::RootNotDirectory {
                path: path.to_owned(),
            });
        }
        // Only used to look names up in, so it needs no read permission on Linux.
        let dir = OpenOptions::new()
            .read(true)
            .custom_flags(sys::LOOKUP_ONLY | libc::O_DIRECTORY)
            .open(&canonical)
            .map_err(|source| Error::Root {
                path: path.to_owned(),
                source,
            })?;
        Ok(Root { canonical, dir })
    }

    /// The canonical root directory.
    pub fn path(&self) -> &Path {
        &self.canonical
    }

    /// Resolves a request path (percent-encoded, query already removed) inside the root.
    ///
    /// The steps, in order:
    ///
    /// 1. The path must start with `/`; absolute URIs (`http://host/…`) and `*` are refused.
    /// 2. Each `/`-separated segment is percent-decoded **on its own**, so `%2f` can never
    ///    create a new separator. A decoded segment holding `/`, `\` or NUL is refused, and so
    ///    is `..` in any spelling (`..`, `%2e%2e`, `.%2E`). `.` and empty segments are skipped.
    /// 3. What is left is a list of plain names under the canonical root. The common case is
    ///    decided by `Root::walk`, which opens them one by one and refuses to follow
    ///    symlinks: a path reached that way is canonical by construction.
    /// 4. If the walk meets a symlink, or an error other than a missing name,
    ///    `Root::resolve_canonical` decides instead: the OS canonicalizes root + names, and the
    ///    result must still lie under the canonical root. This is what catches a symlink
    ///    pointing outside.
    /// 5. Directories without a trailing slash become `MissingSlash`; with one, their
    ///    `index.html` is looked up the same way, since it too might be a symlink.
    ///    Anything that is neither a regular file nor a directory (FIFOs, sockets, devices) is
    ///    refused: reading a FIFO could block a worker forever.
    ///
    /// # Errors
    ///
    /// A [`Refusal`] saying why the path is not served.
    pub fn resolve(&self, request_path: &str) -> Result<Resolved, Refusal> {
        let names = decode_segments(request_path)?;
        let wants_directory = request_path.ends_with('/');
        match self.walk(&names, wants_directory) {
            Some(resolved) => resolved,
            None => self.resolve_canonical(&names, wants_directory),
        }
    }

    /// The fast path of [`resolve`](Self::resolve): `openat(2)` from the open root directory,
    /// one name at a time, never following a symlink.
    ///
    /// Why this is safe: the root is canonical, no name is `.`, `..` or contains a separator,
    /// and no name is a symlink (opening one fails, see `sys::open_in_dir`). So every directory
    /// passed through is a real directory under the root, and the final path is canonical
    /// without asking the OS to canonicalize it. Because the file is opened by the walk itself,
    /// nothing can be swapped between the check and the `open`.
    ///
    /// Returns `None` when it cannot decide: a symlink on the way (which may well point inside
    /// the root), or any error but "no such file" (a socket, no permission, ...). Then
    /// [`resolve_canonical`](Self::resolve_canonical) gives the authoritative answer; those
    /// cases are rare, so their extra system calls do not matter.
    ///
    /// A FIFO or device node inside the root is opened here (without blocking, never read)
    /// before it is refused.
    fn walk(&self, names: &[CString], wants_directory: bool) -> Option<Result<Resolved, Refusal>> {
        let mut path = self.canonical.clone();
        let mut opened: Option<File> = None; // `None`: still at the root
        for (index, name) in names.iter().enumerate() {
            let is_last = index + 1 == names.len();
            let parent = opened.as_ref().unwrap_or(&self.dir);
            let next = match sys::open_in_dir(parent, name, !is_last) {
                Ok(next) => next,
                // Every directory so far is a real one under the root and this name is not in
                // it (a symlink, even a dangling one, fails differently): nothing is there.
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    return Some(Err(Refusal::NotFound));
                }
                Err(_) => return None,
            };
            path.push(OsStr::from_bytes(name.to_bytes()));
            opened = Some(next);
        }
        let metadata = opened.as_ref().unwrap_or(&self.dir).metadata().ok()?;
        let found = if metadata.is_file() {
            // Only a name can be a regular file (the root is a directory), so `opened` is
            // `Some` here; `?` rather than a panic all the same.
            Found::File(opened.take()?, metadata)
        } else if metadata.is_dir() {
            Found::Directory
        } else {
            Found::Other
        };
        let directory = opened.as_ref().unwrap_or(&self.dir);
        Some(self.answer(path, found, wants_directory, Some(directory)))
    }

    /// The general path of [`resolve`](Self::resolve), for requests that involve a symlink:
    /// the OS canonicalizes the path, which must still lie under the canonical root.
    fn resolve_canonical(
        &self,
        names: &[CString],
        wants_directory: bool,
    ) -> Result<Resolved, Refusal> {
        let mut path = self.canonical.clone();
        path.extend(names.iter().map(|name| OsStr::from_bytes(name.to_bytes())));
        let (canonical, found) = self.confine(&path)?;
        self.answer(canonical, found, wants_directory, None)
    }

    /// Step 5 of [`resolve`](Self::resolve), shared by both paths: what to answer for what was
    /// found at the canonical `path`. `open_directory` is the directory's handle when the walk
    /// found it, so its `index.html` is looked up by another `openat`; otherwise, or when that
    /// lookup meets anything unusual, the canonical check looks it up.
    fn answer(
        &self,
        path: PathBuf,
        found: Found,
        wants_directory: bool,
        open_directory: Option<&File>,
    ) -> Result<Resolved, Refusal> {
        match found {
            Found::File(file, metadata) => {
                return Ok(Resolved::File {
                    path,
                    file,
                    metadata,
                });
            }
            Found::Other => return Err(Refusal::Forbidden),
            Found::Directory => {}
        }
        if !wants_directory {
            return Ok(Resolved::MissingSlash);
        }
        let index_path = path.join("index.html");
        let index = match open_directory.map(|dir| sys::open_in_dir(dir, c"index.html", false)) {
            Some(Ok(index)) => match index.metadata() {
                Ok(metadata) if metadata.is_file() => {
                    Ok((index_path, Found::File(index, metadata)))
                }
                Ok(_) => Ok((index_path, Found::Other)),
                Err(_) => self.confine(&index_path),
            },
            Some(Err(error)) if error.kind() == io::ErrorKind::NotFound => Err(Refusal::NotFound),
            Some(Err(_)) | None => self.confine(&index_path),
        };
        match index {
            Ok((index_path, Found::File(file, metadata))) => Ok(Resolved::File {
                path: index_path,
                file,
                metadata,
            }),
            Ok(_) | Err(Refusal::NotFound) => Ok(Resolved::Directory { path }),
            Err(refusal) => Err(refusal),
        }
    }

    /// Canonicalizes `path`, checks that the result is inside the root, and says what is there.
    /// A regular file is opened; nothing else is (a directory only needs to be searched, and
    /// opening a FIFO could block).
    fn confine(&self, path: &Path) -> Result<(PathBuf, Found), Refusal> {
        let canonical = fs::canonicalize(path).map_err(refusal_for_io)?;
        if !canonical.starts_with(&self.canonical) {
            return Err(Refusal::Forbidden);
        }
        let kind = fs::metadata(&canonical).map_err(refusal_for_io)?;
        if kind.is_dir() {
            return Ok((canonical, Found::Directory));
        }
        if !kind.is_file() {
            return Ok((canonical, Found::Other));
        }
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(&canonical)
            .map_err(refusal_for_io)?;
        // Decide on the open file: the path may have been replaced since `metadata` looked.
        let metadata = file.metadata().map_err(refusal_for_io)?;
        if !metadata.is_file() {
            return Ok((canonical, Found::Other));
        }
        Ok((canonical, Found::File(file, metadata)))
    }
}

/// What [`Root::confine`] found at a canonical path.
enum Found {
    /// A regular file, opened, with the open file's metadata.
    File(File, Metadata),
    Directory,
    /// A FIFO, socket or device: never served.
    Other,
}

/// Steps 1–2 of [`Root::resolve`]: the names a request path is made of, decoded, with `.` and
/// empty segments dropped and everything that could leave the root refused.
fn decode_segments(request_path: &str) -> Result<Vec<CString>, Refusal> {
    let Some(relative) = request_path.strip_prefix('/') else {
        return Err(Refusal::Forbidden);
    };
    let mut names = Vec::new();
    for raw_segment in relative.split('/') {
        let segment = percent_decode(raw_segment)?;
        if segment.iter().any(|byte| matches!(byte, b'/' | b'\\' | 0)) {
            return Err(Refusal::Forbidden);
        }
        match segment.as_slice() {
            b"" | b"." => {}
            b".." => return Err(Refusal::Forbidden),
            // NUL bytes were refused just above, so this cannot fail.
            _ => names.push(CString::new(segment).map_err(|_| Refusal::Forbidden)?),
        }
    }
    Ok(names)
}

/// Maps a filesystem error to what the client is told: permission problems are `403`,
/// everything else (missing file, a file used as a directory, symlink loops) is `404`.
fn refusal_for_io(error: io::Error) -> Refusal {
    match error.kind() {
        io::ErrorKind::PermissionDenied => Refusal::Forbidden,
        _ => Refusal::NotFound,
    }
}

/// Decodes `%XX` escapes (RFC 3986 section 2.1) into raw bytes. `+` stays `+`: form encoding
/// does not apply to paths.
///
/// # Errors
///
/// [`Refusal::BadEscape`] for a `%` not followed by two hex digits.
pub fn percent_decode(text: &str) -> Result<Vec<u8>, Refusal> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let high = bytes.get(at + 1).and_then(|&b| hex_value(b));
            let low = bytes.get(at + 2).and_then(|&b| hex_value(b));
            let (Some(high), Some(low)) = (high, low) else {
                return Err(Refusal::BadEscape);
            };
            decoded.push(high << 4 | low);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    Ok(decoded)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

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
    let Ok(since) = httpdate::parse_http_date(since) else {
        return false;
    };
    let seconds = |time: SystemTime| time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    seconds(modified) <= seconds(since)
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
    use std::os::unix::fs::symlink;

    /// A root with a small tree, plus a secret file *outside* it:
    ///
    /// ```text
    /// outside/secret.txt
    /// outside/root/hello.txt
    /// outside/root/docs/index.html
    /// outside/root/empty/
    /// outside/root/a b.txt
    /// outside/root/escape -> ../secret.txt   (symlink out of the root)
    /// outside/root/escape-dir -> ..          (symlink out of the root)
    /// outside/root/inside -> hello.txt       (symlink within the root)
    /// ```
    fn fixture() -> (tempfile::TempDir, Root) {
        let outside = tempfile::tempdir().expect("temp dir");
        let root = outside.path().join("root");
        fs::create_dir_all(root.join("docs")).expect("mkdir");
        fs::create_dir_all(root.join("empty")).expect("mkdir");
        fs::write(outside.path().join("secret.txt"), "secret").expect("write");
        fs::write(root.join("hello.txt"), "hello").expect("write");
        fs::write(root.join("a b.txt"), "spaced").expect("write");
        fs::write(root.join("docs/index.html"), "<h1>docs</h1>").expect("write");
        symlink("../secret.txt", root.join("escape")).expect("symlink");
        symlink("..", root.join("escape-dir")).expect("symlink");
        symlink("hello.txt", root.join("inside")).expect("symlink");
        let root = Root::new(&root).expect("root");
        (outside, root)
    }

    /// The outcome of resolving a path, reduced to something comparable.
    #[derive(Debug, PartialEq)]
    enum Outcome {
        File(String),
        Directory(String),
        MissingSlash,
        Refused(Refusal),
    }

    fn check(root: &Root, request_path: &str, expected: Outcome) {
        let actual = outcome(root, root.resolve(request_path));
        assert_eq!(actual, expected, "resolving {request_path:?}");
    }

    fn outcome(root: &Root, resolved: Result<Resolved, Refusal>) -> Outcome {
        match resolved {
            Ok(Resolved::File { path, .. }) => {
                let relative = path.strip_prefix(root.path()).expect("inside the root");
                Outcome::File(relative.to_str().expect("utf-8").to_owned())
            }
            Ok(Resolved::Directory { path }) => {
                let relative = path.strip_prefix(root.path()).expect("inside the root");
                Outcome::Directory(relative.to_str().expect("utf-8").to_owned())
            }
            Ok(Resolved::MissingSlash) => Outcome::MissingSlash,
            Err(refusal) => Outcome::Refused(refusal),
        }
    }

    #[test]
    fn walk_decides_plain_paths_and_leaves_symlinks_to_canonicalization() {
        let (_guard, root) = fixture();
        let walked = |path: &str| {
            let names = decode_segments(path).expect("decodable");
            root.walk(&names, path.ends_with('/'))
                .map(|resolved| outcome(&root, resolved))
        };
        use Outcome::*;
        // The fast path must really decide the common cases, or it is dead weight.
        assert_eq!(walked("/hello.txt"), Some(File("hello.txt".into())));
        assert_eq!(walked("/docs/"), Some(File("docs/index.html".into())));
        assert_eq!(walked("/docs"), Some(MissingSlash));
        assert_eq!(walked("/empty/"), Some(Directory("empty".into())));
        assert_eq!(walked("/"), Some(Directory("".into())));
        // Every symlink, inside the root or not, goes to the canonical check.
        assert_eq!(walked("/inside"), None);
        assert_eq!(walked("/escape"), None);
        assert_eq!(walked("/escape-dir/secret.txt"), None);
        assert_eq!(walked("/escape-dir/"), None);
        // A name missing from a real directory is decided here; other errors are not.
        assert_eq!(walked("/missing.txt"), Some(Refused(Refusal::NotFound)));
        assert_eq!(
            walked("/docs/missing/deeper.txt"),
            Some(Refused(Refusal::NotFound))
        );
        assert_eq!(walked("/hello.txt/x"), None); // a file used as a directory: ENOTDIR
    }

    #[test]
    fn walk_and_canonical_check_agree_wherever_the_walk_decides() {
        let (_guard, root) = fixture();
        let paths = [
            "/",
            "/hello.txt",
            "/a%20b.txt",
            "/docs",
            "/docs/",
            "/docs/index.html",
            "/empty",
            "/empty/",
            "/inside",
            "/escape",
            "/escape-dir/",
            "/missing",
            "/docs/missing/x",
            "/hello.txt/x",
            "/escape/x",
        ];
        for path in paths {
            let names = decode_segments(path).expect("decodable");
            let wants_directory = path.ends_with('/');
            if let Some(walked) = root.walk(&names, wants_directory) {
                let canonical = root.resolve_canonical(&names, wants_directory);
                assert_eq!(
                    outcome(&root, walked),
                    outcome(&root, canonical),
                    "the two resolvers disagree on {path:?}"
                );
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "runs mkfifo, which Miri cannot do")]
    fn resolve_refuses_a_fifo_without_blocking() {
        let (_guard, root) = fixture();
        let fifo = root.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Opening a FIFO for reading would wait for a writer; the walk opens it non-blocking,
        // sees what it is and refuses it. A hang here is the failure this test exists for.
        check(&root, "/pipe", Outcome::Refused(Refusal::Forbidden));
    }

    #[test]
    fn resolve_serves_paths_inside_the_root() {
        let (_guard, root) = fixture();
        use Outcome::*;
        check(&root, "/hello.txt", File("hello.txt".into()));
        check(&root, "/./hello.txt", File("hello.txt".into()));
        check(&root, "//hello.txt", File("hello.txt".into()));
        check(&root, "/a%20b.txt", File("a b.txt".into()));
        check(&root, "/%68ello.txt", File("hello.txt".into()));
        check(&root, "/inside", File("hello.txt".into())); // symlink within the root is fine
        check(&root, "/docs/", File("docs/index.html".into()));
        check(&root, "/docs", MissingSlash);
        check(&root, "/empty/", Directory("empty".into()));
        check(&root, "/", Directory("".into()));
    }

    #[test]
    fn resolve_refuses_every_traversal_variant() {
        let (_guard, root) = fixture();
        use Outcome::Refused;
        use Refusal::*;
        let forbidden = [
            "/../secret.txt",
            "/docs/../../secret.txt",
            "/..",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/%2e./secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/docs\\..\\..\\secret.txt",
            "/hello.txt%00.html",
            "/escape",
            "/escape-dir/secret.txt",
            "/escape-dir/",
            "http://localhost/../secret.txt",
            "http://localhost/hello.txt",
            "*",
            "",
        ];
        for path in forbidden {
            check(&root, path, Refused(Forbidden));
        }
        check(&root, "/missing.txt", Refused(NotFound));
        check(&root, "/hello.txt/x", Refused(NotFound)); // a file used as a directory
        check(&root, "/%zz", Refused(BadEscape));
        check(&root, "/abc%4", Refused(BadEscape));
    }

    #[test]
    #[cfg_attr(miri, ignore = "binds a Unix socket, which Miri cannot emulate")]
    fn resolve_refuses_special_files() {
        let (_guard, root) = fixture();
        let socket_path = root.path().join("control.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket_path).expect("bind");
        check(&root, "/control.sock", Outcome::Refused(Refusal::Forbidden));
    }

    #[test]
    fn root_must_be_an_existing_directory() {
        let (guard, root) = fixture();
        assert!(matches!(
            Root::new(&root.path().join("hello.txt")),
            Err(Error::RootNotDirectory { .. })
        ));
        assert!(matches!(
            Root::new(&guard.path().join("nope")),
            Err(Error::Root { .. })
        ));
    }

    #[test]
    fn percent_decode_handles_escapes() {
        let table: [(&str, Result<&[u8], Refusal>); 7] = [
            ("plain", Ok(b"plain")),
            ("a%20b", Ok(b"a b")),
            ("%41%4a%4A", Ok(b"AJJ")),
            ("a+b", Ok(b"a+b")),
            ("%e2%82%ac", Ok("€".as_bytes())),
            ("%", Err(Refusal::BadEscape)),
            ("%g0", Err(Refusal::BadEscape)),
        ];
        for (input, expected) in table {
            assert_eq!(
                percent_decode(input).as_deref().map_err(|e| *e),
                expected,
                "{input:?}"
            );
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
