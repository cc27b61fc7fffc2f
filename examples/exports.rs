//! A scheduler hook: after each run, send its lineage to the catalog and
//! keep a trace of it next to the response.
//!
//! ```sh
//! cargo run --example exports -- fixtures/failed_transform_blocks_exports.json out/
//! # out/events.ndjson: one OpenLineage event per line, to POST to /api/v1/lineage
//! # out/run.trace.json: open it in https://ui.perfetto.dev
//! ```
//!
//! Both exports write to any `io::Write` as they go: a run of 100,000
//! stages streams its events without holding them.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use dataprep_lineage::export::openlineage::{self, OpenLineageOptions};
use dataprep_lineage::export::trace;
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, dir] = args.as_slice() else {
        eprintln!("usage: exports RUN.json OUT_DIR");
        return ExitCode::from(2);
    };
    match export(file, &PathBuf::from(dir)) {
        Ok(n) => {
            println!(
                "{n} OpenLineage events in {dir}/events.ndjson; the trace in {dir}/run.trace.json"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn export(file: &str, dir: &std::path::Path) -> Result<usize, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(file)?;
    let summary = JobSummary::from_slice(&bytes)?;
    let graph = LineageGraph::build(&summary)?;
    let analysis = Analysis::new(&graph);
    std::fs::create_dir_all(dir)?;

    // Your scheduler's namespace and its own URI as the producer.
    let opts = OpenLineageOptions {
        namespace: "prod-dataprep".to_owned(),
        ..OpenLineageOptions::default()
    };
    let mut events = BufWriter::new(File::create(dir.join("events.ndjson"))?);
    let n = openlineage::write_events(&mut events, &analysis, &opts)?;

    let mut out = BufWriter::new(File::create(dir.join("run.trace.json"))?);
    trace::write_trace(&mut out, &analysis)?;
    Ok(n)
}
