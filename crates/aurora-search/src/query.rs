//! Queries and results.

use aurora_model::{Lang, ServiceFilter};

use crate::options::Field;

/// A search request.
///
/// ```
/// use aurora_search::Query;
/// use aurora_model::{Lang, ServiceFilter};
/// let q = Query::new("asumistuki")
///     .lang(Lang::Fi)
///     .filter(ServiceFilter { municipality_codes: vec!["837".into()], ..ServiceFilter::default() })
///     .limit(5);
/// assert_eq!(q.limit, 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The user's words.
    pub text: String,
    /// The query language; `None` (the default) analyses the text with all three analyzers
    /// and unions the terms, dropping words that are stop words in any language.
    pub lang: Option<Lang>,
    /// Catalogue filter with the reference semantics. Default: no constraint.
    pub filter: ServiceFilter,
    /// Most hits returned. Default 10.
    pub limit: usize,
    /// A query vector computed by the caller; if `None`, the index's
    /// [`VectorScorer`](crate::VectorScorer) (if any) embeds [`Query::text`].
    pub vector: Option<Vec<f32>>,
    /// Whether to use vectors when available. Default true.
    pub use_vectors: bool,
}

impl Query {
    /// A query for `text`: every language, no filter, 10 hits, vectors if available.
    pub fn new(text: impl Into<String>) -> Self {
        Query {
            text: text.into(),
            lang: None,
            filter: ServiceFilter::default(),
            limit: 10,
            vector: None,
            use_vectors: true,
        }
    }

    /// Analyses the text as `lang` only.
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// Sets the filter.
    pub fn filter(mut self, filter: ServiceFilter) -> Self {
        self.filter = filter;
        self
    }

    /// Sets the number of hits.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Gives a precomputed query vector.
    pub fn vector(mut self, vector: Vec<f32>) -> Self {
        self.vector = Some(vector);
        self
    }

    /// Uses the lexical index only.
    pub fn lexical_only(mut self) -> Self {
        self.use_vectors = false;
        self
    }
}

/// One query word that matched one field of a hit: the raw material of explanations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchedTerm {
    /// The field it matched in.
    pub field: Field,
    /// The index term (a stem, gradation key, compound part or `@place`).
    pub term: String,
    /// The normalised query word it came from.
    pub query_word: String,
}

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// PTV service id.
    pub service_id: String,
    /// The ranking score: the fused score in hybrid mode, the BM25F score otherwise.
    pub score: f32,
    /// The BM25F score (0 when only the vector side found the service).
    pub lexical_score: f32,
    /// Cosine similarity of query and service vectors (approximate within about 0.001 with
    /// the default 8-bit storage, see [`VectorPrecision`](crate::VectorPrecision)); `None` in
    /// lexical-only mode or when the service has no vector.
    pub vector_score: Option<f32>,
    /// The query words that matched, by field, sorted by field then term.
    pub matched_terms: Vec<MatchedTerm>,
}

/// How a search was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    /// BM25F fused with vector similarity.
    Hybrid,
    /// BM25F alone, and why.
    LexicalOnly(LexicalOnlyReason),
}

/// Why a search did not use vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexicalOnlyReason {
    /// The query asked for lexical search ([`Query::lexical_only`]).
    DisabledByQuery,
    /// The index holds no service vectors.
    NoVectorsStored,
    /// No query vector was given and no [`VectorScorer`](crate::VectorScorer) is set.
    NoVectorScorer,
    /// The scorer returned no vector for the text.
    QueryNotEmbedded,
    /// The query vector's dimension differs from the stored vectors', or it is all zeros.
    UnusableQueryVector,
}

impl SearchMode {
    /// A stable snake_case name: `hybrid` or `lexical_only`.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchMode::Hybrid => "hybrid",
            SearchMode::LexicalOnly(_) => "lexical_only",
        }
    }
}

/// The hits of a search and how they were found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// Best first; ties broken by service id.
    pub hits: Vec<Hit>,
    /// Hybrid or lexical-only (with the reason).
    pub mode: SearchMode,
    /// How many services (after filtering) the lexical side scored: 0 exactly when no
    /// service matched any query term. Once the best `limit` are certain, very common terms
    /// only update services already found (exact top-k pruning), so for a large result this
    /// is a lower bound of the services matching some term.
    pub lexical_matches: usize,
}
