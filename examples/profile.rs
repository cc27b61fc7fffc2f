//! Runs one stage of the work on a file, for profilers (`perf`, callgrind).
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile parse run.json
//! target/release/examples/profile why run.json 20      # ms per iteration on stderr
//! ```
//!
//! Stages: `floor` (serde_json skipping the bytes), `parse`, `build` (parse +
//! build), `why` and `critical-path` (parse → build → analyse → render).

use dataprep_lineage::report::{json, text};
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};
use std::hint::black_box;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(stage), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: profile floor|parse|build|why|critical-path FILE [ITERATIONS]");
        return ExitCode::from(2);
    };
    let iterations: u32 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        if let Err(e) = run(stage, &bytes) {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    }
    let per = start.elapsed().as_secs_f64() * 1000.0 / f64::from(iterations.max(1));
    eprintln!("{stage}: {per:.2} ms per iteration");
    ExitCode::SUCCESS
}

fn run(stage: &str, bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    if stage == "floor" {
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes)?;
        return Ok(());
    }
    let summary = JobSummary::from_slice(bytes)?;
    if stage == "parse" {
        black_box(&summary);
        return Ok(());
    }
    let graph = LineageGraph::build(&summary)?;
    if stage == "build" {
        black_box(&graph);
        return Ok(());
    }
    let analysis = Analysis::new(&graph);
    let len = match stage {
        "why" => {
            json::to_string(&json::why(&analysis)).len()
                + text::why(&analysis, Default::default()).len()
        }
        "critical-path" => json::to_string(&json::critical_path(&analysis)).len(),
        other => return Err(format!("unknown stage {other:?}").into()),
    };
    black_box(len);
    Ok(())
}
