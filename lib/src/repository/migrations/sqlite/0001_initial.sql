-- hallmark manifest repository, schema version 1 (SQLite).
-- Keep in step with ../postgres/0001_initial.sql: one logical schema.

-- One row per published manifest.
CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    -- The manifest's label, e.g. urn:c2pa:3fa85f64-5717-4562-b3fc-2c963f66afa6.
    manifest_id  TEXT    NOT NULL UNIQUE,
    -- The signer certificate's common name.
    signer       TEXT,
    -- How the manifest validated when it was published.
    validation   TEXT    NOT NULL CHECK (validation IN ('valid', 'trusted')),
    -- Microseconds since the Unix epoch, UTC.
    published_at INTEGER NOT NULL
);

-- The manifest store bytes (application/c2pa), apart from the index rows.
CREATE TABLE manifest_stores (
    entry_id INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    store    BLOB    NOT NULL
);

-- One row per soft binding. For io.iscc.v0 the value is the 34-byte ISCC unit
-- (header 21 07, 256-bit body); code64 is the body's first 64 bits (big-endian,
-- stored as a signed integer) and c0..c3 its 16-bit chunks, most significant
-- first, for multi-index Hamming search.
CREATE TABLE soft_bindings (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    alg      TEXT    NOT NULL,
    value    BLOB    NOT NULL,
    code64   INTEGER,
    c0       INTEGER,
    c1       INTEGER,
    c2       INTEGER,
    c3       INTEGER,
    CHECK (
        (code64 IS NULL AND c0 IS NULL AND c1 IS NULL AND c2 IS NULL AND c3 IS NULL)
        OR (code64 IS NOT NULL AND c0 IS NOT NULL AND c1 IS NOT NULL AND c2 IS NOT NULL AND c3 IS NOT NULL
            AND c0 = ((code64 >> 48) & 65535) AND c1 = ((code64 >> 32) & 65535)
            AND c2 = ((code64 >> 16) & 65535) AND c3 = (code64 & 65535))
    ),
    CHECK (alg <> 'io.iscc.v0' OR (code64 IS NOT NULL AND length(value) = 34))
);

CREATE INDEX soft_bindings_entry ON soft_bindings (entry_id);

-- The multi-index: each chunk with the full code, so that a probe reads only
-- the index (the row id comes with every SQLite index entry).
CREATE INDEX soft_bindings_c0 ON soft_bindings (c0, code64) WHERE c0 IS NOT NULL;
CREATE INDEX soft_bindings_c1 ON soft_bindings (c1, code64) WHERE c1 IS NOT NULL;
CREATE INDEX soft_bindings_c2 ON soft_bindings (c2, code64) WHERE c2 IS NOT NULL;
CREATE INDEX soft_bindings_c3 ON soft_bindings (c3, code64) WHERE c3 IS NOT NULL;
