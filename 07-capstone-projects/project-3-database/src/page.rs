//! Page layouts of `data.kv` and the hand-written, versioned page codec.
//!
//! The byte map is in `ARCHITECTURE.md` ("Data file pages"); the constants below mirror it.
//! [`decode_page`] returns [`CodecError`] for every malformed input and never panics;
//! the property tests at the bottom feed it arbitrary bytes. This module does no I/O.

use crate::codec::{Reader, Writer};
use crate::error::CodecError;

/// Size of every page in bytes.
pub const PAGE_SIZE: usize = 4096;
/// Offset of the CRC-32C of bytes `PAGE_KIND..PAGE_SIZE`.
pub const PAGE_CRC: usize = 0;
/// Offset of the page kind byte.
pub const PAGE_KIND: usize = PAGE_CRC + 4;
/// Offset of the format version byte.
pub const PAGE_VERSION: usize = PAGE_KIND + 1;
/// Offset of the `u16` item count.
pub const PAGE_COUNT: usize = PAGE_VERSION + 1;
/// Offset of the page's own number.
pub const PAGE_ID: usize = PAGE_COUNT + 2;
/// Offset where the kind-specific body starts.
pub const PAGE_BODY: usize = PAGE_ID + 8;
/// Bytes available for a body.
pub const BODY_CAPACITY: usize = PAGE_SIZE - PAGE_BODY;
/// The page format version this code writes. Version 2 added the meta's compression byte
/// and index tree fields.
pub const FORMAT_VERSION: u8 = 2;
/// The oldest version this code reads. A version 1 meta has zero padding where version 2
/// keeps the compression byte and the index tree, and zeros mean [`Compression::None`] and
/// an empty index tree, so it reads the same.
pub const MIN_FORMAT_VERSION: u8 = 1;

/// Page kind: meta slot.
pub const KIND_META: u8 = 1;
/// Page kind: B+tree leaf.
pub const KIND_LEAF: u8 = 2;
/// Page kind: B+tree internal node.
pub const KIND_INTERNAL: u8 = 3;
/// Page kind: part of a large value.
pub const KIND_OVERFLOW: u8 = 4;
/// Page kind: part of the free list.
pub const KIND_FREELIST: u8 = 5;

/// Magic bytes at the start of the meta body.
pub const META_MAGIC: [u8; 8] = *b"KVSTORE\0";
/// Offset of the meta magic.
pub const META_MAGIC_OFFSET: usize = PAGE_BODY;
/// Offset of the recorded page size.
pub const META_PAGE_SIZE: usize = META_MAGIC_OFFSET + 8;
/// Offset of the checkpoint generation.
pub const META_GENERATION: usize = META_PAGE_SIZE + 4;
/// Offset of the root page number.
pub const META_ROOT: usize = META_GENERATION + 8;
/// Offset of the first free-list page number.
pub const META_FREELIST: usize = META_ROOT + 8;
/// Offset of the page count.
pub const META_PAGE_COUNT: usize = META_FREELIST + 8;
/// Offset of the live key count.
pub const META_KEY_COUNT: usize = META_PAGE_COUNT + 8;
/// Offset of the value compression byte (see [`Compression`]).
pub const META_COMPRESSION: usize = META_KEY_COUNT + 8;
/// Offset of the root page of the index tree, 0 when it is empty.
pub const META_INDEX_ROOT: usize = META_COMPRESSION + 1;
/// Offset of the number of entries in the index tree.
pub const META_INDEX_ENTRIES: usize = META_INDEX_ROOT + 8;
/// The two meta slots are pages 0 and 1; tree pages start here.
pub const FIRST_DATA_PAGE: u64 = 2;

/// Longest key accepted, chosen so one leaf entry is at most a quarter of a page body.
pub const MAX_KEY_LEN: usize = 512;
/// Longest value stored inside a leaf; longer values go to overflow pages.
pub const MAX_INLINE_VALUE: usize = 400;
/// Longest value accepted at all (1 GiB).
pub const MAX_VALUE_LEN: usize = 1 << 30;
/// Data bytes that fit in one overflow page (after the `next_page` field).
pub const OVERFLOW_CAPACITY: usize = BODY_CAPACITY - 8;
/// Page ids that fit in one free-list page (after the `next_page` field).
pub const FREELIST_CAPACITY: usize = (BODY_CAPACITY - 8) / 8;

const TAG_INLINE: u8 = 0;
const TAG_OVERFLOW: u8 = 1;

/// The number of a page in `data.kv`; page `n` starts at byte `n * PAGE_SIZE`.
///
/// References to pages that may be absent (an empty tree's root, the end of a chain) are
/// `Option<PageId>` in memory. On disk they are a `u64` where 0 means "none": page 0 is a
/// meta slot, which nothing ever refers to, so the encoding is unambiguous
/// ([`PageId::encode_ref`], [`PageId::decode_ref`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(u64);

impl PageId {
    /// Page number `number`.
    pub const fn new(number: u64) -> Self {
        PageId(number)
    }

    /// The page number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The byte offset of the page in the data file.
    pub const fn offset(self) -> u64 {
        self.0 * PAGE_SIZE as u64
    }

    /// The on-disk form of an optional page reference (0 for none).
    pub fn encode_ref(page: Option<PageId>) -> u64 {
        page.map_or(0, PageId::get)
    }

    /// Reads an optional page reference: 0 is none; any other value must name a data page.
    ///
    /// # Errors
    /// [`CodecError::Invalid`] naming `field` when the number is a meta slot.
    pub fn decode_ref(raw: u64, field: &'static str) -> Result<Option<PageId>, CodecError> {
        if raw == 0 {
            return Ok(None);
        }
        check_page_ref(raw, field).map(Some)
    }
}

impl std::fmt::Display for PageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a value lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Stored in the leaf itself.
    Inline(Vec<u8>),
    /// Stored in a chain of overflow pages.
    Overflow {
        /// Total length in bytes.
        len: u64,
        /// First page of the chain.
        first: PageId,
    },
}

impl Value {
    /// Bytes this value takes inside a leaf entry (tag included).
    pub fn encoded_len(&self) -> usize {
        match self {
            Value::Inline(bytes) => 1 + 2 + bytes.len(),
            Value::Overflow { .. } => 1 + 8 + 8,
        }
    }
}

/// A decoded page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Sorted keys with their values.
    Leaf {
        /// Strictly increasing keys.
        keys: Vec<Vec<u8>>,
        /// `values[i]` belongs to `keys[i]`.
        values: Vec<Value>,
    },
    /// Separator keys and children; `children.len() == keys.len() + 1`.
    Internal {
        /// Strictly increasing separators.
        keys: Vec<Vec<u8>>,
        /// Child `i` holds keys in `keys[i-1]..keys[i]`.
        children: Vec<PageId>,
    },
    /// A piece of a large value.
    Overflow {
        /// The next page of the chain, `None` at the end.
        next: Option<PageId>,
        /// Up to [`OVERFLOW_CAPACITY`] bytes.
        data: Vec<u8>,
    },
    /// A piece of the free list.
    FreeList {
        /// The next page of the list, `None` at the end.
        next: Option<PageId>,
        /// Free page numbers.
        ids: Vec<PageId>,
    },
}

impl Node {
    /// An empty leaf.
    pub fn empty_leaf() -> Self {
        Node::Leaf {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Body bytes this node needs when encoded.
    pub fn body_len(&self) -> usize {
        match self {
            Node::Leaf { keys, values } => keys
                .iter()
                .zip(values)
                .map(|(key, value)| leaf_entry_len(key, value))
                .sum(),
            Node::Internal { keys, .. } => {
                8 + keys
                    .iter()
                    .map(|key| internal_entry_len(key))
                    .sum::<usize>()
            }
            Node::Overflow { data, .. } => 8 + data.len(),
            Node::FreeList { ids, .. } => 8 + 8 * ids.len(),
        }
    }

    /// True when the node fits in one page.
    pub fn fits(&self) -> bool {
        self.body_len() <= BODY_CAPACITY && self.item_count() <= usize::from(u16::MAX)
    }

    /// Number of items: keys, data bytes or page ids (the page header's `count`).
    pub fn item_count(&self) -> usize {
        match self {
            Node::Leaf { keys, .. } | Node::Internal { keys, .. } => keys.len(),
            Node::Overflow { data, .. } => data.len(),
            Node::FreeList { ids, .. } => ids.len(),
        }
    }
}

/// Encoded size of one leaf entry.
pub fn leaf_entry_len(key: &[u8], value: &Value) -> usize {
    2 + key.len() + value.encoded_len()
}

/// Encoded size of one internal entry (separator and right child).
pub fn internal_entry_len(key: &[u8]) -> usize {
    2 + key.len() + 8
}

/// The first 8 bytes of `key` as a big-endian number, zero-padded.
///
/// If `key_head(a) < key_head(b)` then `a < b` in byte order, so a binary search can compare
/// these numbers (stored side by side in one array, which is kind to the CPU cache) and look
/// at the full keys only when two heads are equal.
pub fn key_head(key: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let len = key.len().min(8);
    head[..len].copy_from_slice(&key[..len]);
    u64::from_be_bytes(head)
}

/// The heads of a tree node's keys (empty for other kinds of page).
pub fn key_heads(node: &Node) -> Box<[u64]> {
    match node {
        Node::Leaf { keys, .. } | Node::Internal { keys, .. } => {
            keys.iter().map(|key| key_head(key)).collect()
        }
        _ => Box::new([]),
    }
}

/// Compares `keys[index]` with `key` using the heads first.
fn compare_at(
    keys: &[Vec<u8>],
    heads: &[u64],
    index: usize,
    key: &[u8],
    head: u64,
) -> std::cmp::Ordering {
    heads[index]
        .cmp(&head)
        .then_with(|| keys[index].as_slice().cmp(key))
}

/// Binary search for `key` in sorted `keys` with their `heads`: `Ok(index)` when found,
/// `Err(insertion index)` otherwise, like `slice::binary_search`.
pub fn search_keys(keys: &[Vec<u8>], heads: &[u64], key: &[u8]) -> Result<usize, usize> {
    debug_assert_eq!(keys.len(), heads.len());
    let head = key_head(key);
    let (mut low, mut high) = (0, keys.len());
    while low < high {
        let middle = low + (high - low) / 2;
        match compare_at(keys, heads, middle, key, head) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return Ok(middle),
        }
    }
    Err(low)
}

/// The number of keys `<= key` (for an internal node: the index of the child to follow).
pub fn count_at_most(keys: &[Vec<u8>], heads: &[u64], key: &[u8]) -> usize {
    match search_keys(keys, heads, key) {
        Ok(index) => index + 1,
        Err(index) => index,
    }
}

/// The contents of a meta slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// Number of the checkpoint that wrote this meta.
    pub generation: u64,
    /// Root of the B+tree, `None` when empty.
    pub root: Option<PageId>,
    /// First free-list page, `None` when there is no list.
    pub freelist: Option<PageId>,
    /// Pages `0..page_count` belong to the store.
    pub page_count: u64,
    /// Number of live keys.
    pub key_count: u64,
    /// How values are stored; fixed when the store is created.
    pub compression: Compression,
    /// Root of the index tree (every secondary index's entries), `None` when empty.
    pub index_root: Option<PageId>,
    /// Number of entries in the index tree.
    pub index_entries: u64,
}

/// How a store keeps its values; chosen when the store is created and recorded in its meta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Compression {
    /// Values are stored as given (meta byte 0).
    #[default]
    None,
    /// Values of 64 bytes or more are LZ4-compressed when that saves space (meta byte 1);
    /// see `values` for the stored form.
    Lz4,
}

impl Compression {
    /// The meta byte.
    pub fn to_byte(self) -> u8 {
        match self {
            Compression::None => 0,
            Compression::Lz4 => 1,
        }
    }

    /// Reads the meta byte.
    ///
    /// # Errors
    /// [`CodecError::Invalid`] for an unknown codec.
    pub fn from_byte(byte: u8) -> Result<Self, CodecError> {
        match byte {
            0 => Ok(Compression::None),
            1 => Ok(Compression::Lz4),
            other => Err(invalid("compression", format!("unknown codec {other}"))),
        }
    }
}

fn seal(page: &mut [u8; PAGE_SIZE], kind: u8, count: usize, id: u64) {
    // course:solution p3.3 Fill in the page header (kind, format version, item count, the page's own number) and, last, the CRC-32C of everything after the CRC field.
    page[PAGE_KIND] = kind;
    page[PAGE_VERSION] = FORMAT_VERSION;
    let count = u16::try_from(count).unwrap_or(u16::MAX);
    page[PAGE_COUNT..PAGE_COUNT + 2].copy_from_slice(&count.to_le_bytes());
    page[PAGE_ID..PAGE_ID + 8].copy_from_slice(&id.to_le_bytes());
    let crc = crc32c::crc32c(&page[PAGE_KIND..]);
    page[PAGE_CRC..PAGE_CRC + 4].copy_from_slice(&crc.to_le_bytes());
    // course:end
}

/// Encodes a meta slot as page `slot` (0 or 1).
pub fn encode_meta(meta: &Meta, slot: u64) -> Box<[u8; PAGE_SIZE]> {
    let mut page = Box::new([0u8; PAGE_SIZE]);
    page[META_MAGIC_OFFSET..META_MAGIC_OFFSET + 8].copy_from_slice(&META_MAGIC);
    page[META_PAGE_SIZE..META_PAGE_SIZE + 4].copy_from_slice(&(PAGE_SIZE as u32).to_le_bytes());
    page[META_GENERATION..META_GENERATION + 8].copy_from_slice(&meta.generation.to_le_bytes());
    page[META_ROOT..META_ROOT + 8].copy_from_slice(&PageId::encode_ref(meta.root).to_le_bytes());
    page[META_FREELIST..META_FREELIST + 8]
        .copy_from_slice(&PageId::encode_ref(meta.freelist).to_le_bytes());
    page[META_PAGE_COUNT..META_PAGE_COUNT + 8].copy_from_slice(&meta.page_count.to_le_bytes());
    page[META_KEY_COUNT..META_KEY_COUNT + 8].copy_from_slice(&meta.key_count.to_le_bytes());
    page[META_COMPRESSION] = meta.compression.to_byte();
    page[META_INDEX_ROOT..META_INDEX_ROOT + 8]
        .copy_from_slice(&PageId::encode_ref(meta.index_root).to_le_bytes());
    page[META_INDEX_ENTRIES..META_INDEX_ENTRIES + 8]
        .copy_from_slice(&meta.index_entries.to_le_bytes());
    seal(&mut page, KIND_META, 0, slot);
    page
}

/// Checks a page's checksum, version and self-id, returning its kind, count and body.
fn open_page(bytes: &[u8], id: u64) -> Result<(u8, usize, &[u8]), CodecError> {
    // course:solution p3.3 Check a page before anything reads it: its length, its CRC (`CodecError::Checksum`), a format version this build reads, and that it says it is page `id`; return its kind, item count and body.
    if bytes.len() != PAGE_SIZE {
        return Err(CodecError::Invalid {
            field: "page length",
            reason: format!("{} bytes, expected {PAGE_SIZE}", bytes.len()),
        });
    }
    let mut header = Reader::new(bytes);
    let stored_crc = header.u32()?;
    if stored_crc != crc32c::crc32c(&bytes[PAGE_KIND..]) {
        return Err(CodecError::Checksum { page: id });
    }
    let kind = header.u8()?;
    let version = header.u8()?;
    if !(MIN_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        return Err(CodecError::Invalid {
            field: "page version",
            reason: format!("{version}, this build reads {MIN_FORMAT_VERSION} to {FORMAT_VERSION}"),
        });
    }
    let count = usize::from(header.u16()?);
    let stored_id = header.u64()?;
    if stored_id != id {
        return Err(CodecError::Invalid {
            field: "page id",
            reason: format!("page {id} says it is page {stored_id}"),
        });
    }
    Ok((kind, count, &bytes[PAGE_BODY..]))
    // course:decoy crc-not-checked Skips the checksum and trusts the header, so a flipped bit in a key or value is returned as data.
    // if bytes.len() != PAGE_SIZE {
    //     return Err(CodecError::Invalid {
    //         field: "page length",
    //         reason: format!("{} bytes, expected {PAGE_SIZE}", bytes.len()),
    //     });
    // }
    // let mut header = Reader::new(bytes);
    // let stored_crc = header.u32()?;
    // if stored_crc != stored_crc {
    //     return Err(CodecError::Checksum { page: id });
    // }
    // let kind = header.u8()?;
    // let version = header.u8()?;
    // if !(MIN_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
    //     return Err(CodecError::Invalid {
    //         field: "page version",
    //         reason: format!("{version}, this build reads {MIN_FORMAT_VERSION} to {FORMAT_VERSION}"),
    //     });
    // }
    // let count = usize::from(header.u16()?);
    // let stored_id = header.u64()?;
    // if stored_id != id {
    //     return Err(CodecError::Invalid {
    //         field: "page id",
    //         reason: format!("page {id} says it is page {stored_id}"),
    //     });
    // }
    // Ok((kind, count, &bytes[PAGE_BODY..]))
    // course:end
}

/// Decodes meta slot `slot`.
///
/// # Errors
/// [`CodecError`] when the checksum, magic, page size or any field is wrong.
pub fn decode_meta(bytes: &[u8], slot: u64) -> Result<Meta, CodecError> {
    let (kind, _, _) = open_page(bytes, slot)?;
    if kind != KIND_META {
        return Err(CodecError::Invalid {
            field: "meta kind",
            reason: format!("kind {kind}"),
        });
    }
    let mut reader = Reader::new(&bytes[META_MAGIC_OFFSET..]);
    if reader.take(8)? != META_MAGIC {
        return Err(CodecError::Invalid {
            field: "meta magic",
            reason: "not a kv data file".into(),
        });
    }
    let page_size = reader.u32()?;
    if page_size as usize != PAGE_SIZE {
        return Err(CodecError::Invalid {
            field: "page size",
            reason: format!("{page_size}"),
        });
    }
    let meta = Meta {
        generation: reader.u64()?,
        root: PageId::decode_ref(reader.u64()?, "meta root")?,
        freelist: PageId::decode_ref(reader.u64()?, "meta free list")?,
        page_count: reader.u64()?,
        key_count: reader.u64()?,
        compression: Compression::from_byte(reader.u8()?)?,
        index_root: PageId::decode_ref(reader.u64()?, "meta index root")?,
        index_entries: reader.u64()?,
    };
    let page_ok = |page: Option<PageId>| page.is_none_or(|page| page.get() < meta.page_count);
    if meta.page_count < FIRST_DATA_PAGE
        || !page_ok(meta.root)
        || !page_ok(meta.freelist)
        || !page_ok(meta.index_root)
    {
        return Err(CodecError::Invalid {
            field: "meta page numbers",
            reason: format!("{meta:?}"),
        });
    }
    Ok(meta)
}

/// Encodes a tree, overflow or free-list node as page `id`.
///
/// The caller guarantees `node.fits()`; a node that does not fit is a bug in the B-tree's
/// splitting, so this function checks it with a `debug_assert!`.
pub fn encode_page(node: &Node, id: PageId) -> Box<[u8; PAGE_SIZE]> {
    // course:solution p3.3 Encode a leaf, internal, overflow or free-list node into its body as the table in ARCHITECTURE.md says, then `seal` it.
    debug_assert!(
        node.fits(),
        "node does not fit a page: {} bytes",
        node.body_len()
    );
    let mut body = Writer::with_capacity(BODY_CAPACITY);
    let (kind, count) = match node {
        Node::Leaf { keys, values } => {
            for (key, value) in keys.iter().zip(values) {
                body.u16(key.len() as u16);
                body.raw(key);
                match value {
                    Value::Inline(bytes) => {
                        body.u8(TAG_INLINE);
                        body.u16(bytes.len() as u16);
                        body.raw(bytes);
                    }
                    Value::Overflow { len, first } => {
                        body.u8(TAG_OVERFLOW);
                        body.u64(*len);
                        body.u64(first.get());
                    }
                }
            }
            (KIND_LEAF, keys.len())
        }
        Node::Internal { keys, children } => {
            body.u64(children[0].get());
            for (key, child) in keys.iter().zip(&children[1..]) {
                body.u16(key.len() as u16);
                body.raw(key);
                body.u64(child.get());
            }
            (KIND_INTERNAL, keys.len())
        }
        Node::Overflow { next, data } => {
            body.u64(PageId::encode_ref(*next));
            body.raw(data);
            (KIND_OVERFLOW, data.len())
        }
        Node::FreeList { next, ids } => {
            body.u64(PageId::encode_ref(*next));
            for id in ids {
                body.u64(id.get());
            }
            (KIND_FREELIST, ids.len())
        }
    };
    let mut page = Box::new([0u8; PAGE_SIZE]);
    let len = body.bytes.len().min(BODY_CAPACITY);
    page[PAGE_BODY..PAGE_BODY + len].copy_from_slice(&body.bytes[..len]);
    seal(&mut page, kind, count, id.get());
    page
    // course:end
}

fn invalid(field: &'static str, reason: impl Into<String>) -> CodecError {
    CodecError::Invalid {
        field,
        reason: reason.into(),
    }
}

fn check_page_ref(page: u64, field: &'static str) -> Result<PageId, CodecError> {
    if page < FIRST_DATA_PAGE {
        return Err(invalid(field, format!("page {page} is not a data page")));
    }
    Ok(PageId(page))
}

fn read_key(reader: &mut Reader<'_>) -> Result<Vec<u8>, CodecError> {
    let len = usize::from(reader.u16()?);
    if len > MAX_KEY_LEN {
        return Err(invalid("key length", format!("{len}")));
    }
    Ok(reader.take(len)?.to_vec())
}

/// Decodes page `id` (a leaf, internal, overflow or free-list page).
///
/// Checks the CRC first, then every length and tag; keys must be strictly increasing.
///
/// # Errors
/// [`CodecError`] describing the first problem found.
pub fn decode_page(bytes: &[u8], id: PageId) -> Result<Node, CodecError> {
    // course:solution p3.3 Open the page, then decode its body by kind, checking every length, tag and page reference; keys must be strictly increasing. Errors, never panics.
    let (kind, count, body) = open_page(bytes, id.get())?;
    let mut reader = Reader::new(body);
    let node = match kind {
        KIND_LEAF => {
            let mut keys = Vec::with_capacity(count);
            let mut values = Vec::with_capacity(count);
            for _ in 0..count {
                let key = read_key(&mut reader)?;
                let value = match reader.u8()? {
                    TAG_INLINE => {
                        let len = usize::from(reader.u16()?);
                        if len > MAX_INLINE_VALUE {
                            return Err(invalid("inline value length", format!("{len}")));
                        }
                        Value::Inline(reader.take(len)?.to_vec())
                    }
                    TAG_OVERFLOW => {
                        let len = reader.u64()?;
                        let first = check_page_ref(reader.u64()?, "overflow page")?;
                        if len <= MAX_INLINE_VALUE as u64 || len > MAX_VALUE_LEN as u64 {
                            return Err(invalid("overflow value length", format!("{len}")));
                        }
                        Value::Overflow { len, first }
                    }
                    tag => return Err(invalid("value tag", format!("{tag}"))),
                };
                keys.push(key);
                values.push(value);
            }
            Node::Leaf { keys, values }
        }
        KIND_INTERNAL => {
            let mut keys = Vec::with_capacity(count);
            let mut children = Vec::with_capacity(count + 1);
            children.push(check_page_ref(reader.u64()?, "child page")?);
            for _ in 0..count {
                keys.push(read_key(&mut reader)?);
                children.push(check_page_ref(reader.u64()?, "child page")?);
            }
            Node::Internal { keys, children }
        }
        KIND_OVERFLOW => {
            let next = PageId::decode_ref(reader.u64()?, "next overflow page")?;
            if count > OVERFLOW_CAPACITY {
                return Err(invalid("overflow length", format!("{count}")));
            }
            Node::Overflow {
                next,
                data: reader.take(count)?.to_vec(),
            }
        }
        KIND_FREELIST => {
            let next = PageId::decode_ref(reader.u64()?, "next free-list page")?;
            let mut ids = Vec::with_capacity(count.min(FREELIST_CAPACITY));
            for _ in 0..count {
                ids.push(check_page_ref(reader.u64()?, "free page")?);
            }
            Node::FreeList { next, ids }
        }
        other => return Err(invalid("page kind", format!("{other}"))),
    };
    if let Node::Leaf { keys, .. } | Node::Internal { keys, .. } = &node
        && keys.windows(2).any(|pair| pair[0] >= pair[1])
    {
        return Err(invalid("key order", "keys are not strictly increasing"));
    }
    Ok(node)
    // course:end
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample_leaf() -> Node {
        Node::Leaf {
            keys: vec![b"apple".to_vec(), b"banana".to_vec(), b"cherry".to_vec()],
            values: vec![
                Value::Inline(b"red".to_vec()),
                Value::Overflow {
                    len: 5000,
                    first: PageId(9),
                },
                Value::Inline(Vec::new()),
            ],
        }
    }

    fn check(node: Node) {
        let page = encode_page(&node, PageId(42));
        assert_eq!(decode_page(&page[..], PageId(42)).unwrap(), node);
    }

    #[test]
    fn page_round_trips_every_kind() {
        check(sample_leaf());
        check(Node::empty_leaf());
        check(Node::Internal {
            keys: vec![b"m".to_vec(), b"t".to_vec()],
            children: vec![PageId(3), PageId(4), PageId(5)],
        });
        check(Node::Overflow {
            next: None,
            data: vec![7; OVERFLOW_CAPACITY],
        });
        check(Node::FreeList {
            next: Some(PageId(12)),
            ids: (2..2 + FREELIST_CAPACITY as u64).map(PageId).collect(),
        });
    }

    #[test]
    fn key_head_search_matches_slice_search() {
        let keys: Vec<Vec<u8>> = [
            &b""[..],
            b"\0",
            b"a",
            b"a\0",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefghi",
            b"b",
        ]
        .iter()
        .map(|key| key.to_vec())
        .collect();
        let heads: Vec<u64> = keys.iter().map(|key| key_head(key)).collect();
        let probes: [&[u8]; 9] = [
            b"",
            b"\0",
            b"\0\0",
            b"a",
            b"ab",
            b"abcdefgh",
            b"abcdefgha",
            b"abcdefghz",
            b"c",
        ];
        for probe in probes {
            let expected = keys.binary_search_by(|key| key.as_slice().cmp(probe));
            assert_eq!(
                search_keys(&keys, &heads, probe),
                expected,
                "probe {probe:?}"
            );
            let at_most = keys.partition_point(|key| key.as_slice() <= probe);
            assert_eq!(
                count_at_most(&keys, &heads, probe),
                at_most,
                "probe {probe:?}"
            );
        }
    }

    #[test]
    fn meta_round_trips() {
        let meta = Meta {
            generation: 7,
            root: Some(PageId(5)),
            freelist: None,
            page_count: 10,
            key_count: 3,
            compression: Compression::Lz4,
            index_root: Some(PageId(7)),
            index_entries: 12,
        };
        assert_eq!(decode_meta(&encode_meta(&meta, 1)[..], 1).unwrap(), meta);
    }

    #[test]
    fn page_decode_rejects_wrong_id() {
        let page = encode_page(&sample_leaf(), PageId(3));
        assert!(matches!(
            decode_page(&page[..], PageId(4)),
            Err(CodecError::Invalid {
                field: "page id",
                ..
            })
        ));
    }

    #[test]
    fn page_decode_rejects_any_single_bit_flip() {
        let page = encode_page(&sample_leaf(), PageId(3));
        // Every bit of the page, padding included, is covered by the checksum.
        for bit in 0..PAGE_SIZE * 8 {
            let mut damaged = page.clone();
            damaged[bit / 8] ^= 1 << (bit % 8);
            assert!(
                decode_page(&damaged[..], PageId(3)).is_err(),
                "bit {bit} went unnoticed"
            );
        }
    }

    #[test]
    fn page_decode_rejects_unsorted_keys() {
        let node = Node::Leaf {
            keys: vec![b"b".to_vec(), b"a".to_vec()],
            values: vec![Value::Inline(vec![]), Value::Inline(vec![])],
        };
        // `encode_page` does not validate order; the decoder must.
        let page = encode_page(&node, PageId(2));
        assert!(decode_page(&page[..], PageId(2)).is_err());
    }

    /// Builds a page with a valid header and checksum around an arbitrary body, so the
    /// property test reaches the body parser instead of stopping at the CRC check.
    fn sealed(kind: u8, count: u16, body: &[u8]) -> Box<[u8; PAGE_SIZE]> {
        let mut page = Box::new([0u8; PAGE_SIZE]);
        let len = body.len().min(BODY_CAPACITY);
        page[PAGE_BODY..PAGE_BODY + len].copy_from_slice(&body[..len]);
        seal(&mut page, kind, usize::from(count), 5);
        page
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn page_decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..PAGE_SIZE + 8)) {
            let _ = decode_page(&bytes, PageId(5));
            let _ = decode_meta(&bytes, 0);
        }

        #[test]
        fn page_decode_never_panics_on_sealed_garbage(kind in 0u8..8, count in any::<u16>(), body in proptest::collection::vec(any::<u8>(), 0..BODY_CAPACITY)) {
            let page = sealed(kind, count, &body);
            let _ = decode_page(&page[..], PageId(5));
            let _ = decode_meta(&page[..], 5);
        }

        #[test]
        fn leaf_round_trips(entries in proptest::collection::btree_map(
            proptest::collection::vec(any::<u8>(), 0..40),
            proptest::collection::vec(any::<u8>(), 0..60), 0..20)) {
            let (keys, values): (Vec<_>, Vec<_>) = entries.into_iter().map(|(k, v)| (k, Value::Inline(v))).unzip();
            let node = Node::Leaf { keys, values };
            prop_assume!(node.fits());
            let page = encode_page(&node, PageId(9));
            prop_assert_eq!(decode_page(&page[..], PageId(9)).unwrap(), node);
        }
    }
}
