//! The `CatalogStore` conformance suite: every test runs against a fresh SQLite file and, when
//! `AURORA_TEST_DATABASE_URL` names a PostgreSQL database, against PostgreSQL too (each test in
//! a schema of its own, dropped afterwards). Without the variable the PostgreSQL variants print
//! that they were skipped.
//!
//! Modules:
//! * `harness`: the per-backend test databases and the macro that instantiates each test twice;
//! * `fixture`: the reference recommender's eight fixture services, channels and organisations;
//! * `filters`: the reference SQL filter semantics (`test_db.py` and the API filter cases);
//! * `import`: `apply_batch` outcomes, idempotence, atomicity, archiving, labels;
//! * `reads`: paging, ordering, channels, organisations, counts, corrupt documents;
//! * `migrations`: re-running migrations and refusing a newer schema;
//! * `perf`: the 100,000-service import benchmark (ignored by default).

#[macro_use]
mod harness;

mod embeddings;
mod filters;
mod fixture;
mod import;
mod migrations;
mod perf;
mod reads;

conformance! {
    filters::municipality_and_class,
    filters::classes_without_area_national_excluded,
    filters::class_or_parent_matches,
    filters::municipality_with_unmatched_class_is_empty,
    filters::municipality_national_excluded,
    filters::only_national_with_class,
    filters::top_level_class_matches_children,
    filters::municipality_with_unmatched_top_level_class_is_empty,
    filters::malformed_class_matches_nothing,
    filters::non_national_without_filters,
    filters::municipality_with_national,
    filters::complex_class_and_area_filter,
    filters::target_groups_match_exactly,
    filters::collections_match_exactly,
    filters::all_only_national_and_funding,
    filters::life_events_match_code_or_parent,
    filters::area_codes_expand_to_municipalities,
    filters::families_combine_with_and,
    import::first_import_inserts_and_counts_archived,
    import::reapplying_identical_content_changes_nothing,
    import::changed_content_is_updated_and_children_replaced,
    import::status_change_archives_and_republication_restores,
    import::batch_is_atomic,
    import::duplicate_ids_in_a_batch_keep_the_last,
    import::labels_survive_reimport,
    import::labels_carried_in_a_batch_are_stored,
    import::archive_services_by_id,
    reads::service_pages_are_ordered_with_totals,
    reads::page_limit_is_capped,
    reads::service_returns_published_only_with_labels,
    reads::all_services_returns_published_in_id_order,
    reads::channels_by_ids_keeps_order_and_skips_archived,
    reads::channels_list_by_kind,
    reads::organizations_list,
    reads::counts_and_ping,
    reads::corrupt_document_is_reported,
    embeddings::vectors_round_trip_per_model,
    embeddings::corrupt_vector_is_reported,
    migrations::reopening_is_a_no_op,
    migrations::newer_schema_is_refused,
    migrations::concurrent_opens_migrate_once,
}
