//! The in-memory inverted index: building, updating, statistics.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::sync::Arc;

use aurora_model::{parent_code, CodeLists, Lang, Service};

use crate::analyzer::Analyzer;
use crate::bitset::BitSet;
use crate::compound::Vocabulary;
use crate::error::{Result, SearchError};
use crate::filters::FilterIndex;
use crate::options::{Field, FusionOptions, IndexOptions, NUM_FIELDS};
use crate::places::PlaceTable;
use crate::stopwords::is_stop_word;
use crate::text::{for_each_word, normalize};
use crate::vector::{normalized, VectorProblem, VectorScorer, VectorStore};

pub(crate) fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    }
}

/// The postings of one term, as parallel arrays sorted by document.
#[derive(Debug, Default)]
pub(crate) struct Postings {
    pub(crate) text: String,
    pub(crate) docs: Vec<u32>,
    /// The BM25F impact `tf·(k1+1)/(k1+tf)` of each posting, where `tf` is the
    /// pseudo-frequency Σ boost · tf / length-normalisation over fields and languages; a
    /// query multiplies it by the term's IDF and weight.
    pub(crate) impacts: Vec<f32>,
    /// The largest impact of the term (an upper bound after removals), for pruning.
    pub(crate) max_impact: f32,
    /// Bit mask of the [`Field`]s the term occurs in.
    pub(crate) fields: Vec<u16>,
}

/// Sizes of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStats {
    /// Services that can be found.
    pub num_services: usize,
    /// Internal documents, including replaced and removed ones awaiting compaction.
    pub num_docs: usize,
    /// Distinct terms.
    pub num_terms: usize,
    /// Term–document pairs.
    pub num_postings: usize,
    /// Services with a vector.
    pub num_vectors: usize,
    /// Vector dimension (0 before the first vector).
    pub vector_dim: usize,
    /// Estimated heap bytes of the whole index (postings, dictionary, filters, vectors,
    /// id maps), counted from capacities; allocator overhead is not included.
    pub estimated_bytes: usize,
}

/// The text to index for one field of one service.
enum Content<'a> {
    Text(Cow<'a, str>),
    Terms(Vec<&'static str>),
}

struct Entry<'a> {
    field: Field,
    lang: Lang,
    weight: f32,
    content: Content<'a>,
}

/// Every indexed text of a service, by field and language.
fn entries<'a>(s: &'a Service, opts: &IndexOptions) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    let mut text = |field: Field, lang: Lang, weight: f32, t: Cow<'a, str>| {
        out.push(Entry {
            field,
            lang,
            weight,
            content: Content::Text(t),
        });
    };
    for (field, loc) in [
        (Field::Name, &s.name),
        (Field::AlternativeName, &s.alternative_name),
        (Field::Summary, &s.summary),
        (Field::Description, &s.description),
        (Field::UserInstruction, &s.user_instruction),
    ] {
        for (lang, t) in loc.iter() {
            text(field, lang, 1.0, Cow::Borrowed(t));
        }
    }
    for k in &s.keywords {
        text(Field::Keyword, k.lang, 1.0, Cow::Borrowed(k.value.as_str()));
    }
    for o in &s.ontology_terms {
        for (lang, t) in o.name.iter() {
            text(Field::OntologyTerm, lang, 1.0, Cow::Borrowed(t));
        }
    }
    let codes = CodeLists::get();
    let parent_w = opts.parent_label_weight;
    let mut labels = |field: Field,
                      own: Vec<&'static aurora_model::Localized>,
                      parents: Vec<&'static aurora_model::Localized>| {
        for (w, list) in [(1.0, own), (parent_w, parents)] {
            for loc in list {
                for (lang, t) in loc.iter() {
                    text(field, lang, w, Cow::Borrowed(t));
                }
            }
        }
    };
    let mut own = Vec::new();
    let mut parents = Vec::new();
    for c in &s.service_classes {
        if let Some(class) = codes.service_class(c.code.trim()) {
            own.push(&class.label);
            if let Some(p) = class.parent.as_deref().and_then(|p| codes.service_class(p)) {
                parents.push(&p.label);
            }
        }
    }
    labels(Field::ServiceClass, own, parents);
    let mut own = Vec::new();
    let mut parents = Vec::new();
    for e in &s.life_events {
        if let Some(ev) = codes.life_event(e.code.trim()) {
            own.push(&ev.label);
            if let Some(p) = parent_code(&ev.code).and_then(|p| codes.life_event(p)) {
                parents.push(&p.label);
            }
        }
    }
    labels(Field::LifeEvent, own, parents);
    let places = PlaceTable::get();
    let terms: Vec<&'static str> = s
        .municipality_codes()
        .iter()
        .filter_map(|c| places.term_for_code(c))
        .collect();
    if !terms.is_empty() {
        out.push(Entry {
            field: Field::Area,
            lang: Lang::Fi,
            weight: 1.0,
            content: Content::Terms(terms),
        });
    }
    out
}

/// The normalised text of an entry (empty for term entries).
fn entry_text(e: &Entry<'_>) -> String {
    match &e.content {
        Content::Text(t) => normalize(t),
        Content::Terms(_) => String::new(),
    }
}

/// Calls `f(word, joined)` for the non-stop words of an entry's normalised text.
fn each_word(e: &Entry<'_>, text: &str, mut f: impl FnMut(&str, bool)) {
    for_each_word(text, |w, joined| {
        if !is_stop_word(e.lang, w) {
            f(w, joined);
        }
    });
}

/// The entry's length in words (not counting joined compounds), times its weight.
fn entry_len(e: &Entry<'_>, text: &str) -> f32 {
    let n = match &e.content {
        Content::Text(_) => {
            let mut n = 0usize;
            each_word(e, text, |_, joined| n += usize::from(!joined));
            n
        }
        Content::Terms(t) => t.len(),
    };
    n as f32 * e.weight
}

/// Per (field, language) total length and number of documents having that version.
#[derive(Debug, Clone, Default)]
struct LengthStats {
    sum: [[f64; 3]; NUM_FIELDS],
    count: [[u32; 3]; NUM_FIELDS],
}

impl LengthStats {
    fn add(&mut self, lens: &[[f32; 3]; NUM_FIELDS]) {
        for (f, per_lang) in lens.iter().enumerate() {
            for (l, &len) in per_lang.iter().enumerate() {
                if len > 0.0 {
                    self.sum[f][l] += f64::from(len);
                    self.count[f][l] += 1;
                }
            }
        }
    }

    fn avg(&self, f: usize, l: usize) -> f32 {
        if self.count[f][l] == 0 {
            0.0
        } else {
            (self.sum[f][l] / f64::from(self.count[f][l])) as f32
        }
    }
}

/// Analysed words, by (language, joined), as interned term ids with weights.
#[derive(Default)]
struct AnalysisCache {
    maps: [FxHashMap<String, WordTerms>; 6],
}

/// The interned terms of one word with their weights.
type WordTerms = Box<[(u32, f32)]>;

/// A service's terms: (term id, BM25F impact, field mask), by term id.
type DocTerms = Vec<(u32, f32, u16)>;

/// What the first pass over the corpus learns.
#[derive(Default)]
struct PassA {
    lengths: LengthStats,
    /// Word counts of Finnish and Swedish texts, for the compound vocabulary.
    counts: [FxHashMap<String, u32>; 2],
    /// Distinct words by (language, joined) slot.
    words: [FxHashSet<String>; 6],
    places: FxHashSet<&'static str>,
}

impl PassA {
    fn merge(&mut self, other: PassA) {
        for f in 0..NUM_FIELDS {
            for l in 0..3 {
                self.lengths.sum[f][l] += other.lengths.sum[f][l];
                self.lengths.count[f][l] += other.lengths.count[f][l];
            }
        }
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            for (w, c) in theirs {
                *mine.entry(w).or_default() += c;
            }
        }
        for (mine, theirs) in self.words.iter_mut().zip(other.words) {
            mine.extend(theirs);
        }
        self.places.extend(other.places);
    }
}

fn pass_a(services: &[&Service], options: &IndexOptions) -> PassA {
    let mut a = PassA::default();
    for s in services {
        let mut lens = [[0f32; 3]; NUM_FIELDS];
        for e in entries(s, options) {
            let text = entry_text(&e);
            lens[e.field.index()][lang_index(e.lang)] += entry_len(&e, &text);
            if let Content::Terms(t) = &e.content {
                a.places.extend(t.iter().copied());
                continue;
            }
            let count_slot = match e.lang {
                Lang::Fi => Some(0),
                Lang::Sv => Some(1),
                Lang::En => None,
            }
            // Labels are already in the code-list vocabulary.
            .filter(|_| !matches!(e.field, Field::ServiceClass | Field::LifeEvent));
            let base = lang_index(e.lang) * 2;
            each_word(&e, &text, |w, joined| {
                let set = &mut a.words[base + usize::from(joined)];
                if !set.contains(w) {
                    set.insert(w.to_string());
                }
                if let (Some(slot), false) = (count_slot, joined) {
                    match a.counts[slot].get_mut(w) {
                        Some(c) => *c += 1,
                        None => {
                            a.counts[slot].insert(w.to_string(), 1);
                        }
                    }
                }
            });
        }
        a.lengths.add(&lens);
    }
    a
}

/// A BM25F index of services with in-index filters and optional vectors.
///
/// See the [crate documentation](crate) for the design. Build it once with
/// [`SearchIndex::build`], keep it current with [`upsert`](SearchIndex::upsert) and
/// [`remove`](SearchIndex::remove), search with [`search`](SearchIndex::search). Searching
/// takes `&self` and may run on many threads at once; updates take `&mut self` (wrap the
/// index in an `RwLock`, or build a new one and swap it).
pub struct SearchIndex {
    pub(crate) options: IndexOptions,
    pub(crate) fusion: FusionOptions,
    pub(crate) analyzers: [Analyzer; 3],
    /// Internal document number → service id.
    pub(crate) docs: Vec<String>,
    by_id: FxHashMap<String, u32>,
    pub(crate) live: BitSet,
    pub(crate) dict: FxHashMap<String, u32>,
    pub(crate) terms: Vec<Postings>,
    lengths: LengthStats,
    pub(crate) filters: FilterIndex,
    pub(crate) vectors: VectorStore,
    pub(crate) scorer: Option<Arc<dyn VectorScorer>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("stats", &self.stats())
            .field("has_scorer", &self.scorer.is_some())
            .finish()
    }
}

impl SearchIndex {
    /// Builds an index of the published services among `services` with default options.
    pub fn build(services: &[Service]) -> Self {
        SearchIndex::build_with(services, IndexOptions::default())
    }

    /// Builds an index with `options`.
    ///
    /// Two passes, each split over the available cores (at most four threads): the first
    /// learns the compound vocabulary (from every Finnish and Swedish text plus the code
    /// lists), the average length of each field and language, and the distinct words; then
    /// each distinct word is analysed once; the second pass computes every service's
    /// postings, which are appended in input order.
    pub fn build_with(services: &[Service], options: IndexOptions) -> Self {
        let published: Vec<&Service> = services.iter().filter(|s| !s.is_archived()).collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let chunk = published.len().div_ceil(threads).max(1);
        let first: Vec<PassA> = std::thread::scope(|scope| {
            let handles: Vec<_> = published
                .chunks(chunk)
                .map(|part| scope.spawn(|| pass_a(part, &options)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("pass A thread"))
                .collect()
        });
        let mut a = PassA::default();
        for part in first {
            a.merge(part);
        }
        let mut vocabulary = (*Vocabulary::code_lists()).clone();
        vocabulary.learn_counts(Lang::Fi, &a.counts[0]);
        vocabulary.learn_counts(Lang::Sv, &a.counts[1]);
        let mut index = SearchIndex::empty_with(options, Arc::new(vocabulary));
        index.lengths = a.lengths;

        // Every distinct word, analysed once, in parallel; then interned in a fixed order.
        let mut words: Vec<(usize, String)> = Vec::new();
        for (slot, set) in a.words.into_iter().enumerate() {
            let mut list: Vec<String> = set.into_iter().collect();
            list.sort_unstable();
            words.extend(list.into_iter().map(|w| (slot, w)));
        }
        let wchunk = words.len().div_ceil(threads).max(1);
        let analysed: Vec<Vec<Vec<(String, f32)>>> = std::thread::scope(|scope| {
            let index = &index;
            let handles: Vec<_> = words
                .chunks(wchunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(slot, w)| {
                                let mut raw = Vec::new();
                                index.analyzers[slot / 2].analyze_word(
                                    w,
                                    slot % 2 == 1,
                                    |t, _, weight| raw.push((t, weight)),
                                );
                                raw
                            })
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("analysis thread"))
                .collect()
        });
        let mut cache = AnalysisCache::default();
        for ((slot, w), raw) in words.into_iter().zip(analysed.into_iter().flatten()) {
            let terms: WordTerms = raw
                .into_iter()
                .map(|(t, weight)| (index.intern(&t), weight))
                .collect();
            cache.maps[slot].insert(w, terms);
        }
        let mut places: Vec<&'static str> = a.places.into_iter().collect();
        places.sort_unstable();
        for p in places {
            index.intern(p);
        }

        // Postings, a block of services at a time.
        const BLOCK: usize = 4096;
        for block in published.chunks(BLOCK) {
            let part = block.len().div_ceil(threads).max(1);
            let terms: Vec<Vec<DocTerms>> = std::thread::scope(|scope| {
                let (index, cache) = (&index, &cache);
                let handles: Vec<_> = block
                    .chunks(part)
                    .map(|docs| {
                        scope
                            .spawn(move || docs.iter().map(|s| index.doc_terms(s, cache)).collect())
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("postings thread"))
                    .collect()
            });
            for (s, t) in block.iter().zip(terms.into_iter().flatten()) {
                index.append(s, t);
            }
        }
        index
    }

    fn empty_with(options: IndexOptions, vocabulary: Arc<Vocabulary>) -> Self {
        SearchIndex {
            vectors: VectorStore::new(options.vector_precision),
            options,
            fusion: FusionOptions::default(),
            analyzers: Lang::ALL.map(|l| Analyzer::with_vocabulary(l, vocabulary.clone())),
            docs: Vec::new(),
            by_id: FxHashMap::default(),
            live: BitSet::new(0),
            dict: FxHashMap::default(),
            terms: Vec::new(),
            lengths: LengthStats::default(),
            filters: FilterIndex::default(),
            scorer: None,
        }
    }

    /// The analyzer the index uses for `lang` (its vocabulary was learned from the corpus).
    pub fn analyzer(&self, lang: Lang) -> &Analyzer {
        &self.analyzers[lang_index(lang)]
    }

    /// The index options.
    pub fn options(&self) -> &IndexOptions {
        &self.options
    }

    /// The fusion options used by hybrid searches.
    pub fn fusion_options(&self) -> &FusionOptions {
        &self.fusion
    }

    /// Replaces the fusion options.
    pub fn set_fusion_options(&mut self, fusion: FusionOptions) {
        self.fusion = fusion;
    }

    /// Sets the model that embeds query texts (see [`VectorScorer`]).
    pub fn set_vector_scorer(&mut self, scorer: Arc<dyn VectorScorer>) {
        self.scorer = Some(scorer);
    }

    /// Number of services that can be found.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when no service can be found.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// True when the service is in the index.
    pub fn contains(&self, service_id: &str) -> bool {
        self.by_id.contains_key(service_id)
    }

    /// Adds or replaces a service. An archived (non-published) service is removed instead,
    /// as the reference never returns archived services.
    ///
    /// The compound vocabulary and the average field lengths stay those of the build, so an
    /// upserted service is scored exactly as it would have been had it been in the build,
    /// except for words the build never saw. Replacing keeps the service's vector (call
    /// [`set_vector`](SearchIndex::set_vector) again if its text changed).
    pub fn upsert(&mut self, service: &Service) {
        if service.is_archived() {
            let _ = self.remove(&service.id);
            return;
        }
        let old_vector = self
            .by_id
            .get(&service.id)
            .and_then(|&d| self.vectors.row(d));
        let _ = self.remove_inner(&service.id);
        let doc = self.insert(service, &mut AnalysisCache::default());
        if let Some(v) = old_vector {
            let len = self.docs.len();
            let _ = self.vectors.set(doc, &v, len);
        }
        self.maybe_compact();
    }

    /// Removes a service.
    pub fn remove(&mut self, service_id: &str) -> Result<()> {
        self.remove_inner(service_id)?;
        self.maybe_compact();
        Ok(())
    }

    fn remove_inner(&mut self, service_id: &str) -> Result<()> {
        let doc = self
            .by_id
            .remove(service_id)
            .ok_or_else(|| SearchError::UnknownService(service_id.to_string()))?;
        self.live.remove(doc);
        self.vectors.clear(doc);
        Ok(())
    }

    /// Stores the semantic vector of a service (normalised to unit length).
    ///
    /// The first vector fixes the index's dimension.
    pub fn set_vector(&mut self, service_id: &str, vector: Vec<f32>) -> Result<()> {
        let doc = *self
            .by_id
            .get(service_id)
            .ok_or_else(|| SearchError::UnknownService(service_id.to_string()))?;
        let found = vector.len();
        let problem = |p: VectorProblem| match p {
            VectorProblem::Dimension { expected } => SearchError::VectorDimension {
                service_id: service_id.to_string(),
                expected,
                found,
            },
            VectorProblem::Zero => SearchError::InvalidVector {
                service_id: service_id.to_string(),
                reason: "all zeros",
            },
            VectorProblem::NotFinite => SearchError::InvalidVector {
                service_id: service_id.to_string(),
                reason: "contains NaN or infinity",
            },
        };
        if self.vectors.dim() != 0 && found != self.vectors.dim() {
            return Err(problem(VectorProblem::Dimension {
                expected: self.vectors.dim(),
            }));
        }
        let v = normalized(vector).map_err(problem)?;
        let len = self.docs.len();
        self.vectors.set(doc, &v, len).map_err(problem)
    }

    /// The stored (unit-length) vector of a service; with
    /// [`VectorPrecision::Int8`](crate::VectorPrecision::Int8) storage, as dequantised.
    pub fn vector(&self, service_id: &str) -> Option<Vec<f32>> {
        self.by_id
            .get(service_id)
            .and_then(|&d| self.vectors.row(d))
    }

    /// Sizes and an estimate of the memory used.
    pub fn stats(&self) -> IndexStats {
        let postings: usize = self.terms.iter().map(|p| p.docs.len()).sum();
        let postings_bytes: usize = self
            .terms
            .iter()
            .map(|p| {
                p.docs.capacity() * 4
                    + p.impacts.capacity() * 4
                    + p.fields.capacity() * 2
                    + p.text.capacity()
                    + 80
            })
            .sum();
        let dict_bytes: usize = self.dict.keys().map(|k| k.capacity() + 24 + 4 + 8).sum();
        let id_bytes: usize = self.docs.iter().map(|d| d.capacity() + 24).sum::<usize>()
            + self
                .by_id
                .keys()
                .map(|k| k.capacity() + 24 + 4 + 8)
                .sum::<usize>();
        IndexStats {
            num_services: self.by_id.len(),
            num_docs: self.docs.len(),
            num_terms: self.terms.len(),
            num_postings: postings,
            num_vectors: self.vectors.count(),
            vector_dim: self.vectors.dim(),
            estimated_bytes: postings_bytes
                + dict_bytes
                + id_bytes
                + self.filters.heap_bytes()
                + self.vectors.heap_bytes()
                + self.live.heap_bytes(),
        }
    }

    /// Indexes one published service as a new internal document.
    fn insert(&mut self, s: &Service, cache: &mut AnalysisCache) -> u32 {
        for e in entries(s, &self.options) {
            match &e.content {
                Content::Terms(terms) => {
                    for t in terms {
                        self.intern(t);
                    }
                }
                Content::Text(_) => {
                    let text = entry_text(&e);
                    each_word(&e, &text, |w, joined| {
                        let slot = lang_index(e.lang) * 2 + usize::from(joined);
                        if !cache.maps[slot].contains_key(w) {
                            let terms = self.analyse(e.lang, w, joined);
                            cache.maps[slot].insert(w.to_string(), terms);
                        }
                    });
                }
            }
        }
        let terms = self.doc_terms(s, cache);
        self.append(s, terms)
    }

    /// The BM25F pseudo-frequencies of a service's terms. Every word and place term must
    /// already be in `cache` and the dictionary.
    fn doc_terms(&self, s: &Service, cache: &AnalysisCache) -> DocTerms {
        let entries = entries(s, &self.options);
        let texts: Vec<String> = entries.iter().map(entry_text).collect();
        let mut lens = [[0f32; 3]; NUM_FIELDS];
        for (e, text) in entries.iter().zip(&texts) {
            lens[e.field.index()][lang_index(e.lang)] += entry_len(e, text);
        }
        let mut acc: FxHashMap<u32, (f32, u16)> = FxHashMap::default();
        for (e, text) in entries.iter().zip(&texts) {
            let (f, l) = (e.field.index(), lang_index(e.lang));
            let settings = self.options.fields[f];
            let avg = self.lengths.avg(f, l);
            let norm = if avg > 0.0 {
                1.0 - settings.b + settings.b * lens[f][l] / avg
            } else {
                1.0
            };
            let scale = settings.boost * e.weight / norm.max(1e-3);
            let bit = e.field.bit();
            match &e.content {
                Content::Terms(terms) => {
                    for t in terms {
                        let id = self.dict[*t];
                        let a = acc.entry(id).or_default();
                        a.0 += scale;
                        a.1 |= bit;
                    }
                }
                Content::Text(_) => {
                    each_word(e, text, |w, joined| {
                        let slot = lang_index(e.lang) * 2 + usize::from(joined);
                        for &(id, weight) in cache.maps[slot][w].iter() {
                            let a = acc.entry(id).or_default();
                            a.0 += scale * weight;
                            a.1 |= bit;
                        }
                    });
                }
            }
        }
        let k1 = self.options.k1;
        let mut out: DocTerms = acc
            .into_iter()
            .map(|(id, (tf, mask))| (id, tf * (k1 + 1.0) / (k1 + tf), mask))
            .collect();
        out.sort_unstable_by_key(|t| t.0);
        out
    }

    /// Appends a service's postings as the next internal document.
    fn append(&mut self, s: &Service, terms: DocTerms) -> u32 {
        let doc = u32::try_from(self.docs.len()).expect("fewer than 2^32 documents");
        for (id, impact, mask) in terms {
            let p = &mut self.terms[id as usize];
            p.docs.push(doc);
            p.impacts.push(impact);
            p.fields.push(mask);
            p.max_impact = p.max_impact.max(impact);
        }
        self.filters.add(doc, s);
        self.docs.push(s.id.clone());
        self.by_id.insert(s.id.clone(), doc);
        self.live.grow(self.docs.len());
        self.live.insert(doc);
        self.vectors.grow(self.docs.len());
        doc
    }

    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.dict.get(term) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).expect("fewer than 2^32 terms");
        self.dict.insert(term.to_string(), id);
        self.terms.push(Postings {
            text: term.to_string(),
            ..Postings::default()
        });
        id
    }

    /// The interned terms of one word.
    fn analyse(&mut self, lang: Lang, w: &str, joined: bool) -> WordTerms {
        let mut raw: Vec<(String, f32)> = Vec::new();
        self.analyzers[lang_index(lang)]
            .analyze_word(w, joined, |t, _, weight| raw.push((t, weight)));
        raw.into_iter()
            .map(|(t, weight)| (self.intern(&t), weight))
            .collect()
    }

    fn maybe_compact(&mut self) {
        let dead = self.docs.len() - self.by_id.len();
        if dead > 0 && dead as f32 > self.docs.len() as f32 * self.options.compact_ratio {
            self.compact();
        }
    }

    /// Drops replaced and removed documents from the postings and renumbers the rest (in
    /// order, so postings stay sorted). Runs by itself past
    /// [`IndexOptions::compact_ratio`]; document frequencies count replaced documents until
    /// then, as in Lucene.
    pub fn compact(&mut self) {
        let old_len = self.docs.len();
        let mut map: Vec<Option<u32>> = vec![None; old_len];
        let mut docs = Vec::with_capacity(self.by_id.len());
        for (d, id) in self.docs.drain(..).enumerate() {
            if self.live.contains(d as u32) {
                map[d] = Some(docs.len() as u32);
                docs.push(id);
            }
        }
        let len = docs.len();
        self.docs = docs;
        for (i, id) in self.docs.iter().enumerate() {
            self.by_id.insert(id.clone(), i as u32);
        }
        for p in &mut self.terms {
            let mut w = 0;
            for r in 0..p.docs.len() {
                if let Some(n) = map[p.docs[r] as usize] {
                    p.docs[w] = n;
                    p.impacts[w] = p.impacts[r];
                    p.fields[w] = p.fields[r];
                    w += 1;
                }
            }
            p.docs.truncate(w);
            p.impacts.truncate(w);
            p.fields.truncate(w);
            p.docs.shrink_to_fit();
            p.impacts.shrink_to_fit();
            p.fields.shrink_to_fit();
        }
        self.filters.remap(&map, len);
        self.vectors.remap(&map, len);
        self.live = BitSet::new(len);
        for d in 0..len as u32 {
            self.live.insert(d);
        }
    }
}
