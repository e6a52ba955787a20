//! Little-endian byte reader and writer shared by the page codec and the log codec.
//!
//! The reader never slices past its input: every read checks what is left and returns
//! [`CodecError::Truncated`] instead, which is what lets the decoders promise "error, never panic".

use crate::error::CodecError;

/// A cursor over a byte slice that hands out little-endian integers and sub-slices.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `bytes` at offset 0.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, offset: 0 }
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// Takes the next `len` bytes.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] when fewer than `len` bytes are left.
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], CodecError> {
        // course:solution p3.1 Hand out the next `len` bytes and advance; never slice past the end: report `CodecError::Truncated` instead.
        if self.remaining() < len {
            return Err(CodecError::Truncated {
                offset: self.offset,
                needed: len,
            });
        }
        let slice = &self.bytes[self.offset..self.offset + len];
        self.offset += len;
        Ok(slice)
        // course:decoy unchecked-take Slices without checking what is left, so a truncated or hostile input panics instead of returning an error.
        // let slice = &self.bytes[self.offset..self.offset + len];
        // self.offset += len;
        // Ok(slice)
        // course:end
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// Reads one byte.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of input.
    pub fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.array::<1>()?[0])
    }

    /// Reads a little-endian `u16`.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of input.
    pub fn u16(&mut self) -> Result<u16, CodecError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// Reads a little-endian `u32`.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of input.
    pub fn u32(&mut self) -> Result<u32, CodecError> {
        // course:solution p3.1 Read four bytes as a little-endian u32 (see `u16` above).
        Ok(u32::from_le_bytes(self.array()?))
        // course:decoy big-endian Reads and writes integers big-endian: round trips work, but the bytes contradict the documented format.
        // Ok(u32::from_be_bytes(self.array()?))
        // course:end
    }

    /// Reads a little-endian `u64`.
    ///
    /// # Errors
    /// [`CodecError::Truncated`] at the end of input.
    pub fn u64(&mut self) -> Result<u64, CodecError> {
        // course:solution p3.1 Read eight bytes as a little-endian u64.
        Ok(u64::from_le_bytes(self.array()?))
        // course:decoy big-endian
        // Ok(u64::from_be_bytes(self.array()?))
        // course:end
    }
}

/// Appends little-endian integers to a growing buffer.
#[derive(Debug, Default)]
pub struct Writer {
    /// The bytes written so far.
    pub bytes: Vec<u8>,
}

impl Writer {
    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer {
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// Appends one byte.
    pub fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// Appends a little-endian `u16`.
    pub fn u16(&mut self, value: u16) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    /// Appends a little-endian `u32`.
    pub fn u32(&mut self, value: u32) {
        // course:solution p3.1 Append `value` as four little-endian bytes.
        self.bytes.extend_from_slice(&value.to_le_bytes());
        // course:decoy big-endian
        // self.bytes.extend_from_slice(&value.to_be_bytes());
        // course:end
    }

    /// Appends a little-endian `u64`.
    pub fn u64(&mut self, value: u64) {
        // course:solution p3.1 Append `value` as eight little-endian bytes.
        self.bytes.extend_from_slice(&value.to_le_bytes());
        // course:decoy big-endian
        // self.bytes.extend_from_slice(&value.to_be_bytes());
        // course:end
    }

    /// Appends raw bytes.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_round_trips_writer_output() {
        let mut writer = Writer::default();
        writer.u8(7);
        writer.u16(0x1234);
        writer.u32(0xdead_beef);
        writer.u64(u64::MAX - 1);
        writer.raw(b"abc");
        let mut reader = Reader::new(&writer.bytes);
        assert_eq!(reader.u8().unwrap(), 7);
        assert_eq!(reader.u16().unwrap(), 0x1234);
        assert_eq!(reader.u32().unwrap(), 0xdead_beef);
        assert_eq!(reader.u64().unwrap(), u64::MAX - 1);
        assert_eq!(reader.take(3).unwrap(), b"abc");
        assert_eq!(reader.remaining(), 0);
    }

    #[test]
    fn reader_reports_truncation_instead_of_panicking() {
        let mut reader = Reader::new(&[1, 2, 3]);
        assert_eq!(
            reader.u32(),
            Err(CodecError::Truncated {
                offset: 0,
                needed: 4
            })
        );
        assert!(reader.take(usize::MAX).is_err());
    }

    #[test]
    fn writer_is_little_endian() {
        let mut writer = Writer::default();
        writer.u32(1);
        assert_eq!(writer.bytes, [1, 0, 0, 0]);
    }
}
