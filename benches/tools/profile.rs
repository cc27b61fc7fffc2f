//! Runs one stage of the work on a file, for profilers (`perf`, callgrind).
//!
//! ```sh
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile parse run.json
//! target/release/examples/profile why run.json 20      # mean and min ms per iteration on stderr
//! ```
//!
//! `steps` times each step of the work separately instead.
//!
//! Stages: `floor` (serde_json skipping the bytes), `parse`, `build` (parse +
//! build), `why` and `critical-path` (parse → build → analyse → render).

use dataprep_lineage::report;
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};
use std::hint::black_box;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(stage), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: profile floor|parse|build|why|critical-path|steps FILE [ITERATIONS]");
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
    if stage == "steps" {
        return steps(path, &bytes, iterations);
    }
    // The minimum is the figure least disturbed by a noisy machine.
    let mut total = 0.0;
    let mut min = f64::INFINITY;
    for _ in 0..iterations.max(1) {
        let start = std::time::Instant::now();
        if let Err(e) = run(stage, &bytes) {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        total += ms;
        min = min.min(ms);
    }
    let mean = total / f64::from(iterations.max(1));
    eprintln!("{stage}: {mean:.2} ms per iteration (min {min:.2})");
    ExitCode::SUCCESS
}

/// Times each step of `why` and `critical-path` on its own (minimum over the
/// iterations), to see which step a change should target.
fn steps(path: &str, bytes: &[u8], iterations: u32) -> ExitCode {
    let names = [
        "floor", "parse", "build", "analyse", "why json", "why text", "cp json", "drop",
    ];
    let mut min = [f64::INFINITY; 8];
    for _ in 0..iterations.max(1) {
        let mut t = [0.0; 8];
        let mut clock = std::time::Instant::now();
        let mut lap = |i: usize| {
            t[i] = clock.elapsed().as_secs_f64() * 1000.0;
            clock = std::time::Instant::now();
        };
        black_box(serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok());
        lap(0);
        let Ok(summary) = JobSummary::from_slice(bytes) else {
            eprintln!("{path}: cannot be parsed");
            return ExitCode::from(1);
        };
        lap(1);
        let Ok(graph) = LineageGraph::build(&summary) else {
            eprintln!("{path}: cannot be built");
            return ExitCode::from(1);
        };
        lap(2);
        let analysis = Analysis::new(&graph);
        lap(3);
        black_box(report::Why::new(&analysis).to_json().len());
        lap(4);
        black_box(
            report::Why::new(&analysis)
                .to_text(Default::default())
                .len(),
        );
        lap(5);
        black_box(report::CriticalPath::new(&analysis).to_json().len());
        lap(6);
        drop(analysis);
        drop(graph);
        drop(summary);
        lap(7);
        for (m, x) in min.iter_mut().zip(t) {
            *m = m.min(x);
        }
    }
    for (name, ms) in names.iter().zip(min) {
        eprintln!("{name:>9}: {ms:8.2} ms (min)");
    }
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
            report::Why::new(&analysis).to_json().len()
                + report::Why::new(&analysis)
                    .to_text(Default::default())
                    .len()
        }
        "critical-path" => report::CriticalPath::new(&analysis).to_json().len(),
        other => return Err(format!("unknown stage {other:?}").into()),
    };
    black_box(len);
    Ok(())
}
