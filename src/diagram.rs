//! What a lineage diagram shows, independent of the language it is drawn in.
//!
//! The DOT and Mermaid writers draw the same picture; this module decides it
//! once: which nodes (stages only, or stages with their data), in what order
//! (stages in topological order, then data nodes by kind and first mention),
//! with what label lines, status and marks (root cause, critical path), and
//! which edges. Node names in the output are generated (`s0`, `d0`), never
//! taken from the input.

use crate::analysis::Analysis;
use crate::graph::{DataKind, EdgeKind, LineageGraph, Node};
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

/// Lays out the diagram of an analysed run.
pub fn layout(a: &Analysis<'_, '_>, view: View) -> Diagram {
    let g: &LineageGraph<'_> = a.graph;
    let stages = g.stages();
    let mut node_of_stage = vec![usize::MAX; stages.len()];
    let mut root = vec![false; stages.len()];
    for &s in a.causes.root_causes() {
        root[s.index()] = true;
    }

    let mut nodes = Vec::new();
    for (i, &s) in a.order.stages().iter().enumerate() {
        let st = &stages[s.index()];
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
        if root[s.index()] {
            lines.push("ROOT CAUSE".to_owned());
        }
        nodes.push(DiagramNode {
            name: format!("s{i}"),
            lines,
            status: st.status(),
            shape: Shape::Stage,
            root_cause: root[s.index()],
            critical: a.timing.is_critical(s),
        });
    }

    let mut node_of_data = vec![usize::MAX; g.data_nodes().len()];
    if view == View::Lineage {
        let mut data: Vec<usize> = (0..g.data_nodes().len()).collect();
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
                critical: false,
            });
        }
    }

    let mut edges: Vec<DiagramEdge> = g
        .edges()
        .filter_map(|(from, to, kind)| {
            let pos = |n: Node| match n {
                Node::Stage(s) => Some(node_of_stage[s.index()]),
                Node::Data(d) => Some(node_of_data[d.index()]).filter(|&p| p != usize::MAX),
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
