//! Reports: one owned view model per question, drawn by each format.
//!
//! # Design
//!
//! Each report — [`Why`], [`Summary`], [`CriticalPath`], [`StageOrder`] and
//! [`Trace`] (`why --stage`) — is a plain struct built once from an
//! [`Analysis`] and holding every fact the report shows: the renderers in
//! [`text`] (for people), [`markdown`] (for chat, issues and pull requests)
//! and [`json`] (for tools) draw from that struct and derive nothing, so the
//! three formats cannot disagree (as in tokei, one value both serialised and
//! printed). The structs own their data: a bot can keep a report after the
//! response, the summary and the graph are gone, and a Rust tool can read
//! our JSON back into them (`Deserialize`). JSON keys come out in field
//! order; every JSON report starts with `schema_version`, and its shape is
//! published as a JSON Schema (`schema/<subcommand>.json`, see [`schema`]).
//!
//! Ids are strings as written in the response; lists are in the order the
//! analyses define (topological for stages) — never a hash map's order.

pub mod html;
pub mod json;
pub mod markdown;
pub(crate) mod phrases;
pub use phrases::Advice;
pub mod next;
#[cfg(feature = "schema")]
pub mod schema;
pub mod text;
mod timeline;
pub use timeline::{Timeline, TimelineRow};

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::analysis::Analysis;
use crate::cause::{EvidenceText, RootCauseLists, RunCause};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::fingerprint::Fingerprint;
use crate::graph::{DataIx, DataKind, LineageGraph, StageIx};
use crate::json_path::JsonPath;
use crate::limits::short;
use crate::run_ref::RunRef;
use crate::status::Status;

pub use crate::caps::{Caps, MIN_NESTED};
pub(crate) use crate::words::{human_duration, plural};
pub use crate::SCHEMA_VERSION;

/// A word the crate itself chooses (a stage type, a trigger rule): borrowed
/// from a `'static` label when built, owned when read back from JSON.
pub type Label = Cow<'static, str>;

/// How many diagnostics of one kind the input gave (the list keeps at most
/// [`Caps::max_entries`] of each kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KindCount {
    /// The kind.
    pub kind: DiagnosticKind,
    /// How many.
    pub count: usize,
}

/// The diagnostics a report keeps (at most `limits` of each kind, in input
/// order), and the count of each kind (counted when they were found, kept or
/// not).
fn diagnostics(graph: &LineageGraph<'_>, caps: Caps) -> (Vec<Diagnostic>, Vec<KindCount>) {
    let mut shown = [0usize; DiagnosticKind::ALL.len()];
    let mut kept = Vec::new();
    for d in graph.diagnostics() {
        let n = &mut shown[d.kind as usize];
        *n += 1;
        if caps.max_entries.is_none_or(|m| *n <= m) {
            kept.push(d.clone());
        }
    }
    let counts = DiagnosticKind::ALL
        .iter()
        .map(|&kind| KindCount {
            kind,
            count: graph.diagnostic_count(kind),
        })
        .filter(|c| c.count > 0)
        .collect();
    (kept, counts)
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// The run, as every single-run report names it: the [`RunRef`] every
/// output shares, plus what only a one-run report needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunInfo {
    /// Run id: SPEC's `run.id`, the same value as `run_id`.
    pub id: Option<String>,
    /// The run: `run_id`, `status`, `pipeline_id`, `pipeline_name`,
    /// `created_ms`, `file`.
    #[serde(flatten)]
    pub run: RunRef,
    /// Workspace name.
    pub workspace: Option<String>,
    /// How the run was started (`manual`, `schedule`, …).
    pub run_type: Option<Label>,
    /// Completion, epoch ms.
    pub completed_ms: Option<i64>,
    /// Wall time in ms (for a run still going: so far).
    pub wall_ms: Option<i64>,
    /// How many stages the run has (what decides whether a diagram of the
    /// whole run stays readable).
    #[serde(default)]
    pub stage_count: usize,
}

impl RunInfo {
    /// The run of an analysis.
    pub fn of(a: &Analysis<'_, '_>) -> Self {
        let summary_run = a.graph.summary().run();
        let run = RunRef::of(a);
        RunInfo {
            id: run.run_id.clone(),
            run,
            workspace: summary_run
                .pipeline()
                .and_then(|p| p.project.get())
                .and_then(|p| p.name.get())
                .map(|t| short(t.as_str())),
            run_type: summary_run
                .run_type
                .value()
                .map(|t| Cow::Borrowed(t.label())),
            completed_ms: summary_run.completion_time.value().map(|t| t.0),
            wall_ms: a.wall_time(),
            stage_count: a.graph.stage_count(),
        }
    }

    /// The same run, read from `file`.
    #[must_use]
    pub fn with_file(self, file: impl Into<String>) -> Self {
        self.with_file_opt(Some(file.into()))
    }

    /// The same run, read from `file` when there is one (`None`: standard
    /// input, or bytes from no file).
    #[must_use]
    pub fn with_file_opt(mut self, file: Option<String>) -> Self {
        self.run.file = file;
        self
    }
}

/// A stage as the reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageRef {
    /// Stage id.
    pub id: String,
    /// Stage name.
    pub name: Option<String>,
    /// Its outcome.
    pub status: Status,
    /// Stage type (`import`, `transform`, `export`, …).
    pub stage_type: Option<Label>,
    /// A stand-in for an id the mappers name but no task instance has
    /// (written only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "schema", schemars(extend("default" = false)))]
    pub placeholder: bool,
}

impl StageRef {
    /// The stage `s` of `graph`.
    pub fn of(graph: &LineageGraph<'_>, s: StageIx) -> Self {
        let st = graph.stage(s);
        StageRef {
            id: st.shown_id().to_owned(),
            name: st.shown_name().map(str::to_owned),
            status: st.status(),
            stage_type: st.stage_type().map(|t| Cow::Borrowed(t.label())),
            placeholder: st.is_placeholder(),
        }
    }

    /// What kind of stage it is, in words: its type, `placeholder`, or
    /// `stage` when the response does not say.
    pub fn kind_label(&self) -> &str {
        match (self.placeholder, &self.stage_type) {
            (true, _) => "placeholder",
            (false, Some(t)) => t,
            (false, None) => "stage",
        }
    }

    /// The name, or the id for a stage without one.
    pub fn name_or_id(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// A data node a stage reads or writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataRef {
    /// What the node is.
    pub kind: DataKind,
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// The connection's name.
    pub connection: Option<String>,
    /// The connection's type.
    pub connection_type: Option<Label>,
    /// Its outcome, when the response says.
    pub status: Status,
}

impl DataRef {
    /// The data node `d` of `graph`.
    pub fn of(graph: &LineageGraph<'_>, d: DataIx) -> Self {
        let node = graph.data_node(d);
        DataRef {
            kind: node.kind,
            id: node.shown_id().to_owned(),
            name: node.shown_name().map(str::to_owned),
            connection: node.shown_connection().map(str::to_owned),
            connection_type: node.connection_type().map(|t| Cow::Borrowed(t.label())),
            status: Status::of(node.status),
        }
    }
}

/// Everything downstream of a root cause: every descendant stage and data
/// node, whatever its status (the stages it *blocked* are listed apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "BlastRadius"))]
pub struct BlastRadiusList {
    /// Descendant stage ids, in topological order (capped, see `stages_count`).
    pub stages: Vec<String>,
    /// How many descendant stages there are.
    pub stages_count: usize,
    /// Descendant data nodes (capped, see `data_count`).
    pub data: Vec<DataRef>,
    /// How many descendant data nodes there are.
    pub data_count: usize,
}

/// One root cause of `why`: the stage, what the response says about it,
/// what it touched, and what it held back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RootCause {
    /// The stage.
    #[serde(flatten)]
    pub stage: StageRef,
    /// Trigger rule in force.
    pub trigger_rule: Label,
    /// Start, epoch ms.
    pub started_ms: Option<i64>,
    /// Completion, epoch ms.
    pub completed_ms: Option<i64>,
    /// Every failure text the response holds for the stage, in document
    /// order (messages, then failed stream entries); capped, see
    /// `evidence_count`.
    pub evidence: Vec<EvidenceText>,
    /// How many failure texts there are.
    pub evidence_count: usize,
    /// The most specific of them, which text and Markdown put first (see
    /// [`headline`](crate::cause::headline)); null when there is none.
    pub headline: Option<EvidenceText>,
    /// The error fingerprint: the same value for the same failure with other
    /// numbers in its messages; null when the stage has no message.
    pub fingerprint: Option<Fingerprint>,
    /// Retries attempted.
    pub retry_count: Option<i64>,
    /// Operator that ran the stage.
    pub operator_id: Option<String>,
    /// Data the stage read.
    pub reads: Vec<DataRef>,
    /// Data the stage wrote.
    pub writes: Vec<DataRef>,
    /// Ids of the stages this root cause blocked, in topological order
    /// (capped, see `blocked_count`).
    pub blocked: Vec<String>,
    /// How many stages it blocked.
    pub blocked_count: usize,
    /// The first stages of `blocked` with name, type and status: as many
    /// as text and Markdown show (20; all of `blocked` with `--all`), so
    /// that a report of many root causes does not repeat every stage's name
    /// a thousand times.
    pub blocked_stages: Vec<StageRef>,
    /// The first export targets downstream of it, as many as text and
    /// Markdown show (20; all with `--all`); see `exports_downstream_count`.
    pub exports_downstream: Vec<DataRef>,
    /// How many export targets are downstream.
    pub exports_downstream_count: usize,
    /// Everything downstream; `blast_radius_count` counts its stages and
    /// data nodes together.
    pub blast_radius: BlastRadiusList,
    /// How many stages and data nodes are downstream.
    pub blast_radius_count: usize,
}

impl RootCause {
    fn of(a: &Analysis<'_, '_>, s: StageIx, lists: RootCauseLists, caps: Caps) -> Self {
        let g = a.graph;
        let st = g.stage(s);
        let ev = a.evidence_within(s, caps.max_entries);
        let (fingerprint, evidence_count, headline) = (ev.fingerprint, ev.count, ev.headline);
        let RootCauseLists {
            blocked,
            radius_stages,
            radius_data,
            radius_exports,
        } = lists;
        RootCause {
            stage: StageRef::of(g, s),
            trigger_rule: Cow::Borrowed(st.trigger_rule.name()),
            started_ms: st.start,
            completed_ms: st.completion,
            fingerprint,
            evidence: ev.texts,
            evidence_count,
            headline,
            retry_count: ev.retry_count,
            operator_id: ev.operator_id,
            reads: ev.reads.iter().map(|&d| DataRef::of(g, d)).collect(),
            writes: ev.writes.iter().map(|&d| DataRef::of(g, d)).collect(),
            blocked: blocked
                .items
                .iter()
                .map(|&b| g.stage(b).shown_id().to_owned())
                .collect(),
            blocked_count: blocked.count,
            blocked_stages: blocked
                .items
                .iter()
                .take(caps.named())
                .map(|&b| StageRef::of(g, b))
                .collect(),
            exports_downstream: radius_exports
                .items
                .iter()
                .take(caps.named())
                .map(|&d| DataRef::of(g, d))
                .collect(),
            exports_downstream_count: radius_exports.count,
            blast_radius: BlastRadiusList {
                stages: radius_stages
                    .items
                    .iter()
                    .map(|&d| g.stage(d).shown_id().to_owned())
                    .collect(),
                stages_count: radius_stages.count,
                data: radius_data
                    .items
                    .iter()
                    .map(|&d| DataRef::of(g, d))
                    .collect(),
                data_count: radius_data.count,
            },
            blast_radius_count: radius_stages.count + radius_data.count,
        }
    }
}

/// One distinct failure text of a root cause and every path it was found
/// at: how text and Markdown show the evidence (the JSON keeps each text
/// with its path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceGroup<'r> {
    /// The text as a person reads it ([`EvidenceText::shown`]).
    pub text: Cow<'r, str>,
    /// Every path where the response holds it, in document order.
    pub paths: Vec<&'r JsonPath>,
}

impl RootCause {
    /// The evidence as a person reads it: each distinct text once with all
    /// its paths, the [`headline`](crate::cause::headline) first, the others in document order.
    pub fn evidence_groups(&self) -> Vec<EvidenceGroup<'_>> {
        evidence_groups(&self.evidence, self.headline.as_ref())
    }
}

/// What the response says about a stage that failed on its own: the error
/// `why --stage` shows for a root cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageError {
    /// Every failure text the response holds for the stage, in document
    /// order; capped, see `evidence_count`.
    pub evidence: Vec<EvidenceText>,
    /// How many failure texts there are.
    pub evidence_count: usize,
    /// The most specific of them (see [`headline`](crate::cause::headline)); null when there is none.
    pub headline: Option<EvidenceText>,
    /// The error fingerprint; null when the stage has no message.
    pub fingerprint: Option<Fingerprint>,
    /// Retries attempted.
    pub retry_count: Option<i64>,
}

impl StageError {
    fn of(a: &Analysis<'_, '_>, s: StageIx, caps: Caps) -> Self {
        let ev = a.evidence_within(s, caps.max_entries);
        StageError {
            evidence: ev.texts,
            evidence_count: ev.count,
            headline: ev.headline,
            fingerprint: ev.fingerprint,
            retry_count: ev.retry_count,
        }
    }

    /// The evidence as a person reads it, as [`RootCause::evidence_groups`].
    pub fn evidence_groups(&self) -> Vec<EvidenceGroup<'_>> {
        evidence_groups(&self.evidence, self.headline.as_ref())
    }
}

/// Each distinct text once with all its paths, `headline` first.
fn evidence_groups<'r>(
    evidence: &'r [EvidenceText],
    headline: Option<&'r EvidenceText>,
) -> Vec<EvidenceGroup<'r>> {
    let mut groups: Vec<EvidenceGroup<'_>> = Vec::new();
    // Evidence lists are capped (1,000), so a linear search is bounded.
    for t in evidence {
        let text = t.shown();
        match groups.iter_mut().find(|g| g.text == text) {
            Some(g) => g.paths.push(&t.path),
            None => groups.push(EvidenceGroup {
                text,
                paths: vec![&t.path],
            }),
        }
    }
    if let Some(h) = headline {
        let lead = h.shown();
        if let Some(at) = groups.iter().position(|g| g.text == lead) {
            let g = groups.remove(at);
            groups.insert(0, g);
        }
    }
    groups
}

/// Root causes that fail with one error: the same [`Fingerprint`] (or,
/// together, those with no message at all).
///
/// Twenty root causes often share one error — a connection down, a
/// credential expired — and the reports say so before detailing any of
/// them: "20 root causes, 1 distinct error".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorGroup {
    /// The shared fingerprint; null for the root causes with no message.
    pub fingerprint: Option<Fingerprint>,
    /// The error as its first root cause's headline says it (see
    /// [`headline`](crate::cause::headline)); null when no root cause of the group has a message.
    pub text: Option<String>,
    /// How many root causes fail with it.
    pub count: usize,
    /// Their stage ids, in topological order (capped; `stages_count` is
    /// their exact number, the same as `count`).
    pub stages: Vec<String>,
    /// How many stages fail with it.
    pub stages_count: usize,
    /// The first few of them with name, type and status (as many as text
    /// and Markdown name on the error's line).
    pub first_stages: Vec<StageRef>,
}

/// How many stages an error's line names in text and Markdown.
pub const ERROR_NAMES_SHOWN: usize = 3;

/// How many of the heaviest entries a condensed critical path shows,
/// besides its first and its last.
pub(crate) const CONDENSED_HEAVIEST: usize = 8;

/// The same for the observed chain under a critical path (`why`,
/// `summary`): fewer, so that both fit one screen with the root causes.
pub(crate) const CONDENSED_WAITS: usize = 4;

/// Which entries of a chain too long for one screen text and Markdown show:
/// the first, the last and the `heaviest` heaviest by `weight`
/// (ties: the earlier), in chain order. `None` when the whole chain fits
/// (`len <= cap`, or no cap).
///
/// # Design
///
/// The first 20 stages of a 7,000-stage critical path say nothing about where
/// the time went; its longest stages do. One sort of the indices: O(n log n).
pub(crate) fn condensed(
    len: usize,
    cap: Option<usize>,
    heaviest: usize,
    weight: impl Fn(usize) -> i64,
) -> Option<Vec<usize>> {
    let cap = cap?;
    if len <= cap {
        return None;
    }
    let mut by_weight: Vec<usize> = (1..len.saturating_sub(1)).collect();
    by_weight.sort_by(|&a, &b| weight(b).cmp(&weight(a)).then(a.cmp(&b)));
    let mut keep: Vec<usize> = by_weight
        .into_iter()
        .take(heaviest.min(cap.saturating_sub(2)))
        .collect();
    keep.push(0);
    keep.push(len - 1);
    keep.sort_unstable();
    keep.dedup();
    Some(keep)
}

/// Every root cause grouped by its error fingerprint, the groups in the
/// order of their first root cause (topological): the first
/// [`Caps::root_causes`] groups, each group's stages cut by the budget
/// shared among them, and how many groups there are. One fingerprint per
/// root cause, and a headline per group shown: O(the root causes' messages).
fn error_groups(a: &Analysis<'_, '_>, caps: Caps) -> (Vec<ErrorGroup>, usize) {
    /// The index of a group not shown.
    const NOT_SHOWN: usize = usize::MAX;
    let g = a.graph;
    let mut index: std::collections::HashMap<Option<Fingerprint>, usize> =
        std::collections::HashMap::new();
    let mut groups: Vec<ErrorGroup> = Vec::new();
    let shown = caps.root_causes(a.root_causes().len());
    let inner = caps.nested(shown, WHY_NESTED_LISTS);
    for &s in a.root_causes() {
        let fp = a.fingerprint(s);
        let at = *index.entry(fp).or_insert_with(|| {
            if groups.len() == shown {
                return NOT_SHOWN;
            }
            groups.push(ErrorGroup {
                fingerprint: fp,
                text: None,
                count: 0,
                stages: Vec::new(),
                stages_count: 0,
                first_stages: Vec::new(),
            });
            groups.len() - 1
        });
        let Some(group) = groups.get_mut(at) else {
            continue;
        };
        if group.text.is_none() {
            // The group's first root cause with something to say.
            let ev = a.evidence_within(s, Some(0));
            group.text = ev.headline.map(|t| t.shown().into_owned());
        }
        group.count += 1;
        group.stages_count += 1;
        if inner.max_entries.is_none_or(|m| group.stages.len() < m) {
            group.stages.push(g.stage(s).shown_id().to_owned());
        }
        if group.first_stages.len() < ERROR_NAMES_SHOWN {
            group.first_stages.push(StageRef::of(g, s));
        }
    }
    (groups, index.len())
}

/// How many capped lists each root cause of `why` holds, for the budget:
/// evidence, blocked (ids and named), exports, blast radius stages and
/// data, and its share of its error group's stages.
const WHY_NESTED_LISTS: usize = 7;

/// A stage on the critical path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathStep {
    /// The stage.
    #[serde(flatten)]
    pub stage: StageRef,
    /// Its duration in ms.
    pub duration_ms: i64,
    /// Its earliest finish in ms from the run's start.
    pub earliest_finish_ms: i64,
}

/// A stage of the observed chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObservedStep {
    /// The stage.
    #[serde(flatten)]
    pub stage: StageRef,
    /// How long it waited after the stage before it (the first: after the
    /// run was created), in ms; null where a time is missing.
    pub wait_ms: Option<i64>,
    /// When it completed, epoch ms.
    pub completed_ms: Option<i64>,
}

/// The chain that actually finished last, with the waits between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Observed {
    /// Stage ids, first stage first.
    pub path: Vec<String>,
    /// Wait before each stage in ms, or null where a time is missing.
    pub waits_ms: Vec<Option<i64>>,
    /// The same stages with their waits and completion times.
    pub steps: Vec<ObservedStep>,
}

impl Observed {
    fn of(a: &Analysis<'_, '_>) -> Self {
        let g = a.graph;
        let chain = a.timing.observed_chain();
        Observed {
            path: chain
                .iter()
                .map(|&s| g.stage(s).shown_id().to_owned())
                .collect(),
            waits_ms: a.timing.waits().to_vec(),
            steps: chain
                .iter()
                .zip(a.timing.waits())
                .map(|(&s, &wait)| ObservedStep {
                    stage: StageRef::of(g, s),
                    wait_ms: wait,
                    completed_ms: g.stage(s).completion,
                })
                .collect(),
        }
    }
}

/// The critical path as `why` and `summary` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathSummary {
    /// The largest earliest finish: the work on the critical path, in ms.
    pub makespan_ms: i64,
    /// Run wall time, when known.
    pub wall_ms: Option<i64>,
    /// The critical path, stage ids first stage first.
    pub path: Vec<String>,
    /// The same stages with their durations and earliest finishes.
    pub path_steps: Vec<PathStep>,
    /// The chain that completed last.
    pub observed: Observed,
}

fn path_steps(a: &Analysis<'_, '_>) -> Vec<PathStep> {
    a.timing
        .critical_path()
        .iter()
        .map(|&s| PathStep {
            stage: StageRef::of(a.graph, s),
            duration_ms: a.timing.duration(s),
            earliest_finish_ms: a.timing.earliest_finish(s),
        })
        .collect()
}

fn path_ids(a: &Analysis<'_, '_>) -> Vec<String> {
    a.timing
        .critical_path()
        .iter()
        .map(|&s| a.graph.stage(s).shown_id().to_owned())
        .collect()
}

impl PathSummary {
    fn of(a: &Analysis<'_, '_>) -> Self {
        PathSummary {
            makespan_ms: a.timing.makespan(),
            wall_ms: a.wall_time(),
            path: path_ids(a),
            path_steps: path_steps(a),
            observed: Observed::of(a),
        }
    }
}

/// `why`: the root causes with their evidence, data and what they blocked;
/// run-level causes; the critical path.
pub type Why = WhyReport<Vec<RootCause>>;

/// The `why` report, over any list of root causes: [`Why`] owns them;
/// [`Why::streamed`] builds each as it is written (see [`StreamedRootCauses`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Why"))]
pub struct WhyReport<R> {
    /// The version of this JSON's shape: 2.
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// The run.
    pub run: RunInfo,
    /// Root causes, in topological order (all of them unless the report was
    /// made for a screen; see `root_causes_count`).
    pub root_causes: R,
    /// How many root causes there are.
    pub root_causes_count: usize,
    /// The distinct errors of the root causes, each with the root causes
    /// that fail with it (the first 1,000, see `errors_count`).
    pub errors: Vec<ErrorGroup>,
    /// How many distinct errors there are.
    pub errors_count: usize,
    /// Run-level causes, the critical path and the diagnostics.
    #[serde(flatten)]
    pub outcome: RunOutcome,
}

/// What `why` and `summary` both say after the root causes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Outcome"))]
pub struct RunOutcome {
    /// Run-level causes.
    pub run_causes: Vec<RunCause>,
    /// The critical path and the observed chain.
    pub critical_path: PathSummary,
    /// What was odd about the input (at most the cap of each kind).
    pub diagnostics: Vec<Diagnostic>,
    /// How many diagnostics of each kind there are.
    pub diagnostic_counts: Vec<KindCount>,
}

impl RunOutcome {
    fn of(a: &Analysis<'_, '_>, caps: Caps) -> Self {
        let (diagnostics, diagnostic_counts) = diagnostics(a.graph, caps);
        RunOutcome {
            run_causes: a.run_causes.clone(),
            critical_path: PathSummary::of(a),
            diagnostics,
            diagnostic_counts,
        }
    }
}

impl Why {
    /// The `why` report of an analysis, lists capped at [`Caps::DEFAULT`].
    pub fn new(a: &Analysis<'_, '_>) -> Self {
        Why::with_caps(a, Caps::DEFAULT)
    }

    /// The `why` report with lists capped at `limits` (the budget shared
    /// among the root causes shown, see [`Caps::nested`]).
    pub fn with_caps(a: &Analysis<'_, '_>, caps: Caps) -> Self {
        let (errors, errors_count) = error_groups(a, caps);
        Why {
            schema_version: SCHEMA_VERSION,
            run: RunInfo::of(a),
            root_causes: root_causes(a, caps).collect(),
            root_causes_count: a.root_causes().len(),
            errors,
            errors_count,
            outcome: RunOutcome::of(a, caps),
        }
    }

    /// The `why` report whose root causes are built one at a time as they
    /// are serialised, 64 root causes' lists in memory at a time: the same
    /// JSON as [`Why::with_caps`] gives, in memory that does not grow with
    /// the number of root causes times the cap. (The CLI writes `why
    /// --format json` this way.)
    pub fn streamed<'r, 'g, 'a>(
        a: &'r Analysis<'g, 'a>,
        caps: Caps,
    ) -> WhyReport<StreamedRootCauses<'r, 'g, 'a>> {
        let (errors, errors_count) = error_groups(a, caps);
        WhyReport {
            schema_version: SCHEMA_VERSION,
            run: RunInfo::of(a),
            root_causes: StreamedRootCauses { analysis: a, caps },
            root_causes_count: a.root_causes().len(),
            errors,
            errors_count,
            outcome: RunOutcome::of(a, caps),
        }
    }
}

/// The root causes `why` details, built one at a time (their lists 64 at a
/// time), each with its share of the budget.
fn root_causes<'r>(a: &'r Analysis<'_, '_>, caps: Caps) -> impl Iterator<Item = RootCause> + 'r {
    let shown = caps.root_causes(a.root_causes().len());
    let inner = caps.nested(shown, WHY_NESTED_LISTS);
    a.root_causes()[..shown]
        .iter()
        .zip(a.causes.lists_iter(a.graph, inner.max_entries))
        .map(move |(&s, lists)| RootCause::of(a, s, lists, inner))
}

/// The root causes of a [`Why::streamed`] report: serialised one at a time.
#[derive(Debug, Clone, Copy)]
pub struct StreamedRootCauses<'r, 'g, 'a> {
    analysis: &'r Analysis<'g, 'a>,
    caps: Caps,
}

impl Serialize for StreamedRootCauses<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(root_causes(self.analysis, self.caps))
    }
}

/// Stage counts by status, in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

impl StatusCounts {
    fn slot(&mut self, s: Status) -> &mut usize {
        match s {
            Status::Success => &mut self.success,
            Status::Failed => &mut self.failed,
            Status::Stopped => &mut self.stopped,
            Status::Killed => &mut self.killed,
            Status::Running => &mut self.running,
            Status::Created => &mut self.created,
            Status::Unknown => &mut self.unknown,
        }
    }

    /// The count of one status.
    pub fn get(&self, s: Status) -> usize {
        match s {
            Status::Success => self.success,
            Status::Failed => self.failed,
            Status::Stopped => self.stopped,
            Status::Killed => self.killed,
            Status::Running => self.running,
            Status::Created => self.created,
            Status::Unknown => self.unknown,
        }
    }

    /// Each status with its count, in [`Status::ALL`] order.
    pub fn by_status(&self) -> [(Status, usize); 7] {
        Status::ALL.map(|s| (s, self.get(s)))
    }

    /// Every stage counted.
    pub fn total(&self) -> usize {
        self.by_status().iter().map(|(_, n)| n).sum()
    }
}

/// A root cause in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RootCauseBrief {
    /// The stage.
    #[serde(flatten)]
    pub stage: StageRef,
    /// The first failure text in document order, if any.
    pub first_evidence: Option<String>,
    /// The most specific failure text (see [`headline`](crate::cause::headline)): what the summary
    /// shows.
    pub headline: Option<String>,
    /// How many stages it blocked.
    pub blocked: usize,
    /// The error fingerprint.
    pub fingerprint: Option<Fingerprint>,
}

/// `summary`: one screen with the run, its stages, root causes, run-level
/// causes and critical path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// The version of this JSON's shape: 2.
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// The run.
    pub run: RunInfo,
    /// Stage counts by status.
    pub stages: StatusCounts,
    /// Root causes (all of them unless the report was made for a screen;
    /// see `root_causes_count`).
    pub root_causes: Vec<RootCauseBrief>,
    /// How many root causes there are.
    pub root_causes_count: usize,
    /// The distinct errors of the root causes, each with the root causes
    /// that fail with it (the first 1,000, see `errors_count`).
    pub errors: Vec<ErrorGroup>,
    /// How many distinct errors there are.
    pub errors_count: usize,
    /// Run-level causes, the critical path and the diagnostics.
    #[serde(flatten)]
    pub outcome: RunOutcome,
}

impl Summary {
    /// The `summary` report of an analysis, lists capped at [`Caps::DEFAULT`].
    pub fn new(a: &Analysis<'_, '_>) -> Self {
        Summary::with_caps(a, Caps::DEFAULT)
    }

    /// The `summary` report with lists capped at `limits`.
    pub fn with_caps(a: &Analysis<'_, '_>, caps: Caps) -> Self {
        let g = a.graph;
        let mut counts = StatusCounts::default();
        for s in g.stage_indices() {
            *counts.slot(g.stage(s).status()) += 1;
        }
        // Counts only: nothing of the lists is kept.
        let shown = caps.root_causes(a.root_causes().len());
        let root_causes = a.root_causes()[..shown]
            .iter()
            .zip(a.causes.lists_iter(a.graph, Some(0)))
            .map(|(&s, lists)| {
                let ev = a.evidence_within(s, Some(1));
                RootCauseBrief {
                    stage: StageRef::of(g, s),
                    fingerprint: ev.fingerprint,
                    headline: ev.headline.map(|t| t.shown().into_owned()),
                    first_evidence: ev.texts.into_iter().next().map(|t| t.text),
                    blocked: lists.blocked.count,
                }
            })
            .collect();
        let (errors, errors_count) = error_groups(a, caps);
        Summary {
            schema_version: SCHEMA_VERSION,
            run: RunInfo::of(a),
            stages: counts,
            root_causes,
            root_causes_count: a.root_causes().len(),
            errors,
            errors_count,
            outcome: RunOutcome::of(a, caps),
        }
    }
}

/// One stage of `critical-path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageTiming {
    /// The stage.
    #[serde(flatten)]
    pub stage: StageRef,
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
    /// It ran: not running, with both a start and a completion time. A
    /// stage that did not run keeps `duration_ms` 0 here, and text and
    /// Markdown show "—" for its times (a running one, its time so far).
    #[serde(default)]
    pub ran: bool,
}

/// `critical-path`: the path, every stage's timing, and the observed chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CriticalPath {
    /// The version of this JSON's shape: 2.
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// The run.
    pub run: RunInfo,
    /// The largest earliest finish.
    pub makespan_ms: i64,
    /// Run wall time, when known.
    pub wall_ms: Option<i64>,
    /// The critical path, stage ids first stage first.
    pub path: Vec<String>,
    /// The same stages with their durations and earliest finishes.
    pub path_steps: Vec<PathStep>,
    /// Every stage, in topological order.
    pub stages: Vec<StageTiming>,
    /// The chain that completed last.
    pub observed: Observed,
}

impl CriticalPath {
    /// The `critical-path` report of an analysis.
    pub fn new(a: &Analysis<'_, '_>) -> Self {
        let t = &a.timing;
        CriticalPath {
            schema_version: SCHEMA_VERSION,
            run: RunInfo::of(a),
            makespan_ms: t.makespan(),
            wall_ms: a.wall_time(),
            path: path_ids(a),
            path_steps: path_steps(a),
            stages: a
                .order
                .stages()
                .iter()
                .map(|&s| StageTiming {
                    stage: StageRef::of(a.graph, s),
                    duration_ms: t.duration(s),
                    earliest_finish_ms: t.earliest_finish(s),
                    latest_finish_ms: t.latest_finish(s),
                    slack_ms: t.slack(s),
                    critical: t.is_critical(s),
                    ran: {
                        let st = a.graph.stage(s);
                        st.status() != Status::Running
                            && st.start.is_some()
                            && st.completion.is_some()
                    },
                })
                .collect(),
            observed: Observed::of(a),
        }
    }

    /// The critical path as `why` and `summary` show it.
    pub fn path_summary(&self) -> PathSummary {
        PathSummary {
            makespan_ms: self.makespan_ms,
            wall_ms: self.wall_ms,
            path: self.path.clone(),
            path_steps: self.path_steps.clone(),
            observed: self.observed.clone(),
        }
    }
}

/// A stage of `order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrderedStage {
    /// The stage.
    #[serde(flatten)]
    pub stage: StageRef,
    /// 0 for a root, else 1 + the largest level of its parents.
    pub level: u32,
}

/// `order`: the stages in the order they can run, with their levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Order"))]
pub struct StageOrder {
    /// The version of this JSON's shape: 2.
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// The run.
    pub run: RunInfo,
    /// Stage ids in topological order.
    pub order: Vec<String>,
    /// Level of each stage, keyed by id, in topological order.
    pub levels: Levels,
    /// Every stage in topological order, with name, status and level.
    pub stages: Vec<OrderedStage>,
}

impl StageOrder {
    /// The `order` report of an analysis.
    pub fn new(a: &Analysis<'_, '_>) -> Self {
        let g = a.graph;
        let stages: Vec<OrderedStage> = a
            .order
            .stages()
            .iter()
            .map(|&s| OrderedStage {
                stage: StageRef::of(g, s),
                level: a.order.level(s),
            })
            .collect();
        StageOrder {
            schema_version: SCHEMA_VERSION,
            run: RunInfo::of(a),
            order: stages.iter().map(|s| s.stage.id.clone()).collect(),
            levels: Levels(
                stages
                    .iter()
                    .map(|s| (s.stage.id.clone(), s.level))
                    .collect(),
            ),
            stages,
        }
    }
}

/// Stage id → level, serialised as a JSON object in topological order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels(pub Vec<(String, u32)>);

impl Serialize for Levels {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, level) in &self.0 {
            map.serialize_entry(id, level)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Levels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Levels;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of stage id to level")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Levels, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, u32>()? {
                    out.push(entry);
                }
                Ok(Levels(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Levels {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Levels".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "stage id → level, in topological order",
            "additionalProperties": {"type": "integer", "minimum": 0}
        })
    }
}

/// A culprit of a traced stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Culprit {
    /// The culprit (a root cause).
    #[serde(flatten)]
    pub stage: StageRef,
    /// A shortest dependency path from the culprit to the stage, ids in
    /// order. A path longer than its cap keeps its first and its last
    /// stages (half each: the culprit and the stage are what a path says);
    /// `path_count` says how many it has.
    pub path: Vec<String>,
    /// How many stages the path has.
    pub path_count: usize,
    /// The same stages as `path`, with name, type and status.
    pub path_stages: Vec<StageRef>,
    /// The culprit's most specific failure text (see [`headline`](crate::cause::headline)); null
    /// when the response holds none.
    pub headline: Option<EvidenceText>,
}

impl Culprit {
    /// The path as a person reads it when at most `cap` stages are shown:
    /// its first stages, how many were left out, and its last stages.
    pub fn path_ends(&self, cap: Option<usize>) -> (&[StageRef], usize, &[StageRef]) {
        // `path_stages` is the path's first ⌈k/2⌉ and last ⌊k/2⌋ stages:
        // fewer from each end are still the path's ends.
        let len = self.path_stages.len();
        let keep = phrases::shown(cap, len);
        let head = keep - keep / 2;
        let tail = keep / 2;
        (
            &self.path_stages[..head],
            self.path_count.saturating_sub(keep),
            &self.path_stages[len - tail..],
        )
    }
}

/// What `why --stage` says of a stage with no culprit.
pub(crate) const NOTHING_HELD_BACK: &str =
    "Nothing upstream held this stage back, and it did not fail itself.";

/// What `why --stage` says of a stage that is its own culprit.
pub(crate) const ITS_OWN_CULPRIT: &str = "is a root cause itself: it failed on its own.";

/// `why --stage`: what held one stage back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Trace {
    /// The version of this JSON's shape: 2.
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    /// The run.
    pub run: RunInfo,
    /// The traced stage's id.
    pub stage: String,
    /// Its name.
    pub name: Option<String>,
    /// Its outcome.
    pub status: Status,
    /// Its type.
    pub stage_type: Option<Label>,
    /// It failed on its own: it is its only culprit.
    pub root_cause: bool,
    /// What the response says about it, when it is a root cause (its error
    /// and evidence, as `why` shows them); null otherwise.
    pub error: Option<StageError>,
    /// Its culprits, in topological order (itself, when it is a root
    /// cause); capped, see `culprits_count`.
    pub culprits: Vec<Culprit>,
    /// How many culprits it has.
    pub culprits_count: usize,
}

impl Trace {
    /// The trace of stage `s` (resolve an id or a name with
    /// [`LineageGraph::stage_by_id`] first).
    pub fn new(a: &Analysis<'_, '_>, s: StageIx) -> Self {
        Trace::with_caps(a, s, Caps::DEFAULT)
    }

    /// The trace of stage `s` with lists capped at `limits`.
    pub fn with_caps(a: &Analysis<'_, '_>, s: StageIx, caps: Caps) -> Self {
        let g = a.graph;
        let me = StageRef::of(g, s);
        // Each culprit holds its path twice (ids and named stages): the
        // budget is shared among the culprits shown.
        let shown = caps.keep(a.culprits(s).len());
        let inner = caps.nested(shown, 2);
        let (traces, culprits_count) = a.trace_within(s, Some(shown), inner.max_entries);
        let root_cause = matches!(traces.as_slice(), [t] if t.culprit == s);
        Trace {
            schema_version: SCHEMA_VERSION,
            run: RunInfo::of(a),
            stage: me.id,
            name: me.name,
            status: me.status,
            stage_type: me.stage_type,
            root_cause,
            error: root_cause.then(|| StageError::of(a, s, caps)),
            culprits: traces
                .iter()
                .map(|t| Culprit {
                    stage: StageRef::of(g, t.culprit),
                    headline: a.evidence_within(t.culprit, Some(0)).headline,
                    path: t
                        .path
                        .iter()
                        .map(|&p| g.stage(p).shown_id().to_owned())
                        .collect(),
                    path_count: t.len,
                    path_stages: t.path.iter().map(|&p| StageRef::of(g, p)).collect(),
                })
                .collect(),
            culprits_count,
        }
    }

    /// The traced stage, as the reports name it.
    pub fn stage_ref(&self) -> StageRef {
        StageRef {
            id: self.stage.clone(),
            name: self.name.clone(),
            status: self.status,
            stage_type: self.stage_type.clone(),
            placeholder: false,
        }
    }
}

/// `to_text`, `to_markdown` and `to_json` on a report: each renderer into
/// a `String`, for callers that do not stream.
macro_rules! to_strings {
    ($ty:ident, $text:path, $md:expr) => {
        impl $ty {
            /// The report as text, for people.
            pub fn to_text(&self, opts: text::TextOptions) -> String {
                text::to_string(|w| $text(w, self, opts))
            }

            /// The report as GitHub-flavoured Markdown.
            pub fn to_markdown(&self, opts: &markdown::MarkdownOptions) -> String {
                text::to_string(|w| ($md)(w, self, opts))
            }

            /// The report as pretty JSON.
            pub fn to_json(&self) -> String {
                json::to_string(self)
            }
        }
    };
}

to_strings!(Why, text::why, markdown::why);
to_strings!(Summary, text::summary, markdown::summary);
to_strings!(CriticalPath, text::critical_path, markdown::critical_path);
to_strings!(
    StageOrder,
    text::order,
    |w, r, _: &markdown::MarkdownOptions| { markdown::order(w, r) }
);
to_strings!(Trace, text::trace, markdown::trace);

/// A `Display` written by a closure: how the escapers hand out their text
/// lazily, formatted straight into the output.
pub(crate) struct Fmt<F>(pub(crate) F);

impl<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result> std::fmt::Display for Fmt<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.0)(f)
    }
}
