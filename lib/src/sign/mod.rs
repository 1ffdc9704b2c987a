//! Signing media: embed a C2PA manifest with the creator's training policy.
//!
//! Every signed manifest holds
//! - a `c2pa.actions` assertion: `c2pa.created` with an IPTC digital source
//!   type for a work without credentials, or `c2pa.opened` on the parent
//!   ingredient for a work that already has them (its manifest is kept as
//!   the parent ingredient, so its history stays verifiable);
//! - the `cawg.training-mining` assertion with the creator's
//!   [`TrainingPolicy`] ([`TrainingPolicy::deny_all`] unless told otherwise);
//! - the title (the file name unless told otherwise), an optional author,
//!   and the claim generator `hallmark/<version>`.

mod binding;
pub mod deferred;
pub mod derive;
mod manifest;
mod mirror;
mod riff;
mod signer;
mod source_type;
mod watched;

use std::fs::File;
use std::io::{BufReader, Read, Seek, Write};
use std::path::Path;

pub use binding::SoftBindingOutcome;
pub use derive::{
    CheckedOriginal, DeriveOptions, Derived, Original, Rendition, derive_checked, derive_file,
    derive_stream,
};
pub use mirror::IptcOutcome;
pub use signer::Signer;
pub use source_type::{SourceType, UnknownSourceType};

use self::manifest::{Job, Placement};
use crate::credentials::SigningCredentials;
use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::format::read_head;
use crate::output::{Overwrite, PendingOutput};
use crate::policy::TrainingPolicy;
pub use crate::verify::sidecar_path;
use crate::xmp::Statement;

/// The name hallmark signs manifests with, as claim generator and software agent.
pub const GENERATOR_NAME: &str = "hallmark";

/// What to say in the manifest besides the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// The work's title; the input's file name when `None`.
    pub title: Option<String>,
    /// The author's name, recorded as a schema.org CreativeWork author.
    pub author: Option<String>,
    /// How the work was made (IPTC digital source type).
    pub source_type: SourceType,
    /// The training-and-data-mining policy.
    pub policy: TrainingPolicy,
    /// Whether to record the fingerprint of a still image as a soft binding
    /// (`c2pa.soft-binding`, algorithm `io.iscc.v0`), so that a repository
    /// can find the manifest again from a copy that lost it.
    pub soft_binding: bool,
    /// Whether to mirror the policy into the file's IPTC metadata (XMP
    /// `plus:DataMining`, with `plus:OtherConstraints` where needed) before
    /// signing, merged into any XMP the file has.
    pub iptc: bool,
}

impl Default for SignOptions {
    /// No title or author given, [`SourceType::default`], every use not
    /// allowed, and a soft binding for images.
    fn default() -> Self {
        SignOptions {
            title: None,
            author: None,
            source_type: SourceType::default(),
            policy: TrainingPolicy::deny_all(),
            soft_binding: true,
            iptc: true,
        }
    }
}

/// What signing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The media format signed.
    pub format: MediaFormat,
    /// Whether the input already carried credentials, now kept as the parent ingredient.
    pub kept_parent: bool,
    /// Size of the manifest store in bytes.
    pub manifest_bytes: usize,
    /// The soft binding recorded, or why there is none.
    pub soft_binding: SoftBindingOutcome,
    /// The IPTC mirror written, or why there is none.
    pub iptc: IptcOutcome,
}

/// What a job decided before signing: its soft binding and its IPTC mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The soft binding.
    pub(crate) soft_binding: SoftBindingOutcome,
    /// The IPTC mirror.
    pub(crate) iptc: IptcOutcome,
}

/// Sign the file `input` into a new file `output`.
///
/// The input is never modified. The output is written to a temporary file
/// in its folder, synced, and put in place only when complete; with
/// [`Overwrite::Never`] an existing output is an error and stays untouched.
/// `output` may equal `input` only with [`Overwrite::Replace`] (signing in
/// place); the original's permissions are then kept.
pub fn sign_file(
    credentials: &SigningCredentials,
    input: &Path,
    output: &Path,
    options: &SignOptions,
    overwrite: Overwrite,
) -> Result<Signed> {
    let out_name = output.display().to_string();
    let in_place = is_same_file(input, output);
    if in_place && overwrite == Overwrite::Never {
        return Err(Error::OutputIsInput { file: out_name });
    }
    refuse_existing(output, overwrite)?;
    let (name, mut reader, format) = open_identified(input, Placement::Embedded)?;
    if let Some(named) = MediaFormat::from_path(output)
        && !named.same_container(format)
    {
        return Err(Error::InvalidOption(format!(
            "{out_name}: the output's name says {named} but {name} is {} {format}; \
             give the output a .{} name",
            crate::error::article(format.name()),
            format.extensions()[0]
        )));
    }
    let job = file_job(
        (&name, &out_name),
        format,
        input,
        options,
        Placement::Embedded,
    );
    let mut pending = PendingOutput::create(output)?;
    let (signed, _) = run(&job, &Signer::new(credentials), &mut reader, pending.file())?;
    if in_place {
        pending.copy_permissions_from(input)?;
    }
    pending.commit(overwrite)?;
    Ok(signed)
}

/// Sign the file `input` with a sidecar manifest: the manifest store goes to
/// `sidecar` (by convention [`sidecar_path`]`(input)`, `NAME.c2pa`) and the
/// input is left exactly as it is.
///
/// This also works for formats hallmark cannot embed into, such as PDF. An
/// input that already carries embedded credentials is refused: sign it
/// embedded so they are kept as its history.
pub fn sign_sidecar(
    credentials: &SigningCredentials,
    input: &Path,
    sidecar: &Path,
    options: &SignOptions,
    overwrite: Overwrite,
) -> Result<Signed> {
    refuse_existing(sidecar, overwrite)?;
    let (name, mut reader, format) = open_identified(input, Placement::Sidecar)?;
    let scratch_name = format!("{name} (temporary copy)");
    let job = file_job(
        (&name, &scratch_name),
        format,
        input,
        options,
        Placement::Sidecar,
    );
    // The engine copies the media while hashing it; the copy is not needed.
    let mut scratch =
        tempfile::tempfile().map_err(|e| Error::io(&scratch_name, "cannot create", e))?;
    let (signed, store) = run(&job, &Signer::new(credentials), &mut reader, &mut scratch)?;
    let mut pending = PendingOutput::create(sidecar)?;
    pending
        .file()
        .write_all(&store)
        .map_err(|e| Error::io(sidecar.display().to_string(), "cannot write", e))?;
    pending.commit(overwrite)?;
    Ok(signed)
}

/// Sign a stream into another (manifest embedded). `name` labels the input
/// in errors, and its last path component is the default title
/// (`uploads/sunset.jpg` → `sunset.jpg`); `claimed` is the format the caller
/// believes the input is.
pub fn sign_stream<R, W>(
    credentials: &SigningCredentials,
    name: &str,
    claimed: Option<MediaFormat>,
    input: &mut R,
    output: &mut W,
    options: &SignOptions,
) -> Result<Signed>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let format = identify(name, claimed, input, Placement::Embedded)?;
    let output_name = format!("{name} (signed copy)");
    let job = stream_job(name, &output_name, format, options);
    run(&job, &Signer::new(credentials), input, output).map(|(signed, _)| signed)
}

/// [`sign_stream`] with a signer that signs asynchronously — a key the
/// caller holds elsewhere, such as a browser's non-extractable WebCrypto
/// key ([`deferred`] drives it a step at a time). The manifest is the same
/// as [`sign_stream`] makes, built by the same code; the engine writes every
/// format itself (no streaming path for WAV and AVI).
///
/// # Errors
/// As [`sign_stream`]; whatever the signer's `sign` fails with.
pub async fn sign_stream_async<R, W>(
    signer: &dyn c2pa::AsyncSigner,
    name: &str,
    claimed: Option<MediaFormat>,
    input: &mut R,
    output: &mut W,
    options: &SignOptions,
) -> Result<Signed>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let format = identify(name, claimed, input, Placement::Embedded)?;
    let output_name = format!("{name} (signed copy)");
    let job = stream_job(name, &output_name, format, options);
    let planned = plan(&job, input)?;
    let outcome = planned.outcome;
    let signed = match planned.statement {
        Some(statement) => {
            let mut mirrored = mirror::write(
                job.name,
                input,
                &statement,
                std::io::Cursor::new(Vec::new()),
            )?;
            job.sign_with_engine_async(
                signer,
                planned.kept_parent,
                outcome,
                Some(input),
                &mut mirrored,
                output,
            )
            .await?
        }
        None => {
            job.sign_with_engine_async(
                signer,
                planned.kept_parent,
                outcome,
                None::<&mut R>,
                input,
                output,
            )
            .await?
        }
    };
    Ok(signed.0)
}

/// The job for a stream named `name`: titled by the options, else by the
/// name's last path component (`uploads/sunset.jpg` → `sunset.jpg`).
fn stream_job<'a>(
    name: &'a str,
    output_name: &'a str,
    format: MediaFormat,
    options: &'a SignOptions,
) -> Job<'a> {
    Job {
        name,
        output_name,
        format,
        title: options.title.clone().or_else(|| {
            Path::new(name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .or_else(|| Some(name.to_owned()))
        }),
        options,
        placement: Placement::Embedded,
        derived_from: None,
    }
}

/// What a job decides before the engine signs, whatever the signer: whether
/// the input carries credentials to keep, its soft binding and IPTC mirror,
/// and the statement to write into a copy first, if any.
struct Plan {
    kept_parent: bool,
    outcome: Outcome,
    statement: Option<Statement>,
}

fn plan<R: Read + Seek + Send>(job: &Job<'_>, input: &mut R) -> Result<Plan> {
    let kept_parent = job.prepare(input)?;
    let soft_binding = binding::for_input(job.name, job.format, job.options.soft_binding, input)
        .map_err(|e| Error::io(job.name, "cannot read", e))?;
    let (statement, iptc) = mirror::plan(
        job.format,
        job.options.iptc,
        job.placement == Placement::Embedded,
        &job.options.policy,
    );
    Ok(Plan {
        kept_parent,
        outcome: Outcome { soft_binding, iptc },
        statement,
    })
}

/// Sign as `job` says, with `signer`: the IPTC mirror written into a copy
/// first where it applies; in one streaming pass for the RIFF files that
/// path handles, by the engine otherwise.
fn run<R, W>(
    job: &Job<'_>,
    signer: &Signer,
    input: &mut R,
    output: &mut W,
) -> Result<(Signed, Vec<u8>)>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let Plan {
        kept_parent,
        outcome,
        statement,
    } = plan(job, input)?;
    if let Some(statement) = statement {
        // The copy with the IPTC mirror is what gets signed; credentials the
        // input already carries are read from the input itself.
        let scratch = tempfile::tempfile()
            .map_err(|e| Error::io(format!("{} (temporary copy)", job.name), "cannot create", e))?;
        let mut mirrored = mirror::write(job.name, input, &statement, scratch)?;
        return job.sign_with_engine(
            signer,
            kept_parent,
            outcome,
            Some(input),
            &mut mirrored,
            output,
        );
    }
    if !kept_parent && job.placement == Placement::Embedded && riff::streams(job.format) {
        if let Some(done) = riff::sign(job, signer, &outcome, input, output)? {
            return Ok(done);
        }
        job.rewind(input)?;
    }
    job.sign_with_engine(signer, kept_parent, outcome, None::<&mut R>, input, output)
}

/// Open a file to sign and identify it: its name, a reader at its start, its format.
fn open_identified(
    input: &Path,
    placement: Placement,
) -> Result<(String, BufReader<File>, MediaFormat)> {
    let name = input.display().to_string();
    crate::input::regular_file_len(input, &name)?;
    let file = File::open(input).map_err(|e| Error::io(&name, "cannot read", e))?;
    let mut reader = BufReader::new(file);
    let format = identify(&name, MediaFormat::from_path(input), &mut reader, placement)?;
    Ok((name, reader, format))
}

/// The job for a file (`names`: the input's, then the output's): titled by
/// the options, else by the file's name.
fn file_job<'a>(
    (name, output_name): (&'a str, &'a str),
    format: MediaFormat,
    input: &Path,
    options: &'a SignOptions,
    placement: Placement,
) -> Job<'a> {
    Job {
        name,
        output_name,
        format,
        title: options
            .title
            .clone()
            .or_else(|| input.file_name().map(|n| n.to_string_lossy().into_owned())),
        options,
        placement,
        derived_from: None,
    }
}

fn refuse_existing(output: &Path, overwrite: Overwrite) -> Result<()> {
    if overwrite == Overwrite::Never && output.exists() {
        return Err(Error::OutputExists {
            file: output.display().to_string(),
        });
    }
    Ok(())
}

/// Identify the input's format, insisting its content matches the claim,
/// that the format can be signed this way, and that the file is whole.
/// Leaves the stream at its start.
fn identify<R: Read + Seek>(
    name: &str,
    claimed: Option<MediaFormat>,
    input: &mut R,
    placement: Placement,
) -> Result<MediaFormat> {
    let head = read_head(input).map_err(|e| Error::io(name, "cannot read", e))?;
    let format = MediaFormat::identify(name, claimed, &head, true)?;
    let refusal = match placement {
        Placement::Embedded => format.sign_refusal(),
        Placement::Sidecar => format.verify_refusal(),
    };
    if let Some(reason) = refusal {
        return Err(Error::CannotSignFormat {
            file: name.into(),
            format: format.name(),
            reason,
        });
    }
    crate::integrity::require_whole(name, format, input)?;
    crate::guard::check_container(name, format, input)?;
    Ok(format)
}

/// Whether two paths name the same file.
fn is_same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        a == b
    }
}
