//! Sign every sample format, verify it, and check what the report says.

use hallmark::sign::{SignOptions, sign_file};
use hallmark::verify::StatusKind;
use hallmark::{Answer, Error, Kind, MediaFormat, Overwrite, State, TrainingPolicy, Use};
use hallmark_test_support::library::*;
use hallmark_test_support::paths::*;

#[test]
fn every_signable_format_signs_and_verifies() {
    let signable = signable_samples();
    // Every format hallmark can sign has its sample, and only those: a lost
    // fixture or a format that stops being signable fails here.
    let mut covered: Vec<MediaFormat> = signable.iter().map(|(_, f)| *f).collect();
    covered.sort_by_key(|f| f.name());
    let mut expected: Vec<MediaFormat> = MediaFormat::ALL
        .iter()
        .copied()
        .filter(|f| !matches!(f, MediaFormat::Pdf | MediaFormat::Aiff))
        .collect();
    expected.sort_by_key(|f| f.name());
    assert_eq!(covered, expected);
    assert!(expected.iter().all(|f| f.can_sign()));
    assert_eq!(expected.len(), 17);
    for (path, format) in signable {
        let signed = sign_bytes(&path, &SignOptions::default());
        let name = path.display().to_string();

        let report = untrusting()
            .verify_bytes(&name, Some(format), &signed)
            .unwrap();
        assert_eq!(report.state, State::Valid, "{name}: {:#?}", report.statuses);
        let failures: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
        assert_eq!(failures, ["signingCredential.untrusted"], "{name}");
        assert_eq!(report.policy, TrainingPolicy::deny_all(), "{name}");
        assert_eq!(report.policy_label.as_deref(), Some("cawg.training-mining"));
        assert_eq!(
            report.claim_generator.as_deref(),
            Some(concat!("hallmark/", env!("CARGO_PKG_VERSION")))
        );
        assert_eq!(report.format, format.mime_type(), "{name}");
        let created = &report.actions[0];
        assert_eq!(created.action, "c2pa.created");
        assert_eq!(
            created.digital_source_type.as_deref(),
            Some("http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation")
        );
        let signer = report.signer.as_ref().unwrap();
        assert_eq!(signer.common_name.as_deref(), Some("Test Creator"));
        assert_eq!(signer.issuer.as_deref(), Some("hallmark local CA"));
        assert_eq!(signer.alg.as_deref(), Some("ed25519"));
        for kind in Kind::ALL {
            assert_eq!(report.may_use(kind), Answer::NotAllowed);
        }

        let report = trusting()
            .verify_bytes(&name, Some(format), &signed)
            .unwrap();
        assert_eq!(
            report.state,
            State::Trusted,
            "{name}: {:#?}",
            report.statuses
        );
        assert_eq!(report.failures().count(), 0, "{name}");
        assert!(report.has_status("signingCredential.trusted"), "{name}");
    }
}

#[test]
fn unsigned_samples_have_no_credentials() {
    for (path, format) in samples().into_iter().filter(|(_, f)| f.can_verify()) {
        let report = untrusting().verify_file(&path).unwrap();
        assert_eq!(report.state, State::None, "{}", path.display());
        assert_eq!(report.format, format.mime_type());
        assert_eq!(report.may_use(Kind::AiTraining), Answer::Unknown);
    }
}

#[test]
fn pdf_and_aiff_are_refused_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = media_dir().join("sample.pdf");
    let err = sign_file(
        &credentials(),
        &pdf,
        &dir.path().join("out.pdf"),
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap_err();
    assert!(matches!(err, Error::CannotSignFormat { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("reads PDF credentials but cannot write them"),
        "{err}"
    );

    let aiff = media_dir().join("sample.aif");
    let err = untrusting().verify_file(&aiff).unwrap_err();
    assert!(err.to_string().contains("has no AIFF handler"), "{err}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn sign_file_writes_a_new_file_and_never_clobbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = media_dir().join("sample.jpg");
    let before = std::fs::read(&input).unwrap();
    let output = dir.path().join("signed.jpg");
    let signed = sign_file(
        &credentials(),
        &input,
        &output,
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap();
    assert_eq!(signed.format, MediaFormat::Jpeg);
    assert!(!signed.kept_parent);
    assert_eq!(std::fs::read(&input).unwrap(), before, "input untouched");
    let report = untrusting().verify_file(&output).unwrap();
    assert_eq!(report.state, State::Valid);
    assert_eq!(report.title.as_deref(), Some("sample.jpg"));

    let first = std::fs::read(&output).unwrap();
    let err = sign_file(
        &credentials(),
        &input,
        &output,
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap_err();
    assert!(matches!(err, Error::OutputExists { .. }), "{err}");
    assert_eq!(
        std::fs::read(&output).unwrap(),
        first,
        "existing output untouched"
    );

    let err = sign_file(
        &credentials(),
        &output,
        &output,
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap_err();
    assert!(matches!(err, Error::OutputIsInput { .. }), "{err}");

    let err = sign_file(
        &credentials(),
        &input,
        &dir.path().join("x.png"),
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("the output's name says PNG but"),
        "{err}"
    );
}

#[test]
fn signing_in_place_replaces_atomically_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("work.png");
    std::fs::copy(media_dir().join("sample.png"), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    sign_file(
        &credentials(),
        &path,
        &path,
        &SignOptions::default(),
        Overwrite::Replace,
    )
    .unwrap();
    assert_eq!(untrusting().verify_file(&path).unwrap().state, State::Valid);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["work.png"], "no temporary file left behind");
}

#[test]
fn resigning_keeps_the_first_manifest_as_parent() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.png");
    let second = dir.path().join("second.png");
    sign_file(
        &credentials(),
        &media_dir().join("sample.png"),
        &first,
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap();
    let mut options = SignOptions::default();
    options.policy.set(Kind::AiInference, Use::Allowed);
    let signed = sign_file(&credentials(), &first, &second, &options, Overwrite::Never).unwrap();
    assert!(signed.kept_parent);
    let report = trusting().verify_file(&second).unwrap();
    assert_eq!(report.state, State::Trusted, "{:#?}", report.statuses);
    assert_eq!(report.manifest_count, 2);
    assert_eq!(report.actions[0].action, "c2pa.opened");
    assert_eq!(report.ingredients.len(), 1);
    assert_eq!(report.ingredients[0].relationship, "parentOf");
    assert!(report.ingredients[0].active_manifest.is_some());
    // The first manifest's "not allowed" stands: a manifest cannot allow
    // more than its parent (hallmark::chain), and the attempt is flagged.
    assert_eq!(report.policy.get(Kind::AiInference), &Use::Allowed);
    assert_eq!(report.may_use(Kind::AiInference), Answer::NotAllowed);
    let chain = report.chain.as_ref().unwrap();
    assert_eq!(chain.widening.len(), 1, "{chain:?}");
    assert_eq!(chain.widening[0].kind, "ai_inference");
    assert_eq!(report.may_use(Kind::AiTraining), Answer::NotAllowed);
}

#[test]
fn options_are_recorded() {
    let mut options = SignOptions {
        title: Some("Sunset over hills".into()),
        author: Some("Ada Lovelace".into()),
        source_type: "digitalCapture".parse().unwrap(),
        policy: TrainingPolicy::default(),
        soft_binding: true,
        iptc: true,
    };
    options.policy.set(Kind::AiTraining, Use::NotAllowed).set(
        Kind::DataMining,
        Use::Constrained(Some("research only, ask first".into())),
    );
    let signed = sign_bytes(&media_dir().join("sample.webp"), &options);
    let report = untrusting().verify_bytes("s.webp", None, &signed).unwrap();
    assert_eq!(report.title.as_deref(), Some("Sunset over hills"));
    assert_eq!(
        report.actions[0].digital_source_type.as_deref(),
        Some("http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture")
    );
    assert_eq!(report.may_use(Kind::DataMining), Answer::Constrained);
    assert_eq!(report.may_use(Kind::AiInference), Answer::Unspecified);
    assert_eq!(report.policy, options.policy);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["policy"]["data_mining"]["constraint_info"],
        "research only, ask first"
    );
    assert!(json["policy"]["ai_inference"].is_null());
}

#[test]
fn statuses_carry_codes_kinds_and_explanations() {
    let signed = sign_bytes(&media_dir().join("sample.gif"), &SignOptions::default());
    let report = untrusting().verify_bytes("s.gif", None, &signed).unwrap();
    let untrusted = report
        .statuses
        .iter()
        .find(|s| s.code == "signingCredential.untrusted")
        .unwrap();
    assert_eq!(untrusted.kind, StatusKind::Failure);
    assert!(untrusted.explanation.is_some());
    assert!(
        report
            .statuses
            .iter()
            .any(|s| s.code == "claimSignature.validated" && s.kind == StatusKind::Success)
    );
}

#[test]
fn truncated_inputs_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for (path, format) in signable_samples() {
        let bytes = std::fs::read(&path).unwrap();
        // Cutting an SVG's final newline harms nothing; cut its last character instead.
        let last = match format {
            MediaFormat::Svg => bytes
                .iter()
                .rposition(|b| !b.is_ascii_whitespace())
                .unwrap(),
            _ => bytes.len() - 1,
        };
        for keep in [bytes.len() / 2, last] {
            let name = format!("cut-{keep}.{}", format.extensions()[0]);
            let input = dir.path().join(&name);
            std::fs::write(&input, &bytes[..keep]).unwrap();
            let output = dir.path().join(format!("signed-{name}"));
            let err = sign_file(
                &credentials(),
                &input,
                &output,
                &SignOptions::default(),
                Overwrite::Never,
            )
            .expect_err(&format!(
                "{name} ({format}) cut to {keep} of {} bytes was signed",
                bytes.len()
            ));
            assert!(matches!(err, Error::DamagedMedia { .. }), "{name}: {err}");
            assert!(!output.exists());
        }
    }
}

#[test]
fn sidecar_manifests_leave_the_original_untouched_and_verify() {
    use hallmark::sign::{sidecar_path, sign_sidecar};
    let dir = tempfile::tempdir().unwrap();
    for name in ["sample.jpg", "sample.pdf", "sample.wav"] {
        // Sidecars drop the extension (photo.jpg -> photo.c2pa), so each sample gets its own folder.
        let folder = dir.path().join(name.replace('.', "-"));
        std::fs::create_dir(&folder).unwrap();
        let media = folder.join(name);
        std::fs::copy(media_dir().join(name), &media).unwrap();
        let before = std::fs::read(&media).unwrap();
        let sidecar = sidecar_path(&media);
        sign_sidecar(
            &credentials(),
            &media,
            &sidecar,
            &SignOptions::default(),
            Overwrite::Never,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(std::fs::read(&media).unwrap(), before, "{name} untouched");
        let report = trusting().verify_file(&media).unwrap();
        assert_eq!(
            report.state,
            State::Trusted,
            "{name}: {:#?}",
            report.statuses
        );
        assert_eq!(
            report.sidecar.as_deref(),
            Some(sidecar.display().to_string().as_str())
        );
        assert_eq!(report.policy, TrainingPolicy::deny_all());

        let err = sign_sidecar(
            &credentials(),
            &media,
            &sidecar,
            &SignOptions::default(),
            Overwrite::Never,
        )
        .unwrap_err();
        assert!(matches!(err, Error::OutputExists { .. }), "{err}");
    }
    // A sidecar next to the wrong file does not vouch for it.
    let other = dir.path().join("other.jpg");
    std::fs::copy(media_dir().join("sample.jpg"), &other).unwrap();
    let mut bytes = std::fs::read(&other).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&other, bytes).unwrap();
    std::fs::copy(
        dir.path().join("sample-jpg/sample.c2pa"),
        dir.path().join("other.c2pa"),
    )
    .unwrap();
    let report = trusting().verify_file(&other).unwrap();
    assert_eq!(report.state, State::Invalid);
    let failures: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
    assert_eq!(failures, ["assertion.dataHash.mismatch"]);
}

#[test]
fn a_sidecar_for_a_file_with_embedded_credentials_is_refused() {
    use hallmark::sign::{sidecar_path, sign_sidecar};
    let dir = tempfile::tempdir().unwrap();
    let signed = dir.path().join("signed.png");
    sign_file(
        &credentials(),
        &media_dir().join("sample.png"),
        &signed,
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap();
    let err = sign_sidecar(
        &credentials(),
        &signed,
        &sidecar_path(&signed),
        &SignOptions::default(),
        Overwrite::Never,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("already carries embedded Content Credentials"),
        "{err}"
    );
    assert!(!sidecar_path(&signed).exists());
}

#[test]
fn a_stream_is_titled_by_the_last_part_of_its_name() {
    let original = std::fs::read(media_dir().join("sample.png")).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    hallmark::sign::sign_stream(
        &credentials(),
        "uploads/2026/sunset.png",
        None,
        &mut std::io::Cursor::new(original),
        &mut out,
        &SignOptions::default(),
    )
    .unwrap();
    let report = untrusting()
        .verify_bytes("sunset.png", None, out.get_ref())
        .unwrap();
    assert_eq!(report.title.as_deref(), Some("sunset.png"));
}

#[test]
fn a_detached_store_verifies_apart_from_its_content_binding() {
    let signed = sign_bytes(&media_dir().join("sample.jpg"), &SignOptions::default());
    let store =
        c2pa::jumbf_io::load_jumbf_from_stream("image/jpeg", &mut std::io::Cursor::new(&signed))
            .unwrap();
    let report = trusting().verify_detached_store("store", &store).unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
    assert_eq!(report.state, State::Trusted, "{:?}", report.statuses);
    assert!(!report.soft_bindings.is_empty());
}

#[test]
fn the_soft_binding_value_is_a_cbor_byte_string() {
    use crate::hostile::support::{boxes, child, label};

    let signed = sign_bytes(&media_dir().join("sample.png"), &SignOptions::default());
    let store =
        c2pa::jumbf_io::load_jumbf_from_stream("image/png", &mut std::io::Cursor::new(&signed))
            .unwrap();
    // store (c2pa) > manifest > assertion store > c2pa.soft-binding > cbor box.
    let top = boxes(&store, 0..store.len())[0];
    assert_eq!(label(&store, &top).as_deref(), Some("c2pa"));
    let manifest = boxes(&store, top.payload())
        .into_iter()
        .find(|b| &b.kind == b"jumb")
        .unwrap();
    let assertions = child(&store, &manifest, "c2pa.assertions").unwrap();
    let binding = child(&store, &assertions, "c2pa.soft-binding").unwrap();
    let cbor = boxes(&store, binding.payload())
        .into_iter()
        .find(|b| &b.kind == b"cbor")
        .unwrap();
    let value: c2pa_cbor::Value = c2pa_cbor::from_slice(&store[cbor.payload()]).unwrap();
    let c2pa_cbor::Value::Map(map) = value else {
        panic!("the assertion is a CBOR map: {value:?}")
    };
    let get = |map: &std::collections::BTreeMap<c2pa_cbor::Value, c2pa_cbor::Value>, key: &str| {
        map.get(&c2pa_cbor::Value::Text(key.into()))
            .cloned()
            .unwrap()
    };
    assert_eq!(
        get(&map, "alg"),
        c2pa_cbor::Value::Text("io.iscc.v0".into())
    );
    assert_eq!(
        get(&map, "pad"),
        c2pa_cbor::Value::Bytes(Vec::new()),
        "pad is a byte string"
    );
    let c2pa_cbor::Value::Array(blocks) = get(&map, "blocks") else {
        panic!("blocks is an array")
    };
    let c2pa_cbor::Value::Map(block) = &blocks[0] else {
        panic!("a block is a map")
    };
    let c2pa_cbor::Value::Bytes(unit) = get(block, "value") else {
        panic!("the value is a CBOR byte string (major type 2): {block:?}")
    };
    assert_eq!(unit.len(), 34);
    assert_eq!(unit[..2], [0x21, 0x07], "a 256-bit ISCC Image-Code unit");
    let report = untrusting().verify_bytes("s.png", None, &signed).unwrap();
    assert_eq!(
        report.soft_bindings[0].value_bytes().unwrap(),
        unit,
        "the report shows the same value"
    );
}
