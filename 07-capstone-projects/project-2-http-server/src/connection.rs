//! One client connection: the socket plus the bytes read from it that no request has consumed
//! yet, and the writing of responses to it.
//!
//! This is the buffered I/O layer, as `Connection` is in mini-redis: the reader stage calls
//! [`Connection::read_some`] and [`Connection::head_len`] until a whole request head has arrived,
//! a worker parses it from [`Connection::buffer`] and answers with
//! [`Connection::write_response`]. The socket is non-blocking throughout; writes wait for the
//! client in `poll(2)` for at most a timeout, so a client that stops reading cannot hold a worker.
//!
//! It does not parse requests (`request`), choose responses (`router`), or decide when a
//! connection is read, expired or closed (`server`).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::fs::FileExt;
use std::time::Duration;

use crate::request;
use crate::response::{Body, Response};
use crate::sys;

/// Bytes requested from the kernel per read.
const READ_CHUNK: usize = 4096;
/// Files up to this size are read into the response buffer and sent with the head in one
/// write; larger ones are streamed with `sendfile`.
const INLINE_FILE_LIMIT: u64 = 64 * 1024;
/// Buffer of the portable streaming fallback: memory per large download stays bounded by it.
const STREAM_CHUNK: usize = 64 * 1024;

/// What one [`Connection::read_some`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadOutcome {
    /// Bytes were added to the buffer.
    Progress,
    /// Nothing to read right now.
    Nothing,
    /// The client closed its side or the socket failed.
    Closed,
}

/// A non-blocking client socket and its read buffer.
#[derive(Debug)]
pub(crate) struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// `buffer[..scanned]` is known not to contain the end of a head.
    scanned: usize,
    /// Whether Nagle's algorithm has been switched off (see [`Connection::keep_alive_mode`]).
    nodelay: bool,
}

impl Connection {
    /// Wraps a socket that is already non-blocking.
    pub(crate) fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            buffer: Vec::new(),
            scanned: 0,
            nodelay: false,
        }
    }

    /// The socket, for registering it with the reader stage's poller.
    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// The bytes received and not yet consumed.
    pub(crate) fn buffer(&self) -> &[u8] {
        &self.buffer
    }

    /// Drops the first `len` bytes of the buffer: a request that has been answered.
    pub(crate) fn consume(&mut self, len: usize) {
        self.buffer.drain(..len);
        self.scanned = 0;
    }

    /// Forgets everything received and frees the buffer (a connection being drained keeps
    /// nothing it reads).
    pub(crate) fn discard_buffer(&mut self) {
        self.buffer = Vec::new();
        self.scanned = 0;
    }

    /// One non-blocking read into the buffer. The poller is level-triggered, so whatever is left
    /// in the socket is reported again on the next round.
    pub(crate) fn read_some(&mut self) -> ReadOutcome {
        // course:solution p2.1 One read of up to READ_CHUNK bytes appended to the buffer: Progress, Nothing (WouldBlock, Interrupted, a read timeout), or Closed (end of stream or an error).
        let old_len = self.buffer.len();
        self.buffer.resize(old_len + READ_CHUNK, 0);
        let (read, outcome) = match self.stream.read(&mut self.buffer[old_len..]) {
            Ok(0) => (0, ReadOutcome::Closed),
            Ok(read) => (read, ReadOutcome::Progress),
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                (0, ReadOutcome::Nothing)
            }
            Err(_) => (0, ReadOutcome::Closed),
        };
        self.buffer.truncate(old_len + read);
        outcome
        // course:end
    }

    /// Length of the complete head at the start of the buffer, if it has arrived.
    /// Remembers how far it looked, so a client dribbling bytes costs linear, not quadratic,
    /// scanning.
    pub(crate) fn head_len(&mut self) -> Option<usize> {
        let skip = request::leading_empty_lines(&self.buffer);
        if skip > 0 {
            self.consume(skip);
        }
        // A head ends with "\n\n" or "\n\r\n", so a terminator that ends in the new bytes
        // starts at most three bytes before them.
        let from = self.scanned.saturating_sub(3);
        let found = request::find_head_end(&self.buffer[from..]).map(|len| from + len);
        self.scanned = if found.is_some() {
            0
        } else {
            self.buffer.len()
        };
        found
    }

    /// Prepares the connection to carry several responses.
    ///
    /// Nagle's algorithm could hold the last small segment of one response back until the
    /// client's delayed ACK (tens of milliseconds). A connection that closes after one response
    /// does not need the system call, so it is made only once, and only here.
    pub(crate) fn keep_alive_mode(&mut self) {
        if !self.nodelay {
            // Only an optimisation, so a failure is ignored.
            let _ = self.stream.set_nodelay(true);
            self.nodelay = true;
        }
    }

    /// Writes one response, waiting at most `timeout` each time the client stops reading.
    /// Returns the number of body bytes sent.
    ///
    /// # Errors
    ///
    /// Any socket error, [`io::ErrorKind::TimedOut`] for a stalled client, or a read error of the
    /// file being sent (`UnexpectedEof` if it shrank).
    pub(crate) fn write_response(
        &self,
        response: &mut Response,
        keep_alive: bool,
        send_body: bool,
        timeout: Duration,
    ) -> io::Result<u64> {
        send_response(&self.stream, response, keep_alive, send_body, timeout)
    }

    /// One non-blocking write of a short message, for error answers sent from the reader stage:
    /// a few hundred bytes into an empty socket buffer always fit unless the client is gone, and
    /// if they do not, the client gets nothing rather than a stalled reader.
    pub(crate) fn write_best_effort(&self, bytes: &[u8]) {
        let _ = (&self.stream).write(bytes);
    }

    /// Sends FIN after the last response, so the client sees the end while the server may still
    /// read (and discard) what it sends.
    pub(crate) fn shutdown_write(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

/// Writes one response; returns the number of body bytes sent.
fn send_response(
    stream: &TcpStream,
    response: &mut Response,
    keep_alive: bool,
    send_body: bool,
    timeout: Duration,
) -> io::Result<u64> {
    // course:solution p2.1 Render the head, then send the body the status allows (none for HEAD or 304): bytes from memory, a small file read in with the head, a large one streamed with `stream_file`.
    let mut out = Vec::with_capacity(512);
    response.write_head(keep_alive, &mut out);
    let body = if send_body && response.status().allows_body() {
        response.take_body()
    } else {
        Body::Empty
    };
    match body {
        Body::Empty => write_all(stream, &out, timeout).map(|()| 0),
        Body::Bytes(bytes) => {
            out.extend_from_slice(&bytes);
            write_all(stream, &out, timeout).map(|()| bytes.len() as u64)
        }
        Body::File { file, offset, len } if len <= INLINE_FILE_LIMIT => {
            // `len` is at most 64 KiB here, so it fits in usize on every platform.
            let head_len = out.len();
            out.resize(head_len + len as usize, 0);
            file.read_exact_at(&mut out[head_len..], offset)?;
            write_all(stream, &out, timeout).map(|()| len)
        }
        Body::File { file, offset, len } => {
            write_head_before_file(stream, &out, timeout)?;
            stream_file(stream, &file, offset, len, timeout).map(|()| len)
        }
    }
    // course:decoy lossy-body Reads files into a String with `read_to_string` and lossy UTF-8, so binary files are corrupted.
    // use std::io::{Seek, SeekFrom};
    // let mut out = Vec::with_capacity(512);
    // response.write_head(keep_alive, &mut out);
    // let body = if send_body && response.status().allows_body() {
    //     response.take_body()
    // } else {
    //     Body::Empty
    // };
    // let sent = match body {
    //     Body::Empty => 0,
    //     Body::Bytes(bytes) => {
    //         out.extend_from_slice(&bytes);
    //         bytes.len() as u64
    //     }
    //     Body::File { mut file, offset, len } => {
    //         let mut raw = Vec::new();
    //         file.seek(SeekFrom::Start(offset))?;
    //         (&mut file).take(len).read_to_end(&mut raw)?;
    //         let text = String::from_utf8_lossy(&raw).into_owned();
    //         out.extend_from_slice(&text.as_bytes()[..raw.len().min(text.len())]);
    //         len
    //     }
    // };
    // write_all(stream, &out, timeout).map(|()| sent)
    // course:end
}

/// Writes all of `bytes` to a non-blocking socket, waiting up to `timeout` each time the
/// socket is full.
fn write_all(stream: &TcpStream, bytes: &[u8], timeout: Duration) -> io::Result<()> {
    write_all_with(stream, bytes, timeout, |bytes| (&*stream).write(bytes))
}

/// The loop behind [`write_all`]: `send` writes some of the bytes it is given, and `WouldBlock`
/// waits for `stream` to take more, for at most `timeout`.
fn write_all_with(
    stream: &TcpStream,
    mut bytes: &[u8],
    timeout: Duration,
    mut send: impl FnMut(&[u8]) -> io::Result<usize>,
) -> io::Result<()> {
    while !bytes.is_empty() {
        match send(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(written) => bytes = &bytes[written..],
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                sys::wait_writable(stream, timeout)?
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Writes a response head that a streamed file body will follow. On Linux the head is sent with
/// `MSG_MORE`, so it shares its first packet with the file data instead of travelling alone.
fn write_head_before_file(stream: &TcpStream, head: &[u8], timeout: Duration) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        write_all_with(stream, head, timeout, |head| sys::send_more(stream, head))
    }
    #[cfg(not(target_os = "linux"))]
    {
        write_all(stream, head, timeout)
    }
}

/// Sends `len` bytes of `file` from `offset`: with `sendfile(2)` on Linux (no copy through user
/// space), and through a bounded buffer elsewhere or if `sendfile` is refused.
fn stream_file(
    stream: &TcpStream,
    file: &std::fs::File,
    offset: u64,
    len: u64,
    timeout: Duration,
) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut offset = offset;
        let end = offset + len;
        while offset < end {
            let chunk = usize::try_from(end - offset)
                .unwrap_or(usize::MAX)
                .min(1 << 30);
            match sys::sendfile(stream, file, &mut offset, chunk) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()), // file shrank
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    sys::wait_writable(stream, timeout)?
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                // EINVAL/ENOSYS: this file system cannot sendfile; finish with the fallback.
                Err(error) if matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {
                    return copy_with_buffer(stream, file, offset, end - offset, timeout);
                }
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        copy_with_buffer(stream, file, offset, len, timeout)
    }
}

/// The portable way to stream a file: positioned reads into one fixed buffer, each followed by
/// a full write. Memory stays at [`STREAM_CHUNK`] however large the file.
fn copy_with_buffer(
    stream: &TcpStream,
    file: &std::fs::File,
    mut offset: u64,
    len: u64,
    timeout: Duration,
) -> io::Result<()> {
    let mut buffer = vec![0; STREAM_CHUNK];
    let end = offset + len;
    while offset < end {
        let want =
            usize::try_from(end - offset).map_or(STREAM_CHUNK, |left| left.min(STREAM_CHUNK));
        let read = file.read_at(&mut buffer[..want], offset)?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into()); // file shrank
        }
        write_all(stream, &buffer[..read], timeout)?;
        offset += read as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::net::TcpListener;
    use std::thread;

    /// A connected pair of TCP sockets on loopback: (server side, client side).
    fn socket_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        (server, client)
    }

    #[test]
    fn copy_with_buffer_streams_the_requested_range() {
        let mut file = tempfile::tempfile().expect("temp file");
        let content: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
        file.write_all(&content).expect("write");
        let (server, mut client) = socket_pair();
        server.set_nonblocking(true).expect("nonblocking");
        let reader = thread::spawn(move || {
            let mut received = Vec::new();
            client.read_to_end(&mut received).expect("read");
            received
        });
        copy_with_buffer(&server, &file, 1000, 150_000, Duration::from_secs(5)).expect("copy");
        drop(server);
        assert_eq!(reader.join().expect("reader"), &content[1000..151_000]);
    }

    #[test]
    fn stream_file_reports_a_file_that_shrank() {
        let file: File = tempfile::tempfile().expect("temp file");
        file.set_len(10).expect("set_len");
        let (server, _client) = socket_pair();
        server.set_nonblocking(true).expect("nonblocking");
        let error =
            stream_file(&server, &file, 0, 100, Duration::from_secs(1)).expect_err("short file");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn head_len_scans_incrementally() {
        let (server, _client) = socket_pair();
        let mut connection = Connection::new(server);
        let head = b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        for &byte in head.iter() {
            assert_eq!(connection.head_len(), None);
            connection.buffer.push(byte);
        }
        // The leading CRLF is stripped, the rest is one complete head.
        assert_eq!(connection.head_len(), Some(head.len() - 2));
    }
}
