//! The soft binding of a work being signed: its fingerprint, recorded in
//! the manifest as a `c2pa.soft-binding` assertion, or why there is none.

use std::io::{Read, Seek};

use crate::format::MediaFormat;
use crate::soft_binding::SoftBinding;

/// The largest image file read into memory to fingerprint it. Larger images
/// are signed without a soft binding (and say so).
#[cfg(feature = "fingerprint")]
const MAX_FINGERPRINT_BYTES: u64 = 512 * 1024 * 1024;

/// What became of a work's soft binding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SoftBindingOutcome {
    /// The fingerprint was computed and recorded in the manifest.
    Added(SoftBinding),
    /// The signer asked for none ([`super::SignOptions::soft_binding`] off).
    Off,
    /// The format gets no fingerprint; why, in words.
    NotFingerprinted(&'static str),
    /// The image could not be fingerprinted (the work is signed without a
    /// soft binding); why, in words.
    Failed(String),
}

impl SoftBindingOutcome {
    /// The binding recorded, if one was.
    pub fn added(&self) -> Option<&SoftBinding> {
        match self {
            SoftBindingOutcome::Added(binding) => Some(binding),
            _ => None,
        }
    }
}

/// The soft binding for `input`, a `format` file named `name`: the
/// fingerprint when `wanted` and the format gets one. Leaves `input` at its
/// start. Fingerprinting failures are an outcome, not an error: a work is
/// still signed without a soft binding.
pub(crate) fn for_input<R: Read + Seek>(
    name: &str,
    format: MediaFormat,
    wanted: bool,
    input: &mut R,
) -> std::io::Result<SoftBindingOutcome> {
    if !wanted {
        return Ok(SoftBindingOutcome::Off);
    }
    if let Some(reason) = format.fingerprint_refusal() {
        return Ok(SoftBindingOutcome::NotFingerprinted(reason));
    }
    fingerprint(name, input)
}

#[cfg(feature = "fingerprint")]
fn fingerprint<R: Read + Seek>(name: &str, input: &mut R) -> std::io::Result<SoftBindingOutcome> {
    use std::io::SeekFrom;

    use crate::fingerprint::{Fingerprint, SOFT_BINDING_ALGORITHM};

    input.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    input
        .by_ref()
        .take(MAX_FINGERPRINT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    input.seek(SeekFrom::Start(0))?;
    if bytes.len() as u64 > MAX_FINGERPRINT_BYTES {
        return Ok(SoftBindingOutcome::Failed(format!(
            "larger than the {} MiB hallmark fingerprints",
            MAX_FINGERPRINT_BYTES >> 20
        )));
    }
    Ok(match Fingerprint::of_bytes(name, &bytes) {
        Ok(fingerprint) => SoftBindingOutcome::Added(SoftBinding::new(
            SOFT_BINDING_ALGORITHM,
            &fingerprint.unit_bytes(),
        )),
        Err(error) => SoftBindingOutcome::Failed(crate::Error::from(error).to_string()),
    })
}

#[cfg(not(feature = "fingerprint"))]
fn fingerprint<R: Read + Seek>(_: &str, _: &mut R) -> std::io::Result<SoftBindingOutcome> {
    Ok(SoftBindingOutcome::NotFingerprinted(
        "this build of hallmark has no fingerprint support (the `fingerprint` feature)",
    ))
}
