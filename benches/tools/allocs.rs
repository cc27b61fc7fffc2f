//! Counts the heap allocations of a parse and of a graph build, for the
//! figures in BENCHMARKS.md ("10 allocations and ~2 KB of records per stage").
//!
//! ```sh
//! cargo run --release --example generate -- 1000 layered 97 > run.json
//! cargo run --release --example allocs -- run.json
//! ```
//!
//! A counting allocator slows every allocation a little, which is why this is
//! not part of `benches/tools/profile.rs`.

// A global allocator is an `unsafe` trait: the one place the crate allows it.
#![allow(unsafe_code)]

use dataprep_lineage::{JobSummary, LineageGraph};
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, counting allocations (a `realloc` counts as one)
/// and the bytes asked for.
struct Counting;

static CALLS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters are
// atomics and never affect the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size(), Relaxed);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()), Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn counted<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (calls, bytes) = (CALLS.load(Relaxed), BYTES.load(Relaxed));
    let result = f();
    (
        result,
        CALLS.load(Relaxed) - calls,
        BYTES.load(Relaxed) - bytes,
    )
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: allocs FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let (summary, calls, size) = counted(|| JobSummary::from_slice(&bytes));
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let stages = summary.task_instances().count().max(1);
    println!(
        "parse: {calls} allocations, {size} bytes ({:.1} allocations, {} bytes per stage)",
        calls as f64 / stages as f64,
        size / stages
    );
    let (graph, calls, size) = counted(|| LineageGraph::build(&summary));
    if let Err(e) = graph {
        eprintln!("{path}: {e}");
        return ExitCode::from(1);
    }
    println!("build: {calls} allocations, {size} bytes");
    ExitCode::SUCCESS
}
