//! A light JSON tree for reading records: strings borrow from the input when they have no
//! escapes, and objects are small vectors searched linearly.
//!
//! Why not `serde_json::Value`: with the workspace's `preserve_order` feature every object is
//! an `IndexMap` that hashes and allocates each key, and every string is copied. A PTV record
//! has a few hundred small objects of 2–10 keys, which a linear scan finds faster than a hash,
//! and most of its strings need no unescaping. Parsing into this tree takes about half the
//! time of `Value` (see the `parse_speed` timing test); serde_json's nesting limit (128) still
//! applies, so hostile input cannot overflow the stack.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum J<'a> {
    Null,
    Bool(bool),
    Num(Num),
    Str(Cow<'a, str>),
    Arr(Vec<J<'a>>),
    Obj(Obj<'a>),
}

/// A JSON number as serde_json reported it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    U(u64),
    I(i64),
    F(f64),
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::U(n) => write!(f, "{n}"),
            Num::I(n) => write!(f, "{n}"),
            Num::F(x) => match serde_json::Number::from_f64(*x) {
                Some(n) => write!(f, "{n}"),
                None => write!(f, "{x}"),
            },
        }
    }
}

/// A JSON object: members in input order. Lookups return the first member of that name.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Obj<'a>(pub(crate) Vec<(Cow<'a, str>, J<'a>)>);

impl<'a> Obj<'a> {
    pub(crate) fn get(&self, key: &str) -> Option<&J<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }
}

impl<'a> J<'a> {
    pub(crate) fn as_object(&self) -> Option<&Obj<'a>> {
        match self {
            J::Obj(o) => Some(o),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Member `key` of an object; `None` for other values.
    pub(crate) fn get(&self, key: &str) -> Option<&J<'a>> {
        self.as_object().and_then(|o| o.get(key))
    }
}

/// A string that borrows from the input when it can.
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for J<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<J<'de>, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J<'de>, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J<'de>, E> {
        Ok(J::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J<'de>, E> {
        Ok(J::Num(Num::U(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J<'de>, E> {
        Ok(J::Num(Num::I(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J<'de>, E> {
        Ok(J::Num(Num::F(v)))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<J<'de>>()? {
            items.push(item);
        }
        Ok(J::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            members.push((key, map.next_value::<J<'de>>()?));
        }
        Ok(J::Obj(Obj(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_borrowing_where_it_can() {
        let text =
            r#"{"a": "plain", "b": "esc\u00e4ped", "n": [1, -2, 2.5, true, null], "a": "second"}"#;
        let j: J<'_> = serde_json::from_str(text).unwrap();
        let o = j.as_object().unwrap();
        assert!(matches!(o.get("a"), Some(J::Str(Cow::Borrowed("plain")))));
        assert!(matches!(o.get("b"), Some(J::Str(Cow::Owned(s))) if s == "escäped"));
        assert_eq!(
            o.get("n"),
            Some(&J::Arr(vec![
                J::Num(Num::U(1)),
                J::Num(Num::I(-2)),
                J::Num(Num::F(2.5)),
                J::Bool(true),
                J::Null
            ]))
        );
        assert_eq!(o.keys().collect::<Vec<_>>(), vec!["a", "b", "n", "a"]);
        assert_eq!(Num::F(2.5).to_string(), "2.5");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = serde_json::from_str::<J<'_>>(&deep).unwrap_err();
        assert!(
            err.to_string().starts_with("recursion limit exceeded"),
            "{err}"
        );
    }

    #[test]
    fn converts_from_serde_values() {
        let j = J::deserialize(serde_json::json!({"k": ["v", 1]})).unwrap();
        assert_eq!(
            j.get("k").unwrap(),
            &J::Arr(vec![J::Str("v".into()), J::Num(Num::U(1))])
        );
    }
}
