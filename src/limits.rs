//! The bounds every output keeps, whatever the input holds.
//!
//! The response is untrusted: a 1 MB stage id, a key of a million
//! characters, 100,000 failed roots above one chain. Every subcommand runs
//! in time O(n log n) and memory O(n) of the input's size, and prints output
//! that cannot multiply it: lists are capped (see [`crate::report::Caps`]),
//! and every id, name and JSON path key longer than [`LONG`] characters is
//! shortened here, once, by the same rule in every format
//! (`docs/semantics.md#bounded-output`).

use std::borrow::Cow;

/// Ids, names and path keys longer than this many characters are shortened.
pub const LONG: usize = 200;

/// How many characters of a shortened value are kept before `…` and its hash.
const KEPT: usize = 180;

/// How many stages a diagram draws by default (SPEC §5): past this,
/// Graphviz takes minutes and nobody reads the picture. See
/// [`crate::diagram`].
pub const DIAGRAM_MAX_STAGES: usize = 200;

/// The default of `--max-bytes`: inputs larger than this are refused before
/// they are read whole.
pub const MAX_INPUT_BYTES: u64 = 2 << 30;

/// `text` itself when it has at most [`LONG`] characters; otherwise its
/// first 180 characters, `…`, and the 64-bit FNV-1a hash of the whole text
/// in 16 hex digits — so that two long values that differ stay distinct.
///
/// ```
/// use dataprep_lineage::limits::shorten;
/// assert_eq!(shorten("shop.orders"), "shop.orders");
/// let long = "x".repeat(1000);
/// let short = shorten(&long);
/// assert_eq!(short.chars().count(), 180 + 1 + 16);
/// assert!(short.starts_with("xxx") && short.contains('…'));
/// assert_ne!(short, shorten(&"x".repeat(1001)));
/// ```
pub fn shorten(text: &str) -> Cow<'_, str> {
    // A text of at most LONG bytes has at most LONG characters; otherwise
    // count no further than needed to know.
    if text.len() <= LONG || text.char_indices().nth(LONG).is_none() {
        return Cow::Borrowed(text);
    }
    let cut = text
        .char_indices()
        .nth(KEPT)
        .map_or(text.len(), |(at, _)| at);
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    Cow::Owned(format!("{}…{hash:016x}", &text[..cut]))
}

/// [`shorten`], owned.
pub fn short(text: &str) -> String {
    shorten(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_values_are_shortened() {
        let at_limit = "é".repeat(LONG);
        assert_eq!(shorten(&at_limit), at_limit);
        let over = "é".repeat(LONG + 1);
        let s = shorten(&over);
        assert!(s.chars().count() <= LONG, "{s}");
        assert!(s.starts_with(&"é".repeat(KEPT)));
    }
}
