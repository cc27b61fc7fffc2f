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

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json_path::{JsonPath, Segment};

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

/// A scalar's source text, classified.
pub enum Raw<'a> {
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// A number, exactly as written.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// An object or an array, as written.
    Composite(JsonKind, &'a str),
}

impl Raw<'_> {
    fn kind(&self) -> JsonKind {
        match self {
            Raw::Str(_) => JsonKind::String,
            Raw::Number(_) => JsonKind::Number,
            Raw::Bool(_) => JsonKind::Bool,
            Raw::Composite(k, _) => *k,
        }
    }
}

/// A leaf value read from its raw source text.
pub trait Scalar<'de>: Sized {
    /// What the field holds, in words, for diagnostics.
    const EXPECTED: &'static str;
    /// Interprets the raw value, or `None` when it is not one of these.
    fn from_raw(raw: Raw<'de>) -> Option<Self>;
    /// Interprets an integer met as a JSON number by the fast path (see
    /// `read_scalar`), or `None` when only the exact path may read it (an
    /// id or a text keeps the number's source text, which the fast path does
    /// not see).
    fn from_integer(_: i64) -> Option<Self> {
        None
    }
}

thread_local! {
    /// Whether scalars are read through their exact source text (see
    /// [`read_scalar`]). Set by the parser for its second, exact pass.
    static EXACT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether scalars are being read on the exact path.
pub(crate) fn is_exact() -> bool {
    EXACT.with(std::cell::Cell::get)
}

/// Runs `f` with scalars read exactly (or not), restoring the mode after.
pub(crate) fn with_exact<R>(exact: bool, f: impl FnOnce() -> R) -> R {
    let before = EXACT.with(|e| e.replace(exact));
    let result = f();
    EXACT.with(|e| e.set(before));
    result
}

/// The message of the error that sends a document from the fast path to
/// the exact one. It never reaches a caller: the parser retries.
pub(crate) const FAST_PATH_DECLINED: &str = "the fast path declined this value";

/// Reads a scalar. Used by the `Read` impl of each scalar.
///
/// Two paths give the same result. The fast one takes the value as
/// serde_json hands it over (a borrowed string, an integer) and declines —
/// with an error that makes the parser start over on the exact path —
/// anything whose reading depends on its source text: a number where an id
/// or a text is expected, a float, `-0`, an object or an array, and any value
/// of the wrong kind (whose diagnostic quotes the source). The exact path
/// reads every scalar through its raw source text (`RawValue`), so a 30-digit
/// id written as a number keeps every digit. Real responses almost never
/// decline, and the fast path does about a sixth less work.
pub(crate) fn read_scalar<'de, T: Scalar<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<T>, D::Error> {
    if is_exact() {
        read_scalar_exact(d)
    } else {
        d.deserialize_any(FastScalar(PhantomData))
    }
}

struct FastScalar<T>(PhantomData<T>);

impl<T> FastScalar<T> {
    fn decline<E: de::Error, V>() -> Result<V, E> {
        Err(E::custom(FAST_PATH_DECLINED))
    }
}

impl<'de, T: Scalar<'de>> Visitor<'de> for FastScalar<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        T::from_raw(Raw::Str(Cow::Borrowed(v)))
            .map_or_else(Self::decline, |v| Ok(Lenient::Value(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::from_raw(Raw::Str(Cow::Owned(v.to_owned())))
            .map_or_else(Self::decline, |v| Ok(Lenient::Value(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .ok()
            .and_then(T::from_integer)
            .map_or_else(Self::decline, |v| Ok(Lenient::Value(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        // `-0` arrives as 0; only its source text says it was negative.
        if v == 0 {
            return Self::decline();
        }
        T::from_integer(v).map_or_else(Self::decline, |v| Ok(Lenient::Value(v)))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Self::decline()
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_raw(Raw::Bool(v)).map_or_else(Self::decline, |v| Ok(Lenient::Value(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Missing)
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Self::decline()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Self::decline()
    }
}

/// The exact path of [`read_scalar`]: through the value's raw source text.
fn read_scalar_exact<'de, T: Scalar<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<T>, D::Error> {
    let raw = <&'de RawValue>::deserialize(d)?;
    let text = raw.get();
    let classified = match JsonKind::of_source(text) {
        JsonKind::Null => return Ok(Lenient::Missing),
        JsonKind::String => {
            if text.contains('\\') {
                match serde_json::from_str::<String>(text) {
                    Ok(s) => Raw::Str(Cow::Owned(s)),
                    Err(_) => {
                        return Ok(Lenient::invalid_from(T::EXPECTED, JsonKind::String, text))
                    }
                }
            } else {
                Raw::Str(Cow::Borrowed(&text[1..text.len() - 1]))
            }
        }
        kind @ (JsonKind::Object | JsonKind::Array) => Raw::Composite(kind, text),
        JsonKind::Bool => Raw::Bool(text.starts_with('t')),
        JsonKind::Number => Raw::Number(text),
    };
    let kind = classified.kind();
    Ok(match T::from_raw(classified) {
        Some(v) => Lenient::Value(v),
        // Only a failure pays for the excerpt: the raw text, strings still quoted.
        None => Lenient::invalid_from(T::EXPECTED, kind, text),
    })
}

/// Implements [`Read`] for scalar types through [`read_scalar`].
macro_rules! scalar_read {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> $crate::model::lenient::Read<'de> for $t {
            const RECORD: bool = false;
            fn read<D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<$crate::model::lenient::Lenient<Self>, D::Error> {
                $crate::model::lenient::read_scalar(d)
            }
        }
    )*};
}
pub(crate) use scalar_read;

/// True for an optional minus sign followed by ASCII digits.
pub(crate) fn is_integer_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The whole number a JSON number literal stands for: an integer literal as
/// it is, and a literal with a fraction or an exponent (`1.0`, `-1.0`,
/// `1.7958474e12`) when its value, read as a float the way JavaScript or
/// Python read every number, is a whole number of at most 2^53. Producers
/// that pass numbers through a float write codes and epoch milliseconds that
/// way, and such readers see `-1.0` as `-1`. Anything else (`1.5`, `1e300`)
/// is `None`, a value of the wrong kind.
pub(crate) fn whole_number(literal: &str) -> Option<i64> {
    if let Ok(n) = literal.parse::<i64>() {
        return Some(n);
    }
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let value: f64 = literal.parse().ok()?;
    // `as` saturates (never UB) and is exact whenever the result is kept.
    (value.is_finite() && value.fract() == 0.0 && value.abs() <= EXACT).then_some(value as i64)
}

/// An identifier, kept exactly as written.
///
/// Ids are 17-digit numbers in practice, written as strings; some producers
/// write them as JSON numbers. Both are kept as text, digit for digit, because
/// a 17-digit integer does not survive a round trip through a float.
///
/// The text is borrowed from the input unless it held escapes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Id<'a>(pub Cow<'a, str>);

impl<'a> Id<'a> {
    /// An id with the given text.
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Id(text.into())
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Scalar<'de> for Id<'de> {
    const EXPECTED: &'static str = "an id (a string or an integer)";
    fn from_raw(raw: Raw<'de>) -> Option<Self> {
        match raw {
            Raw::Str(s) => Some(Id(s)),
            Raw::Number(n) if is_integer_text(n) => Some(Id(Cow::Borrowed(n))),
            _ => None,
        }
    }
}

/// An integer written as a JSON number or as a digit string (`"172"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Int(pub i64);

impl Scalar<'_> for Int {
    const EXPECTED: &'static str = "an integer or a digit string";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Number(n) => whole_number(n).map(Int),
            Raw::Str(s) => s.trim().parse().ok().map(Int),
            _ => None,
        }
    }
    fn from_integer(n: i64) -> Option<Self> {
        Some(Int(n))
    }
}

/// A boolean written as `true`/`false`, `1`/`0`, or any of those as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flag(pub bool);

impl Scalar<'_> for Flag {
    const EXPECTED: &'static str = "a boolean (true/false, 1/0)";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        let text = match raw {
            Raw::Bool(b) => return Some(Flag(b)),
            Raw::Number(n) => return whole_number(n).and_then(Self::from_integer),
            Raw::Str(ref s) => s.trim(),
            Raw::Composite(..) => return None,
        };
        if text == "1" || text.eq_ignore_ascii_case("true") {
            Some(Flag(true))
        } else if text == "0" || text.eq_ignore_ascii_case("false") {
            Some(Flag(false))
        } else {
            None
        }
    }
    fn from_integer(n: i64) -> Option<Self> {
        match n {
            1 => Some(Flag(true)),
            0 => Some(Flag(false)),
            _ => None,
        }
    }
}

/// A point in time, in milliseconds since the Unix epoch (UTC).
///
/// Written as epoch milliseconds (a number or a digit string) or as RFC 3339
/// text (`2025-03-04T10:15:00Z`, `2025-03-04T15:45:00+05:30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    /// `2025-03-04 10:15:00 UTC` (with milliseconds when there are any).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match jiff::Timestamp::from_millisecond(self.0) {
            Ok(t) if self.0 % 1000 == 0 => write!(f, "{} UTC", t.strftime("%Y-%m-%d %H:%M:%S")),
            Ok(t) => write!(f, "{} UTC", t.strftime("%Y-%m-%d %H:%M:%S%.3f")),
            Err(_) => write!(f, "{} ms since the epoch", self.0),
        }
    }
}

impl Scalar<'_> for Timestamp {
    const EXPECTED: &'static str = "a timestamp (epoch milliseconds or RFC 3339)";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Number(n) => whole_number(n).map(Timestamp),
            Raw::Str(s) => {
                let s = s.trim();
                if is_integer_text(s) {
                    s.parse().ok().map(Timestamp)
                } else {
                    s.parse::<jiff::Timestamp>()
                        .ok()
                        .map(|t| Timestamp(t.as_millisecond()))
                }
            }
            _ => None,
        }
    }
    fn from_integer(n: i64) -> Option<Self> {
        Some(Timestamp(n))
    }
}

/// Free text: names, messages, descriptions. A number is kept as its text.
///
/// The text is borrowed from the input unless it held escapes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    /// A text with the given content.
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Text(text.into())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Scalar<'de> for Text<'de> {
    const EXPECTED: &'static str = "a string";
    fn from_raw(raw: Raw<'de>) -> Option<Self> {
        match raw {
            Raw::Str(s) => Some(Text(s)),
            Raw::Number(n) => Some(Text(Cow::Borrowed(n))),
            _ => None,
        }
    }
}

/// JSON kept as written, to be decoded on demand.
///
/// Several fields of the API (`client_meta`, `info`, `quality`,
/// `streams_info`, `connection_json`) hold JSON inside a string. Most analyses
/// never look at them, so they are kept as their source text — the string
/// literal with its quotes and escapes, or an object written directly (as
/// `quality` sometimes is) — and decoded by the typed accessors of the records
/// that hold them. Keeping the literal rather than its content matters for
/// speed: JSON inside a string is full of escaped quotes, and unescaping it
/// would copy every one of these fields of every stage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonText<'a> {
    source: Cow<'a, str>,
}

impl<'a> JsonText<'a> {
    /// A field that holds `text` (the JSON inside the string).
    pub fn new(text: impl AsRef<str>) -> Self {
        // Serialising a `str` cannot fail.
        let literal = serde_json::to_string(text.as_ref()).unwrap_or_default();
        JsonText {
            source: Cow::Owned(literal),
        }
    }

    /// The value as written in the response: a JSON string literal (quotes
    /// and escapes included), or an object.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The JSON the field holds: the string's content (unescaped, copied
    /// only when it held escapes), or the object's source text.
    pub fn text(&self) -> Cow<'_, str> {
        let s: &str = &self.source;
        match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(inner) if !inner.contains('\\') => Cow::Borrowed(inner),
            // Checked to be a string when read, see `Read for JsonText`.
            Some(_) => Cow::Owned(serde_json::from_str::<String>(s).unwrap_or_default()),
            None => Cow::Borrowed(s),
        }
    }
}

impl<'de> Read<'de> for JsonText<'de> {
    const RECORD: bool = false;
    /// Always through the raw source text: skipping a string is cheaper than
    /// unescaping it, and an object needs its source anyway.
    fn read<D: Deserializer<'de>>(d: D) -> Result<Lenient<Self>, D::Error> {
        const EXPECTED: &str = "JSON text or an object";
        let raw = <&'de RawValue>::deserialize(d)?;
        let text = raw.get();
        let source = JsonText {
            source: Cow::Borrowed(text),
        };
        Ok(match JsonKind::of_source(text) {
            JsonKind::Null => Lenient::Missing,
            // serde_json checks escapes when it skips a string, except that
            // a `\u` escape may be a lone surrogate: decode those now so that
            // `text()` cannot fail later.
            JsonKind::String
                if text.contains("\\u") && serde_json::from_str::<String>(text).is_err() =>
            {
                Lenient::invalid_from(EXPECTED, JsonKind::String, text)
            }
            JsonKind::String | JsonKind::Object => Lenient::Value(source),
            kind => Lenient::invalid_from(EXPECTED, kind, text),
        })
    }
}

impl IntoOwned for JsonText<'_> {
    type Owned = JsonText<'static>;
    fn into_owned(self) -> JsonText<'static> {
        JsonText {
            source: Cow::Owned(self.source.into_owned()),
        }
    }
}

scalar_read!(Id<'de>, Int, Flag, Timestamp, Text<'de>);

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

// ---------------------------------------------------------------------------
// Records and lists.

/// A record of the model: a JSON object read field by field.
///
/// Implemented by the `record!` macro; unknown fields are skimmed for
/// `message` / `error_message` strings (kept in [`Extra`]) and otherwise
/// ignored.
pub trait Record<'de>: Default {
    /// Reads the value of `key` from `map` into the matching field.
    fn read_field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Reads a record, or notes what was found instead of an object.
pub(crate) fn read_record<'de, T: Record<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<T>, D::Error> {
    let mut record = T::default();
    let filled = d.deserialize_any(FillVisitor(&mut record))?;
    Ok(filled.holding(record))
}

/// Visitor arms shared by records and lists for the kinds they do not take.
macro_rules! wrong_kind_arms {
    ($expected:expr) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Lenient::invalid_from(
                $expected,
                JsonKind::Bool,
                if v { "true" } else { "false" },
            ))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Lenient::invalid_from(
                $expected,
                JsonKind::Number,
                &v.to_string(),
            ))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Lenient::invalid_from(
                $expected,
                JsonKind::Number,
                &v.to_string(),
            ))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Lenient::invalid_from(
                $expected,
                JsonKind::Number,
                &v.to_string(),
            ))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Lenient::invalid_from(
                $expected,
                JsonKind::String,
                &format!("{v:?}"),
            ))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Lenient::Missing)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Lenient::Missing)
        }
    };
}

/// Reads a record into `slot` in place; see [`Read::read_into`].
pub(crate) fn read_record_into<'de, T: Record<'de>, D: Deserializer<'de>>(
    d: D,
    slot: &mut Lenient<T>,
) -> Result<(), D::Error> {
    if !matches!(slot, Lenient::Value(_)) {
        *slot = Lenient::Value(T::default());
    }
    if let Lenient::Value(record) = slot {
        match d.deserialize_any(FillVisitor(record))? {
            Lenient::Value(()) => {}
            Lenient::Missing => *slot = Lenient::Missing,
            Lenient::Invalid(i) => *slot = Lenient::Invalid(i),
        }
    }
    Ok(())
}

/// Reads a record into a new box, in place; see [`Read::read_boxed`].
pub(crate) fn read_record_boxed<'de, T: Record<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Box<T>>, D::Error> {
    let mut record = Box::<T>::default();
    let filled = d.deserialize_any(FillVisitor(&mut *record))?;
    Ok(filled.holding(record))
}

impl Lenient<()> {
    /// What a [`FillVisitor`] found, holding the record it filled.
    fn holding<R>(self, record: R) -> Lenient<R> {
        match self {
            Lenient::Value(()) => Lenient::Value(record),
            Lenient::Missing => Lenient::Missing,
            Lenient::Invalid(i) => Lenient::Invalid(i),
        }
    }
}

/// Fills a record from an object, and says what it found: `Value(())` for
/// an object, `Missing` for `null`, `Invalid` for any other kind.
struct FillVisitor<'r, T>(&'r mut T);

impl<'de, T: Record<'de>> Visitor<'de> for FillVisitor<'_, T> {
    type Value = Lenient<()>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    wrong_kind_arms!("an object");

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            self.0.read_field(&key.0, &mut map)?;
        }
        Ok(Lenient::Value(()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient::invalid_from("an object", JsonKind::Array, ""))
    }
}

/// Reads the next element of a list into its slot.
struct IntoSlot<'r, T>(&'r mut Lenient<T>);

impl<'de, T: Read<'de>> de::DeserializeSeed<'de> for IntoSlot<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        T::read_into(d, self.0)
    }
}

/// An object key, borrowed from the input when it holds no escapes.
pub(crate) struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON array of values of one type; also takes a lone object where the
/// elements are records, because single audits and lists of audits both occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T> {
    items: Vec<Lenient<T>>,
    /// Read from a lone object, not an array: its element has no index in
    /// the input, so paths into it have none either.
    lone: bool,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List::new(Vec::new())
    }
}

impl<T> List<T> {
    /// A list read from an array.
    pub fn new(items: Vec<Lenient<T>>) -> Self {
        List { items, lone: false }
    }

    /// A list of one, read from a lone object where an array was expected.
    pub fn lone(item: Lenient<T>) -> Self {
        List {
            items: vec![item],
            lone: true,
        }
    }

    /// Every element, readable or not.
    pub fn as_slice(&self) -> &[Lenient<T>] {
        &self.items
    }

    /// True when the input held one object here, not an array.
    pub fn is_lone(&self) -> bool {
        self.lone
    }

    /// The path step to element `index`: none for a lone object.
    pub fn step(&self, index: usize) -> Option<Segment> {
        (!self.lone).then_some(Segment::Index(index))
    }

    /// The elements that were read as values, with their index in the array.
    pub fn values(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.get().map(|v| (i, v)))
    }

    /// Number of elements, readable or not.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the array is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> Lenient<List<T>> {
    /// The elements of a list field that could be read, with their index in
    /// the array; nothing when the field is missing or not a list.
    pub fn items(&self) -> impl Iterator<Item = (usize, &T)> {
        self.get().into_iter().flat_map(List::values)
    }

    /// The path step to element `index` of a list field: none when the
    /// input held a lone object there.
    pub fn step(&self, index: usize) -> Option<Segment> {
        match self.get() {
            Some(list) => list.step(index),
            None => Some(Segment::Index(index)),
        }
    }
}

impl<'de, T: Read<'de>> Read<'de> for List<T> {
    const RECORD: bool = false;
    fn read<D: Deserializer<'de>>(d: D) -> Result<Lenient<Self>, D::Error> {
        d.deserialize_any(ListVisitor::<T>(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Read<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Lenient<List<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    wrong_kind_arms!("an array");

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items: Vec<Lenient<T>> = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        // Each element is read into its place in the list; the slot made for
        // the element after the last is taken back.
        loop {
            items.push(Lenient::Missing);
            let Some(slot) = items.last_mut() else { break };
            if seq.next_element_seed(IntoSlot(slot))?.is_none() {
                items.pop();
                break;
            }
        }
        Ok(Lenient::Value(List::new(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        if T::RECORD {
            let one = T::read(de::value::MapAccessDeserializer::new(map))?;
            return Ok(Lenient::Value(List::lone(one)));
        }
        let mut map = map;
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Lenient::invalid_from("an array", JsonKind::Object, ""))
    }
}

// ---------------------------------------------------------------------------
// Records read on demand.

/// A record kept as its JSON text and read on demand with [`Lazy::parse`].
///
/// The response nests a whole user (with a profile) in every dataset,
/// datasource, connection and task definition, and a copy of the run in
/// every stage. No analysis reads them, and building them took about a
/// quarter of the parse; captured as text they cost what skipping them costs.
/// Messages inside them still count as failure evidence (the evidence walk
/// reads them); a value of the wrong kind inside them is not among the parser's
/// diagnostics, but shows as [`Lenient::Invalid`] in what `parse` returns.
#[derive(Clone, PartialEq)]
pub struct Lazy<'a, T> {
    inner: LazyInner<'a, T>,
}

#[derive(Clone, PartialEq)]
enum LazyInner<'a, T> {
    /// The record's text, borrowed from the input.
    Text(&'a str, PhantomData<fn() -> T>),
    /// Read once by [`IntoOwned`], with the text it was read from.
    Owned(String, Box<Lenient<T>>),
}

impl<'a, T: Read<'a> + Clone> Lazy<'a, T> {
    /// Reads the record. Its text was checked to be a JSON object when the
    /// response was parsed, so this reads it like any other record.
    pub fn parse(&self) -> Lenient<T> {
        match &self.inner {
            // The text is a complete JSON value cut from input that parsed,
            // so an error is impossible; `Missing` keeps that promise
            // panic-free.
            // Read on the exact path: this is one record, read on demand.
            LazyInner::Text(text, _) => with_exact(true, || {
                serde_json::from_str(text).unwrap_or(Lenient::Missing)
            }),
            LazyInner::Owned(_, value) => (**value).clone(),
        }
    }
}

impl<T> Lazy<'_, T> {
    /// The record's JSON text, as written in the response.
    pub fn json(&self) -> &str {
        match &self.inner {
            LazyInner::Text(text, _) => text,
            LazyInner::Owned(text, _) => text,
        }
    }
}

impl<'a, T: Read<'a> + Clone + fmt::Debug> fmt::Debug for Lazy<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parse() {
            Lenient::Value(v) => v.fmt(f),
            other => other.fmt(f),
        }
    }
}

impl<'a, T: Read<'a> + Clone + IntoOwned> IntoOwned for Lazy<'a, T> {
    type Owned = Lazy<'static, T::Owned>;
    fn into_owned(self) -> Self::Owned {
        let value = self.parse().into_owned();
        Lazy {
            inner: LazyInner::Owned(self.json().to_owned(), Box::new(value)),
        }
    }
}

impl<'de, T: Read<'de>> Read<'de> for Lazy<'de, T> {
    const RECORD: bool = T::RECORD;
    fn read<D: Deserializer<'de>>(d: D) -> Result<Lenient<Self>, D::Error> {
        let text = <&'de RawValue>::deserialize(d)?.get();
        Ok(match JsonKind::of_source(text) {
            JsonKind::Null => Lenient::Missing,
            JsonKind::Object => Lenient::Value(Lazy {
                inner: LazyInner::Text(text, PhantomData),
            }),
            // An array is not quoted, as in every other wrong-kind note.
            JsonKind::Array => Lenient::invalid_from("an object", JsonKind::Array, ""),
            kind => Lenient::invalid_from("an object", kind, text),
        })
    }
}

impl<'a, T: Read<'a> + Clone + Walk> Walk for Lazy<'a, T> {
    fn walk(&self, w: &mut Walker<'_>) {
        if w.into_lazy {
            self.parse().walk(w);
        }
    }
}

// ---------------------------------------------------------------------------
// Messages in fields the model does not know.

/// `message` / `error_message` strings found in fields the model does not
/// name, with their path relative to the record that holds them.
///
/// The API grows fields (logs, nested audits) that carry failure text; a
/// report must not lose it because the model has no name for the field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extra<'a>(pub Vec<(JsonPath, Cow<'a, str>)>);

/// The keys whose string values are failure evidence wherever they occur.
pub(crate) fn is_message_key(key: &str) -> bool {
    key == "message" || key == "error_message"
}

/// Skims the value of the unknown field `key`, keeping message strings.
pub(crate) fn skim_unknown<'de, A: MapAccess<'de>>(
    key: &str,
    map: &mut A,
    extra: &mut Extra<'de>,
) -> Result<(), A::Error> {
    let mut stack = JsonPath::new().with_key(key);
    map.next_value_seed(Skim {
        stack: &mut stack,
        out: extra,
        message_key: is_message_key(key),
    })
}

struct Skim<'a, 'de> {
    stack: &'a mut JsonPath,
    out: &'a mut Extra<'de>,
    message_key: bool,
}

impl<'de> DeserializeSeed<'de> for Skim<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skim<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if self.message_key && !v.is_empty() {
            self.out
                .0
                .push((self.stack.clone(), Cow::Owned(v.to_owned())));
        }
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        if self.message_key && !v.is_empty() {
            self.out.0.push((self.stack.clone(), Cow::Borrowed(v)));
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let message_key = is_message_key(&key.0);
            self.stack.push(Segment::Key(key.0.into()));
            map.next_value_seed(Skim {
                stack: self.stack,
                out: self.out,
                message_key,
            })?;
            self.stack.pop();
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.stack.push(Segment::Index(index));
            let more = seq
                .next_element_seed(Skim {
                    stack: self.stack,
                    out: self.out,
                    message_key: false,
                })?
                .is_some();
            self.stack.pop();
            if !more {
                return Ok(());
            }
            index += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// Walking the typed tree with paths.

/// What a walk reports to.
pub(crate) trait Sink {
    /// A field held a value of the wrong kind.
    fn invalid(&mut self, _path: &JsonPath, _invalid: &Invalid) {}
    /// A text field `key` (the last segment of `path`) holds `text`.
    fn text(&mut self, _path: &JsonPath, _key: &str, _text: &str) {}
}

/// Carries the current path through a walk.
pub(crate) struct Walker<'a> {
    pub path: JsonPath,
    pub sink: &'a mut dyn Sink,
    /// Whether to read and walk [`Lazy`] records (the evidence walk does;
    /// the parser's diagnostics walk does not, see [`Lazy`]).
    pub into_lazy: bool,
}

impl Walker<'_> {
    /// Walks `value` as the field `name` of the current record.
    pub fn field<T: Walk + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.path.push(Segment::Field(name));
        value.walk(self);
        self.path.pop();
    }
}

/// A value that can be walked with its JSON path.
pub(crate) trait Walk {
    fn walk(&self, w: &mut Walker<'_>);
}

impl<T: Walk> Walk for Lenient<T> {
    fn walk(&self, w: &mut Walker<'_>) {
        match self {
            Lenient::Missing => {}
            Lenient::Value(v) => v.walk(w),
            Lenient::Invalid(inv) => w.sink.invalid(&w.path, inv),
        }
    }
}

impl<T: Walk> Walk for List<T> {
    fn walk(&self, w: &mut Walker<'_>) {
        if self.lone {
            // A lone object read as a one-element list has no index in the input.
            for item in &self.items {
                item.walk(w);
            }
            return;
        }
        for (i, item) in self.items.iter().enumerate() {
            w.path.push(Segment::Index(i));
            item.walk(w);
            w.path.pop();
        }
    }
}

impl<T: Walk> Walk for Box<T> {
    fn walk(&self, w: &mut Walker<'_>) {
        (**self).walk(w)
    }
}

impl Walk for Text<'_> {
    fn walk(&self, w: &mut Walker<'_>) {
        let key = match w.path.segments().last() {
            Some(Segment::Field(k)) => *k,
            _ => "",
        };
        w.sink.text(&w.path, key, &self.0);
    }
}

impl Walk for Extra<'_> {
    fn walk(&self, w: &mut Walker<'_>) {
        for (rel, text) in &self.0 {
            let depth = w.path.len();
            for seg in rel.segments() {
                w.path.push(seg.clone());
            }
            let key = match rel.segments().last() {
                Some(Segment::Key(k)) => &**k,
                _ => "",
            };
            w.sink.text(&w.path, key, text);
            w.path.truncate(depth);
        }
    }
}

macro_rules! walk_nothing {
    ($($t:ty),*) => {$(
        impl Walk for $t {
            fn walk(&self, _: &mut Walker<'_>) {}
        }
    )*};
}
walk_nothing!(Id<'_>, Int, Flag, Timestamp, JsonText<'_>);

/// Declares a record of the model: the struct, its lenient reader and its walk.
///
/// Each field is written `name: Type` or `name as "json_name": Type`; the
/// type is wrapped in [`Lenient`]. Types that borrow from the input name the
/// record's lifetime (`Text<'a>`). Unknown fields are skimmed into `extra`.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<$lt:lifetime> {
            $(
                $(#[doc = $doc:literal])*
                $field:ident $(as $json:literal)? : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct $name<$lt> {
            $(
                $(#[doc = $doc])*
                pub $field: $crate::model::lenient::Lenient<$ty>,
            )*
            /// `message` / `error_message` strings found in fields the model
            /// does not name.
            pub extra: $crate::model::lenient::Extra<$lt>,
        }

        impl<$lt> $crate::model::lenient::Record<$lt> for $name<$lt> {
            fn read_field<A: serde::de::MapAccess<$lt>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                // A `match` on the key compiles to a length switch and one
                // comparison, not a comparison per field.
                match key {
                    $(
                        $crate::model::lenient::record!(@json $field $($json)?) => {
                            self.$field = map.next_value()?;
                            Ok(())
                        }
                    )*
                    _ => $crate::model::lenient::skim_unknown(key, map, &mut self.extra),
                }
            }
        }

        impl<$lt> $crate::model::lenient::Read<$lt> for $name<$lt> {
            const RECORD: bool = true;
            fn read<D: serde::Deserializer<$lt>>(
                d: D,
            ) -> Result<$crate::model::lenient::Lenient<Self>, D::Error> {
                $crate::model::lenient::read_record(d)
            }
            fn read_into<D: serde::Deserializer<$lt>>(
                d: D,
                slot: &mut $crate::model::lenient::Lenient<Self>,
            ) -> Result<(), D::Error> {
                $crate::model::lenient::read_record_into(d, slot)
            }
            fn read_boxed<D: serde::Deserializer<$lt>>(
                d: D,
            ) -> Result<$crate::model::lenient::Lenient<Box<Self>>, D::Error> {
                $crate::model::lenient::read_record_boxed(d)
            }
        }

        impl<$lt> $crate::model::lenient::IntoOwned for $name<$lt> {
            type Owned = $name<'static>;
            fn into_owned(self) -> $name<'static> {
                $name {
                    $( $field: $crate::model::lenient::IntoOwned::into_owned(self.$field), )*
                    extra: $crate::model::lenient::IntoOwned::into_owned(self.extra),
                }
            }
        }

        impl $crate::model::lenient::Walk for $name<'_> {
            fn walk(&self, w: &mut $crate::model::lenient::Walker<'_>) {
                $( w.field($crate::model::lenient::record!(@json $field $($json)?), &self.$field); )*
                $crate::model::lenient::Walk::walk(&self.extra, w);
            }
        }
    };
    (@json $field:ident $json:literal) => { $json };
    (@json $field:ident) => { stringify!($field) };
}
pub(crate) use record;

#[cfg(test)]
mod tests {
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
