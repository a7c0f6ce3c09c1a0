-- Semantic vectors of services, kept apart from the catalogue so that re-imports keep them.
-- Keep in step with ../sqlite/0003_embeddings.sql.
-- `text_hash` is the SHA-256 of the text that was embedded: a vector whose service text has
-- changed since is recomputed; `model` names the embedding model, so a new model never mixes
-- its vectors with an old one's. Vectors are little-endian f32.
CREATE TABLE service_embeddings (
    service_id TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    text_hash TEXT NOT NULL,
    dim BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    vector BYTEA NOT NULL,
    PRIMARY KEY (model, service_id)
);
