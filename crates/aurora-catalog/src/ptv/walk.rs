//! Walking `serde_json::Value`s with a JSON pointer at hand, collecting problems.
//!
//! The mapping in [`super`] reads PTV JSON field by field. Every accessor takes the pointer of
//! what it reads and, when the value has the wrong type or an unknown spelling, records a
//! problem quoting the value and saying what is accepted, then carries on, so one record
//! reports all of its problems at once. Pointers are chains of borrowed segments and are only
//! rendered into strings when a problem is recorded: reading a valid record allocates no
//! pointer text at all, which matters for the 100k-record benchmark.

use std::fmt::Write as _;

use super::json::{Obj, J};
use aurora_model::{Lang, Localized};

/// A JSON pointer, built as a chain from the record's own pointer in its input.
#[derive(Clone, Copy)]
pub(crate) struct Ptr<'a> {
    parent: Option<&'a Ptr<'a>>,
    seg: Seg<'a>,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    /// The record's pointer in its input, already escaped (`""`, `/3`, `/itemList/0`).
    Root(&'a str),
    Key(&'a str),
    Index(usize),
}

impl<'a> Ptr<'a> {
    /// The pointer of a record: `base` is its (escaped) pointer inside the input.
    pub(crate) fn root(base: &'a str) -> Self {
        Ptr {
            parent: None,
            seg: Seg::Root(base),
        }
    }

    /// The pointer of member `key` of the object at `self`.
    pub(crate) fn key<'b>(&'b self, key: &'b str) -> Ptr<'b> {
        Ptr {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    /// The pointer of item `i` of the array at `self`.
    pub(crate) fn index(&self, i: usize) -> Ptr<'_> {
        Ptr {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }

    /// RFC 6901 text: `/serviceNames/0/language`; the root of the input renders as `/`.
    pub(crate) fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            segs.push(p.seg);
            cur = p.parent;
        }
        let mut out = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Root(base) => out.push_str(base),
                Seg::Key(k) => {
                    out.push('/');
                    push_escaped(&mut out, k);
                }
                Seg::Index(i) => {
                    let _ = write!(out, "/{i}");
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

/// Appends `key` escaped as one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub(crate) fn push_escaped(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// The problems found in one record: `(pointer, reason)`.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<(String, String)>,
}

impl Problems {
    pub(crate) fn push(&mut self, at: &Ptr<'_>, reason: impl Into<String>) {
        self.list.push((at.render(), reason.into()));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A short quotation of a JSON value for an error message: strings in JSON quotes (cut after
/// 80 characters), numbers and literals as written, containers by kind.
pub(crate) fn describe(v: &J<'_>) -> String {
    match v {
        J::Null => "null".to_string(),
        J::Bool(b) => b.to_string(),
        J::Num(n) => n.to_string(),
        J::Str(s) => quote(s),
        J::Arr(a) => format!("an array of {} item(s)", a.len()),
        J::Obj(_) => "an object".to_string(),
    }
}

/// A string in JSON quotes, cut after 80 characters.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => {
            let q = serde_json::to_string(&s[..cut]).unwrap_or_default();
            format!("{}…\"", &q[..q.len() - 1])
        }
        None => serde_json::to_string(s).unwrap_or_default(),
    }
}

/// The object at `at`, or a problem. `null` is "absent" and gives `None` without a problem.
pub(crate) fn object<'v, 'a>(v: &'v J<'a>, at: &Ptr<'_>, p: &mut Problems) -> Option<&'v Obj<'a>> {
    match v {
        J::Obj(m) => Some(m),
        J::Null => None,
        other => {
            p.push(at, format!("expected an object, found {}", describe(other)));
            None
        }
    }
}

/// Member `key` as a string; absent, `null` and blank are `None`.
pub(crate) fn opt_str<'v>(
    m: &'v Obj<'_>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
) -> Option<&'v str> {
    match m.get(key) {
        None | Some(J::Null) => None,
        Some(J::Str(s)) => {
            let t = s.trim();
            (!t.is_empty()).then_some(t)
        }
        Some(other) => {
            p.push(
                &at.key(key),
                format!("expected a string, found {}", describe(other)),
            );
            None
        }
    }
}

/// Member `key` as an owned string (see [`opt_str`]).
pub(crate) fn opt_string(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Option<String> {
    opt_str(m, key, at, p).map(str::to_string)
}

/// Member `key` as a boolean; absent and `null` are `None`.
pub(crate) fn opt_bool(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Option<bool> {
    match m.get(key) {
        None | Some(J::Null) => None,
        Some(J::Bool(b)) => Some(*b),
        Some(other) => {
            p.push(
                &at.key(key),
                format!("expected true or false, found {}", describe(other)),
            );
            None
        }
    }
}

/// Member `key` as an array; absent and `null` are empty.
pub(crate) fn array<'v, 'a>(
    m: &'v Obj<'a>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
) -> &'v [J<'a>] {
    match m.get(key) {
        None | Some(J::Null) => &[],
        Some(J::Arr(a)) => a,
        Some(other) => {
            p.push(
                &at.key(key),
                format!("expected an array, found {}", describe(other)),
            );
            &[]
        }
    }
}

/// Member `key` parsed as one of a fixed set of spellings.
///
/// `allowed` is the list shown in the message ("Nationwide, NationwideExceptAlandIslands,
/// LimitedType"). A missing or `null` value is a problem only when `required`.
pub(crate) fn enumeration<T>(
    m: &Obj<'_>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &str,
    required: bool,
) -> Option<T> {
    match m.get(key) {
        None | Some(J::Null) => {
            if required {
                p.push(
                    &at.key(key),
                    format!("missing required field {key}: expected one of {allowed}"),
                );
            }
            None
        }
        Some(J::Str(s)) => {
            let parsed = parse(s);
            if parsed.is_none() {
                p.push(
                    &at.key(key),
                    format!("expected one of {allowed}, found {}", quote(s)),
                );
            }
            parsed
        }
        Some(other) => {
            p.push(
                &at.key(key),
                format!("expected one of {allowed}, found {}", describe(other)),
            );
            None
        }
    }
}

/// Member `language`: `Some(Some(lang))` for fi/sv/en, `Some(None)` for another language (left
/// out of the model, not an error), `None` when absent (a problem only when `required`).
pub(crate) fn lang_field(
    m: &Obj<'_>,
    at: &Ptr<'_>,
    p: &mut Problems,
    required: bool,
) -> Option<Option<Lang>> {
    match m.get("language") {
        Some(J::Str(s)) if !s.trim().is_empty() => Some(Lang::parse(s)),
        None | Some(J::Null) | Some(J::Str(_)) => {
            if required {
                p.push(
                    &at.key("language"),
                    "missing language: expected a language code such as \"fi\"",
                );
            }
            None
        }
        Some(other) => {
            p.push(
                &at.key("language"),
                format!(
                    "expected a language code such as \"fi\", found {}",
                    describe(other)
                ),
            );
            None
        }
    }
}

/// One entry of a PTV localized array (`{"language": "fi", "value": "…", "type": "Name"}`).
pub(crate) struct LangText<'v> {
    pub(crate) lang: Lang,
    pub(crate) value: &'v str,
    pub(crate) kind: Option<&'v str>,
}

/// Reads a PTV localized array. Entries in languages other than fi/sv/en are skipped (PTV has
/// others), as are entries whose value is `null` or blank; wrong JSON types are problems.
pub(crate) fn lang_texts<'v>(
    items: &'v [J<'_>],
    at: &Ptr<'_>,
    p: &mut Problems,
    value_key: &str,
) -> Vec<LangText<'v>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = at.index(i);
        let Some(obj) = object(item, &at, p) else {
            continue;
        };
        let lang = lang_field(obj, &at, p, true).flatten();
        let value = opt_str(obj, value_key, &at, p);
        let kind = opt_str(obj, "type", &at, p);
        if let (Some(lang), Some(value)) = (lang, value) {
            out.push(LangText { lang, value, kind });
        }
    }
    out
}

/// Sets `text` in `lang` unless that language already has text (the first entry wins).
pub(crate) fn set_first(l: &mut Localized, lang: Lang, text: &str) {
    if l.exact(lang).is_none() {
        l.set(lang, text);
    }
}

/// Appends `text` to `lang` on a new line (for multi-entry texts such as requirements).
pub(crate) fn append(l: &mut Localized, lang: Lang, text: &str) {
    match l.exact(lang) {
        Some(old) => {
            let joined = format!("{old}\n{text}");
            l.set(lang, &joined);
        }
        None => l.set(lang, text),
    }
}

/// A plain localized array (`[{language, value}]`), first entry per language.
pub(crate) fn localized(items: &[J<'_>], at: &Ptr<'_>, p: &mut Problems) -> Localized {
    let mut l = Localized::default();
    for t in lang_texts(items, at, p, "value") {
        set_first(&mut l, t.lang, t.value);
    }
    l
}

/// True for the canonical UUID text form `8-4-4-4-12` hex digits (either case).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn j(v: serde_json::Value) -> J<'static> {
        J::deserialize(v).unwrap()
    }

    #[test]
    fn pointers_render_and_escape() {
        let root = Ptr::root("/3");
        let names = root.key("serviceNames");
        let first = names.index(0);
        assert_eq!(first.key("language").render(), "/3/serviceNames/0/language");
        let odd = Ptr::root("");
        assert_eq!(odd.key("a/b~c").render(), "/a~1b~0c");
        assert_eq!(Ptr::root("").render(), "/");
    }

    #[test]
    fn values_are_quoted_for_messages() {
        assert_eq!(
            describe(&j(serde_json::json!("Everywhere"))),
            "\"Everywhere\""
        );
        assert_eq!(describe(&j(serde_json::json!(5))), "5");
        assert_eq!(
            describe(&j(serde_json::json!([1, 2]))),
            "an array of 2 item(s)"
        );
        let long = "ä".repeat(100);
        let q = quote(&long);
        assert!(q.ends_with("…\"") && q.chars().count() == 83, "{q}");
    }

    #[test]
    fn uuid_syntax() {
        assert!(is_uuid("3668d250-1c8a-4ef9-9b71-62e4c9ed6b4a"));
        assert!(is_uuid("3668D250-1C8A-4EF9-9B71-62E4C9ED6B4A"));
        assert!(!is_uuid("3668d250-etalukio"));
        assert!(!is_uuid("3668d2501c8a4ef99b7162e4c9ed6b4a"));
        assert!(!is_uuid("3668d250-1c8a-4ef9-9b71-62e4c9ed6b4g"));
    }

    #[test]
    fn localized_arrays_skip_other_languages_and_report_bad_types() {
        let items = j(serde_json::json!([
            {"language": "fi", "value": "Nimi"},
            {"language": "de", "value": "Name"},
            {"language": 5, "value": "x"},
            {"language": "sv", "value": null},
            {"language": "en", "value": "Name"}
        ]));
        let mut p = Problems::default();
        let root = Ptr::root("");
        let at = root.key("serviceNames");
        let J::Arr(items) = &items else {
            unreachable!()
        };
        let l = localized(items, &at, &mut p);
        assert_eq!(
            l,
            Localized {
                fi: Some("Nimi".into()),
                sv: None,
                en: Some("Name".into())
            }
        );
        assert_eq!(
            p.list,
            vec![(
                "/serviceNames/2/language".to_string(),
                "expected a language code such as \"fi\", found 5".to_string()
            )]
        );
    }
}
