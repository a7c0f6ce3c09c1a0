//! Integration tests of the importers against a real SQLite store, one module per feature:
//!
//! * `shapes`: every input shape (object, array, id map, API page, directory) imports;
//! * `real_data`: the real PTV data in `data/ptv`, re-imports, publishing status;
//! * `errors`: malformed, truncated, wrongly typed and unknown-code inputs, strict and skip
//!   modes, and garbage that must give errors rather than panics;
//! * `api`: the live-API client against a loopback server replaying recorded responses;
//! * `bundled`: the dataset compiled into the binary;
//! * `detect`: `import_path` recognising the pilot directory and the label workbook;
//! * `bench`: the 100k-service scale check (ignored; run by hand in release).

mod api;
mod bench;
mod bundled;
mod common;
mod detect;
mod errors;
mod real_data;
mod shapes;
