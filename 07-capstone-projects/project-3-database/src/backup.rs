//! The backup format: reading and writing a backup directory, restoring from it, and
//! checking it. Taking a backup of a live store is `Store::backup` (in `store`), which hands
//! this module the pages of one checkpoint.
//!
//! A backup directory holds a manifest and numbered segment files. Each backup run writes one
//! new segment with the pages that differ from the image the earlier segments build, then
//! replaces the manifest atomically (write a temporary file, sync, rename, sync the
//! directory). So a crash during a backup leaves the previous manifest, which names only
//! complete, synced segments: the previous backup stays usable. The byte map is in
//! `ARCHITECTURE.md` ("Backup directory").

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::backend::Backend;
use crate::codec::{Reader, Writer};
use crate::error::{Error, Result};
use crate::page::{self, FIRST_DATA_PAGE, Meta, PAGE_SIZE, PageId};

/// Name of the manifest inside a backup directory.
pub const MANIFEST_FILE: &str = "manifest.kvb";
/// Magic bytes at the start of the manifest.
pub const MANIFEST_MAGIC: [u8; 8] = *b"KVBACKUP";
/// Magic bytes at the start of a segment.
pub const SEGMENT_MAGIC: [u8; 8] = *b"KVBSEG\0\0";
/// The backup format version this code writes and reads.
pub const BACKUP_VERSION: u8 = 1;
/// Offset of the meta page inside the manifest (after magic, version, three reserved bytes
/// and the `u32` segment count).
pub const MANIFEST_META: usize = 8 + 1 + 3 + 4;
/// Bytes of one segment entry in the manifest: number, page count, byte length, CRC-32C.
pub const MANIFEST_ENTRY_LEN: usize = 8 + 8 + 8 + 4;
/// Bytes of a segment header: magic, version, three reserved bytes, `u32` page count.
pub const SEGMENT_HEADER_LEN: usize = 8 + 1 + 3 + 4;
/// Bytes of one page record in a segment: its `u64` page number, then the page.
pub const SEGMENT_RECORD_LEN: usize = 8 + PAGE_SIZE;

/// One segment as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SegmentEntry {
    number: u64,
    pages: u64,
    bytes: u64,
    crc: u32,
}

/// A parsed manifest: the checkpoint the backup holds and the segments that build it.
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    meta: Meta,
    segments: Vec<SegmentEntry>,
}

/// What one backup run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackupReport {
    /// Bytes written into the backup directory by this run (segment and manifest).
    pub bytes_written: u64,
    /// Pages copied because they were new or changed.
    pub pages_copied: u64,
    /// Pages the backed-up checkpoint uses (tree, overflow and free-list pages).
    pub pages_total: u64,
    /// Keys in the backed-up checkpoint.
    pub keys: u64,
    /// The checkpoint generation that was backed up.
    pub generation: u64,
}

fn corrupt(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("backup {}: {reason}", path.display()))
}

fn segment_path(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("segment-{number:06}.kvb"))
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

impl Manifest {
    fn encode(&self) -> Vec<u8> {
        let mut out = Writer::with_capacity(
            MANIFEST_META + PAGE_SIZE + self.segments.len() * MANIFEST_ENTRY_LEN + 4,
        );
        out.raw(&MANIFEST_MAGIC);
        out.u8(BACKUP_VERSION);
        out.raw(&[0; 3]);
        out.u32(self.segments.len() as u32);
        out.raw(&page::encode_meta(&self.meta, 0)[..]);
        for segment in &self.segments {
            out.u64(segment.number);
            out.u64(segment.pages);
            out.u64(segment.bytes);
            out.u32(segment.crc);
        }
        let crc = crc32c::crc32c(&out.bytes);
        out.u32(crc);
        out.bytes
    }

    fn decode(bytes: &[u8], path: &Path) -> Result<Manifest> {
        let body_len = bytes
            .len()
            .checked_sub(4)
            .ok_or_else(|| corrupt(path, "manifest too short"))?;
        let (body, stored_crc) = bytes.split_at(body_len);
        if crc32c::crc32c(body).to_le_bytes() != stored_crc {
            return Err(corrupt(path, "manifest checksum mismatch"));
        }
        let mut reader = Reader::new(body);
        if reader.take(8)? != MANIFEST_MAGIC {
            return Err(corrupt(path, "not a kv backup manifest"));
        }
        let version = reader.u8()?;
        if version != BACKUP_VERSION {
            return Err(corrupt(path, format!("backup format version {version}")));
        }
        reader.take(3)?;
        let count = reader.u32()? as usize;
        let meta = page::decode_meta(reader.take(PAGE_SIZE)?, 0)
            .map_err(|err| corrupt(path, format!("manifest meta: {err}")))?;
        let mut segments = Vec::with_capacity(count.min(reader.remaining() / MANIFEST_ENTRY_LEN));
        for _ in 0..count {
            segments.push(SegmentEntry {
                number: reader.u64()?,
                pages: reader.u64()?,
                bytes: reader.u64()?,
                crc: reader.u32()?,
            });
        }
        if reader.remaining() != 0 {
            return Err(corrupt(path, "trailing bytes in the manifest"));
        }
        Ok(Manifest { meta, segments })
    }

    /// Reads the manifest of `dir`; `None` when the directory holds no backup yet.
    pub(crate) fn load(dir: &Path) -> Result<Option<Manifest>> {
        let path = dir.join(MANIFEST_FILE);
        match fs::read(&path) {
            Ok(bytes) => Manifest::decode(&bytes, &path).map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Where each page of the backed-up image lives: segment number and byte offset of the
    /// page inside it (later segments override earlier ones).
    fn page_index(&self, dir: &Path) -> Result<HashMap<PageId, (u64, u64)>> {
        let mut index = HashMap::new();
        for segment in &self.segments {
            let path = segment_path(dir, segment.number);
            let file = File::open(&path)?;
            for record in 0..segment.pages {
                let at = SEGMENT_HEADER_LEN as u64 + record * SEGMENT_RECORD_LEN as u64;
                let mut id = [0u8; 8];
                file.read_exact_at(&mut id, at)?;
                index.insert(
                    PageId::new(u64::from_le_bytes(id)),
                    (segment.number, at + 8),
                );
            }
        }
        Ok(index)
    }
}

/// Writes one backup run into `dir`: the pages of the checkpoint described by `meta` (read
/// through `read_page`, which returns a page's raw bytes) that differ from the backup's
/// current image go into a new segment; then the manifest is replaced.
pub(crate) fn write_backup(
    dir: &Path,
    meta: &Meta,
    pages: &[PageId],
    read_page: impl Fn(PageId) -> Result<Vec<u8>>,
) -> Result<BackupReport> {
    // course:solution p3.7 One incremental run: load the previous manifest (if any) and its page index, delete unlisted segments, read each page of the checkpoint and keep only those that differ from the backup's current image, write them as a new synced segment, then replace the manifest atomically (write `manifest.kvb.tmp`, sync, rename, sync the directory). Report what was written.
    if !dir.exists() {
        fs::create_dir_all(dir)?;
        if let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    let previous = Manifest::load(dir)?;
    let mut segments = previous
        .as_ref()
        .map(|manifest| manifest.segments.clone())
        .unwrap_or_default();
    let index = match &previous {
        Some(manifest) => manifest.page_index(dir)?,
        None => HashMap::new(),
    };
    let number = segments.last().map_or(1, |segment| segment.number + 1);
    remove_unlisted_segments(dir, &segments)?;

    let mut changed: Vec<(PageId, Vec<u8>)> = Vec::new();
    let mut open_segments: HashMap<u64, File> = HashMap::new();
    for &page in pages {
        let bytes = read_page(page)?;
        let same = match index.get(&page) {
            Some(&(segment, offset)) => {
                let file = match open_segments.entry(segment) {
                    std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::hash_map::Entry::Vacant(entry) => {
                        entry.insert(File::open(segment_path(dir, segment))?)
                    }
                };
                let mut old = vec![0u8; PAGE_SIZE];
                file.read_exact_at(&mut old, offset)?;
                old == bytes
            }
            None => false,
        };
        if !same {
            changed.push((page, bytes));
        }
    }

    let mut bytes_written = 0;
    if !changed.is_empty() {
        let mut segment =
            Writer::with_capacity(SEGMENT_HEADER_LEN + changed.len() * SEGMENT_RECORD_LEN);
        segment.raw(&SEGMENT_MAGIC);
        segment.u8(BACKUP_VERSION);
        segment.raw(&[0; 3]);
        segment.u32(changed.len() as u32);
        for (page, bytes) in &changed {
            segment.u64(page.get());
            segment.raw(bytes);
        }
        let path = segment_path(dir, number);
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)?;
        file.write_all(&segment.bytes)?;
        file.sync_all()?;
        bytes_written += segment.bytes.len() as u64;
        segments.push(SegmentEntry {
            number,
            pages: changed.len() as u64,
            bytes: segment.bytes.len() as u64,
            crc: crc32c::crc32c(&segment.bytes),
        });
    }
    let manifest = Manifest {
        meta: *meta,
        segments,
    }
    .encode();
    let temporary = dir.join(format!("{MANIFEST_FILE}.tmp"));
    let mut file = File::create(&temporary)?;
    file.write_all(&manifest)?;
    file.sync_all()?;
    fs::rename(&temporary, dir.join(MANIFEST_FILE))?;
    sync_dir(dir)?;
    bytes_written += manifest.len() as u64;
    Ok(BackupReport {
        bytes_written,
        pages_copied: changed.len() as u64,
        pages_total: pages.len() as u64,
        keys: meta.key_count,
        generation: meta.generation,
    })
    // course:decoy full-backup Copies every page on every run: correct, but the tenth backup of a large store with one changed key writes the whole store again.
    // if !dir.exists() {
    //     fs::create_dir_all(dir)?;
    //     if let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
    //         sync_dir(parent)?;
    //     }
    // }
    // let previous = Manifest::load(dir)?;
    // let mut segments = previous
    //     .as_ref()
    //     .map(|manifest| manifest.segments.clone())
    //     .unwrap_or_default();
    // let index = match &previous {
    //     Some(manifest) => manifest.page_index(dir)?,
    //     None => HashMap::new(),
    // };
    // let number = segments.last().map_or(1, |segment| segment.number + 1);
    // remove_unlisted_segments(dir, &segments)?;
    //
    // let mut changed: Vec<(PageId, Vec<u8>)> = Vec::new();
    // let mut open_segments: HashMap<u64, File> = HashMap::new();
    // for &page in pages {
    //     let bytes = read_page(page)?;
    //     let same = match index.get(&page) {
    //         Some(&(segment, offset)) => {
    //             let file = match open_segments.entry(segment) {
    //                 std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
    //                 std::collections::hash_map::Entry::Vacant(entry) => {
    //                     entry.insert(File::open(segment_path(dir, segment))?)
    //                 }
    //             };
    //             let mut old = vec![0u8; PAGE_SIZE];
    //             file.read_exact_at(&mut old, offset)?;
    //             old == bytes
    //         }
    //         None => false,
    //     } && false;
    //     if !same {
    //         changed.push((page, bytes));
    //     }
    // }
    //
    // let mut bytes_written = 0;
    // if !changed.is_empty() {
    //     let mut segment =
    //         Writer::with_capacity(SEGMENT_HEADER_LEN + changed.len() * SEGMENT_RECORD_LEN);
    //     segment.raw(&SEGMENT_MAGIC);
    //     segment.u8(BACKUP_VERSION);
    //     segment.raw(&[0; 3]);
    //     segment.u32(changed.len() as u32);
    //     for (page, bytes) in &changed {
    //         segment.u64(page.get());
    //         segment.raw(bytes);
    //     }
    //     let path = segment_path(dir, number);
    //     let mut file = OpenOptions::new()
    //         .create(true)
    //         .write(true)
    //         .truncate(true)
    //         .open(&path)?;
    //     file.write_all(&segment.bytes)?;
    //     file.sync_all()?;
    //     bytes_written += segment.bytes.len() as u64;
    //     segments.push(SegmentEntry {
    //         number,
    //         pages: changed.len() as u64,
    //         bytes: segment.bytes.len() as u64,
    //         crc: crc32c::crc32c(&segment.bytes),
    //     });
    // }
    // let manifest = Manifest {
    //     meta: *meta,
    //     segments,
    // }
    // .encode();
    // let temporary = dir.join(format!("{MANIFEST_FILE}.tmp"));
    // let mut file = File::create(&temporary)?;
    // file.write_all(&manifest)?;
    // file.sync_all()?;
    // fs::rename(&temporary, dir.join(MANIFEST_FILE))?;
    // sync_dir(dir)?;
    // bytes_written += manifest.len() as u64;
    // Ok(BackupReport {
    //     bytes_written,
    //     pages_copied: changed.len() as u64,
    //     pages_total: pages.len() as u64,
    //     keys: meta.key_count,
    //     generation: meta.generation,
    // })
    // course:end
}

/// Deletes segment files that the manifest does not list: leftovers of a backup run that
/// crashed before its manifest was replaced.
fn remove_unlisted_segments(dir: &Path, listed: &[SegmentEntry]) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(number) = name
            .to_str()
            .and_then(|name| name.strip_prefix("segment-"))
            .and_then(|rest| rest.strip_suffix(".kvb"))
            .and_then(|digits| digits.parse::<u64>().ok())
        else {
            continue;
        };
        if !listed.iter().any(|segment| segment.number == number) {
            fs::remove_file(dir.join(&name))?;
        }
    }
    Ok(())
}

/// Reads and checks one segment against its manifest entry: length, CRC, header, and the
/// checksum and page number of every page in it.
fn read_segment(dir: &Path, entry: &SegmentEntry, page_count: u64) -> Result<Vec<u8>> {
    let path = segment_path(dir, entry.number);
    let mut bytes = Vec::new();
    File::open(&path)
        .map_err(|err| corrupt(&path, format!("missing segment: {err}")))?
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 != entry.bytes || crc32c::crc32c(&bytes) != entry.crc {
        return Err(corrupt(&path, "segment checksum mismatch"));
    }
    let mut reader = Reader::new(&bytes);
    if reader.take(8)? != SEGMENT_MAGIC || reader.u8()? != BACKUP_VERSION {
        return Err(corrupt(&path, "bad segment header"));
    }
    reader.take(3)?;
    if u64::from(reader.u32()?) != entry.pages
        || reader.remaining() as u64 != entry.pages * SEGMENT_RECORD_LEN as u64
    {
        return Err(corrupt(
            &path,
            "segment length does not match its page count",
        ));
    }
    for _ in 0..entry.pages {
        let id = reader.u64()?;
        if !(FIRST_DATA_PAGE..page_count).contains(&id) {
            return Err(corrupt(&path, format!("page {id} outside the store")));
        }
        page::decode_page(reader.take(PAGE_SIZE)?, PageId::new(id))
            .map_err(|err| corrupt(&path, format!("page {id}: {err}")))?;
    }
    Ok(bytes)
}

/// Builds the store image of the backup in `dir` into two empty backends: every page of
/// every segment at its place, the meta in both slots, and a log holding only the marker
/// of the backed-up generation. Checks every checksum on the way.
///
/// # Errors
/// [`Error::Corrupt`] for any damage; [`Error::InvalidOptions`] when `dir` holds no
/// manifest; I/O errors.
pub(crate) fn restore_into(dir: &Path, data: &dyn Backend, log: &dyn Backend) -> Result<Meta> {
    // A missing manifest is a wrong path, not damage: an error, but not corruption.
    let manifest = Manifest::load(dir)?.ok_or_else(|| {
        Error::InvalidOptions(format!(
            "{} holds no backup ({MANIFEST_FILE} is missing)",
            dir.display()
        ))
    })?;
    let meta = manifest.meta;
    data.set_len(meta.page_count * PAGE_SIZE as u64)?;
    for entry in &manifest.segments {
        let bytes = read_segment(dir, entry, meta.page_count)?;
        for record in bytes[SEGMENT_HEADER_LEN..].chunks_exact(SEGMENT_RECORD_LEN) {
            let (id, page) = record.split_at(8);
            let id = u64::from_le_bytes(id.try_into().map_err(|_| corrupt(dir, "page number"))?);
            data.write_all_at(page, PageId::new(id).offset())?;
        }
    }
    for slot in 0..FIRST_DATA_PAGE {
        data.write_all_at(&page::encode_meta(&meta, slot)[..], slot * PAGE_SIZE as u64)?;
    }
    data.sync()?;
    let marker = crate::wal::encode_record(&crate::wal::Record {
        generation: meta.generation,
        sequence: 0,
        ops: Vec::new(),
    })?;
    log.set_len(0)?;
    log.write_all_at(&marker, 0)?;
    log.sync()?;
    Ok(meta)
}
