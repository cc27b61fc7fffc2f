//! [`Timeline`]: when each stage ran, for a Gantt chart.
//!
//! One row per stage that started, from its start to its completion (a
//! running stage: to the latest time the response knows, "so far"), with
//! the stages that never started listed apart. The rows are capped like a
//! list (SPEC §5) and the critical path is always kept, so a 20,000-stage
//! run still draws the chain that decided its length.

use serde::{Deserialize, Serialize};

use super::{Caps, StageRef};
use crate::analysis::Analysis;
use crate::status::Status;

/// When each stage ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Timeline {
    /// The start of the time axis, epoch ms: the run's created time, else
    /// its first stage start (null when nothing started).
    pub origin_ms: Option<i64>,
    /// The end of the time axis, epoch ms: the latest time the response
    /// gives (null when nothing started).
    pub end_ms: Option<i64>,
    /// The stages that started, by start time (then topological order):
    /// the critical path always, then the first others within the cap.
    pub rows: Vec<TimelineRow>,
    /// How many stages started.
    pub rows_count: usize,
    /// Stages that never started, in topological order (capped).
    pub never_ran: Vec<StageRef>,
    /// How many stages never started.
    pub never_ran_count: usize,
}

/// One stage's bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineRow {
    /// The stage.
    pub stage: StageRef,
    /// Its index in the graph: what links its bar to the same stage in
    /// other pictures and tables of one page (never the input's id).
    pub index: usize,
    /// When it started, epoch ms.
    pub start_ms: i64,
    /// When it completed, epoch ms; for a running stage, the latest time
    /// the response gives ("so far"); its start when it has no completion.
    pub end_ms: i64,
    /// Still running: the bar is drawn so far.
    pub running: bool,
    /// On the critical path.
    pub critical: bool,
    /// Its position on the critical path (0 first), when it is on it.
    pub critical_step: Option<usize>,
}

impl Timeline {
    /// The timeline of an analysis, at most `caps.max_entries` rows and
    /// stages that never ran.
    pub fn with_caps(a: &Analysis<'_, '_>, caps: Caps) -> Timeline {
        let g = a.graph;
        let latest = a.timing.latest_timestamp();
        let mut step = vec![None; g.stage_count()];
        for (i, &s) in a.timing.critical_path().iter().enumerate() {
            step[s.index()] = Some(i);
        }
        let mut started = Vec::new();
        let mut never = Vec::new();
        for (position, s) in g.topological_order().enumerate() {
            match g.stage(s).start {
                Some(start) => started.push((start, position, s)),
                None => never.push(s),
            }
        }
        started.sort_unstable();
        let rows_count = started.len();
        let keep = caps.keep(rows_count);
        let critical = started
            .iter()
            .filter(|(_, _, s)| step[s.index()].is_some())
            .count();
        // The critical path first, then the earliest others.
        let mut others_left = keep.saturating_sub(critical);
        let rows = started
            .into_iter()
            .filter(|(_, _, s)| {
                step[s.index()].is_some() || {
                    let k = others_left > 0;
                    others_left = others_left.saturating_sub(1);
                    k
                }
            })
            .map(|(start, _, s)| {
                let st = g.stage(s);
                let running = st.status() == Status::Running;
                let end = if running {
                    latest.unwrap_or(start).max(start)
                } else {
                    st.completion.unwrap_or(start).max(start)
                };
                TimelineRow {
                    stage: StageRef::of(g, s),
                    index: s.index(),
                    start_ms: start,
                    end_ms: end,
                    running,
                    critical: step[s.index()].is_some(),
                    critical_step: step[s.index()],
                }
            })
            .collect::<Vec<_>>();
        let created = g.summary().run().created_time.value().map(|t| t.0);
        let first = rows.iter().map(|r| r.start_ms).min();
        let origin_ms = match (created, first) {
            (Some(c), Some(f)) => Some(c.min(f)),
            (c, f) => c.or(f),
        };
        let end_ms = rows
            .iter()
            .map(|r| r.end_ms)
            .chain(latest)
            .max()
            .filter(|_| !rows.is_empty());
        let never_ran_count = never.len();
        let never_ran = never[..caps.keep(never_ran_count)]
            .iter()
            .map(|&s| StageRef::of(g, s))
            .collect();
        Timeline {
            origin_ms,
            end_ms,
            rows,
            rows_count,
            never_ran,
            never_ran_count,
        }
    }
}
