-- Issue 5, twin data (see docs/twin-design.md): attribute values, their history, company
-- twins and mandates. postgres flavour; keep in step with ../sqlite/0006_twin.sql.
-- Values are sealed (aurora_twin::crypto::SealedValue, bound to person and attribute): no
-- plaintext attribute value is ever stored. Everything cascades from persons(id).

-- Current values. version starts at 1 and grows by one per change (optimistic concurrency).
CREATE TABLE twin_values (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    attribute TEXT NOT NULL,
    sealed TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    mandate_id TEXT,
    PRIMARY KEY (person_id, attribute)
);

-- Every change, written in the transaction of the change. Deleting a value clears the sealed
-- values of its earlier rows, keeping who changed what when.
CREATE TABLE twin_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    attribute TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('set', 'delete')),
    sealed TEXT,
    version BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    mandate_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX twin_history_person ON twin_history (person_id, id);

-- Company twins: a persons row of kind 'company' and its public identity.
CREATE TABLE companies (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    business_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Mandates (Suomi.fi e-Authorizations style): agent may act for company in matters
-- (comma-separated) from valid_from until valid_until (unix seconds) unless revoked.
-- granted_by / revoked_by: a person id or 'operator'; *_under: the mandate they acted under.
CREATE TABLE mandates (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    matters TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT,
    granted_by TEXT NOT NULL,
    granted_under TEXT,
    created_at TEXT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT,
    revoked_under TEXT
);
CREATE INDEX mandates_company ON mandates (company_id);
CREATE INDEX mandates_agent ON mandates (agent_id);
