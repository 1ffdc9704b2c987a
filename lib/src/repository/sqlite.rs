//! The SQLite backend: a file (or private in-memory) database, WAL mode, one
//! serialised writing connection and a pool of reading connections.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};

use super::entry::{self, Prepared, PreparedBinding};
use super::error::{Error, Result, redact_url};
use super::ranking::{Candidate, Ranker};
use super::{Candidates, Listed, ListedRow, Options, Probe, Published, mih, schema};

/// Most rows in one multi-row `INSERT`: the widest row has 8 parameters and
/// SQLite allows 32,766 in a statement.
const ROWS_PER_INSERT: usize = 500;

/// Most manifest store bytes in one multi-row `INSERT`.
const SUB_BATCH_BYTES: usize = 32 * 1024 * 1024;

/// A repository in SQLite.
#[derive(Clone, Debug)]
pub(crate) struct SqliteBackend {
    /// Connections for queries.
    readers: SqlitePool,
    /// The one connection that writes (the same pool as `readers` for an
    /// in-memory database, which lives only as long as its connection).
    writer: SqlitePool,
    /// The candidate query for this repository's probe count.
    candidate_sql: Arc<str>,
    /// The database file (`None` in memory): its file system's free space is
    /// what publishing must leave.
    path: Option<std::path::PathBuf>,
}

/// Whether the URL names an in-memory database.
fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

impl SqliteBackend {
    /// Opens (creating if needed) the database at `url` and migrates it.
    pub(crate) async fn open(url: &str, options: &Options) -> Result<Self> {
        let redacted = redact_url(url);
        let base = SqliteConnectOptions::from_str(url)
            .map_err(|e| Error::BadUrl {
                url: redacted.clone(),
                reason: e.to_string(),
            })?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", format!("-{}", options.sqlite_cache_kib));
        let path = (!is_memory(url)).then(|| base_filename(&base));
        let open_error = |source| Error::Open {
            url: redacted.clone(),
            source,
        };
        let (readers, writer) = if is_memory(url) {
            // One connection that never closes: the database dies with it.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(base)
                .await
                .map_err(open_error)?;
            (pool.clone(), pool)
        } else {
            let file = base
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            // The writer first: it creates the file before any reader opens it.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(file.clone())
                .await
                .map_err(open_error)?;
            let readers = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(file)
                .await
                .map_err(open_error)?;
            (readers, writer)
        };
        schema::SQLITE
            .run(&writer)
            .await
            .map_err(|source| Error::Migrate {
                url: redacted.clone(),
                source,
            })?;
        let probes = mih::probe_count(mih::chunk_radius(options.radius64));
        Ok(Self {
            readers,
            writer,
            candidate_sql: candidate_sql(probes).into(),
            path,
        })
    }

    /// Publishes prepared entries in one `BEGIN IMMEDIATE` transaction, with
    /// multi-row inserts.
    pub(crate) async fn publish(&self, entries: &[Prepared<'_>]) -> Result<Vec<Published>> {
        let (unique, mut outcomes) = entry::first_occurrences(entries)?;
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(Error::db("starting a publishing transaction"))?;
        for run in entry::sub_batches(entries, &unique, ROWS_PER_INSERT, SUB_BATCH_BYTES) {
            let batch: Vec<&Prepared<'_>> = run.iter().map(|&i| &entries[i]).collect();
            let created = publish_sub_batch(&mut tx, &batch).await?;
            for (&i, created) in run.iter().zip(created) {
                outcomes[i] = Some(Published { created });
            }
        }
        tx.commit()
            .await
            .map_err(Error::db("committing published entries"))?;
        entry::all_outcomes(outcomes)
    }

    /// Runs the multi-index probes and offers the rows within the radius to
    /// `ranker`.
    pub(crate) async fn candidates(
        &self,
        probe: &Probe,
        ranker: &mut Ranker,
    ) -> Result<Candidates> {
        const ACTION: &str = "looking up candidates";
        let mut conn = self.readers.acquire().await.map_err(Error::db(ACTION))?;
        let mut query = sqlx::query(&self.candidate_sql);
        for values in &probe.values {
            for value in values {
                query = query.bind(*value);
            }
            query = query.bind(probe.limit);
        }
        // One row per chunk probe: how many rows it read, and their
        // `id:code64` pairs, comma-separated. Aggregating in SQLite keeps the
        // per-row cost of moving thousands of candidates out of the database
        // thread off the query's latency.
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(Error::db(ACTION))?;
        let mut examined = 0u64;
        let mut capped = false;
        let mut near: Vec<i64> = Vec::new();
        for row in &rows {
            let read: i64 = row.try_get(0).map_err(Error::db(ACTION))?;
            let pairs: Option<String> = row.try_get(1).map_err(Error::db(ACTION))?;
            examined += u64::try_from(read).unwrap_or_default();
            capped |= read >= probe.limit;
            for pair in pairs
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter(|p| !p.is_empty())
            {
                let (id, code) = parse_pair(pair)?;
                let distance = (code ^ probe.code64).count_ones();
                if distance <= probe.radius64 {
                    near.push(id);
                }
            }
        }
        near.sort_unstable();
        near.dedup();
        if !near.is_empty() {
            fetch_near(&mut conn, &near, ranker).await?;
        }
        Ok(Candidates { examined, capped })
    }

    /// The manifest store published under `manifest_id`.
    pub(crate) async fn manifest(&self, manifest_id: &str) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT s.store FROM entries e JOIN manifest_stores s ON s.entry_id = e.id WHERE e.manifest_id = ?",
        )
        .bind(manifest_id)
        .fetch_optional(&self.readers)
        .await
        .map_err(Error::db("reading a manifest store"))
    }

    /// The number of entries.
    pub(crate) async fn count(&self) -> Result<u64> {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM entries")
            .fetch_one(&self.readers)
            .await
            .map_err(Error::db("counting entries"))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Removes the manifest `manifest_id` (its store and bindings with it);
    /// whether there was one.
    pub(crate) async fn remove(&self, manifest_id: &str) -> Result<Option<Listed>> {
        let removed = sqlx::query_as::<_, ListedRow>(
            "DELETE FROM entries WHERE manifest_id = ? \
             RETURNING manifest_id, signer, signer_certificate, validation, published_at",
        )
        .bind(manifest_id)
        .fetch_optional(&self.writer)
        .await
        .map_err(Error::db("removing a manifest"))?;
        Ok(removed.map(Listed::from))
    }

    /// How many manifests the certificate `certificate` signed.
    pub(crate) async fn count_for_signer(&self, certificate: &str) -> Result<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM entries WHERE signer_certificate = ?")
                .bind(certificate)
                .fetch_one(&self.readers)
                .await
                .map_err(Error::db("counting a signer's manifests"))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Up to `limit` entries after `after` (by manifest id).
    pub(crate) async fn list(&self, after: &str, limit: i64) -> Result<Vec<Listed>> {
        let rows = sqlx::query_as::<_, ListedRow>(
            "SELECT manifest_id, signer, signer_certificate, validation, published_at \
             FROM entries WHERE manifest_id > ? ORDER BY manifest_id LIMIT ?",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.readers)
        .await
        .map_err(Error::db("listing manifests"))?;
        Ok(rows.into_iter().map(Listed::from).collect())
    }

    /// How many signing certificates have manifests here.
    pub(crate) async fn signer_count(&self) -> Result<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(DISTINCT signer_certificate) FROM entries")
                .fetch_one(&self.readers)
                .await
                .map_err(Error::db("counting signers"))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Bytes free for the database on its file system, if it has a file.
    pub(crate) fn free_disk(&self) -> Option<u64> {
        free_space(self.path.as_deref()?)
    }

    /// Bytes of the database file's pages.
    pub(crate) async fn size_on_disk(&self) -> Result<u64> {
        let size: i64 = sqlx::query_scalar(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        )
        .fetch_one(&self.readers)
        .await
        .map_err(Error::db("measuring the database"))?;
        Ok(u64::try_from(size).unwrap_or_default())
    }

    /// Statistics for the planner (sampled) and a WAL checkpoint.
    pub(crate) async fn maintain(&self) -> Result<()> {
        sqlx::raw_sql("PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
            .execute(&self.writer)
            .await
            .map_err(Error::db("analysing and checkpointing the database"))?;
        Ok(())
    }

    /// Closes both pools.
    pub(crate) async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}

/// Inserts entries with distinct manifest ids inside the open transaction;
/// returns for each whether it was created (false: already published with
/// the same store).
async fn publish_sub_batch(
    conn: &mut SqliteConnection,
    batch: &[&Prepared<'_>],
) -> Result<Vec<bool>> {
    let sql = values_sql(
        "INSERT INTO entries (manifest_id, signer, validation, published_at, signer_certificate) VALUES ",
        5,
        batch.len(),
        " ON CONFLICT (manifest_id) DO NOTHING RETURNING id, manifest_id",
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for entry in batch {
        query = query
            .bind(entry.manifest_id)
            .bind(entry.signer)
            .bind(entry.validation)
            .bind(entry.published_at)
            .bind(entry.signer_certificate);
    }
    let inserted = query
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::db("inserting entries"))?;
    let new_ids: HashMap<String, i64> = inserted
        .into_iter()
        .map(|(id, manifest_id)| (manifest_id, id))
        .collect();

    for entry in batch
        .iter()
        .filter(|e| !new_ids.contains_key(e.manifest_id))
    {
        // Already published: the same store makes this a repeat, another a conflict.
        let same: Option<bool> = sqlx::query_scalar(
            "SELECT s.store = ? FROM entries e JOIN manifest_stores s ON s.entry_id = e.id WHERE e.manifest_id = ?",
        )
        .bind(entry.manifest_store)
        .bind(entry.manifest_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::db("comparing a republished manifest store"))?;
        match same {
            Some(true) => {}
            Some(false) => {
                return Err(Error::Conflict {
                    manifest_id: entry.manifest_id.to_owned(),
                });
            }
            None => {
                return Err(Error::Corrupt {
                    action: "comparing a republished manifest store",
                    reason: format!("entry {:?} has no manifest store", entry.manifest_id),
                });
            }
        }
    }

    let created: Vec<(i64, &Prepared<'_>)> = batch
        .iter()
        .filter_map(|e| new_ids.get(e.manifest_id).map(|&id| (id, *e)))
        .collect();
    if !created.is_empty() {
        let sql = values_sql(
            "INSERT INTO manifest_stores (entry_id, store) VALUES ",
            2,
            created.len(),
            "",
        );
        let mut query = sqlx::query(&sql);
        for (id, entry) in &created {
            query = query.bind(*id).bind(entry.manifest_store);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(Error::db("inserting manifest stores"))?;

        let rows: Vec<(i64, &PreparedBinding)> = created
            .iter()
            .flat_map(|(id, e)| e.bindings.iter().map(move |b| (*id, b)))
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = values_sql(
                "INSERT INTO soft_bindings (entry_id, alg, value, code64, c0, c1, c2, c3) VALUES ",
                8,
                chunk.len(),
                "",
            );
            let mut query = sqlx::query(&sql);
            for (id, binding) in chunk {
                let (code64, chunks) = match binding.code {
                    Some((code64, chunks)) => (Some(code64), chunks.map(Some)),
                    None => (None, [None; mih::CHUNKS]),
                };
                query = query
                    .bind(*id)
                    .bind(binding.alg.as_str())
                    .bind(binding.value.as_slice())
                    .bind(code64)
                    .bind(chunks[0])
                    .bind(chunks[1])
                    .bind(chunks[2])
                    .bind(chunks[3]);
            }
            query
                .execute(&mut *conn)
                .await
                .map_err(Error::db("inserting soft bindings"))?;
        }
    }
    Ok(batch
        .iter()
        .map(|e| new_ids.contains_key(e.manifest_id))
        .collect())
}

/// `head`, then `rows` groups of `columns` placeholders, then `tail`.
fn values_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    let mut sql = String::with_capacity(head.len() + rows * (row.len() + 2) + tail.len());
    sql.push_str(head);
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&row);
    }
    sql.push_str(tail);
    sql
}

/// Offers the bindings with these row ids (sorted, distinct) to `ranker`.
async fn fetch_near(conn: &mut SqliteConnection, ids: &[i64], ranker: &mut Ranker) -> Result<()> {
    const ACTION: &str = "reading the nearest candidates";
    // The ids as a JSON array: one parameter however many there are.
    let mut json = String::with_capacity(ids.len() * 12 + 2);
    json.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&id.to_string());
    }
    json.push(']');
    let mut rows = sqlx::query_as::<_, (String, Vec<u8>, String, Option<String>, i64)>(
        "SELECT e.manifest_id, b.value, e.validation, e.signer_certificate, e.published_at \
         FROM soft_bindings b JOIN entries e ON e.id = b.entry_id \
         WHERE b.id IN (SELECT value FROM json_each(?))",
    )
    .bind(json)
    .fetch(&mut *conn);
    while let Some((manifest_id, value, validation, signer_certificate, published_at)) =
        rows.try_next().await.map_err(Error::db(ACTION))?
    {
        ranker.offer(Candidate {
            manifest_id,
            value,
            validation,
            signer_certificate,
            published_at,
        })?;
    }
    Ok(())
}

/// The database file a connection option names.
fn base_filename(options: &SqliteConnectOptions) -> std::path::PathBuf {
    options.get_filename().to_path_buf()
}

/// Free bytes for unprivileged writers on the file system holding `file`
/// (or its folder, before the file exists).
fn free_space(file: &std::path::Path) -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let dir = if file.exists() { file } else { file.parent()? };
        let stat = rustix::fs::statvfs(dir).ok()?;
        Some(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

/// Parses one `id:code64` pair of the candidate query.
fn parse_pair(pair: &str) -> Result<(i64, i64)> {
    let corrupt = || Error::Corrupt {
        action: "looking up candidates",
        reason: format!("candidate {pair:?} is not an id and a 64-bit code"),
    };
    let (id, code) = pair.split_once(':').ok_or_else(corrupt)?;
    let id: i64 = id.parse().map_err(|_| corrupt())?;
    let code: i64 = code.parse().map_err(|_| corrupt())?;
    Ok((id, code))
}

/// The candidate query for `probes` values per chunk: for each chunk, the
/// number of rows read and their `id:code64` pairs, reading at most the
/// bound limit of rows from the covering index `soft_bindings_ck`.
fn candidate_sql(probes: usize) -> String {
    let placeholders = vec!["?"; probes].join(", ");
    (0..mih::CHUNKS)
        .map(|k| {
            format!(
                "SELECT count(*), group_concat(id || ':' || code64) FROM \
                 (SELECT id, code64 FROM soft_bindings WHERE c{k} IN ({placeholders}) AND c{k} IS NOT NULL LIMIT ?)"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse() {
        assert_eq!(parse_pair("12:-1").unwrap(), (12, -1));
        assert!(parse_pair("12").is_err());
        assert!(parse_pair("x:1").is_err());
    }

    #[test]
    fn values_sql_shape() {
        assert_eq!(values_sql("I ", 2, 2, " T"), "I (?, ?), (?, ?) T");
    }

    #[test]
    fn candidate_sql_has_one_placeholder_per_value_and_limit() {
        let sql = candidate_sql(17);
        assert_eq!(sql.matches('?').count(), 4 * 18);
    }
}
