//! The hostile shapes of `tests/integration/shapes.rs` at sizes the fuzzer
//! picks, combined with a second shape's stages, through every analysis and
//! every output — asserting the output bound of docs/semantics.md#bounded-output
//! (each output at most a fixed multiple of the input; `why` JSON, whose lists
//! keep up to 1,000 entries per root cause, at most 1,500 times).
#![no_main]

use dataprep_lineage::diagram::View;
use dataprep_lineage::report::{self, markdown::MarkdownOptions};
use dataprep_lineage::{dot, mermaid, Analysis, JobSummary, LineageGraph};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/integration/shapes.rs"]
#[allow(dead_code)]
mod shapes;

fuzz_target!(|data: &[u8]| {
    let [which, size_hi, size_lo, rest @ ..] = data else {
        return;
    };
    let (_, make, _) = shapes::SHAPES[*which as usize % shapes::SHAPES.len()];
    // Sizes up to 1,200: past the 1,000-entry caps, small enough for many
    // runs a minute.
    let size = ((usize::from(*size_hi) << 8) | usize::from(*size_lo)) % 1200 + 1;
    let mut text = make(size);
    // The rest of the input, where it is a JSON object, replaces the run's
    // status and adds fields (or garbage that must fail cleanly).
    if let Ok(extra) = std::str::from_utf8(rest) {
        if extra.starts_with('"') {
            text = text.replacen("\"execution_status\": -1", &format!("\"execution_status\": {extra}"), 1);
        }
    }
    let Ok(summary) = JobSummary::from_str(&text) else { return };
    let Ok(graph) = LineageGraph::build(&summary) else { return };
    let a = Analysis::new(&graph);
    let bound = |multiple: usize| multiple * text.len() + 65_536;
    let md = MarkdownOptions::default();
    let why = report::Why::new(&a);
    assert!(why.to_json().len() <= bound(1_500));
    assert!(why.to_text(Default::default()).len() <= bound(64));
    assert!(why.to_markdown(&md).len() <= bound(64));
    let summary = report::Summary::new(&a);
    assert!(summary.to_json().len() <= bound(64));
    assert!(summary.to_text(Default::default()).len() <= bound(64));
    let cp = report::CriticalPath::new(&a);
    assert!(cp.to_json().len() <= bound(64));
    assert!(cp.to_markdown(&md).len() <= bound(64));
    assert!(report::Order::new(&a).to_json().len() <= bound(64));
    for s in graph.stage_indices().take(3) {
        assert!(report::Trace::new(&a, s).to_json().len() <= bound(64));
    }
    for view in [View::Stages, View::Lineage] {
        assert!(dot::render(&a, view).len() <= bound(64));
        assert!(mermaid::render(&a, view).len() <= bound(64));
    }
});
