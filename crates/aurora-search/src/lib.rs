//! Aurora's search engine: text analysis for Finnish, Swedish and English, an in-memory
//! BM25F index over the service catalogue with the reference filter semantics applied inside
//! the index, and the seam where semantic vectors join the lexical ranking.
//!
//! This crate owns
//! * **text analysis** ([`Analyzer`]): Unicode normalisation that keeps å/ä/ö
//!   ([`normalize`]), tokenisation that splits and keeps hyphenated compounds
//!   ([`tokenize`]), stop words, Snowball stemming, and for Finnish consonant-gradation keys
//!   ([`finnish_keys`]: `asumistuki`, `asumistukea`, `asumistuen` meet), compound splitting
//!   learned from the corpus ([`Vocabulary`]: `asumistuki` → `asumis + tuki`) and inflected
//!   place names ([`PlaceTable`]: `Tampereelle` → `@tampere`);
//! * **the index** ([`SearchIndex`]): every language version of name, alternative name,
//!   keywords, summary, description, user instruction, ontology terms, the fi/sv/en labels of
//!   the service's classes and life events from the code lists, and its municipalities
//!   ([`Field`]); built at once, updated with `upsert`/`remove`;
//! * **filters** with the semantics of [`aurora_model::ServiceFilter`], answered from
//!   per-code document lists so that a filtered search costs no more than an unfiltered one;
//! * **hybrid fusion**: a [`VectorScorer`] trait for the query-embedding model, per-service
//!   vectors, an exact cosine scan over the filtered services, and reciprocal rank fusion
//!   ([`FusionOptions`]). Without vectors the lexical path works alone and every result says
//!   so ([`SearchMode::LexicalOnly`]).
//!
//! It knows nothing of HTTP, storage or embedding models: the server and the guidance
//! engine feed it services and vectors.
//!
//! ```
//! use aurora_model::{Lang, Service, ServiceFilter};
//! use aurora_search::{Query, SearchIndex, SearchMode, LexicalOnlyReason};
//!
//! // A Finnish-only service in class P1.4 (Asumisen tuet / Stöd för boende / Housing benefits).
//! let service: Service = serde_json::from_value(serde_json::json!({
//!     "id": "s1", "kind": "Service", "publishing_status": "Published",
//!     "area_type": "LimitedType",
//!     "areas": [{"kind": "Municipality", "code": "837"}],
//!     "name": {"fi": "Asumistuki"},
//!     "summary": {"fi": "Tukea asumisen kuluihin pienituloisille."},
//!     "service_classes": [{"code": "P1.4"}]
//! }))?;
//! let index = SearchIndex::build(&[service]);
//!
//! // Finnish inflection, a place in the illative, and the reference filter semantics.
//! let tampere = ServiceFilter { municipality_codes: vec!["837".into()], ..ServiceFilter::default() };
//! let results = index.search(&Query::new("asumistuen hakeminen Tampereelle").lang(Lang::Fi).filter(tampere));
//! assert_eq!(results.hits[0].service_id, "s1");
//! assert_eq!(results.mode, SearchMode::LexicalOnly(LexicalOnlyReason::NoVectorsStored));
//!
//! // An English query reaches the Finnish-only service through its class label.
//! let results = index.search(&Query::new("housing benefits").lang(Lang::En));
//! assert_eq!(results.hits[0].service_id, "s1");
//! let fields: Vec<&str> = results.hits[0].matched_terms.iter().map(|m| m.field.as_str()).collect();
//! assert!(fields.contains(&"service_class"));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Design decisions
//!
//! 1. **Its own inverted index rather than tantivy.** The catalogue is at most about
//!    100,000 services and fits in memory many times over. An index of plain vectors gives
//!    incremental `upsert` without commit/reload cycles, lets the filters be bit sets over the
//!    same document numbers as the postings, reports matched terms per field without an
//!    explanation pass, and keeps the build free of tantivy's 25 s compile. What it gives up:
//!    phrase and proximity queries, persistence (the index is rebuilt from the store at
//!    start, which takes seconds) and segment merging (replaced documents are compacted in
//!    one pass instead).
//! 2. **BM25F with per-language length normalisation** ([`IndexOptions`]): one saturation
//!    per term over all fields, so a word in the name and the description does not count
//!    twice, and each language version measured against its own average length.
//! 3. **Every word gives several weighted terms** (stem, Finnish gradation key, compound
//!    parts at half weight, place), summing to one word's weight, so recall grows without
//!    letting a long word outvote a short one.
//! 4. **Reciprocal rank fusion by default** ([`FusionMethod`]): see its documentation.
//! 5. **Filters before scoring**: postings of documents outside the filter are skipped, so
//!    filtered results equal the unfiltered ones with non-matching services taken out
//!    (property-tested, and tested against `aurora-store`'s SQL on the real catalogue).
//! 6. **Exact top-k with MaxScore pruning**: terms are scored rarest-impact first; once the
//!    remaining terms cannot lift an unseen service into the top `limit`, they only update
//!    the services already found. Impacts (`tf·(k1+1)/(k1+tf)`) are precomputed at
//!    indexing, so a posting costs one multiply-add.
//! 7. **Exact vector scan, 8-bit by default** ([`VectorPrecision`]): a brute-force scan is
//!    deterministic and needs no index; at 100,000 × 384 it is memory-bound, and 8-bit rows
//!    move a quarter of the bytes of `f32` ones (numbers in `benches/search.rs`).
//!
//! # Where it stops working
//!
//! The rule-based Finnish analysis has known gaps, each documented with a word it does not
//! handle: [`finnish_keys`] (`lasten` does not meet `lapsi`), [`Vocabulary`] (`esiopetus`
//! is not split), [`PlaceTable`] (`Uudessakaupungissa` is not recognised). Swedish and
//! English use Snowball alone: Swedish neuter definite forms keep their `-et`
//! (`bidraget` does not meet `bidrag`, while `bidragen` does). Lexically, a
//! Swedish or English query reaches a Finnish-only service only through translated
//! metadata (class and life-event labels, ontology terms): `bostadsbidrag` finds nothing in
//! a Finnish-only housing-allowance service whose class label is `Stöd för boende`. That gap
//! is what the vectors are for.
//!
//! # Map
//!
//! | file | what |
//! |---|---|
//! | `text.rs` | normalisation and tokenisation |
//! | `stopwords.rs`, `stopwords/*.txt` | stop words |
//! | `finnish.rs` | Finnish gradation keys |
//! | `compound.rs` | vocabulary and compound splitting |
//! | `places.rs` | municipality names and their inflections |
//! | `analyzer.rs` | the per-language pipeline |
//! | `options.rs` | fields, BM25F and fusion options |
//! | `index.rs` | building, updating, statistics |
//! | `filters.rs` | filter semantics over document lists |
//! | `candidates.rs` | filter-only candidate selection for engines that rank without text |
//! | `search.rs` | query analysis, scoring, fusion, matched terms |
//! | `vector.rs` | the `VectorScorer` seam, vector storage and the cosine scan |
//! | `benches/search.rs` | 100,000 synthetic services; results in `BENCHMARKS.md` |
#![warn(missing_docs)]

mod analyzer;
mod bitset;
mod candidates;
mod compound;
mod error;
mod filters;
mod finnish;
mod index;
mod options;
mod places;
mod query;
mod search;
mod stopwords;
mod text;
mod vector;

pub use analyzer::{Analyzer, Term, TermKind, PART_WEIGHT};
pub use candidates::Candidates;
pub use compound::{Vocabulary, MAX_PARTS};
pub use error::{Result, SearchError};
pub use finnish::finnish_keys;
pub use index::{IndexStats, SearchIndex};
pub use options::{Field, FieldSettings, FusionMethod, FusionOptions, IndexOptions, NUM_FIELDS};
pub use places::{PlaceTable, PLACE_PREFIX};
pub use query::{Hit, LexicalOnlyReason, MatchedTerm, Query, SearchMode, SearchResults};
pub use stopwords::{is_stop_word, is_stop_word_anywhere};
pub use text::{normalize, tokenize, Word, MAX_WORD_CHARS};
pub use vector::{VectorPrecision, VectorScorer};
