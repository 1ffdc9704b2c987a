//! What may be published: only an intact manifest (valid or trusted) that
//! records an ISCC soft binding, and, for an image sent with its manifest
//! embedded, one whose soft binding matches the image it came with.

use std::io::Cursor;

use time::OffsetDateTime;

use super::{Entry, SoftBinding, ValidationState};
use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::recover::MATCH_DISTANCE;
use crate::soft_binding::ISCC_ALGORITHM;
use crate::verify::{BARE_STORE_MEDIA_TYPE, Report, State, Verifier};

/// What a publisher sends: a signed file, or a manifest store on its own.
#[derive(Debug, Clone, Copy)]
pub enum Upload<'a> {
    /// A file with its manifest embedded, of this format.
    Media {
        /// The file's format, as declared (its content must agree).
        format: MediaFormat,
        /// The file.
        bytes: &'a [u8],
    },
    /// A manifest store (`application/c2pa`, a `.c2pa` file).
    Store(&'a [u8]),
}

/// The repository entry for `upload` (named `name` in errors), after
/// checking it with `verifier`: its credentials must be intact and record an
/// `io.iscc.v0` soft binding; an image's binding must match the image.
/// Anything else is [`Error::NotPublishable`] saying why.
pub fn entry_for(verifier: &Verifier, name: &str, upload: Upload<'_>) -> Result<Entry> {
    let (report, store) = match upload {
        Upload::Store(bytes) => (verifier.verify_detached_store(name, bytes)?, bytes.to_vec()),
        Upload::Media { format, bytes } => {
            let report = verifier.verify_bytes(name, Some(format), bytes)?;
            if report.state == State::None {
                return Err(refused(
                    name,
                    "it carries no embedded Content Credentials (publish its .c2pa sidecar instead)",
                ));
            }
            let store = c2pa::jumbf_io::load_jumbf_from_stream(
                report_format(&report, format),
                &mut Cursor::new(bytes),
            )
            .map_err(|_| refused(name, "its manifest store cannot be taken out of the file"))?;
            (report, store)
        }
    };
    if !report.state.is_intact() {
        let failures: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
        return Err(refused(
            name,
            &format!(
                "its credentials are {} ({}); only intact credentials are published",
                report.state.as_str(),
                failures.join(", ")
            ),
        ));
    }
    let bindings: Vec<SoftBinding> = report
        .soft_bindings
        .iter()
        .filter(|b| b.alg == ISCC_ALGORITHM)
        .filter_map(|b| {
            Some(SoftBinding {
                alg: b.alg.clone(),
                value: b.value_bytes()?,
            })
        })
        .collect();
    if bindings.is_empty() {
        return Err(refused(
            name,
            "its manifest records no io.iscc.v0 soft binding (sign it with `hallmark sign`, \
             without --no-soft-binding)",
        ));
    }
    if let Upload::Media { format, bytes } = upload {
        check_binding_matches(name, format, bytes, &bindings)?;
    }
    let manifest_id = report
        .active_manifest
        .clone()
        .ok_or_else(|| refused(name, "its manifest store has no active manifest"))?;
    let validation = match report.state {
        State::Trusted => ValidationState::Trusted,
        _ => ValidationState::Valid,
    };
    Ok(Entry {
        manifest_id,
        manifest_store: store,
        bindings,
        signer: report
            .signer
            .as_ref()
            .and_then(|s| s.common_name.clone().or_else(|| s.organization.clone())),
        signer_certificate: report
            .signer
            .as_ref()
            .and_then(|s| s.certificate_sha256.clone()),
        validation,
        published_at: OffsetDateTime::now_utc(),
    })
}

/// The media type under which the file's store is taken out.
fn report_format(report: &Report, declared: MediaFormat) -> &str {
    match report.format.as_str() {
        BARE_STORE_MEDIA_TYPE | "" => declared.mime_type(),
        format => format,
    }
}

/// An image's soft binding must be its own: the fingerprint of the pixels it
/// came with within [`MATCH_DISTANCE`] of the signed value, so a manifest
/// cannot be published to claim another image.
fn check_binding_matches(
    name: &str,
    format: MediaFormat,
    bytes: &[u8],
    bindings: &[SoftBinding],
) -> Result<()> {
    if format.fingerprint_refusal().is_some() {
        return Ok(());
    }
    let fingerprint = crate::fingerprint::Fingerprint::of_bytes(name, bytes)?;
    let ours = fingerprint.unit_bytes();
    let nearest = bindings
        .iter()
        .map(|b| {
            b.value
                .iter()
                .zip(ours.iter())
                .skip(2)
                .map(|(a, b)| (a ^ b).count_ones())
                .sum::<u32>()
        })
        .min()
        .unwrap_or(u32::MAX);
    if nearest > MATCH_DISTANCE {
        return Err(refused(
            name,
            &format!(
                "its soft binding does not match its image ({nearest} bits from the image's \
                 fingerprint; at most {MATCH_DISTANCE} are accepted)"
            ),
        ));
    }
    Ok(())
}

fn refused(name: &str, reason: &str) -> Error {
    Error::NotPublishable {
        file: name.to_owned(),
        reason: reason.to_owned(),
    }
}
