//! The repository's publish body (`POST /v1/manifests`): arbitrary bytes
//! turned into a repository entry. The first byte picks the content type:
//! 0xff a manifest store (`application/c2pa`), anything else a signed file
//! of one of the formats (any of them, or a format its content contradicts).
#![no_main]

use hallmark::MediaFormat;
use hallmark::fingerprint::Fingerprint;
use hallmark::repository::{ISCC_ALG, MAX_BINDINGS, MAX_MANIFEST_ID_BYTES, Upload, entry_for};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let formats = MediaFormat::ALL;
    let upload = match pick {
        0xff => Upload::Store(body),
        _ => Upload::Media {
            format: formats[usize::from(pick) % formats.len()],
            bytes: body,
        },
    };
    let verifier = hallmark_fuzz::verifier();
    let Ok(entry) = entry_for(verifier, "fuzz-upload", upload) else {
        return;
    };
    // An entry the repository will take: a manifest id it accepts, one to
    // MAX_BINDINGS ISCC bindings that parse as 256-bit Image-Code units.
    let id = &entry.manifest_id;
    assert!(
        !id.is_empty() && id.len() <= MAX_MANIFEST_ID_BYTES,
        "{id:?}"
    );
    assert!(!id.chars().any(char::is_control), "{id:?}");
    assert!(
        (1..=MAX_BINDINGS).contains(&entry.bindings.len()),
        "{} bindings",
        entry.bindings.len()
    );
    for binding in &entry.bindings {
        assert_eq!(binding.alg, ISCC_ALG);
        assert!(
            Fingerprint::from_unit_bytes(&binding.value).is_ok(),
            "binding value {:02x?}",
            binding.value
        );
    }
    // The stored manifest store is intact on its own, and is this manifest.
    let report = verifier
        .verify_detached_store("stored.c2pa", &entry.manifest_store)
        .unwrap_or_else(|e| panic!("the stored manifest store does not verify: {e}"));
    assert!(
        report.state.is_intact(),
        "stored store is {:?}",
        report.state
    );
    assert_eq!(report.active_manifest.as_ref(), Some(id));
});
