//! The real service on 127.0.0.1 with an ephemeral port, driven over HTTP.

use std::io::Cursor;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use hallmark::credentials::SigningCredentials;
use hallmark::sign::{SignOptions, sign_stream};
use hallmark::{MediaFormat, TrainingPolicy};
use hallmark_server::Config;
use serde_json::Value;

use crate::common::*;

#[test]
fn signed_tampered_and_unsigned_files_get_the_reports_the_cli_gives() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(config(&dir, 64 << 20), None);
    for (name, mime) in [
        ("sample.jpg", "image/jpeg"),
        ("sample.png", "image/png"),
        ("sample.wav", "audio/wav"),
        ("sample.mp4", "video/mp4"),
    ] {
        let good = signed(name);
        let (status, report) = post(&server.url("/v1/verify?for=ai_training"), mime, &good);
        assert_eq!(status, 200, "{name}: {report}");
        assert_eq!(report["state"], "trusted", "{name}: {report}");
        assert_eq!(report["may_use"], "notAllowed", "{name}");
        assert_eq!(
            report["policy"]["ai_training"]["use"], "notAllowed",
            "{name}"
        );
        assert_eq!(report["signer"]["common_name"], "Test Creator", "{name}");
        // The same answer as the library gives, field for field.
        let direct = hallmark::Verifier::new(
            &hallmark::TrustAnchors::from_pem("ca.pem", &issued().ca_certificate_pem).unwrap(),
        )
        .unwrap()
        .verify_bytes("upload", MediaFormat::from_mime_type(mime), &good)
        .unwrap();
        let mut without = report.clone();
        without.as_object_mut().unwrap().remove("may_use");
        assert_eq!(without, serde_json::to_value(&direct).unwrap(), "{name}");

        let mut tampered = good.clone();
        // A byte of the sound or picture: WAV keeps its manifest at the
        // end, MP4 its media in the mdat box.
        let at = match name {
            "sample.wav" => 100,
            "sample.mp4" => good.windows(4).position(|w| w == b"mdat").unwrap() + 40,
            _ => tampered.len() - 40,
        };
        tampered[at] ^= 0x20;
        let (status, report) = post(&server.url("/v1/verify?for=data_mining"), mime, &tampered);
        assert_eq!(status, 200, "{name}: {report}");
        assert_eq!(report["state"], "invalid", "{name}: {report}");
        // The broken credentials allow nothing; where hallmark mirrored the
        // policy into the XMP, that unsigned copy still restricts.
        let mirrored =
            MediaFormat::from_mime_type(mime).is_some_and(|f| f.iptc_refusal().is_none());
        assert_eq!(
            (report["may_use"].as_str(), report["unsigned"].is_object()),
            if mirrored {
                (Some("notAllowed"), true)
            } else {
                (Some("unknown"), false)
            },
            "{name}: {report}"
        );

        let (status, report) = post(&server.url("/v1/verify"), mime, &media(name));
        assert_eq!(status, 200, "{name}");
        assert_eq!(report["state"], "none", "{name}");
        assert!(report.get("may_use").is_none(), "{name}");
    }
    // application/octet-stream with ?format=.
    let (status, report) = post(
        &server.url("/v1/verify?format=jpg"),
        "application/octet-stream",
        &signed("sample.jpg"),
    );
    assert_eq!((status, report["state"].as_str()), (200, Some("trusted")));
    assert_eq!(
        TrainingPolicy::deny_all(),
        serde_json::from_value(report["policy"].clone()).unwrap()
    );
}

#[test]
fn bad_requests_are_the_clients_error_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(config(&dir, 64 * 1024), None);
    let url = server.url("/v1/verify");
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "garbage as JPEG",
            "image/jpeg",
            b"this is not a picture at all".to_vec(),
            422,
            "wrong_format",
        ),
        (
            "a PNG declared as JPEG",
            "image/jpeg",
            media("sample.png"),
            422,
            "wrong_format",
        ),
        (
            "an unsupported type",
            "text/plain",
            b"hello".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "octet-stream without ?format",
            "application/octet-stream",
            media("sample.jpg"),
            415,
            "unsupported_media_type",
        ),
        ("no body", "image/jpeg", Vec::new(), 400, "empty_body"),
    ];
    for (what, mime, body, status, code) in cases {
        let (got, answer) = post(&url, mime, &body);
        assert_eq!(got, status, "{what}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{what}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    // A body over the limit is refused from its Content-Length, before any of
    // it is read: the request here sends the headers alone. (A client still
    // writing the body may see the connection closed under it instead.)
    let (status, answer) = post_headers_only(&server.base, "/v1/verify", "audio/wav", 200 * 1024);
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "body_too_large", "{answer}");

    let (status, answer) = post(
        &server.url("/v1/verify?for=world_domination"),
        "image/jpeg",
        &media("sample.jpg"),
    );
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("unknown_kind"))
    );
    let (status, text) = get_text(&server.url("/nowhere"));
    assert_eq!(status, 404, "{text}");

    // The metrics counted what happened.
    let (status, metrics) = get_text(&server.url("/metrics"));
    assert_eq!(status, 200);
    assert_eq!(
        metric(
            &metrics,
            "hallmark_http_requests_total{route=\"/v1/verify\",status=\"413\"}"
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            "hallmark_http_requests_total{route=\"/v1/verify\",status=\"422\"}"
        ),
        2.0,
        "{metrics}"
    );
    assert!(
        metrics.contains("hallmark_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    for line in metrics
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        assert!(line.starts_with("hallmark_"), "{line}");
    }
}

#[test]
fn health_readiness_batch_and_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(config(&dir, 64 << 20), None);
    assert_eq!(
        get_text(&server.url("/healthz")),
        (200, "{\"status\":\"ok\"}".to_string())
    );
    let (status, ready) = get_text(&server.url("/readyz"));
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&ready).unwrap()["trust_anchors"],
        1
    );

    // Multipart: a signed JPEG, an unsigned PNG, garbage; answered in order.
    let boundary = "hallmark-test-boundary";
    let mut body = Vec::new();
    for (name, mime, bytes) in [
        ("a.jpg", "image/jpeg", signed("sample.jpg")),
        ("b.png", "image/png", media("sample.png")),
        ("c.jpg", "image/jpeg", b"not a jpeg".to_vec()),
    ] {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes());
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let (status, answer) = post(
        &server.url("/v1/verify/batch?for=ai_inference"),
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    );
    assert_eq!(status, 200, "{answer}");
    let reports = answer["reports"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = reports
        .iter()
        .map(|r| (r["file"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [("a.jpg", "trusted"), ("b.png", "none"), ("c.jpg", "error")]
    );
    assert_eq!(reports[0]["may_use"], "notAllowed");
    assert_eq!(reports[2]["error"]["code"], "wrong_format");

    let (_, metrics) = get_text(&server.url("/metrics"));
    assert_eq!(
        metric(&metrics, "hallmark_verify_results_total{state=\"trusted\"}"),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        metric(&metrics, "hallmark_verify_results_total{state=\"none\"}"),
        1.0,
        "{metrics}"
    );
    assert!(
        metric(&metrics, "hallmark_verified_bytes_total") > 1000.0,
        "{metrics}"
    );
}

#[test]
fn sixteen_clients_get_hundreds_of_correct_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(config(&dir, 64 << 20), None);
    let files = Arc::new([
        (signed("sample.jpg"), "image/jpeg", "trusted"),
        (media("sample.png"), "image/png", "none"),
        (signed("sample.wav"), "audio/wav", "trusted"),
    ]);
    let url = server.url("/v1/verify");
    let clients: Vec<_> = (0..16)
        .map(|client| {
            let files = Arc::clone(&files);
            let url = url.clone();
            thread::spawn(move || {
                for request in 0..20 {
                    let (bytes, mime, state) = &files[(client + request) % files.len()];
                    let (status, report) = post(&url, mime, bytes);
                    assert_eq!(
                        (status, report["state"].as_str()),
                        (200, Some(*state)),
                        "client {client} request {request}"
                    );
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let (_, metrics) = get_text(&server.url("/metrics"));
    assert_eq!(
        metric(
            &metrics,
            "hallmark_http_requests_total{route=\"/v1/verify\",status=\"200\"}"
        ),
        320.0
    );
}

/// A signed WAV of `megabytes`, slow enough to verify to be caught in flight.
fn big_signed_wav(megabytes: usize) -> Vec<u8> {
    let data = megabytes << 20;
    let mut wav = b"RIFF".to_vec();
    wav.extend_from_slice(&u32::try_from(36 + data).unwrap().to_le_bytes());
    wav.extend_from_slice(
        b"WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0\x04\0\x10\0data",
    );
    wav.extend_from_slice(&u32::try_from(data).unwrap().to_le_bytes());
    wav.extend((0..data).map(|i| (i * 7919 % 251) as u8));
    let credentials = SigningCredentials::from_issued(issued()).unwrap();
    let mut out = Cursor::new(Vec::new());
    sign_stream(
        &credentials,
        "big.wav",
        None,
        &mut Cursor::new(wav),
        &mut out,
        &SignOptions::default(),
    )
    .unwrap();
    out.into_inner()
}

#[test]
fn a_verification_over_the_deadline_answers_503_and_frees_its_worker() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(config(&dir, 256 << 20), Some(Duration::from_millis(1)));
    let (status, answer) = post(&server.url("/v1/verify"), "audio/wav", &big_signed_wav(48));
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (503, Some("timeout")),
        "{answer}"
    );
    // The worker finishes on its own and gives its place back.
    let mut in_flight = 1.0;
    for _ in 0..100 {
        let (_, metrics) = get_text(&server.url("/metrics"));
        in_flight = metric(&metrics, "hallmark_verify_in_flight");
        if in_flight == 0.0 {
            break;
        }
        thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(in_flight, 0.0);
    // Health checks were never blocked.
    assert_eq!(get_text(&server.url("/healthz")).0, 200);
}

#[test]
fn shutdown_finishes_requests_in_flight_then_refuses_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Running::start(config(&dir, 256 << 20), None);
    let wav = big_signed_wav(96);
    let url = server.url("/v1/verify");
    let in_flight = thread::spawn(move || post(&url, "audio/wav", &wav));
    // Wait until the verification is running, then ask the service to stop.
    for _ in 0..200 {
        let (_, metrics) = get_text(&server.url("/metrics"));
        if metric(&metrics, "hallmark_verify_in_flight") >= 1.0 {
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
    let health = server.url("/healthz");
    server.stop();
    let (status, report) = in_flight.join().unwrap();
    assert_eq!(
        (status, report["state"].as_str()),
        (200, Some("trusted")),
        "{report}"
    );
    assert!(
        agent().get(&health).call().is_err(),
        "the stopped service refuses connections"
    );
}

#[test]
fn the_deployment_settings_are_valid_and_agree() {
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
    let image = Config::from_file(&deploy.join("serve.toml")).unwrap();
    image.check().unwrap();
    assert_eq!(
        image.trust,
        [std::path::PathBuf::from("/etc/hallmark/trust/ca.pem")]
    );
    // The ConfigMap carries the same settings as the image.
    let configmap = std::fs::read_to_string(deploy.join("k8s/configmap.yaml")).unwrap();
    let embedded: String = configmap
        .lines()
        .skip_while(|l| !l.trim_end().ends_with("serve.toml: |"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| format!("{}\n", &l[4..]))
        .collect();
    assert_eq!(toml::from_str::<Config>(&embedded).unwrap(), image);
    // The probes ask the endpoints the service has, on the port it listens on.
    let deployment = std::fs::read_to_string(deploy.join("k8s/deployment.yaml")).unwrap();
    for needle in [
        "path: /readyz",
        "path: /healthz",
        "containerPort: 8080",
        "mountPath: /etc/hallmark/trust",
        "name: HALLMARK_REPOSITORY",
        "secretKeyRef: { name: hallmark-repository, key: url, optional: true }",
    ] {
        assert!(deployment.contains(needle), "{needle}");
    }
    assert_eq!(image.listen.port(), 8080);
    // The repository's connection comes from a Secret the deployment names,
    // never from the settings file.
    assert_eq!(image.repository, None);
    let secret = std::fs::read_to_string(deploy.join("k8s/repository-secret.yaml")).unwrap();
    for needle in [
        "kind: Secret",
        "name: hallmark-repository",
        "  url: \"postgres://",
    ] {
        assert!(secret.contains(needle), "{needle}");
    }
}

#[test]
fn a_for_question_also_answers_with_the_web_signal_headers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Running::start(config(&dir, 16 << 20), None);
    let signed = signed("sample.jpg");
    let ask = |path: &str, body: &[u8]| {
        let response = agent()
            .post(&server.url(path))
            .header("Content-Type", "image/jpeg")
            .send(body)
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        (header("x-robots-tag"), header("tdm-reservation"))
    };
    assert_eq!(
        ask("/v1/verify?for=ai_training", &signed),
        (Some("noai, noimageai".into()), Some("1".into())),
        "the creator said no: the same headers `hallmark headers` prints"
    );
    assert_eq!(ask("/v1/verify", &signed), (None, None), "only when asked");
    assert_eq!(
        ask("/v1/verify?for=ai_training", &media("sample.jpg")),
        (None, None),
        "no credentials, no headers"
    );
}
