//! Raw label scores: cue evidence + catalogue similarity + links + hierarchy, before
//! calibration.
//!
//! For a text with detected-language probabilities `p(lang)`:
//!
//! 1. **Cues.** Every lexicon cue found adds its weight to its labels, times
//!    `LANG_FLOOR + (1 − LANG_FLOOR)·p(cue language)`: a Swedish cue in a text that is surely
//!    Finnish still counts a third (people mix languages), but cannot outvote Finnish evidence.
//!    Gated cues count only when their gate has evidence.
//! 2. **Catalogue.** The cosine similarity with each life event's and class's catalogue
//!    document ([`crate::catalog`]), times [`SIM_WEIGHT_LIFE_EVENT`] or
//!    [`SIM_WEIGHT_CLASS`].
//! 3. **Moving within Finland.** Evidence for moving ([`MOVING`] or a sub-event) plus a
//!    municipality named in the text is evidence for [`MOVING_WITHIN_FINLAND`]
//!    (*Muutan Tampereelle*).
//! 4. **Hierarchy.** A sub-label with evidence of its own inherits [`INHERIT`] of its parent's
//!    score: *opintotuki* (P6.14) plus *koulutus* (P6) make P6.14 more certain.
//! 5. **Links.** A life event's score, capped at [`LINK_CAP`], flows to the classes and
//!    target groups its lexicon section links (`links:` lines), times the link weight and
//!    [`LINK_SCALE`]: losing one's job makes unemployment benefits likely even if the text
//!    never says "benefit".
//!
//! Target groups add age rules: under 13 → children and families (KR1.2), 13–29 → young
//! people (KR1.3), 65 or more → seniors (KR1.1).

use std::collections::HashMap;

use aurora_model::{CodeLists, Lang, Localized};

use crate::catalog::CatalogModel;
use crate::entities::AgeMention;
use crate::lang::lang_index;
use crate::lexicon::{Hit, Lexicon};
use crate::municipality::MunicipalityMention;
use crate::text::Token;
use crate::urgency::UrgencyKind;

/// A foreign-language cue keeps at least this share of its weight.
pub(crate) const LANG_FLOOR: f32 = 0.35;
/// Catalogue cosine → score, life events (cosines are 0–1, a cue is 1).
pub(crate) const SIM_WEIGHT_LIFE_EVENT: f32 = 2.0;
/// Catalogue cosine → score, service classes.
pub(crate) const SIM_WEIGHT_CLASS: f32 = 3.0;
/// A weighted catalogue similarity at least this high counts as a label's own evidence.
pub(crate) const OWN_SIMILARITY: f32 = 0.3;
/// Share of a parent's score a sub-label with its own evidence inherits.
pub(crate) const INHERIT: f32 = 0.5;
/// Bonus for KE4.2 when moving is mentioned together with a municipality.
pub(crate) const MOVE_WITHIN_BONUS: f32 = 0.8;
/// Life-event scores above this add no more to linked labels.
pub(crate) const LINK_CAP: f32 = 2.0;
/// Scale of link contributions.
pub(crate) const LINK_SCALE: f32 = 0.6;

/// Each further cue of the same label counts this much of the previous one.
pub(crate) const DIMINISH: f32 = 0.5;

/// Sum of cue contributions, largest first, each weighted [`DIMINISH`] times the previous:
/// 2 + 1.5 → 2 + 0.75.
fn diminish(c: &mut [f32]) -> f32 {
    c.sort_by(|a, b| b.total_cmp(a));
    let mut factor = 1.0;
    let mut sum = 0.0;
    for x in c.iter() {
        sum += x * factor;
        factor *= DIMINISH;
    }
    sum
}

/// The life event "Moving".
pub(crate) const MOVING: &str = "KE4";
/// The life event "Moving to new home within Finland".
pub(crate) const MOVING_WITHIN_FINLAND: &str = "KE4.2";

/// What a label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    LifeEvent,
    ServiceClass,
    TargetGroup,
}

/// All labels in one index space.
#[derive(Debug)]
pub(crate) struct LabelSpace {
    pub codes: Vec<String>,
    pub kinds: Vec<Kind>,
    pub names: Vec<Localized>,
    pub parents: Vec<Option<usize>>,
    pub index: HashMap<String, usize>,
}

impl LabelSpace {
    pub fn new(lists: &CodeLists) -> Self {
        let mut s = LabelSpace {
            codes: Vec::new(),
            kinds: Vec::new(),
            names: Vec::new(),
            parents: Vec::new(),
            index: HashMap::new(),
        };
        let mut add = |code: &str, kind: Kind, name: &Localized| {
            s.index.insert(code.to_string(), s.codes.len());
            s.codes.push(code.to_string());
            s.kinds.push(kind);
            s.names.push(name.clone());
        };
        for e in lists.life_events() {
            add(&e.code, Kind::LifeEvent, &e.label);
        }
        for c in lists.service_classes() {
            add(&c.code, Kind::ServiceClass, &c.label);
        }
        for t in lists.target_groups() {
            add(&t.code, Kind::TargetGroup, &t.label);
        }
        s.parents = s
            .codes
            .iter()
            .map(|c| aurora_model::parent_code(c).and_then(|p| s.index.get(p).copied()))
            .collect();
        s
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when `label` is `ancestor` or below it.
    pub fn in_family(&self, label: usize, ancestor: usize) -> bool {
        let mut cur = Some(label);
        while let Some(l) = cur {
            if l == ancestor {
                return true;
            }
            cur = self.parents[l];
        }
        false
    }
}

/// Scores and evidence for one text.
#[derive(Debug, Clone)]
pub(crate) struct RawScores {
    /// Score per label (index of [`LabelSpace`]).
    pub score: Vec<f32>,
    /// Token indexes that are evidence for each label.
    pub evidence: Vec<Vec<usize>>,
    /// Urgency scores and their tokens.
    pub urgent: Vec<(UrgencyKind, f32, Vec<usize>)>,
}

/// Prepared cue targets: label index or urgency kind.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Label(usize, f32),
    Urgent(UrgencyKind, f32),
}

#[derive(Debug)]
pub(crate) struct Scorer {
    pub labels: LabelSpace,
    /// Per cue: targets, language, gate label.
    cue_targets: Vec<(Vec<Target>, Option<Lang>, Option<usize>)>,
    /// Label → linked labels with weights.
    links: Vec<Vec<(usize, f32)>>,
    /// Catalogue document → label.
    doc_label: Vec<Option<usize>>,
    /// Label → catalogue document.
    pub label_doc: Vec<Option<usize>>,
    moving: usize,
    moving_within: usize,
    kr_young: Option<usize>,
    kr_seniors: Option<usize>,
    kr_families: Option<usize>,
}

/// Lexicon codes that name nothing in the code lists (a typo in data/nlu/lexicon.txt).
#[derive(Debug)]
pub(crate) struct UnknownCodes(pub Vec<String>);

impl Scorer {
    pub fn new(
        lists: &CodeLists,
        lexicon: &Lexicon,
        catalog: &CatalogModel,
    ) -> Result<Self, UnknownCodes> {
        let labels = LabelSpace::new(lists);
        let mut unknown = Vec::new();
        let mut resolve = |code: &str, w: f32| -> Option<Target> {
            if let Some(kind) = UrgencyKind::from_label(code) {
                return Some(Target::Urgent(kind, w));
            }
            match labels.index.get(code) {
                Some(&i) => Some(Target::Label(i, w)),
                None => {
                    unknown.push(code.to_string());
                    None
                }
            }
        };
        let mut cue_targets = Vec::new();
        for cue in &lexicon.cues {
            let targets: Vec<Target> = cue
                .targets
                .iter()
                .filter_map(|(c, w)| resolve(c, *w))
                .collect();
            cue_targets.push((targets, cue.lang));
        }
        let mut cue_targets: Vec<(Vec<Target>, Option<Lang>, Option<usize>)> =
            cue_targets.into_iter().map(|(t, l)| (t, l, None)).collect();
        for (i, cue) in lexicon.cues.iter().enumerate() {
            if let Some(g) = cue.gate.as_deref() {
                match labels.index.get(g) {
                    Some(&gi) => cue_targets[i].2 = Some(gi),
                    None => unknown.push(g.to_string()),
                }
            }
        }
        let mut links = vec![Vec::new(); labels.len()];
        for (from, to, w) in &lexicon.links.pairs {
            match (labels.index.get(from), labels.index.get(to)) {
                (Some(&f), Some(&t)) => links[f].push((t, *w)),
                _ => unknown.push(format!("{from}→{to}")),
            }
        }
        if !unknown.is_empty() {
            unknown.sort();
            unknown.dedup();
            return Err(UnknownCodes(unknown));
        }
        let doc_label: Vec<Option<usize>> = catalog
            .codes
            .iter()
            .map(|c| labels.index.get(c).copied())
            .collect();
        let mut label_doc = vec![None; labels.len()];
        for (doc, l) in doc_label.iter().enumerate() {
            if let Some(l) = l {
                label_doc[*l] = Some(doc);
            }
        }
        let moving = labels.index[MOVING];
        let moving_within = labels.index[MOVING_WITHIN_FINLAND];
        let kr_young = labels.index.get("KR1.3").copied();
        let kr_seniors = labels.index.get("KR1.1").copied();
        let kr_families = labels.index.get("KR1.2").copied();
        Ok(Scorer {
            labels,
            cue_targets,
            links,
            doc_label,
            label_doc,
            moving,
            moving_within,
            kr_young,
            kr_seniors,
            kr_families,
        })
    }

    /// Computes raw scores.
    #[allow(clippy::too_many_arguments)]
    pub fn score(
        &self,
        tokens: &[Token],
        hits: &[Hit],
        lang_probs: [f32; 3],
        lang: Lang,
        catalog: &CatalogModel,
        stop: &dyn Fn(&str) -> bool,
        municipalities: &[MunicipalityMention],
        ages: &[AgeMention],
        semantic: Option<&[f32]>,
    ) -> RawScores {
        let n = self.labels.len();
        let mut score = vec![0.0f32; n];
        let mut own = vec![false; n];
        let mut evidence: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut urgent: Vec<(UrgencyKind, f32, Vec<usize>)> = Vec::new();

        let lang_factor = |l: Option<Lang>| match l {
            None => 1.0,
            Some(l) => LANG_FLOOR + (1.0 - LANG_FLOOR) * lang_probs[lang_index(l)],
        };
        // Each cue counts once per text, at its first occurrence. Contributions are collected
        // per label and summed with diminishing weight (see `diminish`), so one thing said
        // twice ("divorce", "getting divorced") does not outweigh two things said once.
        let mut contrib: Vec<Vec<f32>> = vec![Vec::new(); n];
        let mut seen = vec![false; self.cue_targets.len()];
        let mut gated: Vec<&Hit> = Vec::new();
        for hit in hits {
            if std::mem::replace(&mut seen[hit.cue], true) {
                continue;
            }
            let (targets, cue_lang, gate) = &self.cue_targets[hit.cue];
            if gate.is_some() {
                gated.push(hit);
                continue;
            }
            let lf = lang_factor(*cue_lang);
            for t in targets {
                match t {
                    Target::Label(l, w) => {
                        contrib[*l].push(w * lf);
                        own[*l] = true;
                        evidence[*l].extend(&hit.tokens);
                    }
                    Target::Urgent(kind, w) => match urgent.iter_mut().find(|u| u.0 == *kind) {
                        Some(u) => {
                            u.1 += w;
                            u.2.extend(&hit.tokens);
                        }
                        None => urgent.push((*kind, *w, hit.tokens.clone())),
                    },
                }
            }
        }
        // Two rounds, so a gate opened by another gated cue (country → KE4.3 → P13.4) counts.
        let mut applied = vec![false; gated.len()];
        for (k, hit) in (0..2).flat_map(|_| gated.iter().enumerate()) {
            if applied[k] {
                continue;
            }
            let (targets, cue_lang, gate) = &self.cue_targets[hit.cue];
            let Some(gate) = gate else { continue };
            let open = (0..n).any(|l| own[l] && self.labels.in_family(l, *gate));
            if !open {
                continue;
            }
            applied[k] = true;
            let lf = lang_factor(*cue_lang);
            for t in targets {
                if let Target::Label(l, w) = t {
                    contrib[*l].push(w * lf);
                    own[*l] = true;
                    evidence[*l].extend(&hit.tokens);
                }
            }
        }
        for (l, c) in contrib.iter_mut().enumerate() {
            score[l] += diminish(c);
        }

        // Catalogue similarity, with the words that produced it.
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let sims = catalog.score(lang, &words, stop);
        for (doc, sim) in sims.iter().enumerate() {
            let Some(l) = self.doc_label[doc] else {
                continue;
            };
            if *sim <= 0.0 {
                continue;
            }
            let w = match self.labels.kinds[l] {
                Kind::LifeEvent => SIM_WEIGHT_LIFE_EVENT,
                Kind::ServiceClass => SIM_WEIGHT_CLASS,
                Kind::TargetGroup => 0.0,
            };
            score[l] += w * sim;
            if w * sim >= OWN_SIMILARITY {
                own[l] = true;
            }
        }

        // Semantic similarity (only with an embedder), treated like catalogue similarity so it
        // flows through the hierarchy and links.
        for (l, s) in semantic.unwrap_or_default().iter().enumerate() {
            if *s > 0.0 {
                score[l] += s;
                if *s >= OWN_SIMILARITY {
                    own[l] = true;
                }
            }
        }

        // Moving + a municipality → moving within Finland.
        let moving_evidence: f32 = (0..n)
            .filter(|&l| own[l] && self.labels.in_family(l, self.moving))
            .map(|l| score[l])
            .fold(0.0, f32::max);
        if moving_evidence > 0.0 && !municipalities.is_empty() {
            score[self.moving_within] += score[self.moving] + MOVE_WITHIN_BONUS;
            own[self.moving_within] = true;
            for m in municipalities {
                if let Some(i) = tokens.iter().position(|t| t.start == m.span.0) {
                    evidence[self.moving_within].push(i);
                }
            }
            let parent_evidence = evidence[self.moving].clone();
            evidence[self.moving_within].extend(parent_evidence);
        }

        // Hierarchy: sub-labels with evidence inherit part of the parent's score.
        let base = score.clone();
        for l in 0..n {
            if let Some(p) = self.labels.parents[l] {
                if own[l] && base[p] > 0.0 {
                    score[l] += INHERIT * base[p];
                }
            }
        }

        // Links from life events to classes and target groups.
        let le_scores: Vec<(usize, f32)> = (0..n)
            .filter(|&l| self.labels.kinds[l] == Kind::LifeEvent && score[l] > 0.0)
            .map(|l| (l, score[l]))
            .collect();
        for (l, s) in le_scores {
            let capped = s.min(LINK_CAP);
            for &(to, w) in &self.links[l] {
                score[to] += LINK_SCALE * w * capped;
                let ev = evidence[l].clone();
                evidence[to].extend(ev);
            }
        }

        // Ages → target groups.
        for age in ages {
            let group = match age.value {
                0..=12 => self.kr_families,
                13..=29 => self.kr_young,
                65.. => self.kr_seniors,
                _ => None,
            };
            if let Some(g) = group {
                score[g] += 1.0;
                own[g] = true;
                if let Some(i) = tokens.iter().position(|t| t.start == age.span.0) {
                    evidence[g].push(i);
                }
            }
        }

        for ev in &mut evidence {
            ev.sort_unstable();
            ev.dedup();
        }
        RawScores {
            score,
            evidence,
            urgent,
        }
    }
}
