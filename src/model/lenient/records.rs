//! Records: the objects of the model, read field by field, and the
//! `record!` macro that declares them.

#[allow(unused_imports)]
use super::*;

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

/// The visitor arms for the scalar kinds (bool, integers, float, string),
/// each giving `$make` with `$kind` bound to the [`JsonKind`] found and
/// `$text` to its source excerpt. Every hand-written visitor of the model
/// uses it for the kinds it does not take, so that each decides only *what*
/// a wrong kind becomes (an `Invalid`, no streams, "not an object").
macro_rules! scalar_arms {
    ($kind:ident, $text:ident => $make:expr) => {
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            let $kind = $crate::model::lenient::JsonKind::Bool;
            let $text: &str = if v { "true" } else { "false" };
            Ok($make)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            let $kind = $crate::model::lenient::JsonKind::Number;
            let owned = v.to_string();
            let $text: &str = &owned;
            Ok($make)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            let $kind = $crate::model::lenient::JsonKind::Number;
            let owned = v.to_string();
            let $text: &str = &owned;
            Ok($make)
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            let $kind = $crate::model::lenient::JsonKind::Number;
            let owned = v.to_string();
            let $text: &str = &owned;
            Ok($make)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let $kind = $crate::model::lenient::JsonKind::String;
            let owned = format!("{v:?}");
            let $text: &str = &owned;
            Ok($make)
        }
    };
}
pub(crate) use scalar_arms;

/// Visitor arms shared by records and lists for the kinds they do not take:
/// a scalar is an `Invalid` quoting it, `null` is missing.
macro_rules! wrong_kind_arms {
    ($expected:expr) => {
        $crate::model::lenient::scalar_arms!(kind, text => Lenient::invalid_from($expected, kind, text));
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Lenient::Missing)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Lenient::Missing)
        }
    };
}
pub(crate) use wrong_kind_arms;

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
pub(super) struct IntoSlot<'r, T>(pub(super) &'r mut Lenient<T>);

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
