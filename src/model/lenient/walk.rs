//! Walking the typed tree with JSON paths: messages in unknown fields, the
//! diagnostics walk and the evidence walk.

#[allow(unused_imports)]
use super::*;

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

/// The `message` / `error_message` strings anywhere in the JSON value
/// `text`, with their paths relative to it, in document order; `None` when
/// the text cannot be read in one pass (it nests past serde_json's limit).
pub(crate) fn skim_messages(text: &str) -> Option<Extra<'_>> {
    let mut extra = Extra::default();
    let mut stack = JsonPath::new();
    let mut de = serde_json::Deserializer::from_str(text);
    Skim {
        stack: &mut stack,
        out: &mut extra,
        message_key: false,
    }
    .deserialize(&mut de)
    .ok()?;
    Some(extra)
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
