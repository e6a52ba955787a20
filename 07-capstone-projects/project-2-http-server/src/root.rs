//! The security boundary of the server: confines request paths to the served root.
//!
//! [`Root::resolve`] turns a percent-encoded request path into an open file or a directory
//! **inside the root**, or a [`Refusal`]. Every path is decoded segment by segment, suspicious
//! segments are refused outright, and every file is opened by a walk from the open root
//! directory that never follows a symlink, so what is opened is at a canonical path under the
//! root (no symlinks, no `..`). A symlink is served only after the OS has canonicalised the path
//! and the walk has re-opened that canonical path, again without following anything.
//!
//! This module knows nothing of HTTP beyond the status each [`Refusal`] maps to: content types,
//! ranges and listings live in `static_files`.

use std::ffi::{CString, OsStr};
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use crate::response::StatusCode;
use crate::sys;

/// Why the served root cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootError {
    /// The root cannot be canonicalised or opened.
    #[error("cannot serve {}: {source}", path.display())]
    Open {
        /// The root as given.
        path: PathBuf,
        /// Why it cannot be opened.
        source: io::Error,
    },
    /// The root exists but is not a directory.
    #[error("cannot serve {}: not a directory", path.display())]
    NotDirectory {
        /// The root as given.
        path: PathBuf,
    },
}

/// The directory being served: its canonical path (absolute, no symlinks, no `..`) and an open
/// handle to it, where every path lookup starts.
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
        /// The file itself. It was opened by the same walk that checked its path, so it is
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

/// What [`Root::walk`] does when a name cannot be opened without following a symlink (or fails
/// in any way other than "no such file").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unclear {
    /// Give up and let the canonical check decide: the names came from the request.
    Defer,
    /// Refuse with 403: the names are a canonical path the OS returned a moment ago, so a
    /// symlink on it now means someone swapped a component in between.
    Refuse,
}

/// The name looked up in a directory requested with a trailing slash.
const INDEX: &std::ffi::CStr = c"index.html";

impl Root {
    /// Opens `path` as the served root.
    ///
    /// # Errors
    ///
    /// [`RootError::Open`] if the path cannot be canonicalised or opened (it does not exist, or
    /// a parent is unreadable), [`RootError::NotDirectory`] if it is not a directory.
    pub fn new(path: &Path) -> Result<Root, RootError> {
        let open_error = |source| RootError::Open {
            path: path.to_owned(),
            source,
        };
        let canonical = fs::canonicalize(path).map_err(open_error)?;
        if !canonical.is_dir() {
            return Err(RootError::NotDirectory {
                path: path.to_owned(),
            });
        }
        // Only used to look names up in, so it needs no read permission on Linux.
        let dir = OpenOptions::new()
            .read(true)
            .custom_flags(sys::LOOKUP_ONLY | libc::O_DIRECTORY)
            .open(&canonical)
            .map_err(open_error)?;
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
    /// 3. What is left is a list of plain names under the canonical root. `Root::walk` opens
    ///    them one by one from the root handle and refuses to follow symlinks: a path reached
    ///    that way is canonical by construction. This decides the common case.
    /// 4. If the walk meets a symlink, or an error other than a missing name,
    ///    `Root::resolve_canonical` decides instead: the OS canonicalises root + names, the
    ///    result must lie under the canonical root, and then the walk opens *that* path, again
    ///    without following symlinks. A symlink swapped in between the two is refused (403).
    /// 5. Directories without a trailing slash become `MissingSlash`; with one, their
    ///    `index.html` is looked up the same way, since it too might be a symlink.
    ///    Anything that is neither a regular file nor a directory (FIFOs, sockets, devices) is
    ///    refused: reading a FIFO could block a worker forever.
    ///
    /// # Errors
    ///
    /// A [`Refusal`] saying why the path is not served.
    pub fn resolve(&self, request_path: &str) -> Result<Resolved, Refusal> {
        // course:solution p2.3 Decode the path into plain names (`decode_segments`), let `walk` decide from the root handle, and fall back to `resolve_canonical` when it cannot.
        let names = decode_segments(request_path)?;
        let wants_directory = request_path.ends_with('/');
        match self.walk(&names, wants_directory, Unclear::Defer) {
            Some(resolved) => resolved,
            None => self.resolve_canonical(&names, wants_directory),
        }
        // course:stub
        // // A naive placeholder until p2.3: the request path glued onto the root, and whatever the
        // // OS finds there opened, symlinks and `..` included. Directories are refused.
        // let path = self.canonical.join(request_path.trim_start_matches('/'));
        // let metadata = fs::metadata(&path).map_err(refusal_for_io)?;
        // if !metadata.is_file() {
        //     return Err(Refusal::Forbidden);
        // }
        // let file = File::open(&path).map_err(refusal_for_io)?;
        // Ok(Resolved::File {
        //     path,
        //     file,
        //     metadata,
        // })
        // course:decoy string-prefix Canonicalises the joined path and accepts it when its text starts with the root's text, so a sibling directory such as `root-old` passes.
        // let names = decode_segments(request_path)?;
        // let mut path = self.canonical.clone();
        // path.extend(names.iter().map(|name| OsStr::from_bytes(name.to_bytes())));
        // let canonical = fs::canonicalize(&path).map_err(refusal_for_io)?;
        // if !canonical
        //     .to_string_lossy()
        //     .starts_with(&*self.canonical.to_string_lossy())
        // {
        //     return Err(Refusal::Forbidden);
        // }
        // let metadata = fs::metadata(&canonical).map_err(refusal_for_io)?;
        // if metadata.is_dir() {
        //     if !request_path.ends_with('/') {
        //         return Ok(Resolved::MissingSlash);
        //     }
        //     let index = canonical.join("index.html");
        //     return match File::open(&index) {
        //         Ok(file) => {
        //             let metadata = file.metadata().map_err(refusal_for_io)?;
        //             Ok(Resolved::File {
        //                 path: index,
        //                 file,
        //                 metadata,
        //             })
        //         }
        //         Err(_) => Ok(Resolved::Directory { path: canonical }),
        //     };
        // }
        // let file = File::open(&canonical).map_err(refusal_for_io)?;
        // Ok(Resolved::File {
        //     path: canonical,
        //     file,
        //     metadata,
        // })
        // course:end
    }

    /// Opens `names` one at a time from the open root directory with `openat(2)`, never
    /// following a symlink, and says what is there.
    ///
    /// Why this is safe: the root is canonical, no name is `.`, `..` or contains a separator,
    /// and no name is a symlink (opening one fails, see `sys::open_in_dir`). So every directory
    /// passed through is a real directory under the root, and the final path is canonical
    /// without asking the OS to canonicalise it. Because the file is opened by the walk itself,
    /// nothing can be swapped between the check and the `open`.
    ///
    /// With [`Unclear::Defer`] it returns `None` when it cannot decide: a symlink on the way
    /// (which may well point inside the root), or any error but "no such file" (a socket, no
    /// permission, ...). With [`Unclear::Refuse`] it always decides.
    ///
    /// A FIFO or device node inside the root is opened here (without blocking, never read)
    /// before it is refused.
    fn walk(
        &self,
        names: &[CString],
        wants_directory: bool,
        unclear: Unclear,
    ) -> Option<Result<Resolved, Refusal>> {
        // course:solution p2.3 Open each name with `sys::open_in_dir` from the root handle (never following a symlink): a missing name is NotFound, anything unclear is `undecided`; then classify what was opened (file, directory with or without the slash, anything else Forbidden).
        let undecided = match unclear {
            Unclear::Defer => None,
            Unclear::Refuse => Some(Err(Refusal::Forbidden)),
        };
        let mut opened: Option<File> = None; // `None`: still at the root
        for (index, name) in names.iter().enumerate() {
            let is_last = index + 1 == names.len();
            let parent = opened.as_ref().unwrap_or(&self.dir);
            match sys::open_in_dir(parent, name, !is_last) {
                Ok(next) => opened = Some(next),
                // Every directory so far is a real one under the root and this name is not in
                // it (a symlink, even a dangling one, fails differently): nothing is there.
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    return Some(Err(Refusal::NotFound));
                }
                Err(_) => return undecided,
            }
        }
        let mut path = self.canonical.clone();
        path.extend(names.iter().map(|name| OsStr::from_bytes(name.to_bytes())));
        let Ok(metadata) = opened.as_ref().unwrap_or(&self.dir).metadata() else {
            return undecided;
        };
        if metadata.is_file() {
            // Only a name can be a regular file (the root is a directory), so `opened` is
            // `Some` here; `?` rather than a panic all the same.
            let file = opened?;
            return Some(Ok(Resolved::File {
                path,
                file,
                metadata,
            }));
        }
        if !metadata.is_dir() {
            return Some(Err(Refusal::Forbidden));
        }
        if !wants_directory {
            return Some(Ok(Resolved::MissingSlash));
        }
        let directory = opened.as_ref().unwrap_or(&self.dir);
        Some(self.directory_index(directory, names, path))
        // course:end
    }

    /// Step 5 of [`resolve`](Self::resolve): the `index.html` of the directory `names` (open as
    /// `directory`, at the canonical `path`), or the directory itself if it has none.
    fn directory_index(
        &self,
        directory: &File,
        names: &[CString],
        path: PathBuf,
    ) -> Result<Resolved, Refusal> {
        // course:solution p2.3 Look up `index.html` in the open directory the same way; a symlink there goes through `resolve_canonical`; no index means Resolved::Directory.
        match sys::open_in_dir(directory, INDEX, false) {
            Ok(file) => match file.metadata() {
                Ok(metadata) if metadata.is_file() => {
                    return Ok(Resolved::File {
                        path: path.join("index.html"),
                        file,
                        metadata,
                    });
                }
                Ok(_) => return Ok(Resolved::Directory { path }),
                Err(_) => {}
            },
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Resolved::Directory { path });
            }
            Err(_) => {}
        }
        // A symlink (or something unusual) called `index.html`: the canonical check decides.
        let mut index_names = names.to_vec();
        index_names.push(INDEX.to_owned());
        match self.resolve_canonical(&index_names, false) {
            Ok(file @ Resolved::File { .. }) => Ok(file),
            Ok(_) | Err(Refusal::NotFound) => Ok(Resolved::Directory { path }),
            Err(refusal) => Err(refusal),
        }
        // course:end
    }

    /// The general path of [`resolve`](Self::resolve), for requests that involve a symlink.
    fn resolve_canonical(
        &self,
        names: &[CString],
        wants_directory: bool,
    ) -> Result<Resolved, Refusal> {
        let canonical = self.canonical_names(names)?;
        self.open_canonical(&canonical, wants_directory)
    }

    /// Asks the OS for the canonical form of root + `names` and returns it as names below the
    /// canonical root, or refuses it if it lies outside.
    fn canonical_names(&self, names: &[CString]) -> Result<Vec<CString>, Refusal> {
        // course:solution p2.3 Canonicalise root + names with the OS, refuse a result outside the canonical root (compare path components, not text), and return the rest as plain names.
        let mut path = self.canonical.clone();
        path.extend(names.iter().map(|name| OsStr::from_bytes(name.to_bytes())));
        let canonical = fs::canonicalize(&path).map_err(refusal_for_io)?;
        let Ok(relative) = canonical.strip_prefix(&self.canonical) else {
            return Err(Refusal::Forbidden);
        };
        relative
            .components()
            .map(|component| match component {
                // A canonical path holds no NUL byte, so `CString::new` cannot fail.
                Component::Normal(name) => {
                    CString::new(name.as_bytes()).map_err(|_| Refusal::Forbidden)
                }
                _ => Err(Refusal::Forbidden),
            })
            .collect()
        // course:end
    }

    /// Opens a path that [`canonical_names`](Self::canonical_names) returned, by the same walk
    /// as the fast path, so nothing on it is followed. Canonicalising and opening are two
    /// system calls: if a component became a symlink in between, this refuses it.
    fn open_canonical(
        &self,
        canonical: &[CString],
        wants_directory: bool,
    ) -> Result<Resolved, Refusal> {
        self.walk(canonical, wants_directory, Unclear::Refuse)
            .unwrap_or(Err(Refusal::Forbidden))
    }
}

/// Steps 1–2 of [`Root::resolve`]: the names a request path is made of, decoded, with `.` and
/// empty segments dropped and everything that could leave the root refused.
fn decode_segments(request_path: &str) -> Result<Vec<CString>, Refusal> {
    // course:solution p2.3 Require a leading `/`, percent-decode each `/`-separated segment on its own, refuse decoded `/`, `\`, NUL and `..`, skip empty and `.` segments.
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
    // course:decoy check-before-decode Looks for `..` before percent-decoding, so `%2e%2e` becomes `..` after the check.
    // let Some(relative) = request_path.strip_prefix('/') else {
    //     return Err(Refusal::Forbidden);
    // };
    // let mut names = Vec::new();
    // for raw_segment in relative.split('/') {
    //     if raw_segment == ".." {
    //         return Err(Refusal::Forbidden);
    //     }
    //     let segment = percent_decode(raw_segment)?;
    //     if segment.iter().any(|byte| matches!(byte, b'/' | b'\\' | 0)) {
    //         return Err(Refusal::Forbidden);
    //     }
    //     if segment.is_empty() || segment == b"." {
    //         continue;
    //     }
    //     names.push(CString::new(segment).map_err(|_| Refusal::Forbidden)?);
    // }
    // Ok(names)
    // course:end
}

/// Maps a filesystem error to what the client is told: permission problems are `403`,
/// everything else (missing file, a file used as a directory, symlink loops) is `404`.
pub(crate) fn refusal_for_io(error: io::Error) -> Refusal {
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
    // course:solution p2.3 Turn every `%XX` into its byte; a `%` without two hex digits is Refusal::BadEscape; `+` stays `+`.
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
    // course:end
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
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
            root.walk(&names, path.ends_with('/'), Unclear::Defer)
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
            if let Some(walked) = root.walk(&names, wants_directory, Unclear::Defer) {
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
            Err(RootError::NotDirectory { .. })
        ));
        assert!(matches!(
            Root::new(&guard.path().join("nope")),
            Err(RootError::Open { .. })
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
    fn canonical_open_refuses_a_symlink_swapped_in_after_canonicalization() {
        let (guard, root) = fixture();
        let decoy = guard.path().join("decoy");
        fs::create_dir(&decoy).expect("mkdir");
        fs::write(decoy.join("index.html"), "secret").expect("write");
        // The canonical check runs in two steps; between them an attacker with write access to
        // the root replaces `docs` by a symlink to a directory outside.
        let names = decode_segments("/docs/index.html").expect("decodable");
        let canonical = root.canonical_names(&names).expect("inside the root");
        fs::rename(root.path().join("docs"), root.path().join("docs-old")).expect("rename");
        symlink(&decoy, root.path().join("docs")).expect("symlink");
        let opened = root.open_canonical(&canonical, false);
        assert_eq!(
            outcome(&root, opened),
            Outcome::Refused(Refusal::Forbidden),
            "a symlink that appeared after canonicalisation was followed"
        );
        // Asked afresh, the same path is refused as a symlink leaving the root.
        check(
            &root,
            "/docs/index.html",
            Outcome::Refused(Refusal::Forbidden),
        );
        check(
            &root,
            "/docs-old/index.html",
            Outcome::File("docs-old/index.html".into()),
        );
    }

    #[test]
    fn canonical_open_serves_a_symlinked_index_inside_the_root() {
        let (_guard, root) = fixture();
        fs::create_dir(root.path().join("linked")).expect("mkdir");
        symlink("../hello.txt", root.path().join("linked/index.html")).expect("symlink");
        check(&root, "/linked/", Outcome::File("hello.txt".into()));
        symlink("../../secret.txt", root.path().join("empty/index.html")).expect("symlink");
        check(&root, "/empty/", Outcome::Refused(Refusal::Forbidden));
    }
}
