//! Fields that hold JSON inside a string, kept as written and decoded on demand.

#[allow(unused_imports)]
use super::*;

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
    pub(super) source: Cow<'a, str>,
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
