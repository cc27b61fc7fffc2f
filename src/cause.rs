//! Why the run failed: root causes, what they blocked, and the evidence.
//!
//! Every stage gets a set of *culprits*, decided in topological order (see
//! `docs/semantics.md#root-causes`): a successful stage has none; a stage
//! whose trigger rule propagates upstream failure inherits the culprits of
//! its failed or blocked parents; otherwise a failed, stopped or killed stage
//! is its own culprit. The **root causes** are the stages that are their own
//! culprit. See [`Causes`] for how this stays linear on any input.

use std::collections::VecDeque;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fingerprint::{Fingerprint, FingerprintTexts};
use crate::graph::{DataIx, LineageGraph, StageIx};
use crate::json_path::{JsonPath, Segment};
use crate::limits::{short, shorten};
use crate::model::lenient::{Sink, Walk, Walker};
use crate::model::{ExecutionStatus, JobSummary, JsonText, TaskInstance, Timestamp};

/// What a stage's culprits are, decided in one pass in topological order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Culprits {
    /// Nothing upstream held it back and it did not fail on its own.
    None,
    /// It inherits the culprits of its blocking parents.
    Inherited,
    /// It is its own culprit: a root cause.
    Own,
}

/// Culprits and root causes of a run.
///
/// # Design
///
/// Only what every command needs is computed up front, in O(V + E) time
/// and O(V) memory: whether each stage has culprits, inherits them or is
/// its own (a root cause). The culprit *sets*, and what each root cause
/// blocked, can be as large as V × (number of root causes) — a chain with a
/// failed root beside each step — so they are never built for all stages:
/// [`Causes::culprits`] walks up from one stage on demand, and
/// [`Causes::lists`] gives every root cause its lists, capped, with exact
/// counts, in one pass over the graph per 64 root causes (a 64-bit mask per
/// stage says which of them reach it).
#[derive(Debug, Clone)]
pub struct Causes {
    state: Vec<Culprits>,
    roots: Vec<StageIx>,
}

/// A culprit of a traced stage and a shortest dependency path from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CulpritPath {
    /// The culprit (a root cause).
    pub culprit: StageIx,
    /// Stages from the culprit to the traced stage, both included; when the
    /// path was cut ([`Causes::trace_within`]), its first stages then its
    /// last ones (`len` says how many the whole path has).
    pub path: Vec<StageIx>,
    /// How many stages the whole path has.
    pub len: usize,
}

impl CulpritPath {
    /// Whether `path` is the whole path.
    pub fn is_whole(&self) -> bool {
        self.path.len() == self.len
    }
}

/// Everything downstream of a stage: the stages below it in the dependency
/// graph, and the data nodes that it or any of them writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlastRadius {
    /// Descendant stages, in topological order.
    pub stages: Vec<StageIx>,
    /// Data nodes written by the stage or a descendant, in graph order.
    pub data: Vec<DataIx>,
}

/// A list kept up to a cap, with the count of every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capped<T> {
    /// The first entries, in order.
    pub items: Vec<T>,
    /// How many entries there are in all.
    pub count: usize,
}

impl<T> Default for Capped<T> {
    fn default() -> Self {
        Capped {
            items: Vec::new(),
            count: 0,
        }
    }
}

/// The lists of one root cause, each capped, each with its exact count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RootCauseLists {
    /// The stages it blocked (whose culprits include it), in topological order.
    pub blocked: Capped<StageIx>,
    /// Its descendant stages, in topological order.
    pub radius_stages: Capped<StageIx>,
    /// The data nodes it or a descendant writes, in graph order.
    pub radius_data: Capped<DataIx>,
    /// The export targets among them, in graph order.
    pub radius_exports: Capped<DataIx>,
}

impl Causes {
    /// Decides for every stage of `graph` whether it has culprits, inherits
    /// them or is its own. O(V + E).
    pub fn analyse(graph: &LineageGraph<'_>) -> Causes {
        let mut state = vec![Culprits::None; graph.stage_count()];
        let mut roots = Vec::new();
        for s in graph.topological_order() {
            let stage = graph.stage(s);
            if stage.is_success() {
                continue;
            }
            // A failed-like stage always has culprits (its own or inherited),
            // so "failed-like or has culprits" is "has culprits".
            let blocking = graph.parents(s).any(|p| state[p.index()] != Culprits::None);
            let propagates = blocking
                && stage
                    .trigger_rule
                    .propagates_failure(graph.parents(s).any(|p| graph.stage(p).is_success()));
            if propagates {
                state[s.index()] = Culprits::Inherited;
            } else if stage.is_failed_like() {
                state[s.index()] = Culprits::Own;
                roots.push(s);
            }
        }
        Causes { state, roots }
    }

    /// The stages that are their own culprit, in topological order.
    pub fn root_causes(&self) -> &[StageIx] {
        &self.roots
    }

    /// True when `stage` is a root cause.
    pub fn is_root_cause(&self, stage: StageIx) -> bool {
        self.state[stage.index()] == Culprits::Own
    }

    /// For every stage, its first culprits in topological order (at most
    /// `cap`) and whether it has more: the short list the exports give a
    /// stage that never ran.
    ///
    /// A stage that inherits takes the first of its blocking parents'
    /// lists merged, so one pass in topological order gives every stage's
    /// in O((V + E) × cap), where listing every culprit of every stage
    /// ([`Causes::culprits`] each) could be V × (root causes).
    pub fn first_culprits(&self, g: &LineageGraph<'_>, cap: usize) -> Vec<(Vec<StageIx>, bool)> {
        let mut lists: Vec<(Vec<StageIx>, bool)> = vec![(Vec::new(), false); g.stage_count()];
        for s in g.topological_order() {
            if self.is_root_cause(s) {
                lists[s.index()] = (vec![s], false);
                continue;
            }
            if !self.has_culprits(s) {
                continue;
            }
            // An inheriting stage takes its culprits from the parents that
            // have some (`culprits` walks the same parents).
            let mut merged: Vec<StageIx> = Vec::new();
            let mut more = false;
            for p in g.parents(s) {
                if !self.has_culprits(p) {
                    continue;
                }
                let (list, m) = &lists[p.index()];
                more |= *m;
                merged.extend_from_slice(list);
            }
            merged.sort_unstable_by_key(|&c| g.topological_position(c));
            merged.dedup();
            if merged.len() > cap {
                merged.truncate(cap);
                more = true;
            }
            lists[s.index()] = (merged, more);
        }
        lists
    }

    /// True when `stage` has culprits (its own, or inherited).
    pub fn has_culprits(&self, stage: StageIx) -> bool {
        self.state[stage.index()] != Culprits::None
    }

    /// The parents a stage that inherits takes its culprits from.
    fn blocking_parents<'g>(
        &'g self,
        graph: &'g LineageGraph<'_>,
        stage: StageIx,
    ) -> impl Iterator<Item = StageIx> + 'g {
        let inherits = self.state[stage.index()] == Culprits::Inherited;
        graph
            .parents(stage)
            .filter(move |&p| inherits && self.state[p.index()] != Culprits::None)
    }

    /// The culprits of `stage`, in topological order (empty for a stage that
    /// nothing upstream held back and that did not fail itself). O(V + E):
    /// a walk up through the stages it inherits from.
    pub fn culprits(&self, graph: &LineageGraph<'_>, stage: StageIx) -> Vec<StageIx> {
        let mut seen = vec![false; graph.stage_count()];
        let mut stack = vec![stage];
        seen[stage.index()] = true;
        let mut out = Vec::new();
        while let Some(s) = stack.pop() {
            if self.state[s.index()] == Culprits::Own {
                out.push(s);
            }
            for p in self.blocking_parents(graph, s) {
                if !seen[p.index()] {
                    seen[p.index()] = true;
                    stack.push(p);
                }
            }
        }
        out.sort_unstable_by_key(|&s| graph.topological_position(s));
        out
    }

    /// The stages root cause `root` blocked (whose culprits include it), in
    /// topological order: a walk down through the stages that inherit.
    /// O(V + E) for one root cause; [`lists`](Self::lists) gives every root
    /// cause's at once, capped.
    pub fn blocked(&self, graph: &LineageGraph<'_>, root: StageIx) -> Vec<StageIx> {
        if self.state[root.index()] != Culprits::Own {
            return Vec::new();
        }
        let mut seen = vec![false; graph.stage_count()];
        seen[root.index()] = true;
        let mut stack = vec![root];
        let mut out = Vec::new();
        while let Some(s) = stack.pop() {
            for c in graph.children(s) {
                if !seen[c.index()] && self.state[c.index()] == Culprits::Inherited {
                    seen[c.index()] = true;
                    out.push(c);
                    stack.push(c);
                }
            }
        }
        out.sort_unstable_by_key(|&s| graph.topological_position(s));
        out
    }

    /// Each culprit of `stage` with a shortest dependency path from it to the
    /// stage (breadth-first over parents, so O(V + E)); every path whole,
    /// which can take (culprits × path length) memory: see
    /// [`trace_within`](Self::trace_within) for a bounded answer.
    pub fn trace(&self, graph: &LineageGraph<'_>, stage: StageIx) -> Vec<CulpritPath> {
        self.trace_within(graph, stage, None, None).0
    }

    /// The first `culprits` culprits of `stage` (all with `None`), each with
    /// a shortest path from it cut to `keep` stages (its first ⌈keep/2⌉ and
    /// its last ⌊keep/2⌋: the culprit and the stage are what a path says),
    /// and how many culprits there are.
    ///
    /// # Design
    ///
    /// A thousand culprits of a stage at the end of a 100,000-stage chain
    /// have paths of 100,000 stages each. One breadth-first search gives
    /// each stage its next step toward `stage` and its distance, so a
    /// path's length is known without walking it; the start of its tail
    /// (the stage at distance ⌊keep/2⌋ − 1) is found by walking with the
    /// answers remembered, so every stage is walked at most once over all
    /// culprits. Time O(V + E + culprits × keep), memory O(V).
    pub fn trace_within(
        &self,
        graph: &LineageGraph<'_>,
        stage: StageIx,
        culprits: Option<usize>,
        keep: Option<usize>,
    ) -> (Vec<CulpritPath>, usize) {
        let all = self.culprits(graph, stage);
        let count = all.len();
        if all.is_empty() {
            return (Vec::new(), 0);
        }
        let n = graph.stage_count();
        // toward[p] = the next stage on a shortest path from p down to
        // `stage`; dist[p] = the number of steps from p to `stage`.
        let mut toward: Vec<Option<StageIx>> = vec![None; n];
        let mut dist: Vec<usize> = vec![usize::MAX; n];
        toward[stage.index()] = Some(stage);
        dist[stage.index()] = 0;
        let mut queue = VecDeque::from([stage]);
        while let Some(s) = queue.pop_front() {
            let mut parents: Vec<StageIx> = graph.parents(s).collect();
            parents.sort_unstable_by_key(|&p| graph.topological_position(p));
            for p in parents {
                if toward[p.index()].is_none() {
                    toward[p.index()] = Some(s);
                    dist[p.index()] = dist[s.index()] + 1;
                    queue.push_back(p);
                }
            }
        }
        let step = |at: StageIx| toward[at.index()].filter(|_| at != stage);
        // The stage on each walked path at distance `tail - 1` from `stage`.
        let mut tail_start: Vec<Option<StageIx>> = vec![None; n];
        let mut walked = Vec::new();
        let mut paths = Vec::new();
        let keep = keep.unwrap_or(usize::MAX);
        for culprit in all.into_iter().take(culprits.unwrap_or(usize::MAX)) {
            // A culprit reaches `stage` (that is what makes it one); a
            // missing step ends the path where it is, all the same.
            let len = dist[culprit.index()].saturating_add(1).min(n);
            let mut path = Vec::with_capacity(len.min(keep));
            let head = if len <= keep { len } else { keep - keep / 2 };
            let mut at = Some(culprit);
            while let Some(s) = at.filter(|_| path.len() < head) {
                path.push(s);
                at = step(s);
            }
            if len > keep && keep / 2 > 0 {
                let tail = keep / 2;
                // Walk to the tail's first stage, remembering the answer
                // for every stage passed.
                let mut s = culprit;
                let found = loop {
                    if dist[s.index()] < tail {
                        break Some(s);
                    }
                    if let Some(t) = tail_start[s.index()] {
                        break Some(t);
                    }
                    walked.push(s);
                    match step(s) {
                        Some(next) => s = next,
                        None => break None,
                    }
                };
                for w in walked.drain(..) {
                    tail_start[w.index()] = found;
                }
                let mut at = found;
                while let Some(s) = at {
                    path.push(s);
                    at = step(s);
                }
            }
            paths.push(CulpritPath { culprit, path, len });
        }
        (paths, count)
    }

    /// For every root cause (in [`root_causes`](Self::root_causes) order),
    /// the stages it blocked and its blast radius, each kept up to `cap`
    /// entries (all with `None`) and counted exactly.
    ///
    /// One pass per 64 root causes over what they reach (their descendants,
    /// the dependencies between them and what they write): each stage
    /// carries a 64-bit mask of the root causes of the batch that reach it
    /// (blocked: along inherited culprits; radius: along every dependency),
    /// and the counts are added up 64 at a time in bit-sliced counters.
    /// Memory O(V + D), whatever the number of root causes; time at most
    /// O((V + E) log V) per 64 root causes, and O(what they reach) when they
    /// reach little.
    pub fn lists(&self, graph: &LineageGraph<'_>, cap: Option<usize>) -> Vec<RootCauseLists> {
        self.lists_iter(graph, cap).collect()
    }

    /// [`lists`](Self::lists), one root cause at a time, computed 64 at a
    /// time as they are taken: what a streaming writer needs to keep only
    /// 64 root causes' lists in memory at once.
    pub fn lists_iter<'c, 'g, 'a>(
        &'c self,
        graph: &'g LineageGraph<'a>,
        cap: Option<usize>,
    ) -> ListsIter<'c, 'g, 'a> {
        let n = graph.stage_count();
        // Who writes what, packed once: writes[offsets[s]..offsets[s + 1]].
        let mut offsets = Vec::with_capacity(n + 1);
        let mut writes: Vec<DataIx> = Vec::new();
        offsets.push(0);
        for s in graph.stage_indices() {
            writes.extend(graph.writes(s));
            offsets.push(writes.len());
        }
        ListsIter {
            causes: self,
            graph,
            cap,
            offsets,
            writes,
            blocked: vec![0; n],
            below: vec![0; n],
            data: vec![0; graph.data_nodes().len()],
            visited: vec![false; n],
            next_batch: 0,
            pending: std::collections::VecDeque::new(),
        }
    }
}

/// See [`Causes::lists_iter`].
pub struct ListsIter<'c, 'g, 'a> {
    causes: &'c Causes,
    graph: &'g LineageGraph<'a>,
    cap: Option<usize>,
    offsets: Vec<usize>,
    writes: Vec<DataIx>,
    blocked: Vec<u64>,
    below: Vec<u64>,
    data: Vec<u64>,
    visited: Vec<bool>,
    next_batch: usize,
    pending: std::collections::VecDeque<RootCauseLists>,
}

impl std::fmt::Debug for ListsIter<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListsIter")
            .field("next_batch", &self.next_batch)
            .finish_non_exhaustive()
    }
}

impl Iterator for ListsIter<'_, '_, '_> {
    type Item = RootCauseLists;

    fn next(&mut self) -> Option<RootCauseLists> {
        if self.pending.is_empty() {
            let causes = self.causes;
            let roots = causes.roots.chunks(64).nth(self.next_batch)?;
            self.next_batch += 1;
            let lists = self.batch(roots);
            self.pending.extend(lists);
        }
        self.pending.pop_front()
    }
}

impl ListsIter<'_, '_, '_> {
    /// The lists of up to 64 root causes, in one pass over what they reach.
    fn batch(&mut self, roots: &[StageIx]) -> Vec<RootCauseLists> {
        let cap = self.cap;
        let mut out = vec![RootCauseLists::default(); roots.len()];
        let lists = &mut out[..];
        // Only what the batch's root causes reach is visited (and reset
        // after): a run of many isolated failures costs what it holds.
        let mut region: Vec<StageIx> = roots.to_vec();
        for &r in roots {
            self.visited[r.index()] = true;
        }
        let mut stack = region.clone();
        while let Some(s) = stack.pop() {
            for c in self.graph.children(s) {
                if !self.visited[c.index()] {
                    self.visited[c.index()] = true;
                    region.push(c);
                    stack.push(c);
                }
            }
        }
        region.sort_unstable_by_key(|&s| self.graph.topological_position(s));
        for (bit, &r) in roots.iter().enumerate() {
            self.blocked[r.index()] = 1 << bit;
        }
        let mut touched: Vec<DataIx> = Vec::new();
        // Lanes whose list is full are only counted, 64 at a time.
        let (mut full_blocked, mut full_stages) = (0u64, 0u64);
        let (mut count_blocked, mut count_stages) = (Lanes::default(), Lanes::default());
        for &s in &region {
            let own = if self.causes.state[s.index()] == Culprits::Own {
                self.blocked[s.index()]
            } else {
                0
            };
            let mut inherited = 0u64;
            for p in self.causes.blocking_parents(self.graph, s) {
                inherited |= self.blocked[p.index()];
            }
            let mut reach = 0u64;
            for p in self.graph.parents(s) {
                reach |= self.below[p.index()];
                if self.causes.state[p.index()] == Culprits::Own {
                    reach |= self.blocked[p.index()];
                }
            }
            self.blocked[s.index()] = own | inherited;
            self.below[s.index()] = reach;
            count_blocked.add(inherited);
            count_stages.add(reach);
            push_lanes(lists, inherited, &mut full_blocked, cap, s, |l| {
                &mut l.blocked.items
            });
            push_lanes(lists, reach, &mut full_stages, cap, s, |l| {
                &mut l.radius_stages.items
            });
            let writers = own | reach;
            if writers != 0 {
                for &w in &self.writes[self.offsets[s.index()]..self.offsets[s.index() + 1]] {
                    if self.data[w.index()] == 0 {
                        touched.push(w);
                    }
                    self.data[w.index()] |= writers;
                }
            }
        }
        for (bit, list) in lists.iter_mut().enumerate() {
            list.blocked.count = count_blocked.get(bit);
            list.radius_stages.count = count_stages.get(bit);
            // A cap of 0 keeps counts only.
            list.blocked.items.truncate(cap.unwrap_or(usize::MAX));
            list.radius_stages.items.truncate(cap.unwrap_or(usize::MAX));
        }
        touched.sort_unstable();
        let (mut full_data, mut full_exports) = (0u64, 0u64);
        let (mut count_data, mut count_exports) = (Lanes::default(), Lanes::default());
        for &w in &touched {
            let mask = self.data[w.index()];
            let export = self.graph.data_node(w).kind == crate::graph::DataKind::ExportTarget;
            count_data.add(mask);
            push_lanes(lists, mask, &mut full_data, cap, w, |l| {
                &mut l.radius_data.items
            });
            if export {
                count_exports.add(mask);
                push_lanes(lists, mask, &mut full_exports, cap, w, |l| {
                    &mut l.radius_exports.items
                });
            }
            self.data[w.index()] = 0;
        }
        for (bit, list) in lists.iter_mut().enumerate() {
            list.radius_data.count = count_data.get(bit);
            list.radius_exports.count = count_exports.get(bit);
            list.radius_data.items.truncate(cap.unwrap_or(usize::MAX));
            list.radius_exports
                .items
                .truncate(cap.unwrap_or(usize::MAX));
        }
        for &s in &region {
            self.blocked[s.index()] = 0;
            self.below[s.index()] = 0;
            self.visited[s.index()] = false;
        }
        out
    }
}

/// 64 counters side by side, bit-sliced: plane `i` holds bit `i` of every
/// lane's count, so adding a mask of 64 increments costs a few word
/// operations, not one per set bit.
#[derive(Default)]
struct Lanes {
    planes: Vec<u64>,
}

impl Lanes {
    /// Adds 1 to every lane whose bit is set in `mask`.
    fn add(&mut self, mut carry: u64) {
        for plane in &mut self.planes {
            if carry == 0 {
                return;
            }
            let next = *plane & carry;
            *plane ^= carry;
            carry = next;
        }
        if carry != 0 {
            self.planes.push(carry);
        }
    }

    /// The count of lane `lane`.
    fn get(&self, lane: usize) -> usize {
        self.planes
            .iter()
            .enumerate()
            .map(|(i, plane)| (((plane >> lane) & 1) as usize) << i)
            .sum()
    }
}

/// Appends `item` to the list `pick` chooses of every root cause in `mask`
/// whose list is not full yet (marking in `full` those it fills to `cap`).
fn push_lanes<T: Copy>(
    lists: &mut [RootCauseLists],
    mask: u64,
    full: &mut u64,
    cap: Option<usize>,
    item: T,
    pick: impl Fn(&mut RootCauseLists) -> &mut Vec<T>,
) {
    for_each_bit(mask & !*full, |bit| {
        let list = pick(&mut lists[bit]);
        list.push(item);
        if cap.is_some_and(|c| list.len() >= c) {
            *full |= 1 << bit;
        }
    });
}

/// Calls `f` with the index of every set bit of `mask`.
fn for_each_bit(mut mask: u64, mut f: impl FnMut(usize)) {
    while mask != 0 {
        f(mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// Every stage downstream of `stage` and every data node that it or one of
/// them writes. O(V + E) for one stage (use [`Causes::lists`] for all root
/// causes at once).
pub(crate) fn blast_radius(graph: &LineageGraph<'_>, stage: StageIx) -> BlastRadius {
    let mut seen = vec![false; graph.stage_count()];
    seen[stage.index()] = true;
    let mut stack = vec![stage];
    let mut radius = BlastRadius::default();
    let mut data = std::collections::BTreeSet::new();
    while let Some(s) = stack.pop() {
        data.extend(graph.writes(s));
        for c in graph.children(s) {
            if !seen[c.index()] {
                seen[c.index()] = true;
                radius.stages.push(c);
                stack.push(c);
            }
        }
    }
    radius
        .stages
        .sort_unstable_by_key(|&s| graph.topological_position(s));
    radius.data = data.into_iter().collect();
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

impl EvidenceText {
    /// The text as a person reads it: a failed stream entry (quoted in
    /// JSON as written) as its error message and the stream's name; any
    /// other text as it is.
    pub fn shown(&self) -> Cow<'_, str> {
        shown(&self.text, self.kind, &self.path)
    }
}

/// [`EvidenceText::shown`] of a text not (yet) gathered.
fn shown<'t>(text: &'t str, kind: EvidenceKind, path: &JsonPath) -> Cow<'t, str> {
    if kind != EvidenceKind::Stream {
        return Cow::Borrowed(text);
    }
    let Ok(serde_json::Value::Object(entry)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return Cow::Borrowed(text);
    };
    let said = ["error_message", "message", "error"].iter().find_map(|k| {
        entry
            .get(*k)
            .and_then(|v| v.as_str())
            .filter(|m| !m.is_empty())
    });
    let name = ["name", "stream_name", "catalog_stream_id"]
        .iter()
        .find_map(|k| entry.get(*k).and_then(|v| v.as_str()))
        .map(str::to_owned)
        .or_else(|| match path.segments().last() {
            Some(Segment::Index(i)) => Some(format!("#{i}")),
            Some(other) => other.key().map(str::to_owned),
            None => None,
        });
    match (said, name) {
        (Some(said), Some(name)) => Cow::Owned(format!("{said} (stream {name})")),
        (Some(said), None) => Cow::Owned(said.to_owned()),
        _ => Cow::Borrowed(text),
    }
}

/// How specific a failure text is, lower first (see [`headline`]).
///
/// A stage's own `message` is usually a generic summary ("Transform failed
/// after 1 retry"); what went wrong is in an audit or its state ("Rule 7
/// (Merge columns): column 'order_total' not found…"). So texts rank: an
/// `error_message` inside an audit or a state first, then a failed stream
/// entry, then any other text inside an audit, then the stage's own
/// `error_message`, then its own `message`; within a rank the longer shown
/// text first (more specific), then document order.
fn rank(path: &JsonPath, kind: EvidenceKind, instance_depth: usize) -> u8 {
    let nested = path.len() > instance_depth + 1;
    let error = path.last_key() == Some("error_message");
    match (kind, nested, error) {
        (EvidenceKind::Message, true, true) => 0,
        // One failed stream among several: specific, but the audit's own
        // error says what the import as a whole ran into.
        (EvidenceKind::Stream, _, _) => 1,
        (_, true, false) => 2,
        (_, false, true) => 3,
        _ => 4,
    }
}

/// The most specific of a stage's failure texts, gathered already: the one
/// a person should read first (the ranking of [`Evidence::headline`]).
/// `instance_depth` is the length of the stage's task instance's path.
pub fn headline(texts: &[EvidenceText], instance_depth: usize) -> Option<&EvidenceText> {
    texts
        .iter()
        .enumerate()
        .min_by_key(|(i, t)| headline_key(&t.path, &t.text, t.kind, instance_depth, *i))
        .map(|(_, t)| t)
}

/// How a candidate headline sorts: rank, longer shown text, document order.
type HeadlineKey = (u8, std::cmp::Reverse<usize>, usize);

/// The sort key of the text at position `at`: the one ranking of
/// [`headline`] and of evidence gathered one text at a time.
fn headline_key(
    path: &JsonPath,
    text: &str,
    kind: EvidenceKind,
    instance_depth: usize,
    at: usize,
) -> HeadlineKey {
    (
        rank(path, kind, instance_depth),
        std::cmp::Reverse(shown(text, kind, path).chars().count()),
        at,
    )
}

/// What the response says about a failed stage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Evidence {
    /// Every non-empty `message` / `error_message` string inside the stage's
    /// task instance, at any depth, then every `streams_info` entry whose
    /// status is not `SUCCESS` (its whole entry as JSON text): the first
    /// of them when gathered with a cap (see `count`).
    pub texts: Vec<EvidenceText>,
    /// How many failure texts there are.
    pub count: usize,
    /// The most specific of them, the one a person should read first (see
    /// [`headline`]); `None` when there is none.
    pub headline: Option<EvidenceText>,
    /// The error fingerprint: the messages (not the stream entries),
    /// normalised and hashed; `None` when the stage has no message.
    pub fingerprint: Option<Fingerprint>,
    /// `retry_count`.
    pub retry_count: Option<i64>,
    /// `operator_id`.
    pub operator_id: Option<String>,
    /// Data nodes the stage reads.
    pub reads: Vec<DataIx>,
    /// Data nodes the stage writes.
    pub writes: Vec<DataIx>,
}

/// Gathers a stage's failure texts one at a time: keeps the first `cap`,
/// counts them all, keeps the best headline and the fingerprint's texts. So
/// a stage with 200,000 failed streams costs memory for the ones shown, not
/// for every path.
struct Gather {
    cap: usize,
    depth: usize,
    texts: Vec<EvidenceText>,
    count: usize,
    /// The best headline so far, with its sort key.
    best: Option<(HeadlineKey, EvidenceText)>,
    fingerprint: FingerprintTexts,
}

impl Gather {
    fn offer(&mut self, path: &JsonPath, text: &str, kind: EvidenceKind) {
        let at = self.count;
        self.count += 1;
        if kind == EvidenceKind::Message {
            self.fingerprint.add(text);
        }
        let make = || EvidenceText {
            path: path.clone(),
            text: text.to_owned(),
            kind,
        };
        // A text of a worse rank cannot win: its shown text (a JSON parse
        // for a stream entry) is not needed.
        let may_win = self
            .best
            .as_ref()
            .is_none_or(|(best, _)| rank(path, kind, self.depth) <= best.0);
        if may_win {
            let key = headline_key(path, text, kind, self.depth, at);
            if self.best.as_ref().is_none_or(|(best, _)| key < *best) {
                self.best = Some((key, make()));
            }
        }
        if self.texts.len() < self.cap {
            self.texts.push(make());
        }
    }
}

impl Sink for Gather {
    fn text(&mut self, path: &JsonPath, key: &str, text: &str) {
        if crate::model::lenient::is_message_key(key) && !text.is_empty() {
            self.offer(path, text, EvidenceKind::Message);
        }
    }
}

/// Collects the evidence of `stage` (normally a root cause), keeping the
/// first `cap` texts (all with `None`).
pub(crate) fn evidence(graph: &LineageGraph<'_>, stage: StageIx, cap: Option<usize>) -> Evidence {
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
    let mut gather = Gather {
        cap: cap.unwrap_or(usize::MAX),
        depth: base.len(),
        texts: Vec::new(),
        count: 0,
        best: None,
        fingerprint: FingerprintTexts::default(),
    };
    let mut walker = Walker {
        path: base.clone(),
        sink: &mut gather,
        into_lazy: true,
    };
    ti.walk(&mut walker);
    failed_streams(ti, &base, &mut gather);
    ev.texts = gather.texts;
    ev.count = gather.count;
    ev.headline = gather.best.map(|(_, t)| t);
    ev.fingerprint = gather.fingerprint.finish();
    ev.retry_count = ti.retry_count.value().map(|r| r.0);
    ev.operator_id = ti.operator_id.get().map(|o| o.as_str().to_owned());
    ev
}

/// The error fingerprint of `stage`: its messages alone, without paths,
/// streams or data, for comparing many stages cheaply.
pub(crate) fn fingerprint(graph: &LineageGraph<'_>, stage: StageIx) -> Option<Fingerprint> {
    struct Texts(FingerprintTexts);
    impl Sink for Texts {
        fn text(&mut self, _: &JsonPath, key: &str, text: &str) {
            if crate::model::lenient::is_message_key(key) && !text.is_empty() {
                self.0.add(text);
            }
        }
    }
    let ti = graph.stage(stage).instance?;
    let mut sink = Texts(FingerprintTexts::default());
    let mut walker = Walker {
        // Paths are not needed for a fingerprint, only the texts.
        path: JsonPath::new(),
        sink: &mut sink,
        into_lazy: true,
    };
    ti.walk(&mut walker);
    sink.0.finish()
}

/// `streams_info` entries whose status is not `SUCCESS`, from every datasource
/// audit of the instance; an undecodable `streams_info` is kept as its text.
fn failed_streams(ti: &TaskInstance, base: &JsonPath, out: &mut Gather) {
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
    for (path, audit) in audits {
        let mut path = path.with_field("streams_info");
        match audit.streams() {
            Ok(Some(streams)) => {
                for stream in streams.0.iter().filter(|s| s.is_failed()) {
                    let step = match stream.position {
                        Some(i) => Segment::Index(i),
                        None => Segment::Key(stream.key.as_str().into()),
                    };
                    path.push(step);
                    out.offer(&path, &stream.text, EvidenceKind::Stream);
                    path.pop();
                }
            }
            Ok(None) => {}
            Err(e) => {
                let raw = audit
                    .streams_info
                    .get()
                    .map(JsonText::text)
                    .unwrap_or_default();
                out.offer(&path, &format!("{raw} ({e})"), EvidenceKind::Stream);
            }
        }
    }
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
                    Some(email) => format!("{} <{}>", shorten(name), shorten(email)),
                    None => short(name),
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
                    .map(|n| short(n.as_str()));
                out.push(RunCause::QualityGate {
                    stage: short(s.id),
                    name: s.name().map(short),
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
