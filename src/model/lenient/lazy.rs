//! Records kept as their JSON text and read on demand.

#[allow(unused_imports)]
use super::*;

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

/// How many lazily kept records, one inside another, are read at most
/// (by the evidence walk and by `into_owned`).
///
/// Each such record is read from its own text with serde_json's nesting
/// limit of 128 levels, but the records *inside* it are only delimited and
/// read when their turn comes — so without a limit of its own a run copy
/// nested in a run copy 16,000 times would be read 16,000 levels deep (a
/// stack overflow), each level reading all the text below it again (in
/// quadratic time). A run copy adds at least four levels of JSON (the run,
/// its stages, a stage, its copy of the run), so 32 records deep is already
/// past the 128 levels the parser takes anywhere else. Deeper ones are not
/// read: the evidence walk does not go into them, and `into_owned` keeps
/// their text but reads nothing of it.
pub const LAZY_NESTING_LIMIT: usize = 32;

thread_local! {
    /// How many lazily kept records are being read, one inside another.
    static LAZY_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f` one lazily kept record deeper, or returns `None` past
/// [`LAZY_NESTING_LIMIT`]. The depth is restored when `f` returns or unwinds.
fn one_level_deeper<R>(f: impl FnOnce() -> R) -> Option<R> {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            LAZY_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        }
    }
    let depth = LAZY_DEPTH.with(|d| {
        let depth = d.get();
        d.set(depth + 1);
        depth
    });
    let _leave = Leave;
    (depth < LAZY_NESTING_LIMIT).then(f)
}

impl<'a, T: Read<'a> + Clone + IntoOwned> IntoOwned for Lazy<'a, T> {
    type Owned = Lazy<'static, T::Owned>;
    fn into_owned(self) -> Self::Owned {
        let value = one_level_deeper(|| self.parse().into_owned()).unwrap_or(Lenient::Missing);
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
        if !w.into_lazy {
            return;
        }
        // The evidence walk wants only the texts: skimming the record's text
        // for them (document order) costs a fraction of reading it into the
        // model, which would then be walked and dropped. A record nested
        // past what one pass takes is read level by level instead, at most
        // LAZY_NESTING_LIMIT deep.
        // Most such records (a user's profile) hold no message at all: a
        // key `message` or `error_message` is written `…message"` unless
        // spelled with `\u` escapes, so without either there is nothing
        // to find.
        let text = self.json();
        if !text.contains("message\"") && !text.contains("\\u") {
            return;
        }
        match skim_messages(text) {
            Some(messages) => messages.walk(w),
            None => {
                one_level_deeper(|| self.parse().walk(w));
            }
        }
    }
}
