//! What a lineage diagram shows, independent of the language it is drawn in.
//!
//! The DOT and Mermaid writers draw the same picture; this module decides it
//! once: which nodes (stages only, or stages with their data), in what order
//! (stages in topological order, then data nodes by kind and first mention),
//! with what label lines, status and marks (root cause, blocked, critical
//! path), and which edges — of the whole run, or of the part a [`Focus`]
//! keeps. Node names in the output are generated (`s0`, `d0`, `m0`), never
//! taken from the input.
//!
//! # Design: a diagram stays readable
//!
//! Graphviz did not finish a 10,000-stage run in five minutes, and Mermaid
//! draws an error past 50,000 characters. So a focused diagram draws at most
//! [`MAX_STAGES`] stages (SPEC §5): `Focus::Failure` keeps the root causes,
//! their parents and, round-robin, each root cause's first blocked stages
//! (topological order) until the budget is spent; what is left of each root
//! cause's blocked stages is drawn as one dashed node, "… and N more blocked
//! stages", with its exact count. `Focus::Stage` keeps the stage (marked),
//! then its nearest ancestors and descendants, the rest collapsed likewise.
//! The exact counts come from one forward pass over the graph per 64 root
//! causes drawn (a bit per root cause), so the whole is O(V + E) per 64.
//! A whole-run diagram (`Focus::All`) is drawn whole when asked for; the CLI
//! warns when it is over the cap, and [`DiagramOptions::max_stages`] caps it
//! too (the first stages in topological order) where a diagram is embedded.

use crate::analysis::Analysis;
use crate::graph::{DataKind, EdgeKind, LineageGraph, Node, StageIx};
use crate::limits::short;
use crate::status::Status;
use crate::words::human_duration;

/// Which nodes a diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Stages and their dependencies.
    #[default]
    Stages,
    /// Stages with the sources, datasets and export targets they touch.
    Lineage,
}

/// The shape family of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A stage.
    Stage,
    /// A data node of this kind.
    Data(DataKind),
    /// "… and N more": stages or data nodes the budget left out.
    Collapsed,
}

/// Which part of the run a diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// Every stage.
    #[default]
    All,
    /// What the failure touched: the root causes, their parents (what fed
    /// them) and the stages they blocked (the first of them, within the
    /// budget; the rest collapsed).
    Failure,
    /// One stage (marked) with its ancestors and descendants (the nearest,
    /// within the budget; the rest collapsed).
    Stage(StageIx),
}

/// How many stages a diagram draws by default (SPEC §5): past this, Graphviz
/// takes minutes and nobody reads the picture.
pub const MAX_STAGES: usize = crate::limits::DIAGRAM_MAX_STAGES;

/// What to draw: the view, the focus and the stage budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiagramOptions {
    /// Stages only, or with their data.
    pub view: View,
    /// The part of the run.
    pub focus: Focus,
    /// At most this many stages (and this many data nodes), the rest
    /// collapsed into "… and N more" nodes; `None` draws everything.
    pub max_stages: Option<usize>,
}

impl DiagramOptions {
    /// `view` and `focus` within the default budget ([`MAX_STAGES`]).
    pub fn new(view: View, focus: Focus) -> Self {
        DiagramOptions {
            view,
            focus,
            max_stages: Some(MAX_STAGES),
        }
    }

    /// What the DOT and Mermaid subcommands draw when asked for `focus`: a
    /// focused diagram within the budget, a whole-run diagram whole.
    pub fn as_asked(view: View, focus: Focus) -> Self {
        DiagramOptions {
            view,
            focus,
            max_stages: (focus != Focus::All).then_some(MAX_STAGES),
        }
    }
}

/// One node of a diagram.
#[derive(Debug, Clone)]
pub struct DiagramNode {
    /// Generated name: `s0`, `s1`, … for stages; `d0`, … for data.
    pub name: String,
    /// Label lines, unescaped (the writers escape).
    pub lines: Vec<String>,
    /// The node's outcome.
    pub status: Status,
    /// Shape family.
    pub shape: Shape,
    /// How many stages (or data nodes) this node stands for when it is a
    /// collapsed "… and N more" node; 0 for a real node.
    pub collapsed: usize,
    /// The stage `--focus STAGE` is about.
    pub focused: bool,
    /// A root cause of the run.
    pub root_cause: bool,
    /// Blocked: it has culprits upstream (it never ran, or failed, because
    /// of them).
    pub blocked: bool,
    /// A placeholder for an id no task instance has.
    pub placeholder: bool,
    /// On the critical path.
    pub critical: bool,
    /// The stage it draws (`None` for data and collapsed nodes): what lets
    /// an interactive picture link a node to the same stage elsewhere.
    pub stage: Option<StageIx>,
}

/// One edge of a diagram, between positions in [`Diagram::nodes`].
#[derive(Debug, Clone, Copy)]
pub struct DiagramEdge {
    /// Source node position.
    pub from: usize,
    /// Target node position.
    pub to: usize,
    /// What the edge means.
    pub kind: EdgeKind,
    /// Both ends are consecutive on the critical path.
    pub critical: bool,
    /// It leads to or from a collapsed node (drawn dashed).
    pub collapsed: bool,
}

/// A diagram ready to be written.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// Title: the run and its outcome.
    pub title: String,
    /// Nodes: stages in topological order, then data nodes.
    pub nodes: Vec<DiagramNode>,
    /// Edges, sorted by (from, to).
    pub edges: Vec<DiagramEdge>,
    /// How many stages the run has (the diagram may draw fewer).
    pub run_stages: usize,
    /// How many stages the diagram draws.
    pub drawn_stages: usize,
}

/// A collapsed node: `count` stages left out, attached to `anchor`.
struct Collapsed {
    anchor: Option<StageIx>,
    count: usize,
    what: &'static str,
    /// The edge goes from the collapsed node to its anchor (upstream stages).
    upstream: bool,
}

/// The stages a focus keeps, and what it left out.
struct Selection {
    keep: Vec<bool>,
    collapsed: Vec<Collapsed>,
}

/// What [`blocked_by`] finds for one root cause.
#[derive(Clone, Default)]
struct Blocked {
    /// Its first blocked stages, in topological order (up to the cap).
    first: Vec<StageIx>,
    /// How many stages it blocked.
    count: usize,
    /// How many of them `drawn` holds.
    drawn: usize,
    /// The last of them (topological order) that `drawn` holds.
    last_drawn: Option<StageIx>,
}

/// For each of `roots` (root causes), its first `cap` blocked stages in
/// topological order, how many it blocked, and how many of those `drawn`
/// marks: one forward pass per 64 root causes, a bit for each (a blocked
/// stage inherits the bits of its parents that have culprits, as
/// [`crate::cause::Causes::culprits`] walks).
fn blocked_by(
    a: &Analysis<'_, '_>,
    roots: &[StageIx],
    cap: usize,
    drawn: Option<&[bool]>,
) -> Vec<Blocked> {
    let g = a.graph;
    let mut out: Vec<Blocked> = Vec::with_capacity(roots.len());
    let mut bits = vec![0u64; g.stage_count()];
    for chunk in roots.chunks(64) {
        bits.iter_mut().for_each(|b| *b = 0);
        for (i, &r) in chunk.iter().enumerate() {
            bits[r.index()] = 1 << i;
        }
        let mut lists = vec![Blocked::default(); chunk.len()];
        for &s in a.order.stages() {
            if !a.causes.has_culprits(s) || a.causes.is_root_cause(s) {
                continue;
            }
            let mut mask = 0u64;
            for p in g.parents(s) {
                mask |= bits[p.index()];
            }
            bits[s.index()] = mask;
            let is_drawn = drawn.is_some_and(|d| d[s.index()]);
            while mask != 0 {
                let i = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let b = &mut lists[i];
                if b.first.len() < cap {
                    b.first.push(s);
                }
                b.count += 1;
                if is_drawn {
                    b.drawn += 1;
                    b.last_drawn = Some(s);
                }
            }
        }
        out.extend(lists);
    }
    out
}

/// Stages reached from `from` through parents (`up`) or children, nearest
/// first (breadth first; ties in the graph's adjacency order). O(V + E).
fn reached(a: &Analysis<'_, '_>, from: StageIx, up: bool) -> Vec<StageIx> {
    let g = a.graph;
    let mut seen = vec![false; g.stage_count()];
    seen[from.index()] = true;
    let mut order = vec![from];
    let mut at = 0;
    while at < order.len() {
        let s = order[at];
        at += 1;
        let next: Vec<StageIx> = if up {
            g.parents(s).collect()
        } else {
            g.children(s).collect()
        };
        for m in next {
            if !seen[m.index()] {
                seen[m.index()] = true;
                order.push(m);
            }
        }
    }
    order.remove(0);
    order
}

/// At most this many edges in a diagram drawn within its budget: Mermaid
/// refuses a chart of 500 edges or more (its `maxEdges`), and the collapsed
/// nodes' edges (at most one per root cause drawn, of which at most half the
/// stage budget) come on top of these.
pub const MAX_EDGES: usize = 300;

/// How many edges the stages `keep` marks would draw in `view` (data edges
/// counted for every data node a kept stage touches: an upper bound).
fn edges_among(a: &Analysis<'_, '_>, keep: &[bool], view: View) -> usize {
    a.graph
        .edges()
        .filter(|&(from, to, _)| match (from, to) {
            (Node::Stage(f), Node::Stage(t)) => keep[f.index()] && keep[t.index()],
            (Node::Stage(s), Node::Data(_)) | (Node::Data(_), Node::Stage(s)) => {
                view == View::Lineage && keep[s.index()]
            }
            _ => false,
        })
        .count()
}

/// The stages a focus keeps within `budget` stages (and [`MAX_EDGES`]
/// edges), and the collapsed rest.
///
/// Each focus lists the stages it wants, most wanted first; the longest
/// prefix of that list within both budgets is drawn (the edge budget found
/// by bisection, O((V + E) log budget)), and what was left out is counted
/// exactly from what was drawn.
fn select(a: &Analysis<'_, '_>, focus: Focus, view: View, budget: Option<usize>) -> Selection {
    let Some(cap) = budget else {
        // Everything the focus touches, nothing collapsed.
        return Selection {
            keep: touched(a, focus),
            collapsed: Vec::new(),
        };
    };

    // The stages wanted, most wanted first (no stage twice).
    let mut wanted = Wanted {
        keep: vec![false; a.graph.stage_count()],
        list: Vec::new(),
        cap,
    };
    let mut up = Vec::new();
    let mut down = Vec::new();
    match focus {
        Focus::All => {
            for &s in a.order.stages().iter().take(cap) {
                wanted.want(s);
            }
        }
        Focus::Failure => wanted.failure(a),
        Focus::Stage(stage) => (up, down) = wanted.around(a, stage),
    }
    wanted.fit_edges(a, view);
    let collapsed = left_out(a, focus, &wanted.keep, &up, &down);
    Selection {
        keep: wanted.keep,
        collapsed,
    }
}

/// Every stage `focus` touches, for a diagram without a budget: the
/// unbudgeted case of [`select`], which needs no ranking.
fn touched(a: &Analysis<'_, '_>, focus: Focus) -> Vec<bool> {
    let g = a.graph;
    let mut keep = vec![false; g.stage_count()];
    match focus {
        Focus::All => keep.iter_mut().for_each(|k| *k = true),
        Focus::Failure => {
            for s in g.stage_indices() {
                if a.causes.has_culprits(s) {
                    keep[s.index()] = true;
                }
                if a.causes.is_root_cause(s) {
                    for p in g.parents(s) {
                        keep[p.index()] = true;
                    }
                }
            }
        }
        Focus::Stage(stage) => {
            keep[stage.index()] = true;
            for s in reached(a, stage, true)
                .into_iter()
                .chain(reached(a, stage, false))
            {
                keep[s.index()] = true;
            }
        }
    }
    keep
}

/// The stages a budgeted focus wants, most wanted first, and which of them
/// are kept: the state [`select`] builds before it counts what is left out.
struct Wanted {
    /// Per stage: kept.
    keep: Vec<bool>,
    /// The kept stages, most wanted first (no stage twice).
    list: Vec<StageIx>,
    /// The stage budget.
    cap: usize,
}

impl Wanted {
    /// Keeps `s` unless the budget is spent or it is kept already.
    fn want(&mut self, s: StageIx) {
        if self.list.len() < self.cap && !self.keep[s.index()] {
            self.keep[s.index()] = true;
            self.list.push(s);
        }
    }

    /// `Focus::Failure`'s wishes: root causes, what fed them, then their
    /// blocked stages round-robin; separate as the longest of the foci.
    fn failure(&mut self, a: &Analysis<'_, '_>) {
        let g = a.graph;
        let cap = self.cap;
        let roots = a.causes.root_causes();
        // At most half the budget for the root causes themselves, so
        // that their collapsed nodes' edges (one each) and the drawn
        // edges stay under Mermaid's 500.
        for &r in roots.iter().take(cap.div_ceil(2)) {
            self.want(r);
        }
        let drawn_roots = self.list.len();
        // What fed them.
        for &r in &roots[..drawn_roots] {
            for p in g.parents(r) {
                self.want(p);
            }
        }
        // Each root cause's first blocked stages, round-robin.
        let left = cap - self.list.len();
        let lists = blocked_by(a, &roots[..drawn_roots], left, None);
        let mut next = vec![0usize; lists.len()];
        let mut progressed = true;
        while self.list.len() < cap && progressed {
            progressed = false;
            for (i, b) in lists.iter().enumerate() {
                while next[i] < b.first.len() && self.keep[b.first[next[i]].index()] {
                    next[i] += 1;
                }
                if self.list.len() < cap && next[i] < b.first.len() {
                    self.want(b.first[next[i]]);
                    next[i] += 1;
                    progressed = true;
                }
            }
        }
    }

    /// `Focus::Stage`'s wishes: the stage, then its nearest ancestors and
    /// descendants; returns both sides whole, for counting what is left out.
    fn around(&mut self, a: &Analysis<'_, '_>, stage: StageIx) -> (Vec<StageIx>, Vec<StageIx>) {
        self.want(stage);
        let up = reached(a, stage, true);
        let down = reached(a, stage, false);
        // Nearest first, alternating sides, so that each side gets half
        // the budget and what one side does not need goes to the other.
        let (mut u, mut d) = (up.iter(), down.iter());
        loop {
            let (x, y) = (u.next(), d.next());
            if x.is_none() && y.is_none() || self.list.len() >= self.cap {
                break;
            }
            for &s in x.into_iter().chain(y) {
                self.want(s);
            }
        }
        (up, down)
    }

    /// Keeps the longest prefix of the wanted stages within the edge budget
    /// (collapsed edges: at most one per root cause drawn, or two around a
    /// stage, on top); separate because it is the same for every focus.
    fn fit_edges(&mut self, a: &Analysis<'_, '_>, view: View) {
        if edges_among(a, &self.keep, view) <= MAX_EDGES {
            return;
        }
        let (mut lo, mut hi) = (1usize, self.list.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            self.keep_prefix(mid);
            if edges_among(a, &self.keep, view) <= MAX_EDGES {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        self.keep_prefix(lo);
    }

    /// Keeps exactly the first `len` wanted stages: one step of the bisection.
    fn keep_prefix(&mut self, len: usize) {
        self.keep.iter_mut().for_each(|k| *k = false);
        for s in &self.list[..len] {
            self.keep[s.index()] = true;
        }
    }
}

/// What a budgeted focus left out, counted exactly from what `keep` draws
/// (`up` and `down`: a focused stage's ancestors and descendants); separate
/// from choosing, since it counts from the final choice.
fn left_out(
    a: &Analysis<'_, '_>,
    focus: Focus,
    keep: &[bool],
    up: &[StageIx],
    down: &[StageIx],
) -> Vec<Collapsed> {
    let mut collapsed = Vec::new();
    match focus {
        Focus::All => {
            let n = a.graph.stage_count();
            let drawn = keep.iter().filter(|&&k| k).count();
            if drawn < n {
                collapsed.push(Collapsed {
                    anchor: None,
                    count: n - drawn,
                    what: "stages",
                    upstream: false,
                });
            }
        }
        Focus::Failure => {
            let roots = a.causes.root_causes();
            let drawn_roots: Vec<StageIx> =
                roots.iter().copied().filter(|r| keep[r.index()]).collect();
            if drawn_roots.len() < roots.len() {
                collapsed.push(Collapsed {
                    anchor: None,
                    count: roots.len() - drawn_roots.len(),
                    what: "root causes",
                    upstream: false,
                });
            }
            // A stage drawn as another's parent counts as drawn too. The
            // collapsed node hangs off the last of its blocked stages that
            // is drawn (the root cause itself when none is), so that a chain
            // reads as a chain that goes on, not as N children of the root.
            let counted = blocked_by(a, &drawn_roots, 0, Some(keep));
            for (&r, b) in drawn_roots.iter().zip(&counted) {
                if b.count > b.drawn {
                    collapsed.push(Collapsed {
                        anchor: Some(b.last_drawn.unwrap_or(r)),
                        count: b.count - b.drawn,
                        what: "blocked stages",
                        upstream: false,
                    });
                }
            }
        }
        Focus::Stage(stage) => {
            for (list, what, upstream) in [
                (up, "upstream stages", true),
                (down, "downstream stages", false),
            ] {
                let drawn = list.iter().filter(|s| keep[s.index()]).count();
                if list.len() > drawn {
                    collapsed.push(Collapsed {
                        anchor: Some(stage),
                        count: list.len() - drawn,
                        what,
                        upstream,
                    });
                }
            }
        }
    }
    collapsed
}

/// Lays out the diagram of an analysed run, every stage.
pub fn layout(a: &Analysis<'_, '_>, view: View) -> Diagram {
    layout_with(a, DiagramOptions::as_asked(view, Focus::All))
}

/// Lays out the diagram of the part of an analysed run that `focus` keeps
/// (in the lineage view, with the data nodes those stages touch): a focused
/// diagram within [`MAX_STAGES`], a whole-run diagram whole
/// ([`DiagramOptions::as_asked`]).
pub fn layout_focused(a: &Analysis<'_, '_>, view: View, focus: Focus) -> Diagram {
    layout_with(a, DiagramOptions::as_asked(view, focus))
}

/// Lays out the diagram `options` ask for.
pub fn layout_with(a: &Analysis<'_, '_>, options: DiagramOptions) -> Diagram {
    let DiagramOptions {
        view,
        focus,
        max_stages,
    } = options;
    let g: &LineageGraph<'_> = a.graph;
    let Selection { keep, collapsed } = select(a, focus, view, max_stages);
    let focused = match focus {
        Focus::Stage(s) => Some(s),
        _ => None,
    };
    let mut node_of_stage = vec![usize::MAX; g.stage_count()];
    let mut nodes = stage_nodes(a, &keep, focused, &mut node_of_stage);
    let drawn_stages = nodes.len();

    let mut node_of_data = vec![usize::MAX; g.data_nodes().len()];
    let more_data = if view == View::Lineage {
        push_data_nodes(g, &keep, max_stages, &mut nodes, &mut node_of_data)
    } else {
        0
    };

    let mut edges = drawn_edges(a, &node_of_stage, &node_of_data);
    push_collapsed(
        &collapsed,
        more_data,
        &node_of_stage,
        &mut nodes,
        &mut edges,
    );
    edges.sort_by_key(|e| (e.from, e.to));

    Diagram {
        title: title_of(g),
        nodes,
        edges,
        run_stages: g.stage_count(),
        drawn_stages,
    }
}

/// The nodes of the stages `keep` marks, in topological order, noting each
/// one's position in `node_of_stage`; separate as the first part of a layout.
fn stage_nodes(
    a: &Analysis<'_, '_>,
    keep: &[bool],
    focused: Option<StageIx>,
    node_of_stage: &mut [usize],
) -> Vec<DiagramNode> {
    let g = a.graph;
    let mut nodes = Vec::new();
    for &s in a.order.stages() {
        if !keep[s.index()] {
            continue;
        }
        let st = g.stage(s);
        node_of_stage[s.index()] = nodes.len();
        let mut lines = vec![st.shown_name().unwrap_or(st.shown_id()).to_owned()];
        let kind = if st.is_placeholder() {
            "placeholder"
        } else {
            st.stage_type().map_or("stage", |t| t.label())
        };
        let mut facts = format!("{kind} · {}", st.status());
        let d = a.timing.duration(s);
        if d > 0 {
            facts.push_str(&format!(" · {}", human_duration(d)));
        }
        lines.push(facts);
        let root_cause = a.causes.is_root_cause(s);
        let blocked = !root_cause && a.causes.has_culprits(s);
        if root_cause {
            lines.push("ROOT CAUSE".to_owned());
        } else if blocked {
            lines.push("BLOCKED".to_owned());
        }
        let is_focused = focused == Some(s);
        if is_focused {
            lines.push("FOCUSED STAGE".to_owned());
        }
        nodes.push(DiagramNode {
            name: format!("s{}", nodes.len()),
            lines,
            status: st.status(),
            shape: Shape::Stage,
            collapsed: 0,
            focused: is_focused,
            root_cause,
            blocked,
            placeholder: st.is_placeholder(),
            critical: a.timing.is_critical(s),
            stage: Some(s),
        });
    }
    nodes
}

/// Appends the data nodes the kept stages touch (lineage view), at most
/// `max_stages` of them, noting positions in `node_of_data`; returns how many
/// were left out. Separate because only the lineage view has data nodes.
fn push_data_nodes(
    g: &LineageGraph<'_>,
    keep: &[bool],
    max_stages: Option<usize>,
    nodes: &mut Vec<DiagramNode>,
    node_of_data: &mut [usize],
) -> usize {
    let mut more_data = 0;
    // The data nodes the kept stages touch.
    let mut touched = vec![false; g.data_nodes().len()];
    for (from, to, _) in g.edges() {
        match (from, to) {
            (Node::Data(d), Node::Stage(s)) | (Node::Stage(s), Node::Data(d))
                if keep[s.index()] =>
            {
                touched[d.index()] = true
            }
            _ => {}
        }
    }
    let mut data: Vec<usize> = (0..g.data_nodes().len()).filter(|&d| touched[d]).collect();
    data.sort_by_key(|&d| (g.data_nodes()[d].kind, d));
    // As many data nodes as stages at most; the rest said in one node.
    let data_cap = max_stages.unwrap_or(usize::MAX);
    if data.len() > data_cap {
        more_data = data.len() - data_cap;
        data.truncate(data_cap);
    }
    for (i, d) in data.into_iter().enumerate() {
        let node = &g.data_nodes()[d];
        node_of_data[d] = nodes.len();
        let mut lines = vec![node.shown_name().unwrap_or(node.shown_id()).to_owned()];
        let mut facts = node.kind.label().to_owned();
        if let Some(t) = node.connection_type() {
            facts.push_str(&format!(" · {}", t.label()));
        }
        lines.push(facts);
        nodes.push(DiagramNode {
            name: format!("d{i}"),
            lines,
            status: Status::of(node.status),
            shape: Shape::Data(node.kind),
            collapsed: 0,
            focused: false,
            root_cause: false,
            blocked: false,
            placeholder: false,
            critical: false,
            stage: None,
        });
    }
    more_data
}

/// The graph's edges between drawn nodes, in graph order (unsorted);
/// separate from the collapsed nodes' edges, which are made, not found.
fn drawn_edges(
    a: &Analysis<'_, '_>,
    node_of_stage: &[usize],
    node_of_data: &[usize],
) -> Vec<DiagramEdge> {
    a.graph
        .edges()
        .filter_map(|(from, to, kind)| {
            let pos = |n: Node| {
                match n {
                    Node::Stage(s) => Some(node_of_stage[s.index()]),
                    Node::Data(d) => Some(node_of_data[d.index()]),
                }
                .filter(|&p| p != usize::MAX)
            };
            let critical = match (from, to) {
                (Node::Stage(f), Node::Stage(t)) => a.timing.is_critical_step(f, t),
                _ => false,
            };
            Some(DiagramEdge {
                from: pos(from)?,
                to: pos(to)?,
                kind,
                critical,
                collapsed: false,
            })
        })
        .collect()
}

/// What the budget left out, one node each, beside what it belongs to (with
/// `more_data` data nodes left out, one more); separate as the last nodes of a layout.
fn push_collapsed(
    collapsed: &[Collapsed],
    more_data: usize,
    node_of_stage: &[usize],
    nodes: &mut Vec<DiagramNode>,
    edges: &mut Vec<DiagramEdge>,
) {
    let data_more = (more_data > 0).then_some(Collapsed {
        anchor: None,
        count: more_data,
        what: "data nodes",
        upstream: false,
    });
    for (i, c) in collapsed.iter().chain(data_more.as_ref()).enumerate() {
        let at = nodes.len();
        nodes.push(DiagramNode {
            name: format!("m{i}"),
            lines: vec![format!("… and {} more {}", c.count, c.what)],
            status: Status::Unknown,
            shape: Shape::Collapsed,
            collapsed: c.count,
            focused: false,
            root_cause: false,
            blocked: false,
            placeholder: false,
            critical: false,
            stage: None,
        });
        if let Some(anchor) = c.anchor.map(|s| node_of_stage[s.index()]) {
            let (from, to) = if c.upstream {
                (at, anchor)
            } else {
                (anchor, at)
            };
            edges.push(DiagramEdge {
                from,
                to,
                kind: EdgeKind::DependsOn,
                critical: false,
                collapsed: true,
            });
        }
    }
}

/// The diagram's title: the pipeline, the run and its outcome; separate
/// because it reads the summary, not the analysis.
fn title_of(g: &LineageGraph<'_>) -> String {
    let run = g.summary().run();
    let pipeline = run
        .pipeline()
        .and_then(|p| p.name.get())
        .map(|t| short(t.as_str()));
    let id = run
        .id
        .get()
        .map_or_else(|| "(no id)".to_owned(), |i| short(i.as_str()));
    match pipeline {
        Some(p) => format!(
            "{p} — run {id} — {}",
            Status::of(run.execution_status.value())
        ),
        None => format!("run {id} — {}", Status::of(run.execution_status.value())),
    }
}

/// Colour of critical-path edges and borders.
pub const CRITICAL: &str = "#e65100";

/// Border colour of the stage `--focus STAGE` is about.
pub const FOCUSED: &str = "#1565c0";

/// Border colour of a collapsed "… and N more" node and its edge.
pub const COLLAPSED: &str = "#9e9e9e";
