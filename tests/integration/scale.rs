//! Deep and wide graphs: every analysis must work without recursion.

use dataprep_lineage::report;
use dataprep_lineage::{dot, Analysis, JobSummary, LineageGraph};

use crate::generator::minimal_chain as chain;

#[test]
fn a_200_000_stage_chain() {
    let n = 200_000;
    let input = chain(n, 3);
    let summary = JobSummary::from_str(&input).unwrap();
    let graph = LineageGraph::build(&summary).unwrap();
    let a = Analysis::new(&graph);
    assert_eq!(a.order.stages().len(), n);
    assert_eq!(a.order.level(graph.stage_by_id("199999").unwrap()), 199_999);
    assert_eq!(a.causes.root_causes().len(), 1);
    assert_eq!(a.blocked(a.causes.root_causes()[0]).len(), n - 4);
    assert_eq!(a.timing.critical_path().len(), n);
    let trace = a.causes.trace(&graph, graph.stage_by_id("199999").unwrap());
    assert_eq!(trace[0].path.len(), n - 3);
    assert!(!report::Why::new(&a).to_json().is_empty());
    assert!(!report::CriticalPath::new(&a)
        .to_text(Default::default())
        .is_empty());
    assert!(dot::render(&a, dataprep_lineage::diagram::View::Stages).len() > n);
}

#[test]
fn a_100_000_parent_fan_in() {
    let n = 100_000;
    let mut s =
        String::from("{\"pipelinerun\":{\"id\":\"1\",\"pipelinetaskinstancemappers\":{\"sink\":[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\"{i}\""));
    }
    s.push_str("]},\"pipelinetaskinstances\":[{\"id\":\"sink\",\"execution_status\":2}");
    for i in 0..n {
        let status = if i % 2 == 0 { -1 } else { 1 };
        s.push_str(&format!(
            ",{{\"id\":\"{i}\",\"execution_status\":{status}}}"
        ));
    }
    s.push_str("]}}");
    let summary = JobSummary::from_str(&s).unwrap();
    let graph = LineageGraph::build(&summary).unwrap();
    let a = Analysis::new(&graph);
    let sink = graph.stage_by_id("sink").unwrap();
    assert_eq!(a.order.stages().last(), Some(&sink));
    assert_eq!(a.causes.root_causes().len(), n / 2);
    assert_eq!(a.causes.culprits(&graph, sink).len(), n / 2);
    assert_eq!(a.causes.trace(&graph, sink).len(), n / 2);
    assert_eq!(a.order.level(sink), 1);
}
