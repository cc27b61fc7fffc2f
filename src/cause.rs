//! Why the run failed: root causes, what they blocked, and the evidence.
//!
//! Every stage gets a set of *culprits*, computed in topological order (SPEC
//! section 4): a successful stage has none; a stage whose trigger rule
//! propagates upstream failure inherits the culprits of its failed or
//! blocked parents; otherwise a failed, stopped or killed stage is its own
//! culprit. The **root causes** are the stages that are their own culprit.
//!
//! Culprit sets are shared between stages that inherit the same one, so a long
//! chain below a failure costs one set, not one per stage.

use std::collections::VecDeque;

use serde::Serialize;

use crate::graph::{DataIx, EdgeKind, LineageGraph, Node, StageIx};
use crate::json_path::{JsonPath, Segment};
use crate::model::lenient::{Sink, Walk, Walker};
use crate::model::{ExecutionStatus, JobSummary, JsonText, TaskInstance};

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
            let stage = &stages[s];
            if stage.is_success() {
                continue;
            }
            let mut blocking = graph
                .parents(s)
                .filter(|&p| stages[p].is_failed_like() || set_of[p] != 0)
                .peekable();
            let propagates = blocking.peek().is_some()
                && stage
                    .trigger_rule
                    .propagates_failure(graph.parents(s).any(|p| stages[p].is_success()));
            if propagates {
                // Union of the blocking parents' culprits; a failed parent
                // without culprits of its own stands for itself.
                let mut only: Option<u32> = None;
                let mut mixed = false;
                scratch.clear();
                for p in blocking {
                    let set = set_of[p];
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
                set_of[s] = match (only, mixed) {
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
                set_of[s] = (sets.len() - 1) as u32;
                roots.push(s);
            }
        }

        // Blocked: every stage whose culprits include a root cause, in order.
        let mut root_slot = vec![u32::MAX; n];
        for (i, &r) in roots.iter().enumerate() {
            root_slot[r] = i as u32;
        }
        let mut blocked = vec![Vec::new(); roots.len()];
        for s in graph.topological_order() {
            for &pos in &sets[set_of[s] as usize] {
                let culprit = graph.stage_at_position(pos as usize);
                if culprit != s {
                    blocked[root_slot[culprit] as usize].push(s);
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
        self.sets[self.set_of[stage] as usize]
            .iter()
            .map(|&pos| graph.stage_at_position(pos as usize))
            .collect()
    }

    /// The stages a root cause blocked: the descendants whose culprits include
    /// it, in topological order. Empty for a stage that is no root cause.
    pub fn blocked(&self, root: StageIx) -> &[StageIx] {
        match self.root_slot.get(root) {
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
        let mut toward = vec![usize::MAX; n];
        toward[stage] = stage;
        let mut queue = VecDeque::from([stage]);
        while let Some(s) = queue.pop_front() {
            let mut parents: Vec<StageIx> = graph.parents(s).collect();
            parents.sort_unstable_by_key(|&p| graph.topological_position(p));
            for p in parents {
                if toward[p] == usize::MAX {
                    toward[p] = s;
                    queue.push_back(p);
                }
            }
        }
        culprits
            .into_iter()
            .map(|culprit| {
                let mut path = vec![culprit];
                let mut at = culprit;
                while at != stage && toward[at] != usize::MAX {
                    at = toward[at];
                    path.push(at);
                }
                Trace { culprit, path }
            })
            .collect()
    }
}

/// Every stage and data node downstream of `stage`.
pub fn blast_radius(graph: &LineageGraph<'_>, stage: StageIx) -> BlastRadius {
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

/// One piece of failure text from the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceText {
    /// JSON path of the text in the response.
    pub path: JsonPath,
    /// The text, verbatim.
    pub text: String,
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
pub fn evidence(graph: &LineageGraph<'_>, stage: StageIx) -> Evidence {
    let s = &graph.stages()[stage];
    let mut ev = Evidence {
        reads: graph.data_of(stage, EdgeKind::Reads),
        writes: graph.data_of(stage, EdgeKind::Writes),
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
                });
            }
        }
    }
    out
}

/// Why the run as a whole ended as it did, beside any stage's failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// A run-level cause, with a sentence that says who, when, or how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunCause {
    /// What happened.
    pub kind: RunCauseKind,
    /// The details, for people.
    pub detail: String,
}

/// The run-level causes (SPEC section 4), reported whether or not a stage failed.
pub fn run_causes(graph: &LineageGraph<'_>, causes: &Causes) -> Vec<RunCause> {
    let summary: &JobSummary = graph.summary();
    let run = summary.run();
    let status = run.execution_status.value();
    let mut out = Vec::new();
    if status == Some(ExecutionStatus::Stopped) {
        let who = run.modified_by.get().and_then(|u| {
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
        let when = run.modified_time.value();
        let detail = match (who, when) {
            (Some(w), Some(t)) => format!("the run was stopped by {w} at {t}"),
            (Some(w), None) => {
                format!("the run was stopped by {w} (the response does not say when)")
            }
            (None, Some(t)) => {
                format!("the run was stopped at {t} (the response does not say by whom)")
            }
            (None, None) => {
                "the run was stopped (the response does not say by whom or when)".to_owned()
            }
        };
        out.push(RunCause {
            kind: RunCauseKind::Stopped,
            detail,
        });
    }
    if status == Some(ExecutionStatus::Killed) {
        let detail = match run.modified_time.value() {
            Some(t) => format!("the run was killed by the system at {t}"),
            None => "the run was killed by the system".to_owned(),
        };
        out.push(RunCause {
            kind: RunCauseKind::Killed,
            detail,
        });
    }
    if run.skips_invalid_exports() {
        for stage in graph.topological_order() {
            let s = &graph.stages()[stage];
            let Some(ti) = s.instance else { continue };
            for (_, ea) in ti.datasetexportaudit.items() {
                let Some(metric) = ea.datasetexportauditmetric.get() else {
                    continue;
                };
                let Ok(Some(q)) = metric.quality() else {
                    continue;
                };
                if q.invalid.is_some_and(|i| i > 0) {
                    let count =
                        |c: Option<i64>| c.map_or_else(|| "?".to_owned(), |c| c.to_string());
                    let name = s
                        .name()
                        .map(|n| format!("{n} ({})", s.id))
                        .unwrap_or_else(|| s.id.to_owned());
                    out.push(RunCause {
                        kind: RunCauseKind::QualityGate,
                        detail: format!(
                            "export {name} was held back by the data-quality gate (stop export if quality < 100%): {} valid, {} invalid, {} missing",
                            count(q.valid),
                            count(q.invalid),
                            count(q.missing)
                        ),
                    });
                }
            }
        }
    }
    if status == Some(ExecutionStatus::Failed) && causes.root_causes().is_empty() {
        out.push(RunCause {
            kind: RunCauseKind::Unexplained,
            detail: "the run failed, but no stage failed: the response does not say why".to_owned(),
        });
    }
    out
}
