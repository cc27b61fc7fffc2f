//! What a lineage dashboard needs from a run: every stage with its status
//! and level, what it reads and writes, and which export targets a failure
//! put at risk — walked through the graph's handles, no report involved.
//!
//! ```sh
//! cargo run --example dashboard -- fixtures/failed_import_datasource_error.json
//! ```

use std::process::ExitCode;

use dataprep_lineage::graph::DataKind;
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dashboard RESPONSE.json");
        return ExitCode::from(2);
    };
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("cannot read {path}");
        return ExitCode::from(1);
    };
    let summary = match JobSummary::from_slice(&bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let graph = match LineageGraph::build(&summary) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let analysis = Analysis::new(&graph);

    // Stages in the order they run, with what they touch.
    for &s in analysis.order.stages() {
        let stage = graph.stage(s);
        println!(
            "L{} {:<28} {:<9} {}",
            analysis.order.level(s),
            stage.name().unwrap_or(stage.id),
            stage.status(),
            stage.stage_type().map_or("stage", |t| t.label()),
        );
        for d in graph.reads(s) {
            let node = graph.data_node(d);
            println!(
                "     reads  {} {}",
                node.kind.label(),
                node.name.unwrap_or(node.id)
            );
        }
        for d in graph.writes(s) {
            let node = graph.data_node(d);
            println!(
                "     writes {} {}",
                node.kind.label(),
                node.name.unwrap_or(node.id)
            );
        }
    }

    // Export targets at risk: downstream of a root cause.
    for &root in analysis.root_causes() {
        let radius = analysis.blast_radius(root);
        for d in radius.data {
            let node = graph.data_node(d);
            if node.kind == DataKind::ExportTarget {
                println!(
                    "at risk: {} (downstream of {}, fingerprint {})",
                    node.name.unwrap_or(node.id),
                    graph.stage(root).name().unwrap_or(graph.stage(root).id),
                    analysis
                        .fingerprint(root)
                        .map_or_else(|| "none".to_owned(), |f| f.to_string())
                );
            }
        }
    }
    ExitCode::SUCCESS
}
