use dataprep_lineage::diagram::View;
use dataprep_lineage::report::{self, markdown::MarkdownOptions};
use dataprep_lineage::{dot, mermaid, Analysis, JobSummary, LineageGraph};

/// Parse → build → every analysis → every output. Must never panic.
pub fn exercise(bytes: &[u8]) {
    let Ok(summary) = JobSummary::from_slice(bytes) else { return };
    let Ok(graph) = LineageGraph::build(&summary) else { return };
    let a = Analysis::new(&graph);
    let md = MarkdownOptions::default();
    let why = report::Why::new(&a);
    let _ = (why.to_json(), why.to_text(Default::default()), why.to_markdown(&md));
    let summary = report::Summary::new(&a);
    let _ = (summary.to_json(), summary.to_text(Default::default()), summary.to_markdown(&md));
    let order = report::Order::new(&a);
    let _ = (order.to_json(), order.to_text(Default::default()), order.to_markdown(&md));
    let cp = report::CriticalPath::new(&a);
    let _ = (cp.to_json(), cp.to_text(Default::default()), cp.to_markdown(&md));
    for s in graph.stage_indices().take(8) {
        let t = report::Trace::new(&a, s);
        let _ = (t.to_json(), t.to_text(Default::default()), t.to_markdown(&md));
    }
    for view in [View::Stages, View::Lineage] {
        let _ = dot::render(&a, view);
        let _ = mermaid::render(&a, view);
    }
}
