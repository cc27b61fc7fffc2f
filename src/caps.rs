//! [`Caps`]: how much of each list a report keeps and shows.
//!
//! # Design
//!
//! One value says every cap, so the builders (what a JSON report keeps)
//! and the renderers (what one screen of text or Markdown shows) read the
//! same numbers, and `--all` lifts all of them at once ([`Caps::ALL`]).
//! SPEC §5: a list whose length can grow with the product of two sizes of
//! the input keeps its first entries in the spec's order and its exact
//! count; one report holds at most a budget of such entries in all.

/// How long the lists of a report may grow, and how many one screen shows.
///
/// A list whose length can grow with the product of two sizes of the input
/// (the stages a root cause blocked, its blast radius and evidence, the
/// culprits of a stage with their paths, the diagnostics of one kind) keeps
/// its first `max_entries` entries in the spec's order, and the report
/// gives its exact length beside it (`blocked_count`, …). The default is
/// 1,000; [`Caps::ALL`] keeps every entry (the CLI's `--all`).
///
/// # One budget per report
///
/// Caps must not multiply: 1,000 root causes each with 1,000 blocked
/// stages would be a million entries. So a report holds at most `budget`
/// entries of capped lists in all (100,000 by default): the lists nested in
/// each of many entries at the top (root causes, culprits) are cut evenly
/// ([`Caps::nested`]), never below [`MIN_NESTED`] entries each, every
/// list keeping its exact count.
///
/// # On a screen
///
/// Text and Markdown show at most `screen` entries of a list (20), then
/// "… and N more"; `history` ranks at most `top` stages per table (10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// The most entries a list keeps; `None` keeps all.
    pub max_entries: Option<usize>,
    /// The most root causes `why` and `summary` detail, and the most
    /// distinct errors they list (the rest are counted in
    /// `root_causes_count` and `errors_count`); `None` details all.
    pub max_root_causes: Option<usize>,
    /// The most entries of capped lists one report holds in all; `None`
    /// for no budget.
    pub budget: Option<usize>,
    /// The most entries of a list text and Markdown show; `None` shows all.
    pub screen: Option<usize>,
    /// The most stages each ranking of `history` shows (flaky, recurring,
    /// slower); `None` shows all.
    pub top: Option<usize>,
}

/// The fewest entries the budget cuts a nested list to.
pub const MIN_NESTED: usize = 10;

/// What one screen of text or Markdown shows of a list.
pub const SCREEN: usize = 20;

/// How many stages a `history` ranking shows by default.
pub const TOP: usize = 10;

impl Caps {
    /// No cap.
    pub const ALL: Caps = Caps {
        max_entries: None,
        max_root_causes: None,
        budget: None,
        screen: None,
        top: None,
    };

    /// The default caps: 1,000 entries per list, 1,000 root causes, 100,000
    /// entries in all; 20 entries a list on a screen, 10 stages a ranking.
    pub const DEFAULT: Caps = Caps {
        max_entries: Some(1000),
        max_root_causes: Some(1000),
        budget: Some(100_000),
        screen: Some(SCREEN),
        top: Some(TOP),
    };

    /// What a report rendered as text or Markdown needs to keep: no more
    /// entries per list, nor root causes, than one screen shows.
    pub const fn on_screen(self) -> Caps {
        match self.screen {
            None => self,
            Some(n) => Caps {
                max_entries: Some(match self.max_entries {
                    Some(m) if m < n => m,
                    _ => n,
                }),
                max_root_causes: Some(match self.max_root_causes {
                    Some(m) if m < n => m,
                    _ => n,
                }),
                ..self
            },
        }
    }

    /// How many entries of a list are also given with their names: as many
    /// as a screen shows, or all without a cap.
    pub fn named(self) -> usize {
        match self.max_entries {
            Some(m) => m.min(self.screen.unwrap_or(SCREEN)),
            None => usize::MAX,
        }
    }

    /// How many of `len` entries a list keeps.
    pub fn keep(self, len: usize) -> usize {
        self.max_entries.map_or(len, |m| len.min(m))
    }

    /// The caps of the lists nested in each of `top` entries, each entry
    /// holding `lists` capped lists: the budget shared evenly among them,
    /// never below [`MIN_NESTED`] entries a list (nor above `max_entries`).
    pub fn nested(self, top: usize, lists: usize) -> Caps {
        let Some(budget) = self.budget else {
            return self;
        };
        let share = (budget / top.max(1).saturating_mul(lists.max(1))).max(MIN_NESTED);
        Caps {
            max_entries: Some(self.max_entries.map_or(share, |m| m.min(share))),
            ..self
        }
    }

    /// How many of `len` root causes (or distinct errors) are detailed.
    pub fn root_causes(self, len: usize) -> usize {
        self.max_root_causes.map_or(len, |m| len.min(m))
    }

    /// How many of `len` entries one screen shows.
    pub fn shown(self, len: usize) -> usize {
        self.screen.map_or(len, |m| len.min(m))
    }
}

impl Default for Caps {
    fn default() -> Self {
        Caps::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_evenly_and_never_below_the_floor() {
        let c = Caps::DEFAULT;
        assert_eq!(c.nested(1000, 7).max_entries, Some(14));
        assert_eq!(c.nested(100_000, 7).max_entries, Some(MIN_NESTED));
        assert_eq!(c.nested(1, 1).max_entries, Some(1000));
        assert_eq!(Caps::ALL.nested(1000, 7), Caps::ALL);
    }

    #[test]
    fn a_screen_keeps_no_more_than_it_shows() {
        let s = Caps::DEFAULT.on_screen();
        assert_eq!((s.max_entries, s.max_root_causes), (Some(20), Some(20)));
        assert_eq!(Caps::ALL.on_screen(), Caps::ALL);
        assert_eq!(Caps::DEFAULT.named(), 20);
        assert_eq!(Caps::ALL.named(), usize::MAX);
    }
}
