//! A repository's publishers and operators at the command line, against a
//! real `hallmark serve`: tokens made, used and revoked (`hallmark token`,
//! `publish --token-file`, `HALLMARK_TOKEN`), the audit lines, `hallmark
//! repository` stats, list and remove, and `kill -9` in the middle of a
//! publishing flood losing no manifest the service acknowledged, on SQLite
//! and on PostgreSQL (the run's throwaway cluster: `bash tests/run.sh` sets
//! `HALLMARK_TEST_POSTGRES_URL`, and without it the test fails).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

/// `copies` signed copies of the PNG sample in `dir/signed`, each its own
/// manifest, by the example credentials.
fn signed_copies(dir: &Path, copies: usize) -> Vec<PathBuf> {
    let originals = dir.join("originals");
    std::fs::create_dir_all(&originals).unwrap();
    for n in 0..copies {
        std::fs::copy(
            media("sample.png"),
            originals.join(format!("copy-{n:03}.png")),
        )
        .unwrap();
    }
    let credentials = example_credentials(&dir.join("credentials"));
    let signed = dir.join("signed");
    hallmark()
        .args(["sign", "--recursive", "-j", "2"])
        .arg(&originals)
        .arg("-o")
        .arg(&signed)
        .arg("--credentials")
        .arg(&credentials)
        .env("HALLMARK_PASSPHRASE", EXAMPLE_PASSPHRASE)
        .assert()
        .success();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&signed)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .new_agent()
}

/// The status of `GET /v1/manifests/{id}`.
fn manifest_status(base: &str, id: &str) -> u16 {
    agent()
        .get(&format!("{base}/v1/manifests/{id}"))
        .call()
        .map_or(0, |r| r.status().as_u16())
}

#[test]
fn tokens_are_made_used_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.json");
    let added = hallmark()
        .args(["token", "add", "studio", "--scope", "publish", "--tokens"])
        .arg(&tokens)
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let stdout = String::from_utf8(added.stdout).unwrap();
    let token = stdout.lines().last().unwrap().to_owned();
    assert!(token.starts_with("hm_") && token.len() > 40, "{stdout}");
    let stored = std::fs::read_to_string(&tokens).unwrap();
    assert!(!stored.contains(&token[3..]), "the file keeps only a hash");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&tokens).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A name in use, an unknown scope: usage errors.
    hallmark()
        .args(["token", "add", "studio", "--scope", "publish", "--tokens"])
        .arg(&tokens)
        .assert()
        .code(64)
        .stderr(predicates::str::contains("exists already"));
    hallmark()
        .args(["token", "add", "other", "--scope", "everything", "--tokens"])
        .arg(&tokens)
        .assert()
        .code(64)
        .stderr(predicates::str::contains("not a scope"));
    let listed = hallmark()
        .args(["token", "list", "--tokens"])
        .arg(&tokens)
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(listed.starts_with("studio\tpublish\t"), "{listed}");
    assert!(!listed.contains(&token[3..]));

    let url = format!("sqlite:{}", dir.path().join("repository.db").display());
    let server = Serving::start(&["--repository", &url, "--tokens", tokens.to_str().unwrap()]);
    let files = signed_copies(dir.path(), 3);
    let publish = |file: &Path| {
        let mut command = hallmark();
        command.args(["publish", "--to", &server.base]).arg(file);
        command
    };
    // No token: refused, in words, exit 3.
    publish(&files[0])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("token"));
    // From a file, then from the environment.
    let token_file = dir.path().join("token.txt");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    publish(&files[0])
        .arg("--token-file")
        .arg(&token_file)
        .assert()
        .success()
        .stdout(predicates::str::starts_with("published "));
    publish(&files[1])
        .env("HALLMARK_TOKEN", &token)
        .assert()
        .success();
    // The audit line names the token.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .log()
        .iter()
        .any(|l| l.contains("published") && l.contains("token studio"))
    {
        assert!(
            Instant::now() < deadline,
            "no audit line: {:?}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Revoked: the running service refuses it at the next request.
    hallmark()
        .args(["token", "revoke", "studio", "--tokens"])
        .arg(&tokens)
        .assert()
        .success();
    publish(&files[2])
        .env("HALLMARK_TOKEN", &token)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("401"));
}

#[test]
fn operators_count_list_and_remove_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("repository.db").display());
    let server = Serving::start(&["--repository", &url]);
    let files = signed_copies(dir.path(), 2);
    let output = hallmark()
        .args(["publish", "--json", "--to", &server.base])
        .args(&files)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let ids: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["manifest_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let repository = |args: &[&str]| {
        let mut command = hallmark();
        command
            .arg("repository")
            .args(args)
            .args(["--repository", &url]);
        command
    };
    let stats = repository(&["stats"]).output().unwrap();
    let stats = String::from_utf8(stats.stdout).unwrap();
    assert!(stats.starts_with("manifests\t2\nsigners\t1\n"), "{stats}");
    let listed = repository(&["list"]).output().unwrap();
    let listed: Vec<serde_json::Value> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["signer"], "Example Creator");
    assert_eq!(listed[0]["signer_certificate"].as_str().unwrap().len(), 64);

    assert_eq!(manifest_status(&server.base, &ids[0]), 200);
    repository(&["remove", &ids[0]])
        .assert()
        .success()
        .stderr(predicates::str::contains(format!("removed {}", ids[0])));
    assert_eq!(manifest_status(&server.base, &ids[0]), 404);
    assert_eq!(manifest_status(&server.base, &ids[1]), 200);
    repository(&["remove", &ids[0]]).assert().code(2);
    repository(&["stats"])
        .assert()
        .success()
        .stdout(predicates::str::starts_with("manifests\t1\n"));
    hallmark()
        .args(["repository", "stats"])
        .env_remove("HALLMARK_REPOSITORY")
        .assert()
        .code(64);
}

/// Publish the files from several threads until `stop`; every manifest id
/// the service acknowledged (201).
fn flood(base: &str, files: &[PathBuf], stop: &Arc<Mutex<bool>>) -> Vec<String> {
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    std::thread::scope(|scope| {
        for chunk in files.chunks(files.len().div_ceil(6)) {
            let acknowledged = Arc::clone(&acknowledged);
            scope.spawn(move || {
                for file in chunk {
                    if *stop.lock().unwrap() {
                        return;
                    }
                    let body = std::fs::read(file).unwrap();
                    let Ok(mut answer) = agent()
                        .post(&format!("{base}/v1/manifests"))
                        .header("Content-Type", "image/png")
                        .send(&body[..])
                    else {
                        return; // the service is gone
                    };
                    if answer.status().as_u16() == 201 {
                        let text = answer.body_mut().read_to_string().unwrap_or_default();
                        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
                            && let Some(id) = value["manifestId"].as_str()
                        {
                            acknowledged.lock().unwrap().push(id.to_owned());
                        }
                    }
                }
            });
        }
    });
    acknowledged.lock().unwrap().clone()
}

/// Start a flood, `kill -9` the service once `at_least` manifests were
/// acknowledged, start it again on the same database, and check that
/// every acknowledged manifest is there. Returns (acknowledged, sent).
fn kill_during_a_flood(url: &str, files: &[PathBuf], at_least: usize) -> usize {
    let server = Serving::start(&["--repository", url, "--publish-limit", "0"]);
    let base = server.base.clone();
    let stop = Arc::new(Mutex::new(false));
    let acknowledged = std::thread::scope(|scope| {
        let flooding = scope.spawn(|| flood(&base, files, &stop));
        // Kill when enough were acknowledged: the log says so as they commit.
        let deadline = Instant::now() + Duration::from_secs(120);
        while server
            .log()
            .iter()
            .filter(|l| l.contains("published"))
            .count()
            < at_least
        {
            assert!(
                Instant::now() < deadline,
                "the flood did not get going: {:?}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        server.kill_hard();
        *stop.lock().unwrap() = true;
        flooding.join().unwrap()
    });
    // The service may have committed (and logged) a manifest whose 201 never
    // reached its client before the kill: that one is not acknowledged.
    assert!(acknowledged.len() + 6 >= at_least, "{}", acknowledged.len());
    assert!(
        acknowledged.len() < files.len(),
        "the kill came after the flood"
    );
    let again = Serving::start(&["--repository", url]);
    for id in &acknowledged {
        assert_eq!(
            manifest_status(&again.base, id),
            200,
            "{id} was acknowledged, then lost"
        );
    }
    acknowledged.len()
}

#[test]
fn kill_9_during_a_publishing_flood_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let files = signed_copies(dir.path(), 160);

    let db = dir.path().join("repository.db");
    let sqlite = format!("sqlite:{}", db.display());
    let kept = kill_during_a_flood(&sqlite, &files, 60);
    // The database is sound (SQLite's own check, through Python's sqlite3).
    let check = std::process::Command::new("python3")
        .arg("-c")
        .arg("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&check.stdout).trim(),
        "ok",
        "{check:?}"
    );
    println!(
        "kill -9, SQLite: {kept} acknowledged of {} queued, all there after a restart; integrity_check ok",
        files.len()
    );

    let postgres = std::env::var("HALLMARK_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "HALLMARK_TEST_POSTGRES_URL is not set: this test needs a PostgreSQL server; \
             `bash tests/run.sh` starts a throwaway one and sets it"
        )
    });
    let url = fresh_schema(&postgres);
    let kept = kill_during_a_flood(&url, &files, 60);
    // Sound: it opens, counts, and every row it lists can be fetched.
    let stats = hallmark()
        .args(["repository", "stats", "--repository", &url])
        .output()
        .unwrap();
    assert!(stats.status.success(), "{stats:?}");
    let stats = String::from_utf8(stats.stdout).unwrap();
    let count: usize = stats
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("manifests\t"))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(count >= kept, "{stats}");
    println!(
        "kill -9, PostgreSQL: {kept} acknowledged ({count} stored) of {} queued, all there after a restart",
        files.len()
    );
}
