//! The repository's schema: versioned migrations, embedded in the binary.
//!
//! One logical schema, written once per backend because the SQL differs
//! (identity columns, `bytea` and `INCLUDE` on PostgreSQL):
//! `migrations/sqlite/` and `migrations/postgres/` beside this file, applied
//! in order by sqlx's migrator, which records them in `_sqlx_migrations`.
//! A migration is never edited once released: the migrator refuses a
//! database whose applied migration's checksum differs. Change the schema by
//! adding the next numbered file to both folders.
//!
//! Tables:
//!
//! - `entries`: one row per published manifest (`manifest_id` unique, signer,
//!   validation state, publication time in microseconds since the Unix epoch,
//!   and since version 2 the SHA-256 of the signer certificate,
//!   `signer_certificate`).
//! - `manifest_stores`: the manifest store bytes, one row per entry, kept
//!   apart so that the rows the search reads stay small.
//! - `soft_bindings`: one row per soft binding (`alg`, `value`); for
//!   `io.iscc.v0` also the 64-bit code (`code64`, the bits as a signed
//!   integer) and its four 16-bit chunks `c0`..`c3`, each with a partial
//!   B-tree index on `(ck, code64)` that covers the candidate search (see
//!   [`super::mih`]).

use sqlx::migrate::Migrator;

/// The SQLite migrations.
pub static SQLITE: Migrator = sqlx::migrate!("src/repository/migrations/sqlite");

/// The PostgreSQL migrations.
pub static POSTGRES: Migrator = sqlx::migrate!("src/repository/migrations/postgres");
