//! Scalars: ids, integers, flags, timestamps and texts, each read through
//! one of two paths (see [`read_scalar`]).

#[allow(unused_imports)]
use super::*;

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

/// Runs `f` with scalars read exactly (or not), restoring the mode after —
/// also when `f` unwinds, so a caller that catches a panic does not read
/// the next document in the wrong mode.
pub(crate) fn with_exact<R>(exact: bool, f: impl FnOnce() -> R) -> R {
    /// Puts the mode back when dropped.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            EXACT.with(|e| e.set(self.0));
        }
    }
    let _restore = Restore(EXACT.with(|e| e.replace(exact)));
    f()
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

impl Timestamp {
    /// `millis` as a timestamp when it is a moment a calendar can name
    /// (years -9999 to 9999, as jiff reads them): `i64::MAX` milliseconds is
    /// not a completion time but a placeholder or garbage, and durations
    /// computed from it would read "106751970382d of work".
    fn in_range(millis: i64) -> Option<Timestamp> {
        // Two comparisons on the parse's hot path; the bounds are jiff's
        // (checked in a test), so every timestamp kept can be printed.
        (Self::MIN_MS..=Self::MAX_MS)
            .contains(&millis)
            .then_some(Timestamp(millis))
    }

    /// The first millisecond jiff can name: -009999-01-02T01:59:59Z.
    const MIN_MS: i64 = -377_705_023_201_000;
    /// The last millisecond jiff can name: 9999-12-30T22:00:00.999Z.
    const MAX_MS: i64 = 253_402_207_200_999;
}

impl Scalar<'_> for Timestamp {
    const EXPECTED: &'static str = "a timestamp (epoch milliseconds or RFC 3339)";
    fn from_raw(raw: Raw<'_>) -> Option<Self> {
        match raw {
            Raw::Number(n) => whole_number(n).and_then(Timestamp::in_range),
            Raw::Str(s) => {
                let s = s.trim();
                if is_integer_text(s) {
                    s.parse().ok().and_then(Timestamp::in_range)
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
        Timestamp::in_range(n)
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

#[cfg(test)]
mod timestamp_range {
    use super::Timestamp;

    #[test]
    fn the_bounds_are_jiffs() {
        assert_eq!(
            jiff::Timestamp::MIN.as_millisecond(),
            Timestamp::MIN_MS,
            "jiff's first millisecond"
        );
        assert_eq!(jiff::Timestamp::MAX.as_millisecond(), Timestamp::MAX_MS);
        assert!(Timestamp::in_range(Timestamp::MAX_MS).is_some());
        assert!(Timestamp::in_range(Timestamp::MAX_MS + 1).is_none());
        assert!(Timestamp::in_range(i64::MAX).is_none());
        assert!(Timestamp::in_range(i64::MIN).is_none());
        assert!(Timestamp::in_range(1_795_847_400_000).is_some());
    }
}
