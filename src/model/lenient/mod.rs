//! Reading someone else's JSON without failing on it.
//!
//! The Job Summary API is documented loosely: numbers arrive as digit strings,
//! booleans as `1` or `"true"`, ids as JSON numbers that do not fit a float,
//! objects where an array was expected. The model must take all of it and
//! still say what was odd. Every field is therefore a [`Lenient`] value: it is
//! missing, holds a value, or holds a description of what was found instead.
//! Nothing here returns an error for a value of the wrong kind; only broken
//! JSON (which `serde_json` reports with a line and column) stops a parse.
//!
//! Scalars are read as serde_json hands them over when that loses nothing,
//! and otherwise from their raw source text (`serde_json`'s `RawValue`), so a
//! 19-digit id written as a number is kept digit for digit (see
//! `read_scalar` for the two paths). Text is
//! borrowed from the input (`Cow<'de, str>`), copied only when it holds JSON
//! escapes. Objects and arrays are read as they stream past, never buffered;
//! records no analysis reads are only delimited and kept as text ([`Lazy`]).
//!
//! After parsing, `Walk` visits the typed tree with the JSON path of every
//! field, which is how wrong-kind values become diagnostics with a path and how
//! the failure evidence of a stage is collected.
//!
//! # Design
//!
//! **Why a hand-written lenient reader**, not `#[derive(Deserialize)]` with
//! `serde_with` or `#[serde(default)]`: a derived reader fails the whole
//! document on the first value of the wrong kind, or (with defaults) drops
//! it silently. Here every field is a [`Lenient`] that keeps what was found
//! instead, so the analysis goes on and the diagnostics say where the input
//! was odd — and the same reader takes the numbers-as-strings, booleans as
//! `"1"` and lone-object-for-array habits of the API.
//!
//! **Why two scalar paths** (`read_scalar`): most documents hold nothing
//! odd, and reading a scalar as serde_json hands it over (a borrowed string,
//! an `i64`) is the fast path. What that loses — an id written as a 19-digit
//! number, a float, a value whose diagnostic must quote its source — makes
//! the fast path decline, and the parser reads the whole document again on
//! the exact path, from each value's source text. Both give the same model.
//!
//! **Why per-thread state**: serde's visitors have no context argument, so
//! the current path mode (fast or exact) and a count of `Invalid` values
//! made (to skip the diagnostics walk when it is zero) live in thread-locals,
//! set and restored around one parse by a drop guard (`with_exact`).
//!
//! Layout (private modules): `scalars`, `json_text`, `records`, `lists`,
//! `lazy`, `walk`; the types embedders meet are re-exported here and from
//! [`crate::model`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json_path::{JsonPath, Segment};

mod json_text;
mod lazy;
mod lists;
mod records;
mod scalars;
mod walk;

pub use json_text::JsonText;
pub use lazy::{Lazy, LAZY_NESTING_LIMIT};
pub use lists::List;
pub use records::Record;
pub use scalars::{Flag, Id, Int, Raw, Scalar, Text, Timestamp};
pub use walk::Extra;

// What the typed model (`model::*`) needs to read records: crate-private,
// named one by one so that nothing of the reader leaks by accident.
use records::IntoSlot;
pub(crate) use records::{
    read_record, read_record_boxed, read_record_into, record, scalar_arms, wrong_kind_arms, Key,
};
pub(crate) use scalars::{is_exact, read_scalar, scalar_read, whole_number, with_exact};
pub(crate) use walk::{is_message_key, skim_messages, skim_unknown, Sink, Walk, Walker};

/// The kind of a JSON value, as found in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    /// The kind of a complete JSON value from its source text (a
    /// `RawValue`'s), told by its first byte; empty text counts as `null`.
    pub(crate) fn of_source(text: &str) -> JsonKind {
        match text.as_bytes().first() {
            None | Some(b'n') => JsonKind::Null,
            Some(b'"') => JsonKind::String,
            Some(b'{') => JsonKind::Object,
            Some(b'[') => JsonKind::Array,
            Some(b't' | b'f') => JsonKind::Bool,
            Some(_) => JsonKind::Number,
        }
    }

    /// The kind's name with an article, for messages ("a string").
    pub fn with_article(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "boolean",
            JsonKind::Number => "number",
            JsonKind::String => "string",
            JsonKind::Array => "array",
            JsonKind::Object => "object",
        })
    }
}

/// A value that was present but could not be read as what its field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// What the field holds, in words ("an integer or a digit string").
    pub expected: &'static str,
    /// The kind of value that was found.
    pub found: JsonKind,
    /// The start of the value's source text (at most 60 characters), to quote.
    pub excerpt: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {}, found {}",
            self.expected,
            self.found.with_article()
        )?;
        if !self.excerpt.is_empty() && !matches!(self.found, JsonKind::Array | JsonKind::Object) {
            write!(f, " {}", self.excerpt)?;
        }
        Ok(())
    }
}

/// A field of the model: missing (absent or `null`), a value, or something
/// that could not be read as one.
///
/// Every field of every model type is `Lenient`, because the input is another
/// system's JSON: a field may be absent in one version of the API and present
/// in the next, and a value of the wrong kind must not stop the analysis.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lenient<T> {
    /// The field was absent or `null`.
    #[default]
    Missing,
    /// The field held a value of the expected kind.
    Value(T),
    /// The field held something else; the diagnostics name it.
    Invalid(Box<Invalid>),
}

impl<T> Lenient<T> {
    /// The value, if the field held one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Lenient::Value(v) => Some(v),
            _ => None,
        }
    }

    /// What was found instead of a value, if the field held something else.
    pub fn invalid(&self) -> Option<&Invalid> {
        match self {
            Lenient::Invalid(i) => Some(i),
            _ => None,
        }
    }

    /// True when the field was absent or `null`.
    pub fn is_missing(&self) -> bool {
        matches!(self, Lenient::Missing)
    }

    pub(crate) fn invalid_from(expected: &'static str, found: JsonKind, text: &str) -> Self {
        INVALID_SEEN.with(|n| n.set(n.get().wrapping_add(1)));
        Lenient::Invalid(Box::new(Invalid {
            expected,
            found,
            excerpt: excerpt(text),
        }))
    }
}

thread_local! {
    /// How many `Invalid` values this thread has made. The parser compares it
    /// before and after a parse to skip the diagnostics walk when nothing was
    /// of the wrong kind, which is the common case.
    static INVALID_SEEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The number of `Invalid` values made on this thread so far.
pub(crate) fn invalid_seen() -> u64 {
    INVALID_SEEN.with(std::cell::Cell::get)
}

impl<T: Copy> Lenient<T> {
    /// The value, copied, if the field held one.
    pub fn value(&self) -> Option<T> {
        self.get().copied()
    }
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// How a type reads itself from a JSON value without failing on the wrong kind.
///
/// Implemented by every leaf (through [`Scalar`]) and every record of the
/// model. Only broken JSON returns `Err`. `'de` is the lifetime of the input:
/// text without escapes is borrowed from it, never copied.
pub trait Read<'de>: Sized {
    /// True for records (JSON objects), false for scalars. A list reads a lone
    /// object as a one-element list only when its elements are records.
    const RECORD: bool;

    /// Reads one value from `d`.
    fn read<D: Deserializer<'de>>(d: D) -> Result<Lenient<Self>, D::Error>;

    /// Reads one value into `slot` (an element of a list being filled).
    /// Records override it to be read in place rather than built on the
    /// stack and moved: they are hundreds of bytes, and those moves were
    /// about a tenth of the parse's memory traffic.
    fn read_into<D: Deserializer<'de>>(d: D, slot: &mut Lenient<Self>) -> Result<(), D::Error> {
        *slot = Self::read(d)?;
        Ok(())
    }

    /// Reads one value into a new box; records fill the box in place (see
    /// [`Read::read_into`]).
    fn read_boxed<D: Deserializer<'de>>(d: D) -> Result<Lenient<Box<Self>>, D::Error> {
        Ok(match Self::read(d)? {
            Lenient::Missing => Lenient::Missing,
            Lenient::Value(v) => Lenient::Value(Box::new(v)),
            Lenient::Invalid(i) => Lenient::Invalid(i),
        })
    }
}

impl<'de, T: Read<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d)
    }
}

/// A value that borrows from the input, turned into one that owns its text.
///
/// Behind [`JobSummary::into_owned`](crate::JobSummary::into_owned), for a
/// summary that must outlive the bytes it was parsed from.
pub trait IntoOwned {
    /// The same value, owning its text.
    type Owned: 'static;
    /// Copies whatever text is borrowed.
    fn into_owned(self) -> Self::Owned;
}

/// Implements [`IntoOwned`] for types that borrow nothing.
macro_rules! owned_as_is {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::model::lenient::IntoOwned for $t {
            type Owned = $t;
            fn into_owned(self) -> $t {
                self
            }
        }
    )*};
}
pub(crate) use owned_as_is;

owned_as_is!(Int, Flag, Timestamp);

macro_rules! owned_text {
    ($($t:ident),*) => {$(
        impl IntoOwned for $t<'_> {
            type Owned = $t<'static>;
            fn into_owned(self) -> $t<'static> {
                $t(Cow::Owned(self.0.into_owned()))
            }
        }
    )*};
}
owned_text!(Id, Text);

impl<T: IntoOwned> IntoOwned for Lenient<T> {
    type Owned = Lenient<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        match self {
            Lenient::Missing => Lenient::Missing,
            Lenient::Value(v) => Lenient::Value(v.into_owned()),
            Lenient::Invalid(i) => Lenient::Invalid(i),
        }
    }
}

impl<T: IntoOwned> IntoOwned for Box<T> {
    type Owned = Box<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        Box::new((*self).into_owned())
    }
}

impl<T: IntoOwned> IntoOwned for List<T> {
    type Owned = List<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        List {
            items: self.items.into_iter().map(IntoOwned::into_owned).collect(),
            lone: self.lone,
        }
    }
}

impl IntoOwned for Extra<'_> {
    type Owned = Extra<'static>;
    fn into_owned(self) -> Self::Owned {
        Extra(
            self.0
                .into_iter()
                .map(|(path, text)| (path, Cow::Owned(text.into_owned())))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::scalars::FAST_PATH_DECLINED;
    use super::*;

    /// Reads `json` on the exact path, and checks that the fast path either
    /// declines it or reads the same.
    fn scalar<'a, T: Read<'a> + PartialEq + fmt::Debug>(json: &'a str) -> Lenient<T> {
        let exact =
            with_exact(true, || serde_json::from_str::<Lenient<T>>(json)).expect("valid JSON");
        match with_exact(false, || serde_json::from_str::<Lenient<T>>(json)) {
            Ok(fast) => assert_eq!(fast, exact, "{json}"),
            Err(e) => assert!(e.to_string().contains(FAST_PATH_DECLINED), "{e}"),
        }
        exact
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_or_exponent() {
        assert_eq!(whole_number("-1"), Some(-1));
        assert_eq!(whole_number("-1.0"), Some(-1));
        assert_eq!(whole_number("-0.0"), Some(0));
        assert_eq!(whole_number("1.7958474e12"), Some(1_795_847_400_000));
        assert_eq!(whole_number("1795847400000.000"), Some(1_795_847_400_000));
        assert_eq!(whole_number("1E3"), Some(1000));
        assert_eq!(whole_number("9007199254740992.0"), Some(1 << 53));
        assert_eq!(whole_number("1.5"), None);
        assert_eq!(whole_number("1e300"), None);
        assert_eq!(whole_number("9007199254740994.0"), None);
        // Integer literals are exact at any size an i64 holds.
        assert_eq!(whole_number("9007199254740993"), Some((1 << 53) + 1));

        assert_eq!(scalar::<Int>("2.0"), Lenient::Value(Int(2)));
        assert_eq!(scalar::<Flag>("1.0"), Lenient::Value(Flag(true)));
        assert_eq!(scalar::<Flag>("2.0").value(), None);
        assert_eq!(
            scalar::<Timestamp>("1.7958474e12"),
            Lenient::Value(Timestamp(1_795_847_400_000))
        );
        assert_eq!(scalar::<Timestamp>("1795847400000.5").value(), None);
        // Ids and texts keep the literal as written.
        assert_eq!(scalar::<Text>("1.0").get().map(Text::as_str), Some("1.0"));
    }

    #[test]
    fn json_text_keeps_its_source_and_decodes_on_demand() {
        let read = |json: &'static str| serde_json::from_str::<Lenient<JsonText>>(json).unwrap();
        let escaped = read(r#""{\"valid\":3}""#);
        let escaped = escaped.get().unwrap();
        assert_eq!(escaped.source(), r#""{\"valid\":3}""#);
        assert!(matches!(escaped.source, Cow::Borrowed(_)), "not copied");
        assert_eq!(escaped.text(), r#"{"valid":3}"#);
        let plain = read(r#""{}""#);
        assert!(matches!(plain.get().unwrap().text(), Cow::Borrowed("{}")));
        let object = read(r#"{"valid": 3}"#);
        assert_eq!(object.get().unwrap().text(), r#"{"valid": 3}"#);
        assert_eq!(JsonText::new(r#"{"a":"\""}"#).text(), r#"{"a":"\""}"#);
        assert!(read("null").is_missing());
        for (json, found) in [
            ("[1]", JsonKind::Array),
            ("7", JsonKind::Number),
            ("true", JsonKind::Bool),
        ] {
            assert_eq!(read(json).invalid().map(|i| i.found), Some(found), "{json}");
        }
        // A lone surrogate is a wrong kind now, not an error later.
        assert_eq!(
            read(r#""\ud800""#).invalid().map(|i| i.found),
            Some(JsonKind::String)
        );
    }

    #[test]
    fn ids_keep_every_digit() {
        assert_eq!(
            scalar::<Id>("1405700000756952312").get(),
            Some(&Id("1405700000756952312".into()))
        );
        assert_eq!(
            scalar::<Id>("\"14057000007569523\"").get(),
            Some(&Id("14057000007569523".into()))
        );
        assert_eq!(
            scalar::<Id>("123456789012345678901234567890").get(),
            Some(&Id("123456789012345678901234567890".into()))
        );
        assert!(scalar::<Id>("1.5").invalid().is_some());
        assert!(scalar::<Id>("null").is_missing());
    }

    #[test]
    fn integers_from_numbers_and_digit_strings() {
        assert_eq!(scalar::<Int>("172").value(), Some(Int(172)));
        assert_eq!(scalar::<Int>("\"172\"").value(), Some(Int(172)));
        let bad = scalar::<Int>("\"lots\"");
        assert_eq!(
            bad.invalid().map(|i| i.to_string()).as_deref(),
            Some("expected an integer or a digit string, found a string \"lots\"")
        );
    }

    #[test]
    fn flags_in_every_spelling() {
        for (json, want) in [
            ("true", true),
            ("\"true\"", true),
            ("1", true),
            ("\"1\"", true),
            ("false", false),
            ("\"0\"", false),
            ("0", false),
            ("\"FALSE\"", false),
        ] {
            assert_eq!(scalar::<Flag>(json).value(), Some(Flag(want)), "{json}");
        }
        assert!(scalar::<Flag>("\"yes\"").invalid().is_some());
    }

    #[test]
    fn timestamps_as_epoch_or_rfc3339() {
        assert_eq!(
            scalar::<Timestamp>("1700000000000").value(),
            Some(Timestamp(1_700_000_000_000))
        );
        assert_eq!(
            scalar::<Timestamp>("\"1700000000000\"").value(),
            Some(Timestamp(1_700_000_000_000))
        );
        assert_eq!(
            scalar::<Timestamp>("\"2023-11-14T22:13:20Z\"").value(),
            Some(Timestamp(1_700_000_000_000))
        );
        assert_eq!(
            scalar::<Timestamp>("\"2023-11-15T03:43:20.5+05:30\"").value(),
            Some(Timestamp(1_700_000_000_500))
        );
        assert!(scalar::<Timestamp>("\"yesterday\"").invalid().is_some());
    }

    #[test]
    fn escaped_strings_are_unescaped() {
        assert_eq!(
            scalar::<Text>(r#""a \"b\"\n\u00e9""#)
                .get()
                .map(|t| t.as_str()),
            Some("a \"b\"\né")
        );
    }
}
