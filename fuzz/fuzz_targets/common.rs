use dataprep_lineage::diagram::View;
use dataprep_lineage::report::{json, text};
use dataprep_lineage::{dot, mermaid, Analysis, JobSummary, LineageGraph};

/// Parse → build → every analysis → every output. Must never panic.
pub fn exercise(bytes: &[u8]) {
    let Ok(summary) = JobSummary::from_slice(bytes) else { return };
    let Ok(graph) = LineageGraph::build(&summary) else { return };
    let a = Analysis::new(&graph);
    let _ = json::to_string(&json::why(&a));
    let _ = json::to_string(&json::summary(&a));
    let _ = json::to_string(&json::order(&a));
    let _ = json::to_string(&json::critical_path(&a));
    let _ = text::why(&a, Default::default());
    let _ = text::summary(&a, Default::default());
    let _ = text::order(&a, Default::default());
    let _ = text::critical_path(&a, Default::default());
    for s in graph.stages().iter().take(8) {
        let _ = text::trace(&a, s.id, Default::default());
    }
    for view in [View::Stages, View::Lineage] {
        let _ = dot::render(&a, view);
        let _ = mermaid::render(&a, view);
    }
}
