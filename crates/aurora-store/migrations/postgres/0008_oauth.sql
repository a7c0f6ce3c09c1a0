-- Issue 5, area: oauth (docs/twin-design.md). Member services (OAuth clients), authorization
-- codes, access and refresh tokens, and the deletion-notice queue. PostgreSQL flavour; keep in
-- step with ../sqlite/0008_oauth.sql (same tables, columns and indexes; only types differ).
--
-- Every secret (client secret, code, access and refresh token) is stored only hashed: client
-- secrets as salted SHA-256 (they are 32 random bytes: a slow hash would add only latency),
-- codes and tokens as SHA-256 (random, so no salt is needed). A copy of these tables grants
-- nothing.

-- Member services, registered by the operator (`aurora member add`). List columns hold JSON
-- arrays of strings. `pairwise_sector` keys the pairwise subject identifiers the service sees.
CREATE TABLE oauth_clients (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    organisation TEXT NOT NULL,
    secret_salt TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    allowed_scopes TEXT NOT NULL,
    handover_attributes TEXT NOT NULL,
    handover_url TEXT,
    allowed_purposes TEXT NOT NULL,
    deletion_callback_url TEXT,
    pairwise_sector TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Authorization codes: single use (`used_at_unix` is set by the one UPDATE that redeems the
-- code), bound to the client, the redirect URI and the PKCE S256 challenge, and to the
-- consent record the person granted on the consent screen.
CREATE TABLE oauth_codes (
    code_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL REFERENCES oauth_clients (id),
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    consent_id TEXT COLLATE "C" NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    scopes TEXT NOT NULL,
    nonce TEXT,
    auth_time_unix BIGINT NOT NULL,
    created_at_unix BIGINT NOT NULL,
    expires_at_unix BIGINT NOT NULL,
    used_at_unix BIGINT
);
CREATE INDEX oauth_codes_person ON oauth_codes (person_id);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at_unix);

-- Access and refresh tokens. A family is every token descending from one code redemption
-- (refresh tokens rotate within it); presenting a rotated refresh token again revokes the
-- family, and a replayed code revokes every token with its `code_hash`.
CREATE TABLE oauth_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id TEXT COLLATE "C" NOT NULL REFERENCES oauth_clients (id),
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    consent_id TEXT COLLATE "C" NOT NULL,
    family_id TEXT COLLATE "C" NOT NULL,
    code_hash TEXT COLLATE "C" NOT NULL,
    scopes TEXT NOT NULL,
    auth_time_unix BIGINT NOT NULL,
    created_at_unix BIGINT NOT NULL,
    expires_at_unix BIGINT NOT NULL,
    used_at_unix BIGINT,
    revoked_at_unix BIGINT
);
CREATE INDEX oauth_tokens_family ON oauth_tokens (family_id);
CREATE INDEX oauth_tokens_code ON oauth_tokens (code_hash);
CREATE INDEX oauth_tokens_person ON oauth_tokens (person_id, client_id);
CREATE INDEX oauth_tokens_consent ON oauth_tokens (consent_id);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at_unix);

-- Notices to member services that a person's data must be deleted (account erased, consent
-- withdrawn). Deliberately no reference to persons: a notice must outlive the person it is
-- about, so it holds only the pairwise subject the service knows. Delivered at least once by
-- a background worker with exponential backoff until `give_up_at_unix`; `id` is the JWT's
-- `jti`, by which the service deduplicates.
CREATE TABLE deletion_notices (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL REFERENCES oauth_clients (id),
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at_unix BIGINT NOT NULL,
    next_attempt_unix BIGINT NOT NULL,
    give_up_at_unix BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    delivered_at_unix BIGINT,
    gave_up_at_unix BIGINT,
    last_error TEXT
);
CREATE INDEX deletion_notices_due ON deletion_notices (next_attempt_unix);
