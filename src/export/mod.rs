//! Exports into the tools teams already run: OpenLineage run events for
//! lineage catalogs ([`openlineage`]) and a Chrome trace for Perfetto
//! ([`trace`]). What each export holds and why: `docs/semantics.md#exports`.
//!
//! # Design
//!
//! Both exports are drawn from one [`Analysis`](crate::Analysis), like the
//! reports, and are written to any [`Write`](std::io::Write) as they are
//! built: one OpenLineage event, or one trace event, at a time. What has to
//! be held is a few numbers per stage (the order of the events, the first
//! culprits of a stage that never ran), so memory grows with the stages,
//! never with the output. Every list is in an order the input decides —
//! time, then topological position — never a hash map's.

pub mod openlineage;
pub mod trace;

/// How many culprits a stage that never ran lists (its first ones in
/// topological order, [`Causes::first_culprits`](crate::Causes::first_culprits)),
/// in both exports.
pub const CULPRITS_SHOWN: usize = 10;

/// An instant as RFC 3339 in UTC with milliseconds
/// (`2026-11-27T06:30:00.000Z`), the form OpenLineage's `date-time` wants.
/// Times outside years 0000–9999 are clamped into them (the
/// last instant jiff knows, late on 9999-12-30, at the top): RFC 3339 has no
/// other years.
pub(crate) fn rfc3339_ms(ms: i64) -> String {
    // 0000-01-01T00:00:00Z in epoch ms; jiff's last instant is a day
    // before the end of 9999 (so that every offset keeps a valid date).
    const MIN: i64 = -62_167_219_200_000;
    let t = jiff::Timestamp::from_millisecond(ms.max(MIN)).unwrap_or(jiff::Timestamp::MAX);
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_has_milliseconds_and_clamps_the_year() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_764_225_000_123), "2025-11-27T06:30:00.123Z");
        assert!(
            rfc3339_ms(i64::MAX).starts_with("9999-12-"),
            "{}",
            rfc3339_ms(i64::MAX)
        );
        assert!(rfc3339_ms(i64::MAX).ends_with(".999Z"));
        assert_eq!(rfc3339_ms(i64::MIN), "0000-01-01T00:00:00.000Z");
    }
}
