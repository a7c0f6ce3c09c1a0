//! Integration tests of aurora-search, one module per concern:
//! * `analysis`: inflections, places and compounds meet at the index level (table tests);
//! * `relevance`: ranking specifications in fi/sv/en over a handcrafted corpus;
//! * `filters`: the reference filter semantics, case by case and against aurora-store;
//! * `property`: filtered search equals naive filtering of unfiltered search, also after
//!   updates;
//! * `hybrid`: the vector seam, fusion and the lexical-only fallback;
//! * `real_data`: the bundled PTV catalogue.

mod analysis;
mod common;
mod filters;
mod hybrid;
mod property;
mod real_data;
mod relevance;
