//! How a word of the vocabulary is stored in documents: by a stable
//! lowercase name (`"staff"`, `"delivered"`), read back by the same name, so
//! a document written by one build reads the same in every other. The
//! model's enums (round kinds, outcomes, the catalogue's categories) are
//! declared with the same macros.

/// Declares an enum stored in documents as a stable string.
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name stored in documents.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }

        $crate::vocabulary::stored_name::string_enum_io!($name);
    };
}

/// Stores an enum with `as_str`/`parse` as a string in Automerge.
macro_rules! string_enum_io {
    ($name:ident) => {
        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} {:?}", stringify!($name), s))
                })
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                Self::parse(s).ok_or_else(|| {
                    autosurgeon::HydrateError::unexpected(stringify!($name), s.to_owned())
                })
            }
        }
    };
}

pub(crate) use string_enum;
pub(crate) use string_enum_io;
