//! The shapes PTV v11 JSON arrives in, and splitting an input into records.
//!
//! | shape | looks like | record pointers |
//! |---|---|---|
//! | one object | `{"id": …, "serviceNames": […], …}` | `/` |
//! | array | `[{…}, {…}]` (the `…/list?guids=` details response) | `/0`, `/1` |
//! | id map | `{"<uuid>": {…}, …}` (bulk dumps) | `/<uuid>` |
//! | API list page | `{"pageNumber": 1, "pageSize": 100, "pageCount": 3, "itemList": […]}` | `/itemList/0` |
//! | directory | `*.json` files below it, recursively, in sorted path order | per file |
//!
//! Any object with an `itemList` member is taken for a page; an object whose keys are all UUIDs
//! and whose values are all objects is an id map; any other object is one record.
//!
//! An input is parsed in one pass, record by record, into a light JSON tree (`ptv::json`):
//! each record is handed on as soon as it is complete, so a large array never exists as one
//! tree. Each record is then classified by its fields: `serviceNames` → service,
//! `serviceChannelType` → channel, `organizationNames` or `businessCode` → organisation. A page
//! item holding nothing but `id` and `name` is an id-only listing, which has to be fetched from
//! the API.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{ImportError, Result};
use crate::ptv::json::{Num, Obj, Text, J};
use crate::ptv::walk::{is_uuid, push_escaped, quote};

/// The shape an input was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Object,
    Array,
    Map,
    Page,
}

/// One record of an input, parsed on its own.
#[derive(Debug)]
pub(crate) struct Item<'a> {
    /// Escaped JSON pointer of the record in its input (`""` for a single-object input).
    pub(crate) pointer: String,
    /// The record's key in an id map (its id must agree).
    pub(crate) map_key: Option<Cow<'a, str>>,
    pub(crate) value: J<'a>,
}

/// The accepted shapes, for messages.
const SHAPES: &str =
    "a PTV v11 object, an array of objects, an {id: object} map or an API list page";

/// Checks that `bytes` is UTF-8 (after an optional byte-order mark), reporting the line and
/// column of the first bad byte.
pub(crate) fn utf8<'a>(source: &str, bytes: &'a [u8]) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let column = good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        ImportError::Json {
            source: source.to_string(),
            line,
            column,
            reason: "invalid UTF-8".to_string(),
        }
    })
}

/// Parses one input, handing each record to `sink` as soon as it is parsed, and returns the
/// shape. Only one record's tree is alive at a time for arrays and pages; an id map or a
/// single object is held whole (the shape is known only at its end).
///
/// Syntax errors are [`ImportError::Json`] with line and column; a well-formed input in no
/// known shape is [`ImportError::Format`]. Records already handed to `sink` stay handed: the
/// caller drops them when the input fails.
pub(crate) fn stream<'a>(
    source: &str,
    text: &'a str,
    sink: &mut dyn FnMut(Item<'a>),
) -> Result<Shape> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed { sink }
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| ImportError::json(source, &e))?;
    match top {
        Top::Shape(shape) => Ok(shape),
        Top::BadItems(found) => Err(ImportError::Format {
            source: source.to_string(),
            reason: format!(
                "/itemList: expected the array of items of an API list page, found {found}"
            ),
        }),
        Top::Scalar(found) => Err(ImportError::Format {
            source: source.to_string(),
            reason: format!("expected {SHAPES}, found {found}"),
        }),
    }
}

enum Top {
    Shape(Shape),
    BadItems(String),
    Scalar(String),
}

struct TopSeed<'s, 'a> {
    sink: &'s mut dyn FnMut(Item<'a>),
}

impl<'a> DeserializeSeed<'a> for TopSeed<'_, 'a> {
    type Value = Top;

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> std::result::Result<Top, D::Error> {
        d.deserialize_any(self)
    }
}

/// Streams array items to the sink with pointers `{prefix}/{i}`.
fn stream_seq<'a, A: SeqAccess<'a>>(
    mut seq: A,
    prefix: &str,
    sink: &mut dyn FnMut(Item<'a>),
) -> std::result::Result<(), A::Error> {
    let mut i = 0usize;
    while let Some(value) = seq.next_element::<J<'a>>()? {
        sink(Item {
            pointer: format!("{prefix}/{i}"),
            map_key: None,
            value,
        });
        i += 1;
    }
    Ok(())
}

impl<'a> Visitor<'a> for TopSeed<'_, 'a> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SHAPES)
    }

    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> std::result::Result<Top, A::Error> {
        stream_seq(seq, "", self.sink)?;
        Ok(Top::Shape(Shape::Array))
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> std::result::Result<Top, A::Error> {
        // An object holding `itemList` is an API list page; its items are streamed as they
        // come. Anything else is kept until the end decides between id map and one record.
        let mut entries: Vec<(Cow<'a, str>, J<'a>)> = Vec::new();
        let mut page: Option<Option<String>> = None;
        while let Some(Text(key)) = map.next_key::<Text<'a>>()? {
            if key == "itemList" && page.is_none() {
                page = Some(map.next_value_seed(ItemsSeed {
                    sink: &mut *self.sink,
                })?);
            } else {
                entries.push((key, map.next_value::<J<'a>>()?));
            }
        }
        if let Some(bad) = page {
            return Ok(match bad {
                Some(found) => Top::BadItems(found),
                None => Top::Shape(Shape::Page),
            });
        }
        let is_map = !entries.is_empty()
            && entries
                .iter()
                .all(|(k, v)| is_uuid(k) && matches!(v, J::Obj(_)));
        if is_map {
            for (key, value) in entries {
                let mut pointer = String::with_capacity(key.len() + 1);
                pointer.push('/');
                push_escaped(&mut pointer, &key);
                (self.sink)(Item {
                    pointer,
                    map_key: Some(key),
                    value,
                });
            }
            return Ok(Top::Shape(Shape::Map));
        }
        (self.sink)(Item {
            pointer: String::new(),
            map_key: None,
            value: J::Obj(Obj(entries)),
        });
        Ok(Top::Shape(Shape::Object))
    }

    fn visit_unit<E>(self) -> std::result::Result<Top, E> {
        Ok(Top::Scalar("null".into()))
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Top, E> {
        Ok(Top::Scalar(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Top, E> {
        Ok(Top::Scalar(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Top, E> {
        Ok(Top::Scalar(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Top, E> {
        Ok(Top::Scalar(Num::F(v).to_string()))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Top, E> {
        Ok(Top::Scalar(quote(v)))
    }
}

/// The `itemList` of a page: streamed when an array; otherwise what was found instead.
struct ItemsSeed<'s, 'a> {
    sink: &'s mut dyn FnMut(Item<'a>),
}

impl<'a> DeserializeSeed<'a> for ItemsSeed<'_, 'a> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'a>>(
        self,
        d: D,
    ) -> std::result::Result<Option<String>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for ItemsSeed<'_, 'a> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the array of items of an API list page")
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> std::result::Result<Option<String>, A::Error> {
        stream_seq(seq, "/itemList", self.sink)?;
        Ok(None)
    }
    fn visit_unit<E>(self) -> std::result::Result<Option<String>, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'a>>(
        self,
        mut map: A,
    ) -> std::result::Result<Option<String>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Some("an object".into()))
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Option<String>, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Option<String>, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Option<String>, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Option<String>, E> {
        Ok(Some(Num::F(v).to_string()))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Option<String>, E> {
        Ok(Some(quote(v)))
    }
}

/// The kind of a record, told by its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Service,
    Channel,
    Organization,
}

/// Classifies a record object by its fields; `Err` is the rejection reason.
pub(crate) fn classify(obj: &Obj<'_>) -> std::result::Result<Kind, String> {
    if obj.contains_key("serviceNames") {
        Ok(Kind::Service)
    } else if obj.contains_key("serviceChannelType") {
        Ok(Kind::Channel)
    } else if obj.contains_key("organizationNames") || obj.contains_key("businessCode") {
        Ok(Kind::Organization)
    } else if obj.contains_key("id") && obj.keys().all(|k| k == "id" || k == "name") {
        Err("id-only list item; fetch details with --from-ptv-api".to_string())
    } else {
        Err(
            "cannot tell the record type: expected serviceNames (a service), serviceChannelType \
             (a channel) or organizationNames/businessCode (an organisation)"
                .to_string(),
        )
    }
}

/// The `*.json` files below `dir`, recursively, sorted by path for a deterministic order.
pub(crate) fn json_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| ImportError::Io {
            path: d.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ImportError::Io {
                path: d.clone(),
                source,
            })?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|source| ImportError::Io {
                path: path.clone(),
                source,
            })?;
            if file_type.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(source: &str, text: &str) -> Result<(Shape, Vec<String>)> {
        let mut pointers = Vec::new();
        let shape = stream(source, text, &mut |item| pointers.push(item.pointer))?;
        Ok((shape, pointers))
    }

    fn shape_of(text: &str) -> (Shape, Vec<String>) {
        shapes("t.json", text).unwrap()
    }

    #[test]
    fn shapes_are_detected() {
        let uuid = "6c00d407-d3fd-4c7e-a373-57be9f3b2cff";
        let cases: Vec<(String, Shape, Vec<&str>)> = vec![
            (r#"{"id": "x", "serviceNames": []}"#.into(), Shape::Object, vec![""]),
            (r#"[{"a": 1}, {"b": 2}]"#.into(), Shape::Array, vec!["/0", "/1"]),
            (format!(r#"{{"{uuid}": {{"id": "{uuid}"}}}}"#), Shape::Map, vec![
                "/6c00d407-d3fd-4c7e-a373-57be9f3b2cff",
            ]),
            (
                r#"{"pageNumber": 1, "pageSize": 2, "pageCount": 1, "itemList": [{"id": "a", "name": "b"}]}"#
                    .into(),
                Shape::Page,
                vec!["/itemList/0"],
            ),
            (r#"{"pageCount": 0, "itemList": null}"#.into(), Shape::Page, vec![]),
            ("[]".into(), Shape::Array, vec![]),
            ("{}".into(), Shape::Object, vec![""]),
        ];
        for (text, shape, pointers) in cases {
            assert_eq!(
                shape_of(&text),
                (shape, pointers.iter().map(|s| s.to_string()).collect()),
                "{text}"
            );
        }
    }

    #[test]
    fn scalars_and_broken_json_are_errors_with_positions() {
        let err = shapes("null.json", "null").unwrap_err();
        assert_eq!(
            err.to_string(),
            "null.json: expected a PTV v11 object, an array of objects, an {id: object} map or an API list page, found null"
        );
        let err = shapes("cut.json", "[\n {\"id\": \"a\",\n  \"x\": [1, 2").unwrap_err();
        match err {
            ImportError::Json {
                line,
                column,
                ref reason,
                ..
            } => {
                assert_eq!((line, column), (3, 12));
                assert_eq!(reason, "EOF while parsing a list");
            }
            other => panic!("{other:?}"),
        }
        let err = shapes("empty.json", "").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("empty.json: line 1, column 0: EOF"),
            "{err}"
        );
        let err = shapes("page.json", r#"{"pageCount": 1, "itemList": 5}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "page.json: /itemList: expected the array of items of an API list page, found 5"
        );
        let err = shapes("deep.json", &"[".repeat(1000)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("deep.json: line 1, column 128: recursion limit exceeded"),
            "{err}"
        );
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let err = utf8("bad.json", b"{\n  \"a\": \"\xff\"}").unwrap_err();
        assert_eq!(err.to_string(), "bad.json: line 2, column 9: invalid UTF-8");
        assert_eq!(utf8("bom.json", b"\xEF\xBB\xBF[]").unwrap(), "[]");
    }

    #[test]
    fn records_are_classified_by_their_fields() {
        use crate::ptv::json::J;
        use serde::Deserialize;
        let obj = |v: serde_json::Value| J::deserialize(v).unwrap().as_object().unwrap().clone();
        assert_eq!(
            classify(&obj(serde_json::json!({"serviceNames": []}))),
            Ok(Kind::Service)
        );
        assert_eq!(
            classify(&obj(serde_json::json!({"serviceChannelType": "Phone"}))),
            Ok(Kind::Channel)
        );
        assert_eq!(
            classify(&obj(serde_json::json!({"businessCode": "0135457-2"}))),
            Ok(Kind::Organization)
        );
        assert_eq!(
            classify(&obj(serde_json::json!({"id": "a", "name": "b"}))),
            Err("id-only list item; fetch details with --from-ptv-api".to_string())
        );
        assert!(classify(&obj(serde_json::json!({"foo": 1})))
            .unwrap_err()
            .starts_with("cannot tell the record type"));
    }
}
