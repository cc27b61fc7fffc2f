//! Every analysis of one run, computed once: [`Analysis`].
//!
//! The graph is built; `Analysis::new` runs the order, the culprits and
//! root causes, the timing and the run-level causes over it, each O(V + E).
//! What is asked less often — the evidence of a stage, its blast radius, the
//! trace of a stage back to its culprits, its error fingerprint — is a method
//! that computes it on demand. The reports ([`crate::report`]) are built from
//! an `Analysis` and own what they hold, so they outlive it.
//! What each analysis means: `docs/semantics.md`.

use crate::cause::{self, BlastRadius, Causes, CulpritPath, Evidence, RootCauseLists, RunCause};
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
    /// failure text with its path, the most specific of them (its
    /// [`headline`](Evidence::headline)), the error fingerprint, retries,
    /// operator, data read and written.
    pub fn evidence(&self, stage: StageIx) -> Evidence {
        cause::evidence(self.graph, stage, None)
    }

    /// [`evidence`](Self::evidence) keeping only the first `cap` texts
    /// (counted in [`Evidence::count`]; the headline and the fingerprint
    /// still read them all): memory for what is shown, whatever the stage
    /// holds.
    pub fn evidence_within(&self, stage: StageIx, cap: Option<usize>) -> Evidence {
        cause::evidence(self.graph, stage, cap)
    }

    /// The error fingerprint of `stage`: its `message` / `error_message`
    /// texts, normalised and hashed (`docs/semantics.md#error-fingerprint`).
    pub fn fingerprint(&self, stage: StageIx) -> Option<Fingerprint> {
        cause::fingerprint(self.graph, stage)
    }

    /// The leading failure text of a failed-like stage: its evidence's
    /// [`headline`](Evidence::headline) as a person reads it
    /// ([`EvidenceText::shown`](crate::cause::EvidenceText::shown)); `None` for any other stage or one that says
    /// nothing. The reports, run comparison, history and exports all quote
    /// this.
    pub fn leading_error(&self, stage: StageIx) -> Option<String> {
        if !self.graph.stage(stage).status().is_failed_like() {
            return None;
        }
        let ev = self.evidence_within(stage, Some(0));
        ev.headline.map(|t| t.shown().into_owned())
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
    pub fn trace(&self, stage: StageIx) -> Vec<CulpritPath> {
        self.causes.trace(self.graph, stage)
    }

    /// The first `culprits` culprits of `stage` with their paths cut to
    /// `keep` stages, and how many culprits there are; see
    /// [`Causes::trace_within`].
    pub fn trace_within(
        &self,
        stage: StageIx,
        culprits: Option<usize>,
        keep: Option<usize>,
    ) -> (Vec<CulpritPath>, usize) {
        self.causes.trace_within(self.graph, stage, culprits, keep)
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
