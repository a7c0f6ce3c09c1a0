//! Indexed fields and the index and fusion options, with their defaults and costs.

use crate::vector::VectorPrecision;

/// A part of a service that is indexed, in every language the service has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The name.
    Name,
    /// The alternative name.
    AlternativeName,
    /// Keywords.
    Keyword,
    /// The short summary.
    Summary,
    /// The full description.
    Description,
    /// Instructions for the person.
    UserInstruction,
    /// Ontology term labels (YSO and others; PTV gives them in fi/sv/en).
    OntologyTerm,
    /// The fi/sv/en labels of the service's classes, and at a lower weight of their main
    /// classes, from the code lists: how a Swedish or English query reaches a Finnish-only
    /// service.
    ServiceClass,
    /// The fi/sv/en labels of the service's life events (and their parents, lower).
    LifeEvent,
    /// The municipalities the service is offered in, as place terms (`@tampere`).
    Area,
}

/// Number of [`Field`]s.
pub const NUM_FIELDS: usize = 10;

impl Field {
    /// Every field, in declaration order.
    pub const ALL: [Field; NUM_FIELDS] = [
        Field::Name,
        Field::AlternativeName,
        Field::Keyword,
        Field::Summary,
        Field::Description,
        Field::UserInstruction,
        Field::OntologyTerm,
        Field::ServiceClass,
        Field::LifeEvent,
        Field::Area,
    ];

    /// A stable snake_case name (for explanations and APIs).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::AlternativeName => "alternative_name",
            Field::Keyword => "keyword",
            Field::Summary => "summary",
            Field::Description => "description",
            Field::UserInstruction => "user_instruction",
            Field::OntologyTerm => "ontology_term",
            Field::ServiceClass => "service_class",
            Field::LifeEvent => "life_event",
            Field::Area => "area",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The fields whose bits are set in `mask`.
    pub(crate) fn from_mask(mask: u16) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |f| mask & f.bit() != 0)
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one field counts in BM25F.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSettings {
    /// Multiplies the field's term frequencies.
    pub boost: f32,
    /// Length normalisation, 0 (none) to 1 (full), as BM25's `b`, per field and language.
    pub b: f32,
}

/// Options fixed when the index is built.
///
/// Scoring is BM25F: a term's frequency in each field and language version is divided by
/// that version's length normalisation `1 − b + b·len/avglen` and multiplied by the field's
/// boost; the sum is saturated once with `k1` and multiplied by the term's IDF. Each language
/// version is normalised by its own average, so a trilingual service is not penalised for
/// being long, and a Swedish query is measured against the Swedish text.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexOptions {
    /// BM25 saturation. Default 1.2.
    pub k1: f32,
    /// Per-field settings, indexed like [`Field::ALL`]. Defaults: name 4.0 (b 0.5),
    /// alternative name 2.5 (0.5), keyword 2.5 (0.3), summary 1.5 (0.75), description 1.0
    /// (0.75), user instruction 0.5 (0.75), ontology term 2.0 (0.3), service class 1.5 (0.3),
    /// life event 1.0 (0.3), area 1.0 (0: a service offered in 30 municipalities counts
    /// each as fully as one offered in one).
    pub fields: [FieldSettings; NUM_FIELDS],
    /// Weight of a main class's labels relative to the service's own class (`P1` "Housing"
    /// for a service in `P1.4`). Default 0.5. Also used for parent life events.
    pub parent_label_weight: f32,
    /// When more than this share of the internal documents are replaced or removed ones,
    /// [`SearchIndex::upsert`](crate::SearchIndex::upsert) and
    /// [`remove`](crate::SearchIndex::remove) compact the postings (cost: one pass over
    /// all postings, about as long as 10 % of a build). Default 0.25.
    pub compact_ratio: f32,
    /// How service vectors are stored; see [`VectorPrecision`]. Default 8-bit.
    pub vector_precision: VectorPrecision,
}

impl Default for IndexOptions {
    fn default() -> Self {
        let s = |boost, b| FieldSettings { boost, b };
        IndexOptions {
            k1: 1.2,
            fields: [
                s(4.0, 0.5),
                s(2.5, 0.5),
                s(2.5, 0.3),
                s(1.5, 0.75),
                s(1.0, 0.75),
                s(0.5, 0.75),
                s(2.0, 0.3),
                s(1.5, 0.3),
                s(1.0, 0.3),
                s(1.0, 0.0),
            ],
            parent_label_weight: 0.5,
            compact_ratio: 0.25,
            vector_precision: VectorPrecision::Int8,
        }
    }
}

impl IndexOptions {
    /// The settings of one field.
    pub fn field(&self, field: Field) -> FieldSettings {
        self.fields[field.index()]
    }

    /// Replaces the settings of one field.
    pub fn with_field(mut self, field: Field, settings: FieldSettings) -> Self {
        self.fields[field.index()] = settings;
        self
    }
}

/// How lexical and vector rankings are fused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FusionMethod {
    /// Reciprocal rank fusion: `Σ weight / (k + rank)` over the two rankings.
    ///
    /// The default: it needs no calibration, which matters because BM25 scores are
    /// unbounded and E5 cosines are compressed into about 0.78–0.90, so raw scores do not
    /// mix; a service ranked high by either side rises. Cost: ranks only, so a clear
    /// lexical winner and a marginal one count the same at equal rank.
    Rrf {
        /// The rank offset; larger values flatten the head. Default 60 (Cormack et al.).
        k: f32,
    },
    /// Normalised score mixing: each side's scores are min–max normalised over its
    /// candidates and added with the weights. Keeps score gaps, but is sensitive to
    /// outliers and to how many candidates each side has.
    Linear,
}

/// Options for hybrid (lexical + vector) search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FusionOptions {
    /// The fusion method. Default RRF with k = 60.
    pub method: FusionMethod,
    /// Weight of the lexical ranking. Default 1.0.
    pub lexical_weight: f32,
    /// Weight of the vector ranking. Default 1.0.
    pub vector_weight: f32,
    /// How many of each side's best candidates are fused. Default 100; the vector side
    /// always scans every filtered service, so this only bounds the merge (cheap).
    pub candidates: usize,
}

impl Default for FusionOptions {
    fn default() -> Self {
        FusionOptions {
            method: FusionMethod::Rrf { k: 60.0 },
            lexical_weight: 1.0,
            vector_weight: 1.0,
            candidates: 100,
        }
    }
}
