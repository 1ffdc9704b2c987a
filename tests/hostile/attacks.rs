//! Attacks on verification, each a named test with the exact outcome
//! expected: a tampered or foreign file never verifies, a "do not train"
//! file never reads as "allowed", hostile bytes never exhaust memory.

use std::time::Duration;

use super::support::*;
use hallmark::credentials::{Identity, SigningCredentials, Validity, issue};
use hallmark::sign::SignOptions;
use hallmark::{Answer, Kind, MediaFormat, State, TrainingPolicy, TrustAnchors, Use, Verifier};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use hallmark_test_support::library::*;
use hallmark_test_support::paths::*;

/// The most heap a single verification of a small hostile file may take.
const HEAP_BOUND: usize = 64 << 20;

fn allow_all() -> TrainingPolicy {
    let mut policy = TrainingPolicy::default();
    for kind in Kind::ALL {
        policy.set(kind, Use::Allowed);
    }
    policy
}

fn sample(name: &str) -> std::path::PathBuf {
    media_dir().join(name)
}

fn failure_codes(report: &hallmark::Report) -> Vec<String> {
    let mut codes: Vec<String> = report.failures().map(|s| s.code.clone()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Broken credentials answer nothing themselves; what still answers (the
/// IPTC statement hallmark mirrored into the file's XMP, unsigned) can only
/// restrict. Never "allowed".
fn assert_never_allowed(report: &hallmark::Report) {
    for kind in Kind::ALL {
        let (answer, basis) = report.decide(kind);
        assert!(
            matches!(answer, Answer::Unknown | Answer::NotAllowed),
            "{kind:?}: {answer:?} on {basis:?}"
        );
        assert_ne!(basis, hallmark::verify::Basis::Credentials, "{kind:?}");
    }
}

#[test]
fn manifest_transplanted_into_another_file_is_invalid() {
    // JPEG: the signed file's APP11 segments moved into a different picture,
    // at the same place, so only the picture differs.
    let signed = sign_bytes(&sample("sample.jpg"), &SignOptions::default());
    let (_, at) = jpeg_without_app11(&signed);
    let at = at.expect("the signed JPEG has APP11 segments");
    let mut other = std::fs::read(sample("sample.jpg")).unwrap();
    let scan = other.len() - 20;
    other[scan] ^= 0x55; // a different picture
    let (other, _) = jpeg_without_app11(&other);
    let mut transplanted = other[..at].to_vec();
    transplanted.extend_from_slice(&jpeg_app11(&signed));
    transplanted.extend_from_slice(&other[at..]);
    let report = trusting()
        .verify_bytes("transplant.jpg", Some(MediaFormat::Jpeg), &transplanted)
        .unwrap();
    assert_eq!(report.state, State::Invalid);
    assert_eq!(failure_codes(&report), ["assertion.dataHash.mismatch"]);
    assert_never_allowed(&report);

    // PNG: the caBX chunk of one signed file given to another.
    let signed = sign_bytes(&sample("sample.png"), &SignOptions::default());
    let mut other = signed.clone();
    let idat = png_chunks(&other)
        .into_iter()
        .find(|c| &c.kind == b"IDAT")
        .unwrap();
    other[idat.data.start + 3] ^= 0x01;
    let report = trusting()
        .verify_bytes("transplant.png", Some(MediaFormat::Png), &other)
        .unwrap();
    assert_eq!(report.state, State::Invalid);
    assert_eq!(failure_codes(&report), ["assertion.dataHash.mismatch"]);
    assert_never_allowed(&report);
}

/// The training-mining assertion box inside a PNG's manifest store, and the
/// active manifest's claim box.
fn policy_and_claim(store: &[u8]) -> (Jbox, Jbox) {
    let root = boxes(store, 0..store.len())[0];
    let manifest = *children_starting(store, &root, "urn:")
        .last()
        .expect("a manifest");
    let assertions = child(store, &manifest, "c2pa.assertions").expect("assertions");
    let policy = child(store, &assertions, "cawg.training-mining").expect("the policy assertion");
    let claim = children_starting(store, &manifest, "c2pa.claim")
        .pop()
        .expect("a claim");
    (policy, claim)
}

#[test]
fn policy_swapped_for_allowed_with_hashes_recomputed_fails_the_signature() {
    let signed = sign_bytes(&sample("sample.png"), &SignOptions::default());
    let mut store = png_store(&signed);
    let (policy, claim) = policy_and_claim(&store);
    // The claim refers to the assertion by the SHA-256 of its box content
    // (everything after the superbox header): find that hash in the claim.
    let old_hash = Sha256::digest(&store[policy.payload()]);
    let hash_at = claim.start
        + find_bytes(&store[claim.start..claim.end], &old_hash)
            .expect("the claim holds the assertion's hash");

    // {"use": "notAllowed"} becomes {"use": "allowed", "x": ""}: the same
    // 16 bytes of CBOR, so no length anywhere changes.
    let not_allowed = b"\xa1\x63use\x6anotAllowed";
    let allowed = b"\xa2\x63use\x67allowed\x61x\x60";
    let mut swapped = 0;
    while let Some(at) = find_bytes(&store[policy.start..policy.end], not_allowed) {
        store[policy.start + at..policy.start + at + 16].copy_from_slice(allowed);
        swapped += 1;
    }
    assert_eq!(swapped, 4, "one entry per kind");
    let new_hash = Sha256::digest(&store[policy.payload()]);
    store[hash_at..hash_at + 32].copy_from_slice(&new_hash);

    let forged = png_with_store(&signed, &store);
    let report = trusting()
        .verify_bytes("forged.png", Some(MediaFormat::Png), &forged)
        .unwrap();
    assert_eq!(report.state, State::Invalid);
    assert_eq!(failure_codes(&report), ["claimSignature.mismatch"]);
    // The forged words are shown as written, but never answer.
    assert_eq!(report.policy, allow_all());
    assert_never_allowed(&report);
}

#[test]
fn a_second_manifest_claiming_allowed_is_invalid() {
    let denied = sign_bytes(&sample("sample.png"), &SignOptions::default());
    let allowed = sign_bytes(
        &sample("sample.png"),
        &SignOptions {
            policy: allow_all(),
            ..SignOptions::default()
        },
    );
    // The "allowed" manifest, signed by the same creator over the same
    // picture, appended to the "not allowed" file's store, where it becomes
    // the active (last) manifest.
    let mut store = png_store(&denied);
    let other = png_store(&allowed);
    let other_root = boxes(&other, 0..other.len())[0];
    let extra = *children_starting(&other, &other_root, "urn:")
        .last()
        .unwrap();
    store.extend_from_slice(&other[extra.start..extra.end]);
    let len = store.len();
    set_box_size(&mut store, 0, len);
    let forged = png_with_store(&denied, &store);

    let report = trusting()
        .verify_bytes("forged.png", Some(MediaFormat::Png), &forged)
        .unwrap();
    assert_eq!(report.manifest_count, 2);
    assert_eq!(
        report.policy,
        allow_all(),
        "the appended manifest is the active one"
    );
    assert_eq!(report.state, State::Invalid);
    assert_eq!(failure_codes(&report), ["assertion.dataHash.mismatch"]);
    assert_never_allowed(&report);
}

fn issued_with(
    identity: &Identity,
    validity: Validity,
) -> hallmark::credentials::IssuedCredentials {
    issue(identity, validity).unwrap()
}

#[test]
fn a_signer_certificate_that_has_expired_is_refused_and_invalid() {
    let lapsed = issued_with(
        &Identity::named("Lapsed Creator"),
        Validity {
            not_before: OffsetDateTime::now_utc() - time::Duration::days(3 * 365),
            ca_lifetime: time::Duration::days(20 * 365),
            signer_lifetime: time::Duration::days(365),
        },
    );
    // hallmark will not sign with an expired certificate, and neither will
    // the C2PA engine …
    let key_pem = ed25519_dalek::pkcs8::EncodePrivateKey::to_pkcs8_pem(
        &lapsed.signer_key,
        Default::default(),
    )
    .unwrap();
    let Err(err) =
        SigningCredentials::from_pem("chain.pem", &lapsed.chain_pem, "signer.key", &key_pem, None)
    else {
        panic!("refused");
    };
    assert!(err.to_string().contains("expired"), "{err}");
    let signer = RawSigner {
        key: lapsed.signer_key.clone(),
        chain_der: pem_to_der(&lapsed.chain_pem),
    };
    let media = std::fs::read(sample("sample.jpg")).unwrap();
    assert!(raw_sign(&signer, "image/jpeg", &media, &allow_all()).is_err());

    // … so the file is signed in the last seconds of a certificate's life and
    // verified after it ended. Without a time-stamp authority's token the
    // signing time is only the signer's word, so validity is judged now.
    let brief = issued_with(
        &Identity::named("Brief Creator"),
        Validity {
            not_before: OffsetDateTime::now_utc() - time::Duration::hours(1),
            ca_lifetime: time::Duration::days(365),
            signer_lifetime: time::Duration::hours(1) + time::Duration::seconds(4),
        },
    );
    let signer = RawSigner {
        key: brief.signer_key.clone(),
        chain_der: pem_to_der(&brief.chain_pem),
    };
    let file = raw_sign(&signer, "image/jpeg", &media, &allow_all()).unwrap();
    let verifier =
        Verifier::new(&TrustAnchors::from_pem("ca.pem", &brief.ca_certificate_pem).unwrap())
            .unwrap();
    let fresh = verifier.verify_bytes("brief.jpg", None, &file).unwrap();
    assert_eq!(fresh.state, State::Trusted, "{:?}", fresh.statuses);
    std::thread::sleep(Duration::from_secs(6));
    let report = verifier.verify_bytes("brief.jpg", None, &file).unwrap();
    assert_eq!(report.state, State::Invalid);
    assert_eq!(failure_codes(&report), ["signingCredential.expired"]);
    assert_never_allowed(&report);
}

#[test]
fn a_chain_to_an_unrelated_ca_is_never_trusted() {
    let signed = sign_bytes(&sample("sample.jpg"), &SignOptions::default());
    let stranger = issued_with(&Identity::named("Someone Else"), Validity::default());
    let anchors = TrustAnchors::from_pem("other-ca.pem", &stranger.ca_certificate_pem).unwrap();
    let report = Verifier::new(&anchors)
        .unwrap()
        .verify_bytes("photo.jpg", None, &signed)
        .unwrap();
    assert_eq!(report.state, State::Valid);
    assert_eq!(failure_codes(&report), ["signingCredential.untrusted"]);
    // The signer's own words still answer, as those of an unvouched-for signer.
    assert_eq!(report.may_use(Kind::AiTraining), Answer::NotAllowed);
}

#[test]
fn a_ca_certificate_used_as_signer_is_refused_and_invalid() {
    let issued = issued();
    let Err(err) = SigningCredentials::from_pem(
        "ca.pem",
        &issued.ca_certificate_pem,
        "ca.key",
        &ed25519_dalek::pkcs8::EncodePrivateKey::to_pkcs8_pem(&issued.ca_key, Default::default())
            .unwrap(),
        None,
    ) else {
        panic!("refused");
    };
    assert!(err.to_string().contains("CA"), "{err}");

    let signer = RawSigner {
        key: issued.ca_key.clone(),
        chain_der: pem_to_der(&issued.ca_certificate_pem),
    };
    let media = std::fs::read(sample("sample.jpg")).unwrap();
    // The C2PA engine refuses to put a CA's self-signed certificate in a
    // signature at all, so no tool built on it can make such a file.
    let Err(err) = raw_sign(&signer, "image/jpeg", &media, &allow_all()) else {
        panic!("the engine refuses");
    };
    assert_eq!(err.to_string(), "the certificate was self-signed");
}

#[test]
fn oversized_jumbf_and_huge_declared_lengths_stay_within_a_memory_bound() {
    let signed_png = sign_bytes(&sample("sample.png"), &SignOptions::default());
    let signed_jpg = sign_bytes(&sample("sample.jpg"), &SignOptions::default());
    let signed_mp4 = sign_bytes(&sample("sample.mp4"), &SignOptions::default());
    let signed_wav = sign_bytes(&sample("sample.wav"), &SignOptions::default());
    let mut cases: Vec<(String, MediaFormat, Vec<u8>)> = Vec::new();

    // The store's own box claims 4 GiB, or 2^62 bytes through an extended length.
    for (what, lbox) in [("4 GiB box", 0xFFFF_FFF0u32), ("extended length", 1)] {
        let mut store = png_store(&signed_png);
        store[0..4].copy_from_slice(&lbox.to_be_bytes());
        if lbox == 1 {
            store.splice(8..8, (1u64 << 62).to_be_bytes());
        }
        cases.push((
            format!("PNG, {what}"),
            MediaFormat::Png,
            png_with_store(&signed_png, &store),
        ));
    }
    // A PNG chunk that declares 2 GiB of data.
    let mut png = signed_png.clone();
    let cabx = png_chunks(&png)
        .into_iter()
        .find(|c| &c.kind == b"caBX")
        .unwrap();
    png[cabx.start..cabx.start + 4].copy_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
    cases.push(("PNG chunk of 2 GiB".into(), MediaFormat::Png, png));
    // JPEG APP11: the JUMBF box inside claims 4 GiB.
    let mut jpg = signed_jpg.clone();
    let (at, _, _) = jpeg_segments(&jpg)
        .into_iter()
        .find(|s| s.1 == 0xEB)
        .unwrap();
    // Segment: marker(2) length(2) "JP"(2) instance(2) sequence(4), then the box header.
    jpg[at + 12..at + 16].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    cases.push(("JPEG APP11 box of 4 GiB".into(), MediaFormat::Jpeg, jpg));
    // MP4: the top-level boxes claim 2^40 bytes each, one at a time.
    for (i, b) in boxes(&signed_mp4, 0..signed_mp4.len())
        .into_iter()
        .enumerate()
    {
        let mut mp4 = signed_mp4.clone();
        mp4[b.start..b.start + 4].copy_from_slice(&1u32.to_be_bytes());
        mp4.splice(b.start + 8..b.start + 8, (1u64 << 40).to_be_bytes());
        cases.push((
            format!(
                "MP4 box {i} ({}) of 2^40 bytes",
                String::from_utf8_lossy(&b.kind)
            ),
            MediaFormat::Mp4,
            mp4,
        ));
    }
    // WAV: the RIFF size and the C2PA chunk's size claim 4 GiB.
    let mut wav = signed_wav.clone();
    wav[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    cases.push(("WAV RIFF size of 4 GiB".into(), MediaFormat::Wav, wav));
    let mut wav = signed_wav.clone();
    let c2pa = find_bytes(&wav, b"C2PA").expect("a C2PA chunk");
    wav[c2pa + 4..c2pa + 8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    cases.push(("WAV C2PA chunk of 4 GiB".into(), MediaFormat::Wav, wav));

    let verifier = trusting();
    for (what, format, bytes) in cases {
        let (result, peak) = peak_heap(|| verifier.verify_bytes("hostile", Some(format), &bytes));
        assert!(peak < HEAP_BOUND, "{what}: {} MiB of heap", peak >> 20);
        // A length outside the signed claim may be damaged without harm (the
        // engine reads the boxes inside it); what was signed must not change.
        if let Ok(report) = result
            && report.state.is_intact()
        {
            assert_eq!(report.policy, TrainingPolicy::deny_all(), "{what}");
        }
    }
}

#[test]
fn a_cbor_string_declaring_gigabytes_is_refused_before_it_is_decoded() {
    // The policy's "notAllowed" (a CBOR text of 10 bytes) becomes a text
    // that declares 2 GiB, in the same 11 bytes. The C2PA engine's decoder
    // would allocate and zero all of it before finding the bytes missing.
    let signed = sign_bytes(&sample("sample.png"), &SignOptions::default());
    let mut store = png_store(&signed);
    let (policy, _) = policy_and_claim(&store);
    let at =
        policy.start + find_bytes(&store[policy.start..policy.end], b"\x6anotAllowed").unwrap();
    store[at..at + 5].copy_from_slice(b"\x7a\x80\0\0\0");
    let hostile = png_with_store(&signed, &store);

    let verifier = trusting();
    let (result, peak) =
        peak_heap(|| verifier.verify_bytes("hostile.png", Some(MediaFormat::Png), &hostile));
    assert!(peak < HEAP_BOUND, "{} MiB of heap", peak >> 20);
    let Err(err) = result else {
        panic!("refused");
    };
    assert_eq!(
        err.to_string(),
        "hostile.png: its Content Credentials cannot be read: the manifest store is damaged: \
         a string in its CBOR declares 2147483648 bytes but only 106 bytes follow"
    );
}

#[test]
fn deeply_nested_ingredients_verify_without_overflow() {
    const DEPTH: usize = 24;
    let mut file = std::fs::read(sample("sample.png")).unwrap();
    for _ in 0..DEPTH {
        let mut out = std::io::Cursor::new(Vec::new());
        hallmark::sign::sign_stream(
            &credentials(),
            "nested.png",
            Some(MediaFormat::Png),
            &mut std::io::Cursor::new(&file),
            &mut out,
            &SignOptions::default(),
        )
        .unwrap();
        file = out.into_inner();
    }
    let verifier = trusting();
    let Outcome::Done(report, took) = within(Duration::from_secs(60), move || {
        verifier.verify_bytes("nested.png", None, &file)
    }) else {
        panic!("verification finishes");
    };
    let report = report.unwrap();
    assert_eq!(report.state, State::Trusted, "{:?}", report.statuses);
    assert_eq!(report.manifest_count, DEPTH);
    assert_eq!(report.ingredients.len(), 1);
    assert!(took < Duration::from_secs(30), "{took:?}");
}

/// A PNG that decodes to `side` × `side` grey pixels but compresses to a few KiB.
fn png_bomb(side: u32) -> Vec<u8> {
    use std::io::Write;
    let row = side as usize + 1; // filter byte + one byte per pixel
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; row];
    for _ in 0..side {
        z.write_all(&zeros).unwrap();
    }
    let idat = z.finish().unwrap();
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut digest = crc.digest();
        digest.update(kind);
        digest.update(data);
        out.extend_from_slice(&digest.finalize().to_be_bytes());
        out
    };
    let mut ihdr = side.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &idat));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn a_thumbnail_decompression_bomb_is_never_decoded() {
    // 20,000 × 20,000 pixels: 400 MB decoded, a few hundred KiB on disk.
    let bomb = png_bomb(20_000);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let issued = issued();
    let signer = RawSigner {
        key: issued.signer_key.clone(),
        chain_der: pem_to_der(&issued.chain_pem),
    };
    let media = std::fs::read(sample("sample.jpg")).unwrap();
    let mut builder = raw_builder("image/jpeg", &TrainingPolicy::deny_all()).unwrap();
    builder
        .set_thumbnail("image/png", &mut std::io::Cursor::new(&bomb))
        .unwrap();
    let mut file = std::io::Cursor::new(Vec::new());
    builder
        .sign(
            &signer,
            "image/jpeg",
            &mut std::io::Cursor::new(&media),
            &mut file,
        )
        .unwrap();
    let file = file.into_inner();

    let verifier = trusting();
    let (report, peak) = peak_heap(|| verifier.verify_bytes("bomb.jpg", None, &file));
    let report = report.unwrap();
    assert_eq!(report.state, State::Trusted, "{:?}", report.statuses);
    assert_eq!(report.may_use(Kind::AiTraining), Answer::NotAllowed);
    assert!(peak < HEAP_BOUND, "{} MiB of heap", peak >> 20);
}

#[test]
fn a_sidecar_that_belongs_to_another_file_is_invalid() {
    use hallmark::sign::{sidecar_path, sign_sidecar};
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.png");
    let theirs = dir.path().join("theirs.png");
    std::fs::copy(sample("sample.png"), &mine).unwrap();
    let mut other = std::fs::read(sample("sample.png")).unwrap();
    let idat = png_chunks(&other)
        .into_iter()
        .find(|c| &c.kind == b"IDAT")
        .unwrap();
    other[idat.data.start + 3] ^= 0x01;
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let mut digest = crc.digest();
    digest.update(b"IDAT");
    digest.update(&other[idat.data.clone()]);
    other[idat.data.end..idat.data.end + 4].copy_from_slice(&digest.finalize().to_be_bytes());
    std::fs::write(&theirs, &other).unwrap();

    sign_sidecar(
        &credentials(),
        &mine,
        &sidecar_path(&mine),
        &SignOptions::default(),
        hallmark::Overwrite::Never,
    )
    .unwrap();
    assert_eq!(trusting().verify_file(&mine).unwrap().state, State::Trusted);
    std::fs::copy(sidecar_path(&mine), sidecar_path(&theirs)).unwrap();

    let report = trusting().verify_file(&theirs).unwrap();
    assert_eq!(
        report.sidecar.as_deref(),
        Some(sidecar_path(&theirs).display().to_string().as_str())
    );
    assert_eq!(report.state, State::Invalid);
    assert_eq!(failure_codes(&report), ["assertion.dataHash.mismatch"]);
    assert_never_allowed(&report);
}

/// Found by fuzzing (`fingerprint_decode`): a 2 KiB WebP whose `XMP ` chunk
/// declares 2.8 GB. The WebP decoder allocates a metadata chunk's declared
/// size before reading it and is given no memory limit, so reading the
/// orientation allocated 2.8 GB. hallmark now reads no metadata that does
/// not fit in the file.
#[test]
fn a_webp_declaring_a_huge_metadata_chunk_is_fingerprinted_without_allocating_it() {
    use hallmark::fingerprint::Fingerprint;
    let name = "fuzz-webp-xmp-chunk-of-2.8-gigabytes.webp";
    let bytes = std::fs::read(media_dir().join("../hostile").join(name)).unwrap();
    let (result, peak) = peak_heap(|| Fingerprint::of_bytes(name, &bytes));
    assert!(peak < HEAP_BOUND, "{} MiB of heap", peak >> 20);
    // Its pixels do not decode either (the canvas and the VP8 frame disagree).
    let err = result.unwrap_err().to_string();
    assert!(err.starts_with(&format!("{name}: ")), "{err}");
}
