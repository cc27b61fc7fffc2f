//! Why the run failed: root causes, what they blocked, and the evidence.
//!
//! Every stage gets a set of *culprits*, computed in topological order (see
//! `docs/semantics.md#root-causes`): a successful stage has none; a stage whose trigger rule
//! propagates upstream failure inherits the culprits of its failed or
//! blocked parents; otherwise a failed, stopped or killed stage is its own
//! culprit. The **root causes** are the stages that are their own culprit.
//!
//! Culprit sets are shared between stages that inherit the same one, so a long
//! chain below a failure costs one set, not one per stage.

use std::collections::VecDeque;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::graph::{DataIx, LineageGraph, Node, StageIx};
use crate::json_path::{JsonPath, Segment};
use crate::model::lenient::{Sink, Walk, Walker};
use crate::model::{ExecutionStatus, JobSummary, JsonText, TaskInstance, Timestamp};

/// Culprits, root causes and blocked stages of a run.
#[derive(Debug, Clone)]
pub struct Causes {
    /// Per stage, the index of its culprit set in `sets`.
    set_of: Vec<u32>,
    /// Culprit sets as sorted topological positions; set 0 is empty.
    sets: Vec<Vec<u32>>,
    roots: Vec<StageIx>,
    /// Per stage, its slot in `roots` (`u32::MAX` for other stages).
    root_slot: Vec<u32>,
    /// Per root cause (same order as `roots`), the stages it blocked.
    blocked: Vec<Vec<StageIx>>,
}

/// A culprit of a traced stage and the shortest dependency path from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The culprit (a root cause).
    pub culprit: StageIx,
    /// Stages from the culprit to the traced stage, both included.
    pub path: Vec<StageIx>,
}

/// Everything downstream of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlastRadius {
    /// Descendant stages, in topological order.
    pub stages: Vec<StageIx>,
    /// Descendant data nodes, in graph order.
    pub data: Vec<DataIx>,
}

impl Causes {
    /// Computes culprits for every stage of `graph`. O(V + E) plus the size of
    /// the culprit sets that have to be merged.
    pub fn analyse(graph: &LineageGraph<'_>) -> Causes {
        let stages = graph.stages();
        let n = stages.len();
        let mut set_of = vec![0u32; n];
        let mut sets: Vec<Vec<u32>> = vec![Vec::new()];
        let mut roots = Vec::new();
        let mut scratch: Vec<u32> = Vec::new();

        for s in graph.topological_order() {
            let stage = &stages[s.index()];
            if stage.is_success() {
                continue;
            }
            let mut blocking = graph
                .parents(s)
                .filter(|&p| stages[p.index()].is_failed_like() || set_of[p.index()] != 0)
                .peekable();
            let propagates = blocking.peek().is_some()
                && stage
                    .trigger_rule
                    .propagates_failure(graph.parents(s).any(|p| stages[p.index()].is_success()));
            if propagates {
                // Union of the blocking parents' culprits; a failed parent
                // without culprits of its own stands for itself.
                let mut only: Option<u32> = None;
                let mut mixed = false;
                scratch.clear();
                for p in blocking {
                    let set = set_of[p.index()];
                    if set == 0 {
                        mixed = true;
                        scratch.push(graph.topological_position(p) as u32);
                    } else {
                        match only {
                            None => only = Some(set),
                            Some(o) if o == set => {}
                            Some(_) => mixed = true,
                        }
                        scratch.extend_from_slice(&sets[set as usize]);
                    }
                }
                set_of[s.index()] = match (only, mixed) {
                    (Some(set), false) => set,
                    _ => {
                        scratch.sort_unstable();
                        scratch.dedup();
                        sets.push(scratch.clone());
                        (sets.len() - 1) as u32
                    }
                };
            } else if stage.is_failed_like() {
                sets.push(vec![graph.topological_position(s) as u32]);
                set_of[s.index()] = (sets.len() - 1) as u32;
                roots.push(s);
            }
        }

        // Blocked: every stage whose culprits include a root cause, in order.
        let mut root_slot = vec![u32::MAX; n];
        for (i, &r) in roots.iter().enumerate() {
            root_slot[r.index()] = i as u32;
        }
        let mut blocked = vec![Vec::new(); roots.len()];
        for s in graph.topological_order() {
            for &pos in &sets[set_of[s.index()] as usize] {
                let culprit = graph.stage_at_position(pos as usize);
                if culprit != s {
                    blocked[root_slot[culprit.index()] as usize].push(s);
                }
            }
        }
        Causes {
            set_of,
            sets,
            roots,
            root_slot,
            blocked,
        }
    }

    /// The stages that are their own culprit, in topological order.
    pub fn root_causes(&self) -> &[StageIx] {
        &self.roots
    }

    /// The culprits of `stage`, in topological order (empty for a stage that
    /// nothing upstream held back and that did not fail itself).
    pub fn culprits(&self, graph: &LineageGraph<'_>, stage: StageIx) -> Vec<StageIx> {
        self.sets[self.set_of[stage.index()] as usize]
            .iter()
            .map(|&pos| graph.stage_at_position(pos as usize))
            .collect()
    }

    /// The stages a root cause blocked: the descendants whose culprits include
    /// it, in topological order. Empty for a stage that is no root cause.
    pub fn blocked(&self, root: StageIx) -> &[StageIx] {
        match self.root_slot.get(root.index()) {
            Some(&slot) if slot != u32::MAX => &self.blocked[slot as usize],
            _ => &[],
        }
    }

    /// Each culprit of `stage` with a shortest dependency path from it to the
    /// stage (breadth-first over parents, so O(V + E)).
    pub fn trace(&self, graph: &LineageGraph<'_>, stage: StageIx) -> Vec<Trace> {
        let culprits = self.culprits(graph, stage);
        if culprits.is_empty() {
            return Vec::new();
        }
        // toward[p] = the next stage on a shortest path from p down to `stage`.
        let n = graph.stages().len();
        let mut toward: Vec<Option<StageIx>> = vec![None; n];
        toward[stage.index()] = Some(stage);
        let mut queue = VecDeque::from([stage]);
        while let Some(s) = queue.pop_front() {
            let mut parents: Vec<StageIx> = graph.parents(s).collect();
            parents.sort_unstable_by_key(|&p| graph.topological_position(p));
            for p in parents {
                if toward[p.index()].is_none() {
                    toward[p.index()] = Some(s);
                    queue.push_back(p);
                }
            }
        }
        culprits
            .into_iter()
            .map(|culprit| {
                let mut path = vec![culprit];
                let mut at = culprit;
                while at != stage {
                    let Some(next) = toward[at.index()] else {
                        break;
                    };
                    at = next;
                    path.push(at);
                }
                Trace { culprit, path }
            })
            .collect()
    }
}

/// Every stage and data node downstream of `stage`.
pub(crate) fn blast_radius(graph: &LineageGraph<'_>, stage: StageIx) -> BlastRadius {
    let mut radius = BlastRadius::default();
    for node in graph.descendants(Node::Stage(stage)) {
        match node {
            Node::Stage(s) => radius.stages.push(s),
            Node::Data(d) => radius.data.push(d),
        }
    }
    radius
        .stages
        .sort_unstable_by_key(|&s| graph.topological_position(s));
    radius.data.sort_unstable();
    radius
}

/// Where a piece of evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EvidenceKind {
    /// A `message` or `error_message` string.
    Message,
    /// A `streams_info` entry whose status is not `SUCCESS`, as written.
    Stream,
}

/// One piece of failure text from the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EvidenceText {
    /// JSON path of the text in the response.
    pub path: JsonPath,
    /// The text, verbatim.
    pub text: String,
    /// A message, or a failed stream entry.
    pub kind: EvidenceKind,
}

/// What the response says about a failed stage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Evidence {
    /// Every non-empty `message` / `error_message` string inside the stage's
    /// task instance, at any depth, then every `streams_info` entry whose
    /// status is not `SUCCESS` (its whole entry as JSON text).
    pub texts: Vec<EvidenceText>,
    /// `retry_count`.
    pub retry_count: Option<i64>,
    /// `operator_id`.
    pub operator_id: Option<String>,
    /// Data nodes the stage reads.
    pub reads: Vec<DataIx>,
    /// Data nodes the stage writes.
    pub writes: Vec<DataIx>,
}

/// Collects the evidence of `stage` (normally a root cause).
pub(crate) fn evidence(graph: &LineageGraph<'_>, stage: StageIx) -> Evidence {
    let s = &graph.stages()[stage.index()];
    let mut ev = Evidence {
        reads: graph.reads(stage),
        writes: graph.writes(stage),
        ..Evidence::default()
    };
    let Some(ti) = s.instance else { return ev };
    let base = s
        .instance_index
        .map(|i| graph.summary().task_instance_path(i))
        .unwrap_or_default();
    ev.texts = messages(ti, &base);
    ev.texts.extend(failed_streams(ti, &base));
    ev.retry_count = ti.retry_count.value().map(|r| r.0);
    ev.operator_id = ti.operator_id.get().map(|o| o.as_str().to_owned());
    ev
}

/// Every non-empty `message` / `error_message` inside the task instance.
fn messages(ti: &TaskInstance, base: &JsonPath) -> Vec<EvidenceText> {
    struct Collect {
        out: Vec<EvidenceText>,
    }
    impl Sink for Collect {
        fn text(&mut self, path: &JsonPath, key: &str, text: &str) {
            if crate::model::lenient::is_message_key(key) && !text.is_empty() {
                self.out.push(EvidenceText {
                    path: path.clone(),
                    text: text.to_owned(),
                    kind: EvidenceKind::Message,
                });
            }
        }
    }
    let mut sink = Collect { out: Vec::new() };
    let mut walker = Walker {
        path: base.clone(),
        sink: &mut sink,
        into_lazy: true,
    };
    ti.walk(&mut walker);
    sink.out
}

/// `streams_info` entries whose status is not `SUCCESS`, from every datasource
/// audit of the instance; an undecodable `streams_info` is kept as its text.
fn failed_streams(ti: &TaskInstance, base: &JsonPath) -> Vec<EvidenceText> {
    let at = |field: &'static str, step: Option<Segment>| {
        let path = base.clone().with_field(field);
        match step {
            Some(step) => path.with(step),
            None => path,
        }
    };
    let mut audits = Vec::new();
    for (i, a) in ti.datasourceaudit.items() {
        audits.push((at("datasourceaudit", ti.datasourceaudit.step(i)), a));
    }
    for (i, r) in ti.rawdatasetaudit.items() {
        if let Some(a) = r.datasourceaudit.get() {
            let path = at("rawdatasetaudit", ti.rawdatasetaudit.step(i));
            audits.push((path.with_field("datasourceaudit"), &**a));
        }
    }
    let mut out = Vec::new();
    for (path, audit) in audits {
        let path = path.with_field("streams_info");
        match audit.streams() {
            Ok(Some(streams)) => {
                for stream in streams.0.iter().filter(|s| s.is_failed()) {
                    let step = match stream.position {
                        Some(i) => Segment::Index(i),
                        None => Segment::Key(stream.key.as_str().into()),
                    };
                    out.push(EvidenceText {
                        path: path.clone().with(step),
                        text: stream.text.clone(),
                        kind: EvidenceKind::Stream,
                    });
                }
            }
            Ok(None) => {}
            Err(e) => {
                let raw = audit
                    .streams_info
                    .get()
                    .map(JsonText::text)
                    .unwrap_or_default();
                out.push(EvidenceText {
                    path,
                    text: format!("{raw} ({e})"),
                    kind: EvidenceKind::Stream,
                });
            }
        }
    }
    out
}

/// Why the run as a whole ended as it did, beside any stage's failure.
///
/// `Display` gives the sentence the reports print; the JSON carries `kind`
/// and `detail` (that sentence) beside the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunCause {
    /// A user stopped the run.
    Stopped {
        /// Who: the display name, with the e-mail address when it differs.
        by: Option<String>,
        /// When, epoch ms.
        at: Option<i64>,
    },
    /// The system killed the run.
    Killed {
        /// When, epoch ms.
        at: Option<i64>,
    },
    /// The data-quality gate held an export back.
    QualityGate {
        /// The export stage's id.
        stage: String,
        /// The export stage's name.
        name: Option<String>,
        /// The export target (the connection's name), when known.
        target: Option<String>,
        /// Valid values.
        valid: Option<i64>,
        /// Invalid values.
        invalid: Option<i64>,
        /// Missing values.
        missing: Option<i64>,
    },
    /// The run failed and no stage explains it.
    Unexplained,
}

/// The kind of a [`RunCause`], as the JSON names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RunCauseKind {
    /// A user stopped the run.
    Stopped,
    /// The system killed the run.
    Killed,
    /// The data-quality gate held an export back.
    QualityGate,
    /// The run failed and no stage explains it.
    Unexplained,
}

impl RunCauseKind {
    /// The kind in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            RunCauseKind::Stopped => "stopped",
            RunCauseKind::Killed => "killed",
            RunCauseKind::QualityGate => "quality gate",
            RunCauseKind::Unexplained => "unexplained",
        }
    }
}

impl RunCause {
    /// What kind of cause this is.
    pub fn kind(&self) -> RunCauseKind {
        match self {
            RunCause::Stopped { .. } => RunCauseKind::Stopped,
            RunCause::Killed { .. } => RunCauseKind::Killed,
            RunCause::QualityGate { .. } => RunCauseKind::QualityGate,
            RunCause::Unexplained => RunCauseKind::Unexplained,
        }
    }
}

impl fmt::Display for RunCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunCause::Stopped { by, at } => match (by, at) {
                (Some(w), Some(t)) => write!(f, "the run was stopped by {w} at {}", Timestamp(*t)),
                (Some(w), None) => {
                    write!(
                        f,
                        "the run was stopped by {w} (the response does not say when)"
                    )
                }
                (None, Some(t)) => write!(
                    f,
                    "the run was stopped at {} (the response does not say by whom)",
                    Timestamp(*t)
                ),
                (None, None) => {
                    f.write_str("the run was stopped (the response does not say by whom or when)")
                }
            },
            RunCause::Killed { at: Some(t) } => {
                write!(f, "the run was killed by the system at {}", Timestamp(*t))
            }
            RunCause::Killed { at: None } => f.write_str("the run was killed by the system"),
            RunCause::QualityGate {
                stage,
                name,
                valid,
                invalid,
                missing,
                ..
            } => {
                let count = |c: &Option<i64>| c.map_or_else(|| "?".to_owned(), |c| c.to_string());
                match name {
                    Some(n) => write!(f, "export {n} ({stage})")?,
                    None => write!(f, "export {stage}")?,
                }
                write!(
                    f,
                    " was held back by the data-quality gate (stop export if quality < 100%): {} valid, {} invalid, {} missing",
                    count(valid),
                    count(invalid),
                    count(missing)
                )
            }
            RunCause::Unexplained => {
                f.write_str("the run failed, but no stage failed: the response does not say why")
            }
        }
    }
}

/// A run-level cause as JSON: `kind`, `detail` (the sentence), and the
/// fields of every kind (null where they do not apply), so that every key is
/// always there.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunCauseJson {
    /// What happened.
    pub kind: RunCauseKind,
    /// The cause in one sentence, for people.
    pub detail: String,
    /// `stopped`: who stopped the run.
    #[serde(default)]
    pub by: Option<String>,
    /// `stopped`, `killed`: when, epoch ms.
    #[serde(default)]
    pub at_ms: Option<i64>,
    /// `quality_gate`: the export stage's id.
    #[serde(default)]
    pub stage: Option<String>,
    /// `quality_gate`: the export stage's name.
    #[serde(default)]
    pub name: Option<String>,
    /// `quality_gate`: the export target.
    #[serde(default)]
    pub target: Option<String>,
    /// `quality_gate`: valid values.
    #[serde(default)]
    pub valid: Option<i64>,
    /// `quality_gate`: invalid values.
    #[serde(default)]
    pub invalid: Option<i64>,
    /// `quality_gate`: missing values.
    #[serde(default)]
    pub missing: Option<i64>,
}

impl From<RunCause> for RunCauseJson {
    fn from(c: RunCause) -> Self {
        let mut j = RunCauseJson {
            kind: c.kind(),
            detail: c.to_string(),
            by: None,
            at_ms: None,
            stage: None,
            name: None,
            target: None,
            valid: None,
            invalid: None,
            missing: None,
        };
        match c {
            RunCause::Stopped { by, at } => {
                j.by = by;
                j.at_ms = at;
            }
            RunCause::Killed { at } => j.at_ms = at,
            RunCause::QualityGate {
                stage,
                name,
                target,
                valid,
                invalid,
                missing,
            } => {
                j.stage = Some(stage);
                j.name = name;
                j.target = target;
                j.valid = valid;
                j.invalid = invalid;
                j.missing = missing;
            }
            RunCause::Unexplained => {}
        }
        j
    }
}

impl From<RunCauseJson> for RunCause {
    fn from(j: RunCauseJson) -> Self {
        match j.kind {
            RunCauseKind::Stopped => RunCause::Stopped {
                by: j.by,
                at: j.at_ms,
            },
            RunCauseKind::Killed => RunCause::Killed { at: j.at_ms },
            RunCauseKind::QualityGate => RunCause::QualityGate {
                stage: j.stage.unwrap_or_default(),
                name: j.name,
                target: j.target,
                valid: j.valid,
                invalid: j.invalid,
                missing: j.missing,
            },
            RunCauseKind::Unexplained => RunCause::Unexplained,
        }
    }
}

impl Serialize for RunCause {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RunCauseJson::from(self.clone()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for RunCause {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RunCauseJson::deserialize(d).map(RunCause::from)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for RunCause {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RunCause".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RunCauseJson::json_schema(g)
    }
}

/// The run-level causes, reported whether or not a stage failed
/// (`docs/semantics.md#run-level-causes`).
pub fn run_causes(graph: &LineageGraph<'_>, causes: &Causes) -> Vec<RunCause> {
    let summary: &JobSummary = graph.summary();
    let run = summary.run();
    let status = run.execution_status.value();
    let mut out = Vec::new();
    if status == Some(ExecutionStatus::Stopped) {
        let by = run.modified_by.get().and_then(|u| {
            let name = u.display_name()?;
            Some(
                match u
                    .email_id
                    .get()
                    .map(|e| e.as_str())
                    .filter(|e| !e.is_empty() && *e != name)
                {
                    Some(email) => format!("{name} <{email}>"),
                    None => name.to_owned(),
                },
            )
        });
        out.push(RunCause::Stopped {
            by,
            at: run.modified_time.value().map(|t| t.0),
        });
    }
    if status == Some(ExecutionStatus::Killed) {
        out.push(RunCause::Killed {
            at: run.modified_time.value().map(|t| t.0),
        });
    }
    if run.skips_invalid_exports() {
        // One cause per export stage that did not succeed and has a metric
        // with invalid values: an export that succeeded was not held back,
        // whatever its counts.
        for stage in graph.topological_order() {
            let s = &graph.stages()[stage.index()];
            let Some(ti) = s.instance else { continue };
            if s.is_success() {
                continue;
            }
            let held = ti.datasetexportaudit.items().find_map(|(_, ea)| {
                let q = ea.datasetexportauditmetric.get()?.quality().ok()??;
                q.invalid.is_some_and(|i| i > 0).then_some((ea, q))
            });
            if let Some((ea, q)) = held {
                let target = ea
                    .datasetexport
                    .get()
                    .and_then(|e| e.datasink.get())
                    .and_then(|d| d.connection.get())
                    .and_then(|c| c.name.get())
                    .map(|n| n.as_str().to_owned());
                out.push(RunCause::QualityGate {
                    stage: s.id.to_owned(),
                    name: s.name().map(str::to_owned),
                    target,
                    valid: q.valid,
                    invalid: q.invalid,
                    missing: q.missing,
                });
            }
        }
    }
    if status == Some(ExecutionStatus::Failed) && causes.root_causes().is_empty() {
        out.push(RunCause::Unexplained);
    }
    out
}
