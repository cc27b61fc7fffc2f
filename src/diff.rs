//! What changed since it last worked: the comparison of two runs.
//!
//! [`compare`] takes the analyses of a baseline run and a current run
//! (normally of the same pipeline) and says what is different: which stages
//! newly fail or were fixed, which failures are the same error as before
//! (their [`Fingerprint`]s agree), where the runs first diverge, what
//! changed in the pipeline's structure and lineage, what got slower, which
//! row counts fell — and a verdict that a scheduler can act on
//! (`docs/semantics.md#run-comparison`).
//!
//! # Design
//!
//! Stages are matched by a **key** that survives between runs: the task
//! definition's id (`pipelinetask.id`), else `NAME@TYPE`. Task *instance*
//! ids are new in every run, so they cannot match. Each run is indexed
//! once by key (a hash map; never iterated into output), and every list is
//! built by walking one run in topological order, so the comparison is
//! O(V + E) in the two runs and its order is the spec's, not a map's.
//! [`RunDiff`] owns everything it says, like every report.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::cause::RunCauseKind;
use crate::fingerprint::Fingerprint;
use crate::graph::{LineageGraph, Stage, StageIx};
use crate::limits::short;
use crate::run_ref::RunRef;
use crate::status::Status;
use crate::words;
use crate::SCHEMA_VERSION;

/// When a stage is *slower*: one threshold for run comparison (a stage
/// against its baseline) and history (its latest run against its p50), so
/// that "slower" means one thing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slower {
    /// A stage is slower when it took at least this many times as long…
    pub slower_ratio: f64,
    /// …and at least this many milliseconds more.
    pub slower_min_ms: i64,
}

impl Default for Slower {
    /// 1.5 times as long, and at least 30 s more.
    fn default() -> Self {
        Slower {
            slower_ratio: 1.5,
            slower_min_ms: 30_000,
        }
    }
}

/// The thresholds of the comparison: [`Slower`].
pub type DiffOptions = Slower;

/// The comparison's judgement, from best to worst news (for `--fail-on`:
/// `changed` < `slower` < `regressed`; `improved` and `unchanged` never fail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing that the comparison looks at changed.
    Unchanged,
    /// A stage was fixed, or a root cause resolved, and nothing regressed.
    Improved,
    /// A persisting root cause fails with another error, or the structure,
    /// lineage or volumes changed; nothing failed anew or slowed.
    Changed,
    /// A stage (or a successful run as a whole) got slower.
    Slower,
    /// A stage newly fails or newly did not run, a new root cause, or a new
    /// kind of run-level cause.
    Regressed,
}

impl RunDiff {
    /// The name of the stage with `key` (either run), for a person.
    pub fn name_of(&self, key: &str) -> Option<&str> {
        self.stages
            .iter()
            .find(|s| s.key == key)
            .and_then(|s| s.name.as_deref())
            .or_else(|| {
                self.added
                    .iter()
                    .chain(&self.removed)
                    .find(|s| s.key == key)
                    .and_then(|s| s.name.as_deref())
            })
    }
}

impl Verdict {
    /// The word the outputs use.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Unchanged => "unchanged",
            Verdict::Improved => "improved",
            Verdict::Changed => "changed",
            Verdict::Slower => "slower",
            Verdict::Regressed => "regressed",
        }
    }

    /// Whether this verdict is at `level` or worse, for `--fail-on`
    /// (`changed` < `slower` < `regressed`; `improved` and `unchanged`
    /// are never).
    pub fn reaches(self, level: Verdict) -> bool {
        let rank = |v: Verdict| match v {
            Verdict::Unchanged | Verdict::Improved => 0,
            Verdict::Changed => 1,
            Verdict::Slower => 2,
            Verdict::Regressed => 3,
        };
        rank(self) > 0 && rank(self) >= rank(level)
    }
}

/// What became of a matched stage between the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Outcome"))]
#[serde(rename_all = "snake_case")]
pub enum StageChange {
    /// Succeeded before, failed-like now.
    NewlyFailing,
    /// Failed-like before, succeeded now.
    NewlyFixed,
    /// Failed-like in both (see `same_error`).
    StillFailing,
    /// Succeeded before; held back or never started now (`created`), in a
    /// current run that is no longer running.
    NewlyNotRun,
    /// Any other change of status.
    StatusChanged,
    /// The same status.
    Unchanged,
}

/// A matched stage: the same key in both runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageDiff {
    /// The stage's key (its task definition id, else `NAME@TYPE`).
    pub key: String,
    /// Its name in the current run.
    pub name: Option<String>,
    /// Status in the baseline.
    pub baseline_status: Status,
    /// Status now.
    pub current_status: Status,
    /// What became of it.
    pub outcome: StageChange,
    /// Failed-like in both with equal, non-null fingerprints: the same
    /// error as before. Null unless `still_failing`.
    pub same_error: Option<bool>,
    /// Error fingerprint in the baseline.
    pub baseline_fingerprint: Option<Fingerprint>,
    /// Error fingerprint now.
    pub current_fingerprint: Option<Fingerprint>,
    /// Duration in the baseline, when it ran (not running, both times).
    pub baseline_ms: Option<i64>,
    /// Duration now, when it ran.
    pub current_ms: Option<i64>,
    /// `current_ms - baseline_ms`, when it ran in both.
    pub delta_ms: Option<i64>,
    /// It took at least the slower ratio as long, and the slower minimum
    /// more.
    pub slower: bool,
    /// Its `row_count` in the baseline.
    pub baseline_rows: Option<i64>,
    /// Its `row_count` now.
    pub current_rows: Option<i64>,
    /// The row count fell to 0 or changed by half the baseline or more.
    pub rows_flagged: bool,
}

/// A stage that failed in one run or both, by key: a root cause, or the
/// first divergence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RootCauseChange {
    /// The stage's key.
    pub key: String,
    /// Its name (current run, else baseline).
    pub name: Option<String>,
    /// Its fingerprint in the baseline (null when it did not fail there).
    pub baseline_fingerprint: Option<Fingerprint>,
    /// Its fingerprint now.
    pub current_fingerprint: Option<Fingerprint>,
    /// Its leading failure text in the baseline.
    pub baseline_error: Option<String>,
    /// Its leading failure text now.
    pub current_error: Option<String>,
}

/// A stage of one run only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KeyedStage {
    /// The stage's key.
    pub key: String,
    /// Its name.
    pub name: Option<String>,
    /// Its status in its run.
    pub status: Status,
}

/// A value that changed for one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ValueChange {
    /// The stage's key.
    pub key: String,
    /// Before.
    pub baseline: Option<String>,
    /// Now.
    pub current: Option<String>,
}

/// The data a matched stage reads or writes that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataChange {
    /// The stage's key.
    pub key: String,
    /// Data it reads or writes now but did not: `reads dataset ID`, `writes export target ID`.
    pub added: Vec<String>,
    /// Data it read or wrote but does not now.
    pub removed: Vec<String>,
}

/// A number in both runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Delta {
    /// Before.
    pub baseline: Option<i64>,
    /// Now.
    pub current: Option<i64>,
    /// `current - baseline`, when both are known.
    pub delta: Option<i64>,
}

impl Delta {
    fn of(baseline: Option<i64>, current: Option<i64>) -> Delta {
        Delta {
            baseline,
            current,
            delta: baseline.zip(current).map(|(b, c)| c.saturating_sub(b)),
        }
    }
}

/// Keys that joined and left the critical path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathChange {
    /// On the current critical path, not on the baseline's.
    pub joined: Vec<String>,
    /// On the baseline's critical path, not on the current one.
    pub left: Vec<String>,
}

/// An export's data-quality counts in both runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QualityChange {
    /// The export stage's key.
    pub key: String,
    /// `[valid, invalid, missing]` in the baseline.
    pub baseline: Option<[Option<i64>; 3]>,
    /// `[valid, invalid, missing]` now.
    pub current: Option<[Option<i64>; 3]>,
}

/// Something about the comparison itself a reader should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiffNote {
    /// What kind of note.
    pub kind: DiffNoteKind,
    /// What, in a sentence.
    pub detail: String,
}

/// What a [`DiffNote`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiffNoteKind {
    /// The two runs are of different pipelines.
    DifferentPipelines,
    /// A run is still going: its stages may yet change.
    Running,
    /// Two stages of one run share a key; the later is not matched.
    DuplicateKey,
    /// Stages with neither a task id nor a name and type: not matched.
    NoKey,
}

impl DiffNoteKind {
    /// Whether the note qualifies the whole comparison (printed before the
    /// verdict) rather than some stages.
    pub fn is_about_the_pair(self) -> bool {
        matches!(
            self,
            DiffNoteKind::DifferentPipelines | DiffNoteKind::Running
        )
    }
}

/// The comparison of two runs: `diff BASELINE CURRENT`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunDiff {
    /// The version of this JSON's shape: 2.
    pub schema_version: u32,
    /// The judgement.
    pub verdict: Verdict,
    /// Why, in one line.
    pub reason: String,
    /// The baseline run.
    pub baseline: RunRef,
    /// The current run.
    pub current: RunRef,
    /// The first matched stage, in the current run's order, whose status
    /// changed or that failed in both with different errors; null if none.
    pub first_divergence: Option<String>,
    /// That stage with its errors in both runs and their fingerprints.
    pub first_divergence_detail: Option<RootCauseChange>,
    /// Every matched stage, in the current run's topological order.
    pub stages: Vec<StageDiff>,
    /// Root causes now that were none in the baseline.
    pub new_root_causes: Vec<RootCauseChange>,
    /// Root causes in the baseline that are none now.
    pub resolved_root_causes: Vec<RootCauseChange>,
    /// Root causes in both.
    pub persisting_root_causes: Vec<RootCauseChange>,
    /// Keys of the current run only, in its order.
    pub added: Vec<KeyedStage>,
    /// Keys of the baseline only, in its order.
    pub removed: Vec<KeyedStage>,
    /// Dependencies (parent key, child key) of the current run only.
    pub edges_added: Vec<[String; 2]>,
    /// Dependencies of the baseline only.
    pub edges_removed: Vec<[String; 2]>,
    /// Trigger rules that changed (upper-cased; missing is `ALL_SUCCESS`).
    pub rule_changes: Vec<ValueChange>,
    /// Names that changed.
    pub name_changes: Vec<ValueChange>,
    /// Data read or written that changed, per matched stage.
    pub data_changes: Vec<DataChange>,
    /// The work on the critical path in both runs.
    pub makespan_ms: Delta,
    /// The wall time of both runs.
    pub wall_ms: Delta,
    /// Keys that joined and left the critical path.
    pub critical_path: PathChange,
    /// Export quality counts where either run has them.
    pub quality: Vec<QualityChange>,
    /// Run-level cause kinds of the current run that the baseline did not have.
    pub new_run_causes: Vec<RunCauseKind>,
    /// What a reader should know about the comparison itself.
    pub diagnostics: Vec<DiffNote>,
}

/// A stage's key (SPEC §6): see [`Stage::key`].
pub fn stage_key(stage: &Stage<'_>) -> Option<String> {
    stage.key()
}

/// One run indexed by key.
struct Keyed<'r, 'g, 'a> {
    a: &'r Analysis<'g, 'a>,
    /// Keyed stages in topological order (the first of each key).
    order: Vec<(String, StageIx)>,
    by_key: HashMap<String, StageIx>,
    /// Stage index → its key, when it kept one.
    key_of: Vec<Option<usize>>,
}

impl<'r, 'g, 'a> Keyed<'r, 'g, 'a> {
    fn of(a: &'r Analysis<'g, 'a>, side: &str, notes: &mut Vec<DiffNote>) -> Self {
        let g = a.graph;
        let mut order = Vec::new();
        let mut by_key = HashMap::new();
        let mut key_of = vec![None; g.stage_count()];
        let (mut duplicates, mut keyless) = (0usize, 0usize);
        for s in g.topological_order() {
            let Some(key) = stage_key(g.stage(s)) else {
                keyless += 1;
                continue;
            };
            if by_key.contains_key(&key) {
                duplicates += 1;
                continue;
            }
            by_key.insert(key.clone(), s);
            key_of[s.index()] = Some(order.len());
            order.push((key, s));
        }
        if duplicates > 0 {
            notes.push(DiffNote {
                kind: DiffNoteKind::DuplicateKey,
                detail: format!(
                    "{duplicates} stage{} of the {side} run share{} a key with an earlier stage and {} left out",
                    words::plural(duplicates),
                    if duplicates == 1 { "s" } else { "" },
                    if duplicates == 1 { "is" } else { "are" }
                ),
            });
        }
        if keyless > 0 {
            notes.push(DiffNote {
                kind: DiffNoteKind::NoKey,
                detail: format!(
                    "{keyless} stage{} of the {side} run {} no task definition id, name or type and {} left out",
                    words::plural(keyless),
                    if keyless == 1 { "has" } else { "have" },
                    if keyless == 1 { "is" } else { "are" }
                ),
            });
        }
        Keyed {
            a,
            order,
            by_key,
            key_of,
        }
    }

    fn graph(&self) -> &'r LineageGraph<'a> {
        self.a.graph
    }

    fn key(&self, s: StageIx) -> Option<&str> {
        self.key_of[s.index()].map(|i| self.order[i].0.as_str())
    }

    fn ran_ms(&self, s: StageIx) -> Option<i64> {
        self.a.ran_ms(s)
    }

    fn rows(&self, s: StageIx) -> Option<i64> {
        self.graph()
            .stage(s)
            .instance
            .and_then(|ti| ti.row_count.value())
            .map(|r| r.0)
    }

    fn error(&self, s: StageIx) -> Option<String> {
        self.a.leading_error(s)
    }

    /// The trigger rule as written, upper-cased (`ALL_SUCCESS` when missing).
    fn rule(&self, s: StageIx) -> String {
        self.graph()
            .stage(s)
            .instance
            .and_then(|ti| ti.trigger_rule())
            .map_or_else(|| "ALL_SUCCESS".to_owned(), |r| r.trim().to_uppercase())
    }

    /// `reads dataset ID` … for each data node the stage reads or writes.
    fn data(&self, s: StageIx) -> Vec<String> {
        let g = self.graph();
        let name = |verb: &str, d| {
            let node = g.data_node(d);
            format!("{verb} {} {}", node.kind.label(), node.shown_id())
        };
        let mut all: Vec<String> = g.reads(s).into_iter().map(|d| name("reads", d)).collect();
        all.extend(g.writes(s).into_iter().map(|d| name("writes", d)));
        all
    }

    /// `[valid, invalid, missing]` of the first export metric with quality.
    fn quality(&self, s: StageIx) -> Option<[Option<i64>; 3]> {
        let ti = self.graph().stage(s).instance?;
        ti.datasetexportaudit.items().find_map(|(_, ea)| {
            let q = ea.datasetexportauditmetric.get()?.quality().ok()??;
            Some([q.valid, q.invalid, q.missing])
        })
    }

    /// Dependencies between keyed stages, as (parent key, child key), in
    /// this run's order of children.
    fn edges(&self) -> Vec<[String; 2]> {
        let g = self.graph();
        let mut out = Vec::new();
        for (key, s) in &self.order {
            let mut parents: Vec<StageIx> = g.parents(*s).collect();
            parents.sort_unstable_by_key(|&p| g.topological_position(p));
            for p in parents {
                if let Some(pk) = self.key(p) {
                    out.push([pk.to_owned(), key.clone()]);
                }
            }
        }
        out
    }

    fn side(&self) -> RunRef {
        RunRef::of(self.a)
    }
}

/// Compares the `current` run with the `baseline` run. O(V + E) in the two.
pub fn compare(
    baseline: &Analysis<'_, '_>,
    current: &Analysis<'_, '_>,
    options: DiffOptions,
) -> RunDiff {
    DiffBuilder::new(baseline, current, options).build()
}

impl Slower {
    /// Whether `current` ms is slower than `baseline` ms by these thresholds.
    fn is_slower(self, baseline: i64, current: i64) -> bool {
        current as f64 >= baseline as f64 * self.slower_ratio
            && current.saturating_sub(baseline) >= self.slower_min_ms
    }
}

/// The state of one comparison while it is built, in the style of guppy's
/// builders: both runs by key, the thresholds, and the notes so far.
struct DiffBuilder<'r, 'g, 'a> {
    base: Keyed<'r, 'g, 'a>,
    cur: Keyed<'r, 'g, 'a>,
    options: DiffOptions,
    notes: Vec<DiffNote>,
}

/// What the walk over the matched stages finds.
#[derive(Default)]
struct Matched {
    /// Every matched stage, in the current run's order.
    stages: Vec<StageDiff>,
    /// The key of the first stage whose status or error changed.
    first_divergence: Option<String>,
    rule_changes: Vec<ValueChange>,
    name_changes: Vec<ValueChange>,
    data_changes: Vec<DataChange>,
    quality: Vec<QualityChange>,
}

impl<'r, 'g, 'a> DiffBuilder<'r, 'g, 'a> {
    /// Indexes both runs by key (noting duplicate and missing keys).
    fn new(
        baseline: &'r Analysis<'g, 'a>,
        current: &'r Analysis<'g, 'a>,
        options: DiffOptions,
    ) -> Self {
        let mut notes = Vec::new();
        let base = Keyed::of(baseline, "baseline", &mut notes);
        let cur = Keyed::of(current, "current", &mut notes);
        DiffBuilder {
            base,
            cur,
            options,
            notes,
        }
    }

    /// Every part of the comparison, then the verdict on them; each part is
    /// its own method so that this reads as the list of sections.
    fn build(mut self) -> RunDiff {
        let (bs, cs) = (self.base.side(), self.cur.side());
        self.note_pair(&bs, &cs);
        let matched = self.matched(cs.status == Status::Running);

        // Stages of one run only.
        let added = Self::only_in(&self.cur, &self.base);
        let removed = Self::only_in(&self.base, &self.cur);

        let (edges_added, edges_removed) = self.edge_changes();
        let (new_root_causes, persisting_root_causes, resolved_root_causes) = self.root_causes();

        // Timing.
        let makespan_ms = Delta::of(
            Some(self.base.a.timing.makespan()),
            Some(self.cur.a.timing.makespan()),
        );
        let wall_ms = Delta::of(self.base.a.wall_time(), self.cur.a.wall_time());
        let critical_path = self.critical_path();

        let new_run_causes = self.new_run_causes();
        let Matched {
            stages,
            first_divergence,
            rule_changes,
            name_changes,
            data_changes,
            quality,
        } = matched;

        let mut diff = RunDiff {
            schema_version: SCHEMA_VERSION,
            verdict: Verdict::Unchanged,
            reason: String::new(),
            baseline: bs,
            current: cs,
            first_divergence_detail: first_divergence.as_deref().map(|k| self.root_change(k)),
            first_divergence: first_divergence.map(|k| short(&k)),
            stages,
            new_root_causes,
            resolved_root_causes,
            persisting_root_causes,
            added,
            removed,
            edges_added,
            edges_removed,
            rule_changes,
            name_changes,
            data_changes,
            makespan_ms,
            wall_ms,
            critical_path,
            quality,
            new_run_causes,
            diagnostics: self.notes,
        };
        (diff.verdict, diff.reason) = judge(&diff, self.options);
        diff
    }

    /// Notes about the pair as a whole (different pipelines, a run still
    /// going), put before the notes about stages: read before the verdict.
    fn note_pair(&mut self, bs: &RunRef, cs: &RunRef) {
        let notes = &mut self.notes;
        if bs.pipeline_id != cs.pipeline_id
            || (bs.pipeline_id.is_none() && bs.pipeline_name != cs.pipeline_name)
        {
            notes.insert(
                0,
                DiffNote {
                    kind: DiffNoteKind::DifferentPipelines,
                    detail: format!(
                        "the runs are of different pipelines ({} and {}): stages match only where their keys do",
                        bs.pipeline_name.as_deref().or(bs.pipeline_id.as_deref()).unwrap_or("unnamed"),
                        cs.pipeline_name.as_deref().or(cs.pipeline_id.as_deref()).unwrap_or("unnamed"),
                    ),
                },
            );
        }
        // A run still going may yet change: said about the pair, before the
        // verdict, like the pipelines above.
        let running: Vec<&str> = [("baseline", bs), ("current", cs)]
            .iter()
            .filter(|(_, side)| side.status == Status::Running)
            .map(|(name, _)| *name)
            .collect();
        if !running.is_empty() {
            let at = notes
                .iter()
                .take_while(|n| n.kind == DiffNoteKind::DifferentPipelines)
                .count();
            notes.insert(
                at,
                DiffNote {
                    kind: DiffNoteKind::Running,
                    detail: format!(
                        "the {} run{} still running: {} statuses and times may yet change",
                        running.join(" and the "),
                        if running.len() == 1 { " is" } else { "s are" },
                        if running.len() == 1 { "its" } else { "their" }
                    ),
                },
            );
        }
    }

    /// Matched stages, in the current run's order, with what changed about
    /// each; `current_running`: the current run is still going.
    fn matched(&self, current_running: bool) -> Matched {
        let mut m = Matched::default();
        for (key, c) in &self.cur.order {
            let Some(&b) = self.base.by_key.get(key) else {
                continue;
            };
            let (stage, diverges) = self.stage_diff(key, b, *c, current_running);
            if m.first_divergence.is_none() && diverges {
                m.first_divergence = Some(key.clone());
            }
            m.stages.push(stage);
            self.value_changes(key, b, *c, &mut m);
        }
        m
    }

    /// One matched stage's outcome, times and rows, and whether the runs
    /// diverge at it; separate from the lists of changed values.
    fn stage_diff(
        &self,
        key: &str,
        b: StageIx,
        c: StageIx,
        current_running: bool,
    ) -> (StageDiff, bool) {
        let (base, cur) = (&self.base, &self.cur);
        let (bst, cst) = (base.graph().stage(b), cur.graph().stage(c));
        let (bstat, cstat) = (bst.status(), cst.status());
        let (bfp, cfp) = (base.a.fingerprint(b), cur.a.fingerprint(c));
        let outcome = match (bstat, cstat) {
            (Status::Success, c) if c.is_failed_like() => StageChange::NewlyFailing,
            (b, Status::Success) if b.is_failed_like() => StageChange::NewlyFixed,
            (b, c) if b.is_failed_like() && c.is_failed_like() => StageChange::StillFailing,
            (Status::Success, Status::Created) if !current_running => StageChange::NewlyNotRun,
            (b, c) if b != c => StageChange::StatusChanged,
            _ => StageChange::Unchanged,
        };
        let same_error =
            (outcome == StageChange::StillFailing).then(|| bfp.is_some() && bfp == cfp);
        // Failed in both with different fingerprints (two missing ones are
        // not different), or a different status.
        let both_failed = bstat.is_failed_like() && cstat.is_failed_like();
        let diverges = bstat != cstat || (both_failed && bfp != cfp);
        let (bms, cms) = (base.ran_ms(b), cur.ran_ms(c));
        let delta = bms.zip(cms).map(|(b, c)| c.saturating_sub(b));
        let (brows, crows) = (base.rows(b), cur.rows(c));
        let rows_flagged = matches!((brows, crows), (Some(b), Some(c))
            if b > 0 && (c == 0 || c.abs_diff(b).saturating_mul(2) >= b.unsigned_abs()));
        let stage = StageDiff {
            key: short(key),
            name: cst.shown_name().map(str::to_owned),
            baseline_status: bstat,
            current_status: cstat,
            outcome,
            same_error,
            baseline_fingerprint: bfp,
            current_fingerprint: cfp,
            baseline_ms: bms,
            current_ms: cms,
            delta_ms: delta,
            // A failed attempt's time is not comparable with a finished
            // one's: only a stage that succeeded in both runs is slower.
            slower: bstat == Status::Success
                && cstat == Status::Success
                && bms
                    .zip(cms)
                    .is_some_and(|(b, c)| self.options.is_slower(b, c)),
            baseline_rows: brows,
            current_rows: crows,
            rows_flagged,
        };
        (stage, diverges)
    }

    /// A matched stage's changed trigger rule, name, data and quality,
    /// pushed onto their lists in `m`.
    fn value_changes(&self, key: &str, b: StageIx, c: StageIx, m: &mut Matched) {
        let (base, cur) = (&self.base, &self.cur);
        let (bst, cst) = (base.graph().stage(b), cur.graph().stage(c));
        let (brule, crule) = (base.rule(b), cur.rule(c));
        if brule != crule {
            m.rule_changes.push(ValueChange {
                key: short(key),
                baseline: Some(short(&brule)),
                current: Some(short(&crule)),
            });
        }
        if bst.name() != cst.name() {
            m.name_changes.push(ValueChange {
                key: short(key),
                baseline: bst.shown_name().map(str::to_owned),
                current: cst.shown_name().map(str::to_owned),
            });
        }
        let (bdata, cdata) = (base.data(b), cur.data(c));
        let (bset, cset): (HashSet<&String>, HashSet<&String>) =
            (bdata.iter().collect(), cdata.iter().collect());
        let added: Vec<String> = cdata
            .iter()
            .filter(|d| !bset.contains(d))
            .cloned()
            .collect();
        let removed: Vec<String> = bdata
            .iter()
            .filter(|d| !cset.contains(d))
            .cloned()
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            m.data_changes.push(DataChange {
                key: short(key),
                added,
                removed,
            });
        }
        let (bq, cq) = (base.quality(b), cur.quality(c));
        if bq.is_some() || cq.is_some() {
            m.quality.push(QualityChange {
                key: short(key),
                baseline: bq,
                current: cq,
            });
        }
    }

    /// The stages of `side` whose key `other` does not have, in `side`'s order.
    fn only_in(side: &Keyed<'_, '_, '_>, other: &Keyed<'_, '_, '_>) -> Vec<KeyedStage> {
        side.order
            .iter()
            .filter(|(k, _)| !other.by_key.contains_key(k))
            .map(|(k, s)| KeyedStage {
                key: short(k),
                name: side.graph().stage(*s).shown_name().map(str::to_owned),
                status: side.graph().stage(*s).status(),
            })
            .collect()
    }

    /// Dependencies of the current run only, and of the baseline only.
    fn edge_changes(&self) -> (Vec<[String; 2]>, Vec<[String; 2]>) {
        let (bedges, cedges) = (self.base.edges(), self.cur.edges());
        let (bset, cset): (HashSet<&[String; 2]>, HashSet<&[String; 2]>) =
            (bedges.iter().collect(), cedges.iter().collect());
        let shorten_edge = |e: &[String; 2]| [short(&e[0]), short(&e[1])];
        let edges_added: Vec<[String; 2]> = cedges
            .iter()
            .filter(|e| !bset.contains(e))
            .map(shorten_edge)
            .collect();
        let edges_removed: Vec<[String; 2]> = bedges
            .iter()
            .filter(|e| !cset.contains(e))
            .map(shorten_edge)
            .collect();
        (edges_added, edges_removed)
    }

    /// Root causes by key: new, persisting and resolved (in that order).
    fn root_causes(
        &self,
    ) -> (
        Vec<RootCauseChange>,
        Vec<RootCauseChange>,
        Vec<RootCauseChange>,
    ) {
        let roots = |side: &Keyed<'_, '_, '_>| -> Vec<(String, StageIx)> {
            side.a
                .root_causes()
                .iter()
                .filter_map(|&s| side.key(s).map(|k| (k.to_owned(), s)))
                .collect()
        };
        let (broots, croots) = (roots(&self.base), roots(&self.cur));
        let broot_keys: HashSet<&str> = broots.iter().map(|(k, _)| k.as_str()).collect();
        let croot_keys: HashSet<&str> = croots.iter().map(|(k, _)| k.as_str()).collect();
        let new_root_causes: Vec<RootCauseChange> = croots
            .iter()
            .filter(|(k, _)| !broot_keys.contains(k.as_str()))
            .map(|(k, _)| self.root_change(k))
            .collect();
        let persisting_root_causes: Vec<RootCauseChange> = croots
            .iter()
            .filter(|(k, _)| broot_keys.contains(k.as_str()))
            .map(|(k, _)| self.root_change(k))
            .collect();
        let resolved_root_causes: Vec<RootCauseChange> = broots
            .iter()
            .filter(|(k, _)| !croot_keys.contains(k.as_str()))
            .map(|(k, _)| self.root_change(k))
            .collect();
        (
            new_root_causes,
            persisting_root_causes,
            resolved_root_causes,
        )
    }

    /// The stage with `key` in either run, with its errors in both.
    fn root_change(&self, key: &str) -> RootCauseChange {
        let (base, cur) = (&self.base, &self.cur);
        let b = base.by_key.get(key).copied();
        let c = cur.by_key.get(key).copied();
        RootCauseChange {
            key: short(key),
            name: c
                .and_then(|c| cur.graph().stage(c).shown_name())
                .or_else(|| b.and_then(|b| base.graph().stage(b).shown_name()))
                .map(str::to_owned),
            baseline_fingerprint: b.and_then(|b| base.a.fingerprint(b)),
            current_fingerprint: c.and_then(|c| cur.a.fingerprint(c)),
            baseline_error: b.and_then(|b| base.error(b)),
            current_error: c.and_then(|c| cur.error(c)),
        }
    }

    /// Keys that joined and left the critical path.
    fn critical_path(&self) -> PathChange {
        let path_keys = |side: &Keyed<'_, '_, '_>| -> Vec<String> {
            side.a
                .timing
                .critical_path()
                .iter()
                .filter_map(|&s| side.key(s).map(str::to_owned))
                .collect()
        };
        let (bpath, cpath) = (path_keys(&self.base), path_keys(&self.cur));
        PathChange {
            joined: cpath
                .iter()
                .filter(|k| !bpath.contains(k))
                .map(|k| short(k))
                .collect(),
            left: bpath
                .iter()
                .filter(|k| !cpath.contains(k))
                .map(|k| short(k))
                .collect(),
        }
    }

    /// Run-level cause kinds of the current run that the baseline did not have.
    fn new_run_causes(&self) -> Vec<RunCauseKind> {
        let kinds = |a: &Analysis<'_, '_>| -> Vec<RunCauseKind> {
            let mut kinds: Vec<RunCauseKind> = Vec::new();
            for c in &a.run_causes {
                if !kinds.contains(&c.kind()) {
                    kinds.push(c.kind());
                }
            }
            kinds
        };
        let bkinds = kinds(self.base.a);
        kinds(self.cur.a)
            .into_iter()
            .filter(|k| !bkinds.contains(k))
            .collect()
    }
}

/// The verdict, the first that holds, and why: regressed, slower, improved,
/// changed, else unchanged. Separate because it reads only the finished diff.
fn judge(d: &RunDiff, options: DiffOptions) -> (Verdict, String) {
    if let Some(reason) = regression(d) {
        (Verdict::Regressed, reason)
    } else if let Some(reason) = slowdown(d, options) {
        (Verdict::Slower, reason)
    } else if let Some(reason) = improvement(d) {
        (Verdict::Improved, reason)
    } else if let Some(reason) = change(d) {
        (Verdict::Changed, reason)
    } else {
        (
            Verdict::Unchanged,
            "the same stages, statuses, errors and lineage, and nothing slower".to_owned(),
        )
    }
}

/// A stage's name for a person, else its key.
fn stage_name(s: &StageDiff) -> String {
    s.name.clone().unwrap_or_else(|| s.key.clone())
}

/// A root cause's name for a person, else its key.
fn cause_name(r: &RootCauseChange) -> String {
    r.name.clone().unwrap_or_else(|| r.key.clone())
}

/// Why the current run regressed, if it did: stages newly failing, new root
/// causes, stages that newly did not run, new kinds of run-level cause.
fn regression(d: &RunDiff) -> Option<String> {
    let newly_failing: Vec<&StageDiff> = d
        .stages
        .iter()
        .filter(|s| s.outcome == StageChange::NewlyFailing)
        .collect();
    let not_run: Vec<&StageDiff> = d
        .stages
        .iter()
        .filter(|s| s.outcome == StageChange::NewlyNotRun)
        .collect();
    if !newly_failing.is_empty() {
        Some(format!(
            "{} newly fail{}",
            list_names(newly_failing.iter().map(|s| stage_name(s))),
            if newly_failing.len() == 1 { "s" } else { "" }
        ))
    } else if !d.new_root_causes.is_empty() {
        Some(format!(
            "new root cause{}: {}",
            words::plural(d.new_root_causes.len()),
            list_names(d.new_root_causes.iter().map(cause_name))
        ))
    } else if !not_run.is_empty() {
        Some(format!(
            "{} succeeded before and did not run this time",
            list_names(not_run.iter().map(|s| stage_name(s)))
        ))
    } else if !d.new_run_causes.is_empty() {
        Some(format!(
            "the run was {} this time",
            d.new_run_causes
                .iter()
                .map(|k| match k {
                    RunCauseKind::QualityGate => "held back by the data-quality gate",
                    RunCauseKind::Unexplained => "failed with no stage to blame",
                    other => other.label(),
                })
                .collect::<Vec<_>>()
                .join(" and ")
        ))
    } else {
        None
    }
}

/// Why the current run is slower, if it is: stages slower, or the whole
/// run's work when both runs succeeded.
fn slowdown(d: &RunDiff, options: DiffOptions) -> Option<String> {
    let slower_stages: Vec<&StageDiff> = d.stages.iter().filter(|s| s.slower).collect();
    let both_succeeded =
        d.baseline.status == Status::Success && d.current.status == Status::Success;
    let run_slower = both_succeeded
        && d.makespan_ms
            .baseline
            .zip(d.makespan_ms.current)
            .is_some_and(|(b, c)| options.is_slower(b, c));
    if !slower_stages.is_empty() {
        Some(format!(
            "{} took at least {}× as long",
            list_names(slower_stages.iter().map(|s| stage_name(s))),
            options.slower_ratio
        ))
    } else if run_slower {
        Some(format!(
            "the run's work took {} instead of {}",
            words::human_duration(d.makespan_ms.current.unwrap_or(0)),
            words::human_duration(d.makespan_ms.baseline.unwrap_or(0))
        ))
    } else {
        None
    }
}

/// Why the current run is better, if it is: stages fixed, else root causes
/// resolved.
fn improvement(d: &RunDiff) -> Option<String> {
    let names: Vec<String> = d
        .stages
        .iter()
        .filter(|s| s.outcome == StageChange::NewlyFixed)
        .map(stage_name)
        .collect();
    if !names.is_empty() {
        Some(format!(
            "{} succeed{} again",
            list_names(names.iter().cloned()),
            if names.len() == 1 { "s" } else { "" }
        ))
    } else if !d.resolved_root_causes.is_empty() {
        Some(format!(
            "root cause{} resolved: {}",
            words::plural(d.resolved_root_causes.len()),
            list_names(d.resolved_root_causes.iter().map(cause_name))
        ))
    } else {
        None
    }
}

/// What else changed, if anything: other errors, structure, lineage, volumes.
fn change(d: &RunDiff) -> Option<String> {
    let other_error: Vec<&RootCauseChange> = d
        .persisting_root_causes
        .iter()
        .filter(|r| r.baseline_fingerprint != r.current_fingerprint)
        .collect();
    let volume_change = d.stages.iter().any(|s| s.rows_flagged);
    let mut what = Vec::new();
    if !other_error.is_empty() {
        what.push(format!(
            "{} fail{} with a different error",
            list_names(other_error.iter().map(|r| cause_name(r))),
            if other_error.len() == 1 { "s" } else { "" }
        ));
    }
    if !d.added.is_empty() || !d.removed.is_empty() {
        what.push(format!(
            "{} stage{} added, {} removed",
            d.added.len(),
            words::plural(d.added.len()),
            d.removed.len()
        ));
    }
    if !d.edges_added.is_empty() || !d.edges_removed.is_empty() || !d.rule_changes.is_empty() {
        what.push("dependencies or trigger rules changed".to_owned());
    }
    if !d.data_changes.is_empty() || !d.name_changes.is_empty() {
        what.push("the lineage changed".to_owned());
    }
    if volume_change {
        what.push("a row count fell or swung by half".to_owned());
    }
    (!what.is_empty()).then(|| what.join("; "))
}

/// `a`, `a and b`, `a, b and 3 more`.
fn list_names(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.collect();
    match names.len() {
        0 => String::new(),
        1 => format!("\"{}\"", names[0]),
        2 => format!("\"{}\" and \"{}\"", names[0], names[1]),
        n => format!("\"{}\", \"{}\" and {} more", names[0], names[1], n - 2),
    }
}
