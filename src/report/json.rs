//! JSON reports, for tools.
//!
//! Each report is a plain struct serialized in field order, so key order is
//! fixed and documented by the struct. Ids are always strings. The keys SPEC
//! section 5 requires are all present; the others add context.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::Analysis;
use crate::cause::{self, EvidenceText, RunCause};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::graph::{status_label, DataIx, LineageGraph};

/// The run, as every report names it.
#[derive(Debug, Serialize)]
pub struct RunInfo<'a> {
    /// Run id.
    pub id: Option<&'a str>,
    /// Status word.
    pub status: &'static str,
    /// Pipeline name.
    pub pipeline: Option<&'a str>,
    /// Workspace name.
    pub workspace: Option<&'a str>,
    /// How the run was started.
    pub run_type: Option<&'static str>,
    /// Start, epoch ms.
    pub created_ms: Option<i64>,
    /// Completion, epoch ms.
    pub completed_ms: Option<i64>,
    /// Wall time in ms.
    pub wall_ms: Option<i64>,
}

impl<'a> RunInfo<'a> {
    fn of(a: &Analysis<'_, 'a>) -> Self {
        let run = a.graph.summary().run();
        let pipeline = run.pipeline();
        RunInfo {
            id: run.id.get().map(|i| i.as_str()),
            status: status_label(run.execution_status.value()),
            pipeline: pipeline.and_then(|p| p.name.get()).map(|t| t.as_str()),
            workspace: pipeline
                .and_then(|p| p.project.get())
                .and_then(|p| p.name.get())
                .map(|t| t.as_str()),
            run_type: run.run_type.value().map(|t| t.label()),
            created_ms: run.created_time.value().map(|t| t.0),
            completed_ms: run.completion_time.value().map(|t| t.0),
            wall_ms: a.wall_time(),
        }
    }
}

/// A data node a stage reads or writes.
#[derive(Debug, Serialize)]
pub struct DataRef<'a> {
    /// `source`, `raw dataset`, `dataset` or `export target`.
    pub kind: &'static str,
    /// Its id.
    pub id: &'a str,
    /// Its name.
    pub name: Option<&'a str>,
    /// The connection's name.
    pub connection: Option<&'a str>,
    /// The connection's type.
    pub connection_type: Option<&'static str>,
    /// Its status word.
    pub status: &'static str,
}

fn data_ref<'a>(graph: &LineageGraph<'a>, d: DataIx) -> DataRef<'a> {
    let node = &graph.data_nodes()[d];
    DataRef {
        kind: node.kind.label(),
        id: node.id,
        name: node.name,
        connection: node
            .connection
            .and_then(|c| c.name.get())
            .map(|t| t.as_str()),
        connection_type: node.connection_type().map(|t| t.label()),
        status: status_label(node.status),
    }
}

/// Everything downstream of a root cause.
#[derive(Debug, Serialize)]
pub struct BlastRadiusJson<'a> {
    /// Descendant stage ids, in topological order.
    pub stages: Vec<&'a str>,
    /// Descendant data nodes.
    pub data: Vec<DataRef<'a>>,
}

/// One root cause of `why`.
#[derive(Debug, Serialize)]
pub struct RootCauseJson<'a> {
    /// Stage id.
    pub id: &'a str,
    /// Stage name.
    pub name: Option<&'a str>,
    /// Status word.
    pub status: &'static str,
    /// Stage type.
    pub stage_type: Option<&'static str>,
    /// Trigger rule in force.
    pub trigger_rule: &'static str,
    /// Start, epoch ms.
    pub started_ms: Option<i64>,
    /// Completion, epoch ms.
    pub completed_ms: Option<i64>,
    /// Every failure text the response holds for the stage.
    pub evidence: Vec<EvidenceText>,
    /// Retries attempted.
    pub retry_count: Option<i64>,
    /// Operator that ran the stage.
    pub operator_id: Option<String>,
    /// Data the stage read.
    pub reads: Vec<DataRef<'a>>,
    /// Data the stage wrote.
    pub writes: Vec<DataRef<'a>>,
    /// Stages this root cause blocked, in topological order.
    pub blocked: Vec<&'a str>,
    /// Everything downstream.
    pub blast_radius: BlastRadiusJson<'a>,
}

/// `why --format json`.
#[derive(Debug, Serialize)]
pub struct WhyJson<'a> {
    /// The run.
    pub run: RunInfo<'a>,
    /// Root causes, in topological order.
    pub root_causes: Vec<RootCauseJson<'a>>,
    /// Run-level causes.
    pub run_causes: &'a [RunCause],
    /// What was odd about the input.
    pub diagnostics: &'a [Diagnostic],
}

/// Builds the `why` report.
pub fn why<'a>(a: &'a Analysis<'_, 'a>) -> WhyJson<'a> {
    let g = a.graph;
    let root_causes = a
        .evidence()
        .into_iter()
        .map(|(s, ev)| {
            let st = &g.stages()[s];
            let radius = cause::blast_radius(g, s);
            RootCauseJson {
                id: st.id,
                name: st.name(),
                status: st.status_label(),
                stage_type: st.stage_type().map(|t| t.label()),
                trigger_rule: st.trigger_rule.name(),
                started_ms: st.start,
                completed_ms: st.completion,
                evidence: ev.texts,
                retry_count: ev.retry_count,
                operator_id: ev.operator_id,
                reads: ev.reads.iter().map(|&d| data_ref(g, d)).collect(),
                writes: ev.writes.iter().map(|&d| data_ref(g, d)).collect(),
                blocked: a
                    .causes
                    .blocked(s)
                    .iter()
                    .map(|&b| g.stages()[b].id)
                    .collect(),
                blast_radius: BlastRadiusJson {
                    stages: radius.stages.iter().map(|&s| g.stages()[s].id).collect(),
                    data: radius.data.iter().map(|&d| data_ref(g, d)).collect(),
                },
            }
        })
        .collect();
    WhyJson {
        run: RunInfo::of(a),
        root_causes,
        run_causes: &a.run_causes,
        diagnostics: g.diagnostics(),
    }
}

/// One culprit of a traced stage.
#[derive(Debug, Serialize)]
pub struct CulpritJson<'a> {
    /// The culprit's id.
    pub id: &'a str,
    /// A shortest dependency path from the culprit to the stage, ids in order.
    pub path: Vec<&'a str>,
}

/// `why --stage ID --format json`.
#[derive(Debug, Serialize)]
pub struct TraceJson<'a> {
    /// The traced stage's id.
    pub stage: &'a str,
    /// Its name.
    pub name: Option<&'a str>,
    /// Its status word.
    pub status: &'static str,
    /// Its culprits, in topological order.
    pub culprits: Vec<CulpritJson<'a>>,
}

/// Builds the trace of one stage.
///
/// # Errors
///
/// [`Error::UnknownStage`] when the run has no stage with id `id`.
pub fn trace<'a>(a: &Analysis<'_, 'a>, id: &str) -> Result<TraceJson<'a>> {
    let g = a.graph;
    let s = g
        .stage_by_id(id)
        .ok_or_else(|| Error::UnknownStage { id: id.to_owned() })?;
    let stages = g.stages();
    Ok(TraceJson {
        stage: stages[s].id,
        name: stages[s].name(),
        status: stages[s].status_label(),
        culprits: a
            .causes
            .trace(g, s)
            .into_iter()
            .map(|t| CulpritJson {
                id: stages[t.culprit].id,
                path: t.path.iter().map(|&p| stages[p].id).collect(),
            })
            .collect(),
    })
}

/// `order --format json`.
#[derive(Debug, Serialize)]
pub struct OrderJson<'a> {
    /// Stage ids in topological order.
    pub order: Vec<&'a str>,
    /// Level of each stage, keyed by id, in topological order.
    pub levels: Levels<'a>,
}

/// Stage id → level, serialized as an object in topological order.
#[derive(Debug)]
pub struct Levels<'a>(pub Vec<(&'a str, u32)>);

impl Serialize for Levels<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, level) in &self.0 {
            map.serialize_entry(id, level)?;
        }
        map.end()
    }
}

/// Builds the `order` report.
pub fn order<'a>(a: &Analysis<'_, 'a>) -> OrderJson<'a> {
    let stages = a.graph.stages();
    OrderJson {
        order: a.order.stages().iter().map(|&s| stages[s].id).collect(),
        levels: Levels(
            a.order
                .stages()
                .iter()
                .map(|&s| (stages[s].id, a.order.level(s)))
                .collect(),
        ),
    }
}

/// One stage of `critical-path`.
#[derive(Debug, Serialize)]
pub struct StageTiming<'a> {
    /// Stage id.
    pub id: &'a str,
    /// Stage name.
    pub name: Option<&'a str>,
    /// Status word.
    pub status: &'static str,
    /// Duration in ms.
    pub duration_ms: i64,
    /// Earliest finish in ms from the start.
    pub earliest_finish_ms: i64,
    /// Latest finish in ms that does not delay the run.
    pub latest_finish_ms: i64,
    /// Slack in ms.
    pub slack_ms: i64,
    /// On the critical path.
    pub critical: bool,
}

/// The observed chain of `critical-path`.
#[derive(Debug, Serialize)]
pub struct ObservedJson<'a> {
    /// Stage ids, first stage first.
    pub path: Vec<&'a str>,
    /// Wait before each stage in ms, or null where a time is missing.
    pub waits_ms: &'a [Option<i64>],
}

/// `critical-path --format json`.
#[derive(Debug, Serialize)]
pub struct CriticalPathJson<'a> {
    /// The largest earliest finish.
    pub makespan_ms: i64,
    /// Run wall time, when known.
    pub wall_ms: Option<i64>,
    /// The critical path, stage ids first stage first.
    pub path: Vec<&'a str>,
    /// Every stage, in topological order.
    pub stages: Vec<StageTiming<'a>>,
    /// The chain that completed last.
    pub observed: ObservedJson<'a>,
}

/// Builds the `critical-path` report.
pub fn critical_path<'a>(a: &'a Analysis<'_, 'a>) -> CriticalPathJson<'a> {
    let g = a.graph;
    let t = &a.timing;
    let stages = g.stages();
    CriticalPathJson {
        makespan_ms: t.makespan(),
        wall_ms: a.wall_time(),
        path: t.critical_path().iter().map(|&s| stages[s].id).collect(),
        stages: a
            .order
            .stages()
            .iter()
            .map(|&s| StageTiming {
                id: stages[s].id,
                name: stages[s].name(),
                status: stages[s].status_label(),
                duration_ms: t.duration(s),
                earliest_finish_ms: t.earliest_finish(s),
                latest_finish_ms: t.latest_finish(s),
                slack_ms: t.slack(s),
                critical: t.is_critical(s),
            })
            .collect(),
        observed: ObservedJson {
            path: t.observed_chain().iter().map(|&s| stages[s].id).collect(),
            waits_ms: t.waits(),
        },
    }
}

/// Stage counts by status word, in a fixed order.
#[derive(Debug, Serialize, Default)]
pub struct StatusCounts {
    /// Succeeded.
    pub success: usize,
    /// Failed.
    pub failed: usize,
    /// Stopped.
    pub stopped: usize,
    /// Killed.
    pub killed: usize,
    /// Running.
    pub running: usize,
    /// Not started.
    pub created: usize,
    /// Unknown or missing status.
    pub unknown: usize,
}

/// A root cause in the summary.
#[derive(Debug, Serialize)]
pub struct RootCauseBrief<'a> {
    /// Stage id.
    pub id: &'a str,
    /// Stage name.
    pub name: Option<&'a str>,
    /// Status word.
    pub status: &'static str,
    /// The first failure text, if any.
    pub first_evidence: Option<String>,
    /// How many stages it blocked.
    pub blocked: usize,
}

/// The critical path in the summary.
#[derive(Debug, Serialize)]
pub struct PathBrief<'a> {
    /// The largest earliest finish.
    pub makespan_ms: i64,
    /// Stage ids, first stage first.
    pub path: Vec<&'a str>,
}

/// `summary --format json`.
#[derive(Debug, Serialize)]
pub struct SummaryJson<'a> {
    /// The run.
    pub run: RunInfo<'a>,
    /// Stage counts by status.
    pub stages: StatusCounts,
    /// Root causes.
    pub root_causes: Vec<RootCauseBrief<'a>>,
    /// Run-level causes.
    pub run_causes: &'a [RunCause],
    /// The critical path.
    pub critical_path: PathBrief<'a>,
    /// What was odd about the input.
    pub diagnostics: &'a [Diagnostic],
}

/// Builds the `summary` report.
pub fn summary<'a>(a: &'a Analysis<'_, 'a>) -> SummaryJson<'a> {
    let g = a.graph;
    let mut counts = StatusCounts::default();
    for s in g.stages() {
        match s.status_label() {
            "success" => counts.success += 1,
            "failed" => counts.failed += 1,
            "stopped" => counts.stopped += 1,
            "killed" => counts.killed += 1,
            "running" => counts.running += 1,
            "created" => counts.created += 1,
            _ => counts.unknown += 1,
        }
    }
    let root_causes = a
        .evidence()
        .into_iter()
        .map(|(s, ev)| {
            let st = &g.stages()[s];
            RootCauseBrief {
                id: st.id,
                name: st.name(),
                status: st.status_label(),
                first_evidence: ev.texts.into_iter().next().map(|t| t.text),
                blocked: a.causes.blocked(s).len(),
            }
        })
        .collect();
    SummaryJson {
        run: RunInfo::of(a),
        stages: counts,
        root_causes,
        run_causes: &a.run_causes,
        critical_path: PathBrief {
            makespan_ms: a.timing.makespan(),
            path: a
                .timing
                .critical_path()
                .iter()
                .map(|&s| g.stages()[s].id)
                .collect(),
        },
        diagnostics: g.diagnostics(),
    }
}

/// Serializes a report as pretty JSON with a trailing newline.
pub fn to_string<T: Serialize>(report: &T) -> String {
    // Serializing these plain structs into a String cannot fail.
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    text.push('\n');
    text
}
