//! Test allocators. [`Probe`] looks for secrets in memory as it is
//! freed: while [`watch`] runs a closure, every freed block is
//! searched for the given byte strings (the text and the bytes of private
//! key members); a hit means some code dropped a copy of a secret without
//! zeroizing it. Every freed block, watched or not, is then overwritten
//! with zeros, so that what an earlier test left behind can never show up
//! in a later block. [`Counting`] counts the allocations [`count`] sees,
//! for the allocation figures of the benchmarks.
//!
//! This is the only crate of the workspace with `unsafe` code: a
//! `GlobalAlloc` cannot be written without it. It is a test tool, never a
//! dependency of a library crate.
//!
//! ```
//! #[global_allocator]
//! static PROBE: jose_alloc_probe::Probe = jose_alloc_probe::Probe;
//!
//! fn main() {
//!     let hits = jose_alloc_probe::watch(&[b"a secret".to_vec()], || {
//!         drop(std::hint::black_box(String::from("a secret")));
//!     });
//!     assert_eq!(hits, vec![0]);
//! }
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use zeroize::Zeroize;

/// The allocator: the system allocator, with freed blocks searched (while
/// watching) and zeroed.
#[derive(Debug)]
pub struct Probe;

/// Whether freed blocks are being searched.
static WATCHING: AtomicBool = AtomicBool::new(false);
/// The markers being searched for, set before watching starts and not
/// changed while it runs.
static MARKERS: RwLock<Vec<Vec<u8>>> = RwLock::new(Vec::new());
/// One bit per marker (the first 64) found in a freed block.
static FOUND: AtomicU64 = AtomicU64::new(0);
/// Serializes `watch` calls: one watched section at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

std::thread_local! {
    /// Set while this thread is inside the allocator's search, so that a
    /// nested allocation is never searched again.
    static SEARCHING: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// which carry `GlobalAlloc`'s contract unchanged; `dealloc` reads and
// writes only the block it is given, which the caller still owns until it
// is passed on to `System::dealloc`.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Probe {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so that every byte of every block is initialized by the
        // time `dealloc` reads it, written or not.
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator with `layout`, so it
        // points to `layout.size()` bytes that the caller no longer uses,
        // all initialized (`alloc` zeroes them; `realloc` is the default,
        // which allocates through `alloc` and copies).
        let block = unsafe { core::slice::from_raw_parts_mut(ptr, layout.size()) };
        if WATCHING.load(Ordering::Acquire) {
            search(block);
        }
        // Volatile writes: not removed as dead stores before the free.
        block.zeroize();
        // SAFETY: as allocated, with the same layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    // `realloc` is the trait's default: a new block, a copy, and a
    // `dealloc` of the old one, which is searched like any other.
}

/// Records in `FOUND` each marker that occurs in `block`.
fn search(block: &[u8]) {
    SEARCHING.with(|searching| {
        if searching.replace(true) {
            return;
        }
        // `try_read`: never wait inside the allocator. Readers do not
        // exclude each other, and `watch` writes only before watching.
        if let Ok(markers) = MARKERS.try_read() {
            for (i, marker) in markers.iter().enumerate().take(64) {
                if !marker.is_empty() && block.windows(marker.len()).any(|w| w == marker) {
                    FOUND.fetch_or(1u64 << i, Ordering::AcqRel);
                }
            }
        }
        searching.set(false);
    });
}

/// Runs `f` with every freed block searched for `markers`; returns the
/// indices of the markers found in freed memory (empty: nothing leaked).
/// At most 64 markers.
pub fn watch(markers: &[Vec<u8>], f: impl FnOnce()) -> Vec<usize> {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    {
        let mut m = MARKERS
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.clear();
        m.extend(markers.iter().cloned());
    }
    FOUND.store(0, Ordering::Release);
    WATCHING.store(true, Ordering::Release);
    f();
    WATCHING.store(false, Ordering::Release);
    let found = FOUND.load(Ordering::Acquire);
    (0..markers.len().min(64))
        .filter(|i| found & (1u64 << i) != 0)
        .collect()
}

/// A global allocator for measurements: the system allocator, counting
/// the allocations (and reallocations) made while [`count`] runs a
/// closure. Nothing is searched or zeroed: it costs one atomic load per
/// call when not counting.
#[derive(Debug)]
pub struct Counting;

/// Whether allocations are being counted.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Allocations and reallocations counted.
static COUNTED: AtomicU64 = AtomicU64::new(0);
/// Bytes requested by the counted allocations.
static COUNTED_BYTES: AtomicU64 = AtomicU64::new(0);

fn tally(layout: Layout) {
    if COUNTING.load(Ordering::Relaxed) {
        COUNTED.fetch_add(1, Ordering::Relaxed);
        COUNTED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// which carry `GlobalAlloc`'s contract unchanged; counting touches only
// atomics.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        tally(layout);
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as allocated, with the same layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if let Ok(new) = Layout::from_size_align(new_size, layout.align()) {
            tally(new);
        }
        // SAFETY: the caller's arguments, as `GlobalAlloc::realloc` requires.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What [`count`] measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocations {
    /// Allocations and reallocations.
    pub count: u64,
    /// Bytes they asked for.
    pub bytes: u64,
}

/// Runs `f` once with [`Counting`] counting (it must be the global
/// allocator) and returns what it allocated, with `f`'s result. Run it on
/// one thread at a time: other threads' allocations count too.
pub fn count<R>(f: impl FnOnce() -> R) -> (Allocations, R) {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    COUNTED.store(0, Ordering::Relaxed);
    COUNTED_BYTES.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    let result = f();
    COUNTING.store(false, Ordering::SeqCst);
    let counted = Allocations {
        count: COUNTED.load(Ordering::Relaxed),
        bytes: COUNTED_BYTES.load(Ordering::Relaxed),
    };
    (counted, result)
}
