//! Renditions that keep the chain: a platform signs the image its pipeline
//! made (resized, re-encoded) with the creator's original as its `parentOf`
//! ingredient, the original's manifest store carried inside, so that every
//! rendition it serves still says what the creator said.
//!
//! The new manifest records `c2pa.opened` (pointing at the original) and
//! the rendition's action (`c2pa.transcoded` by default), copies the
//! original's effective policy ([`crate::chain`]) so that tools reading only
//! the active manifest see it — tightened where asked, never loosened — and
//! has the IPTC mirror and a fresh soft binding of the rendition's pixels.
//!
//! Refused, with nothing written: an original without credentials, or with
//! credentials that do not hold up (an untrusted signer is fine); a
//! rendition of a kind hallmark does not sign; bytes that are not the media
//! type claimed for them.

use std::io::{Read, Seek, Write};
use std::path::Path;

use super::manifest::{Derivation, Placement};
use super::{
    SignOptions, Signed, Signer, SigningCredentials, identify, open_identified, refuse_existing,
    run, stream_job,
};
use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::output::{Overwrite, PendingOutput};
use crate::policy::{Kind, TrainingPolicy, Use};
use crate::verify::{State, Verifier};

/// The action recorded after `c2pa.opened` unless told otherwise.
pub const DEFAULT_ACTION: &str = "c2pa.transcoded";

/// Largest original read into memory, in bytes.
pub const MAX_ORIGINAL_BYTES: u64 = 512 * 1024 * 1024;

/// How a rendition is derived. Start from [`DeriveOptions::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeriveOptions {
    /// The action after `c2pa.opened`: `c2pa.transcoded` unless given
    /// (`c2pa.resized`, `c2pa.cropped`, `c2pa.edited`, …).
    pub action: String,
    /// Kinds of use to make "not allowed" in the rendition, whatever the
    /// original allows. Nothing can be loosened.
    pub restrict: Vec<Kind>,
    /// The rendition's title (default: its file name).
    pub title: Option<String>,
    /// Mirror the policy into the rendition's IPTC metadata.
    pub iptc: bool,
    /// Record the rendition's fingerprint as a soft binding.
    pub soft_binding: bool,
}

impl Default for DeriveOptions {
    /// `c2pa.transcoded`, nothing restricted further, the IPTC mirror and
    /// the soft binding.
    fn default() -> Self {
        DeriveOptions {
            action: DEFAULT_ACTION.to_owned(),
            restrict: Vec::new(),
            title: None,
            iptc: true,
            soft_binding: true,
        }
    }
}

/// What deriving did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The signing of the rendition.
    pub signed: Signed,
    /// The original's active manifest, now the rendition's parent.
    pub original_manifest: String,
    /// The policy written into the rendition's manifest.
    pub policy: TrainingPolicy,
}

/// An original: its name (for errors and the ingredient's title), its bytes
/// and the media type claimed for them, if any.
#[derive(Debug, Clone, Copy)]
pub struct Original<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// The media type it is said to be; the bytes must agree.
    pub claimed: Option<MediaFormat>,
}

/// A rendition: its name (for errors, and its default title), the media
/// type claimed for it, and its bytes.
#[derive(Debug)]
pub struct Rendition<'a, R> {
    /// Its name.
    pub name: &'a str,
    /// The media type it is said to be; the bytes must agree.
    pub claimed: Option<MediaFormat>,
    /// Its bytes.
    pub input: &'a mut R,
}

/// An original checked once for many renditions: intact credentials, its
/// active manifest, and the policy its renditions get (its effective
/// policy, tightened as the [`DeriveOptions`] it was checked with ask).
#[derive(Debug, Clone)]
pub struct CheckedOriginal {
    name: String,
    bytes: Vec<u8>,
    format: MediaFormat,
    manifest: String,
    policy: TrainingPolicy,
}

impl CheckedOriginal {
    /// Check `original` with `verifier`; refused ([`Error::NotDerivable`])
    /// without intact credentials, [`Error::WrongFormat`] when its bytes are
    /// not the media type claimed.
    pub fn check(
        verifier: &Verifier,
        original: Original<'_>,
        options: &DeriveOptions,
    ) -> Result<Self> {
        let (format, manifest, policy) = checked_original(verifier, original, options)?;
        Ok(CheckedOriginal {
            name: original.name.to_owned(),
            bytes: original.bytes.to_vec(),
            format,
            manifest,
            policy,
        })
    }

    /// [`CheckedOriginal::check`] of the file at `path` (its name claims its format).
    pub fn from_file(verifier: &Verifier, path: &Path, options: &DeriveOptions) -> Result<Self> {
        let name = path.display().to_string();
        let length = crate::input::regular_file_len(path, &name)?;
        if length > MAX_ORIGINAL_BYTES {
            return Err(Error::TooLarge {
                file: name,
                detail: format!("an original of at most {MAX_ORIGINAL_BYTES} bytes is read"),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(&name, "cannot read", e))?;
        Self::check(
            verifier,
            Original {
                name: &name,
                bytes: &bytes,
                claimed: MediaFormat::from_path(path),
            },
            options,
        )
    }

    /// The original's active manifest (label).
    pub fn manifest(&self) -> &str {
        &self.manifest
    }

    /// The policy its renditions get.
    pub fn policy(&self) -> &TrainingPolicy {
        &self.policy
    }
}

/// Sign `rendition` into `output` with `credentials`, as derived from
/// `original`, which `verifier` must find intact. For many renditions of
/// one original, check it once ([`CheckedOriginal`]) and use
/// [`derive_checked`].
pub fn derive_stream<R, W>(
    credentials: &SigningCredentials,
    verifier: &Verifier,
    original: Original<'_>,
    rendition: Rendition<'_, R>,
    output: &mut W,
    options: &DeriveOptions,
) -> Result<Derived>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let checked = CheckedOriginal::check(verifier, original, options)?;
    derive_checked(credentials, &checked, rendition, output, options)
}

/// Sign `rendition` into `output` with `credentials`, as derived from the
/// checked `original`.
pub fn derive_checked<R, W>(
    credentials: &SigningCredentials,
    original: &CheckedOriginal,
    rendition: Rendition<'_, R>,
    output: &mut W,
    options: &DeriveOptions,
) -> Result<Derived>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let Rendition {
        name,
        claimed,
        input,
    } = rendition;
    let format = identify(name, claimed, input, Placement::Embedded)?;
    let sign_options = SignOptions {
        title: options.title.clone(),
        policy: original.policy.clone(),
        iptc: options.iptc,
        soft_binding: options.soft_binding,
        ..SignOptions::default()
    };
    let derivation = Derivation {
        name: &original.name,
        format: original.format,
        bytes: &original.bytes,
        action: &options.action,
    };
    let output_name = format!("{name} (signed rendition)");
    let mut job = stream_job(name, &output_name, format, &sign_options);
    job.derived_from = Some(&derivation);
    let (signed, _) = run(&job, &Signer::new(credentials), input, output)?;
    Ok(Derived {
        signed,
        original_manifest: original.manifest.clone(),
        policy: original.policy.clone(),
    })
}

/// [`derive_checked`] from files: the rendition `input` into a new file
/// `output` (written whole or not at all; an existing one only with
/// [`Overwrite::Replace`]).
pub fn derive_file(
    credentials: &SigningCredentials,
    original: &CheckedOriginal,
    input: &Path,
    output: &Path,
    options: &DeriveOptions,
    overwrite: Overwrite,
) -> Result<Derived> {
    refuse_existing(output, overwrite)?;
    let (name, mut reader, format) = open_identified(input, Placement::Embedded)?;
    let mut pending = PendingOutput::create(output)?;
    let derived = derive_checked(
        credentials,
        original,
        Rendition {
            name: &name,
            claimed: Some(format),
            input: &mut reader,
        },
        pending.file(),
        options,
    )?;
    pending.commit(overwrite)?;
    Ok(derived)
}

/// The original's format, active manifest and the policy the rendition
/// gets: its effective policy, tightened as `options` asks.
fn checked_original(
    verifier: &Verifier,
    original: Original<'_>,
    options: &DeriveOptions,
) -> Result<(MediaFormat, String, TrainingPolicy)> {
    let head = &original.bytes[..original.bytes.len().min(crate::format::SNIFF_LEN)];
    let format = MediaFormat::identify(original.name, original.claimed, head, true)?;
    let report = verifier.verify_bytes(original.name, Some(format), original.bytes)?;
    let refused = |reason: String| Error::NotDerivable {
        file: original.name.to_owned(),
        reason,
    };
    match report.state {
        State::None => {
            return Err(refused(
                "it carries no Content Credentials: a rendition keeps the chain of an original \
                 that has them"
                    .into(),
            ));
        }
        State::Invalid => {
            let failures: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
            return Err(refused(format!(
                "its Content Credentials do not hold up ({}): nothing in them can be carried on",
                failures.join(", ")
            )));
        }
        State::Valid | State::Trusted => {}
    }
    let manifest = report
        .active_manifest
        .clone()
        .ok_or_else(|| refused("its manifest store has no active manifest".into()))?;
    let mut policy = report
        .chain
        .as_ref()
        .map_or_else(|| report.policy.clone(), |chain| chain.effective.clone());
    for kind in &options.restrict {
        policy.set(*kind, Use::NotAllowed);
    }
    Ok((format, manifest, policy))
}
