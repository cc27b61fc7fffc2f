//! Reports: the analyses put into words (text, for people) and into JSON (for
//! tools).
//!
//! [`Analysis`] runs every analysis once over a built graph; the renderers in
//! [`json`] and [`text`] only read it. JSON keys come out in a fixed, logical
//! order (the structs' field order), ids as strings, and nothing is ordered by
//! a hash map.

pub mod json;
pub mod text;

use crate::cause::{self, Causes, Evidence, RunCause};
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

    /// The evidence of each root cause, in root-cause order.
    pub fn evidence(&self) -> Vec<(StageIx, Evidence)> {
        self.causes
            .root_causes()
            .iter()
            .map(|&s| (s, cause::evidence(self.graph, s)))
            .collect()
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

/// A duration for people: `450ms`, `34s`, `3m 12s`, `1h 02m`, `2d 3h`.
pub fn human_duration(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let s = ms / 1000;
    let text = if ms == 0 {
        "0s".to_owned()
    } else if ms < 1000 {
        format!("{ms}ms")
    } else if s < 60 {
        let tenths = (ms % 1000) / 100;
        if tenths == 0 || s >= 10 {
            format!("{s}s")
        } else {
            format!("{s}.{tenths}s")
        }
    } else if s < 3600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else if s < 86400 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86400, (s % 86400) / 3600)
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_like_a_person_wrote_them() {
        assert_eq!(human_duration(450), "450ms");
        assert_eq!(human_duration(1500), "1.5s");
        assert_eq!(human_duration(34_000), "34s");
        assert_eq!(human_duration(192_000), "3m 12s");
        assert_eq!(human_duration(3_720_000), "1h 02m");
        assert_eq!(human_duration(183_600_000), "2d 3h");
        assert_eq!(human_duration(-2000), "-2s");
    }
}
