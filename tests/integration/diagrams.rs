//! Big runs draw readable diagrams (SPEC §5): a focused diagram keeps at
//! most 200 stages, collapses the rest into "… and N more" nodes with exact
//! counts, and renders in Graphviz in seconds; Markdown with `--diagram`
//! stays small enough for a chat message; a whole-run diagram over the cap
//! warns; and no `Next:` line suggests drawing more than the cap.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use dataprep_lineage::{Analysis, JobSummary, LineageGraph};

use crate::generator::{generate, Shape};

fn bin(args: &[&str]) -> Output {
    crate::support::bin()
        .args(args)
        .args(["--color", "never"])
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

/// The stage nodes (`s0 [`…) and the collapsed nodes' counts of a DOT text.
fn dot_nodes(dot: &str) -> (usize, Vec<(usize, String)>) {
    let stages = dot
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with('s')
                && l[1..]
                    .split(' ')
                    .next()
                    .is_some_and(|n| n.parse::<usize>().is_ok())
                && l.contains(" [label=")
        })
        .count();
    let collapsed = dot
        .lines()
        .filter_map(|l| {
            let rest = l.split("[label=\"… and ").nth(1)?;
            let (n, rest) = rest.split_once(" more ")?;
            Some((n.parse().ok()?, rest.split('"').next()?.to_owned()))
        })
        .collect();
    (stages, collapsed)
}

/// `dot -Tsvg` on `text`, timed; `None` when Graphviz is missing outside CI.
fn render(text: &str) -> Option<Duration> {
    let started = Instant::now();
    let svg = crate::outputs::graphviz_svg(text)?;
    let took = started.elapsed();
    let svg = svg.unwrap_or_else(|e| panic!("Graphviz rejected it: {e}"));
    assert!(svg.contains("</svg>"));
    Some(took)
}

struct Big {
    what: String,
    file: PathBuf,
    stages: usize,
    blocked: usize,
    middle: String,
}

fn big_runs(dir: &Path) -> Vec<Big> {
    let mut out = Vec::new();
    for n in [5_000, 20_000] {
        // One failure in the middle of a chain: it blocks the second half.
        // Layers with a failure every n/8 stages: a few root causes, each
        // blocking thousands.
        for (shape, fail_every, name) in [
            (Shape::Chain, n, "chain"),
            (Shape::Layered, n / 8, "layers"),
        ] {
            let input = generate(n, shape, fail_every);
            let summary = JobSummary::from_str(&input).expect("parses");
            let graph = LineageGraph::build(&summary).expect("builds");
            let a = Analysis::new(&graph);
            let blocked = graph
                .stage_indices()
                .filter(|&s| a.causes.has_culprits(s) && !a.causes.is_root_cause(s))
                .count();
            let middle = graph.stage(a.order.stages()[n / 2]).shown_id().to_owned();
            let file = dir.join(format!("{name}-{n}.json"));
            std::fs::write(&file, &input).expect("write");
            out.push(Big {
                what: format!("{name} of {n}"),
                file,
                stages: n,
                blocked,
                middle,
            });
        }
    }
    out
}

#[test]
fn big_runs_draw_readable_diagrams() {
    let dir = std::env::temp_dir().join(format!("dpl-diagrams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for big in big_runs(&dir) {
        let file = big.file.to_str().expect("path");
        let what = &big.what;
        for view in ["stages", "lineage"] {
            // What the failure touched: ≤ 200 stages, the rest collapsed with
            // exact counts (drawn blocked + collapsed = every blocked stage).
            let dot = stdout(&bin(&["dot", file, "--view", view, "--focus", "failure"]));
            let (stages, collapsed) = dot_nodes(&dot);
            assert!(stages <= 200, "{what} {view}: {stages} stages drawn");
            let drawn_blocked = dot.matches("\\nBLOCKED").count();
            let rest: usize = collapsed
                .iter()
                .filter(|(_, w)| w == "blocked stages")
                .map(|(n, _)| n)
                .sum();
            assert!(rest > 0, "{what} {view}: nothing collapsed\n{collapsed:?}");
            // With one root cause the two add up exactly; with several, a
            // stage blocked by two counts in both of their collapsed nodes.
            if big.what.starts_with("chain") {
                assert_eq!(drawn_blocked + rest, big.blocked, "{what} {view}");
            } else {
                assert!(drawn_blocked + rest >= big.blocked, "{what} {view}");
            }
            assert!(
                dot.contains("style=dashed"),
                "{what}: the collapsed edge is dashed"
            );
            if let Some(took) = render(&dot) {
                assert!(
                    took < Duration::from_secs(20),
                    "{what} {view}: Graphviz took {took:?}"
                );
            }
            // One stage, marked, with its nearest neighbours.
            let dot = stdout(&bin(&["dot", file, "--view", view, "--focus", &big.middle]));
            let (stages, collapsed) = dot_nodes(&dot);
            assert!(stages <= 200, "{what} {view}: {stages} stages around one");
            assert_eq!(dot.matches("FOCUSED STAGE").count(), 1, "{what}");
            assert!(dot.contains("blue border: the focused stage"), "{what}");
            assert!(!collapsed.is_empty(), "{what} {view}");
            if let Some(took) = render(&dot) {
                assert!(
                    took < Duration::from_secs(20),
                    "{what} {view}: Graphviz took {took:?}"
                );
            }
        }
        // Markdown for a chat message: the failure's diagram, under 100 KB.
        for diagram in ["--diagram", "--diagram=lineage"] {
            let md = stdout(&bin(&["why", file, "--format", "markdown", diagram]));
            assert!(md.len() < 100_000, "{what} {diagram}: {} bytes", md.len());
            assert!(md.contains("more blocked stages"), "{what} {diagram}");
        }
        // The whole run is drawn when asked for, with a warning; --all is quiet.
        let whole = bin(&["dot", file]);
        let err = String::from_utf8_lossy(&whole.stderr);
        assert!(
            err.contains(&format!("draws all {} stages", big.stages))
                && err.contains("--focus failure"),
            "{what}: {err}"
        );
        assert_eq!(dot_nodes(&stdout(&whole)).0, big.stages, "{what}");
        let quiet = bin(&["dot", file, "--all"]);
        assert!(
            !String::from_utf8_lossy(&quiet.stderr).contains("draws all"),
            "{what}"
        );
        // No Next: line suggests drawing what Graphviz may not finish.
        for sub in ["why", "critical-path"] {
            let text = stdout(&bin(&[sub, file]));
            for line in text
                .lines()
                .filter(|l| l.starts_with("Next:") && l.contains(" dot "))
            {
                assert!(line.contains("--focus"), "{what} {sub}: {line}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The focused diagram of a big run, collapsed nodes and all, drawn by the
/// real Mermaid library in a headless Chromium.
#[test]
fn mermaid_draws_a_focused_big_run() {
    let Some((mmdc, chromium)) = crate::outputs::mermaid_renderer() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dpl-diagrams-mmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = generate(20_000, Shape::Layered, 2_500);
    let file = dir.join("run.json");
    std::fs::write(&file, &input).expect("write");
    let chart = stdout(&bin(&[
        "mermaid",
        file.to_str().expect("path"),
        "--focus",
        "failure",
    ]));
    assert!(chart.len() < 50_000, "{} characters", chart.len());
    assert!(chart.contains("class m0 collapsed"), "{chart}");
    std::fs::write(dir.join("chart.mmd"), &chart).expect("write");
    std::fs::write(
        dir.join("puppeteer.json"),
        format!(r#"{{"executablePath": "{chromium}", "args": ["--no-sandbox", "--disable-gpu"]}}"#),
    )
    .expect("write");
    let o = Command::new(&mmdc)
        .current_dir(&dir)
        .args([
            "-p",
            "puppeteer.json",
            "-i",
            "chart.mmd",
            "-o",
            "chart.svg",
            "-q",
        ])
        .output()
        .expect("mmdc runs");
    assert!(
        o.status.success(),
        "mmdc: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(dir.join("chart.svg")).expect("SVG");
    assert!(!svg.contains("Syntax error"));
    assert!(
        svg.contains("more blocked stages"),
        "the collapsed node is drawn"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Many root causes, each blocking its own ten stages: the failure's
/// diagram keeps the budget, says how many root causes it left out, and
/// each drawn root cause's collapsed node holds exactly the rest of what it
/// blocked. At a size and twice it.
#[test]
fn collapsed_counts_are_exact_with_many_root_causes() {
    use crate::support::{run as doc, s};
    use dataprep_lineage::diagram::{self, DiagramOptions, Focus, Shape as NodeShape, View};
    for roots in [300usize, 600] {
        let mut stages = Vec::new();
        for r in 0..roots {
            let root = format!("{}", 1_000_000 + r * 100);
            stages.push(s(&root, -1, &[]));
            let mut parent = root.clone();
            for k in 1..=10 {
                let id = format!("{}", 1_000_000 + r * 100 + k);
                stages.push(s(&id, 2, &[parent.as_str()]));
                parent = id;
            }
        }
        let text = doc(-1, &stages).to_string();
        let summary = JobSummary::from_str(&text).expect("parses");
        let graph = LineageGraph::build(&summary).expect("builds");
        let a = Analysis::new(&graph);
        for view in [View::Stages, View::Lineage] {
            let d = diagram::layout_with(&a, DiagramOptions::new(view, Focus::Failure));
            assert!(d.drawn_stages <= diagram::MAX_STAGES, "{roots}");
            assert!(d.edges.len() < 500, "{roots}: {} edges", d.edges.len());
            assert!(d.nodes.iter().filter(|n| n.root_cause).count() <= diagram::MAX_STAGES / 2);
            let drawn_roots = d.nodes.iter().filter(|n| n.root_cause).count();
            let more_roots: usize = d
                .nodes
                .iter()
                .filter(|n| {
                    n.shape == NodeShape::Collapsed && n.lines[0].ends_with("more root causes")
                })
                .map(|n| n.collapsed)
                .sum();
            assert_eq!(drawn_roots + more_roots, roots, "{roots}");
            // Per drawn root cause: its drawn blocked stages and its
            // collapsed node add up to the ten it blocked.
            for (i, n) in d.nodes.iter().enumerate().filter(|(_, n)| n.root_cause) {
                let mut reach = vec![i];
                let mut at = 0;
                let mut drawn = 0;
                let mut rest = 0;
                while at < reach.len() {
                    let from = reach[at];
                    at += 1;
                    for e in d.edges.iter().filter(|e| e.from == from) {
                        let m = &d.nodes[e.to];
                        if m.shape == NodeShape::Collapsed {
                            rest += m.collapsed;
                        } else if m.blocked {
                            drawn += 1;
                            reach.push(e.to);
                        }
                    }
                }
                assert_eq!(drawn + rest, 10, "{roots}: {:?}", n.lines);
            }
        }
    }
}

/// A run with no stages (or a focus that keeps none) is still a diagram
/// Graphviz draws: no empty legend table, which it rejects.
#[test]
fn a_diagram_of_nothing_is_still_drawn() {
    let dir = std::env::temp_dir().join(format!("dpl-diagrams-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("empty.json");
    std::fs::write(&file, r#"{"pipelinerun": {"id": "7", "execution_status": 1, "pipelinetaskinstances": [], "pipelinetaskinstancemappers": {}}}"#).expect("write");
    let file = file.to_str().expect("path");
    for args in [
        vec!["dot", file],
        vec!["dot", file, "--focus", "failure"],
        vec!["dot", file, "--view", "lineage"],
    ] {
        let dot = stdout(&bin(&args));
        assert!(
            !dot.contains("<table border=\"0\" cellspacing=\"2\" cellpadding=\"2\"></table>"),
            "{dot}"
        );
        render(&dot);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
