//! What a lineage diagram shows, independent of the language it is drawn in.
//!
//! The DOT and Mermaid writers draw the same picture; this module decides it
//! once: which nodes (stages only, or stages with their data), in what order
//! (stages in topological order, then data nodes by kind and first mention),
//! with what label lines, status and marks (root cause, blocked, critical
//! path), and which edges — of the whole run, or of the part a [`Focus`]
//! keeps (a 300-stage diagram is past what Mermaid draws by default). Node names in the output are generated (`s0`, `d0`), never
//! taken from the input.

use crate::analysis::Analysis;
use crate::graph::{DataKind, EdgeKind, LineageGraph, Node, StageIx};
use crate::limits::short;
use crate::report::human_duration;
use crate::status::Status;

/// Which nodes a diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Stages and their dependencies.
    #[default]
    Stages,
    /// Stages with the sources, datasets and export targets they touch.
    Lineage,
}

/// The shape family of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A stage.
    Stage,
    /// A data node of this kind.
    Data(DataKind),
}

/// Which part of the run a diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// Every stage.
    #[default]
    All,
    /// What the failure touched: the root causes, the stages they blocked,
    /// the parents of both (what fed them), and the critical path.
    Failure,
    /// One stage with its ancestors and descendants.
    Stage(StageIx),
}

/// One node of a diagram.
#[derive(Debug, Clone)]
pub struct DiagramNode {
    /// Generated name: `s0`, `s1`, … for stages; `d0`, … for data.
    pub name: String,
    /// Label lines, unescaped (the writers escape).
    pub lines: Vec<String>,
    /// The node's outcome.
    pub status: Status,
    /// Shape family.
    pub shape: Shape,
    /// A root cause of the run.
    pub root_cause: bool,
    /// Blocked: it has culprits upstream (it never ran, or failed, because
    /// of them).
    pub blocked: bool,
    /// A placeholder for an id no task instance has.
    pub placeholder: bool,
    /// On the critical path.
    pub critical: bool,
}

/// One edge of a diagram, between positions in [`Diagram::nodes`].
#[derive(Debug, Clone, Copy)]
pub struct DiagramEdge {
    /// Source node position.
    pub from: usize,
    /// Target node position.
    pub to: usize,
    /// What the edge means.
    pub kind: EdgeKind,
    /// Both ends are consecutive on the critical path.
    pub critical: bool,
}

/// A diagram ready to be written.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// Title: the run and its outcome.
    pub title: String,
    /// Nodes: stages in topological order, then data nodes.
    pub nodes: Vec<DiagramNode>,
    /// Edges, sorted by (from, to).
    pub edges: Vec<DiagramEdge>,
}

/// The stages a focus keeps. O(V + E).
fn kept_stages(a: &Analysis<'_, '_>, focus: Focus) -> Vec<bool> {
    let g = a.graph;
    let n = g.stage_count();
    match focus {
        Focus::All => vec![true; n],
        Focus::Failure => {
            let mut keep = vec![false; n];
            for s in g.stage_indices() {
                if a.causes.has_culprits(s) {
                    keep[s.index()] = true;
                    for p in g.parents(s) {
                        keep[p.index()] = true;
                    }
                }
            }
            for &s in a.timing.critical_path() {
                keep[s.index()] = true;
            }
            keep
        }
        Focus::Stage(stage) => {
            let mut keep = vec![false; n];
            keep[stage.index()] = true;
            for up in [true, false] {
                let mut stack = vec![stage];
                while let Some(s) = stack.pop() {
                    let next: Vec<StageIx> = if up {
                        g.parents(s).collect()
                    } else {
                        g.children(s).collect()
                    };
                    for m in next {
                        if !keep[m.index()] {
                            keep[m.index()] = true;
                            stack.push(m);
                        }
                    }
                }
            }
            keep
        }
    }
}

/// Lays out the diagram of an analysed run, every stage.
pub fn layout(a: &Analysis<'_, '_>, view: View) -> Diagram {
    layout_focused(a, view, Focus::All)
}

/// Lays out the diagram of the part of an analysed run that `focus` keeps
/// (in the lineage view, with the data nodes those stages touch).
pub fn layout_focused(a: &Analysis<'_, '_>, view: View, focus: Focus) -> Diagram {
    let g: &LineageGraph<'_> = a.graph;
    let keep = kept_stages(a, focus);
    let mut node_of_stage = vec![usize::MAX; g.stage_count()];

    let mut nodes = Vec::new();
    for &s in a.order.stages() {
        if !keep[s.index()] {
            continue;
        }
        let st = g.stage(s);
        node_of_stage[s.index()] = nodes.len();
        let mut lines = vec![st.shown_name().unwrap_or(st.shown_id()).to_owned()];
        let kind = if st.is_placeholder() {
            "placeholder"
        } else {
            st.stage_type().map_or("stage", |t| t.label())
        };
        let mut facts = format!("{kind} · {}", st.status());
        let d = a.timing.duration(s);
        if d > 0 {
            facts.push_str(&format!(" · {}", human_duration(d)));
        }
        lines.push(facts);
        let root_cause = a.causes.is_root_cause(s);
        let blocked = !root_cause && a.causes.has_culprits(s);
        if root_cause {
            lines.push("ROOT CAUSE".to_owned());
        } else if blocked {
            lines.push("BLOCKED".to_owned());
        }
        nodes.push(DiagramNode {
            name: format!("s{}", nodes.len()),
            lines,
            status: st.status(),
            shape: Shape::Stage,
            root_cause,
            blocked,
            placeholder: st.is_placeholder(),
            critical: a.timing.is_critical(s),
        });
    }

    let mut node_of_data = vec![usize::MAX; g.data_nodes().len()];
    if view == View::Lineage {
        // The data nodes the kept stages touch.
        let mut touched = vec![false; g.data_nodes().len()];
        for (from, to, _) in g.edges() {
            match (from, to) {
                (Node::Data(d), Node::Stage(s)) | (Node::Stage(s), Node::Data(d))
                    if keep[s.index()] =>
                {
                    touched[d.index()] = true
                }
                _ => {}
            }
        }
        let mut data: Vec<usize> = (0..g.data_nodes().len()).filter(|&d| touched[d]).collect();
        data.sort_by_key(|&d| (g.data_nodes()[d].kind, d));
        for (i, d) in data.into_iter().enumerate() {
            let node = &g.data_nodes()[d];
            node_of_data[d] = nodes.len();
            let mut lines = vec![node.shown_name().unwrap_or(node.shown_id()).to_owned()];
            let mut facts = node.kind.label().to_owned();
            if let Some(t) = node.connection_type() {
                facts.push_str(&format!(" · {}", t.label()));
            }
            lines.push(facts);
            nodes.push(DiagramNode {
                name: format!("d{i}"),
                lines,
                status: Status::of(node.status),
                shape: Shape::Data(node.kind),
                root_cause: false,
                blocked: false,
                placeholder: false,
                critical: false,
            });
        }
    }

    let mut edges: Vec<DiagramEdge> = g
        .edges()
        .filter_map(|(from, to, kind)| {
            let pos = |n: Node| {
                match n {
                    Node::Stage(s) => Some(node_of_stage[s.index()]),
                    Node::Data(d) => Some(node_of_data[d.index()]),
                }
                .filter(|&p| p != usize::MAX)
            };
            let critical = match (from, to) {
                (Node::Stage(f), Node::Stage(t)) => a.timing.is_critical_step(f, t),
                _ => false,
            };
            Some(DiagramEdge {
                from: pos(from)?,
                to: pos(to)?,
                kind,
                critical,
            })
        })
        .collect();
    edges.sort_by_key(|e| (e.from, e.to));

    let run = g.summary().run();
    let pipeline = run
        .pipeline()
        .and_then(|p| p.name.get())
        .map(|t| short(t.as_str()));
    let id = run
        .id
        .get()
        .map_or_else(|| "(no id)".to_owned(), |i| short(i.as_str()));
    let title = match pipeline {
        Some(p) => format!(
            "{p} — run {id} — {}",
            Status::of(run.execution_status.value())
        ),
        None => format!("run {id} — {}", Status::of(run.execution_status.value())),
    };
    Diagram {
        title,
        nodes,
        edges,
    }
}

/// Colour of critical-path edges and borders.
pub const CRITICAL: &str = "#e65100";
