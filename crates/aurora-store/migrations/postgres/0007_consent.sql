-- Issue 5, area: consent (see docs/twin-design.md). PostgreSQL flavour; keep in step with
-- ../sqlite/0007_consent.sql (same tables, columns and indexes; only types differ).
-- Every table references persons(id) ON DELETE CASCADE, so erasing a person erases all of it.

-- One consent record per (person, recipient, purpose, attribute set, validity), in ISO/IEC
-- TS 27560 style. The recipient's names are those shown when consent was given. `state` is
-- 'active' until withdrawn or swept to 'expired'; decisions never trust it alone but compare
-- `valid_until_unix` and `withdrawn_at_unix` with the time of the check. `receipt` is the
-- signed Kantara v1.1 receipt (compact JWS) of the current version.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('service', 'agent')),
    recipient_id TEXT NOT NULL,
    recipient_name_fi TEXT NOT NULL,
    recipient_name_sv TEXT NOT NULL,
    recipient_name_en TEXT NOT NULL,
    purpose TEXT NOT NULL,
    attributes TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    granted_at_unix BIGINT NOT NULL,
    valid_until TEXT NOT NULL,
    valid_until_unix BIGINT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_at_unix BIGINT,
    state TEXT NOT NULL CHECK (state IN ('active', 'withdrawn', 'expired')),
    version BIGINT NOT NULL,
    notice_language TEXT NOT NULL,
    collection_method TEXT NOT NULL,
    receipt TEXT NOT NULL
);
CREATE INDEX consents_person ON consents (person_id, granted_at_unix);
CREATE INDEX consents_recipient ON consents (person_id, recipient_kind, recipient_id, purpose);
CREATE INDEX consents_expiry ON consents (state, valid_until_unix);

-- The life of each record: granted, withdrawn, expired, renewed (with the version it made).
CREATE TABLE consent_events (
    consent_id TEXT NOT NULL REFERENCES consents (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    event TEXT NOT NULL CHECK (event IN ('granted', 'withdrawn', 'expired', 'renewed')),
    version BIGINT NOT NULL,
    at TEXT NOT NULL,
    at_unix BIGINT NOT NULL,
    PRIMARY KEY (consent_id, version, event)
);
CREATE INDEX consent_events_person ON consent_events (person_id);

-- Who saw what, when, why: one row per read of a person's values by anyone, the person
-- included. Names are the reader's at the time of the read; attribute names only, never values.
CREATE TABLE access_log (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    at_unix_ms BIGINT NOT NULL,
    reader_kind TEXT NOT NULL CHECK (reader_kind IN ('self', 'service', 'agent')),
    reader_id TEXT NOT NULL,
    reader_name_fi TEXT NOT NULL,
    reader_name_sv TEXT NOT NULL,
    reader_name_en TEXT NOT NULL,
    attributes TEXT NOT NULL,
    purpose TEXT NOT NULL,
    consent_ids TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('api', 'web', 'oauth', 'handover', 'agent'))
);
CREATE INDEX access_log_person ON access_log (person_id, at_unix_ms);

-- Pending hand-overs. Only the SHA-256 of the token is kept, and the attribute values are
-- sealed with a key derived from the token itself, so the database alone cannot read them.
-- A row is deleted when redeemed (single use) and swept when expired. `person_id` and
-- `consent_id` are set when a signed-in person handed over (the consent record of purpose
-- 'handover'; withdrawing it cancels the hand-over).
CREATE TABLE handover_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    audience TEXT NOT NULL,
    person_id TEXT REFERENCES persons (id) ON DELETE CASCADE,
    consent_id TEXT REFERENCES consents (id) ON DELETE CASCADE,
    attributes TEXT NOT NULL,
    sealed TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at_unix BIGINT NOT NULL
);
CREATE INDEX handover_tokens_expiry ON handover_tokens (expires_at_unix);
CREATE INDEX handover_tokens_person ON handover_tokens (person_id);
