//! JSON paths into the response, written as `jq` writes them.
//!
//! Every evidence text and every diagnostic says where in the response it
//! came from, so that a person can look with
//! `jq '.pipelinerun.pipelinetaskinstances[2].datasetaudit.error_message'`
//! and a tool can resolve it ([`JsonPath::resolve`]). A path is a list of
//! [`Segment`]s, built by pushing and popping as a walk goes down and up,
//! and written out only when shown ([`fmt::Display`]):
//!
//! - a plain key (ASCII letters, digits, `_`, not starting with a digit) is
//!   written `.key` (no dot before the first);
//! - any other key is written `["odd key"]`, as a JSON string;
//! - an array element is written `[n]` — only where the input holds an
//!   array: an audit written as one object has no `[0]`, because the model
//!   remembers that its one-element list was a lone object.
//!
//! The text form parses back ([`str::parse`]), which is how a path read from
//! our JSON output becomes a `JsonPath` again. A key longer than 200
//! characters is written shortened ([`crate::limits::shorten`]); such a path
//! is the one kind that does not resolve in the input.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A field the model knows, by its JSON name.
    Field(&'static str),
    /// Any other object key, as written in the input (shared: a path is
    /// cloned for every message under it, and a key may be long).
    Key(std::sync::Arc<str>),
    /// An array element.
    Index(usize),
}

impl Segment {
    /// The key this step names, if it is a field or a key.
    pub fn key(&self) -> Option<&str> {
        match self {
            Segment::Field(k) => Some(k),
            Segment::Key(k) => Some(&**k),
            Segment::Index(_) => None,
        }
    }
}

/// A path from the top of the response to one value in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

impl JsonPath {
    /// The empty path: the top level.
    pub fn new() -> Self {
        JsonPath::default()
    }

    /// A path of one known field.
    pub fn field(name: &'static str) -> Self {
        JsonPath {
            segments: vec![Segment::Field(name)],
        }
    }

    /// The steps, first first.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// True for the top level.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Appends one step.
    pub fn push(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    /// Removes the last step.
    pub fn pop(&mut self) -> Option<Segment> {
        self.segments.pop()
    }

    /// Keeps the first `len` steps.
    pub fn truncate(&mut self, len: usize) {
        self.segments.truncate(len);
    }

    /// This path with `segment` appended.
    #[must_use]
    pub fn with(mut self, segment: Segment) -> Self {
        self.segments.push(segment);
        self
    }

    /// This path with a known field appended.
    #[must_use]
    pub fn with_field(self, name: &'static str) -> Self {
        self.with(Segment::Field(name))
    }

    /// This path with an object key appended.
    #[must_use]
    pub fn with_key(self, key: &str) -> Self {
        self.with(Segment::Key(key.into()))
    }

    /// This path with an array index appended.
    #[must_use]
    pub fn with_index(self, index: usize) -> Self {
        self.with(Segment::Index(index))
    }

    /// This path followed by every step of `rest`.
    #[must_use]
    pub fn join(mut self, rest: &JsonPath) -> Self {
        self.segments.extend(rest.segments.iter().cloned());
        self
    }

    /// The key of the last step, when it is a field or a key.
    pub fn last_key(&self) -> Option<&str> {
        self.segments.last().and_then(Segment::key)
    }

    /// The value this path names in `doc`, if there is one.
    ///
    /// A path may go on inside a field that holds JSON in a string
    /// (`streams_info`, `quality`, …): a step below a string value reads the
    /// string as JSON first, as `jq '.streams_info | fromjson | .s1'` would.
    pub fn resolve(&self, doc: &serde_json::Value) -> Option<serde_json::Value> {
        let mut at = std::borrow::Cow::Borrowed(doc);
        for seg in &self.segments {
            if let serde_json::Value::String(text) = &*at {
                at = std::borrow::Cow::Owned(serde_json::from_str(text).ok()?);
            }
            let next = match seg {
                Segment::Index(i) => at.as_array()?.get(*i)?,
                other => at.as_object()?.get(other.key()?)?,
            };
            at = std::borrow::Cow::Owned(next.clone());
        }
        Some(at.into_owned())
    }
}

/// True for a key `jq` accepts after a dot.
fn is_plain(key: &str) -> bool {
    let mut bytes = key.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Index(n) => write!(f, "[{n}]")?,
                other => {
                    // A key longer than 200 characters is shortened: such a
                    // path no longer resolves, but it cannot multiply the
                    // input in the output either.
                    let key = crate::limits::shorten(other.key().unwrap_or_default());
                    let key = &*key;
                    if is_plain(key) {
                        if i > 0 {
                            f.write_str(".")?;
                        }
                        f.write_str(key)?;
                    } else {
                        // A JSON string literal is what jq reads in brackets.
                        let quoted = serde_json::to_string(key).map_err(|_| fmt::Error)?;
                        write!(f, "[{quoted}]")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A path text that is not in the notation [`JsonPath`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a JSON path at byte {at}: {what}")]
pub struct ParsePathError {
    /// Byte offset of the problem.
    pub at: usize,
    /// What was expected there.
    pub what: &'static str,
}

impl FromStr for JsonPath {
    type Err = ParsePathError;

    /// Reads the notation [`JsonPath`] writes. Keys read back as
    /// [`Segment::Key`] (the reader cannot know which were model fields).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        let mut path = JsonPath::new();
        let mut i = 0;
        let err = |at, what| ParsePathError { at, what };
        while i < bytes.len() {
            match bytes[i] {
                b'[' if bytes.get(i + 1) == Some(&b'"') => {
                    // A JSON string, then `]`: let serde_json find its end.
                    let mut stream =
                        serde_json::Deserializer::from_str(&text[i + 1..]).into_iter::<String>();
                    let key = match stream.next() {
                        Some(Ok(k)) => k,
                        _ => return Err(err(i + 1, "a JSON string")),
                    };
                    i += 1 + stream.byte_offset();
                    if bytes.get(i) != Some(&b']') {
                        return Err(err(i, "`]`"));
                    }
                    i += 1;
                    path.push(Segment::Key(key.into()));
                }
                b'[' => {
                    let start = i + 1;
                    let end = start
                        + bytes[start..]
                            .iter()
                            .take_while(|b| b.is_ascii_digit())
                            .count();
                    if end == start || bytes.get(end) != Some(&b']') {
                        return Err(err(start, "an index and `]`"));
                    }
                    let n = text[start..end]
                        .parse()
                        .map_err(|_| err(start, "an index that fits"))?;
                    path.push(Segment::Index(n));
                    i = end + 1;
                }
                b'.' if i > 0 => {
                    let start = i + 1;
                    let end = start
                        + bytes[start..]
                            .iter()
                            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                            .count();
                    if !is_plain(&text[start..end]) {
                        return Err(err(start, "a plain key"));
                    }
                    path.push(Segment::Key(text[start..end].into()));
                    i = end;
                }
                _ if i == 0 => {
                    let end = bytes
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                        .count();
                    if !is_plain(&text[..end]) {
                        return Err(err(0, "a plain key or `[`"));
                    }
                    path.push(Segment::Key(text[..end].into()));
                    i = end;
                }
                _ => return Err(err(i, "`.` or `[`")),
            }
        }
        Ok(path)
    }
}

impl Serialize for JsonPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for JsonPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for JsonPath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "JsonPath".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A path into the response in jq notation without the leading dot: `pipelinerun.pipelinetaskinstances[2].datasetaudit.error_message`; `[n]` only where the input holds an array, `[\"odd key\"]` for keys that are not plain identifiers."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segs: Vec<Segment>) -> JsonPath {
        JsonPath { segments: segs }
    }

    #[test]
    fn written_as_jq_writes_it() {
        let p = JsonPath::field("pipelinerun")
            .with_field("pipelinetaskinstances")
            .with_index(2)
            .with_field("datasetaudit")
            .with_field("error_message");
        assert_eq!(
            p.to_string(),
            "pipelinerun.pipelinetaskinstances[2].datasetaudit.error_message"
        );
        let odd = JsonPath::new()
            .with_key("odd key")
            .with_key("7up")
            .with_key("a\"b")
            .with_index(0)
            .with_key("ok_1");
        assert_eq!(odd.to_string(), r#"["odd key"]["7up"]["a\"b"][0].ok_1"#);
        assert_eq!(JsonPath::new().with_index(3).to_string(), "[3]");
        assert_eq!(JsonPath::new().with_key("").to_string(), r#"[""]"#);
    }

    #[test]
    fn parses_back_what_it_writes() {
        for p in [
            path(vec![]),
            path(vec![Segment::Key("a".into()), Segment::Index(10)]),
            path(vec![
                Segment::Key("x y".into()),
                Segment::Key("é]\"[".into()),
                Segment::Key("b".into()),
            ]),
            path(vec![Segment::Index(0), Segment::Key("_a1".into())]),
        ] {
            let text = p.to_string();
            assert_eq!(text.parse::<JsonPath>(), Ok(p), "{text}");
        }
        assert!("a..b".parse::<JsonPath>().is_err());
        assert!("a[x]".parse::<JsonPath>().is_err());
        assert!("[\"a\"".parse::<JsonPath>().is_err());
        assert!(".a".parse::<JsonPath>().is_err());
    }

    #[test]
    fn resolves_in_a_document() {
        let doc = serde_json::json!({"a": [{"b c": "x"}], "d": {"e": 1}});
        let p: JsonPath = r#"a[0]["b c"]"#.parse().unwrap();
        assert_eq!(p.resolve(&doc), Some(serde_json::json!("x")));
        let inner = serde_json::json!({"s": "{\"k\": [1, 2]}"});
        let p: JsonPath = "s.k[1]".parse().unwrap();
        assert_eq!(p.resolve(&inner), Some(serde_json::json!(2)));
        let missing: JsonPath = "d[0]".parse().unwrap();
        assert_eq!(missing.resolve(&doc), None);
    }
}
