//! Error fingerprints: "the same error as before", despite new numbers.
//!
//! A failure message usually carries numbers that change from run to run (a
//! row count, a timeout, a retry). The fingerprint of a stage hashes its
//! `message` / `error_message` texts with every run of ASCII digits replaced
//! by `#` and white space folded, so that the same failure with other numbers
//! has the same fingerprint. See `docs/semantics.md#error-fingerprint`.
//!
//! Normalisation of each text: every maximal run of ASCII digits becomes
//! `#`; every maximal run of spaces, tabs, line feeds and carriage returns
//! becomes one space; spaces are trimmed from both ends. Texts that are then
//! empty are skipped; the distinct rest are sorted by their UTF-8 bytes and
//! joined with `\n`; the fingerprint is the 64-bit FNV-1a hash of those bytes,
//! written as 16 lower-case hex digits. No text left, no fingerprint.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 64-bit FNV-1a hash of a stage's normalised failure texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// One text normalised: digit runs → `#`, white-space runs → one space,
/// trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('#');
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            while chars
                .peek()
                .is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
            {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim_matches(' ').to_owned()
}

impl Fingerprint {
    /// The fingerprint of a stage's failure texts; `None` when no text is
    /// left after normalisation.
    pub fn of<'t>(texts: impl IntoIterator<Item = &'t str>) -> Option<Fingerprint> {
        let mut distinct = FingerprintTexts::default();
        for t in texts {
            distinct.add(t);
        }
        distinct.finish()
    }
}

/// The distinct normalised texts of a fingerprint, gathered one text at a
/// time (so that a stage's evidence is read once, never held whole).
#[derive(Debug, Default)]
pub(crate) struct FingerprintTexts(BTreeSet<String>);

impl FingerprintTexts {
    /// Adds one failure text.
    pub(crate) fn add(&mut self, text: &str) {
        let t = normalise(text);
        if !t.is_empty() {
            self.0.insert(t);
        }
    }

    /// The fingerprint of the texts added; `None` when none was left after
    /// normalisation.
    pub(crate) fn finish(self) -> Option<Fingerprint> {
        if self.0.is_empty() {
            return None;
        }
        // BTreeSet<String> orders by bytes: String's Ord is byte order.
        let joined = self.0.into_iter().collect::<Vec<_>>().join("\n");
        Some(Fingerprint(fnv1a(joined.as_bytes())))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl FromStr for Fingerprint {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u64::from_str_radix(s, 16).map(Fingerprint)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Fingerprint {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Fingerprint".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-f]{16}$",
            "description": "64-bit FNV-1a hash of the stage's normalised failure texts, 16 lower-case hex digits"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_digits_and_space() {
        assert_eq!(
            normalise("  timed out after 30000 ms\t\r\n (try 2) "),
            "timed out after # ms (try #)"
        );
        assert_eq!(normalise("a1b22c333"), "a#b#c#");
        assert_eq!(normalise(" \n\t "), "");
        // Only ASCII digits and these four spaces count.
        assert_eq!(normalise("٣ x\u{a0}y"), "٣ x\u{a0}y");
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn the_same_error_with_other_numbers_has_the_same_fingerprint() {
        let a = Fingerprint::of(["Connection timed out after 30000 ms", "Import failed"]);
        let b = Fingerprint::of([
            "Import failed",
            "Connection  timed out after 45000 ms",
            "Import failed",
        ]);
        assert_eq!(a, b);
        assert_ne!(a, Fingerprint::of(["Import failed"]));
        assert_eq!(Fingerprint::of(["", "  "]), None);
        assert_eq!(Fingerprint::of(["x"]).unwrap().to_string().len(), 16);
        // Sorted by bytes, joined by a line feed.
        assert_eq!(
            Fingerprint::of(["b", "a"]),
            Some(Fingerprint(fnv1a(b"a\nb")))
        );
        let f = Fingerprint::of(["x"]).unwrap();
        assert_eq!(f.to_string().parse::<Fingerprint>().unwrap(), f);
    }
}
