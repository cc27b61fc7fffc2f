//! Lists: arrays of one element type, or a lone object where an array was
//! expected (audits come both ways).

#[allow(unused_imports)]
use super::*;

/// A JSON array of values of one type; also takes a lone object where the
/// elements are records, because single audits and lists of audits both occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T> {
    pub(super) items: Vec<Lenient<T>>,
    /// Read from a lone object, not an array: its element has no index in
    /// the input, so paths into it have none either.
    pub(super) lone: bool,
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
