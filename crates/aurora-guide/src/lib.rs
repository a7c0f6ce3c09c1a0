//! Guidance: what a person tells about their situation, turned into catalogue services ranked
//! and explained, learning from what happens next.
//!
//! This is the **text path** of Aurora's guidance. [`guide_from_text`] runs the intent engine
//! (`aurora-nlu`) on the text and turns what it recognised into catalogue queries:
//!
//! 1. **Where**: the municipality the person is going to (*Tampereelle*, *till Åbo*, role
//!    `destination`), else where they are (*Turussa*, role `location`), else a bare name
//!    (role `other`). A place they come from (role `origin`) is never used. Candidates are the
//!    published services *available there* with the reference semantics of
//!    [`ServiceFilter`]: that municipality's own services plus national ones. Without a
//!    municipality there is no area filter, and each result says where it is available.
//! 2. **What**: the recognised service classes and life events, *with their parents*
//!    (querying `P6` also finds `P6.14` and its siblings). Two queries (classes; life events)
//!    through [`CatalogStore::services`], paged to the end, their union the candidates.
//! 3. **Score**: the summed confidence of the recognised labels a service matches.
//!    * A service in a recognised class or life event (for a recognised main class: in it or
//!      any of its sub-classes) scores that label's confidence: an **exact** match.
//!    * A service that shares only the parent (the main class or broader life event) of a
//!      recognised sub-label scores [`PARENT_WEIGHT`] × the parent's confidence: a
//!      **parent-only** match, counted only when no recognised child of that parent matched
//!      exactly.
//!    * Among matching services, a recognised target group that the service lists (the main
//!      group, citizens / businesses / authorities, and sub-groups such as young people) adds
//!      [`TARGET_GROUP_WEIGHT`] × its confidence; so does the age group of the first age
//!      mentioned (under 18: children and families; 13–29: young people; 65 and over:
//!      seniors) at confidence [`AGE_GROUP_CONFIDENCE`]. This is how age enters guidance: as a
//!      preference, not a filter, because most services list no age group. Target groups never
//!      make a service a candidate on their own.
//!    * Ties are broken by the service name in the reasons' language, then by id.
//! 4. **Explain**: every result carries [`Reason`]s in the requested language (fi/sv/en;
//!    by default the language the text was written in; labels fall back fi → sv → en), one
//!    per matched label and one saying where the service is available.
//!
//! # The rest of the crate
//!
//! The label scoring above is the **text path** and also one component of the full engine:
//! * [`situation`]: guidance from a whole situation (text, 3X10D meters, life events, age,
//!   municipality, target groups) ranked over every service: hybrid text relevance, learned
//!   3X10D needs, matched labels, audience, outcome learning; explained in fi/sv/en;
//! * [`threex10d`]: the 3X10D recommender (the reference's cosine in compat mode, Aurora's
//!   need-weighted relevance by default) over the search index's filters;
//! * [`relevance`]: each service's 3X10D relevance learned from its text (and E5 vector);
//! * [`learning`]: position-debiased online learning from clicks and feedback;
//! * [`vectors`]: service vectors computed once per text and model, stored, reused;
//! * [`eval`]: ROC AUC, precision@10 and nDCG@10 on held-out and development data.
//!
//! It is an engine: no HTTP. `aurora-server` exposes it as `POST /api/v1/guidance`.
//!
//! ```no_run
//! # async fn run(store: &dyn aurora_store::CatalogStore) -> aurora_guide::Result<()> {
//! use aurora_guide::{guide_from_text, GuideOptions};
//! let understander = aurora_nlu::Understander::new(); // build once, share
//! let g = guide_from_text(store, &understander, "Muutan Tampereelle opiskelemaan",
//!                         &GuideOptions::default()).await?;
//! assert_eq!(g.municipality.as_deref(), Some("837"));
//! for s in &g.services {
//!     println!("{:.2} {:?}", s.score, s.service.name.fi);
//!     for r in &s.reasons { println!("  {}", r.text); }
//! }
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod eval;
pub mod learning;
mod reasons;
pub mod relevance;
pub mod situation;
pub mod threex10d;
pub mod vectors;

use std::collections::{BTreeMap, BTreeSet};

use aurora_model::{AreaType, CodeLists, Lang, Localized, Service, ServiceFilter};
use aurora_nlu::{Label, MunicipalityRole, UnderstandOptions, Understander, Understanding};
use aurora_store::{CatalogStore, Page};
use serde::Serialize;

/// Weight of a parent-only match relative to an exact one.
pub const PARENT_WEIGHT: f32 = 0.5;
/// Weight of a matched target group relative to a matched class or life event.
pub const TARGET_GROUP_WEIGHT: f32 = 0.25;
/// Confidence given to the age group derived from a stated age.
pub const AGE_GROUP_CONFIDENCE: f32 = 0.8;
/// Results when [`GuideOptions::limit`] is not set otherwise.
pub const DEFAULT_LIMIT: usize = 10;
/// At most this many candidates are read per query (a safety bound; the national catalogue
/// filtered to one municipality and a few main classes stays well below it).
pub const MAX_CANDIDATES_PER_QUERY: usize = 10_000;

/// Options of one guidance request.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideOptions {
    /// Language of the reasons, also given to the intent engine as a hint. Default: the
    /// language the text is written in.
    pub lang: Option<Lang>,
    /// At most this many services. Default [`DEFAULT_LIMIT`].
    pub limit: usize,
}

impl Default for GuideOptions {
    fn default() -> Self {
        GuideOptions {
            lang: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// The answer: what was understood, where, and the services, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guidance {
    /// What the intent engine recognised (clients must show `urgent` before anything else).
    pub understanding: Understanding,
    /// The municipality code the services were chosen for (see the crate docs), if any.
    pub municipality: Option<String>,
    /// The language of the reasons.
    pub lang: Lang,
    /// Services, best first.
    pub services: Vec<GuidedService>,
}

/// One recommended service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuidedService {
    /// The service as stored.
    pub service: Service,
    /// Sum of the matched labels' weighted confidences (see the crate docs); not a
    /// probability, comparable only within one answer.
    pub score: f32,
    /// Why it was chosen: matched labels (largest contribution first), then availability.
    pub reasons: Vec<Reason>,
}

/// Why a service was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// What kind of evidence.
    pub kind: ReasonKind,
    /// The recognised code that matched (`P1.5`, `KE4.2`, `KR1.3`); for availability the
    /// municipality code, or `None` for a national service.
    pub code: Option<String>,
    /// Contribution to [`GuidedService::score`] (0 for availability).
    pub weight: f32,
    /// The reason in the requested language.
    pub text: String,
}

/// Kinds of [`Reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// The service is in a recognised service class.
    ServiceClass,
    /// The service shares only the main class of a recognised sub-class.
    ParentServiceClass,
    /// The service is tagged with a recognised life event.
    LifeEvent,
    /// The service shares only the broader life event of a recognised one.
    ParentLifeEvent,
    /// The service is for a recognised target group.
    TargetGroup,
    /// The service is for the age group of the age the person gave.
    AgeGroup,
    /// Query words matched the service's texts.
    Words,
    /// The service's text is close in meaning to the person's (vector similarity).
    Meaning,
    /// The service helps with a 3X10D dimension the person rated low.
    Need,
    /// Clicks and feedback in similar situations raised or lowered it.
    Learned,
    /// Shown to learn whether it helps (exploration).
    Explored,
    /// Where the service is available.
    Availability,
}

/// Why guidance could not be given.
#[derive(Debug, thiserror::Error)]
pub enum GuideError {
    /// The text was refused by the intent engine (empty, too long): the caller's mistake.
    #[error(transparent)]
    Text(#[from] aurora_nlu::NluError),
    /// The catalogue could not be read.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
    /// The blocking task that ranks was cancelled or panicked (a bug).
    #[error("the guidance task failed: {0}")]
    Task(String),
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, GuideError>;

/// Guidance for a free text: understand it, then [`guide_from_understanding`].
///
/// `understand` runs inline (about 0.2 ms for a typical text, a few ms at the 10,000
/// character maximum); a server that wants it off the async threads calls
/// [`Understander::understand`] itself and then [`guide_from_understanding`].
///
/// # Errors
///
/// [`GuideError::Text`] for empty or too long text, [`GuideError::Store`] when the catalogue
/// cannot be read.
pub async fn guide_from_text(
    store: &dyn CatalogStore,
    understander: &Understander,
    text: &str,
    opts: &GuideOptions,
) -> Result<Guidance> {
    let understanding = understander.understand(text, &understand_options(opts))?;
    guide_from_understanding(store, understanding, opts).await
}

/// The intent-engine options guidance uses: the defaults, with [`GuideOptions::lang`] as the
/// language hint.
pub fn understand_options(opts: &GuideOptions) -> UnderstandOptions {
    UnderstandOptions {
        lang_hint: opts.lang,
        ..UnderstandOptions::default()
    }
}

/// Guidance from an [`Understanding`] already computed (see [`guide_from_text`]).
///
/// # Errors
///
/// [`GuideError::Store`] when the catalogue cannot be read.
pub async fn guide_from_understanding(
    store: &dyn CatalogStore,
    understanding: Understanding,
    opts: &GuideOptions,
) -> Result<Guidance> {
    let lang = opts.lang.unwrap_or(understanding.language.code);
    let municipality = chosen_municipality(&understanding);
    let classes = Recognised::of(&understanding.service_classes, Family::ServiceClass);
    let events = Recognised::of(&understanding.life_events, Family::LifeEvent);
    let groups = target_groups(&understanding);

    let area = |filter: ServiceFilter| ServiceFilter {
        municipality_codes: municipality.iter().cloned().collect(),
        include_national: true,
        ..filter
    };
    let mut candidates: BTreeMap<String, Service> = BTreeMap::new();
    for filter in [
        (!classes.is_empty()).then(|| {
            area(ServiceFilter {
                service_classes: classes.query_codes(),
                ..ServiceFilter::default()
            })
        }),
        (!events.is_empty()).then(|| {
            area(ServiceFilter {
                life_events: events.query_codes(),
                ..ServiceFilter::default()
            })
        }),
    ]
    .into_iter()
    .flatten()
    {
        for s in all_pages(store, &filter).await? {
            candidates.entry(s.id.clone()).or_insert(s);
        }
    }

    let mut services: Vec<GuidedService> = candidates
        .into_values()
        .filter_map(|s| score(s, &classes, &events, &groups, municipality.as_deref(), lang))
        .collect();
    let name_key = |s: &Service| s.name.get(lang).unwrap_or("").to_lowercase();
    services.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| name_key(&a.service).cmp(&name_key(&b.service)))
            .then_with(|| a.service.id.cmp(&b.service.id))
    });
    services.truncate(opts.limit);
    Ok(Guidance {
        understanding,
        municipality,
        lang,
        services,
    })
}

/// Destination, else location, else a bare mention; never an origin.
fn chosen_municipality(u: &Understanding) -> Option<String> {
    let mentions = &u.entities.municipalities;
    [
        MunicipalityRole::Destination,
        MunicipalityRole::Location,
        MunicipalityRole::Other,
    ]
    .into_iter()
    .find_map(|role| mentions.iter().find(|m| m.role == role))
    .map(|m| m.code.clone())
}

/// Every page of a query, up to [`MAX_CANDIDATES_PER_QUERY`].
async fn all_pages(store: &dyn CatalogStore, filter: &ServiceFilter) -> Result<Vec<Service>> {
    let mut out = Vec::new();
    loop {
        let page = Page {
            limit: Page::MAX_LIMIT,
            offset: out.len() as u64,
        };
        let found = store.services(filter, page).await?;
        let n = found.items.len();
        out.extend(found.items);
        if n < Page::MAX_LIMIT as usize
            || out.len() as u64 >= found.total
            || out.len() >= MAX_CANDIDATES_PER_QUERY
        {
            return Ok(out);
        }
    }
}

/// The two label families guidance matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    ServiceClass,
    LifeEvent,
}

impl Family {
    fn parent_of(self, code: &str) -> Option<String> {
        let lists = CodeLists::get();
        match self {
            Family::ServiceClass => lists.service_class(code).and_then(|c| c.parent.clone()),
            Family::LifeEvent => lists.life_event(code).and_then(|c| c.parent.clone()),
        }
    }

    fn label_of(self, code: &str) -> Option<Localized> {
        let lists = CodeLists::get();
        match self {
            Family::ServiceClass => lists.service_class(code).map(|c| c.label.clone()),
            Family::LifeEvent => lists.life_event(code).map(|c| c.label.clone()),
        }
    }
}

/// A recognised label of one family.
#[derive(Debug, Clone)]
struct Wanted {
    code: String,
    label: Localized,
    confidence: f32,
    /// Chosen on its own evidence (not only as the parent of a chosen sub-label).
    own: bool,
}

/// The recognised labels of one family, with the parents of every own sub-label.
#[derive(Debug)]
struct Recognised {
    family: Family,
    labels: Vec<Wanted>,
}

impl Recognised {
    fn of(labels: &[Label], family: Family) -> Self {
        let mut out: Vec<Wanted> = Vec::new();
        for l in labels {
            match out.iter_mut().find(|w| w.code == l.code) {
                Some(w) => {
                    w.own |= l.implied_by.is_none();
                    w.confidence = w.confidence.max(l.confidence);
                }
                None => out.push(Wanted {
                    code: l.code.clone(),
                    label: l.label.clone(),
                    confidence: l.confidence,
                    own: l.implied_by.is_none(),
                }),
            }
        }
        // Parents the engine did not list (it lists them; this keeps the rule local).
        let own_subs: Vec<(String, f32)> = out
            .iter()
            .filter(|w| w.own)
            .filter_map(|w| family.parent_of(&w.code).map(|p| (p, w.confidence)))
            .collect();
        for (parent, confidence) in own_subs {
            match out.iter_mut().find(|w| w.code == parent) {
                Some(w) => w.confidence = w.confidence.max(confidence),
                None => {
                    if let Some(label) = family.label_of(&parent) {
                        out.push(Wanted {
                            code: parent,
                            label,
                            confidence,
                            own: false,
                        });
                    }
                }
            }
        }
        Recognised {
            family,
            labels: out,
        }
    }

    fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Codes for the store query: every label (parents match their children in the store).
    fn query_codes(&self) -> Vec<String> {
        self.labels.iter().map(|w| w.code.clone()).collect()
    }

    /// Own sub-labels whose parent is `parent`.
    fn own_children(&self, parent: &str) -> Vec<&Wanted> {
        self.labels
            .iter()
            .filter(|w| w.own && self.family.parent_of(&w.code).as_deref() == Some(parent))
            .collect()
    }

    /// The matches of a service tagged with `codes`: (label, exact?) pairs.
    fn matches(&self, codes: &BTreeSet<String>) -> Vec<(&Wanted, Option<&Wanted>)> {
        // A service code matches `code` itself or, through its parent, a main `code`.
        let in_or_under = |code: &str| {
            codes.contains(code)
                || codes
                    .iter()
                    .any(|c| self.family.parent_of(c).as_deref() == Some(code))
        };
        let exact: Vec<&Wanted> = self
            .labels
            .iter()
            .filter(|w| w.own && in_or_under(&w.code))
            .collect();
        let mut out: Vec<(&Wanted, Option<&Wanted>)> = exact.iter().map(|w| (*w, None)).collect();
        for w in self.labels.iter().filter(|w| !w.own) {
            let children = self.own_children(&w.code);
            let child_matched = children
                .iter()
                .any(|c| exact.iter().any(|e| e.code == c.code));
            if !child_matched && in_or_under(&w.code) {
                // The recognised child this parent stands for (the most confident one).
                let child = children
                    .into_iter()
                    .max_by(|a, b| a.confidence.total_cmp(&b.confidence));
                out.push((w, Some(child.unwrap_or(w))));
            }
        }
        out
    }
}

/// A target group that adds to the score of matching services.
#[derive(Debug, Clone)]
struct GroupWanted {
    code: String,
    label: Localized,
    confidence: f32,
    /// The age it was derived from, if it came from an age.
    age: Option<u8>,
}

/// The recognised target groups (main group and sub-groups), then the age group of the first
/// age mentioned.
fn target_groups(u: &Understanding) -> Vec<GroupWanted> {
    let mut out: Vec<GroupWanted> = u
        .target_groups
        .iter()
        .filter(|l| l.implied_by.is_none())
        .map(|l| GroupWanted {
            code: l.code.clone(),
            label: l.label.clone(),
            confidence: l.confidence,
            age: None,
        })
        .collect();
    if let Some(age) = u.entities.ages.first() {
        let lists = CodeLists::get();
        for code in age_groups(age.value) {
            if out
                .iter()
                .any(|g| g.code == code && g.confidence >= AGE_GROUP_CONFIDENCE)
            {
                continue;
            }
            out.retain(|g| g.code != code);
            if let Some(c) = lists.target_group(code) {
                out.push(GroupWanted {
                    code: code.to_string(),
                    label: c.label.clone(),
                    confidence: AGE_GROUP_CONFIDENCE,
                    age: Some(age.value),
                });
            }
        }
    }
    out
}

/// Target groups of an age: KR1.2 children and families (under 18), KR1.3 young people
/// (13–29), KR1.1 seniors (65+).
fn age_groups(age: u8) -> Vec<&'static str> {
    let mut out = Vec::new();
    if age < 18 {
        out.push("KR1.2");
    }
    if (13..=29).contains(&age) {
        out.push("KR1.3");
    }
    if age >= 65 {
        out.push("KR1.1");
    }
    out
}

/// Scores one candidate; `None` when it matches no recognised class or life event.
fn score(
    service: Service,
    classes: &Recognised,
    events: &Recognised,
    groups: &[GroupWanted],
    municipality: Option<&str>,
    lang: Lang,
) -> Option<GuidedService> {
    let code_set = |refs: &[aurora_model::CodeRef]| -> BTreeSet<String> {
        refs.iter().map(|r| r.code.clone()).collect()
    };
    let mut reasons: Vec<Reason> = Vec::new();
    for (recognised, codes) in [
        (classes, code_set(&service.service_classes)),
        (events, code_set(&service.life_events)),
    ] {
        for (w, parent_of) in recognised.matches(&codes) {
            let (kind, weight) = match (recognised.family, parent_of.is_some()) {
                (Family::ServiceClass, false) => (ReasonKind::ServiceClass, w.confidence),
                (Family::ServiceClass, true) => {
                    (ReasonKind::ParentServiceClass, PARENT_WEIGHT * w.confidence)
                }
                (Family::LifeEvent, false) => (ReasonKind::LifeEvent, w.confidence),
                (Family::LifeEvent, true) => {
                    (ReasonKind::ParentLifeEvent, PARENT_WEIGHT * w.confidence)
                }
            };
            reasons.push(Reason {
                kind,
                code: Some(w.code.clone()),
                weight,
                text: reasons::matched(
                    recognised.family,
                    lang,
                    &w.label,
                    parent_of.map(|c| &c.label),
                    w.confidence,
                ),
            });
        }
    }
    if reasons.is_empty() {
        return None;
    }
    let service_groups = code_set(&service.target_groups);
    for g in groups.iter().filter(|g| service_groups.contains(&g.code)) {
        let kind = if g.age.is_some() {
            ReasonKind::AgeGroup
        } else {
            ReasonKind::TargetGroup
        };
        reasons.push(Reason {
            kind,
            code: Some(g.code.clone()),
            weight: TARGET_GROUP_WEIGHT * g.confidence,
            text: reasons::target_group(lang, &g.label, g.confidence, g.age),
        });
    }
    reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let score = reasons.iter().map(|r| r.weight).sum();
    reasons.push(availability(&service, municipality, lang));
    Some(GuidedService {
        service,
        score,
        reasons,
    })
}

fn availability(service: &Service, municipality: Option<&str>, lang: Lang) -> Reason {
    let lists = CodeLists::get();
    let name = |code: &str| {
        lists
            .municipality(code)
            .and_then(|m| m.name.get(lang).map(str::to_string))
            .unwrap_or_else(|| code.to_string())
    };
    let (code, text) = match service.area_type {
        AreaType::Nationwide | AreaType::NationwideExceptAlandIslands => {
            (None, reasons::nationwide(lang, service.area_type))
        }
        AreaType::LimitedType => {
            let covered = service.municipality_codes();
            match municipality.filter(|m| covered.iter().any(|c| c == m)) {
                Some(m) => (Some(m.to_string()), reasons::available_in(lang, &name(m))),
                None => {
                    let names: Vec<String> = covered.iter().map(|c| name(c)).collect();
                    (None, reasons::only_in(lang, &names))
                }
            }
        }
    };
    Reason {
        kind: ReasonKind::Availability,
        code,
        weight: 0.0,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_groups_follow_the_code_list_meanings() {
        assert_eq!(age_groups(8), ["KR1.2"]);
        assert_eq!(age_groups(16), ["KR1.2", "KR1.3"]);
        assert_eq!(age_groups(19), ["KR1.3"]);
        assert!(age_groups(40).is_empty());
        assert_eq!(age_groups(70), ["KR1.1"]);
    }

    fn label(code: &str, confidence: f32, implied_by: Option<&str>) -> Label {
        Label {
            code: code.into(),
            label: Localized::one(Lang::Fi, code),
            confidence,
            evidence: Vec::new(),
            implied_by: implied_by.map(str::to_string),
        }
    }

    #[test]
    fn exact_beats_parent_only_and_parents_count_once() {
        let r = Recognised::of(
            &[
                label("P6.14", 0.6, None),
                label("P6", 0.6, Some("P6.14")),
                label("P1.5", 0.7, None),
            ],
            Family::ServiceClass,
        );
        // The parent of P1.5 is added although the engine did not list it.
        assert!(r.labels.iter().any(|w| w.code == "P1" && !w.own));
        let set = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let exact = r.matches(&set(&["P6.14"]));
        assert_eq!(exact.len(), 1);
        assert!(exact[0].1.is_none() && exact[0].0.code == "P6.14");
        let sibling = r.matches(&set(&["P6.10"]));
        assert_eq!(sibling.len(), 1);
        assert_eq!(sibling[0].0.code, "P6");
        assert_eq!(sibling[0].1.map(|c| c.code.as_str()), Some("P6.14"));
        // A service in the main class itself is a parent-only match too.
        assert_eq!(r.matches(&set(&["P6"]))[0].0.code, "P6");
        assert!(r.matches(&set(&["P27.1"])).is_empty());
    }

    #[test]
    fn an_own_main_class_matches_its_sub_classes_exactly() {
        let r = Recognised::of(&[label("P6", 0.5, None)], Family::ServiceClass);
        let m = r.matches(&BTreeSet::from(["P6.2".to_string()]));
        assert_eq!(m.len(), 1);
        assert!(m[0].1.is_none());
    }
}
