//! Shared fixtures: a service builder, the real bundled catalogue, and a naive filter.

use std::sync::OnceLock;

use aurora_model::{parent_code, FundingType, Lang, Service, ServiceFilter};
use aurora_search::{Query, SearchIndex};
use aurora_store::{CatalogStore, SqlStore};
use serde_json::json;

/// A published, Finnish-named service built field by field.
pub struct Svc(pub Service);

/// A published service with a Finnish name, offered nationwide.
pub fn svc(id: &str, name_fi: &str) -> Svc {
    let s: Service = serde_json::from_value(json!({
        "id": id, "kind": "Service", "publishing_status": "Published",
        "area_type": "Nationwide", "name": {"fi": name_fi}
    }))
    .expect("valid service");
    Svc(s)
}

impl Svc {
    pub fn name(mut self, lang: Lang, text: &str) -> Self {
        self.0.name.set(lang, text);
        self
    }
    pub fn summary(mut self, lang: Lang, text: &str) -> Self {
        self.0.summary.set(lang, text);
        self
    }
    pub fn description(mut self, lang: Lang, text: &str) -> Self {
        self.0.description.set(lang, text);
        self
    }
    pub fn keywords(mut self, lang: Lang, words: &[&str]) -> Self {
        for w in words {
            self.0
                .keywords
                .push(serde_json::from_value(json!({"lang": lang, "value": w})).unwrap());
        }
        self
    }
    pub fn ontology(mut self, fi: &str, sv: &str, en: &str) -> Self {
        self.0.ontology_terms.push(
            serde_json::from_value(json!({"uri": format!("http://www.yso.fi/onto/yso/{fi}"), "name": {"fi": fi, "sv": sv, "en": en}}))
                .unwrap(),
        );
        self
    }
    pub fn classes(mut self, codes: &[&str]) -> Self {
        self.0.service_classes = codes.iter().map(|c| code(c)).collect();
        self
    }
    pub fn targets(mut self, codes: &[&str]) -> Self {
        self.0.target_groups = codes.iter().map(|c| code(c)).collect();
        self
    }
    pub fn events(mut self, codes: &[&str]) -> Self {
        self.0.life_events = codes.iter().map(|c| code(c)).collect();
        self
    }
    /// Limited to these municipalities.
    pub fn municipalities(mut self, codes: &[&str]) -> Self {
        self.0.area_type = aurora_model::AreaType::LimitedType;
        self.0.areas = codes
            .iter()
            .map(|c| serde_json::from_value(json!({"kind": "Municipality", "code": c})).unwrap())
            .collect();
        self
    }
    pub fn funding(mut self, f: FundingType) -> Self {
        self.0.funding_type = Some(f);
        self
    }
    pub fn collections(mut self, ids: &[&str]) -> Self {
        self.0.collections = ids.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn archived(mut self) -> Self {
        self.0.publishing_status = aurora_model::PublishingStatus::Archived;
        self
    }
    pub fn build(self) -> Service {
        self.0
    }
}

fn code(c: &str) -> aurora_model::CodeRef {
    serde_json::from_value(json!({"code": c})).unwrap()
}

/// Ids of the hits of `text` (as `lang`, or auto), best first.
#[track_caller]
pub fn ids(index: &SearchIndex, text: &str, lang: Option<Lang>) -> Vec<String> {
    let mut q = Query::new(text).limit(20);
    q.lang = lang;
    index
        .search(&q)
        .hits
        .into_iter()
        .map(|h| h.service_id)
        .collect()
}

/// Rank (0-based) of `id` among the hits, if present.
pub fn rank(hits: &[String], id: &str) -> Option<usize> {
    hits.iter().position(|h| h == id)
}

/// The reference filter semantics written out plainly (see `aurora_model::ServiceFilter`).
pub fn naive_matches(s: &Service, f: &ServiceFilter) -> bool {
    if s.is_archived() {
        return false;
    }
    let national = s.area_type.is_nationwide();
    let geo = if f.only_national {
        national
    } else if !f.has_area() {
        f.include_national || !national
    } else {
        let union = f.municipality_union();
        (f.include_national && national) || s.municipality_codes().iter().any(|m| union.contains(m))
    };
    let hier = |refs: &[aurora_model::CodeRef], wanted: &[String]| {
        wanted.is_empty()
            || refs.iter().any(|r| {
                let c = r.code.trim();
                !c.is_empty()
                    && wanted
                        .iter()
                        .any(|w| w == c || parent_code(c) == Some(w.as_str()))
            })
    };
    let exact = |refs: &[aurora_model::CodeRef], wanted: &[String]| {
        wanted.is_empty()
            || refs
                .iter()
                .any(|r| wanted.iter().any(|w| w == r.code.trim()))
    };
    geo && hier(&s.service_classes, &f.service_classes)
        && hier(&s.life_events, &f.life_events)
        && exact(&s.target_groups, &f.target_groups)
        && (f.collections.is_empty() || s.collections.iter().any(|c| f.collections.contains(c)))
        && (f.funding_types.is_empty()
            || s.funding_type.is_some_and(|t| f.funding_types.contains(&t)))
}

/// The real bundled catalogue (data/ptv and data/ptv-pilot), imported through
/// `aurora-catalog` into an in-memory SQLite store, which also serves as the reference
/// implementation of the filter semantics.
pub struct RealData {
    pub services: Vec<Service>,
    pub index: SearchIndex,
    pub store: SqlStore,
    pub rt: tokio::runtime::Runtime,
}

impl RealData {
    /// Ids the store returns for a filter (its SQL is the reference).
    pub fn store_ids(&self, f: &ServiceFilter) -> Vec<String> {
        self.rt
            .block_on(self.store.service_ids(f))
            .expect("store query")
    }
}

pub fn real() -> &'static RealData {
    static REAL: OnceLock<RealData> = OnceLock::new();
    REAL.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let store = rt.block_on(async {
            let store = SqlStore::open("sqlite::memory:").await.expect("open store");
            aurora_catalog::import_bundled(
                &store,
                &aurora_catalog::ImportOptions::default(),
                &aurora_catalog::NoProgress,
            )
            .await
            .expect("import bundled data");
            store
        });
        let services = rt.block_on(store.all_services()).expect("all services");
        assert!(
            services.len() > 150,
            "bundled catalogue has {} services",
            services.len()
        );
        let index = SearchIndex::build(&services);
        RealData {
            services,
            index,
            store,
            rt,
        }
    })
}

/// The real service whose Finnish name is `name`.
#[track_caller]
pub fn real_id(name_fi: &str) -> String {
    real()
        .services
        .iter()
        .find(|s| s.name.exact(Lang::Fi) == Some(name_fi))
        .unwrap_or_else(|| panic!("no bundled service named {name_fi:?}"))
        .id
        .clone()
}
