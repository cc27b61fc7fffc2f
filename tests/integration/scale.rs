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

/// `why` of a long chain fits one screen: the critical path condensed to
/// where the time went (its first, its last and its longest stages, each gap
/// said in a line), the observed chain not repeated when it is the same.
#[test]
fn why_of_a_long_chain_fits_one_screen() {
    use crate::generator::{generate, Shape};
    let dir = std::env::temp_dir().join(format!("dpl-long-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for n in [10_000, 20_000] {
        let input = generate(n, Shape::Chain, n);
        let summary = JobSummary::from_str(&input).unwrap();
        let graph = LineageGraph::build(&summary).unwrap();
        let a = Analysis::new(&graph);
        let why = report::Why::new(&a);
        let steps = &why.outcome.critical_path.path_steps;
        assert!(steps.len() > 1_000, "{n}: a long path");
        // The longest stage on the path (ties: the earlier), by position.
        let longest = (0..steps.len())
            .max_by(|&x, &y| {
                steps[x]
                    .duration_ms
                    .cmp(&steps[y].duration_ms)
                    .then(y.cmp(&x))
            })
            .expect("a stage");
        let file = dir.join("run.json");
        std::fs::write(&file, &input).expect("write");
        let file = file.to_str().expect("path");
        for format in ["text", "markdown"] {
            let out = crate::reports::run(&["why", file, "--format", format]);
            let lines = out.lines().count();
            assert!(lines <= 80, "{n} {format}: {lines} lines\n{out}");
            assert!(
                out.contains(&format!(
                    "{} stages; the first, the last and the 8 longest",
                    steps.len()
                )),
                "{out}"
            );
            assert!(
                out.contains(&format!("{}. ", longest + 1))
                    || out.contains(&format!("| {} |", longest + 1)),
                "{n} {format}: no stage {}\n{out}",
                longest + 1
            );
            assert!(
                out.contains("the critical path itself"),
                "{n} {format}:\n{out}"
            );
        }
        // Layers whose observed chain is not the critical path: both
        // condensed, still one screen.
        let layered = generate(n, Shape::Layered, n / 8);
        let lfile = dir.join("layers.json");
        std::fs::write(&lfile, &layered).expect("write");
        let out = crate::reports::run(&["why", lfile.to_str().expect("path")]);
        assert!(
            out.lines().count() <= 80,
            "{n} layers: {} lines\n{out}",
            out.lines().count()
        );
        assert!(out.contains("the 4 longest waits"), "{out}");
        // --all still lists every stage.
        let all = crate::reports::run(&["why", file, "--all"]);
        assert!(all.lines().count() > steps.len(), "{n}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
