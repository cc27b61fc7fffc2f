//! Writes a folder of generated runs for `history` (see
//! `benches/common/history.rs` for the stories it tells).
//!
//! ```sh
//! cargo run --release --example history_runs -- /tmp/runs 2 30 7   # DIR PIPELINES RUNS SEED
//! cargo run --release -- history /tmp/runs
//! ```

#[path = "../common/mod.rs"]
mod common;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: history_runs DIR [PIPELINES=2] [RUNS=30] [SEED=7]");
        return ExitCode::from(2);
    };
    let num = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (pipelines, runs, seed) = (num(1, 2) as usize, num(2, 30) as usize, num(3, 7));
    match common::history::write_history(std::path::Path::new(dir), pipelines, runs, seed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write {dir}: {e}");
            ExitCode::from(1)
        }
    }
}
