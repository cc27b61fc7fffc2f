//! Typed views of the fields that hold JSON inside a string.
//!
//! `client_meta`, `info`, `quality`, `streams_info` and `connection_json` are
//! strings whose content is JSON. They are decoded only when asked for, so a
//! malformed one costs nothing unless a report needs it, and then it is an
//! error that names the field rather than a failed parse of the whole response.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::lenient::{JsonText, Lenient};
use crate::error::{Error, Result};

/// Decodes a JSON-in-string field. Missing, empty, or of the wrong kind (already
/// reported as a diagnostic) gives `Ok(None)`.
pub(crate) fn decode<T: for<'de> Deserialize<'de>>(
    field: &Lenient<JsonText>,
    name: &'static str,
) -> Result<Option<T>> {
    let Some(text) = field.get() else {
        return Ok(None);
    };
    let text = text.text();
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::EmbeddedJson {
            field: name,
            line: e.line(),
            column: e.column(),
            message: crate::error::strip_position(&e),
        })
}

/// An integer written as a number or a digit string; anything else is `None`.
fn loose_int<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        // As `Int` reads it: a whole number written as a float is that
        // number; 2.5 is no integer.
        Value::Number(n) => n
            .as_i64()
            .or_else(|| super::lenient::whole_number(&n.to_string())),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// `client_meta`: where the stage sits in the pipeline builder.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ClientMeta {
    /// Distance from the top, in pixels.
    pub top: Option<f64>,
    /// Distance from the left, in pixels.
    pub left: Option<f64>,
    /// Layout version.
    #[serde(deserialize_with = "loose_int")]
    pub version: Option<i64>,
}

/// `info` of an export audit.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ExportInfo {
    /// The retry the export was on.
    #[serde(rename = "currentRetry", deserialize_with = "loose_int")]
    pub current_retry: Option<i64>,
}

/// `quality` of an export metric: how many values were valid, invalid, missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Quality {
    /// Valid values.
    #[serde(deserialize_with = "loose_int")]
    pub valid: Option<i64>,
    /// Invalid values; above zero, the quality gate may hold the export back.
    #[serde(deserialize_with = "loose_int")]
    pub invalid: Option<i64>,
    /// Missing values.
    #[serde(deserialize_with = "loose_int")]
    pub missing: Option<i64>,
}

/// `connection_json`: service details of a connection.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ConnectionInfo {
    /// The service, e.g. "box".
    pub servicename: Option<String>,
    /// The account id at the service.
    #[serde(rename = "accountId")]
    pub account_id: Option<Value>,
    /// The account's email.
    pub display_email: Option<String>,
    /// The account's display name.
    pub display_name: Option<String>,
    /// Whether the connection is authorised.
    pub is_authorised: Option<Value>,
}

/// `streams_info`: the streams an import read, keyed by stream id, in the
/// order they are written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Streams(pub Vec<Stream>);

/// One entry of `streams_info`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Stream {
    /// The key the entry was under (the catalog stream id).
    pub key: String,
    /// `execution_status` as written ("SUCCESS", "FAILURE", ...).
    pub execution_status: Option<String>,
    /// Progress in percent.
    pub progress: Option<f64>,
    /// Bytes read.
    pub size: Option<i64>,
    /// The whole entry as written in `streams_info`, so that nothing it says
    /// is lost and the evidence quotes it unchanged.
    pub text: String,
    /// The entry's position when `streams_info` is a list rather than an
    /// object (its `key` is then the position as text).
    pub position: Option<usize>,
}

impl Stream {
    /// True unless the entry says `SUCCESS` (case-insensitive).
    pub fn is_failed(&self) -> bool {
        !self
            .execution_status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("success"))
    }
}

impl<'de> Deserialize<'de> for Streams {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // Read entry by entry rather than through `Value`, whose map sorts
        // its keys: the entries keep the order and the text they were
        // written with, and the evidence quotes them as written.
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Streams;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of stream id to stream, or a list of streams")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Streams, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    entries.push(Stream::read(key, None, map.next_value()?));
                }
                Ok(Streams(entries))
            }
            // A list of entries is taken too, keyed by position.
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Streams, A::Error> {
                let mut entries = Vec::new();
                while let Some(text) = seq.next_element::<Box<RawValue>>()? {
                    let at = entries.len();
                    entries.push(Stream::read(at.to_string(), Some(at), text));
                }
                Ok(Streams(entries))
            }
            // Anything else holds no stream.
            crate::model::lenient::scalar_arms!(_kind, _text => Streams::default());
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Streams, E> {
                Ok(Streams::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl Stream {
    /// An entry from its text, as written.
    fn read(key: String, position: Option<usize>, text: Box<RawValue>) -> Stream {
        // Only the three fields are read (not the whole entry into a
        // `Value`): an import may list 200,000 streams. The text is one
        // complete JSON value, so this cannot fail; the default keeps that
        // promise panic-free.
        let fields: StreamFields = serde_json::from_str(text.get()).unwrap_or_default();
        Stream {
            execution_status: fields.execution_status.and_then(|s| match s {
                Value::String(s) => Some(s),
                Value::Null => None,
                other => Some(other.to_string()),
            }),
            progress: fields.progress.as_ref().and_then(Value::as_f64),
            size: fields.size.as_ref().and_then(Value::as_i64),
            key,
            // The entry's own text, moved rather than copied.
            text: Box::<str>::from(text).into_string(),
            position,
        }
    }
}

/// The fields of a stream entry that are read; an entry that is not an
/// object has none. A key written twice keeps its last value, as a JSON
/// object read whole would.
#[derive(Default)]
struct StreamFields {
    execution_status: Option<Value>,
    progress: Option<Value>,
    size: Option<Value>,
}

impl<'de> Deserialize<'de> for StreamFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StreamFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a stream entry")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<StreamFields, A::Error> {
                let mut out = StreamFields::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let slot = match key.as_ref() {
                        "execution_status" => &mut out.execution_status,
                        "progress" => &mut out.progress,
                        "size" => &mut out.size,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(out)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<StreamFields, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(StreamFields::default())
            }
            crate::model::lenient::scalar_arms!(_kind, _text => StreamFields::default());
            fn visit_unit<E: de::Error>(self) -> std::result::Result<StreamFields, E> {
                Ok(StreamFields::default())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(s: &str) -> Lenient<JsonText<'_>> {
        Lenient::Value(JsonText::new(s))
    }

    #[test]
    fn quality_from_string_or_object_text() {
        let q: Quality = decode(
            &field(r#"{"valid":57,"invalid":"3","missing":151}"#),
            "quality",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (q.valid, q.invalid, q.missing),
            (Some(57), Some(3), Some(151))
        );
    }

    #[test]
    fn bad_embedded_json_names_the_field() {
        let err = decode::<Quality>(&field("{valid:"), "quality").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("field `quality` holds invalid JSON"),
            "{err}"
        );
    }

    #[test]
    fn streams_keep_their_order_and_text() {
        let s: Streams = decode(
            &field(r#"{"zeta": {"execution_status":"FAILED", "z":1,"a":2}, "alpha":{"execution_status":"FAILURE"}}"#),
            "streams_info",
        )
        .unwrap()
        .unwrap();
        let entries: Vec<_> =
            s.0.iter()
                .map(|s| (s.key.as_str(), s.text.as_str()))
                .collect();
        assert_eq!(
            entries,
            [
                ("zeta", r#"{"execution_status":"FAILED", "z":1,"a":2}"#),
                ("alpha", r#"{"execution_status":"FAILURE"}"#),
            ]
        );
        let listed: Streams = decode(
            &field(r#"[{"execution_status":"FAILURE"}, 7]"#),
            "streams_info",
        )
        .unwrap()
        .unwrap();
        assert_eq!(listed.0.len(), 2);
        assert_eq!(
            (
                listed.0[1].key.as_str(),
                listed.0[1].position,
                listed.0[1].text.as_str()
            ),
            ("1", Some(1), "7")
        );
        assert_eq!(s.0[0].position, None);
        assert!(listed.0[1].is_failed());
        let none: Streams = decode(&field("true"), "streams_info").unwrap().unwrap();
        assert!(none.0.is_empty());
    }

    #[test]
    fn failed_streams_are_found() {
        let s: Streams = decode(
            &field(r#"{"1":{"execution_status":"SUCCESS"},"2":{"execution_status":"FAILURE","progress":40}}"#),
            "streams_info",
        )
        .unwrap()
        .unwrap();
        let failed: Vec<_> =
            s.0.iter()
                .filter(|s| s.is_failed())
                .map(|s| s.key.as_str())
                .collect();
        assert_eq!(failed, ["2"]);
    }
}
