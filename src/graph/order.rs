//! The order the stages can run in: Kahn's algorithm with the spec's
//! tie-break (`docs/semantics.md#order`), and the cycle it finds otherwise.
//!
//! Ids are compared through a rank computed once: each id is classified
//! (digits only or not, its digits without leading zeros) a single time,
//! the stages sorted by that key, and Kahn's ready queue then compares
//! ranks — integers — instead of texts.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::{Csr, Stage};
use crate::error::{Error, Result};

/// Compares stage ids as the spec orders them: both all ASCII digits →
/// as integers (equal values fall back to text order, so "007" < "7");
/// digit-only ids before others; otherwise byte order.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (digits(a), digits(b)) {
        (true, true) => {
            let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            ta.len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// An id's sort key, computed once: digit-only ids first, by value (length
/// of the digits without leading zeros, then the digits), equal values by
/// text; other ids by bytes. Sorting by it is sorting by [`compare_ids`].
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum IdKey<'a> {
    Digits {
        len: usize,
        value: &'a str,
        text: &'a str,
    },
    Other(&'a str),
}

impl<'a> IdKey<'a> {
    fn of(id: &'a str) -> Self {
        if !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) {
            let value = id.trim_start_matches('0');
            IdKey::Digits {
                len: value.len(),
                value,
                text: id,
            }
        } else {
            IdKey::Other(id)
        }
    }
}

/// Each stage's rank in id order, and the stages by rank.
fn rank_by_id(stages: &[Stage<'_>]) -> (Vec<u32>, Vec<u32>) {
    let mut keyed: Vec<(IdKey<'_>, u32)> = stages
        .iter()
        .enumerate()
        .map(|(i, s)| (IdKey::of(s.id), i as u32))
        .collect();
    keyed.sort_unstable();
    let by_rank: Vec<u32> = keyed.iter().map(|&(_, s)| s).collect();
    let mut rank = vec![0u32; stages.len()];
    for (r, &s) in by_rank.iter().enumerate() {
        rank[s as usize] = r as u32;
    }
    (rank, by_rank)
}

/// Kahn's algorithm; among stages ready at once, the smallest id first.
/// On a cycle, returns the stages of one cycle in dependency order.
pub(super) fn topological_order(
    stages: &[Stage<'_>],
    parents: &Csr,
    children: &Csr,
) -> Result<Vec<u32>> {
    let n = stages.len();
    let (rank, by_id) = rank_by_id(stages);

    let mut indegree: Vec<u32> = (0..n).map(|s| parents.get(s).len() as u32).collect();
    let mut ready: BinaryHeap<Reverse<u32>> = (0..n)
        .filter(|&s| indegree[s] == 0)
        .map(|s| Reverse(rank[s]))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(r)) = ready.pop() {
        let s = by_id[r as usize];
        order.push(s);
        for &c in children.get(s as usize) {
            indegree[c as usize] -= 1;
            if indegree[c as usize] == 0 {
                ready.push(Reverse(rank[c as usize]));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }

    // Every stage left over has a parent left over: walk parents from the
    // smallest leftover id until a stage repeats; the repeat closes a cycle.
    let left = |s: u32| indegree[s as usize] > 0;
    let Some(start) = by_id.iter().copied().find(|&s| left(s)) else {
        return Ok(order);
    };
    let mut seen_at = vec![u32::MAX; n];
    let mut walk: Vec<u32> = Vec::new();
    let mut current = start;
    while seen_at[current as usize] == u32::MAX {
        seen_at[current as usize] = walk.len() as u32;
        walk.push(current);
        let next = parents
            .get(current as usize)
            .iter()
            .copied()
            .filter(|&p| left(p))
            .min_by_key(|&p| rank[p as usize]);
        match next {
            Some(p) => current = p,
            None => break, // unreachable for a true leftover; stop rather than loop
        }
    }
    let from = seen_at[current as usize] as usize;
    let mut cycle: Vec<u32> = walk[from.min(walk.len())..].to_vec();
    // The walk went child → parent; a cycle reads parent → child.
    cycle.reverse();
    if let Some(min_at) = (0..cycle.len()).min_by_key(|&i| rank[cycle[i] as usize]) {
        cycle.rotate_left(min_at);
    }
    Err(Error::Cycle {
        stages: cycle
            .iter()
            .map(|&s| stages[s as usize].id.to_owned())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_order_as_integers_then_text() {
        let mut ids = vec!["b", "10", "9", "a", "007", "7", "", "x1"];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(ids, ["007", "7", "9", "10", "", "a", "b", "x1"]);
    }

    #[test]
    fn the_rank_sorts_as_compare_ids_does() {
        let ids = [
            "b",
            "10",
            "9",
            "a",
            "007",
            "7",
            "",
            "x1",
            "0",
            "00",
            "é",
            "99999999999999999999",
        ];
        let mut by_key = ids.to_vec();
        by_key.sort_by(|a, b| IdKey::of(a).cmp(&IdKey::of(b)));
        let mut by_compare = ids.to_vec();
        by_compare.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(by_key, by_compare);
    }

    #[test]
    fn ids_longer_than_u64_still_compare_as_integers() {
        assert_eq!(
            compare_ids("99999999999999999999", "100000000000000000000"),
            Ordering::Less
        );
    }
}
