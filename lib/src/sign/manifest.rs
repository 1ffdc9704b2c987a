//! Building the manifest for one work and having the engine sign it.

use std::io::{Read, Seek, SeekFrom, Write};

use c2pa::{Builder, Context};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::binding::SoftBindingOutcome;
use super::watched::WatchedOutput;
use super::{GENERATOR_NAME, Outcome, SignOptions, Signed, Signer};
use crate::engine;
use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::policy;
use crate::soft_binding::{self, SoftBindingAssertion};
use crate::verify::{TrustAnchors, engine_settings};

/// The label that ties the `c2pa.opened` action to the parent ingredient.
const PARENT_LABEL: &str = "parent";

/// The media type under which a file the engine cannot write is signed with a sidecar.
const OPAQUE_MEDIA_TYPE: &str = "application/octet-stream";

/// Where the manifest goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Into the media file.
    Embedded,
    /// Into a separate `.c2pa` file; the media file is left as it is.
    Sidecar,
}

/// One work to sign: everything but the bytes and the key.
pub(crate) struct Job<'a> {
    /// The input's name, for errors and as the parent ingredient's title.
    pub(crate) name: &'a str,
    /// The output's name, for errors writing it.
    pub(crate) output_name: &'a str,
    pub(crate) format: MediaFormat,
    pub(crate) title: Option<String>,
    pub(crate) options: &'a SignOptions,
    pub(crate) placement: Placement,
    /// The original this work is a rendition of ([`super::derive`]): its
    /// bytes become the parent ingredient, and the actions say what was done.
    pub(crate) derived_from: Option<&'a Derivation<'a>>,
}

/// A rendition's original, as [`Job::add_actions`] records it.
pub(crate) struct Derivation<'a> {
    /// The original's name, for errors and as the ingredient's title.
    pub(crate) name: &'a str,
    /// The original's format.
    pub(crate) format: MediaFormat,
    /// The original's bytes (its manifest store inside).
    pub(crate) bytes: &'a [u8],
    /// The action after `c2pa.opened`, e.g. `c2pa.transcoded`.
    pub(crate) action: &'a str,
}

impl Job<'_> {
    pub(crate) fn engine_error(&self, action: &'static str) -> impl Fn(c2pa::Error) -> Error + '_ {
        move |e| engine::from_c2pa(self.name, self.format, action, e)
    }

    /// A failure to write the output, named after it.
    pub(crate) fn write_error(&self, source: std::io::Error) -> Error {
        Error::io(self.output_name, "cannot write", source)
    }

    /// Put `stream` back at its start.
    pub(crate) fn rewind<S: Seek>(&self, stream: &mut S) -> Result<()> {
        stream
            .seek(SeekFrom::Start(0))
            .map(|_| ())
            .map_err(|e| Error::io(self.name, "cannot read", e))
    }

    /// A builder with everything but the hard binding: title, claim
    /// generator, actions (keeping `input`'s credentials as the parent when
    /// `kept_parent`), the policy and the author. `context` carries the
    /// engine settings (and a signer, for the caller-driven paths).
    pub(crate) fn builder<R: Read + Seek + Send>(
        &self,
        context: Context,
        kept_parent: bool,
        soft_binding: &SoftBindingOutcome,
        input: &mut R,
    ) -> Result<Builder> {
        let definition = json!({
            "title": self.title,
            "format": self.format.mime_type(),
            "claim_generator_info": [{ "name": GENERATOR_NAME, "version": crate::VERSION }],
        });
        let mut builder = Builder::from_context(context)
            .with_definition(definition)
            .map_err(self.engine_error("cannot sign"))?;
        self.add_actions(&mut builder, kept_parent, input)?;
        if !self.options.policy.is_unspecified() {
            builder
                .add_assertion(policy::LABEL, &self.options.policy.to_assertion_data())
                .map_err(self.engine_error("cannot sign"))?;
        }
        if let Some(binding) = soft_binding.added() {
            let value = binding.value_bytes().unwrap_or_default();
            builder
                .add_assertion(
                    soft_binding::LABEL,
                    &SoftBindingAssertion::whole_asset(&binding.alg, value),
                )
                .map_err(self.engine_error("cannot sign"))?;
        }
        if let Some(author) = &self.options.author {
            let work = json!({
                "@context": "https://schema.org",
                "@type": "CreativeWork",
                "author": [{ "@type": "Person", "name": author }],
            });
            builder
                .add_assertion_json("stds.schema-org.CreativeWork", &work)
                .map_err(self.engine_error("cannot sign"))?;
        }
        Ok(builder)
    }

    /// Engine settings for signing: offline, nothing trusted (nothing is verified here).
    pub(crate) fn context(&self) -> Result<Context> {
        Context::new()
            .with_settings(engine_settings(&TrustAnchors::none()))
            .map_err(self.engine_error("cannot sign"))
    }

    /// Look at the input before signing: whether it already carries
    /// credentials (kept as the parent ingredient), refusing a sidecar for a
    /// file whose credentials are embedded. Leaves the input at its start.
    pub(crate) fn prepare<R: Read + Seek + Send>(&self, input: &mut R) -> Result<bool> {
        tracing::debug!(file = self.name, format = self.format.name(), placement = ?self.placement, "signing");
        let kept_parent = has_credentials(input, self.format.mime_type())
            .map_err(self.engine_error("cannot read"))?;
        self.rewind(input)?;
        if kept_parent && self.placement == Placement::Sidecar {
            return Err(Error::InvalidOption(format!(
                "{}: already carries embedded Content Credentials; sign it without --sidecar \
                 so they are kept as its history",
                self.name
            )));
        }
        Ok(kept_parent)
    }

    /// The builder the engine signs with, and the media type it signs as
    /// (after [`Job::prepare`]). `parent`, when given, is where the
    /// credentials the work already carries are read from (the original,
    /// when `input` is a copy with the IPTC mirror written); otherwise `input`.
    fn engine_builder<P, R>(
        &self,
        kept_parent: bool,
        outcome: &Outcome,
        parent: Option<&mut P>,
        input: &mut R,
    ) -> Result<(Builder, &'static str)>
    where
        P: Read + Seek + Send,
        R: Read + Seek + Send,
    {
        let context = self.context()?;
        let soft_binding = &outcome.soft_binding;
        let mut builder = match parent {
            Some(parent) => self.builder(context, kept_parent, soft_binding, parent)?,
            None => self.builder(context, kept_parent, soft_binding, input)?,
        };
        if self.placement == Placement::Sidecar {
            builder.set_no_embed(true);
        }
        // The engine refuses sidecars for formats it cannot write (PDF), although a
        // sidecar never touches the file; as an opaque stream it hashes the file whole.
        let sign_as = match (self.placement, self.format.sign_refusal()) {
            (Placement::Sidecar, Some(_)) => OPAQUE_MEDIA_TYPE,
            _ => self.format.mime_type(),
        };
        Ok((builder, sign_as))
    }

    /// What the engine's signing came to: what was done and the manifest
    /// store's bytes, or the error, named after the output when writing it
    /// failed.
    fn finished<W>(
        &self,
        signed: c2pa::Result<Vec<u8>>,
        watched: WatchedOutput<'_, W>,
        kept_parent: bool,
        outcome: Outcome,
    ) -> Result<(Signed, Vec<u8>)> {
        let manifest = signed.map_err(|engine| match watched.into_failure() {
            Some(failure) => self.write_error(failure),
            None => self.engine_error("cannot sign")(engine),
        })?;
        Ok((self.signed(kept_parent, manifest.len(), outcome), manifest))
    }

    /// Have the engine sign `input` into `output` with `signer` (after
    /// [`Job::prepare`]; `parent` as for the builder); returns what was done
    /// and the manifest store's bytes.
    pub(crate) fn sign_with_engine<P, R, W>(
        &self,
        signer: &Signer,
        kept_parent: bool,
        outcome: Outcome,
        parent: Option<&mut P>,
        input: &mut R,
        output: &mut W,
    ) -> Result<(Signed, Vec<u8>)>
    where
        P: Read + Seek + Send,
        R: Read + Seek + Send,
        W: Read + Write + Seek + Send,
    {
        let (mut builder, sign_as) = self.engine_builder(kept_parent, &outcome, parent, input)?;
        let mut watched = WatchedOutput::new(output);
        let signed = builder.sign(signer, sign_as, input, &mut watched);
        self.finished(signed, watched, kept_parent, outcome)
    }

    /// [`Job::sign_with_engine`] with a signer that signs asynchronously
    /// (the browser's WebCrypto key, through [`super::deferred`]).
    pub(crate) async fn sign_with_engine_async<P, R, W>(
        &self,
        signer: &dyn c2pa::AsyncSigner,
        kept_parent: bool,
        outcome: Outcome,
        parent: Option<&mut P>,
        input: &mut R,
        output: &mut W,
    ) -> Result<(Signed, Vec<u8>)>
    where
        P: Read + Seek + Send,
        R: Read + Seek + Send,
        W: Read + Write + Seek + Send,
    {
        let (mut builder, sign_as) = self.engine_builder(kept_parent, &outcome, parent, input)?;
        let mut watched = WatchedOutput::new(output);
        let signed = builder
            .sign_async(signer, sign_as, input, &mut watched)
            .await;
        self.finished(signed, watched, kept_parent, outcome)
    }

    /// What signing did, logged.
    pub(crate) fn signed(
        &self,
        kept_parent: bool,
        manifest_bytes: usize,
        outcome: Outcome,
    ) -> Signed {
        tracing::info!(file = self.name, manifest_bytes, kept_parent, "signed");
        Signed {
            format: self.format,
            kept_parent,
            manifest_bytes,
            soft_binding: outcome.soft_binding,
            iptc: outcome.iptc,
        }
    }

    /// `c2pa.created` for a new work, or `c2pa.opened` on the parent
    /// ingredient when the input already has credentials.
    fn add_actions<R: Read + Seek + Send>(
        &self,
        builder: &mut Builder,
        kept_parent: bool,
        input: &mut R,
    ) -> Result<()> {
        let agent = json!({ "name": GENERATOR_NAME, "version": crate::VERSION });
        let when = OffsetDateTime::now_utc().format(&Rfc3339).ok();
        if let Some(original) = self.derived_from {
            return self.add_derivation(builder, original, &agent, when);
        }
        let action = if kept_parent {
            let title = std::path::Path::new(self.name).file_name().map_or_else(
                || self.name.to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            let parent =
                json!({ "title": title, "relationship": "parentOf", "label": PARENT_LABEL });
            builder
                .add_ingredient_from_stream(parent.to_string(), self.format.mime_type(), input)
                .map_err(self.engine_error("cannot read the credentials it already has"))?;
            self.rewind(input)?;
            json!({
                "action": "c2pa.opened",
                "when": when,
                "softwareAgent": agent,
                "parameters": { "ingredientIds": [PARENT_LABEL] },
            })
        } else {
            json!({
                "action": "c2pa.created",
                "when": when,
                "softwareAgent": agent,
                "digitalSourceType": self.options.source_type.uri(),
            })
        };
        builder
            .add_action(action)
            .map_err(self.engine_error("cannot sign"))?;
        Ok(())
    }
}

impl Job<'_> {
    /// The original as the parent ingredient (its manifest store carried),
    /// then `c2pa.opened` pointing at it and the rendition's own action.
    fn add_derivation(
        &self,
        builder: &mut Builder,
        original: &Derivation<'_>,
        agent: &serde_json::Value,
        when: Option<String>,
    ) -> Result<()> {
        let title = std::path::Path::new(original.name).file_name().map_or_else(
            || original.name.to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let parent = json!({ "title": title, "relationship": "parentOf", "label": PARENT_LABEL });
        let original_error = |e: c2pa::Error| {
            engine::from_c2pa(
                original.name,
                original.format,
                "cannot read the original's credentials",
                e,
            )
        };
        builder
            .add_ingredient_from_stream(
                parent.to_string(),
                original.format.mime_type(),
                &mut std::io::Cursor::new(original.bytes),
            )
            .map_err(original_error)?;
        // The engine quietly makes an ingredient without its manifest when it
        // cannot read one from the bytes as that media type: no chain then.
        let carried = builder
            .definition
            .ingredients
            .last()
            .is_some_and(|i| i.active_manifest().is_some() && i.manifest_data_ref().is_some());
        if !carried {
            return Err(Error::InvalidOption(format!(
                "{}: its credentials could not be carried into the rendition as its parent \
                 (is it really {} {}?)",
                original.name,
                crate::error::article(original.format.name()),
                original.format.name()
            )));
        }
        for action in [
            json!({
                "action": "c2pa.opened",
                "when": when,
                "softwareAgent": agent,
                "parameters": { "ingredientIds": [PARENT_LABEL] },
            }),
            json!({
                "action": original.action,
                "when": when,
                "softwareAgent": agent,
            }),
        ] {
            builder
                .add_action(action)
                .map_err(self.engine_error("cannot sign"))?;
        }
        Ok(())
    }
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
