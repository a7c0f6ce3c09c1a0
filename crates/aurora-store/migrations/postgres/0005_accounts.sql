-- Issue 5, accounts: local accounts, external (OpenID Connect) identities, e-mail link
-- tokens, the sign-in throttle and OpenID Connect login attempts. PostgreSQL flavour; keep
-- in step with ../sqlite/0005_accounts.sql.

-- A person's local account. `email` is stored normalised (trimmed, lower-case) and unique;
-- `password_hash` is an Argon2id PHC string, NULL for people who sign in only through an
-- OpenID provider.
CREATE TABLE accounts (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    verified_at TEXT,
    password_hash TEXT,
    password_changed_at TEXT,
    created_at TEXT NOT NULL
);

-- An identity at an external OpenID provider (issuer, subject) and the person it signs in.
CREATE TABLE external_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_person ON external_identities (person_id);

-- Single-use links sent by e-mail (SHA-256 of the token only). `purpose` 'verify' confirms
-- `email` (the address the link was sent to); 'change' moves the account to `email`;
-- 'reset' sets a new password while the account still has `email`.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'change', 'reset')),
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at_unix BIGINT NOT NULL,
    used_at TEXT
);
CREATE INDEX email_tokens_person ON email_tokens (person_id);
CREATE INDEX email_tokens_expiry ON email_tokens (expires_at_unix);

-- Failed sign-ins per throttle key (a hash of the address, or of the client address), so
-- every replica sees the same count. Not personal data of a person row: keys are hashes and
-- rows are purged after the window.
CREATE TABLE signin_failures (
    throttle_key TEXT NOT NULL,
    at_unix BIGINT NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures (throttle_key, at_unix);
CREATE INDEX signin_failures_at ON signin_failures (at_unix);

-- OpenID Connect sign-in attempts in flight (SHA-256 of `state`), single use: the nonce and
-- PKCE verifier are needed in clear when the provider sends the person back (10 minutes).
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at_unix BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at_unix);

-- An external identity waiting to be linked to a local account until the person proves the
-- account is theirs by signing in with its password (hash of the link token).
CREATE TABLE pending_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at_unix BIGINT NOT NULL
);
CREATE INDEX pending_links_person ON pending_links (person_id);
