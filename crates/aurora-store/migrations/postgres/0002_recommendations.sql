-- The AuroraAI-compatible recommender API: API clients, recommendations and what happened to
-- them (feedback, clicks), and anonymous session transfer. PostgreSQL flavour; keep in step
-- with ../sqlite/0002_recommendations.sql (same tables, columns and indexes; only types differ).
-- None of these tables references the catalogue: services are archived, never deleted, and a
-- recommendation must outlive the catalogue version it was made from.

-- Clients of the API (HTTP Basic client_id:secret). Only a salted SHA-256 of the secret is
-- kept: secrets are 32 random bytes, so a slow hash would add nothing but latency.
CREATE TABLE api_clients (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    organization TEXT NOT NULL,
    secret_salt TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- One row per recommend_service / text_search answer. `id` is random (below 2^53, so exact in
-- JSON numbers everywhere), not a sequence: ids cannot be enumerated. `client_id` is the
-- creating client ('' when the API runs without authentication); only it may give feedback.
CREATE TABLE recommendations (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL,
    session_id TEXT,
    calling_organisation TEXT NOT NULL,
    calling_service TEXT NOT NULL,
    request_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    feedback_at TEXT,
    feedback_score BIGINT,
    request_attributes TEXT NOT NULL
);
CREATE INDEX recommendations_client ON recommendations (client_id, id);

-- The services of a recommendation with their rank and score. Per-service feedback is the
-- last one given (one value per pair, so repeating feedback cannot inflate counts).
CREATE TABLE recommendation_services (
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    service_id TEXT COLLATE "C" NOT NULL,
    rank BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    feedback_score BIGINT,
    feedback_at TEXT,
    PRIMARY KEY (recommendation_id, service_id)
);
CREATE INDEX recommendation_services_service ON recommendation_services (service_id, recommendation_id);

-- Clicks through the tracking redirect, once per (recommendation, service): the first click's
-- channel and time. Repeated clicks change nothing, so the endpoint cannot be used to inflate
-- popularity. Session-transfer tokens in the link are never stored here.
CREATE TABLE recommendation_redirects (
    recommendation_id BIGINT NOT NULL,
    service_id TEXT COLLATE "C" NOT NULL,
    service_channel_id TEXT COLLATE "C" NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (recommendation_id, service_id),
    FOREIGN KEY (recommendation_id, service_id)
        REFERENCES recommendation_services (recommendation_id, service_id)
);

-- Services that accept anonymous session transfer, by PTV channel id, with the attributes
-- they may receive (a comma-separated subset of age, life_situation_meters, municipality_code).
CREATE TABLE session_transfer_receivers (
    channel_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    attributes TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Session-transfer tokens: only the SHA-256 of the token, the channel it was issued for and
-- the attributes already cut to what that channel may receive. Single use; expired rows are
-- purged when tokens are issued.
CREATE TABLE session_transfer_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attributes TEXT NOT NULL
);
CREATE INDEX session_transfer_tokens_expiry ON session_transfer_tokens (expires_at);
