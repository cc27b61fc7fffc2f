//! Why the run took so long: durations, the critical path, slack, and the
//! chain of stages that actually finished last.
//!
//! The critical path is computed from durations alone (`docs/semantics.md#timing-and-the-critical-path`): the
//! earliest finish of a stage is the latest earliest finish of its parents
//! plus its own duration, and the path walks back from the stage that
//! finishes last. The *observed* chain uses the recorded completion times
//! instead, and shows the waits between one stage finishing and the next
//! starting — the time a scheduler, not the work, spent.

use crate::graph::{LineageGraph, StageIx};
use crate::model::ExecutionStatus;

/// Durations, critical path and observed chain of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    durations: Vec<i64>,
    earliest_finish: Vec<i64>,
    latest_finish: Vec<i64>,
    makespan: i64,
    path: Vec<StageIx>,
    /// Per stage, the next stage on the critical path (none when off it or last).
    next_on_path: Vec<Option<StageIx>>,
    on_path: Vec<bool>,
    observed: Vec<StageIx>,
    waits: Vec<Option<i64>>,
    latest_timestamp: Option<i64>,
}

impl Timing {
    /// Computes the timing of `graph`'s stages. O(V + E).
    pub fn analyse(graph: &LineageGraph<'_>) -> Timing {
        let stages = graph.stages();
        let n = stages.len();
        let run = graph.summary().run();

        // The latest time the document knows of: the "now" of a running stage.
        // The run's times and every stage's — the graph's stages, so a
        // duplicate task instance (dropped at build, with a diagnostic) does
        // not count: the analyses never see anything of it.
        let run_times = [
            run.created_time.value(),
            run.modified_time.value(),
            run.completion_time.value(),
        ];
        let latest_timestamp = run_times
            .into_iter()
            .flatten()
            .map(|t| t.0)
            .chain(
                stages
                    .iter()
                    .flat_map(|s| [s.created, s.start, s.completion])
                    .flatten(),
            )
            .max();

        let durations: Vec<i64> = stages
            .iter()
            .map(|s| match (s.status, s.start, s.completion) {
                (Some(ExecutionStatus::Running), Some(start), _) => {
                    latest_timestamp.map_or(0, |latest| latest.saturating_sub(start).max(0))
                }
                (_, Some(start), Some(end)) if end >= start => end.saturating_sub(start),
                _ => 0,
            })
            .collect();

        let mut earliest_finish = vec![0i64; n];
        for s in graph.topological_order() {
            let ready = graph
                .parents(s)
                .map(|p| earliest_finish[p.index()])
                .max()
                .unwrap_or(0);
            earliest_finish[s.index()] = ready.saturating_add(durations[s.index()]);
        }
        let makespan = earliest_finish.iter().copied().max().unwrap_or(0);

        // Ends at the largest finish; steps back to the parent that finishes
        // last; ties go to the stage earlier in topological order.
        let by_finish = |a: &StageIx, b: &StageIx| {
            earliest_finish[a.index()]
                .cmp(&earliest_finish[b.index()])
                .then_with(|| {
                    graph
                        .topological_position(*b)
                        .cmp(&graph.topological_position(*a))
                })
        };
        let mut path = Vec::new();
        let mut at = graph.stage_indices().max_by(by_finish);
        while let Some(s) = at {
            path.push(s);
            at = graph.parents(s).max_by(by_finish);
        }
        path.reverse();
        let mut on_path = vec![false; n];
        let mut next_on_path = vec![None; n];
        for (i, &s) in path.iter().enumerate() {
            on_path[s.index()] = true;
            if let Some(&next) = path.get(i + 1) {
                next_on_path[s.index()] = Some(next);
            }
        }

        let mut latest_finish = vec![makespan; n];
        let order: Vec<StageIx> = graph.topological_order().collect();
        for &s in order.iter().rev() {
            if let Some(lf) = graph
                .children(s)
                .map(|c| latest_finish[c.index()].saturating_sub(durations[c.index()]))
                .min()
            {
                latest_finish[s.index()] = lf;
            }
        }

        // Observed chain: stages that are not running and have completed.
        let done = |s: StageIx| {
            stages[s.index()].status != Some(ExecutionStatus::Running)
                && stages[s.index()].completion.is_some()
        };
        let by_completion = |a: &StageIx, b: &StageIx| {
            stages[a.index()]
                .completion
                .cmp(&stages[b.index()].completion)
                .then_with(|| {
                    graph
                        .topological_position(*b)
                        .cmp(&graph.topological_position(*a))
                })
        };
        let mut observed = Vec::new();
        let mut at = graph
            .stage_indices()
            .filter(|&s| done(s))
            .max_by(by_completion);
        while let Some(s) = at {
            observed.push(s);
            at = graph.parents(s).filter(|&p| done(p)).max_by(by_completion);
        }
        observed.reverse();
        let waits = observed
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let before = if i == 0 {
                    run.created_time.value().map(|t| t.0)
                } else {
                    stages[observed[i - 1].index()].completion
                };
                Some(stages[s.index()].start?.saturating_sub(before?))
            })
            .collect();

        Timing {
            durations,
            earliest_finish,
            latest_finish,
            makespan,
            path,
            next_on_path,
            on_path,
            observed,
            waits,
            latest_timestamp,
        }
    }

    /// The stage's duration in ms (0 when unknown; a running stage runs until
    /// the latest timestamp of the document).
    pub fn duration(&self, stage: StageIx) -> i64 {
        self.durations[stage.index()]
    }

    /// Earliest finish: the latest earliest finish of the parents plus the
    /// stage's own duration.
    pub fn earliest_finish(&self, stage: StageIx) -> i64 {
        self.earliest_finish[stage.index()]
    }

    /// Latest finish that does not delay the run.
    pub fn latest_finish(&self, stage: StageIx) -> i64 {
        self.latest_finish[stage.index()]
    }

    /// How much later the stage could finish without delaying the run.
    pub fn slack(&self, stage: StageIx) -> i64 {
        self.latest_finish[stage.index()].saturating_sub(self.earliest_finish[stage.index()])
    }

    /// The largest earliest finish: how long the run takes if every stage
    /// starts as soon as its parents finish.
    pub fn makespan(&self) -> i64 {
        self.makespan
    }

    /// The critical path, first stage first.
    pub fn critical_path(&self) -> &[StageIx] {
        &self.path
    }

    /// True when the stage is on the critical path.
    pub fn is_critical(&self, stage: StageIx) -> bool {
        self.on_path[stage.index()]
    }

    /// True when `from` → `to` is a step of the critical path.
    pub fn is_critical_step(&self, from: StageIx, to: StageIx) -> bool {
        self.next_on_path[from.index()] == Some(to)
    }

    /// The chain of stages that completed last, first stage first.
    pub fn observed_chain(&self) -> &[StageIx] {
        &self.observed
    }

    /// Per stage of the observed chain, the wait before it started: its start
    /// minus the completion of the stage before (for the first, minus the
    /// run's creation); `None` where a time is missing.
    pub fn waits(&self) -> &[Option<i64>] {
        &self.waits
    }

    /// The latest timestamp anywhere in the run and its stages.
    pub fn latest_timestamp(&self) -> Option<i64> {
        self.latest_timestamp
    }

    /// The sum of the critical path's durations (equal to the makespan).
    pub fn critical_work(&self) -> i64 {
        self.path.iter().fold(0i64, |acc, &s| {
            acc.saturating_add(self.durations[s.index()])
        })
    }
}
