//! Who may publish, over real HTTP: tokens with scopes (401, 403, a revoked
//! token refused at the next request), open mode's limit per client address
//! (429 with Retry-After), the cap per signing certificate, the disk kept
//! free, and answers a flood of throwaway signers cannot crowd out.

use std::io::Cursor;

use hallmark::credentials::{Identity, SigningCredentials, Validity, issue};
use hallmark::sign::{SignOptions, sign_stream};
use hallmark::tokens::{Scope, TokenFile};
use hallmark_server::Config;
use serde_json::Value;

use crate::common::*;
use hallmark_test_support::library::credentials;

/// A config with a repository in `dir`, trusting the test CA.
fn repository_config(dir: &tempfile::TempDir) -> Config {
    Config {
        repository: Some(format!(
            "sqlite:{}",
            dir.path().join("repository.db").display()
        )),
        ..config(dir, 64 << 20)
    }
}

/// POST a signed file to `/v1/manifests` with optional bearer token: status,
/// body and the `Retry-After` and `WWW-Authenticate` headers.
fn publish(
    server: &Running,
    body: &[u8],
    token: Option<&str>,
) -> (u16, Value, Option<String>, Option<String>) {
    let mut request = agent()
        .post(&server.url("/v1/manifests"))
        .header("Content-Type", "image/jpeg");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.send(body).unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (retry, authenticate) = (header("retry-after"), header("www-authenticate"));
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        retry,
        authenticate,
    )
}

/// `sample.jpg` signed afresh by `credentials`: a new manifest each time.
fn signed_by(credentials: &SigningCredentials, name: &str) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    sign_stream(
        credentials,
        name,
        None,
        &mut Cursor::new(media("sample.jpg")),
        &mut out,
        &SignOptions::default(),
    )
    .unwrap();
    out.into_inner()
}

#[test]
fn tokens_gate_publishing_and_a_revoked_one_stops_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.json");
    let mut file = TokenFile::default();
    let publisher = file.add("studio", &[Scope::Publish]).unwrap();
    let deriver = file.add("platform", &[Scope::Derive]).unwrap();
    file.save(&tokens).unwrap();
    let server = Running::start(
        Config {
            tokens: Some(tokens.clone()),
            ..repository_config(&dir)
        },
        None,
    );
    let body = signed("sample.jpg");

    let (status, answer, _, authenticate) = publish(&server, &body, None);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    assert!(authenticate.unwrap().starts_with("Bearer"));
    let (status, answer, _, _) = publish(&server, &body, Some("hm_not-a-token"));
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, answer, _, _) = publish(&server, &body, Some(&deriver));
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("publish scope")
    );
    let (status, answer, _, _) = publish(&server, &body, Some(&publisher));
    assert_eq!(status, 201, "{answer}");
    let manifest_id = answer["manifestId"].as_str().unwrap().to_owned();

    // Lookups stay open.
    let response = agent()
        .get(&server.url(&format!("/v1/manifests/{manifest_id}")))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);

    // Revoked while the service runs: refused from the next request on.
    let mut file = TokenFile::load(&tokens).unwrap();
    file.revoke("studio").unwrap();
    // A file system whose clock ticks coarsely may give the rewrite the same
    // modification time: the size differs, which the service also watches.
    file.save(&tokens).unwrap();
    let (status, _, _, _) = publish(&server, &signed("sample.jpg"), Some(&publisher));
    assert_eq!(status, 401);

    // A damaged token file keeps the last good one: nothing opens.
    std::fs::write(&tokens, "{ not json").unwrap();
    let (status, _, _, _) = publish(&server, &signed("sample.jpg"), Some(&publisher));
    assert_eq!(status, 401);
}

#[test]
fn open_mode_limits_each_address_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(
        Config {
            publish_limit: 3,
            ..repository_config(&dir)
        },
        None,
    );
    let body = signed("sample.jpg");
    for _ in 0..3 {
        let (status, answer, _, _) = publish(&server, &body, None);
        assert!(status == 201 || status == 200, "{status} {answer}");
    }
    let (status, answer, retry, _) = publish(&server, &body, None);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (429, Some("too_many_requests"))
    );
    let seconds: u64 = retry.unwrap().parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    // Lookups are not limited.
    for _ in 0..10 {
        assert_eq!(
            get_text(&server.url("/v1/services/supportedAlgorithms")).0,
            200
        );
    }
}

#[test]
fn a_signer_may_store_only_so_many_manifests_and_the_disk_keeps_its_reserve() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(
        Config {
            max_manifests_per_signer: 2,
            ..repository_config(&dir)
        },
        None,
    );
    let creator = credentials();
    for n in 0..2 {
        let (status, answer, _, _) =
            publish(&server, &signed_by(&creator, &format!("{n}.jpg")), None);
        assert_eq!(status, 201, "{answer}");
    }
    let (status, answer, _, _) = publish(&server, &signed_by(&creator, "2.jpg"), None);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (403, Some("signer_quota")),
        "{answer}"
    );
    // Another signer is not affected.
    let other = fresh("Someone Else");
    let (status, _, _, _) = publish(&server, &signed_by(&other, "x.jpg"), None);
    assert_eq!(status, 201);

    // A reserve larger than any disk: publishing is refused, reading is not.
    let dir = tempfile::tempdir().unwrap();
    let full = Running::start(
        Config {
            reserve_disk_mib: u64::MAX / (1 << 21),
            ..repository_config(&dir)
        },
        None,
    );
    let (status, answer, _, _) = publish(&full, &signed("sample.jpg"), None);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (503, Some("repository_full")),
        "{answer}"
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("kept free")
    );
    assert_eq!(
        get_text(&full.url("/v1/services/supportedAlgorithms")).0,
        200
    );
}

/// Fresh credentials naming `who`, under a CA of their own.
fn fresh(who: &str) -> SigningCredentials {
    SigningCredentials::from_issued(&issue(&Identity::named(who), Validity::default()).unwrap())
        .unwrap()
}

/// The manifest ids a by-binding lookup of `value` answers, best first.
fn lookup(server: &Running, value: &str, max_results: usize) -> Vec<String> {
    let (status, answer) = post(
        &server.url(&format!("/v1/matches/byBinding?maxResults={max_results}")),
        "application/json",
        serde_json::json!({"alg": "io.iscc.v0", "value": value})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(status, 200, "{answer}");
    answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manifestId"].as_str().unwrap().to_owned())
        .collect()
}

/// The creator publishes first; ten throwaway signers publish four copies
/// each of the same photograph. Returns the creator's manifest id and the
/// fingerprint value.
fn crowd(server: &Running, creator: &SigningCredentials) -> (String, String) {
    let (status, answer, _, _) = publish(server, &signed_by(creator, "original.jpg"), None);
    assert_eq!(status, 201, "{answer}");
    let creator_id = answer["manifestId"].as_str().unwrap().to_owned();
    let value = answer["softBindings"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    for spammer in 0..10 {
        let key = fresh(&format!("Spammer {spammer}"));
        for copy in 0..4 {
            let (status, answer, _, _) =
                publish(server, &signed_by(&key, &format!("copy{copy}.jpg")), None);
            assert_eq!(status, 201, "{answer}");
        }
    }
    (creator_id, value)
}

#[test]
fn forty_copies_from_ten_signers_cannot_crowd_out_the_creator() {
    // Trusted: the service trusts the creator's CA (the test CA), so the
    // creator's manifest is the first answer.
    let dir = tempfile::tempdir().unwrap();
    let trusted = Running::start(
        Config {
            publish_limit: 0,
            ..repository_config(&dir)
        },
        None,
    );
    let (creator_id, value) = crowd(&trusted, &credentials());
    let answers = lookup(&trusted, &value, 5);
    assert_eq!(answers.len(), 5, "{answers:?}");
    assert_eq!(answers[0], creator_id, "trusted creator first: {answers:?}");
    println!("crowding, creator trusted: rank 1 of {answers:?}");

    // Untrusted: nobody is on the service's trust list; one answer per
    // signer, the creator published first, so within the top 5.
    let dir = tempfile::tempdir().unwrap();
    let untrusted = Running::start(
        Config {
            publish_limit: 0,
            trust: Vec::new(),
            ..repository_config(&dir)
        },
        None,
    );
    let (creator_id, value) = crowd(&untrusted, &credentials());
    let answers = lookup(&untrusted, &value, 5);
    let rank = answers.iter().position(|id| *id == creator_id);
    assert!(
        rank.is_some(),
        "the creator is not in the top 5: {answers:?}"
    );
    println!(
        "crowding, creator untrusted: rank {} of 5",
        rank.unwrap_or(0) + 1
    );
    // One answer per signer: no signer appears twice.
    let all = lookup(&untrusted, &value, 100);
    assert_eq!(all.len(), 11, "one per signer: {all:?}");
}

/// A multipart body of `parts` (name, file name, content type, bytes).
fn multipart(parts: &[(&str, &str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "hallmark-derive-test-boundary";
    let mut body = Vec::new();
    for (name, file, mime, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn renditions_are_derived_for_derive_tokens_only() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.json");
    let mut file = TokenFile::default();
    let deriver = file.add("platform", &[Scope::Derive]).unwrap();
    let publisher = file.add("studio", &[Scope::Publish]).unwrap();
    file.save(&tokens).unwrap();
    // The platform's credentials, as keygen writes them.
    let folder = dir.path().join("platform");
    hallmark::credentials::CredentialsFolder::at(&folder)
        .create_with(
            &Identity::named("Example Platform"),
            &secrecy::SecretString::from("platform passphrase".to_owned()),
            Validity::default(),
        )
        .unwrap();
    let passphrase = dir.path().join("passphrase");
    std::fs::write(&passphrase, "platform passphrase\n").unwrap();
    let server = Running::start(
        Config {
            tokens: Some(tokens),
            derive_credentials: Some(folder),
            derive_passphrase_file: Some(passphrase),
            ..config(&dir, 64 << 20)
        },
        None,
    );
    let original = signed("sample.jpg");
    let (content_type, body) = multipart(&[
        ("original", "original.jpg", "image/jpeg", &original),
        ("rendition", "thumb.png", "image/png", &media("sample.png")),
    ]);
    let send = |token: Option<&str>| {
        let mut request = agent()
            .post(&server.url("/v1/derive"))
            .header("Content-Type", &content_type);
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.send(&body[..]).unwrap();
        let parent = response
            .headers()
            .get("x-hallmark-parent")
            .map(|v| v.to_str().unwrap().to_owned());
        let status = response.status().as_u16();
        let bytes = response.body_mut().read_to_vec().unwrap();
        (status, bytes, parent)
    };
    assert_eq!(send(None).0, 401);
    assert_eq!(send(Some("hm_wrong")).0, 401);
    assert_eq!(send(Some(&publisher)).0, 403);
    let (status, rendition, parent) = send(Some(&deriver));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&rendition));
    let report = hallmark_test_support::library::trusting()
        .verify_bytes("derived.png", None, &rendition)
        .unwrap();
    assert!(report.state.is_intact(), "{:?}", report.statuses);
    assert_eq!(report.manifest_count, 2);
    assert_eq!(report.ingredients[0].relationship, "parentOf");
    assert_eq!(report.ingredients[0].active_manifest, parent);
    assert_eq!(
        report.signer.and_then(|s| s.common_name).as_deref(),
        Some("Example Platform")
    );
    // An original without credentials is refused, in words.
    let (content_type, body) = multipart(&[
        (
            "original",
            "original.jpg",
            "image/jpeg",
            &media("sample.jpg"),
        ),
        ("rendition", "thumb.png", "image/png", &media("sample.png")),
    ]);
    let mut response = agent()
        .post(&server.url("/v1/derive"))
        .header("Content-Type", &content_type)
        .header("Authorization", &format!("Bearer {deriver}"))
        .send(&body[..])
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let text = response.body_mut().read_to_string().unwrap();
    assert!(
        text.contains("not_derivable") && text.contains("no Content Credentials"),
        "{text}"
    );
}
