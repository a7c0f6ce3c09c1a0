//! Records as stored: the JSON document, its content hash, the Finnish sort key and the child
//! rows that the filters query.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use aurora_model::{parent_code, Channel, CodeRef, Lang, Localized, Meters, Organization, Service};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// Serializes a record to its stored JSON document.
pub(crate) fn to_doc<T: Serialize>(kind: &'static str, id: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

/// Decodes a stored JSON document.
pub(crate) fn from_doc<T: serde::de::DeserializeOwned>(
    kind: &'static str,
    id: &str,
    doc: &str,
) -> Result<T> {
    serde_json::from_str(doc).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

/// Hex SHA-256 of a document.
pub(crate) fn content_hash(doc: &str) -> String {
    hex::encode(Sha256::digest(doc.as_bytes()))
}

/// The key that orders names the Finnish way with a plain byte comparison (SQLite's BINARY,
/// PostgreSQL's `COLLATE "C"`), so both backends order identically: case-insensitive, common
/// accents folded (`é` → `e`, `ü` → `y`), and `å`, `ä`, `ö` after `z` in that order.
pub(crate) fn sort_key(name: &Localized) -> String {
    let name = name.get(Lang::Fi).unwrap_or("");
    name.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'û' => 'u',
            'ü' | 'ý' => 'y',
            'š' => 's',
            'ž' => 'z',
            c => c,
        })
        .collect()
}

/// A service ready to be written.
#[derive(Debug)]
pub(crate) struct ServiceRow<'a> {
    pub(crate) service: &'a Service,
    pub(crate) archived: i64,
    pub(crate) nationwide: i64,
    pub(crate) sort_name: String,
    pub(crate) doc: String,
    pub(crate) hash: String,
    /// The labels the batch carries, serialized (`None`: keep what is stored).
    pub(crate) labels: Option<String>,
    pub(crate) municipalities: Vec<String>,
    pub(crate) classes: Vec<(String, Option<String>)>,
    pub(crate) target_groups: Vec<String>,
    pub(crate) life_events: Vec<(String, Option<String>)>,
    pub(crate) collections: Vec<String>,
}

impl<'a> ServiceRow<'a> {
    pub(crate) fn new(service: &'a Service) -> Result<Self> {
        // The document never holds labels: they live in `service_labels`.
        let stripped: Cow<'_, Service> = if service.labels_3x10d.is_some() {
            let mut s = service.clone();
            s.labels_3x10d = None;
            Cow::Owned(s)
        } else {
            Cow::Borrowed(service)
        };
        let doc = to_doc("service", &service.id, &*stripped)?;
        let hash = content_hash(&doc);
        let labels = match &service.labels_3x10d {
            Some(m) => Some(labels_doc(&service.id, m)?),
            None => None,
        };
        Ok(ServiceRow {
            service,
            archived: i64::from(service.is_archived()),
            nationwide: i64::from(service.area_type.is_nationwide()),
            sort_name: sort_key(&service.name),
            doc,
            hash,
            labels,
            municipalities: service.municipality_codes(),
            classes: with_parents(&service.service_classes),
            target_groups: codes(&service.target_groups),
            life_events: with_parents(&service.life_events),
            collections: service
                .collections
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        })
    }
}

/// Serialized labels.
pub(crate) fn labels_doc(id: &str, meters: &Meters) -> Result<String> {
    to_doc("labels", id, meters)
}

fn codes(refs: &[CodeRef]) -> Vec<String> {
    refs.iter()
        .map(|r| r.code.trim())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Codes with their parent notation (`P5.1` → `P5`; a top-level code has none).
fn with_parents(refs: &[CodeRef]) -> Vec<(String, Option<String>)> {
    codes(refs)
        .into_iter()
        .map(|c| {
            let parent = parent_code(&c).map(str::to_string);
            (c, parent)
        })
        .collect()
}

/// A channel or organisation ready to be written.
#[derive(Debug)]
pub(crate) struct DocRow<'a> {
    pub(crate) id: &'a str,
    /// Channel kind (`None` for organisations).
    pub(crate) kind: Option<&'static str>,
    pub(crate) archived: i64,
    pub(crate) sort_name: String,
    pub(crate) doc: String,
    pub(crate) hash: String,
}

impl<'a> DocRow<'a> {
    pub(crate) fn channel(c: &'a Channel) -> Result<Self> {
        let doc = to_doc("channel", &c.id, c)?;
        Ok(DocRow {
            id: &c.id,
            kind: Some(c.kind.as_str()),
            archived: i64::from(c.is_archived()),
            sort_name: sort_key(&c.name),
            hash: content_hash(&doc),
            doc,
        })
    }

    pub(crate) fn organization(o: &'a Organization) -> Result<Self> {
        let doc = to_doc("organization", &o.id, o)?;
        Ok(DocRow {
            id: &o.id,
            kind: None,
            archived: i64::from(o.is_archived()),
            sort_name: sort_key(&o.name),
            hash: content_hash(&doc),
            doc,
        })
    }
}

/// Below this many records, preparing them is not worth a thread.
const PARALLEL_MIN: usize = 2_048;

/// `items.iter().map(f).collect()`, split over the available cores for large batches:
/// serializing and hashing 100,000 documents is a few seconds of CPU that would otherwise
/// run on one core. It blocks the calling task for the (shorter) duration, as the sequential
/// version would.
pub(crate) fn prepare_all<'a, T, R, F>(items: &'a [T], f: F) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&'a T) -> Result<R> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads <= 1 || items.len() < PARALLEL_MIN {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Result<Vec<R>>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(out)
    })
}

/// Keeps the last occurrence of each id (in batch order).
/// A record listed twice in one batch (e.g. a list page re-read while PTV changed) is written
/// once, as its last version.
pub(crate) fn last_wins<T>(items: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        last.insert(id(item), i);
    }
    if last.len() == items.len() {
        return items;
    }
    let keep: Vec<bool> = {
        let mut keep = vec![false; items.len()];
        for &i in last.values() {
            keep[i] = true;
        }
        keep
    };
    items
        .into_iter()
        .zip(keep)
        .filter_map(|(item, k)| k.then_some(item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_order_puts_aao_after_z() {
        let key = |s: &str| sort_key(&Localized::one(Lang::Fi, s));
        let mut names = vec!["Öljy", "ähky", "Åland", "zeta", "Aalto", "émigré", "Ylä"];
        names.sort_by_key(|n| key(n));
        assert_eq!(
            names,
            vec!["Aalto", "émigré", "Ylä", "zeta", "Åland", "ähky", "Öljy"]
        );
        // Swedish-only names sort by their Swedish text.
        assert_eq!(sort_key(&Localized::one(Lang::Sv, "Bostad")), "bostad");
    }

    #[test]
    fn duplicates_keep_the_last() {
        let v = vec![("a", 1), ("b", 2), ("a", 3)];
        assert_eq!(last_wins(v, |x| x.0), vec![("b", 2), ("a", 3)]);
    }
}
