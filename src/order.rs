//! Topological order and levels of the stages.
//!
//! The order is Kahn's, with a tie-break that makes it one order, not one of
//! many: among the stages ready at once, the smallest id first, comparing ids
//! as integers when both are all ASCII digits, digit-only ids before others,
//! and other ids as byte strings (see [`compare_ids`](crate::graph::compare_ids)).
//! The graph computes it once while proving itself acyclic; this module adds
//! the level of each stage.

use crate::graph::{LineageGraph, StageIx};

/// The stages in topological order, with their levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    order: Vec<StageIx>,
    levels: Vec<u32>,
}

impl Order {
    /// The order and levels of `graph`'s stages. O(V + E).
    pub fn of(graph: &LineageGraph<'_>) -> Order {
        let order: Vec<StageIx> = graph.topological_order().collect();
        let mut levels = vec![0u32; graph.stages().len()];
        for &s in &order {
            // Parents come earlier in the order, so their levels are final.
            levels[s.index()] = graph
                .parents(s)
                .map(|p| levels[p.index()] + 1)
                .max()
                .unwrap_or(0);
        }
        Order { order, levels }
    }

    /// The stages, parents before children, ties broken by id.
    pub fn stages(&self) -> &[StageIx] {
        &self.order
    }

    /// 0 for a root; else 1 + the largest level of its parents.
    pub fn level(&self, stage: StageIx) -> u32 {
        self.levels[stage.index()]
    }
}
