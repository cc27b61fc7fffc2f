//! Building the graph: stages from the task instances, dependencies from the
//! mappers (with placeholders for ids no task instance has), data nodes
//! from the audits, and every oddity as a diagnostic.

use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;
use petgraph::graph::{DiGraph, NodeIndex};

use super::order::topological_order;
use super::{Csr, DataIx, DataKind, DataNode, EdgeKind, LineageGraph, Node, Shown, Stage, StageIx};
use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::error::Result;
use crate::json_path::JsonPath;
use crate::limits::shorten;
use crate::model::StageType;
use crate::model::{
    Connection, ExecutionStatus, JobSummary, PipelineDatasource, TaskInstance, TriggerRule,
};

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
    /// [`Error::Cycle`](crate::Error::Cycle) when the stage dependencies form a cycle (a
    /// self-dependency included), naming the stages of one cycle in order.
    pub fn build(summary: &'a JobSummary<'a>) -> Result<Self> {
        let mut builder = GraphBuilder::new(summary);
        builder.add_instances();
        builder.add_mappers();
        builder.finish()
    }
}

/// The state of one build: the id map, the stages and the diagnostics,
/// owned until [`GraphBuilder::finish`] hands them to the graph.
struct GraphBuilder<'a> {
    summary: &'a JobSummary<'a>,
    stages: Vec<Stage<'a>>,
    /// Stage id → stage, for lookups only (never iterated into output).
    by_id: HashMap<&'a str, u32, RandomState>,
    /// The builder's own diagnostics (the parser's stay in the summary).
    diagnostics: Diagnostics,
    /// Stage → stage dependencies, (parent, child).
    edges: Vec<(u32, u32)>,
    /// How many stages are task instances (the rest are placeholders).
    instance_count: usize,
}

impl<'a> GraphBuilder<'a> {
    fn new(summary: &'a JobSummary<'a>) -> Self {
        let instances = summary
            .run()
            .pipelinetaskinstances
            .get()
            .map_or(0, |l| l.len());
        GraphBuilder {
            summary,
            stages: Vec::with_capacity(instances),
            by_id: HashMap::with_capacity_and_hasher(instances, RandomState::default()),
            diagnostics: Diagnostics::default(),
            edges: Vec::new(),
            instance_count: 0,
        }
    }

    /// One stage per task instance; a repeated id keeps the first.
    fn add_instances(&mut self) {
        let summary = self.summary;
        for (index, ti) in summary.task_instances() {
            // The parser guarantees every readable instance has an id.
            let Some(id) = ti.id.get().map(|i| i.as_str()) else {
                continue;
            };
            if let Some(&first) = self.by_id.get(id) {
                let first_index = self.stages[first as usize].instance_index.unwrap_or(0);
                self.diagnostics
                    .push_with(DiagnosticKind::DuplicateStage, || {
                        Diagnostic::new(
                            DiagnosticKind::DuplicateStage,
                            summary.task_instance_path(index),
                            format!(
                                "task instance id {} also appears at {}; the first is kept",
                                shorten(id),
                                summary.task_instance_path(first_index)
                            ),
                        )
                    });
                continue;
            }
            self.by_id.insert(id, self.stages.len() as u32);
            let stage = stage_of(ti, index, summary, &mut self.diagnostics);
            self.stages.push(stage);
        }
        self.instance_count = self.stages.len();
    }

    /// The stage with id `id`, or a new `unknown` placeholder for it (with a
    /// diagnostic at `path`, made only then: most ids are found).
    fn stage_or_placeholder(&mut self, id: &'a str, path: &dyn Fn() -> JsonPath) -> u32 {
        if let Some(&ix) = self.by_id.get(id) {
            return ix;
        }
        let ix = self.stages.len() as u32;
        self.by_id.insert(id, ix);
        self.stages.push(Stage {
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
            shown: Shown::of(id, None),
        });
        self.diagnostics.push_with(DiagnosticKind::UnknownStage, || {
            Diagnostic::new(
                DiagnosticKind::UnknownStage,
                path(),
                format!(
                    "stage {} is named in the mappers but is no task instance; kept as an `unknown` placeholder",
                    shorten(id)
                ),
            )
        });
        ix
    }

    /// Stage → stage edges from the mappers (key = child, value = its
    /// parents), and a diagnostic for each stage that is no key.
    fn add_mappers(&mut self) {
        let summary = self.summary;
        let mappers = summary.mappers();
        let mappers_path = summary.mappers_path();
        self.edges.reserve(mappers.map_or(0, |m| {
            m.entries
                .iter()
                .map(|(_, p)| p.get().map_or(0, |l| l.len()))
                .sum()
        }));
        let mut mapped = vec![false; self.instance_count];
        if let Some(mappers) = mappers {
            for (child_id, parents) in &mappers.entries {
                let child_path = || mappers_path.clone().with_key(child_id.as_str());
                let child = self.stage_or_placeholder(child_id.as_str(), &child_path);
                if let Some(m) = mapped.get_mut(child as usize) {
                    *m = true;
                }
                let Some(parents) = parents.get() else {
                    continue;
                };
                for (i, parent_id) in parents.values() {
                    let parent = self
                        .stage_or_placeholder(parent_id.as_str(), &|| child_path().with_index(i));
                    self.edges.push((parent, child));
                }
            }
        }
        match mappers {
            None if self.instance_count > 0 => self.diagnostics.push(Diagnostic::new(
                DiagnosticKind::UnmappedStage,
                mappers_path.clone(),
                "the response has no stage mappers; every stage is treated as a root",
            )),
            None => {}
            Some(_) => {
                for (ix, stage) in self.stages.iter().enumerate().take(self.instance_count) {
                    if !mapped[ix] {
                        self.diagnostics
                            .push_with(DiagnosticKind::UnmappedStage, || {
                                Diagnostic::new(
                                    DiagnosticKind::UnmappedStage,
                                    summary.task_instance_path(stage.instance_index.unwrap_or(0)),
                                    format!(
                                        "stage {} is not a key of the mappers; treated as a root",
                                        shorten(stage.id)
                                    ),
                                )
                            });
                    }
                }
            }
        }
    }

    /// Orders the stages (or finds a cycle), adds the data nodes, and hands
    /// everything to the graph.
    fn finish(self) -> Result<LineageGraph<'a>> {
        let GraphBuilder {
            summary,
            stages,
            by_id,
            diagnostics,
            mut edges,
            ..
        } = self;
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
            graph.add_node(Node::Stage(StageIx::new(ix)));
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
            raw_written: Vec::new(),
        };
        for (ix, stage) in stages.iter().enumerate() {
            if let Some(ti) = stage.instance {
                lineage.add_audits(StageIx::new(ix), ti);
            }
        }
        // A raw dataset is read by the stages that run after its import (a
        // transform parses it); no audit says so, the mappers do. Without
        // these edges raw datasets are dead ends in the lineage.
        for (import, raw) in std::mem::take(&mut lineage.raw_written) {
            for &c in children.get(import.index()) {
                let child = &stages[c as usize];
                let reads_raw = child.instance.is_some()
                    && !matches!(child.stage_type(), Some(StageType::Import));
                if reads_raw {
                    lineage.edge(raw, NodeIndex::new(c as usize), EdgeKind::Reads);
                }
            }
        }
        let DataBuilder {
            mut data,
            data_index,
            graph,
            ..
        } = lineage;
        for node in &mut data {
            node.shown = Shown::of(node.id, node.name);
            node.shown_connection = node.connection_name_raw().map(crate::limits::shorten);
        }

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
}

fn stage_of<'a>(
    ti: &'a TaskInstance<'a>,
    index: usize,
    summary: &JobSummary<'_>,
    diags: &mut Diagnostics,
) -> Stage<'a> {
    let path = || summary.task_instance_path(index);
    let id = ti.id.get().map_or("", |i| i.as_str());
    let trigger_rule = match ti.trigger_rule() {
        None => TriggerRule::AllSuccess,
        Some(text) => TriggerRule::parse(text.trim()).unwrap_or_else(|| {
            diags.push_with(DiagnosticKind::UnknownTriggerRule, || {
                Diagnostic::new(
                    DiagnosticKind::UnknownTriggerRule,
                    path().with_field("pipelinetask").with_field("trigger_rule"),
                    format!(
                        "stage {} has trigger rule {:?}, which is not a known rule; treated as ALL_SUCCESS",
                        shorten(id),
                        shorten(text)
                    ),
                )
            });
            TriggerRule::AllSuccess
        }),
    };
    let start = ti.start_time.value().map(|t| t.0);
    let completion = ti.completion_time.value().map(|t| t.0);
    if let (Some(s), Some(c)) = (start, completion) {
        if c < s {
            diags.push_with(DiagnosticKind::InvertedTimestamps, || {
                Diagnostic::new(
                    DiagnosticKind::InvertedTimestamps,
                    path().with_field("completion_time"),
                    format!(
                        "stage {} completed {} ms before it started; its duration counts as 0",
                        shorten(id),
                        s.saturating_sub(c)
                    ),
                )
            });
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
        shown: Shown::of(id, ti.name()),
        stage_type: ti.stage_type(),
    }
}

/// Adds data nodes and their edges, deduplicating by (kind, id).
struct DataBuilder<'a> {
    data: Vec<DataNode<'a>>,
    index: HashMap<(DataKind, &'a str), usize, RandomState>,
    data_index: Vec<NodeIndex<u32>>,
    graph: DiGraph<Node, EdgeKind, u32>,
    /// Raw datasets and the import that wrote each.
    raw_written: Vec<(StageIx, NodeIndex<u32>)>,
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
            // Set once every mention is in (see `finish`).
            shown: Shown::default(),
            shown_connection: None,
        });
        let n = self.graph.add_node(Node::Data(DataIx::new(d)));
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
        let me = NodeIndex::new(stage.index());
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
                    // The raw dataset is what the import read: its status.
                    let status = audit_status.or(ti.execution_status.value());
                    let n = self.node(
                        DataKind::RawDataset,
                        id.as_str(),
                        text(&raw.name),
                        None,
                        status,
                    );
                    self.edge(me, n, EdgeKind::Writes);
                    self.raw_written.push((stage, n));
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
