//! The manifest repository against real databases: SQLite in a temporary
//! folder, and PostgreSQL at `HALLMARK_TEST_POSTGRES_URL`.
//!
//! Without that variable the PostgreSQL tests fail: `tests/run.sh` starts a
//! throwaway cluster (`scripts/pg-throwaway.sh`) and sets it. Each
//! PostgreSQL test works in a schema of its own.

use std::sync::atomic::{AtomicU32, Ordering};

use hallmark::ErrorKind;
use hallmark::repository::{
    Entry, Error, Fingerprint, ISCC_ALG, Limits, Options, Repository, SoftBinding, ValidationState,
};
use time::OffsetDateTime;

/// A place for one test's repository; removed at the end of the test.
enum Place {
    Sqlite(tempfile::TempDir),
    Postgres { base: String, schema: String },
}

impl Place {
    fn url(&self) -> String {
        match self {
            Place::Sqlite(dir) => format!("sqlite:{}", dir.path().join("repository.db").display()),
            Place::Postgres { base, schema } => {
                let sep = if base.contains('?') { '&' } else { '?' };
                format!("{base}{sep}options=-c%20search_path%3D{schema}")
            }
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Place::Postgres { base, schema } = self {
            let (base, schema) = (base.clone(), schema.clone());
            // Best effort: the throwaway cluster goes away anyway.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&base).await {
                        let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                            .execute(&pool)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

fn sqlite_place() -> Place {
    Place::Sqlite(tempfile::tempdir().unwrap())
}

/// A fresh schema in the test database at `HALLMARK_TEST_POSTGRES_URL`.
async fn postgres_place() -> Place {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = std::env::var("HALLMARK_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "HALLMARK_TEST_POSTGRES_URL is not set: the PostgreSQL tests need a server; \
             `bash tests/run.sh` starts a throwaway one and sets it"
        )
    });
    let schema = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let pool = sqlx::PgPool::connect(&base).await.unwrap();
    sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    Place::Postgres { base, schema }
}

/// Runs a test body on SQLite and on PostgreSQL: `backends!(name, body_fn)`
/// makes `name::sqlite` and `name::postgres`.
macro_rules! backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let place = super::sqlite_place();
                $body(&place).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let place = super::postgres_place().await;
                $body(&place).await;
            }
        }
    };
}

/// A deterministic 256-bit body.
fn body(seed: u64) -> [u8; 32] {
    let mut state = seed;
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_be_bytes());
    }
    out
}

/// `body` with the bits at these positions (0 = most significant of byte 0) flipped.
fn flip(mut body: [u8; 32], bits: impl IntoIterator<Item = usize>) -> [u8; 32] {
    for bit in bits {
        body[bit / 8] ^= 0x80 >> (bit % 8);
    }
    body
}

fn entry(id: &str, body: [u8; 32]) -> Entry {
    Entry {
        manifest_id: format!("urn:c2pa:{id}"),
        manifest_store: format!("store of {id}").into_bytes(),
        bindings: vec![SoftBinding::iscc(&Fingerprint::from_body(body))],
        signer: Some("Test Signer".to_owned()),
        signer_certificate: None,
        validation: ValidationState::Valid,
        // One time for all: equals rank by distance, then by manifest id.
        published_at: OffsetDateTime::UNIX_EPOCH,
    }
}

async fn open(place: &Place) -> Repository {
    Repository::open(&place.url()).await.unwrap()
}

fn ids(found: &[hallmark::repository::Match]) -> Vec<(&str, u32, u32)> {
    found
        .iter()
        .map(|m| (m.manifest_id.as_str(), m.distance256, m.distance64))
        .collect()
}

async fn publish_is_idempotent(place: &Place) {
    let repo = open(place).await;
    let e = entry("a", body(1));
    assert!(repo.publish(&e).await.unwrap().created);
    assert!(!repo.publish(&e).await.unwrap().created);
    // In one batch, the same id twice: stored once.
    let f = entry("b", body(2));
    let outcomes = repo
        .publish_batch(&[f.clone(), f.clone(), e.clone()])
        .await
        .unwrap();
    assert_eq!(
        outcomes.iter().map(|p| p.created).collect::<Vec<_>>(),
        [true, false, false]
    );
    assert_eq!(repo.count().await.unwrap(), 2);
    // Bindings were not duplicated: one match, found once.
    let found = repo.search(ISCC_ALG, &body(1), 10).await.unwrap();
    assert_eq!(ids(&found.matches), [("urn:c2pa:a", 0, 0)]);
    let rows: i64 = match place {
        Place::Sqlite(_) => {
            let pool = sqlx::SqlitePool::connect(&place.url()).await.unwrap();
            sqlx::query_scalar("SELECT count(*) FROM soft_bindings")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
        Place::Postgres { .. } => {
            let pool = sqlx::PgPool::connect(&place.url()).await.unwrap();
            sqlx::query_scalar("SELECT count(*) FROM soft_bindings")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(rows, 2);
}
backends!(publish_idempotence, super::publish_is_idempotent);

async fn republishing_a_different_store_conflicts(place: &Place) {
    let repo = open(place).await;
    let e = entry("a", body(1));
    repo.publish(&e).await.unwrap();
    let mut other = e.clone();
    other.manifest_store = b"another store".to_vec();
    let err = repo.publish(&other).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    // A batch with a conflict stores nothing of the batch.
    let err = repo
        .publish_batch(&[entry("c", body(3)), other])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert_eq!(repo.count().await.unwrap(), 1);
    assert_eq!(
        repo.manifest("urn:c2pa:a").await.unwrap().unwrap(),
        e.manifest_store
    );
}
backends!(conflicts, super::republishing_a_different_store_conflicts);

async fn matches_are_ordered_and_thresholded(place: &Place) {
    let repo = open(place).await;
    let base = body(10);
    let entries = [
        entry("exact", base),
        // 64-bit distance 1, 256-bit distance 5.
        entry("near5", flip(base, [3, 100, 120, 200, 255])),
        // 64-bit distance 7 (the default radius), 256-bit distance 20.
        entry("near20", flip(base, (0..7).chain(64..77))),
        // 64-bit distance 8: beyond the radius though 256-bit distance is only 8.
        entry("far64", flip(base, 0..8)),
        // 64-bit distance 2, but 256-bit distance 54 > 53.
        entry("far256", flip(base, (10..12).chain(64..116))),
        // Another tie at distance 5, to order by id: "near5" < "near5b".
        entry("near5b", flip(base, [63, 64, 65, 66, 67])),
        entry("unrelated", body(11)),
    ];
    repo.publish_batch(&entries).await.unwrap();
    let found = repo.matches(ISCC_ALG, &base, 10).await.unwrap();
    assert_eq!(
        ids(&found),
        [
            ("urn:c2pa:exact", 0, 0),
            ("urn:c2pa:near5", 5, 1),
            ("urn:c2pa:near5b", 5, 1),
            ("urn:c2pa:near20", 20, 7)
        ]
    );
    assert_eq!(
        ids(&repo.matches(ISCC_ALG, &base, 2).await.unwrap()),
        [("urn:c2pa:exact", 0, 0), ("urn:c2pa:near5", 5, 1)]
    );
    // An unrelated code finds nothing.
    assert!(
        repo.matches(ISCC_ALG, &body(12), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // By value, as /matches/byBinding receives it.
    let unit = Fingerprint::from_body(base).to_unit();
    assert_eq!(
        repo.matches_by_value(ISCC_ALG, &unit, 1).await.unwrap()[0].manifest_id,
        "urn:c2pa:exact"
    );
}
backends!(
    ordering_and_thresholds,
    super::matches_are_ordered_and_thresholded
);

async fn near_identical_codes_are_told_apart(place: &Place) {
    let repo = open(place).await;
    let a = body(20);
    let b = flip(a, [200]); // same 64-bit code, one bit apart in 256
    repo.publish_batch(&[entry("a", a), entry("b", b)])
        .await
        .unwrap();
    assert_eq!(
        ids(&repo.matches(ISCC_ALG, &a, 10).await.unwrap()),
        [("urn:c2pa:a", 0, 0), ("urn:c2pa:b", 1, 0)]
    );
    assert_eq!(
        ids(&repo.matches(ISCC_ALG, &b, 10).await.unwrap()),
        [("urn:c2pa:b", 0, 0), ("urn:c2pa:a", 1, 0)]
    );
}
backends!(near_identical, super::near_identical_codes_are_told_apart);

async fn manifest_round_trip(place: &Place) {
    let repo = open(place).await;
    let mut e = entry("big", body(30));
    e.manifest_store = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    repo.publish(&e).await.unwrap();
    assert_eq!(
        repo.manifest("urn:c2pa:big").await.unwrap().unwrap(),
        e.manifest_store
    );
    assert_eq!(repo.manifest("urn:c2pa:missing").await.unwrap(), None);
}
backends!(round_trip, super::manifest_round_trip);

async fn migrations_run_once(place: &Place) {
    let repo = open(place).await;
    repo.publish(&entry("a", body(1))).await.unwrap();
    repo.close().await;
    for _ in 0..2 {
        let repo = open(place).await;
        assert_eq!(repo.count().await.unwrap(), 1);
        repo.close().await;
    }
    let (applied, expected) = match place {
        Place::Sqlite(_) => {
            let pool = sqlx::SqlitePool::connect(&place.url()).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
                .fetch_one(&pool)
                .await
                .unwrap();
            (n, hallmark::repository::schema::SQLITE.iter().count())
        }
        Place::Postgres { .. } => {
            let pool = sqlx::PgPool::connect(&place.url()).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
                .fetch_one(&pool)
                .await
                .unwrap();
            (n, hallmark::repository::schema::POSTGRES.iter().count())
        }
    };
    assert_eq!(usize::try_from(applied).unwrap(), expected);
}
backends!(migrations, super::migrations_run_once);

async fn hostile_values_are_typed_errors(place: &Place) {
    let repo = open(place).await;
    let unit = Fingerprint::from_body(body(1)).to_unit();
    let err = repo
        .matches_by_value(ISCC_ALG, &unit[..33], 10)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadBindingValue { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::BadInput);
    let err = repo
        .matches_by_value(ISCC_ALG, &[0u8; 34], 10)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadBindingValue { .. }), "{err}");
    let err = repo
        .matches("com.example.watermark", &body(1), 10)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedAlgorithm { .. }), "{err}");
    assert!(err.to_string().contains("io.iscc.v0"), "{err}");
    let err = repo.matches(ISCC_ALG, &body(1), 0).await.unwrap_err();
    assert!(matches!(err, Error::BadQuery { .. }), "{err}");
    let err = repo.manifest("").await.unwrap_err();
    assert!(matches!(err, Error::BadManifestId { .. }), "{err}");

    let mut e = entry("x", body(1));
    e.bindings[0].value.truncate(10);
    assert!(matches!(
        repo.publish(&e).await.unwrap_err(),
        Error::BadBindingValue { .. }
    ));
    let mut e = entry("x", body(1));
    e.bindings[0].alg = "\u{0}evil".to_owned();
    assert!(matches!(
        repo.publish(&e).await.unwrap_err(),
        Error::UnsupportedAlgorithm { .. }
    ));
    let mut e = entry("x", body(1));
    e.manifest_id = "urn:c2pa:\u{0}".to_owned();
    assert!(matches!(
        repo.publish(&e).await.unwrap_err(),
        Error::BadEntry { .. }
    ));
    let mut e = entry("x", body(1));
    e.signer = Some("a\u{0}b".to_owned());
    assert!(matches!(
        repo.publish(&e).await.unwrap_err(),
        Error::BadEntry { .. }
    ));
    assert_eq!(repo.count().await.unwrap(), 0);
    assert_eq!(repo.supported_algorithms().fingerprints, [ISCC_ALG]);
}
backends!(hostile_values, super::hostile_values_are_typed_errors);

async fn radius_is_an_option(place: &Place) {
    let repo = open(place).await;
    let base = body(40);
    repo.publish_batch(&[
        entry("d3", flip(base, 0..3)),
        entry("d5", flip(base, 20..25)),
    ])
    .await
    .unwrap();
    repo.close().await;
    let mut narrow = Options::default();
    narrow.radius64 = 3;
    let repo = Repository::open_with(&place.url(), narrow).await.unwrap();
    assert_eq!(
        ids(&repo.matches(ISCC_ALG, &base, 10).await.unwrap()),
        [("urn:c2pa:d3", 3, 3)]
    );
    let wide = open(place).await;
    assert_eq!(
        ids(&wide.matches(ISCC_ALG, &base, 10).await.unwrap()),
        [("urn:c2pa:d3", 3, 3), ("urn:c2pa:d5", 5, 5)]
    );
}
backends!(radius_option, super::radius_is_an_option);

async fn the_candidate_cap_is_reported(place: &Place) {
    let mut options = Options::default();
    options.max_candidates_per_chunk = 2;
    let repo = Repository::open_with(&place.url(), options).await.unwrap();
    let base = body(50);
    // Five codes sharing the first chunk with the query.
    let entries: Vec<Entry> = (0..5)
        .map(|i| entry(&format!("s{i}"), flip(body(60 + i), [])))
        .map(|mut e| {
            let mut b = *Fingerprint::from_unit(&e.bindings[0].value).unwrap().body();
            b[..2].copy_from_slice(&base[..2]);
            e.bindings = vec![SoftBinding::iscc(&Fingerprint::from_body(b))];
            e
        })
        .collect();
    repo.publish_batch(&entries).await.unwrap();
    let search = repo.search(ISCC_ALG, &base, 10).await.unwrap();
    assert!(search.capped);
    assert_eq!(search.candidates, 2);
}
backends!(candidate_cap, super::the_candidate_cap_is_reported);

async fn concurrent_publishers_store_once(place: &Place) {
    let repo = open(place).await;
    let e = entry("race", body(70));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (repo, e) = (repo.clone(), e.clone());
            tokio::spawn(async move { repo.publish(&e).await.unwrap().created })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        created += usize::from(task.await.unwrap());
    }
    assert_eq!(created, 1);
    assert_eq!(
        repo.matches(ISCC_ALG, &body(70), 10).await.unwrap().len(),
        1
    );
}
backends!(concurrency, super::concurrent_publishers_store_once);

#[tokio::test]
async fn bad_urls_and_options_are_refused() {
    let err = Repository::open("mysql://localhost/x").await.unwrap_err();
    assert!(matches!(err, Error::BadUrl { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::BadSetup);
    let mut quick = Options::default();
    quick.acquire_timeout = std::time::Duration::from_millis(500);
    let err = Repository::open_with("postgres://ada:secret@127.0.0.1:1/x", quick)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Open { .. }), "{err}");
    assert_eq!(err.kind(), ErrorKind::Environment);
    assert!(!err.to_string().contains("secret"), "{err}");
    let mut options = Options::default();
    options.radius64 = 12;
    let err = Repository::open_with("sqlite::memory:", options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BadOption {
                option: "radius64",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn an_in_memory_repository_works() {
    let repo = Repository::open("sqlite::memory:").await.unwrap();
    repo.publish(&entry("m", body(80))).await.unwrap();
    assert_eq!(repo.matches(ISCC_ALG, &body(80), 1).await.unwrap().len(), 1);
    assert!(repo.size_on_disk().await.unwrap() > 0);
    repo.maintain().await.unwrap();
}

/// Removal, listing, statistics, the cap per signer and one match per signer.
async fn operators_remove_list_and_cap(place: &Place) {
    let repo = open(place).await;
    let certificate = |c: char| Some(c.to_string().repeat(64));
    let near = body(7);
    let mut first = entry("a-first", near);
    first.signer_certificate = certificate('a');
    let mut second = entry("a-second", flip(near, [3]));
    second.signer_certificate = certificate('a');
    let mut other = entry("b-only", flip(near, [9]));
    other.signer_certificate = certificate('b');
    for e in [&first, &second, &other] {
        repo.publish(e).await.unwrap();
    }
    // One match per signing certificate: a's closest, then b's.
    let found = repo.matches(ISCC_ALG, &near, 10).await.unwrap();
    let ids: Vec<&str> = found.iter().map(|m| m.manifest_id.as_str()).collect();
    assert_eq!(ids, ["urn:c2pa:a-first", "urn:c2pa:b-only"]);

    let stats = repo.stats().await.unwrap();
    assert_eq!((stats.manifests, stats.signers), (3, 2));
    let page = repo.list("", 2).await.unwrap();
    let listed: Vec<&str> = page.iter().map(|l| l.manifest_id.as_str()).collect();
    assert_eq!(listed, ["urn:c2pa:a-first", "urn:c2pa:a-second"]);
    let rest = repo.list(&page[1].manifest_id, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].signer_certificate, certificate('b'));

    // The cap: a has 2; with a cap of 2 a third is refused, b's is not.
    let limits = Limits {
        max_manifests_per_signer: 2,
        reserve_disk_bytes: 0,
    };
    let mut third = entry("a-third", flip(near, [20]));
    third.signer_certificate = certificate('a');
    assert!(matches!(
        repo.check_room(&third, &limits).await,
        Err(Error::SignerQuota { limit: 2, .. })
    ));
    repo.check_room(&other, &limits).await.unwrap();

    // Removed: gone from the manifests and the matches at once; a's other
    // manifest answers for a now.
    let removed = repo.remove("urn:c2pa:a-first").await.unwrap().unwrap();
    assert_eq!(removed.signer_certificate, certificate('a'));
    assert_eq!(repo.manifest("urn:c2pa:a-first").await.unwrap(), None);
    let found = repo.matches(ISCC_ALG, &near, 10).await.unwrap();
    let ids: Vec<&str> = found.iter().map(|m| m.manifest_id.as_str()).collect();
    assert_eq!(ids, ["urn:c2pa:a-second", "urn:c2pa:b-only"]);
    assert_eq!(repo.remove("urn:c2pa:a-first").await.unwrap(), None);
    repo.check_room(&third, &limits).await.unwrap();
    assert_eq!(repo.stats().await.unwrap().manifests, 2);
}
backends!(operators, super::operators_remove_list_and_cap);
