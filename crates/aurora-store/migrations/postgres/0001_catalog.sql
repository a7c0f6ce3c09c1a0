-- Aurora catalogue schema, PostgreSQL flavour.
-- Keep in step with ../sqlite/0001_catalog.sql: the tables, columns and indexes are the same,
-- only the types differ (SQLite INTEGER/TEXT vs PostgreSQL BIGINT/TEXT COLLATE "C").
-- Flags are 0/1 integers, documents are JSON text, timestamps are RFC 3339 text.
-- Documents are the last column: SQLite reads a row's columns in order, and a large
-- document would otherwise push the small columns after it onto overflow pages.

-- One row; every write transaction bumps it first, which takes the write lock up front
-- (SQLite) or a row lock (PostgreSQL), so writers serialize and `version` counts changes.
CREATE TABLE catalog_version (
    id BIGINT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

CREATE TABLE services (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    archived BIGINT NOT NULL,
    nationwide BIGINT NOT NULL,
    area_type TEXT NOT NULL,
    funding_type TEXT,
    sort_name TEXT COLLATE "C" NOT NULL,
    origin TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
-- Documents go out of line (TOAST) even when short, uncompressed: the heap rows stay small, so
-- filters and counts scan them quickly (in the 100,000-service benchmark a municipality filter
-- went from about 0.5 s to 0.1 s), and imports skip pglz.
ALTER TABLE services ALTER COLUMN doc SET STORAGE EXTERNAL;
ALTER TABLE services SET (toast_tuple_target = 256);
-- Covers the filter and paging queries: they never touch the rows (and their documents).
CREATE INDEX services_listing ON services (archived, sort_name, id, nationwide, funding_type);

-- The child rows the filters query. They carry no foreign key to `services`: only
-- apply_batch writes them, in the transaction that writes their service, and services are never
-- deleted (they are archived). On PostgreSQL the per-row referential checks tripled the time to
-- import 100,000 services.
CREATE TABLE service_municipalities (
    service_id TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (service_id, code)
);
CREATE INDEX service_municipalities_code ON service_municipalities (code, service_id);

CREATE TABLE service_classes (
    service_id TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    parent TEXT COLLATE "C",
    PRIMARY KEY (service_id, code)
);
CREATE INDEX service_classes_code ON service_classes (code, service_id);
CREATE INDEX service_classes_parent ON service_classes (parent, service_id);

CREATE TABLE service_target_groups (
    service_id TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (service_id, code)
);
CREATE INDEX service_target_groups_code ON service_target_groups (code, service_id);

CREATE TABLE service_life_events (
    service_id TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL,
    parent TEXT COLLATE "C",
    PRIMARY KEY (service_id, code)
);
CREATE INDEX service_life_events_code ON service_life_events (code, service_id);
CREATE INDEX service_life_events_parent ON service_life_events (parent, service_id);

CREATE TABLE service_collections (
    service_id TEXT COLLATE "C" NOT NULL,
    collection_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (service_id, collection_id)
);
CREATE INDEX service_collections_collection ON service_collections (collection_id, service_id);

-- 3X10D labels live apart from the imported document so that re-imports keep them.
CREATE TABLE service_labels (
    service_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES services (id),
    doc TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE channels (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    archived BIGINT NOT NULL,
    sort_name TEXT COLLATE "C" NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX channels_listing ON channels (archived, sort_name, id);
CREATE INDEX channels_kind_listing ON channels (archived, kind, sort_name, id);

CREATE TABLE organizations (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    archived BIGINT NOT NULL,
    sort_name TEXT COLLATE "C" NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX organizations_listing ON organizations (archived, sort_name, id);
