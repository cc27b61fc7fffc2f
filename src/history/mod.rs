//! Many runs of many pipelines: which stages are flaky, which failures
//! recur, which stages are getting slower, and whether the latest failure
//! is new (`docs/semantics.md#history`).
//!
//! Two steps. [`RunFacts::of`] keeps, from one analysed run, one small owned
//! record per stage ([`StageFacts`]); the response and its bytes can then be
//! dropped. A [`HistoryBuilder`] takes the facts of any number of runs, in
//! any order, and [`HistoryBuilder::finish`] aggregates them into a
//! [`History`]: per pipeline and stage key the outcome counts, duration
//! percentiles, flips; recurring root causes; the latest run's root causes
//! with "seen before" or "new".
//!
//! # Design
//!
//! The builder is what lets a folder of thousands of runs be read in
//! bounded memory: [`add`](HistoryBuilder::add) folds a run's facts into a
//! compact per-pipeline store (a stage key is kept once per pipeline and
//! referred to by index, and runs with the same stages share one list of
//! them; a run keeps per stage only its duration and one byte of outcome
//! and status, and the fingerprints of its root causes: about nine bytes a
//! stage), and the texts are kept only where the report quotes them (the
//! last occurrence of each recurring root cause). What
//! depends on the order of runs (flips, first and last run, "seen before",
//! percentiles) is computed in [`finish`](HistoryBuilder::finish), after the
//! runs are sorted by the spec's order — `created_time`, then run id
//! compared as ids — and, where even those tie, by the source number the
//! caller gave: so the result never depends on the order in which files
//! finished. Every list is sorted by the spec's tie-breaks; hash maps are
//! only ever looked up, never iterated into output.

mod facts;

pub use facts::{FactRow, RunFacts, StageFacts, StageOutcome};

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::fingerprint::Fingerprint;
use crate::graph::compare_ids;
use crate::run_ref::RunRef;
use crate::status::Status;
use crate::SCHEMA_VERSION;

/// Where a run sits in its pipeline's history: by `created_time` (a run
/// without one first), then run id compared as ids, then the source it was
/// read from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RunOrder {
    created_ms: Option<i64>,
    run_id: Box<str>,
    source: u64,
}

impl Ord for RunOrder {
    fn cmp(&self, other: &Self) -> Ordering {
        self.created_ms
            .cmp(&other.created_ms)
            .then_with(|| compare_ids(&self.run_id, &other.run_id))
            .then_with(|| self.source.cmp(&other.source))
    }
}

impl PartialOrd for RunOrder {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A stage's outcome and status class in one byte: the outcome's index in
/// [`StageOutcome::ALL`] in the low bits, then these flags.
const OUTCOME_BITS: u8 = 0b111;
/// It ran: its duration is kept.
const RAN: u8 = 1 << 3;
/// Its status is success.
const SUCCEEDED: u8 = 1 << 4;
/// Its status is failed-like (failed, stopped, killed).
const FAILED_LIKE: u8 = 1 << 5;

fn outcome_of(flags: u8) -> StageOutcome {
    StageOutcome::ALL
        .get(usize::from(flags & OUTCOME_BITS))
        .copied()
        .unwrap_or(StageOutcome::Unknown)
}

/// `Some(true)` for success, `Some(false)` for failed-like, `None`
/// otherwise: what flips count.
fn succeeded(flags: u8) -> Option<bool> {
    if flags & SUCCEEDED != 0 {
        Some(true)
    } else if flags & FAILED_LIKE != 0 {
        Some(false)
    } else {
        None
    }
}

/// A run, as the store keeps it. A history of thousands of runs keeps one
/// of these per run, so it is small: the stage keys are not repeated in
/// each (runs of a pipeline nearly always have the same stages in the same
/// order, and share one *layout*, the key indices in order), and the
/// per-stage values live in the store's shared columns (one allocation
/// for all runs, rather than a few small ones per run left between the
/// freed pages of each parse).
#[derive(Debug)]
struct RunEntry {
    order: RunOrder,
    /// The run as the reports name it.
    run: RunRef,
    /// Index into [`PipelineStore::layouts`]: the run's stage keys.
    layout: u32,
    /// Where its stages start in [`PipelineStore::durations`] and
    /// [`PipelineStore::flags`] (as many as its layout has keys).
    stages_at: usize,
    /// Where its root causes' fingerprints start in
    /// [`PipelineStore::causes`] (as many as it has root causes).
    causes_at: usize,
}

/// A value remembered from the latest run that had one.
#[derive(Debug, Clone)]
struct Latest<T> {
    at: RunOrder,
    value: T,
}

impl<T: Ord> Latest<T> {
    /// Keeps `value` if `at` is later (ties: the larger value, so the
    /// result does not depend on the order of calls).
    fn offer(slot: &mut Option<Latest<T>>, at: &RunOrder, value: T) {
        let replace = match slot {
            None => true,
            Some(l) => match at.cmp(&l.at) {
                Ordering::Greater => true,
                Ordering::Equal => value > l.value,
                Ordering::Less => false,
            },
        };
        if replace {
            *slot = Some(Latest {
                at: at.clone(),
                value,
            });
        }
    }
}

/// A text from the latest run that had one.
type LatestText = Latest<Box<str>>;

/// A recurring root cause: stage key index and fingerprint.
type CauseGroup = (u32, Option<Fingerprint>);

/// One pipeline's store.
#[derive(Debug, Default)]
struct PipelineStore {
    keys: HashMap<Box<str>, u32>,
    /// Per key index: the key and the name it had in the latest run that
    /// named it.
    key_names: Vec<(Box<str>, Option<LatestText>)>,
    name: Option<Latest<Box<str>>>,
    runs: Vec<RunEntry>,
    /// The distinct sequences of stage keys of the runs.
    layouts: Vec<Box<[u32]>>,
    layout_ids: HashMap<Box<[u32]>, u32>,
    /// Per stage of every run: its duration, meaningful with [`RAN`].
    durations: Vec<i64>,
    /// Per stage of every run: outcome and flags.
    flags: Vec<u8>,
    /// The fingerprint of each root cause of every run, in the order the
    /// root causes come in their run's layout.
    causes: Vec<Option<Fingerprint>>,
    /// The text of the latest occurrence of each (key, fingerprint) as a
    /// root cause.
    cause_texts: HashMap<CauseGroup, Latest<Option<Box<str>>>>,
}

impl PipelineStore {
    /// A run's stages: key, flags, and duration when it ran.
    fn stages_of<'s>(
        &'s self,
        run: &RunEntry,
    ) -> impl Iterator<Item = (u32, u8, Option<i64>)> + 's {
        let layout = self.layouts.get(run.layout as usize).map_or(&[][..], |l| l);
        let at = run.stages_at;
        layout.iter().enumerate().map(move |(i, &key)| {
            let flags = self.flags.get(at + i).copied().unwrap_or(0);
            let duration =
                (flags & RAN != 0).then(|| self.durations.get(at + i).copied().unwrap_or(0));
            (key, flags, duration)
        })
    }

    fn layout(&mut self, keys: Vec<u32>) -> u32 {
        if let Some(&ix) = self.layout_ids.get(keys.as_slice()) {
            return ix;
        }
        let ix = u32::try_from(self.layouts.len()).unwrap_or(u32::MAX);
        let keys = keys.into_boxed_slice();
        self.layout_ids.insert(keys.clone(), ix);
        self.layouts.push(keys);
        ix
    }

    fn intern(&mut self, key: &str) -> u32 {
        if let Some(&ix) = self.keys.get(key) {
            return ix;
        }
        let ix = u32::try_from(self.key_names.len()).unwrap_or(u32::MAX);
        self.keys.insert(key.into(), ix);
        self.key_names.push((key.into(), None));
        ix
    }
}

/// Collects the facts of runs, in any order, and aggregates them.
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    pipelines: HashMap<Box<str>, PipelineStore>,
    analysed: usize,
    skipped: Vec<Skipped>,
    options: HistoryOptions,
}

/// The thresholds of the history: the same [`Slower`](crate::diff::Slower)
/// as run comparison's, against the stage's p50.
pub type HistoryOptions = crate::diff::Slower;

impl HistoryBuilder {
    /// An empty history with the default thresholds.
    pub fn new() -> Self {
        HistoryBuilder::default()
    }

    /// An empty history with these thresholds.
    pub fn with_options(options: HistoryOptions) -> Self {
        HistoryBuilder {
            options,
            ..HistoryBuilder::default()
        }
    }

    /// Adds the facts of one run. `source` says where it was read from, as
    /// a number: it orders runs whose created time and id tie, and nothing
    /// else (the CLI gives each file its position in path order; give
    /// distinct numbers, and the history does not depend on the order of
    /// the calls).
    pub fn add(&mut self, source: u64, facts: RunFacts) {
        self.analysed += 1;
        let store = self
            .pipelines
            .entry(facts.pipeline_id.as_str().into())
            .or_default();
        let order = RunOrder {
            created_ms: facts.run.created_ms,
            run_id: facts.run.run_id.as_deref().unwrap_or("").into(),
            source,
        };
        if let Some(name) = &facts.run.pipeline_name {
            Latest::offer(&mut store.name, &order, name.as_str().into());
        }
        let stages_at = store.durations.len();
        let causes_at = store.causes.len();
        let mut keys = Vec::with_capacity(facts.stages.len());
        for s in facts.stages {
            let key = store.intern(&s.key);
            if let Some(name) = s.name {
                let slot = &mut store.key_names[key as usize].1;
                Latest::offer(slot, &order, name.into_boxed_str());
            }
            if s.outcome == StageOutcome::RootCause {
                store.causes.push(s.fingerprint);
                let text = s.error.map(String::into_boxed_str);
                match store.cause_texts.entry((key, s.fingerprint)) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        let mut l = Some(e.get().clone());
                        Latest::offer(&mut l, &order, text);
                        if let Some(l) = l {
                            e.insert(l);
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(Latest {
                            at: order.clone(),
                            value: text,
                        });
                    }
                }
            }
            let mut f = s.outcome as u8;
            if s.duration_ms.is_some() {
                f |= RAN;
            }
            if s.status == Status::Success {
                f |= SUCCEEDED;
            } else if s.status.is_failed_like() {
                f |= FAILED_LIKE;
            }
            keys.push(key);
            store.durations.push(s.duration_ms.unwrap_or(0));
            store.flags.push(f);
        }
        let layout = store.layout(keys);
        store.runs.push(RunEntry {
            order,
            run: facts.run,
            layout,
            stages_at,
            causes_at,
        });
    }

    /// Counts a run that was analysed but is not kept (another pipeline
    /// than the one asked for).
    pub fn count_filtered(&mut self) {
        self.analysed += 1;
    }

    /// Notes a file that could not be read or analysed.
    pub fn skip(&mut self, path: impl Into<String>, error: impl Into<String>) {
        self.skipped.push(Skipped {
            path: path.into(),
            error: error.into(),
        });
    }

    /// How many runs were added.
    pub fn analysed(&self) -> usize {
        self.analysed
    }

    /// Aggregates everything added.
    pub fn finish(self) -> History {
        let options = self.options;
        let mut pipelines: Vec<(Box<str>, PipelineStore)> = self.pipelines.into_iter().collect();
        pipelines.sort_by(|a, b| compare_ids(&a.0, &b.0));
        let mut skipped = self.skipped;
        skipped.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.error.cmp(&b.error)));
        History {
            schema_version: SCHEMA_VERSION,
            analysed: self.analysed,
            pipelines: pipelines
                .into_iter()
                .map(|(id, store)| aggregate(&id, store, options))
                .collect(),
            skipped,
        }
    }
}

/// Per key, while walking the runs in order.
#[derive(Debug, Default, Clone)]
struct KeyAcc {
    runs: usize,
    counts: [usize; 6],
    durations: Vec<i64>,
    /// Whether the last run in which it was success or failed-like was a
    /// success.
    last_success: Option<bool>,
    flips: usize,
}

/// How many of a stage's last durations [`StageHistory::recent_ms`] keeps.
pub const RECENT_RUNS: usize = 30;

/// The value at rank ceil(p × n / 100), counting from 1, of an ascending
/// list; `None` for an empty one.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (n * p as usize).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// One pipeline's history from its store: the runs sorted into the spec's
/// order, then walked once, then each part of the report made from that.
fn aggregate(id: &str, mut store: PipelineStore, options: HistoryOptions) -> PipelineHistory {
    store.runs.sort_by(|a, b| a.order.cmp(&b.order));
    let Walked {
        keys,
        groups,
        latest_causes,
    } = walk_runs(&store);
    let stages = stage_histories(&store, keys, options);
    let recurring = recurring_causes(&store, groups);
    let duplicate_run_ids = duplicate_run_ids(&store);
    let latest_run = store.runs.last();

    PipelineHistory {
        pipeline_id: id.to_owned(),
        duplicate_run_ids,
        name: store.name.as_ref().map(|l| l.value.to_string()),
        runs: store.runs.len(),
        first_created_ms: store.runs.first().and_then(|r| r.order.created_ms),
        latest_created_ms: latest_run.and_then(|r| r.order.created_ms),
        stages,
        recurring_root_causes: recurring,
        latest_run: latest_run.map(|entry| LatestRun {
            run: entry.run.clone(),
            root_causes: latest_causes,
        }),
        // The latest run before the latest that succeeded: what to compare
        // a failing run with.
        last_good_run: store
            .runs
            .iter()
            .rev()
            .skip(1)
            .find(|r| r.run.status == Status::Success)
            .map(|r| r.run.clone()),
    }
}

/// What one walk over a pipeline's runs, in order, accumulates.
struct Walked {
    /// Per key index.
    keys: Vec<KeyAcc>,
    /// (key, fingerprint) → (count, first run, last run).
    groups: HashMap<CauseGroup, CauseAcc>,
    /// The latest run's root causes, each against the runs before it.
    latest_causes: Vec<LatestCause>,
}

/// Walks the sorted runs once, accumulating per key and per root-cause
/// group; separate because it is the only part that depends on run order.
fn walk_runs(store: &PipelineStore) -> Walked {
    let mut keys = vec![KeyAcc::default(); store.key_names.len()];
    // (key, fingerprint) → (count, first run, last run before the current one, last run)
    let mut groups: HashMap<CauseGroup, CauseAcc> = HashMap::new();
    let mut latest_causes = Vec::new();
    let last = store.runs.len().saturating_sub(1);
    for (r, run) in store.runs.iter().enumerate() {
        let mut fingerprints = store
            .causes
            .get(run.causes_at..)
            .unwrap_or(&[])
            .iter()
            .copied();
        for (key, flags, duration) in store.stages_of(run) {
            let outcome = outcome_of(flags);
            let k = &mut keys[key as usize];
            k.runs += 1;
            k.counts[outcome as usize] += 1;
            if let Some(d) = duration {
                k.durations.push(d);
            }
            if let Some(now) = succeeded(flags) {
                if k.last_success.is_some_and(|before| before != now) {
                    k.flips += 1;
                }
                k.last_success = Some(now);
            }
            if outcome == StageOutcome::RootCause {
                let fingerprint = fingerprints.next().flatten();
                let g = groups.entry((key, fingerprint)).or_insert(CauseAcc {
                    count: 0,
                    first: r,
                    last: r,
                });
                if r == last {
                    latest_causes.push(LatestCause {
                        key: store.key_names[key as usize].0.to_string(),
                        name: key_name(store, key),
                        fingerprint,
                        seen_before: g.count,
                        last_seen_run_id: (g.count > 0)
                            .then(|| store.runs[g.last].order.run_id.to_string()),
                        text: cause_text(store, key, fingerprint),
                    });
                }
                g.count += 1;
                g.last = r;
            }
        }
    }
    Walked {
        keys,
        groups,
        latest_causes,
    }
}

/// Each key's counts, percentiles and flips, against the latest run, sorted
/// as ids; separate as the per-stage part of the report.
fn stage_histories(
    store: &PipelineStore,
    keys: Vec<KeyAcc>,
    options: HistoryOptions,
) -> Vec<StageHistory> {
    let latest_durations: HashMap<u32, Option<i64>> = store
        .runs
        .last()
        .map(|run| store.stages_of(run).map(|(key, _, d)| (key, d)).collect())
        .unwrap_or_default();

    let mut stages: Vec<StageHistory> = keys
        .into_iter()
        .enumerate()
        .filter(|(_, k)| k.runs > 0)
        .map(|(ix, mut k)| {
            let ix = ix as u32;
            let recent_ms = k.durations[k.durations.len().saturating_sub(RECENT_RUNS)..].to_vec();
            k.durations.sort_unstable();
            let p50 = nearest_rank(&k.durations, 50);
            let latest = latest_durations.get(&ix).copied().flatten();
            let ratio = match (latest, p50) {
                (Some(l), Some(p)) if p != 0 => Some(l as f64 / p as f64),
                _ => None,
            };
            let slower = match (latest, p50, ratio) {
                (Some(l), Some(p), Some(r)) => {
                    r >= options.slower_ratio && l.saturating_sub(p) >= options.slower_min_ms
                }
                _ => false,
            };
            StageHistory {
                key: store.key_names[ix as usize].0.to_string(),
                name: key_name(store, ix),
                runs: k.runs,
                success: k.counts[StageOutcome::Success as usize],
                root_cause: k.counts[StageOutcome::RootCause as usize],
                blocked: k.counts[StageOutcome::Blocked as usize],
                not_run: k.counts[StageOutcome::NotRun as usize],
                running: k.counts[StageOutcome::Running as usize],
                unknown: k.counts[StageOutcome::Unknown as usize],
                ran: k.durations.len(),
                p50_ms: p50,
                p95_ms: nearest_rank(&k.durations, 95),
                max_ms: k.durations.last().copied(),
                latest_ms: latest,
                latest_ratio: ratio,
                slower,
                flips: k.flips,
                flaky: k.flips >= 2,
                recent_ms,
            }
        })
        .collect();
    stages.sort_by(|a, b| compare_ids(&a.key, &b.key));
    stages
}

/// The root-cause groups as the report lists them, most frequent first;
/// separate as the recurring-cause part of the report.
fn recurring_causes(
    store: &PipelineStore,
    groups: HashMap<CauseGroup, CauseAcc>,
) -> Vec<RecurringCause> {
    let mut recurring: Vec<RecurringCause> = groups
        .into_iter()
        .map(|((key, fingerprint), g)| RecurringCause {
            key: store.key_names[key as usize].0.to_string(),
            name: key_name(store, key),
            fingerprint,
            count: g.count,
            first_run_id: store.runs[g.first].order.run_id.to_string(),
            last_run_id: store.runs[g.last].order.run_id.to_string(),
            first_file: store.runs[g.first].run.file.as_deref().map(str::to_owned),
            last_file: store.runs[g.last].run.file.as_deref().map(str::to_owned),
            text: cause_text(store, key, fingerprint),
        })
        .collect();
    recurring.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| compare_ids(&a.key, &b.key))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    recurring
}

/// Run ids read from more than one file, sorted as ids; separate because
/// it is a check of the input, not an aggregate.
///
/// A run id in two files (a run saved twice, say) is two runs, as the
/// spec counts files; the report says so, since the second copy makes
/// the first look like an earlier occurrence.
fn duplicate_run_ids(store: &PipelineStore) -> Vec<String> {
    let mut ids: Vec<&str> = store
        .runs
        .iter()
        .map(|r| &*r.order.run_id)
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort_unstable_by(|a, b| compare_ids(a, b).then_with(|| a.cmp(b)));
    let mut duplicate_run_ids: Vec<String> = Vec::new();
    for pair in ids.windows(2) {
        if pair[0] == pair[1] && duplicate_run_ids.last().map(String::as_str) != Some(pair[0]) {
            duplicate_run_ids.push(pair[0].to_owned());
        }
    }
    duplicate_run_ids
}

#[derive(Debug, Clone, Copy)]
struct CauseAcc {
    count: usize,
    first: usize,
    last: usize,
}

fn key_name(store: &PipelineStore, key: u32) -> Option<String> {
    store.key_names[key as usize]
        .1
        .as_ref()
        .map(|l| l.value.to_string())
}

fn cause_text(store: &PipelineStore, key: u32, fp: Option<Fingerprint>) -> Option<String> {
    store
        .cause_texts
        .get(&(key, fp))
        .and_then(|l| l.value.as_deref())
        .map(str::to_owned)
}

/// Many runs of many pipelines, aggregated: what `history` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct History {
    /// The version of this JSON shape (`2`).
    pub schema_version: u32,
    /// How many runs were analysed (with a pipeline filter, also those of
    /// other pipelines).
    pub analysed: usize,
    /// Every pipeline, sorted by id (compared as ids).
    pub pipelines: Vec<PipelineHistory>,
    /// Files that could not be read or analysed, by path.
    pub skipped: Vec<Skipped>,
}

/// One pipeline's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PipelineHistory {
    /// `pipeline.id`, else the pipeline's name (empty when neither).
    pub pipeline_id: String,
    /// Its name in the latest run that named it.
    pub name: Option<String>,
    /// How many runs.
    pub runs: usize,
    /// The first run's `created_time`, epoch ms.
    pub first_created_ms: Option<i64>,
    /// The latest run's `created_time`, epoch ms.
    pub latest_created_ms: Option<i64>,
    /// Every stage key, sorted as ids.
    pub stages: Vec<StageHistory>,
    /// Root-cause occurrences grouped by (key, fingerprint), most first.
    pub recurring_root_causes: Vec<RecurringCause>,
    /// The latest run and whether its failures are new.
    pub latest_run: Option<LatestRun>,
    /// The latest run before the latest one that succeeded (null if none):
    /// the baseline to `diff` a failing latest run against.
    pub last_good_run: Option<RunRef>,
    /// Run ids read from more than one file, sorted as ids. Each file
    /// counts as a run (so a run saved twice is its own "earlier run");
    /// the reports warn about them.
    pub duplicate_run_ids: Vec<String>,
}

/// One stage key across the runs in which it appears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageHistory {
    /// The stage key.
    pub key: String,
    /// Its name in the latest run that named it.
    pub name: Option<String>,
    /// The runs in which the key appears.
    pub runs: usize,
    /// Runs in which it succeeded.
    pub success: usize,
    /// Runs in which it was its own culprit.
    pub root_cause: usize,
    /// Runs in which something upstream held it back.
    pub blocked: usize,
    /// Runs in which it was created and never started, nothing upstream failing.
    pub not_run: usize,
    /// Runs in which it was still running.
    pub running: usize,
    /// Runs in which its status was missing or undocumented.
    pub unknown: usize,
    /// Runs in which it ran (not running, both times known): the
    /// percentiles' population.
    pub ran: usize,
    /// Median duration (nearest rank).
    pub p50_ms: Option<i64>,
    /// 95th percentile duration (nearest rank).
    pub p95_ms: Option<i64>,
    /// Longest duration.
    pub max_ms: Option<i64>,
    /// Its duration in the pipeline's latest run, if it ran there.
    pub latest_ms: Option<i64>,
    /// `latest_ms / p50_ms` (null when either is null or p50 is 0).
    pub latest_ratio: Option<f64>,
    /// The latest duration is at least 1.5x the p50 and 30 s more.
    pub slower: bool,
    /// Success ↔ failed-like changes between consecutive runs where it was one of them.
    pub flips: usize,
    /// At least two flips.
    pub flaky: bool,
    /// Its durations in the last runs in which it ran, oldest first (at
    /// most [`RECENT_RUNS`]): what the HTML page charts. Not in the JSON,
    /// whose percentiles summarise them.
    #[serde(skip)]
    pub recent_ms: Vec<i64>,
}

/// A root cause that happened in one or more runs: same key, same fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecurringCause {
    /// The stage key.
    pub key: String,
    /// Its name in the latest run that named it.
    pub name: Option<String>,
    /// The error fingerprint (null: the stage said nothing).
    pub fingerprint: Option<Fingerprint>,
    /// In how many runs.
    pub count: usize,
    /// The first of them.
    pub first_run_id: String,
    /// The last of them.
    pub last_run_id: String,
    /// The file of the first of them.
    pub first_file: Option<String>,
    /// The file of the last of them.
    pub last_file: Option<String>,
    /// The leading failure text of the last of them.
    pub text: Option<String>,
}

/// The latest run of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LatestRun {
    /// The run: `run_id`, `status`, `pipeline_id`, `pipeline_name`,
    /// `created_ms`, `file`.
    #[serde(flatten)]
    pub run: RunRef,
    /// Its root causes in topological order, each new or seen before.
    pub root_causes: Vec<LatestCause>,
}

/// A root cause of the latest run, against the runs before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LatestCause {
    /// The stage key.
    pub key: String,
    /// Its name.
    pub name: Option<String>,
    /// The error fingerprint.
    pub fingerprint: Option<Fingerprint>,
    /// How many earlier runs had the same (key, fingerprint) as a root cause.
    pub seen_before: usize,
    /// The last of them (null: the failure is new).
    pub last_seen_run_id: Option<String>,
    /// The leading failure text.
    pub text: Option<String>,
}

/// A file that could not be read or analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    /// The file.
    pub path: String,
    /// Why.
    pub error: String,
}

impl History {
    /// Aggregates `(source, facts)` pairs, in any order: runs whose created
    /// time and id tie are ordered by their source (a path, say), which
    /// names the run's file where its facts do not already.
    pub fn of<I: IntoIterator<Item = (String, RunFacts)>>(runs: I) -> History {
        let mut b = HistoryBuilder::new();
        // Sources as numbers, in the order of their names.
        let mut runs: Vec<(String, RunFacts)> = runs.into_iter().collect();
        runs.sort_by(|a, b| a.0.cmp(&b.0));
        for (ix, (source, mut facts)) in runs.into_iter().enumerate() {
            facts.run.file.get_or_insert(source);
            b.add(ix as u64, facts);
        }
        b.finish()
    }

    /// Keeps only the pipelines whose id is `want`, or whose name (in
    /// their latest run that named them) is: a pipeline renamed over its
    /// runs is found by its current name, with all its runs.
    pub fn retain_pipeline(&mut self, want: &str) {
        self.pipelines
            .retain(|p| p.pipeline_id == want || p.name.as_deref() == Some(want));
    }

    /// The stages of `p` that are flaky, most flips first (ties: key).
    pub fn flaky(p: &PipelineHistory) -> Vec<&StageHistory> {
        let mut v: Vec<&StageHistory> = p.stages.iter().filter(|s| s.flaky).collect();
        v.sort_by(|a, b| {
            b.flips
                .cmp(&a.flips)
                .then_with(|| compare_ids(&a.key, &b.key))
        });
        v
    }

    /// The stages of `p` whose latest duration is far above their p50,
    /// largest ratio first (ties: key).
    pub fn slower(p: &PipelineHistory) -> Vec<&StageHistory> {
        let mut v: Vec<&StageHistory> = p.stages.iter().filter(|s| s.slower).collect();
        v.sort_by(|a, b| {
            b.latest_ratio
                .partial_cmp(&a.latest_ratio)
                .unwrap_or(Ordering::Equal)
                .then_with(|| compare_ids(&a.key, &b.key))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(run_id: &str, keys: &[&str]) -> RunFacts {
        RunFacts {
            pipeline_id: "p".into(),
            run: RunRef {
                run_id: Some(run_id.into()),
                status: Status::Success,
                pipeline_id: Some("p".into()),
                pipeline_name: None,
                created_ms: Some(1),
                file: None,
            },
            stages: keys
                .iter()
                .map(|k| StageFacts {
                    key: (*k).into(),
                    stage_id: (*k).into(),
                    name: None,
                    stage_type: None,
                    status: Status::Failed,
                    outcome: StageOutcome::RootCause,
                    started_ms: None,
                    completed_ms: None,
                    duration_ms: Some(i64::MAX),
                    row_count: None,
                    fingerprint: None,
                    error: None,
                })
                .collect(),
            left_out: 0,
        }
    }

    #[test]
    fn runs_with_the_same_stages_share_a_layout_and_values_survive_packing() {
        let mut b = HistoryBuilder::new();
        b.add(0, facts("1", &["a", "b"]));
        b.add(1, facts("2", &["a", "b"]));
        b.add(2, facts("3", &["b", "a", "c"]));
        let store = &b.pipelines["p"];
        assert_eq!(store.layouts.len(), 2);
        assert_eq!(store.durations.len(), 7);
        assert_eq!(store.causes.len(), 7);
        let h = b.finish();
        let a = &h.pipelines[0].stages[0];
        assert_eq!(
            (a.key.as_str(), a.runs, a.root_cause, a.max_ms),
            ("a", 3, 3, Some(i64::MAX))
        );
        for o in StageOutcome::ALL {
            assert_eq!(outcome_of(o as u8 | RAN | FAILED_LIKE), o);
        }
    }

    #[test]
    fn nearest_rank_counts_from_one() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[7], 95), Some(7));
        assert_eq!(nearest_rank(&[1, 2], 50), Some(1));
        assert_eq!(nearest_rank(&[1, 2], 95), Some(2));
        let twenty: Vec<i64> = (1..=20).collect();
        // 95 × 20 / 100 = 19 exactly: rank 19, not 20.
        assert_eq!(nearest_rank(&twenty, 95), Some(19));
        assert_eq!(nearest_rank(&twenty, 50), Some(10));
        let twenty_one: Vec<i64> = (1..=21).collect();
        // 95 × 21 / 100 = 19.95: rank 20.
        assert_eq!(nearest_rank(&twenty_one, 95), Some(20));
    }
}
