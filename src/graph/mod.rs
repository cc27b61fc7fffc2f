//! The lineage graph: stages and the data they read and write.
//!
//! Built from a parsed [`JobSummary`] in one fallible step
//! ([`LineageGraph::build`]), the graph holds one **stage** per task instance
//! and **data nodes** (sources, raw datasets, datasets, export targets)
//! deduplicated by id. Stage → stage edges come from the mappers; data edges
//! from each stage's audits.
//!
//! # Design
//!
//! As in guppy, the graph is reached through indices that cannot be mixed
//! up ([`StageIx`], [`DataIx`]: a stage index is no data index, and neither is
//! a position in the topological order) and handles ([`LineageGraph::stage`]
//! gives a [`Stage`] with its id, name, type and status); petgraph is an
//! implementation detail. The analyses work on the stage edges alone, which
//! are kept as compact adjacency arrays beside the petgraph graph so that a
//! million-stage chain is walked without recursion and without chasing
//! pointers.
//!
//! Building (the private `build` module) is one builder struct that owns the
//! id map, the stages and the diagnostics; ordering (`order`)
//! runs Kahn's algorithm once, with the spec's tie-break on ids ranked once,
//! and reports whatever it cannot order as a cycle — so a built graph is
//! proven acyclic.

mod build;
mod order;

use std::collections::HashMap;

use foldhash::fast::RandomState;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, EdgeRef};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{
    Connection, ConnectionType, ExecutionStatus, JobSummary, StageType, TaskInstance, TriggerRule,
};
use crate::status::Status;

pub use order::compare_ids;

/// A stage of a [`LineageGraph`]: its index among the graph's stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StageIx(u32);

impl StageIx {
    /// The index, for a caller's own per-stage arrays (each of length
    /// [`LineageGraph::stage_count`]).
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The stage at `index` of a graph's stages (the graph has fewer than
    /// 2^32 stages: its input is at most 2 GiB).
    pub(crate) fn new(index: usize) -> Self {
        StageIx(index as u32)
    }
}

/// A data node of a [`LineageGraph`]: its index among the graph's data nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DataIx(u32);

impl DataIx {
    /// The index, for a caller's own per-node arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub(crate) fn new(index: usize) -> Self {
        DataIx(index as u32)
    }
}

/// One stage of the run: a task instance, or a placeholder for an id that
/// the mappers name but no task instance has.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Stage<'a> {
    /// The task instance id, as written.
    pub id: &'a str,
    /// The task instance; `None` for a placeholder.
    pub instance: Option<&'a TaskInstance<'a>>,
    /// Index of the task instance in the response's stage array.
    pub instance_index: Option<usize>,
    /// Outcome; `None` when the response does not say (always for placeholders).
    pub status: Option<ExecutionStatus>,
    /// The trigger rule in force (`ALL_SUCCESS` when missing or unknown).
    pub trigger_rule: TriggerRule,
    /// When the stage instance was created (epoch ms).
    pub created: Option<i64>,
    /// When the stage started (epoch ms).
    pub start: Option<i64>,
    /// When the stage completed (epoch ms).
    pub completion: Option<i64>,
    /// Name and type, copied from the task definition when the graph is
    /// built: every report asks for them, and on a big run the task
    /// definitions are far apart in memory while the stages are together.
    name: Option<&'a str>,
    stage_type: Option<StageType>,
    /// The id and name as the outputs show them (shortened past 200
    /// characters), decided once: a long name named by a thousand root
    /// causes is shortened once, not a thousand times.
    shown: Shown<'a>,
}

/// An id and a name as every output shows them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shown<'a> {
    pub(crate) id: std::borrow::Cow<'a, str>,
    pub(crate) name: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> Shown<'a> {
    pub(crate) fn of(id: &'a str, name: Option<&'a str>) -> Self {
        Shown {
            id: crate::limits::shorten(id),
            name: name.map(crate::limits::shorten),
        }
    }
}

impl<'a> Stage<'a> {
    /// The stage's key (SPEC §6), what matches a stage across runs: its
    /// task definition's id, else `NAME@TYPE` (a missing part empty);
    /// `None` for a stage with neither (a placeholder). Comparison, history
    /// and the exports all key stages with it.
    pub fn key(&self) -> Option<String> {
        let task = self.instance.and_then(|ti| ti.pipelinetask.get());
        if let Some(id) = task.and_then(|t| t.id.get()) {
            return Some(id.as_str().to_owned());
        }
        let name = self.name();
        let code = task.and_then(|t| t.stage_type.value()).map(|t| t.code());
        if name.is_none() && code.is_none() {
            return None;
        }
        Some(format!(
            "{}@{}",
            name.unwrap_or_default(),
            code.map_or_else(String::new, |c| c.to_string())
        ))
    }

    /// The stage's name, when its task definition has one.
    pub fn name(&self) -> Option<&'a str> {
        self.name
    }

    /// The id as every output shows it: shortened past 200 characters
    /// ([`crate::limits::shorten`]).
    pub fn shown_id(&self) -> &str {
        &self.shown.id
    }

    /// The name as every output shows it: shortened past 200 characters.
    pub fn shown_name(&self) -> Option<&str> {
        self.shown.name.as_deref()
    }

    /// The stage's type, when its task definition has one.
    pub fn stage_type(&self) -> Option<StageType> {
        self.stage_type
    }

    /// True for a stand-in for an id no task instance has.
    pub fn is_placeholder(&self) -> bool {
        self.instance.is_none()
    }

    /// Failed, stopped or killed.
    pub fn is_failed_like(&self) -> bool {
        self.status.is_some_and(ExecutionStatus::is_failed_like)
    }

    /// Finished successfully.
    pub fn is_success(&self) -> bool {
        self.status == Some(ExecutionStatus::Success)
    }

    /// The outcome as every output names it (`Unknown` when the response
    /// does not say, always for placeholders).
    pub fn status(&self) -> Status {
        Status::of(self.status)
    }
}

/// What a data node is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum DataKind {
    /// A pipeline datasource an import reads.
    #[serde(rename = "source")]
    Source,
    /// The raw dataset an import produces.
    #[serde(rename = "raw dataset")]
    RawDataset,
    /// A dataset a transform produces and an export reads.
    #[serde(rename = "dataset")]
    Dataset,
    /// A datasink (with its connection) an export writes to.
    #[serde(rename = "export target")]
    ExportTarget,
}

impl DataKind {
    /// A lower-case label for outputs.
    pub fn label(self) -> &'static str {
        match self {
            DataKind::Source => "source",
            DataKind::RawDataset => "raw dataset",
            DataKind::Dataset => "dataset",
            DataKind::ExportTarget => "export target",
        }
    }
}

/// A source, dataset or export target, deduplicated by kind and id.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataNode<'a> {
    /// What the node is.
    pub kind: DataKind,
    /// Its id, as written.
    pub id: &'a str,
    /// Its name (for an export target: the connection's name).
    pub name: Option<&'a str>,
    /// The connection it is read through or written to.
    pub connection: Option<&'a Connection<'a>>,
    /// Outcome of the audit that touched it, when the response says.
    pub status: Option<ExecutionStatus>,
    /// Id, name and connection name as the outputs show them, set when the
    /// graph is built.
    pub(crate) shown: Shown<'a>,
    pub(crate) shown_connection: Option<std::borrow::Cow<'a, str>>,
}

impl DataNode<'_> {
    /// The id as every output shows it: shortened past 200 characters.
    pub fn shown_id(&self) -> &str {
        &self.shown.id
    }

    /// The name as every output shows it: shortened past 200 characters.
    pub fn shown_name(&self) -> Option<&str> {
        self.shown.name.as_deref()
    }

    /// The connection's name as every output shows it.
    pub fn shown_connection(&self) -> Option<&str> {
        self.shown_connection.as_deref()
    }

    /// The connection's type, when known.
    pub fn connection_type(&self) -> Option<ConnectionType> {
        self.connection.and_then(|c| c.connection_type.value())
    }

    /// The connection's name, when known.
    pub fn connection_name(&self) -> Option<&str> {
        self.connection
            .and_then(|c| c.name.get())
            .map(|t| t.as_str())
    }
}

impl<'a> DataNode<'a> {
    /// The connection's name, borrowed for as long as the response.
    pub(crate) fn connection_name_raw(&self) -> Option<&'a str> {
        self.connection
            .and_then(|c| c.name.get())
            .map(|t| t.as_str())
    }
}

/// A node of the lineage graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A stage.
    Stage(StageIx),
    /// A data node.
    Data(DataIx),
}

/// What an edge of the lineage graph means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// Stage → stage: the child runs after the parent (from the mappers).
    DependsOn,
    /// Data → stage: the stage reads the data.
    Reads,
    /// Stage → data: the stage writes the data.
    Writes,
}

/// Adjacency lists packed into two arrays.
#[derive(Debug, Clone, Default)]
struct Csr {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Csr {
    /// Packs `(from, to)` pairs for `n` nodes, keeping each list in input order.
    fn from_pairs(n: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut offsets = vec![0u32; n + 1];
        for &(from, _) in pairs {
            offsets[from as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; pairs.len()];
        for &(from, to) in pairs {
            targets[fill[from as usize] as usize] = to;
            fill[from as usize] += 1;
        }
        Csr { offsets, targets }
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// The lineage graph of one run, borrowing from the parsed response.
#[derive(Debug, Clone)]
pub struct LineageGraph<'a> {
    summary: &'a JobSummary<'a>,
    stages: Vec<Stage<'a>>,
    data: Vec<DataNode<'a>>,
    graph: DiGraph<Node, EdgeKind, u32>,
    data_index: Vec<NodeIndex<u32>>,
    parents: Csr,
    children: Csr,
    topo: Vec<u32>,
    topo_pos: Vec<u32>,
    /// Stage id → stage, for lookups only (never iterated into output).
    by_id: HashMap<&'a str, u32, RandomState>,
    /// The builder's diagnostics; the parser's stay in the summary.
    diagnostics: Diagnostics,
}

impl<'a> LineageGraph<'a> {
    /// The stage at `ix`: its id, name, type and status.
    pub fn stage(&self, ix: StageIx) -> &Stage<'a> {
        &self.stages[ix.index()]
    }

    /// Every stage's index, in graph order (use
    /// [`topological_order`](Self::topological_order) for the spec's order).
    pub fn stage_indices(&self) -> impl ExactSizeIterator<Item = StageIx> {
        (0..self.stages.len() as u32).map(StageIx)
    }

    /// Number of stages (placeholders included).
    pub fn stage_count(&self) -> usize {
        self.stages.len()
    }

    /// The data node at `ix`.
    pub fn data_node(&self, ix: DataIx) -> &DataNode<'a> {
        &self.data[ix.index()]
    }

    /// The parsed response the graph was built from.
    pub fn summary(&self) -> &'a JobSummary<'a> {
        self.summary
    }

    /// Every stage: the task instances in document order (duplicates dropped),
    /// then placeholders in the order the mappers name them.
    pub fn stages(&self) -> &[Stage<'a>] {
        &self.stages
    }

    /// Every data node, in the order the stages' audits first name them.
    pub fn data_nodes(&self) -> &[DataNode<'a>] {
        &self.data
    }

    /// The stage with id `id`.
    pub fn stage_by_id(&self, id: &str) -> Option<StageIx> {
        self.by_id.get(id).map(|&s| StageIx(s))
    }

    /// The stages whose name is exactly `name`, in topological order.
    pub fn stages_named(&self, name: &str) -> Vec<StageIx> {
        self.topological_order()
            .filter(|&s| self.stages[s.index()].name == Some(name))
            .collect()
    }

    /// The stage an id or else an exact name designates: `Ok(None)` when
    /// none does, `Err` with every match (topological order) when a name
    /// (that is no id) is shared by several stages.
    pub fn find_stage(
        &self,
        id_or_name: &str,
    ) -> std::result::Result<Option<StageIx>, Vec<StageIx>> {
        if let Some(s) = self.stage_by_id(id_or_name) {
            return Ok(Some(s));
        }
        match self.stages_named(id_or_name).as_slice() {
            // A long id as the outputs print it (shortened) finds it too.
            [] if id_or_name.contains('…') => Ok(self
                .stage_indices()
                .find(|&s| crate::limits::shorten(self.stage(s).id) == id_or_name)),
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(many.to_vec()),
        }
    }

    /// The stage's parents (the stages it depends on), in no particular order.
    pub fn parents(&self, stage: StageIx) -> impl ExactSizeIterator<Item = StageIx> + '_ {
        self.parents.get(stage.index()).iter().map(|&p| StageIx(p))
    }

    /// The stage's children (the stages that depend on it), in no particular order.
    pub fn children(&self, stage: StageIx) -> impl ExactSizeIterator<Item = StageIx> + '_ {
        self.children.get(stage.index()).iter().map(|&c| StageIx(c))
    }

    /// Number of stage → stage dependencies.
    pub fn dependency_count(&self) -> usize {
        self.children.targets.len()
    }

    /// The stages in topological order with the spec's tie-break (see
    /// [`crate::Order`]).
    pub fn topological_order(&self) -> impl ExactSizeIterator<Item = StageIx> + '_ {
        self.topo.iter().map(|&s| StageIx(s))
    }

    /// The stage at `position` in the topological order.
    pub fn stage_at_position(&self, position: usize) -> StageIx {
        StageIx(self.topo[position])
    }

    /// The stage's position in the topological order.
    pub fn topological_position(&self, stage: StageIx) -> usize {
        self.topo_pos[stage.index()] as usize
    }

    /// Every edge of the lineage graph: stage → stage, data → stage and
    /// stage → data, in the order they were added.
    pub fn edges(&self) -> impl Iterator<Item = (Node, Node, EdgeKind)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (self.graph[e.source()], self.graph[e.target()], *e.weight()))
    }

    /// Every stage and data node reachable from `node` along any edge
    /// (`node` itself excluded), in breadth-first order.
    pub fn descendants(&self, node: Node) -> Vec<Node> {
        let start = self.node_index(node);
        let mut bfs = Bfs::new(&self.graph, start);
        let mut out = Vec::new();
        while let Some(n) = bfs.next(&self.graph) {
            if n != start {
                out.push(self.graph[n]);
            }
        }
        out
    }

    /// The data nodes `stage` reads, in graph order.
    pub fn reads(&self, stage: StageIx) -> Vec<DataIx> {
        self.data_of(stage, EdgeKind::Reads)
    }

    /// The data nodes `stage` writes, in graph order.
    pub fn writes(&self, stage: StageIx) -> Vec<DataIx> {
        self.data_of(stage, EdgeKind::Writes)
    }

    /// The data nodes a stage reads (`Reads`) or writes (`Writes`).
    pub(crate) fn data_of(&self, stage: StageIx, kind: EdgeKind) -> Vec<DataIx> {
        // A stage reads along its incoming edges and writes along its outgoing ones.
        let direction = match kind {
            EdgeKind::Reads => petgraph::Direction::Incoming,
            EdgeKind::Writes => petgraph::Direction::Outgoing,
            EdgeKind::DependsOn => return Vec::new(),
        };
        let n = NodeIndex::new(stage.index());
        let mut out: Vec<DataIx> = self
            .graph
            .edges_directed(n, direction)
            .filter(|e| *e.weight() == kind)
            .filter_map(|e| {
                let other = if e.source() == n {
                    e.target()
                } else {
                    e.source()
                };
                match self.graph[other] {
                    Node::Data(d) => Some(d),
                    Node::Stage(_) => None,
                }
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// The parser's diagnostics followed by the builder's (at most
    /// [`KEPT_PER_KIND`](crate::diagnostic::KEPT_PER_KIND) of each kind;
    /// see [`diagnostic_count`](Self::diagnostic_count) for how many there were).
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> + '_ {
        self.summary
            .diagnostics()
            .iter()
            .chain(self.diagnostics.as_slice())
    }

    /// How many diagnostics of `kind` the parser and the builder found, kept
    /// or not. (The parser's kinds and the builder's do not overlap.)
    pub fn diagnostic_count(&self, kind: crate::diagnostic::DiagnosticKind) -> usize {
        self.summary.diagnostic_log().count(kind) + self.diagnostics.count(kind)
    }

    fn node_index(&self, node: Node) -> NodeIndex<u32> {
        match node {
            Node::Stage(s) => NodeIndex::new(s.index()),
            Node::Data(d) => self.data_index[d.index()],
        }
    }
}
