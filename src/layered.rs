//! A layered drawing of a small directed graph, left to right: where the
//! HTML report puts each node of its lineage picture.
//!
//! # Design
//!
//! The classic Sugiyama steps, kept to what a 200-stage picture needs (the
//! diagram cap of SPEC §5 bounds the input, so no step has to be clever):
//!
//! 1. **Layers** by longest path: a node sits one layer right of its
//!    rightmost parent, so every edge points right. The order comes from
//!    Kahn's algorithm with the smallest index first, so the result does not
//!    depend on hash maps; an edge that would close a cycle (a diagram has
//!    none, but the input is untrusted) is left out of the layering.
//! 2. **Order within a layer** by the barycenter heuristic: sweeps to the
//!    right (each node at the mean position of its parents) and back (of its
//!    children), ties kept in the current order, and the ordering with the
//!    fewest crossings so far is the one kept.
//! 3. **Straight edges**: an edge that spans several layers is drawn as one
//!    line (no dummy nodes); the picture stays readable at this size and the
//!    writer stays simple.
//!
//! No crate fit: `rust-sugiyama` pulls in its own graph type and solver for
//! coordinates we do not need, and the layering and ordering are a page of
//! code. Time O(sweeps × (V log V + E)) plus the crossing count, which is
//! O(E log E) per layer pair; memory O(V + E).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How many down-and-up sweeps of the barycenter heuristic run.
const SWEEPS: usize = 6;

/// Where each node goes: its layer (left to right) and its rank in the
/// layer (top to bottom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layered {
    /// The layer of each node.
    pub(crate) layer: Vec<usize>,
    /// The rank of each node within its layer.
    pub(crate) rank: Vec<usize>,
    /// The nodes of each layer, top to bottom.
    pub(crate) layers: Vec<Vec<usize>>,
}

impl Layered {
    /// The most nodes any layer holds.
    pub(crate) fn height(&self) -> usize {
        self.layers.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// Lays out `n` nodes joined by `edges` (`from → to`, indices below `n`;
/// others are ignored).
pub(crate) fn layered(n: usize, edges: &[(usize, usize)]) -> Layered {
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a < n && b < n && a != b)
        .collect();
    let layer = layers(n, &edges);
    let count = layer.iter().map(|&l| l + 1).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); count];
    for v in 0..n {
        layers[layer[v]].push(v);
    }
    // Only the edges that point right take part in the ordering.
    let edges: Vec<(usize, usize)> = edges
        .into_iter()
        .filter(|&(a, b)| layer[a] < layer[b])
        .collect();
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &edges {
        parents[b].push(a);
        children[a].push(b);
    }
    let mut rank = ranks(n, &layers);
    let mut best = (crossings(&edges, &layer, &rank), layers.clone());
    for _ in 0..SWEEPS {
        for layer in layers.iter_mut().skip(1) {
            reorder(layer, &parents, &mut rank);
        }
        let last = layers.len().saturating_sub(1);
        for layer in layers.iter_mut().take(last).rev() {
            reorder(layer, &children, &mut rank);
        }
        let c = crossings(&edges, &layer, &rank);
        if c < best.0 {
            best = (c, layers.clone());
        }
        if best.0 == 0 {
            break;
        }
    }
    let layers = best.1;
    let rank = ranks(n, &layers);
    Layered {
        layer,
        rank,
        layers,
    }
}

/// Longest-path layers in Kahn's order, smallest index first; nodes on a
/// cycle are placed after everything else, in index order.
fn layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        indegree[b] += 1;
        out[a].push(b);
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&v| indegree[v] == 0).map(Reverse).collect();
    let mut placed = vec![false; n];
    let mut layer = vec![0usize; n];
    let mut done = 0;
    loop {
        while let Some(Reverse(v)) = ready.pop() {
            placed[v] = true;
            done += 1;
            for &w in &out[v] {
                if placed[w] || indegree[w] == 0 {
                    // An edge back into what is placed (or released): a
                    // cycle's, left out.
                    continue;
                }
                layer[w] = layer[w].max(layer[v] + 1);
                indegree[w] -= 1;
                if indegree[w] == 0 {
                    ready.push(Reverse(w));
                }
            }
        }
        if done == n {
            break;
        }
        // A cycle: release its smallest node, as if its remaining
        // incoming edges were not there.
        if let Some(v) = (0..n).find(|&v| !placed[v] && indegree[v] > 0) {
            indegree[v] = 0;
            ready.push(Reverse(v));
        }
    }
    layer
}

/// Each node's rank in its layer.
fn ranks(n: usize, layers: &[Vec<usize>]) -> Vec<usize> {
    let mut rank = vec![0usize; n];
    for l in layers {
        for (i, &v) in l.iter().enumerate() {
            rank[v] = i;
        }
    }
    rank
}

/// Sorts one layer by the mean rank of each node's neighbours on the side
/// swept from (a node without any keeps its own rank), ties by the current
/// order, and updates the ranks.
fn reorder(layer: &mut [usize], neighbours: &[Vec<usize>], rank: &mut [usize]) {
    let mut keyed: Vec<(f64, usize, usize)> = layer
        .iter()
        .map(|&v| {
            let ns = &neighbours[v];
            let bary = if ns.is_empty() {
                rank[v] as f64
            } else {
                ns.iter().map(|&u| rank[u] as f64).sum::<f64>() / ns.len() as f64
            };
            (bary, rank[v], v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, (_, _, v)) in keyed.into_iter().enumerate() {
        layer[i] = v;
        rank[v] = i;
    }
}

/// How many pairs of edges between the same two layers cross.
pub(crate) fn crossings(edges: &[(usize, usize)], layer: &[usize], rank: &[usize]) -> usize {
    let mut keyed: Vec<((usize, usize), usize, usize)> = edges
        .iter()
        .map(|&(a, b)| ((layer[a], layer[b]), rank[a], rank[b]))
        .collect();
    keyed.sort_unstable();
    let mut total = 0;
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start;
        while end < keyed.len() && keyed[end].0 == keyed[start].0 {
            end += 1;
        }
        // Sorted by the left end: a crossing is a pair whose right ends go
        // the other way, counted by merge sort over the right ends.
        let mut right: Vec<usize> = keyed[start..end].iter().map(|k| k.2).collect();
        total += inversions(&mut right);
        start = end;
    }
    total
}

/// Pairs `i < j` with `v[i] > v[j]`, by an iterative merge sort.
fn inversions(v: &mut [usize]) -> usize {
    let n = v.len();
    let mut buf = v.to_vec();
    let mut count = 0;
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if v[i] <= v[j] {
                    buf[k] = v[i];
                    i += 1;
                } else {
                    buf[k] = v[j];
                    count += mid - i;
                    j += 1;
                }
                k += 1;
            }
            buf[k..k + (mid - i)].copy_from_slice(&v[i..mid]);
            k += mid - i;
            buf[k..k + (hi - j)].copy_from_slice(&v[j..hi]);
            lo = hi;
        }
        v.copy_from_slice(&buf);
        width *= 2;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_chain_goes_left_to_right() {
        let l = layered(4, &[(0, 1), (1, 2), (2, 3)]);
        assert_eq!(l.layer, [0, 1, 2, 3]);
        assert_eq!(l.height(), 1);
    }

    #[test]
    fn a_node_sits_right_of_its_rightmost_parent() {
        let l = layered(4, &[(0, 1), (1, 2), (0, 2), (3, 2)]);
        assert_eq!(l.layer, [0, 1, 2, 0]);
    }

    #[test]
    fn a_cycle_is_laid_out_anyway() {
        let l = layered(3, &[(0, 1), (1, 2), (2, 1)]);
        assert_eq!(l.layer.len(), 3);
        assert_eq!(l.layers.iter().map(Vec::len).sum::<usize>(), 3);
    }

    #[test]
    fn the_barycenter_uncrosses_a_swapped_pair() {
        // 0→3, 1→2 drawn as given would cross; ordered, they do not.
        let l = layered(4, &[(0, 3), (1, 2)]);
        let edges = [(0, 3), (1, 2)];
        assert_eq!(crossings(&edges, &l.layer, &l.rank), 0);
    }

    #[test]
    fn inversions_are_counted() {
        assert_eq!(inversions(&mut [3, 1, 2]), 2);
        assert_eq!(inversions(&mut [1, 2, 3]), 0);
        assert_eq!(inversions(&mut [3, 2, 1, 0]), 6);
    }

    fn dag() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
        (1usize..40).prop_flat_map(|n| {
            let edges = proptest::collection::vec((0..n, 0..n), 0..(3 * n));
            (Just(n), edges)
        })
    }

    proptest! {
        /// Every node has one place, no two nodes of a layer share a rank
        /// (no overlap), every edge of a DAG points right, the ordering is
        /// no worse than the first one, and the same input gives the same
        /// layout.
        #[test]
        fn layouts_are_sound((n, raw) in dag()) {
            // Edges from lower to higher index: a DAG.
            let edges: Vec<(usize, usize)> = raw
                .into_iter()
                .filter(|(a, b)| a < b)
                .collect();
            let l = layered(n, &edges);
            let mut seen = vec![false; n];
            for (li, nodes) in l.layers.iter().enumerate() {
                for (r, &v) in nodes.iter().enumerate() {
                    prop_assert!(!seen[v]);
                    seen[v] = true;
                    prop_assert_eq!(l.layer[v], li);
                    prop_assert_eq!(l.rank[v], r);
                }
            }
            prop_assert!(seen.iter().all(|&s| s));
            for &(a, b) in &edges {
                prop_assert!(l.layer[a] < l.layer[b]);
            }
            let first = {
                let mut layers: Vec<Vec<usize>> = vec![Vec::new(); l.layers.len()];
                for v in 0..n {
                    layers[l.layer[v]].push(v);
                }
                ranks(n, &layers)
            };
            prop_assert!(
                crossings(&edges, &l.layer, &l.rank) <= crossings(&edges, &l.layer, &first)
            );
            prop_assert_eq!(layered(n, &edges), l);
        }

        /// Crossings counted by merge sort equal the pairs counted one by one.
        #[test]
        fn crossings_equal_a_naive_count((n, raw) in dag()) {
            let edges: Vec<(usize, usize)> = raw.into_iter().filter(|(a, b)| a < b).collect();
            let l = layered(n, &edges);
            let mut naive = 0;
            for (i, &(a, c)) in edges.iter().enumerate() {
                for &(b, d) in &edges[i + 1..] {
                    if l.layer[a] == l.layer[b] && l.layer[c] == l.layer[d] {
                        let (ra, rb, rc, rd) = (l.rank[a], l.rank[b], l.rank[c], l.rank[d]);
                        if (ra < rb && rc > rd) || (ra > rb && rc < rd) {
                            naive += 1;
                        }
                    }
                }
            }
            prop_assert_eq!(crossings(&edges, &l.layer, &l.rank), naive);
        }
    }
}
