//! A scheduler's nightly check over the runs it kept: is the latest failure
//! of each pipeline new, and which stages are flaky?
//!
//! ```sh
//! cargo run --release --example history_runs -- runs 2 30 7   # a folder of runs
//! cargo run --example history -- runs/p0/*.json
//! ```
//!
//! Each file is reduced to its [`RunFacts`] (owned, a few numbers per
//! stage) before the next is read, so memory holds facts, not responses.
//! `RunFacts::from_slice` is `Send`-friendly: a caller with many files
//! spreads it over threads and adds the results in any order — the
//! history is the same (the CLI's `history` does exactly that with rayon).

use std::process::ExitCode;

use dataprep_lineage::history::{History, HistoryBuilder, RunFacts};

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: history RUN.json...");
        return ExitCode::from(2);
    }
    let mut builder = HistoryBuilder::new();
    // A file's position on the command line orders runs whose time and id
    // tie.
    for (ix, file) in files.iter().enumerate() {
        match std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| RunFacts::from_slice(&bytes).map_err(|e| e.to_string()))
        {
            Ok(facts) => builder.add(ix as u64, facts),
            Err(error) => builder.skip(file.as_str(), error),
        }
    }
    let history = builder.finish();
    for pipeline in &history.pipelines {
        let name = pipeline.name.as_deref().unwrap_or(&pipeline.pipeline_id);
        println!("{name}: {} runs", pipeline.runs);
        if let Some(latest) = &pipeline.latest_run {
            for cause in &latest.root_causes {
                let stage = cause.name.as_deref().unwrap_or(&cause.key);
                match &cause.last_seen_run_id {
                    None => println!("  NEW failure in {stage}"),
                    Some(run) => println!(
                        "  {stage} failed again ({} times before, last in run {run})",
                        cause.seen_before
                    ),
                }
            }
        }
        for stage in History::flaky(pipeline) {
            let name = stage.name.as_deref().unwrap_or(&stage.key);
            println!(
                "  flaky: {name} ({} flips in {} runs)",
                stage.flips, stage.runs
            );
        }
    }
    for skipped in &history.skipped {
        eprintln!("skipped {}: {}", skipped.path, skipped.error);
    }
    if history.analysed == 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
