-- Issue 5, hub: the people (and companies) whose twins Aurora keeps, and their sign-in
-- sessions. PostgreSQL flavour; keep in step with ../sqlite/0004_people.sql.

-- A person or a company. `wrapped_key` is the twin's data key wrapped by a master key
-- (aurora_twin::crypto::WrappedKey, which names the master key's id); no personal data here.
CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    wrapped_key TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX persons_key ON persons (key_id);

-- Sign-in sessions. Only a SHA-256 of the cookie's random token is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    auth_method TEXT NOT NULL,
    auth_time_unix BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at_unix BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at_unix);
