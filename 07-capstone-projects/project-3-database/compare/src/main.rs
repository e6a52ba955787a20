//! `kv-compare`: one workload, modelled on redb's published benchmark, run against `kv`,
//! redb and sled in the same process, on the same keys.
//!
//! Keys are 24 random bytes and values 150 random bytes, as in redb's benchmark; the key
//! count is scaled down (default 200,000; `--keys N` to change) so a run takes about a minute
//! on 2 cores. Every value read back is compared with the value written. The engines run
//! each phase back to back (the first one rotating), so a shared, noisy machine disturbs them
//! alike as far as possible. The table reports wall-clock milliseconds per phase and, per
//! engine, `speed ratio = engine time / kv time` (above 1.0 means kv was faster); the size
//! rows show MiB and `kv size / engine size`.
//!
//! Run: `cargo run --release -p kv-compare` (optionally `-- --keys 50000`; `--only-kv` runs
//! just this store, for profiling; `--lz4` adds the store created with LZ4 value compression,
//! `--mmap` the store reading through a memory map). `--results SUBJECT` prints one
//! `RESULT` line per phase and engine instead of the table, naming this build's store SUBJECT:
//! `bench/course-bench.sh` runs it against the reference and against a learner's crate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use redb::{ReadableDatabase, TableDefinition};

const KEY_LEN: usize = 24;
const VALUE_LEN: usize = 150;
const DURABLE_WRITES: usize = 1_000;
const BATCHES: usize = 20;
const BATCH_SIZE: usize = 1_000;
const SCANS: usize = 20_000;
const SCAN_LEN: usize = 10;
/// Reads per read transaction when a writer runs concurrently.
const READ_CHUNK: usize = 1_000;
/// Cache budget given to every engine.
const CACHE_BYTES: usize = 256 << 20;

type Key = [u8; KEY_LEN];
type Val = [u8; VALUE_LEN];

/// The operations the workload needs; each engine implements them in its idiomatic way.
trait Engine: Sync {
    /// Inserts every pair in one durable transaction.
    fn write_batch(&self, pairs: &[(Key, Val)]) -> Result<()>;
    /// Inserts one pair in its own durable transaction.
    fn put_durable(&self, key: &Key, value: &Val) -> Result<()>;
    /// Looks each key up (in one read transaction where the engine has them) and checks the
    /// value against `expected`; returns how many were found.
    fn check_reads(&self, keys: &[Key], expected: &HashMap<Key, Val>) -> Result<usize>;
    /// For each start key, reads up to `SCAN_LEN` pairs from it, checking every value.
    fn check_scans(&self, starts: &[Key], expected: &HashMap<Key, Val>) -> Result<usize>;
    /// Removes the keys in one durable transaction.
    fn remove_all(&self, keys: &[Key]) -> Result<()>;
    /// Flushes and closes.
    fn close(self: Box<Self>) -> Result<()>;
}

fn check(expected: &HashMap<Key, Val>, key: &[u8], value: &[u8]) -> Result<()> {
    let key: Key = key.try_into().context("key of wrong length")?;
    match expected.get(&key) {
        Some(want) if want.as_slice() == value => Ok(()),
        Some(_) => bail!("wrong value for key {key:?}"),
        None => bail!("unexpected key {key:?}"),
    }
}

struct Kv(kv::Store);

impl Kv {
    fn open(path: &Path) -> Result<Box<dyn Engine>> {
        Self::open_with(path, kv::Compression::None, kv::ReadMode::Pread)
    }

    /// The same store created with LZ4 value compression (`--lz4`), to measure what the
    /// attempt to compress costs on values that do not compress.
    fn open_lz4(path: &Path) -> Result<Box<dyn Engine>> {
        Self::open_with(path, kv::Compression::Lz4, kv::ReadMode::Pread)
    }

    /// The same store reading its data file through a memory map (`--mmap`).
    fn open_mmap(path: &Path) -> Result<Box<dyn Engine>> {
        Self::open_with(path, kv::Compression::None, kv::ReadMode::Mmap)
    }

    fn open_with(
        path: &Path,
        compression: kv::Compression,
        read_mode: kv::ReadMode,
    ) -> Result<Box<dyn Engine>> {
        let options = kv::Options {
            cache_bytes: CACHE_BYTES,
            compression,
            read_mode,
            ..kv::Options::default()
        };
        Ok(Box::new(Kv(kv::Store::open(path, options)?)))
    }
}

impl Engine for Kv {
    fn write_batch(&self, pairs: &[(Key, Val)]) -> Result<()> {
        self.0.transaction(|tx| {
            for (key, value) in pairs {
                tx.put(key, value)?;
            }
            Ok(())
        })?;
        Ok(())
    }
    fn put_durable(&self, key: &Key, value: &Val) -> Result<()> {
        Ok(self.0.put(key, value)?)
    }
    fn check_reads(&self, keys: &[Key], expected: &HashMap<Key, Val>) -> Result<usize> {
        let snapshot = self.0.read();
        let mut found = 0;
        for key in keys {
            if let Some(value) = snapshot.get(key)? {
                check(expected, key, &value)?;
                found += 1;
            }
        }
        Ok(found)
    }
    fn check_scans(&self, starts: &[Key], expected: &HashMap<Key, Val>) -> Result<usize> {
        let snapshot = self.0.read();
        let mut seen = 0;
        for start in starts {
            for pair in snapshot.range(start.as_slice()..)?.take(SCAN_LEN) {
                let (key, value) = pair?;
                check(expected, &key, &value)?;
                seen += 1;
            }
        }
        Ok(seen)
    }
    fn remove_all(&self, keys: &[Key]) -> Result<()> {
        self.0.transaction(|tx| {
            for key in keys {
                tx.delete(key)?;
            }
            Ok(())
        })?;
        Ok(())
    }
    fn close(self: Box<Self>) -> Result<()> {
        Ok(self.0.close()?)
    }
}

const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("bench");

struct Redb(redb::Database);

impl Redb {
    fn open(path: &Path) -> Result<Box<dyn Engine>> {
        std::fs::create_dir_all(path)?;
        let db = redb::Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(path.join("redb.db"))?;
        Ok(Box::new(Redb(db)))
    }
}

impl Engine for Redb {
    fn write_batch(&self, pairs: &[(Key, Val)]) -> Result<()> {
        let txn = self.0.begin_write()?;
        {
            let mut table = txn.open_table(TABLE)?;
            for (key, value) in pairs {
                table.insert(key.as_slice(), value.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
    fn put_durable(&self, key: &Key, value: &Val) -> Result<()> {
        self.write_batch(&[(*key, *value)])
    }
    fn check_reads(&self, keys: &[Key], expected: &HashMap<Key, Val>) -> Result<usize> {
        let txn = self.0.begin_read()?;
        let table = txn.open_table(TABLE)?;
        let mut found = 0;
        for key in keys {
            if let Some(value) = table.get(key.as_slice())? {
                check(expected, key, value.value())?;
                found += 1;
            }
        }
        Ok(found)
    }
    fn check_scans(&self, starts: &[Key], expected: &HashMap<Key, Val>) -> Result<usize> {
        let txn = self.0.begin_read()?;
        let table = txn.open_table(TABLE)?;
        let mut seen = 0;
        for start in starts {
            for pair in table.range(start.as_slice()..)?.take(SCAN_LEN) {
                let (key, value) = pair?;
                check(expected, key.value(), value.value())?;
                seen += 1;
            }
        }
        Ok(seen)
    }
    fn remove_all(&self, keys: &[Key]) -> Result<()> {
        let txn = self.0.begin_write()?;
        {
            let mut table = txn.open_table(TABLE)?;
            for key in keys {
                table.remove(key.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
    fn close(self: Box<Self>) -> Result<()> {
        drop(self.0);
        Ok(())
    }
}

struct Sled(sled::Db);

impl Sled {
    fn open(path: &Path) -> Result<Box<dyn Engine>> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES as u64)
            .open()?;
        Ok(Box::new(Sled(db)))
    }
}

impl Engine for Sled {
    fn write_batch(&self, pairs: &[(Key, Val)]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (key, value) in pairs {
            batch.insert(key.as_slice(), value.as_slice());
        }
        self.0.apply_batch(batch)?;
        self.0.flush()?;
        Ok(())
    }
    fn put_durable(&self, key: &Key, value: &Val) -> Result<()> {
        self.0.insert(key, value.as_slice())?;
        self.0.flush()?;
        Ok(())
    }
    fn check_reads(&self, keys: &[Key], expected: &HashMap<Key, Val>) -> Result<usize> {
        let mut found = 0;
        for key in keys {
            if let Some(value) = self.0.get(key)? {
                check(expected, key, &value)?;
                found += 1;
            }
        }
        Ok(found)
    }
    fn check_scans(&self, starts: &[Key], expected: &HashMap<Key, Val>) -> Result<usize> {
        let mut seen = 0;
        for start in starts {
            for pair in self.0.range(start.as_slice()..).take(SCAN_LEN) {
                let (key, value) = pair?;
                check(expected, &key, &value)?;
                seen += 1;
            }
        }
        Ok(seen)
    }
    fn remove_all(&self, keys: &[Key]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for key in keys {
            batch.remove(key.as_slice());
        }
        self.0.apply_batch(batch)?;
        self.0.flush()?;
        Ok(())
    }
    fn close(self: Box<Self>) -> Result<()> {
        self.0.flush()?;
        drop(self.0);
        Ok(())
    }
}

/// One measured quantity of one engine.
/// One measured quantity of one engine.
#[derive(Clone, Copy)]
enum Figure {
    Time(Duration),
    Bytes(u64),
}

struct Workload {
    load: Vec<(Key, Val)>,
    singles: Vec<(Key, Val)>,
    batches: Vec<(Key, Val)>,
    writer_keys: Vec<(Key, Val)>,
}

fn generate(keys: usize) -> Workload {
    let mut rng = StdRng::seed_from_u64(0x6b76_2026);
    let mut pair = || {
        let mut key = [0u8; KEY_LEN];
        let mut value = [0u8; VALUE_LEN];
        rng.fill(&mut key[..]);
        rng.fill(&mut value[..]);
        (key, value)
    };
    Workload {
        load: (0..keys).map(|_| pair()).collect(),
        singles: (0..DURABLE_WRITES).map(|_| pair()).collect(),
        batches: (0..BATCHES * BATCH_SIZE).map(|_| pair()).collect(),
        writer_keys: (0..20_000).map(|_| pair()).collect(),
    }
}

fn dir_size(path: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path).with_context(|| format!("listing {}", path.display()))? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// The raw size of `keys` pairs, as text in MiB.
fn mib(keys: usize) -> String {
    format!(
        "{:.1} MiB",
        (keys * (KEY_LEN + VALUE_LEN)) as f64 / (1 << 20) as f64
    )
}

fn timed<T>(body: impl FnOnce() -> Result<T>) -> Result<(Duration, T)> {
    let start = Instant::now();
    let value = body()?;
    Ok((start.elapsed(), value))
}

/// One engine under test: how to open it, where it lives, and the open handle.
struct Contender {
    name: &'static str,
    open: fn(&Path) -> Result<Box<dyn Engine>>,
    path: PathBuf,
    db: Option<Box<dyn Engine>>,
}

impl Contender {
    fn db(&self) -> Result<&dyn Engine> {
        self.db.as_deref().context("engine is closed")
    }
}

/// The results table: one row per phase, one figure per engine (in contender order).
struct Table {
    /// Phase name, operations it performs (0 for size rows), one figure per engine.
    rows: Vec<(String, u64, Vec<Figure>)>,
    phase: usize,
}

impl Table {
    /// Runs `body` once per engine, back to back, so all engines see the same machine load;
    /// the starting engine rotates from phase to phase so none is always first.
    fn phase(
        &mut self,
        name: String,
        ops: u64,
        contenders: &mut [Contender],
        mut body: impl FnMut(&mut Contender) -> Result<Figure>,
    ) -> Result<()> {
        let count = contenders.len();
        let mut figures = vec![Figure::Bytes(0); count];
        for step in 0..count {
            let index = (self.phase + step) % count;
            let contender = &mut contenders[index];
            eprintln!("[{}] {name}", contender.name);
            figures[index] =
                body(contender).with_context(|| format!("{}: {name}", contender.name))?;
        }
        self.phase += 1;
        self.rows.push((name, ops, figures));
        Ok(())
    }
}

fn run(work: &Workload, contenders: &mut [Contender]) -> Result<Table> {
    let mut table = Table {
        rows: Vec::new(),
        phase: 0,
    };
    let keys = work.load.len();
    let mut expected: HashMap<Key, Val> = work.load.iter().copied().collect();

    table.phase(
        format!("bulk load {keys} (1 txn)"),
        keys as u64,
        contenders,
        |c| {
            let db = (c.open)(&c.path)?;
            let (elapsed, ()) = timed(|| db.write_batch(&work.load))?;
            c.db = Some(db);
            Ok(Figure::Time(elapsed))
        },
    )?;
    table.phase(
        format!("{DURABLE_WRITES} durable single writes"),
        DURABLE_WRITES as u64,
        contenders,
        |c| {
            let db = c.db()?;
            let (elapsed, ()) = timed(|| {
                for (key, value) in &work.singles {
                    db.put_durable(key, value)?;
                }
                Ok(())
            })?;
            Ok(Figure::Time(elapsed))
        },
    )?;
    expected.extend(work.singles.iter().copied());
    table.phase(
        format!("{BATCHES} durable batches of {BATCH_SIZE}"),
        (BATCHES * BATCH_SIZE) as u64,
        contenders,
        |c| {
            let db = c.db()?;
            let (elapsed, ()) = timed(|| {
                for chunk in work.batches.chunks(BATCH_SIZE) {
                    db.write_batch(chunk)?;
                }
                Ok(())
            })?;
            Ok(Figure::Time(elapsed))
        },
    )?;
    expected.extend(work.batches.iter().copied());

    table.phase(
        format!("size on disk after load (live raw {})", mib(expected.len())),
        0,
        contenders,
        |c| {
            c.db.take().context("engine is closed")?.close()?;
            Ok(Figure::Bytes(dir_size(&c.path)?))
        },
    )?;
    let probe = work.load[0].0;
    table.phase("reopen + first read".into(), 1, contenders, |c| {
        let (elapsed, db) = timed(|| {
            let db = (c.open)(&c.path)?;
            ensure!(
                db.check_reads(&[probe], &expected)? == 1,
                "probe key missing after reopen"
            );
            Ok(db)
        })?;
        c.db = Some(db);
        Ok(Figure::Time(elapsed))
    })?;

    let mut rng = StdRng::seed_from_u64(99);
    let mut read_keys: Vec<Key> = work.load.iter().map(|(key, _)| *key).collect();
    read_keys.shuffle(&mut rng);
    table.phase(
        format!("{keys} random reads"),
        keys as u64,
        contenders,
        |c| {
            let db = c.db()?;
            // A first pass warms every engine's cache, as redb's benchmark repeats its passes.
            db.check_reads(&read_keys, &expected)?;
            let (elapsed, found) = timed(|| db.check_reads(&read_keys, &expected))?;
            ensure!(found == keys, "found {found} of {keys} keys");
            Ok(Figure::Time(elapsed))
        },
    )?;
    let starts: Vec<Key> = read_keys.iter().take(SCANS).copied().collect();
    table.phase(
        format!("{SCANS} range scans of {SCAN_LEN}"),
        SCANS as u64,
        contenders,
        |c| {
            let db = c.db()?;
            let (elapsed, seen) = timed(|| db.check_scans(&starts, &expected))?;
            ensure!(
                seen >= SCANS * (SCAN_LEN - 1),
                "scans saw only {seen} pairs"
            );
            Ok(Figure::Time(elapsed))
        },
    )?;
    table.phase(
        format!("{keys} random reads on 2 threads"),
        keys as u64,
        contenders,
        |c| {
            let db = c.db()?;
            let (elapsed, ()) = timed(|| {
                std::thread::scope(|scope| -> Result<()> {
                    let halves: Vec<_> = read_keys
                        .chunks(keys.div_ceil(2))
                        .map(|half| scope.spawn(|| db.check_reads(half, &expected)))
                        .collect();
                    for half in halves {
                        half.join()
                            .map_err(|_| anyhow::anyhow!("reader panicked"))??;
                    }
                    Ok(())
                })
            })?;
            Ok(Figure::Time(elapsed))
        },
    )?;
    table.phase(
        format!("{keys} reads while a writer runs"),
        keys as u64,
        contenders,
        |c| {
            let db = c.db()?;
            let stop = AtomicBool::new(false);
            let (elapsed, writes) = timed(|| {
                std::thread::scope(|scope| -> Result<usize> {
                    let writer = scope.spawn(|| -> Result<usize> {
                        let mut written = 0;
                        for (key, value) in &work.writer_keys {
                            if stop.load(Ordering::Acquire) {
                                break;
                            }
                            db.put_durable(key, value)?;
                            written += 1;
                        }
                        Ok(written)
                    });
                    // The writer's keys are new, so the reader's expectations do not change.
                    let mut reader_result = Ok(());
                    for chunk in read_keys.chunks(READ_CHUNK) {
                        if let Err(err) = db.check_reads(chunk, &expected) {
                            reader_result = Err(err);
                            break;
                        }
                    }
                    stop.store(true, Ordering::Release);
                    let written = writer
                        .join()
                        .map_err(|_| anyhow::anyhow!("writer panicked"))??;
                    reader_result.map(|()| written)
                })
            })?;
            eprintln!(
                "[{}] the writer committed {writes} durable writes during the reads",
                c.name
            );
            Ok(Figure::Time(elapsed))
        },
    )?;

    let removed: Vec<Key> = work
        .load
        .iter()
        .take(keys / 2)
        .map(|(key, _)| *key)
        .collect();
    for key in &removed {
        expected.remove(key);
    }
    table.phase(
        format!("remove {} (1 txn)", removed.len()),
        removed.len() as u64,
        contenders,
        |c| {
            let db = c.db()?;
            let (elapsed, ()) = timed(|| db.remove_all(&removed))?;
            let found = db.check_reads(&removed[..100.min(removed.len())], &expected)?;
            ensure!(found == 0, "removed keys still readable");
            Ok(Figure::Time(elapsed))
        },
    )?;
    table.phase(
        format!("size on disk at the end (live raw {})", mib(expected.len())),
        0,
        contenders,
        |c| {
            c.db.take().context("engine is closed")?.close()?;
            Ok(Figure::Bytes(dir_size(&c.path)?))
        },
    )?;
    Ok(table)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let keys = match args.iter().position(|arg| arg == "--keys") {
        Some(index) => args
            .get(index + 1)
            .and_then(|text| text.parse().ok())
            .context("--keys needs a number")?,
        None => 200_000,
    };
    // `--results SUBJECT`: machine-readable lines for `cargo course bench p3`, with this
    // build's store named SUBJECT (`learner` or `reference`) instead of the table.
    let results = match args.iter().position(|arg| arg == "--results") {
        Some(index) => Some(
            args.get(index + 1)
                .context("--results needs a subject")?
                .clone(),
        ),
        None => None,
    };
    let work = generate(keys);
    let root = tempfile::tempdir().context("creating a temporary directory")?;
    let contender = |name: &'static str, open: fn(&Path) -> Result<Box<dyn Engine>>| Contender {
        name,
        open,
        path: root.path().join(name),
        db: None,
    };
    let mut contenders = if args.iter().any(|arg| arg == "--only-kv") {
        // For profiling the store alone.
        vec![contender("kv", Kv::open)]
    } else {
        vec![
            contender("kv", Kv::open),
            contender("redb", Redb::open),
            contender("sled", Sled::open),
        ]
    };
    if args.iter().any(|arg| arg == "--lz4") {
        contenders.push(contender("kv-lz4", Kv::open_lz4));
    }
    if args.iter().any(|arg| arg == "--mmap") {
        contenders.push(contender("kv-mmap", Kv::open_mmap));
    }
    let table = run(&work, &mut contenders)?;
    if let Some(subject) = results {
        print_results(&table, &contenders, &subject);
        return Ok(());
    }
    println!(
        "keys: {keys} loaded (+{} written later), key {KEY_LEN} B, value {VALUE_LEN} B",
        DURABLE_WRITES + BATCHES * BATCH_SIZE
    );
    println!(
        "time rows: milliseconds, and speed ratio = engine time / kv time (> 1: kv is faster)"
    );
    println!("size rows: MiB, and size ratio = kv size / engine size (< 1: kv is smaller)");
    println!();
    let names: Vec<&str> = contenders.iter().map(|c| c.name).collect();
    let others = &names[1..];
    print!("| phase | {} |", names.join(" | "));
    for other in others {
        print!(" kv vs {other} |");
    }
    println!();
    println!("|---|{}", "---:|".repeat(names.len() + others.len()));
    let cell = |figure: &Figure| match figure {
        Figure::Time(time) => format!("{:.1}", time.as_secs_f64() * 1e3),
        Figure::Bytes(bytes) => format!("{:.1}", *bytes as f64 / (1 << 20) as f64),
    };
    for (name, _, figures) in &table.rows {
        let cells: Vec<String> = figures.iter().map(cell).collect();
        print!("| {name} | {} |", cells.join(" | "));
        for other in &figures[1..] {
            let ratio = match (&figures[0], other) {
                (Figure::Time(mine), Figure::Time(theirs)) => {
                    format!("{:.2}x", theirs.as_secs_f64() / mine.as_secs_f64())
                }
                (Figure::Bytes(mine), Figure::Bytes(theirs)) => {
                    format!("{:.2}", *mine as f64 / *theirs as f64)
                }
                _ => "-".into(),
            };
            print!(" {ratio} |");
        }
        println!();
    }
    Ok(())
}

/// Prints one `RESULT<TAB>case<TAB>subject<TAB>value<TAB>unit<TAB>better` line per phase and
/// engine: operations per second for timed phases, MiB for sizes.
fn print_results(table: &Table, contenders: &[Contender], subject: &str) {
    for (name, ops, figures) in &table.rows {
        for (contender, figure) in contenders.iter().zip(figures) {
            let who = if contender.name == "kv" {
                subject
            } else {
                contender.name
            };
            let (value, unit, better) = match figure {
                Figure::Time(time) => (*ops as f64 / time.as_secs_f64(), "ops/s", "higher"),
                Figure::Bytes(bytes) => (*bytes as f64 / (1 << 20) as f64, "MiB", "lower"),
            };
            println!("RESULT\t{name}\t{who}\t{value:.1}\t{unit}\t{better}");
        }
    }
}
