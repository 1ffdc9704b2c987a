//! The manifest repository: published C2PA manifests, found again by their
//! soft binding.
//!
//! A stripped copy of a signed image has lost its manifest but not its look:
//! its ISCC Image-Code ([`Fingerprint`]) is close to the one recorded in the
//! manifest's `c2pa.soft-binding` assertion (algorithm [`ISCC_ALG`]). The
//! repository stores each published manifest store with its soft bindings and
//! answers "which manifests have a fingerprint close to this one"
//! ([`Repository::matches`]), the core of the C2PA Soft Binding Resolution
//! API (`/matches/byBinding`, `/matches/byContent`, `/manifests/{id}`,
//! `/services/supportedAlgorithms`).
//!
//! One async API over two backends, chosen by the URL given to
//! [`Repository::open`]:
//!
//! - `sqlite:PATH` (the default kind; the file and its schema are created on
//!   first open; `sqlite::memory:` for a private in-memory repository);
//! - `postgres://user@host:port/db`, or over a unix socket
//!   `postgres:///db?host=/dir&port=5432`.
//!
//! The schema is created and upgraded by versioned migrations embedded in the
//! binary ([`schema`]). The search uses multi-index hashing ([`mih`]) on
//! ordinary B-tree indexes, so it needs no database extension.
//!
//! # Example
//!
//! ```no_run
//! # async fn demo(store: Vec<u8>, body: [u8; 32]) -> Result<(), hallmark::repository::Error> {
//! use hallmark::repository::{Entry, Fingerprint, Repository, SoftBinding, ValidationState, ISCC_ALG};
//!
//! let repo = Repository::open("sqlite:/var/lib/hallmark/repository.db").await?;
//! let fingerprint = Fingerprint::from_body(body);
//! repo.publish(&Entry {
//!     manifest_id: "urn:c2pa:3fa85f64-5717-4562-b3fc-2c963f66afa6".into(),
//!     manifest_store: store,
//!     bindings: vec![SoftBinding::iscc(&fingerprint)],
//!     signer: Some("Ada Lovelace".into()),
//!     signer_certificate: None,
//!     validation: ValidationState::Trusted,
//!     published_at: time::OffsetDateTime::now_utc(),
//! })
//! .await?;
//! for found in repo.matches(ISCC_ALG, fingerprint.body(), 10).await? {
//!     let store = repo.manifest(&found.manifest_id).await?;
//!     println!("{} at {} bits: {:?} bytes", found.manifest_id, found.distance256, store.map(|s| s.len()));
//! }
//! # Ok(())
//! # }
//! ```

mod entry;
mod error;
mod fingerprint;
pub mod mih;
mod postgres;
mod publish;
mod ranking;
pub mod schema;
mod sqlite;

use std::time::Duration;

pub use entry::{
    Entry, MAX_BINDING_VALUE_BYTES, MAX_BINDINGS, MAX_MANIFEST_ID_BYTES, MAX_SIGNER_BYTES,
    SoftBinding, ValidationState,
};
pub use error::{Error, Result, redact_url};
pub use fingerprint::{Fingerprint, ISCC_ALG, ISCC_IMAGE_256_HEADER, ISCC_UNIT_LEN};
pub use publish::{Upload, entry_for};
pub use ranking::Match;

use entry::{Prepared, check_manifest_id};
use error::shorten;
use ranking::Ranker;

/// The supported algorithms, for error messages.
const SUPPORTED_LIST: &str = ISCC_ALG;

/// Default 64-bit search radius: codes within 7 bits are found, with chunk
/// probes within 1 bit (17 values per chunk). See NOTES.md for the
/// measurements that chose it.
pub const DEFAULT_RADIUS64: u32 = 7;

/// Default largest 256-bit distance of a match. Measured on natural images:
/// unrelated pairs differ in at least 108 bits; JPEG q70 in 7.8 on average,
/// a 5 % crop in 38.6.
pub const DEFAULT_MAX_DISTANCE256: u32 = 53;

/// Default cap on the candidate rows one chunk probe examines (four probes
/// per query). At 10 M uniformly spread codes a radius-7 probe finds about
/// 2,600, a radius-3 probe about 150.
pub const DEFAULT_MAX_CANDIDATES_PER_CHUNK: u32 = 10_000;

/// Largest `max_results` a query may ask for.
pub const MAX_RESULTS_LIMIT: usize = 1000;

/// How a repository searches and what it accepts. Start from
/// [`Options::default`] and change fields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// 64-bit Hamming radius of the candidate search, 0 to
    /// [`mih::MAX_RADIUS64`]. Radius 0–3 probes exact chunks (fast); 4–7
    /// probes chunks within 1 bit (17× the index look-ups, finds more edits).
    pub radius64: u32,
    /// Largest 256-bit distance of a match, 0 to 256.
    pub max_distance256: u32,
    /// Most candidate rows one of the four chunk probes examines, 1 to
    /// 1,000,000. A query whose probe reaches it reports
    /// [`Search::capped`], and may miss matches.
    pub max_candidates_per_chunk: u32,
    /// Largest manifest store accepted, in bytes.
    pub max_manifest_bytes: usize,
    /// Most database connections (for SQLite: reading connections; writes
    /// go through one more, serialised).
    pub max_connections: u32,
    /// How long an operation waits for a free connection, and how long
    /// opening keeps retrying a database server that does not answer.
    pub acquire_timeout: Duration,
    /// SQLite only: page cache per connection, in KiB.
    pub sqlite_cache_kib: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            radius64: DEFAULT_RADIUS64,
            max_distance256: DEFAULT_MAX_DISTANCE256,
            max_candidates_per_chunk: DEFAULT_MAX_CANDIDATES_PER_CHUNK,
            max_manifest_bytes: 16 * 1024 * 1024,
            max_connections: 4,
            acquire_timeout: Duration::from_secs(10),
            sqlite_cache_kib: 32 * 1024,
        }
    }
}

impl Options {
    /// Checks every option's range.
    fn check(&self) -> Result<()> {
        let bad = |option, value: u64, reason| {
            Err(Error::BadOption {
                option,
                value,
                reason,
            })
        };
        if self.radius64 > mih::MAX_RADIUS64 {
            return bad("radius64", self.radius64.into(), "must be at most 11");
        }
        if self.max_distance256 > 256 {
            return bad(
                "max_distance256",
                self.max_distance256.into(),
                "must be at most 256",
            );
        }
        if !(1..=1_000_000).contains(&self.max_candidates_per_chunk) {
            return bad(
                "max_candidates_per_chunk",
                self.max_candidates_per_chunk.into(),
                "must be between 1 and 1000000",
            );
        }
        if self.max_manifest_bytes == 0 || self.max_manifest_bytes > 512 * 1024 * 1024 {
            let value = u64::try_from(self.max_manifest_bytes).unwrap_or(u64::MAX);
            return bad(
                "max_manifest_bytes",
                value,
                "must be between 1 and 536870912",
            );
        }
        if !(1..=1000).contains(&self.max_connections) {
            return bad(
                "max_connections",
                self.max_connections.into(),
                "must be between 1 and 1000",
            );
        }
        Ok(())
    }
}

/// The outcome of publishing one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Published {
    /// True if the entry was stored now; false if the same manifest (same id,
    /// same manifest store) was already there, in which case nothing changed.
    pub created: bool,
}

/// The outcome of a search, with what it cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    /// The matches, best first.
    pub matches: Vec<Match>,
    /// Candidate rows examined by the four chunk probes (a row found by
    /// several probes counts once per probe).
    pub candidates: u64,
    /// True if a probe reached [`Options::max_candidates_per_chunk`]: the
    /// search looked at only part of the candidates and may have missed matches.
    pub capped: bool,
}

/// A published manifest, as an operator lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The manifest's id.
    pub manifest_id: String,
    /// The signer certificate's common name, if it has one.
    pub signer: Option<String>,
    /// The SHA-256 of the signer certificate, when it was recorded.
    pub signer_certificate: Option<String>,
    /// How it validated when it was published.
    pub validation: ValidationState,
    /// When it was published.
    pub published_at: time::OffsetDateTime,
}

/// A row of `entries` as the listing reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct ListedRow {
    manifest_id: String,
    signer: Option<String>,
    signer_certificate: Option<String>,
    validation: String,
    published_at: i64,
}

impl From<ListedRow> for Listed {
    fn from(row: ListedRow) -> Self {
        Listed {
            manifest_id: row.manifest_id,
            signer: row.signer,
            signer_certificate: row.signer_certificate,
            validation: ValidationState::parse(&row.validation).unwrap_or(ValidationState::Valid),
            published_at: time::OffsetDateTime::from_unix_timestamp_nanos(
                i128::from(row.published_at) * 1000,
            )
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        }
    }
}

/// What a repository holds, for its operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Manifests published.
    pub manifests: u64,
    /// Distinct signing certificates among them (entries without a recorded
    /// certificate not counted).
    pub signers: u64,
    /// Bytes on disk ([`Repository::size_on_disk`]).
    pub bytes_on_disk: u64,
    /// Bytes free for the database on its file system (SQLite); `None` when
    /// the database is elsewhere (PostgreSQL) or in memory.
    pub free_disk: Option<u64>,
}

/// What a publisher may use of a repository: checked by
/// [`Repository::check_room`] before each publishing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most manifests one signing certificate may store.
    pub max_manifests_per_signer: u64,
    /// Bytes that must stay free on the database's file system (SQLite).
    pub reserve_disk_bytes: u64,
}

impl Default for Limits {
    /// 10,000 manifests per signer; 512 MiB kept free.
    fn default() -> Self {
        Limits {
            max_manifests_per_signer: 10_000,
            reserve_disk_bytes: 512 * 1024 * 1024,
        }
    }
}

/// The algorithms a repository supports, as the Soft Binding Resolution API's
/// `/services/supportedAlgorithms` lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SupportedAlgorithms {
    /// Watermark algorithms (none yet).
    pub watermarks: &'static [&'static str],
    /// Fingerprint algorithms.
    pub fingerprints: &'static [&'static str],
}

/// The candidate search a backend runs: the multi-index probes of a query.
#[derive(Clone, Debug)]
pub(crate) struct Probe {
    /// The query's 64-bit code, as stored (bits reinterpreted as signed).
    pub(crate) code64: i64,
    /// For each chunk, the values to look up.
    pub(crate) values: [Vec<i32>; mih::CHUNKS],
    /// The 64-bit radius.
    pub(crate) radius64: u32,
    /// Most rows each chunk probe examines.
    pub(crate) limit: i64,
}

/// What a backend's candidate search found.
#[derive(Debug)]
pub(crate) struct Candidates {
    /// Rows examined, summed over the probes.
    pub(crate) examined: u64,
    /// Whether a probe reached its limit.
    pub(crate) capped: bool,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::SqliteBackend),
    Postgres(postgres::PgBackend),
}

/// A manifest repository on SQLite or PostgreSQL. Cheap to clone: clones share
/// the connection pool.
#[derive(Clone, Debug)]
pub struct Repository {
    backend: Backend,
    options: Options,
}

impl Repository {
    /// Opens the repository at `url` with [`Options::default`], creating its
    /// schema (and for SQLite the file) if needed and applying any pending
    /// migrations.
    pub async fn open(url: &str) -> Result<Repository> {
        Self::open_with(url, Options::default()).await
    }

    /// Opens the repository at `url` with `options`.
    pub async fn open_with(url: &str, options: Options) -> Result<Repository> {
        options.check()?;
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite(sqlite::SqliteBackend::open(url, &options).await?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres(postgres::PgBackend::open(url, &options).await?)
        } else {
            return Err(Error::BadUrl {
                url: redact_url(url),
                reason: "expected sqlite:PATH or postgres://…".to_owned(),
            });
        };
        Ok(Repository { backend, options })
    }

    /// The options the repository was opened with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The soft-binding algorithms this repository indexes.
    pub fn supported_algorithms(&self) -> SupportedAlgorithms {
        SupportedAlgorithms {
            watermarks: &[],
            fingerprints: &[ISCC_ALG],
        }
    }

    /// Publishes one manifest. Idempotent: publishing the same manifest id
    /// with the same manifest store again changes nothing and reports
    /// `created: false`; with a different store it fails with
    /// [`Error::Conflict`].
    pub async fn publish(&self, entry: &Entry) -> Result<Published> {
        let mut published = self.publish_batch(std::slice::from_ref(entry)).await?;
        published.pop().ok_or(Error::Corrupt {
            action: "publishing an entry",
            reason: "the backend reported no outcome".to_owned(),
        })
    }

    /// Publishes several manifests in one transaction: all of them, or on an
    /// error none. The outcomes are in the order of `entries`; a manifest id
    /// that appears twice is stored once.
    pub async fn publish_batch(&self, entries: &[Entry]) -> Result<Vec<Published>> {
        let prepared = entries
            .iter()
            .map(|e| entry::prepare(e, self.options.max_manifest_bytes))
            .collect::<Result<Vec<Prepared<'_>>>>()?;
        if prepared.is_empty() {
            return Ok(Vec::new());
        }
        match &self.backend {
            Backend::Sqlite(b) => b.publish(&prepared).await,
            Backend::Postgres(b) => b.publish(&prepared).await,
        }
    }

    /// The manifests whose fingerprint is within the thresholds of `body`
    /// (64-bit distance at most [`Options::radius64`], 256-bit distance at
    /// most [`Options::max_distance256`]), at most `max_results` (1 to
    /// [`MAX_RESULTS_LIMIT`]), by 256-bit distance then manifest id.
    pub async fn matches(
        &self,
        alg: &str,
        body: &[u8; 32],
        max_results: usize,
    ) -> Result<Vec<Match>> {
        Ok(self.search(alg, body, max_results).await?.matches)
    }

    /// [`Repository::matches`] for a soft-binding value as stored in
    /// manifests (for `io.iscc.v0`: the 34-byte ISCC unit), as the Soft
    /// Binding Resolution API's `/matches/byBinding` receives it.
    pub async fn matches_by_value(
        &self,
        alg: &str,
        value: &[u8],
        max_results: usize,
    ) -> Result<Vec<Match>> {
        check_alg(alg)?;
        let fingerprint = Fingerprint::from_unit(value)?;
        self.matches(alg, fingerprint.body(), max_results).await
    }

    /// [`Repository::matches`], with the candidate count and whether the
    /// candidate cap was reached.
    pub async fn search(&self, alg: &str, body: &[u8; 32], max_results: usize) -> Result<Search> {
        check_alg(alg)?;
        if !(1..=MAX_RESULTS_LIMIT).contains(&max_results) {
            return Err(Error::BadQuery {
                parameter: "max_results",
                value: u64::try_from(max_results).unwrap_or(u64::MAX),
                reason: "must be between 1 and 1000",
            });
        }
        let query = Fingerprint::from_body(*body);
        let (code64, _) = entry::index_values(&query);
        let chunk_radius = mih::chunk_radius(self.options.radius64);
        let values = mih::chunks(query.code64()).map(|chunk| {
            mih::probes(chunk, chunk_radius)
                .into_iter()
                .map(i32::from)
                .collect::<Vec<i32>>()
        });
        let probe = Probe {
            code64,
            values,
            radius64: self.options.radius64,
            limit: i64::from(self.options.max_candidates_per_chunk),
        };
        let mut ranker = Ranker::new(query, self.options.radius64, self.options.max_distance256);
        let candidates = match &self.backend {
            Backend::Sqlite(b) => b.candidates(&probe, &mut ranker).await?,
            Backend::Postgres(b) => b.candidates(&probe, &mut ranker).await?,
        };
        if candidates.capped {
            tracing::warn!(
                candidates = candidates.examined,
                cap = self.options.max_candidates_per_chunk,
                "a soft-binding search reached the candidate cap; matches may be missing"
            );
        }
        Ok(Search {
            matches: ranker.finish(max_results),
            candidates: candidates.examined,
            capped: candidates.capped,
        })
    }

    /// The manifest store published under `manifest_id`, if any.
    pub async fn manifest(&self, manifest_id: &str) -> Result<Option<Vec<u8>>> {
        check_manifest_id(manifest_id).map_err(|reason| Error::BadManifestId {
            manifest_id: shorten(manifest_id),
            reason,
        })?;
        match &self.backend {
            Backend::Sqlite(b) => b.manifest(manifest_id).await,
            Backend::Postgres(b) => b.manifest(manifest_id).await,
        }
    }

    /// How many manifests are published. Counts every row: linear in the
    /// size of the repository (about a second at 10 M entries).
    pub async fn count(&self) -> Result<u64> {
        match &self.backend {
            Backend::Sqlite(b) => b.count().await,
            Backend::Postgres(b) => b.count().await,
        }
    }

    /// Removes the manifest `manifest_id` (its store and soft bindings with
    /// it): what it was, or `None` when there was none. It is gone from
    /// [`Repository::manifest`] and from matches at once.
    pub async fn remove(&self, manifest_id: &str) -> Result<Option<Listed>> {
        check_manifest_id(manifest_id).map_err(|reason| Error::BadManifestId {
            manifest_id: shorten(manifest_id),
            reason,
        })?;
        match &self.backend {
            Backend::Sqlite(b) => b.remove(manifest_id).await,
            Backend::Postgres(b) => b.remove(manifest_id).await,
        }
    }

    /// Up to `limit` (1 to 1000) published manifests whose id sorts after
    /// `after` (`""` for the first page), by manifest id.
    pub async fn list(&self, after: &str, limit: usize) -> Result<Vec<Listed>> {
        if !(1..=MAX_RESULTS_LIMIT).contains(&limit) {
            return Err(Error::BadQuery {
                parameter: "limit",
                value: u64::try_from(limit).unwrap_or(u64::MAX),
                reason: "must be between 1 and 1000",
            });
        }
        let limit = i64::try_from(limit).unwrap_or(1000);
        match &self.backend {
            Backend::Sqlite(b) => b.list(after, limit).await,
            Backend::Postgres(b) => b.list(after, limit).await,
        }
    }

    /// How many manifests, how many signers, how many bytes.
    pub async fn stats(&self) -> Result<Stats> {
        let (manifests, signers, bytes_on_disk) = match &self.backend {
            Backend::Sqlite(b) => (
                b.count().await?,
                b.signer_count().await?,
                b.size_on_disk().await?,
            ),
            Backend::Postgres(b) => (
                b.count().await?,
                b.signer_count().await?,
                b.size_on_disk().await?,
            ),
        };
        Ok(Stats {
            manifests,
            signers,
            bytes_on_disk,
            free_disk: self.free_disk(),
        })
    }

    /// Bytes free for the database on its file system: known for a SQLite
    /// file, `None` otherwise.
    pub fn free_disk(&self) -> Option<u64> {
        match &self.backend {
            Backend::Sqlite(b) => b.free_disk(),
            Backend::Postgres(_) => None,
        }
    }

    /// Whether `entry` may be published under `limits`: its signing
    /// certificate has fewer than [`Limits::max_manifests_per_signer`]
    /// manifests here ([`Error::SignerQuota`] otherwise), and publishing
    /// leaves [`Limits::reserve_disk_bytes`] free ([`Error::Full`]). Checked
    /// before, not with, the insert: publishings running at the same time may
    /// pass a signer's cap by as many as are in flight.
    pub async fn check_room(&self, entry: &Entry, limits: &Limits) -> Result<()> {
        if let Some(free) = self.free_disk() {
            let needed = limits
                .reserve_disk_bytes
                .saturating_add(u64::try_from(entry.manifest_store.len()).unwrap_or(u64::MAX));
            if free < needed {
                return Err(Error::Full {
                    free,
                    reserve: limits.reserve_disk_bytes,
                });
            }
        }
        if let Some(certificate) = &entry.signer_certificate {
            let stored = match &self.backend {
                Backend::Sqlite(b) => b.count_for_signer(certificate).await?,
                Backend::Postgres(b) => b.count_for_signer(certificate).await?,
            };
            if stored >= limits.max_manifests_per_signer {
                return Err(Error::SignerQuota {
                    signer: entry.signer.clone().unwrap_or_else(|| certificate.clone()),
                    limit: limits.max_manifests_per_signer,
                });
            }
        }
        Ok(())
    }

    /// Bytes the repository occupies on disk: the SQLite database file's
    /// pages (not counting its write-ahead log), or the PostgreSQL database.
    pub async fn size_on_disk(&self) -> Result<u64> {
        match &self.backend {
            Backend::Sqlite(b) => b.size_on_disk().await,
            Backend::Postgres(b) => b.size_on_disk().await,
        }
    }

    /// Refreshes the planner's statistics and tidies up after a bulk load:
    /// `PRAGMA optimize` and a WAL checkpoint on SQLite, `VACUUM (ANALYZE)` of
    /// the repository's tables on PostgreSQL (which also lets its index-only
    /// scans skip the table). Safe to run at any time; takes a while on a
    /// large repository.
    pub async fn maintain(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(b) => b.maintain().await,
            Backend::Postgres(b) => b.maintain().await,
        }
    }

    /// Closes every connection; operations after it fail.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(b) => b.close().await,
            Backend::Postgres(b) => b.close().await,
        }
    }
}

/// Refuses algorithms other than the supported ones.
fn check_alg(alg: &str) -> Result<()> {
    if alg == ISCC_ALG {
        Ok(())
    } else {
        Err(Error::UnsupportedAlgorithm {
            alg: shorten(alg),
            supported: SUPPORTED_LIST,
        })
    }
}
