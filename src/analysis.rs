//! Every analysis of one run, computed once: [`Analysis`].
//!
//! The graph is built; `Analysis::new` runs the order, the culprits and
//! root causes, the timing and the run-level causes over it, each O(V + E).
//! What is asked less often — the evidence of a stage, its blast radius, the
//! trace of a stage back to its culprits, its error fingerprint — is a method
//! that computes it on demand. The reports ([`crate::report`]) are built from
//! an `Analysis` and own what they hold, so they outlive it.
//! What each analysis means: `docs/semantics.md`.

use crate::cause::{
    self, BlastRadius, Causes, Evidence, EvidenceKind, RootCauseLists, RunCause, Trace,
};
use crate::fingerprint::Fingerprint;
use crate::graph::{LineageGraph, StageIx};
use crate::order::Order;
use crate::timing::Timing;

/// Every analysis of one run, computed once.
#[derive(Debug, Clone)]
pub struct Analysis<'g, 'a> {
    /// The graph analysed.
    pub graph: &'g LineageGraph<'a>,
    /// Topological order and levels.
    pub order: Order,
    /// Culprits and root causes.
    pub causes: Causes,
    /// Durations and critical path.
    pub timing: Timing,
    /// Run-level causes.
    pub run_causes: Vec<RunCause>,
}

impl<'g, 'a> Analysis<'g, 'a> {
    /// Runs every analysis on `graph`. O(V + E).
    pub fn new(graph: &'g LineageGraph<'a>) -> Self {
        let order = Order::of(graph);
        let causes = Causes::analyse(graph);
        let timing = Timing::analyse(graph);
        let run_causes = cause::run_causes(graph, &causes);
        Analysis {
            graph,
            order,
            causes,
            timing,
            run_causes,
        }
    }

    /// The stages that are their own culprit, in topological order.
    pub fn root_causes(&self) -> &[StageIx] {
        self.causes.root_causes()
    }

    /// What the response says about `stage` (normally a root cause): every
    /// failure text with its path, retries, operator, data read and written.
    pub fn evidence(&self, stage: StageIx) -> Evidence {
        cause::evidence(self.graph, stage)
    }

    /// The error fingerprint of `stage`: its `message` / `error_message`
    /// texts, normalised and hashed (`docs/semantics.md#error-fingerprint`).
    pub fn fingerprint(&self, stage: StageIx) -> Option<Fingerprint> {
        Fingerprint::of(
            cause::message_texts(self.graph, stage)
                .iter()
                .map(|t| t.text.as_str()),
        )
    }

    /// Every stage and data node downstream of `stage`.
    pub fn blast_radius(&self, stage: StageIx) -> BlastRadius {
        cause::blast_radius(self.graph, stage)
    }

    /// The stages root cause `root` blocked, in topological order (all of
    /// them: see [`root_cause_lists`](Self::root_cause_lists) for capped
    /// lists of every root cause at once).
    pub fn blocked(&self, root: StageIx) -> Vec<StageIx> {
        self.causes.blocked(self.graph, root)
    }

    /// For every root cause (in [`root_causes`](Self::root_causes) order):
    /// the stages it blocked and its blast radius, each kept up to `cap`
    /// entries and counted exactly. One pass over the graph per 64 root
    /// causes; see [`Causes::lists`].
    pub fn root_cause_lists(&self, cap: Option<usize>) -> Vec<RootCauseLists> {
        self.causes.lists(self.graph, cap)
    }

    /// The culprits of `stage`, in topological order.
    pub fn culprits(&self, stage: StageIx) -> Vec<StageIx> {
        self.causes.culprits(self.graph, stage)
    }

    /// Each culprit of `stage` with a shortest dependency path from it.
    pub fn trace(&self, stage: StageIx) -> Vec<Trace> {
        self.causes.trace(self.graph, stage)
    }

    /// The duration of `stage` when it *ran*: not running, with both its
    /// start and completion known (`docs/semantics.md#run-comparison`); the
    /// duration is the critical path's (0 when the completion is before the
    /// start). Run comparison and history both compare these.
    pub fn ran_ms(&self, stage: StageIx) -> Option<i64> {
        let st = self.graph.stage(stage);
        (st.status() != crate::status::Status::Running
            && st.start.is_some()
            && st.completion.is_some())
        .then(|| self.timing.duration(stage))
    }

    /// Run wall time: completion (or, for a run still going, the latest
    /// timestamp of the document) minus creation.
    pub fn wall_time(&self) -> Option<i64> {
        let run = self.graph.summary().run();
        let start = run.created_time.value()?.0;
        let end = run
            .completion_time
            .value()
            .map(|t| t.0)
            .or(self.timing.latest_timestamp())?;
        Some(end.saturating_sub(start))
    }
}

/// The fingerprint of evidence already gathered: its messages, not its
/// stream entries.
pub(crate) fn fingerprint_of(evidence: &Evidence) -> Option<Fingerprint> {
    Fingerprint::of(
        evidence
            .texts
            .iter()
            .filter(|t| t.kind == EvidenceKind::Message)
            .map(|t| t.text.as_str()),
    )
}
