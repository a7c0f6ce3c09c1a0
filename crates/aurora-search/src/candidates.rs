//! Candidate selection without text: the services a [`ServiceFilter`] admits, as internal
//! document numbers, for engines that rank by something other than words (the 3X10D
//! recommender in `aurora-guide`).
//!
//! A filter is answered from the same per-code document lists as a filtered search (see
//! `filters.rs`), so selecting the candidates among 100,000 services costs a few bit-set
//! operations, and walking them costs one bit test per document. Document numbers are only
//! meaningful for the index that produced them: an engine that keeps per-document data must
//! be rebuilt with the index (the server swaps both together).

use aurora_model::ServiceFilter;

use crate::bitset::BitSet;
use crate::index::SearchIndex;

/// The live documents matching a filter, in increasing document order.
#[derive(Debug, Clone)]
pub struct Candidates {
    docs: BitSet,
}

impl Candidates {
    /// The document numbers, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.docs.iter()
    }

    /// How many documents match.
    pub fn len(&self) -> usize {
        self.docs.count()
    }

    /// True when nothing matches.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when document `doc` matches.
    pub fn contains(&self, doc: u32) -> bool {
        self.docs.contains(doc)
    }
}

impl SearchIndex {
    /// The published services matching `filter` (reference semantics, as in
    /// [`SearchIndex::search`]), as document numbers; map them to service ids with
    /// [`SearchIndex::doc_service_id`].
    ///
    /// ```
    /// # use aurora_model::{Service, ServiceFilter};
    /// # fn service(id: &str, area: &str) -> Service {
    /// #     serde_json::from_value(serde_json::json!({
    /// #         "id": id, "kind": "Service", "name": {"fi": id}, "publishing_status": "Published",
    /// #         "area_type": "LimitedType", "areas": [{"kind": "Municipality", "code": area}]
    /// #     })).unwrap()
    /// # }
    /// use aurora_search::SearchIndex;
    /// let index = SearchIndex::build(&[service("a", "091"), service("b", "837")]);
    /// let tampere = ServiceFilter { municipality_codes: vec!["837".into()], ..ServiceFilter::default() };
    /// let ids: Vec<&str> = index
    ///     .candidates(&tampere)
    ///     .iter()
    ///     .filter_map(|d| index.doc_service_id(d))
    ///     .collect();
    /// assert_eq!(ids, ["b"]);
    /// ```
    pub fn candidates(&self, filter: &ServiceFilter) -> Candidates {
        let docs = self
            .filters
            .candidates(filter, &self.live)
            .unwrap_or_else(|| self.live.clone());
        Candidates { docs }
    }

    /// One past the largest document number in use: per-document tables of engines built on
    /// this index have this many slots.
    pub fn doc_slots(&self) -> usize {
        self.docs.len()
    }

    /// The service id of a live document; `None` for a replaced or removed document or a
    /// number out of range.
    pub fn doc_service_id(&self, doc: u32) -> Option<&str> {
        if self.live.contains(doc) {
            self.docs.get(doc as usize).map(String::as_str)
        } else {
            None
        }
    }

    /// Every live document with its service id, in document order.
    pub fn live_docs(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.live
            .iter()
            .filter_map(|d| self.docs.get(d as usize).map(|id| (d, id.as_str())))
    }

    /// True when at least one published service belongs to the service collection `id`: the
    /// collections this node knows, for validating a collection filter.
    pub fn has_collection(&self, id: &str) -> bool {
        let filter = ServiceFilter {
            collections: vec![id.to_string()],
            ..ServiceFilter::default()
        };
        self.filters
            .candidates(&filter, &self.live)
            .is_some_and(|docs| docs.count() > 0)
    }
}

#[cfg(test)]
mod tests {
    use aurora_model::{Service, ServiceFilter};

    use crate::SearchIndex;

    fn service(id: &str, area: Option<&str>, collection: Option<&str>) -> Service {
        let mut v = serde_json::json!({
            "id": id, "kind": "Service", "name": {"fi": id}, "publishing_status": "Published",
            "area_type": "Nationwide",
        });
        if let Some(a) = area {
            v["area_type"] = "LimitedType".into();
            v["areas"] = serde_json::json!([{"kind": "Municipality", "code": a}]);
        }
        if let Some(c) = collection {
            v["collections"] = serde_json::json!([c]);
        }
        serde_json::from_value(v).expect("service")
    }

    fn ids(index: &SearchIndex, filter: &ServiceFilter) -> Vec<String> {
        index
            .candidates(filter)
            .iter()
            .filter_map(|d| index.doc_service_id(d).map(str::to_string))
            .collect()
    }

    #[test]
    fn candidates_follow_the_filter_and_skip_removed_documents() {
        let mut index = SearchIndex::build(&[
            service("a", Some("091"), Some("k1")),
            service("b", Some("837"), None),
            service("n", None, None),
        ]);
        assert_eq!(ids(&index, &ServiceFilter::default()), ["a", "b", "n"]);
        let helsinki = ServiceFilter {
            municipality_codes: vec!["091".into()],
            ..ServiceFilter::default()
        };
        assert_eq!(ids(&index, &helsinki), ["a", "n"]);
        let local_only = ServiceFilter {
            include_national: false,
            ..helsinki.clone()
        };
        assert_eq!(ids(&index, &local_only), ["a"]);
        assert_eq!(index.candidates(&local_only).len(), 1);
        assert!(index.has_collection("k1") && !index.has_collection("k2"));

        // Replacing a document leaves its old number dead until compaction.
        let slots = index.doc_slots();
        index.upsert(&service("a", Some("837"), None));
        assert!(index.doc_slots() >= slots);
        assert_eq!(ids(&index, &local_only), Vec::<String>::new());
        assert!(!index.has_collection("k1"));
        assert_eq!(index.live_docs().count(), 3);
        assert_eq!(index.doc_service_id(u32::MAX), None);
        let live: Vec<&str> = index.live_docs().map(|(_, id)| id).collect();
        assert!(live.contains(&"a") && live.contains(&"b") && live.contains(&"n"));
    }
}
