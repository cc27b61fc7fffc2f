//! The lineage graph: stages and the data they read and write.
//!
//! Built from a parsed [`JobSummary`] in one fallible step
//! ([`LineageGraph::build`]), the graph holds one **stage** per task instance
//! and **data nodes** (sources, raw datasets, datasets, export targets)
//! deduplicated by id. Stage → stage edges come from the mappers; data edges
//! from each stage's audits.
//!
//! The analyses work on the stage edges alone, which are kept as compact
//! adjacency arrays beside the petgraph graph so that a million-stage chain is
//! walked without recursion and without chasing pointers. Building the graph
//! also proves it acyclic: Kahn's algorithm runs here, once, with the spec's
//! tie-break, and whatever it cannot order is reported as a cycle.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};

use foldhash::fast::RandomState;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, EdgeRef};

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::error::{Error, Result};
use crate::json_path::JsonPath;
use crate::model::{
    Connection, ConnectionType, ExecutionStatus, JobSummary, PipelineDatasource, StageType,
    TaskInstance, TriggerRule,
};
use crate::status::Status;

/// A stage's position in [`LineageGraph::stages`].
pub type StageIx = usize;

/// A data node's position in [`LineageGraph::data_nodes`].
pub type DataIx = usize;

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
}

impl<'a> Stage<'a> {
    /// The stage's name, when its task definition has one.
    pub fn name(&self) -> Option<&'a str> {
        self.name
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
}

impl DataNode<'_> {
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

/// A node of the lineage graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A stage, by its position in [`LineageGraph::stages`].
    Stage(StageIx),
    /// A data node, by its position in [`LineageGraph::data_nodes`].
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
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LineageGraph<'a> {
    /// Builds the graph of a parsed response.
    ///
    /// Recoverable oddities (an id in the mappers that is no task instance, a
    /// duplicate id, a stage missing from the mappers, an inverted or
    /// unreadable timestamp, an unknown trigger rule) become
    /// [`diagnostics`](Self::diagnostics), which start with the parser's.
    ///
    /// # Errors
    ///
    /// [`Error::Cycle`] when the stage dependencies form a cycle (a
    /// self-dependency included), naming the stages of one cycle in order.
    pub fn build(summary: &'a JobSummary<'a>) -> Result<Self> {
        let mut diagnostics = summary.diagnostics().to_vec();
        let instances = summary
            .run()
            .pipelinetaskinstances
            .get()
            .map_or(0, |l| l.len());
        let mut stages: Vec<Stage<'a>> = Vec::with_capacity(instances);
        let mut by_id: HashMap<&'a str, u32, RandomState> =
            HashMap::with_capacity_and_hasher(instances, RandomState::default());

        for (index, ti) in summary.task_instances() {
            // The parser guarantees every readable instance has an id.
            let Some(id) = ti.id.get().map(|i| i.as_str()) else {
                continue;
            };
            if let Some(&first) = by_id.get(id) {
                let first_index = stages[first as usize].instance_index.unwrap_or(0);
                diagnostics.push(Diagnostic::new(
                    DiagnosticKind::DuplicateStage,
                    summary.task_instance_path(index),
                    format!(
                        "task instance id {id} also appears at {}; the first is kept",
                        summary.task_instance_path(first_index)
                    ),
                ));
                continue;
            }
            by_id.insert(id, stages.len() as u32);
            stages.push(stage_of(ti, index, summary, &mut diagnostics));
        }
        let instance_count = stages.len();

        // Stage → stage edges from the mappers: key = child, value = parents.
        let mappers = summary.mappers();
        let edge_hint = mappers.map_or(0, |m| {
            m.entries
                .iter()
                .map(|(_, p)| p.get().map_or(0, |l| l.len()))
                .sum()
        });
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity(edge_hint); // (parent, child)
        let mut mapped = vec![false; instance_count];
        let mappers_path = summary.mappers_path();
        // Paths are made only for a diagnostic: most ids are found.
        let mut placeholder = |id: &'a str,
                               path: &dyn Fn() -> JsonPath,
                               stages: &mut Vec<Stage<'a>>,
                               diags: &mut Vec<Diagnostic>|
         -> u32 {
            if let Some(&ix) = by_id.get(id) {
                return ix;
            }
            let ix = stages.len() as u32;
            by_id.insert(id, ix);
            stages.push(Stage {
                id,
                instance: None,
                instance_index: None,
                status: None,
                trigger_rule: TriggerRule::AllSuccess,
                created: None,
                start: None,
                completion: None,
                name: None,
                stage_type: None,
            });
            diags.push(Diagnostic::new(
                DiagnosticKind::UnknownStage,
                path(),
                format!("stage {id} is named in the mappers but is no task instance; kept as an `unknown` placeholder"),
            ));
            ix
        };
        if let Some(mappers) = mappers {
            for (child_id, parents) in &mappers.entries {
                let child_path = || mappers_path.clone().with_key(child_id.as_str());
                let child = placeholder(
                    child_id.as_str(),
                    &child_path,
                    &mut stages,
                    &mut diagnostics,
                );
                if let Some(m) = mapped.get_mut(child as usize) {
                    *m = true;
                }
                let Some(parents) = parents.get() else {
                    continue;
                };
                for (i, parent_id) in parents.values() {
                    let parent = placeholder(
                        parent_id.as_str(),
                        &|| child_path().with_index(i),
                        &mut stages,
                        &mut diagnostics,
                    );
                    edges.push((parent, child));
                }
            }
        }
        match mappers {
            None if instance_count > 0 => diagnostics.push(Diagnostic::new(
                DiagnosticKind::UnmappedStage,
                mappers_path.clone(),
                "the response has no stage mappers; every stage is treated as a root",
            )),
            None => {}
            Some(_) => {
                for (ix, stage) in stages.iter().enumerate().take(instance_count) {
                    if !mapped[ix] {
                        diagnostics.push(Diagnostic::new(
                            DiagnosticKind::UnmappedStage,
                            summary.task_instance_path(stage.instance_index.unwrap_or(0)),
                            format!(
                                "stage {} is not a key of the mappers; treated as a root",
                                stage.id
                            ),
                        ));
                    }
                }
            }
        }
        // A parent listed twice for one child is one dependency.
        edges.sort_unstable();
        edges.dedup();

        let n = stages.len();
        let children = Csr::from_pairs(n, &edges);
        let reversed: Vec<(u32, u32)> = edges.iter().map(|&(p, c)| (c, p)).collect();
        let parents = Csr::from_pairs(n, &reversed);

        let topo = topological_order(&stages, &parents, &children)?;
        let mut topo_pos = vec![0u32; n];
        for (pos, &s) in topo.iter().enumerate() {
            topo_pos[s as usize] = pos as u32;
        }

        // The petgraph graph: stages first (node index = stage index), then data.
        let mut graph = DiGraph::<Node, EdgeKind, u32>::with_capacity(n, edges.len());
        for ix in 0..n {
            graph.add_node(Node::Stage(ix));
        }
        for &(p, c) in &edges {
            graph.add_edge(
                NodeIndex::new(p as usize),
                NodeIndex::new(c as usize),
                EdgeKind::DependsOn,
            );
        }
        let mut lineage = DataBuilder {
            data: Vec::with_capacity(n),
            index: HashMap::with_capacity_and_hasher(n, RandomState::default()),
            data_index: Vec::with_capacity(n),
            graph,
            data_edges: HashSet::with_capacity_and_hasher(2 * n, RandomState::default()),
        };
        for (ix, stage) in stages.iter().enumerate() {
            if let Some(ti) = stage.instance {
                lineage.add_audits(ix, ti);
            }
        }
        let DataBuilder {
            data,
            data_index,
            graph,
            ..
        } = lineage;

        Ok(LineageGraph {
            summary,
            stages,
            data,
            graph,
            data_index,
            parents,
            children,
            topo,
            topo_pos,
            by_id,
            diagnostics,
        })
    }

    /// The stage at `ix`: its id, name, type and status.
    pub fn stage(&self, ix: StageIx) -> &Stage<'a> {
        &self.stages[ix]
    }

    /// Every stage's index, in graph order (use
    /// [`topological_order`](Self::topological_order) for the spec's order).
    pub fn stage_indices(&self) -> impl ExactSizeIterator<Item = StageIx> {
        0..self.stages.len()
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
        self.by_id.get(id).map(|&s| s as usize)
    }

    /// The stages whose name is exactly `name`, in topological order.
    pub fn stages_named(&self, name: &str) -> Vec<StageIx> {
        self.topological_order()
            .filter(|&s| self.stages[s].name == Some(name))
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
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(many.to_vec()),
        }
    }

    /// The stage's parents (the stages it depends on), in no particular order.
    pub fn parents(&self, stage: StageIx) -> impl ExactSizeIterator<Item = StageIx> + '_ {
        self.parents.get(stage).iter().map(|&p| p as usize)
    }

    /// The stage's children (the stages that depend on it), in no particular order.
    pub fn children(&self, stage: StageIx) -> impl ExactSizeIterator<Item = StageIx> + '_ {
        self.children.get(stage).iter().map(|&c| c as usize)
    }

    /// Number of stage → stage dependencies.
    pub fn dependency_count(&self) -> usize {
        self.children.targets.len()
    }

    /// The stages in topological order with the spec's tie-break (see
    /// [`crate::order`]).
    pub fn topological_order(&self) -> impl ExactSizeIterator<Item = StageIx> + '_ {
        self.topo.iter().map(|&s| s as usize)
    }

    /// The stage at `position` in the topological order.
    pub fn stage_at_position(&self, position: usize) -> StageIx {
        self.topo[position] as usize
    }

    /// The stage's position in the topological order.
    pub fn topological_position(&self, stage: StageIx) -> usize {
        self.topo_pos[stage] as usize
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
    fn data_of(&self, stage: StageIx, kind: EdgeKind) -> Vec<DataIx> {
        // A stage reads along its incoming edges and writes along its outgoing ones.
        let direction = match kind {
            EdgeKind::Reads => petgraph::Direction::Incoming,
            EdgeKind::Writes => petgraph::Direction::Outgoing,
            EdgeKind::DependsOn => return Vec::new(),
        };
        let n = NodeIndex::new(stage);
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

    /// The parser's diagnostics followed by the builder's.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn node_index(&self, node: Node) -> NodeIndex<u32> {
        match node {
            Node::Stage(s) => NodeIndex::new(s),
            Node::Data(d) => self.data_index[d],
        }
    }
}

/// Compares stage ids as the spec orders them: both all ASCII digits →
/// as integers (equal values fall back to text order, so "007" < "7");
/// digit-only ids before others; otherwise byte order.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (digits(a), digits(b)) {
        (true, true) => {
            let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            ta.len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// Kahn's algorithm; among stages ready at once, the smallest id first.
/// On a cycle, returns the stages of one cycle in dependency order.
fn topological_order(stages: &[Stage<'_>], parents: &Csr, children: &Csr) -> Result<Vec<u32>> {
    let n = stages.len();
    let mut by_id: Vec<u32> = (0..n as u32).collect();
    by_id.sort_unstable_by(|&a, &b| compare_ids(stages[a as usize].id, stages[b as usize].id));
    let mut rank = vec![0u32; n];
    for (r, &s) in by_id.iter().enumerate() {
        rank[s as usize] = r as u32;
    }

    let mut indegree: Vec<u32> = (0..n).map(|s| parents.get(s).len() as u32).collect();
    let mut ready: BinaryHeap<Reverse<u32>> = (0..n)
        .filter(|&s| indegree[s] == 0)
        .map(|s| Reverse(rank[s]))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(r)) = ready.pop() {
        let s = by_id[r as usize];
        order.push(s);
        for &c in children.get(s as usize) {
            indegree[c as usize] -= 1;
            if indegree[c as usize] == 0 {
                ready.push(Reverse(rank[c as usize]));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }

    // Every stage left over has a parent left over: walk parents from the
    // smallest leftover id until a stage repeats; the repeat closes a cycle.
    let left = |s: u32| indegree[s as usize] > 0;
    let Some(start) = by_id.iter().copied().find(|&s| left(s)) else {
        return Ok(order);
    };
    let mut seen_at = vec![u32::MAX; n];
    let mut walk: Vec<u32> = Vec::new();
    let mut current = start;
    while seen_at[current as usize] == u32::MAX {
        seen_at[current as usize] = walk.len() as u32;
        walk.push(current);
        let next = parents
            .get(current as usize)
            .iter()
            .copied()
            .filter(|&p| left(p))
            .min_by_key(|&p| rank[p as usize]);
        match next {
            Some(p) => current = p,
            None => break, // unreachable for a true leftover; stop rather than loop
        }
    }
    let from = seen_at[current as usize] as usize;
    let mut cycle: Vec<u32> = walk[from.min(walk.len())..].to_vec();
    // The walk went child → parent; a cycle reads parent → child.
    cycle.reverse();
    if let Some(min_at) = (0..cycle.len()).min_by_key(|&i| rank[cycle[i] as usize]) {
        cycle.rotate_left(min_at);
    }
    Err(Error::Cycle {
        stages: cycle
            .iter()
            .map(|&s| stages[s as usize].id.to_owned())
            .collect(),
    })
}

fn stage_of<'a>(
    ti: &'a TaskInstance<'a>,
    index: usize,
    summary: &JobSummary<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Stage<'a> {
    let path = || summary.task_instance_path(index);
    let id = ti.id.get().map_or("", |i| i.as_str());
    let trigger_rule = match ti.trigger_rule() {
        None => TriggerRule::AllSuccess,
        Some(text) => TriggerRule::parse(text.trim()).unwrap_or_else(|| {
            diags.push(Diagnostic::new(
                DiagnosticKind::UnknownTriggerRule,
                path().with_field("pipelinetask").with_field("trigger_rule"),
                format!("stage {id} has trigger rule {text:?}, which is not a known rule; treated as ALL_SUCCESS"),
            ));
            TriggerRule::AllSuccess
        }),
    };
    let start = ti.start_time.value().map(|t| t.0);
    let completion = ti.completion_time.value().map(|t| t.0);
    if let (Some(s), Some(c)) = (start, completion) {
        if c < s {
            diags.push(Diagnostic::new(
                DiagnosticKind::InvertedTimestamps,
                path().with_field("completion_time"),
                format!(
                    "stage {id} completed {} ms before it started; its duration counts as 0",
                    s.saturating_sub(c)
                ),
            ));
        }
    }
    Stage {
        id,
        instance: Some(ti),
        instance_index: Some(index),
        status: ti.execution_status.value(),
        trigger_rule,
        created: ti.created_time.value().map(|t| t.0),
        start,
        completion,
        name: ti.name(),
        stage_type: ti.stage_type(),
    }
}

/// Adds data nodes and their edges, deduplicating by (kind, id).
struct DataBuilder<'a> {
    data: Vec<DataNode<'a>>,
    index: HashMap<(DataKind, &'a str), DataIx, RandomState>,
    data_index: Vec<NodeIndex<u32>>,
    graph: DiGraph<Node, EdgeKind, u32>,
    /// Data edges added so far. petgraph's `find_edge` scans the source's
    /// edges, and a source read by every import stage has thousands: a set
    /// keeps the build linear.
    data_edges: HashSet<(u32, u32), RandomState>,
}

impl<'a> DataBuilder<'a> {
    fn node(
        &mut self,
        kind: DataKind,
        id: &'a str,
        name: Option<&'a str>,
        connection: Option<&'a Connection<'a>>,
        status: Option<ExecutionStatus>,
    ) -> NodeIndex<u32> {
        let key = (kind, id);
        if let Some(&d) = self.index.get(&key) {
            // Fill in what an earlier mention left out.
            let node = &mut self.data[d];
            node.name = node.name.or(name);
            node.connection = node.connection.or(connection);
            node.status = node.status.or(status);
            return self.data_index[d];
        }
        let d = self.data.len();
        self.data.push(DataNode {
            kind,
            id,
            name,
            connection,
            status,
        });
        let n = self.graph.add_node(Node::Data(d));
        self.data_index.push(n);
        self.index.insert(key, d);
        n
    }

    fn edge(&mut self, from: NodeIndex<u32>, to: NodeIndex<u32>, kind: EdgeKind) {
        if self
            .data_edges
            .insert((from.index() as u32, to.index() as u32))
        {
            self.graph.add_edge(from, to, kind);
        }
    }

    fn source(
        &mut self,
        ds: &'a PipelineDatasource<'a>,
        status: Option<ExecutionStatus>,
    ) -> Option<NodeIndex<u32>> {
        let id = ds.id.get()?.as_str();
        let connection = ds.connection.get().map(|c| &**c);
        Some(self.node(DataKind::Source, id, text(&ds.name), connection, status))
    }

    fn add_audits(&mut self, stage: StageIx, ti: &'a TaskInstance<'a>) {
        let me = NodeIndex::new(stage);
        // Imports: source → stage → raw dataset.
        for (_, dsa) in ti.datasourceaudit.items() {
            if let Some(src) = dsa
                .pipelinedatasource
                .get()
                .and_then(|d| self.source(d, dsa.execution_status.value()))
            {
                self.edge(src, me, EdgeKind::Reads);
            }
        }
        for (_, rda) in ti.rawdatasetaudit.items() {
            let audit = rda.datasourceaudit.get();
            let audit_status = audit.and_then(|a| a.execution_status.value());
            let from_audit = audit.and_then(|a| a.pipelinedatasource.get());
            let raw = rda.rawdataset.get();
            let from_raw = raw.and_then(|r| r.pipelinedatasource.get());
            for ds in [from_raw, from_audit].into_iter().flatten() {
                if let Some(src) = self.source(ds, audit_status) {
                    self.edge(src, me, EdgeKind::Reads);
                }
            }
            if let Some(raw) = raw {
                if let Some(id) = raw.id.get() {
                    let n = self.node(
                        DataKind::RawDataset,
                        id.as_str(),
                        text(&raw.name),
                        None,
                        None,
                    );
                    self.edge(me, n, EdgeKind::Writes);
                }
            }
        }
        // Transforms: stage → dataset.
        for (_, da) in ti.datasetaudit.items() {
            if let Some(ds) = da.dataset.get() {
                if let Some(id) = ds.id.get() {
                    let n = self.node(
                        DataKind::Dataset,
                        id.as_str(),
                        text(&ds.name),
                        None,
                        da.execution_status.value(),
                    );
                    self.edge(me, n, EdgeKind::Writes);
                }
            }
        }
        // Exports: dataset → stage → export target.
        for (_, ea) in ti.datasetexportaudit.items() {
            let Some(export) = ea.datasetexport.get() else {
                continue;
            };
            if let Some(ds) = export.dataset.get() {
                if let Some(id) = ds.id.get() {
                    let n = self.node(DataKind::Dataset, id.as_str(), text(&ds.name), None, None);
                    self.edge(n, me, EdgeKind::Reads);
                }
            }
            if let Some(sink) = export.datasink.get() {
                if let Some(id) = sink.id.get() {
                    let connection = sink.connection.get().map(|c| &**c);
                    let name = connection.and_then(|c| text(&c.name));
                    let n = self.node(
                        DataKind::ExportTarget,
                        id.as_str(),
                        name,
                        connection,
                        ea.execution_status.value(),
                    );
                    self.edge(me, n, EdgeKind::Writes);
                }
            }
        }
    }
}

fn text<'a>(t: &'a crate::model::lenient::Lenient<crate::model::Text<'_>>) -> Option<&'a str> {
    t.get().map(|t| t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_order_as_integers_then_text() {
        let mut ids = vec!["b", "10", "9", "a", "007", "7", "", "x1"];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(ids, ["007", "7", "9", "10", "", "a", "b", "x1"]);
    }

    #[test]
    fn ids_longer_than_u64_still_compare_as_integers() {
        assert_eq!(
            compare_ids("99999999999999999999", "100000000000000000000"),
            Ordering::Less
        );
    }
}
