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

mod signer;
mod source_type;

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use c2pa::{Builder, Context};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use signer::Signer;
pub use source_type::{SourceType, UnknownSourceType};

use crate::credentials::SigningCredentials;
use crate::error::{self, Error, Result};
use crate::format::MediaFormat;
use crate::output::{Overwrite, PendingOutput};
use crate::policy::{self, TrainingPolicy};
use crate::verify::{TrustAnchors, engine_settings, read_head};

/// The name hallmark signs manifests with, as claim generator and software agent.
pub const GENERATOR_NAME: &str = "hallmark";

/// The label that ties the `c2pa.opened` action to the parent ingredient.
const PARENT_LABEL: &str = "parent";

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
}

impl Default for SignOptions {
    /// No title or author given, [`SourceType::default`], and every use not allowed.
    fn default() -> Self {
        SignOptions {
            title: None,
            author: None,
            source_type: SourceType::default(),
            policy: TrainingPolicy::deny_all(),
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
    /// Size of the embedded manifest store in bytes.
    pub manifest_bytes: usize,
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
    let name = input.display().to_string();
    let out_name = output.display().to_string();
    let file = File::open(input).map_err(|e| Error::io(&name, "cannot read", e))?;
    let in_place = is_same_file(&file, output);
    if in_place && overwrite == Overwrite::Never {
        return Err(Error::OutputIsInput { file: out_name });
    }
    if overwrite == Overwrite::Never && output.exists() {
        return Err(Error::OutputExists { file: out_name });
    }
    let mut reader = BufReader::new(file);
    let format = identify_signable(&name, MediaFormat::from_path(input), &mut reader)?;
    if let Some(named) = MediaFormat::from_path(output)
        && !named.same_container(format)
    {
        return Err(Error::InvalidOption(format!(
            "{out_name}: the output's name says {named} but {name} is {} {format}; \
             give the output a .{} name",
            crate::format::article(format.name()),
            format.extensions()[0]
        )));
    }
    let title = options
        .title
        .clone()
        .or_else(|| input.file_name().map(|n| n.to_string_lossy().into_owned()));
    let mut pending = PendingOutput::create(output)?;
    let signed = sign_identified(
        credentials,
        &name,
        format,
        title,
        &mut reader,
        pending.file(),
        options,
    )?;
    if in_place {
        pending.copy_permissions_from(input)?;
    }
    pending.commit(overwrite)?;
    Ok(signed)
}

/// Sign a stream into another. `name` labels the input in errors and is the
/// default title; `claimed` is the format the caller believes the input is.
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
    let format = identify_signable(name, claimed, input)?;
    let title = options.title.clone().or_else(|| Some(name.to_owned()));
    sign_identified(credentials, name, format, title, input, output, options)
}

/// Refuse a file whose container is damaged or cut short, so it is never
/// signed as the creator's work. Leaves the stream at its start.
fn refuse_damaged<R: Read + Seek>(name: &str, format: MediaFormat, input: &mut R) -> Result<()> {
    crate::integrity::check(format, input)
        .map_err(|e| Error::io(name, "cannot read", e))?
        .map_err(|detail| Error::DamagedMedia {
            file: name.into(),
            format: format.name(),
            detail,
        })
}

/// Identify the input's format, insisting its content matches the claim and that it can be signed.
fn identify_signable<R: Read + Seek>(
    name: &str,
    claimed: Option<MediaFormat>,
    input: &mut R,
) -> Result<MediaFormat> {
    let head = read_head(input).map_err(|e| Error::io(name, "cannot read", e))?;
    let format = MediaFormat::identify(name, claimed, &head, true)?;
    if let Some(reason) = format.sign_refusal() {
        return Err(Error::CannotSignFormat {
            file: name.into(),
            format: format.name(),
            reason,
        });
    }
    refuse_damaged(name, format, input)?;
    Ok(format)
}

fn sign_identified<R, W>(
    credentials: &SigningCredentials,
    name: &str,
    format: MediaFormat,
    title: Option<String>,
    input: &mut R,
    output: &mut W,
    options: &SignOptions,
) -> Result<Signed>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let engine = |action: &'static str| move |e| error::from_c2pa(name, format, action, e);
    let mime = format.mime_type();
    let context = Context::new()
        .with_settings(engine_settings(&TrustAnchors::none()))
        .map_err(engine("cannot sign"))?;
    let definition = json!({
        "title": title,
        "format": mime,
        "claim_generator_info": [{ "name": GENERATOR_NAME, "version": crate::VERSION }],
    });
    let mut builder = Builder::from_context(context)
        .with_definition(definition)
        .map_err(engine("cannot sign"))?;

    let kept_parent = has_credentials(input, mime).map_err(engine("cannot read"))?;
    input
        .seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(name, "cannot read", e))?;
    let agent = json!({ "name": GENERATOR_NAME, "version": crate::VERSION });
    let when = OffsetDateTime::now_utc().format(&Rfc3339).ok();
    if kept_parent {
        let parent = json!({ "title": name, "relationship": "parentOf", "label": PARENT_LABEL });
        builder
            .add_ingredient_from_stream(parent.to_string(), mime, input)
            .map_err(engine("cannot read the credentials it already has"))?;
        input
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(name, "cannot read", e))?;
        builder
            .add_action(json!({
                "action": "c2pa.opened",
                "when": when,
                "softwareAgent": agent,
                "parameters": { "ingredientIds": [PARENT_LABEL] },
            }))
            .map_err(engine("cannot sign"))?;
    } else {
        builder
            .add_action(json!({
                "action": "c2pa.created",
                "when": when,
                "softwareAgent": agent,
                "digitalSourceType": options.source_type.uri(),
            }))
            .map_err(engine("cannot sign"))?;
    }
    if !options.policy.is_unspecified() {
        builder
            .add_assertion(policy::LABEL, &options.policy.to_assertion_data())
            .map_err(engine("cannot sign"))?;
    }
    if let Some(author) = &options.author {
        let work = json!({
            "@context": "https://schema.org",
            "@type": "CreativeWork",
            "author": [{ "@type": "Person", "name": author }],
        });
        builder
            .add_assertion_json("stds.schema-org.CreativeWork", &work)
            .map_err(engine("cannot sign"))?;
    }
    let manifest = builder
        .sign(&Signer::new(credentials), mime, input, output)
        .map_err(engine("cannot sign"))?;
    Ok(Signed {
        format,
        kept_parent,
        manifest_bytes: manifest.len(),
    })
}

/// Whether the input already carries a C2PA manifest store. A file whose
/// container cannot even be walked to look is an error, not "no".
fn has_credentials<R: Read + Seek + Send>(input: &mut R, mime: &str) -> c2pa::Result<bool> {
    match c2pa::jumbf_io::load_jumbf_from_stream(mime, input) {
        Ok(_) => Ok(true),
        Err(c2pa::Error::JumbfNotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `path` names the same file as the open `file`.
fn is_same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}
