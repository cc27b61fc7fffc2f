//! The facts of one run: one small owned record per stage, everything the
//! history needs and nothing borrowed from the response, so the summary and
//! its bytes can be dropped as soon as a file is done.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::graph::LineageGraph;
use crate::limits::short;
use crate::model::JobSummary;
use crate::run_ref::RunRef;
use crate::status::Status;

/// What became of a stage in one run, for counting across runs
/// (`docs/semantics.md#history`). Exactly one applies to every stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Outcome"))]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    /// It succeeded.
    Success,
    /// It is its own culprit: the failure started here.
    RootCause,
    /// It has culprits other than itself, whatever its status.
    Blocked,
    /// Created, never started, and nothing upstream failed.
    NotRun,
    /// Still running, and nothing upstream failed.
    Running,
    /// Its status is missing or undocumented, and nothing upstream failed.
    Unknown,
}

impl StageOutcome {
    /// Every outcome, in the order the counts list them.
    pub const ALL: [StageOutcome; 6] = [
        StageOutcome::Success,
        StageOutcome::RootCause,
        StageOutcome::Blocked,
        StageOutcome::NotRun,
        StageOutcome::Running,
        StageOutcome::Unknown,
    ];

    /// The outcome as the JSON names it.
    pub fn label(self) -> &'static str {
        match self {
            StageOutcome::Success => "success",
            StageOutcome::RootCause => "root_cause",
            StageOutcome::Blocked => "blocked",
            StageOutcome::NotRun => "not_run",
            StageOutcome::Running => "running",
            StageOutcome::Unknown => "unknown",
        }
    }
}

/// One stage of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageFacts {
    /// The stage key that matches it across runs: `pipelinetask.id`, else
    /// `NAME@TYPE` ([`Stage::key`](crate::graph::Stage::key)).
    pub key: String,
    /// The task instance id in this run.
    pub stage_id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its type (`import`, `transform`, `export`, …).
    pub stage_type: Option<String>,
    /// Its status.
    pub status: Status,
    /// What became of it.
    pub outcome: StageOutcome,
    /// When it started, epoch ms.
    pub started_ms: Option<i64>,
    /// When it completed, epoch ms.
    pub completed_ms: Option<i64>,
    /// Its duration when it *ran* (not running, both times known).
    pub duration_ms: Option<i64>,
    /// Its `row_count`.
    pub row_count: Option<i64>,
    /// The error fingerprint of its messages.
    pub fingerprint: Option<Fingerprint>,
    /// The leading failure text of a failed-like stage.
    pub error: Option<String>,
}

/// One run: which pipeline, when, and a [`StageFacts`] per keyed stage in
/// topological order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunFacts {
    /// `pipeline.id`, else the pipeline's name, else empty.
    pub pipeline_id: String,
    /// The run: its id, status, pipeline, created time and file.
    pub run: RunRef,
    /// Every stage with a key, the first of each key in topological order.
    pub stages: Vec<StageFacts>,
    /// Stages left out: no key, or a key an earlier stage already has.
    pub left_out: usize,
}

impl RunFacts {
    /// The facts of an analysed run.
    pub fn of(a: &Analysis<'_, '_>) -> RunFacts {
        let g = a.graph;
        let run = g.summary().run();
        let pipeline = run.pipeline();
        let pipeline_name = pipeline.and_then(|p| p.name.get()).map(|t| t.as_str());
        let pipeline_id = pipeline
            .and_then(|p| p.id.get())
            .map(|i| i.as_str())
            .or(pipeline_name)
            .map_or_else(String::new, short);
        let mut seen = std::collections::HashSet::new();
        let mut stages = Vec::new();
        let mut left_out = 0;
        for s in g.topological_order() {
            let st = g.stage(s);
            let Some(key) = st.key().map(|k| short(&k)) else {
                left_out += 1;
                continue;
            };
            if !seen.insert(key.clone()) {
                left_out += 1;
                continue;
            }
            let status = st.status();
            let outcome = if a.causes.is_root_cause(s) {
                StageOutcome::RootCause
            } else if a.causes.has_culprits(s) {
                StageOutcome::Blocked
            } else {
                match status {
                    Status::Success => StageOutcome::Success,
                    Status::Created => StageOutcome::NotRun,
                    Status::Running => StageOutcome::Running,
                    Status::Unknown => StageOutcome::Unknown,
                    // A failed-like stage always has culprits (its own at
                    // least); kept total for safety.
                    Status::Failed | Status::Stopped | Status::Killed => StageOutcome::RootCause,
                }
            };
            stages.push(StageFacts {
                key,
                stage_id: st.shown_id().to_owned(),
                name: st.shown_name().map(str::to_owned),
                stage_type: st.stage_type().map(|t| t.label().to_owned()),
                status,
                outcome,
                started_ms: st.start,
                completed_ms: st.completion,
                duration_ms: a.ran_ms(s),
                row_count: st.instance.and_then(|ti| ti.row_count.value()).map(|r| r.0),
                fingerprint: a.fingerprint(s),
                error: a.leading_error(s),
            });
        }
        RunFacts {
            pipeline_id,
            run: RunRef::of(a),
            stages,
            left_out,
        }
    }

    /// Parses, builds and analyses one response and keeps its facts.
    pub fn from_slice(bytes: &[u8]) -> Result<RunFacts> {
        let summary = JobSummary::from_slice(bytes)?;
        let graph = LineageGraph::build(&summary)?;
        Ok(RunFacts::of(&Analysis::new(&graph)))
    }

    /// The rows of `--format ndjson` (SPEC §7): one per stage, each with
    /// its run's fields.
    pub fn rows(&self) -> impl Iterator<Item = FactRow<'_>> + '_ {
        self.stages.iter().map(move |s| FactRow {
            file: self.run.file.as_deref(),
            pipeline_id: &self.pipeline_id,
            run_id: self.run.run_id.as_deref().unwrap_or(""),
            run_created_ms: self.run.created_ms,
            run_status: self.run.status,
            key: &s.key,
            stage_id: &s.stage_id,
            name: s.name.as_deref(),
            stage_type: s.stage_type.as_deref(),
            status: s.status,
            outcome: s.outcome,
            root_cause: s.outcome == StageOutcome::RootCause,
            blocked: s.outcome == StageOutcome::Blocked,
            started_ms: s.started_ms,
            completed_ms: s.completed_ms,
            duration_ms: s.duration_ms,
            row_count: s.row_count,
            fingerprint: s.fingerprint,
            error: s.error.as_deref(),
        })
    }
}

/// One stage of one run as a flat row for query engines (DuckDB, Spark,
/// Polars): every field a column, one JSON object per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FactRow<'f> {
    /// The file the run was read from.
    pub file: Option<&'f str>,
    /// The pipeline ([`RunFacts::pipeline_id`]).
    pub pipeline_id: &'f str,
    /// The run id.
    pub run_id: &'f str,
    /// The run's `created_time`, epoch ms.
    pub run_created_ms: Option<i64>,
    /// The run's status.
    pub run_status: Status,
    /// The stage key.
    pub key: &'f str,
    /// The task instance id.
    pub stage_id: &'f str,
    /// The stage's name.
    pub name: Option<&'f str>,
    /// The stage's type.
    pub stage_type: Option<&'f str>,
    /// The stage's status.
    pub status: Status,
    /// What became of it.
    pub outcome: StageOutcome,
    /// Its own culprit.
    pub root_cause: bool,
    /// It has culprits other than itself.
    pub blocked: bool,
    /// When it started, epoch ms.
    pub started_ms: Option<i64>,
    /// When it completed, epoch ms.
    pub completed_ms: Option<i64>,
    /// Its duration when it ran.
    pub duration_ms: Option<i64>,
    /// Its `row_count`.
    pub row_count: Option<i64>,
    /// Its error fingerprint.
    pub fingerprint: Option<Fingerprint>,
    /// The leading failure text of a failed-like stage.
    pub error: Option<&'f str>,
}
