//! Verifying Content Credentials and reporting what they say.
//!
//! A [`Verifier`] is built once with the caller's [`TrustAnchors`] and then
//! verifies any number of files or byte buffers, each into a [`Report`].
//! It never touches the network: no remote manifests, no OCSP.

mod answer;
mod data_hash;
pub mod recovered;
mod report;
pub(crate) mod signer_info;
pub mod trust;
pub mod unsigned;
pub(crate) mod verdict;

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use c2pa::{Context, Reader, ValidationState};
use serde_json::{Value, json};

pub use answer::PolicyAnswer;
pub use recovered::{Basis, Recovered};
pub use report::{
    Action, Answer, FileReport, Ingredient, Report, SCHEMA_VERSION, SignerInfo, State, Status,
    StatusKind, UNTRUSTED_SIGNER, state_from_statuses,
};
pub use trust::TrustAnchors;
pub use unsigned::UnsignedStatement;

use crate::engine;
use crate::error::{Error, Result};
use crate::format::{MediaFormat, read_head};
use crate::identity::{self, IdentityIssuers};
use crate::policy::{self, TrainingPolicy};
use crate::soft_binding;

/// Verifies files against a fixed set of trust anchors (and pinned identity
/// issuers, [`Verifier::with_identity_issuers`]).
///
/// Cheap to share between threads (`Clone` shares the engine's context).
#[derive(Clone)]
pub struct Verifier {
    context: Arc<Context>,
    issuers: Arc<IdentityIssuers>,
    block_hashing_from: u64,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").finish_non_exhaustive()
    }
}

/// Files at least this long (16 MiB) have their data hash checked in 1 MiB
/// blocks where hallmark can (WAV, AVI), instead of in the engine's buffers of
/// up to 256 MiB.
pub const DEFAULT_BLOCK_HASHING_FROM: u64 = 16 * 1024 * 1024;

/// Files smaller than this (1 MiB) are read into memory in one go before
/// verifying: the engine's many small reads and seeks cost more than the file.
const IN_MEMORY_BELOW: u64 = 1024 * 1024;

/// Engine settings for offline verification with the given anchors.
///
/// Identity assertions are not checked while reading: their codes would
/// land among the manifest's own and decide the file's verdict. hallmark
/// checks each one apart afterwards ([`crate::identity`]); X.509 identities
/// are vouched for by the same anchors as signers.
pub(crate) fn engine_settings(anchors: &TrustAnchors) -> Value {
    let trust_anchors = (!anchors.is_empty()).then(|| anchors.as_pem().to_owned());
    json!({
        "verify": {
            "verify_after_reading": true,
            "verify_trust": true,
            "ocsp_fetch": false,
            "remote_manifest_fetch": false,
        },
        "trust": { "trust_anchors": trust_anchors },
        "cawg_trust": { "trust_anchors": trust_anchors },
        // Thumbnails need image decoders hallmark does not link.
        "builder": { "thumbnail": { "enabled": false } },
        // No network, ever: an empty allow-list blocks every host (and
        // hallmark's own resolver answers only from pinned documents).
        "core": { "allowed_network_hosts": [], "decode_identity_assertions": false },
    })
}

impl Verifier {
    /// A verifier that vouches for signers (and X.509 identities) under
    /// `anchors`, with no identity issuer pinned.
    pub fn new(anchors: &TrustAnchors) -> Result<Self> {
        Self::with_identity_issuers(anchors, &IdentityIssuers::none())
    }

    /// A verifier that also checks identity claims aggregation credentials
    /// against the pinned `issuers`' DID documents: an identity whose
    /// issuer is pinned and whose credential checks out is `verified`.
    /// Nothing is ever fetched: an issuer that is not pinned leaves its
    /// identities `unverified`.
    pub fn with_identity_issuers(
        anchors: &TrustAnchors,
        issuers: &IdentityIssuers,
    ) -> Result<Self> {
        let resolver = issuers.resolver();
        let context = Context::new()
            .with_settings(engine_settings(anchors))
            .map_err(|e| Error::BadTrustAnchors {
                source_name: "trust anchors".into(),
                reason: e.to_string(),
            })?
            .with_resolver(resolver.clone())
            .with_resolver_async(resolver);
        Ok(Verifier {
            context: context.into_shared(),
            issuers: Arc::new(issuers.clone()),
            block_hashing_from: DEFAULT_BLOCK_HASHING_FROM,
        })
    }

    /// The identity issuers this verifier checks credentials against.
    pub fn identity_issuers(&self) -> &IdentityIssuers {
        &self.issuers
    }

    /// Check the data hash of files at least `bytes` long in 1 MiB blocks
    /// (see [`DEFAULT_BLOCK_HASHING_FROM`]), for the formats where hallmark
    /// can: memory then stays flat however large the file. The verdict and
    /// status codes are the same either way.
    pub fn with_block_hashing_from(mut self, bytes: u64) -> Self {
        self.block_hashing_from = bytes;
        self
    }

    /// Verify the file at `path`. Its format is taken from its content; the
    /// extension only helps when the content is ambiguous.
    ///
    /// Credentials embedded in the file come first; a file without them is
    /// checked against its sidecar manifest ([`sidecar_path`]) if there is one.
    pub fn verify_file(&self, path: &Path) -> Result<Report> {
        let mut report = self.load_file(path)?.report(self);
        let name = path.display().to_string();
        if let Ok(file) = File::open(path) {
            attach_unsigned(&mut report, &name, &mut BufReader::new(file));
        }
        Ok(report)
    }

    /// Verify a stream against a manifest store kept apart from it (a
    /// sidecar's bytes). `name` labels the input in errors.
    pub fn verify_with_manifest<R: Read + Seek + Send>(
        &self,
        name: &str,
        claimed: Option<MediaFormat>,
        stream: R,
        manifest: &[u8],
    ) -> Result<Report> {
        Ok(self
            .load_stream(name, claimed, stream, Some(manifest))?
            .report(self))
    }

    /// Verify bytes held in memory. `name` labels the input in errors;
    /// `claimed` is the format the caller believes it is, if any.
    pub fn verify_bytes(
        &self,
        name: &str,
        claimed: Option<MediaFormat>,
        bytes: &[u8],
    ) -> Result<Report> {
        self.verify_stream(name, claimed, Cursor::new(bytes))
    }

    /// Verify a seekable stream. `name` labels the input in errors.
    pub fn verify_stream<R: Read + Seek + Send>(
        &self,
        name: &str,
        claimed: Option<MediaFormat>,
        mut stream: R,
    ) -> Result<Report> {
        let start = stream
            .stream_position()
            .map_err(|e| Error::io(name, "cannot read", e))?;
        let mut report = self
            .load_stream(name, claimed, &mut stream, None)?
            .report(self);
        if stream.seek(SeekFrom::Start(start)).is_ok() {
            attach_unsigned(&mut report, name, &mut stream);
        }
        Ok(report)
    }

    /// The whole manifest store of the file at `path` (embedded, or from its
    /// sidecar) as the C2PA engine's JSON: every manifest, assertion,
    /// ingredient and validation result, with hallmark's `identities` (the
    /// active manifest's, as in [`Report::identities`]) added. `None` when
    /// it has no credentials.
    pub fn inspect_file(&self, path: &Path) -> Result<Option<Value>> {
        let name = path.display().to_string();
        match self.load_file(path)? {
            Loaded::Nothing(_) => Ok(None),
            Loaded::Found { mut reader, .. } => {
                let mut store: Value = serde_json::from_str(&reader.json()).map_err(|e| {
                    Error::UnreadableCredentials {
                        file: name,
                        detail: e.to_string(),
                    }
                })?;
                let identities =
                    identity::check_identities(&mut reader, &self.context, &self.issuers);
                if let Some(map) = store.as_object_mut() {
                    map.insert(
                        "identities".into(),
                        serde_json::to_value(identities).unwrap_or_default(),
                    );
                }
                Ok(Some(store))
            }
        }
    }

    /// Check a manifest store on its own, without the content it was signed
    /// over (a store a repository returned for a copy that lost it): the
    /// claim signature, the certificate and every assertion are checked; the
    /// hard binding (the hash of the content) cannot be, so its mismatch is
    /// left out of the statuses and the state. `name` labels the store in
    /// errors. The store is checked by the same guards as embedded ones.
    pub fn verify_detached_store(&self, name: &str, store: &[u8]) -> Result<Report> {
        let format = MediaFormat::Jpeg;
        if store.len() as u64 > MAX_SIDECAR_BYTES {
            return Err(Error::UnreadableCredentials {
                file: name.into(),
                detail: format!(
                    "a manifest store larger than {MAX_SIDECAR_BYTES} bytes is not read"
                ),
            });
        }
        crate::guard::check_store(name, store)?;
        let mut reader = Reader::from_shared_context(&self.context)
            .with_manifest_data_and_stream(store, format.mime_type(), Cursor::new(Vec::new()))
            .map_err(|err| engine::from_c2pa(name, format, "cannot verify", err))?;
        let mut report = self.report_from_reader(&mut reader, format);
        report.format = BARE_STORE_MEDIA_TYPE.into();
        report.statuses.retain(|s| {
            !(s.ingredient.is_none()
                && recovered::HARD_BINDING_MISMATCHES.contains(&s.code.as_str()))
        });
        if report.active_manifest.is_some() {
            report.state = state_from_statuses(&report.statuses);
            settle_identities(&mut report);
        }
        Ok(report)
    }

    fn load_file(&self, path: &Path) -> Result<Loaded> {
        let name = path.display().to_string();
        let claimed = MediaFormat::from_path(path);
        let small = crate::input::regular_file_len(path, &name)? < IN_MEMORY_BELOW;
        if small {
            // One read instead of the engine's many small reads and seeks.
            let bytes = std::fs::read(path).map_err(|e| Error::io(&name, "cannot read", e))?;
            let loaded = self.load_stream(&name, claimed, Cursor::new(&bytes), None)?;
            return self.with_sidecar(path, &name, claimed, loaded, || Ok(Cursor::new(&bytes)));
        }
        let open = || {
            File::open(path)
                .map(BufReader::new)
                .map_err(|e| Error::io(&name, "cannot read", e))
        };
        let loaded = self.load_stream(&name, claimed, open()?, None)?;
        self.with_sidecar(path, &name, claimed, loaded, open)
    }

    /// A file without embedded credentials is checked against its sidecar
    /// manifest, if it has one; `reopen` gives its content again.
    fn with_sidecar<R: Read + Seek + Send>(
        &self,
        path: &Path,
        name: &str,
        claimed: Option<MediaFormat>,
        loaded: Loaded,
        reopen: impl FnOnce() -> Result<R>,
    ) -> Result<Loaded> {
        let sidecar = sidecar_path(path);
        if !matches!(loaded, Loaded::Nothing(_)) || !sidecar.is_file() {
            return Ok(loaded);
        }
        let sidecar_name = sidecar.display().to_string();
        let manifest = read_sidecar(&sidecar_name, &sidecar)?;
        Ok(
            match self.load_stream(name, claimed, reopen()?, Some(&manifest))? {
                Loaded::Found {
                    reader,
                    format,
                    data_hash,
                    ..
                } => Loaded::Found {
                    reader,
                    format,
                    data_hash,
                    sidecar: Some(sidecar_name),
                },
                nothing => nothing,
            },
        )
    }

    fn load_stream<R: Read + Seek + Send>(
        &self,
        name: &str,
        claimed: Option<MediaFormat>,
        mut stream: R,
        manifest: Option<&[u8]>,
    ) -> Result<Loaded> {
        let format = self.identify(name, claimed, &mut stream)?;
        crate::guard::check_container(name, format, &mut stream)?;
        let mime = format.mime_type();
        if manifest.is_none() && data_hash::applies_to(format) {
            let len = stream
                .seek(SeekFrom::End(0))
                .map_err(|e| Error::io(name, "cannot read", e))?;
            if len >= self.block_hashing_from
                && let Some(loaded) = self.load_block_hashed(name, format, &mut stream)?
            {
                return Ok(loaded);
            }
            stream
                .seek(SeekFrom::Start(0))
                .map_err(|e| Error::io(name, "cannot read", e))?;
        }
        // The store is taken out of the file once, checked by the guards
        // before any of it reaches the engine's decoder, and handed to the
        // engine as it is, which then only hashes the file against it.
        let extracted;
        let store = match manifest {
            Some(manifest) => Some(manifest),
            None => {
                extracted = c2pa::jumbf_io::load_jumbf_from_stream(mime, &mut stream).ok();
                stream
                    .seek(SeekFrom::Start(0))
                    .map_err(|e| Error::io(name, "cannot read", e))?;
                extracted.as_deref()
            }
        };
        match store {
            Some(store) => crate::guard::check_store(name, store)?,
            // Nothing found may mean the file was cut short or damaged where
            // its credentials were: say so rather than "no credentials".
            None => crate::integrity::require_whole(name, format, &mut stream)?,
        }
        let reader = Reader::from_shared_context(&self.context);
        let reader = match store {
            Some(store) => reader.with_manifest_data_and_stream(store, mime, stream),
            // Nothing embedded that the container reader could find: the
            // engine looks again and says what it makes of the file.
            None => reader.with_stream(mime, stream),
        };
        tracing::debug!(file = name, format = format.name(), "read credentials");
        match reader {
            Ok(reader) => Ok(Loaded::Found {
                reader: Box::new(reader),
                format,
                sidecar: None,
                data_hash: None,
            }),
            Err(c2pa::Error::JumbfNotFound | c2pa::Error::ProvenanceMissing) => {
                Ok(Loaded::Nothing(format))
            }
            Err(err) => Err(engine::from_c2pa(name, format, "cannot verify", err)),
        }
    }

    /// The memory-bounded path of [`data_hash`]: the engine checks the
    /// manifest against an empty stream, hallmark hashes the file in blocks.
    /// `None` when the manifest's hard binding is not a plain data hash.
    fn load_block_hashed<R: Read + Seek + Send>(
        &self,
        name: &str,
        format: MediaFormat,
        stream: &mut R,
    ) -> Result<Option<Loaded>> {
        let mime = format.mime_type();
        stream
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(name, "cannot read", e))?;
        let jumbf = match c2pa::jumbf_io::load_jumbf_from_stream(mime, stream) {
            Ok(jumbf) => jumbf,
            Err(c2pa::Error::JumbfNotFound) => {
                crate::integrity::require_whole(name, format, stream)?;
                return Ok(Some(Loaded::Nothing(format)));
            }
            Err(err) => return Err(engine::from_c2pa(name, format, "cannot verify", err)),
        };
        crate::guard::check_store(name, &jumbf)?;
        let reader = Reader::from_shared_context(&self.context)
            .with_manifest_data_and_stream(&jumbf, mime, Cursor::new(Vec::new()))
            .map_err(|err| engine::from_c2pa(name, format, "cannot verify", err))?;
        let Some(binding) = serde_json::from_str(&reader.detailed_json())
            .ok()
            .and_then(|detailed: Value| data_hash::Binding::from_detailed_json(&detailed))
        else {
            return Ok(None);
        };
        let Some(matched) = binding.matches(stream) else {
            return Ok(None);
        };
        tracing::debug!(file = name, matched, "data hash checked in blocks");
        Ok(Some(Loaded::Found {
            reader: Box::new(reader),
            format,
            sidecar: None,
            data_hash: Some(binding.status(matched)),
        }))
    }
}

/// What reading a file's credentials found.
enum Loaded {
    /// No credentials in a file of this format.
    Nothing(MediaFormat),
    /// A manifest store, embedded or from a sidecar.
    Found {
        reader: Box<Reader>,
        format: MediaFormat,
        sidecar: Option<String>,
        /// The data hash status hallmark determined itself, replacing the engine's.
        data_hash: Option<Status>,
    },
}

impl Loaded {
    fn report(self, verifier: &Verifier) -> Report {
        match self {
            Loaded::Nothing(format) => Report::none(format.mime_type()),
            Loaded::Found {
                mut reader,
                format,
                sidecar,
                data_hash,
            } => {
                let mut report = Report {
                    sidecar,
                    ..verifier.report_from_reader(&mut reader, format)
                };
                if let Some(status) = data_hash {
                    report.replace_data_hash_status(status);
                }
                report
            }
        }
    }
}

impl Verifier {
    /// The stream's format from its content, refusing formats that cannot be
    /// verified; leaves the stream at its start.
    fn identify<R: Read + Seek>(
        &self,
        name: &str,
        claimed: Option<MediaFormat>,
        stream: &mut R,
    ) -> Result<MediaFormat> {
        let head = read_head(stream).map_err(|e| Error::io(name, "cannot read", e))?;
        let format = MediaFormat::identify(name, claimed, &head, false)?;
        if let Some(reason) = format.verify_refusal() {
            return Err(Error::UnsupportedFormat {
                file: name.into(),
                detail: format!("{format}: {reason}"),
            });
        }
        stream
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(name, "cannot read", e))?;
        Ok(format)
    }
}

/// The media type of a bare manifest store (a `.c2pa` file).
pub const BARE_STORE_MEDIA_TYPE: &str = "application/c2pa";

/// The largest sidecar manifest hallmark reads (a guard against hostile files).
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024 * 1024;

/// Where the sidecar manifest of `media` is kept: the same name with the
/// extension `.c2pa` (`photo.jpg` → `photo.c2pa`), as the C2PA tools expect.
pub fn sidecar_path(media: &Path) -> PathBuf {
    media.with_extension("c2pa")
}

fn read_sidecar(name: &str, path: &Path) -> Result<Vec<u8>> {
    crate::input::regular_file_len(path, name)?;
    let file = File::open(path).map_err(|e| Error::io(name, "cannot read", e))?;
    let mut bytes = Vec::new();
    file.take(MAX_SIDECAR_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, "cannot read", e))?;
    if bytes.len() as u64 > MAX_SIDECAR_BYTES {
        return Err(Error::UnreadableCredentials {
            file: name.into(),
            detail: format!("a sidecar manifest larger than {MAX_SIDECAR_BYTES} bytes is not read"),
        });
    }
    Ok(bytes)
}

/// Add what `stream`'s XMP says outside the credentials (unsigned), compared
/// with the signed policy when the credentials are intact.
pub(crate) fn attach_unsigned<R: Read + Seek>(report: &mut Report, name: &str, stream: &mut R) {
    let Some(format) = MediaFormat::from_mime_type(&report.format) else {
        return;
    };
    report.unsigned = unsigned::read(name, format, stream);
    // The policy that applies: through the ingredients when they bind the file.
    let signed = report
        .chain
        .as_ref()
        .map_or(&report.policy, |chain| &chain.effective);
    let stated = report.policy_label.is_some() || report.chain.is_some();
    if let Some(statement) = report.unsigned.as_mut()
        && report.state.is_intact()
        && stated
    {
        statement.compare_with(signed);
    }
}

impl Verifier {
    /// The report of what `reader` read, with the active manifest's
    /// identities checked apart ([`crate::identity`]) and their bearing on
    /// the file's verdict settled ([`settle_identities`]).
    fn report_from_reader(&self, reader: &mut Reader, format: MediaFormat) -> Report {
        let mut report = report_from_reader(reader, format);
        report.identities = identity::check_identities(reader, &self.context, &self.issuers);
        settle_identities(&mut report);
        report
    }
}

/// What the active manifest's identities do to the file's verdict, as in
/// the reference implementation, except that an issuer hallmark could not
/// check (it never fetches one) is no failure of the file: a failed
/// identity claims aggregation credential makes the file invalid, and an
/// X.509 identity whose certificate nobody you trust vouches for makes a
/// trusted file valid. Both become statuses of the file (with the
/// identity's URL), so that the state always follows from the statuses;
/// calling this again changes nothing.
pub(crate) fn settle_identities(report: &mut Report) {
    let manifest = report.active_manifest.clone().unwrap_or_default();
    let mut added = Vec::new();
    for identity in &report.identities {
        let url = format!(
            "self#jumbf=/c2pa/{manifest}/c2pa.assertions/{}",
            identity.label
        );
        if identity::counts_against_file(identity) {
            for code in identity.failures() {
                added.push(Status {
                    code: code.code.clone(),
                    explanation: code.explanation.clone(),
                    url: Some(url.clone()),
                    kind: StatusKind::Failure,
                    ingredient: None,
                });
            }
        } else if identity::untrusted_certificate(identity) {
            added.push(Status {
                code: UNTRUSTED_SIGNER.into(),
                explanation: Some(
                    "the identity's X.509 certificate is not under a trust anchor you gave".into(),
                ),
                url: Some(url),
                kind: StatusKind::Failure,
                ingredient: None,
            });
        }
    }
    for status in added {
        if !report.statuses.contains(&status) {
            report.statuses.push(status);
        }
    }
    let failed = report.identities.iter().any(identity::counts_against_file);
    let untrusted = report
        .identities
        .iter()
        .any(identity::untrusted_certificate);
    if failed && report.state != State::None {
        report.state = State::Invalid;
    } else if untrusted && report.state == State::Trusted {
        report.state = State::Valid;
    }
}

fn report_from_reader(reader: &Reader, format: MediaFormat) -> Report {
    let state = match reader.validation_state() {
        ValidationState::Trusted => State::Trusted,
        ValidationState::Valid => State::Valid,
        ValidationState::Invalid => State::Invalid,
    };
    let mut report = Report {
        state,
        statuses: statuses(reader),
        manifest_count: reader.manifests().len(),
        active_manifest: reader.active_label().map(str::to_owned),
        ..Report::none(format.mime_type())
    };
    let Some(manifest) = reader.active_manifest() else {
        // A manifest store without an active manifest cannot be valid.
        report.state = State::Invalid;
        return report;
    };
    report.title = manifest.title().map(str::to_owned);
    report.claim_generator = claim_generator(manifest);
    if let Some(info) = manifest.signature_info() {
        let alg = info.alg.map(|a| a.to_string());
        report.signer = Some(signer_info::from_chain_pem(info.cert_chain(), alg));
        report.signed_at = info.time.clone();
    }
    if let Some((policy, label)) = training_policy(manifest) {
        report.policy = policy;
        report.policy_label = Some(label);
    }
    report.actions = actions(manifest);
    report.soft_bindings = soft_binding::from_assertion_values(
        manifest
            .assertions()
            .iter()
            .filter(|a| is_label(a.label(), soft_binding::LABEL))
            .filter_map(|a| a.value().ok()),
    );
    report.ingredients = manifest
        .ingredients()
        .iter()
        .map(|i| Ingredient {
            title: i.title().map(str::to_owned),
            format: i.format().map(str::to_owned),
            relationship: relationship_name(i.relationship()),
            active_manifest: i.active_manifest().map(str::to_owned),
        })
        .collect();
    if let Some(active) = report.active_manifest.clone() {
        let store = ReaderChain {
            reader,
            statuses: &report.statuses,
        };
        report.chain = crate::chain::walk(&store, &active, &report.policy);
    }
    report
}

/// Whether a status code only says whom the signer chains to (`…untrusted`):
/// not a failure of the manifest itself.
fn is_trust_code(code: &str) -> bool {
    code.ends_with(".untrusted")
}

/// The manifest store as the ingredient walk ([`crate::chain`]) sees it.
struct ReaderChain<'a> {
    reader: &'a Reader,
    /// The file's statuses: failures found now in an ingredient's manifest
    /// carry that ingredient's assertion URI.
    statuses: &'a [Status],
}

impl crate::chain::Store for ReaderChain<'_> {
    fn policy(&self, label: &str) -> Option<TrainingPolicy> {
        training_policy(self.reader.get_manifest(label)?).map(|(policy, _)| policy)
    }

    fn signer(&self, label: &str) -> Option<String> {
        let info = self.reader.get_manifest(label)?.signature_info()?;
        let signer = signer_info::from_chain_pem(info.cert_chain(), None);
        signer.common_name.or(signer.organization)
    }

    fn ingredients(&self, label: &str) -> Vec<(String, String, bool)> {
        let Some(manifest) = self.reader.get_manifest(label) else {
            return Vec::new();
        };
        manifest
            .ingredients()
            .iter()
            .filter(|i| {
                matches!(
                    i.relationship(),
                    c2pa::Relationship::ParentOf | c2pa::Relationship::ComponentOf
                )
            })
            .filter_map(|i| {
                let ingredient = i.active_manifest()?;
                self.reader.get_manifest(ingredient)?;
                // An untrusted signer is not a broken chain: trust is the
                // reader's to decide, not the recorder's.
                let recorded_failures = i
                    .validation_results()
                    .and_then(|r| r.active_manifest())
                    .is_some_and(|codes| codes.failure().iter().any(|s| !is_trust_code(s.code())))
                    || i.validation_status().is_some_and(|list| {
                        list.iter().any(|s| !s.passed() && !is_trust_code(s.code()))
                    });
                let assertion = i.label().unwrap_or_default();
                let failing_now = !assertion.is_empty()
                    && self.statuses.iter().any(|s| {
                        s.kind == StatusKind::Failure
                            && !is_trust_code(&s.code)
                            && s.ingredient
                                .as_deref()
                                .is_some_and(|uri| uri.contains(label) && uri.ends_with(assertion))
                    });
                Some((
                    ingredient.to_owned(),
                    relationship_name(i.relationship()),
                    !recorded_failures && !failing_now,
                ))
            })
            .collect()
    }
}

/// Whether an assertion label is `base`, or `base` with an instance suffix (`base__2`).
fn is_label(label: &str, base: &str) -> bool {
    label
        .strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("__"))
}

fn relationship_name(relationship: &c2pa::Relationship) -> String {
    serde_json::to_value(relationship)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{relationship:?}"))
}

/// `name/version` of the first claim generator, or the legacy claim generator string.
fn claim_generator(manifest: &c2pa::Manifest) -> Option<String> {
    let from_info = manifest
        .claim_generator_info
        .as_ref()
        .and_then(|infos| infos.first())
        .map(|info| match info.version.as_deref() {
            Some(version) => format!("{}/{}", info.name, version),
            None => info.name.clone(),
        });
    from_info.or_else(|| manifest.claim_generator().map(str::to_owned))
}

/// The policy of every training-mining assertion in the manifest, combined
/// so that a contradicting second assertion can only narrow what is allowed
/// ([`TrainingPolicy::from_assertions`]), and the label it was read under
/// (`cawg.training-mining` when both are present).
fn training_policy(manifest: &c2pa::Manifest) -> Option<(TrainingPolicy, String)> {
    let mut label = None;
    let mut values = Vec::new();
    for assertion in manifest.assertions() {
        let this = assertion.label();
        if this != policy::LABEL && this != policy::LEGACY_LABEL {
            continue;
        }
        if label.is_none() || this == policy::LABEL {
            label = Some(this.to_owned());
        }
        values.push(assertion.value().ok());
    }
    let policy = TrainingPolicy::from_assertions(values)?;
    Some((policy, label?))
}

fn actions(manifest: &c2pa::Manifest) -> Vec<Action> {
    let mut out = Vec::new();
    for assertion in manifest.assertions() {
        if !assertion.label().starts_with("c2pa.actions") {
            continue;
        }
        let Ok(value) = assertion.value() else {
            continue;
        };
        let Some(list) = value.get("actions").and_then(Value::as_array) else {
            continue;
        };
        for item in list {
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            let Some(action) = text("action") else {
                continue;
            };
            out.push(Action {
                action,
                digital_source_type: text("digitalSourceType"),
                when: text("when"),
                software_agent: item.get("softwareAgent").and_then(software_agent),
            });
        }
    }
    out
}

fn software_agent(value: &Value) -> Option<String> {
    if let Some(text) = value.as_str() {
        return Some(text.to_owned());
    }
    let name = value.get("name")?.as_str()?;
    Some(match value.get("version").and_then(Value::as_str) {
        Some(version) => format!("{name}/{version}"),
        None => name.to_owned(),
    })
}

fn statuses(reader: &Reader) -> Vec<Status> {
    let Some(results) = reader.validation_results() else {
        return reader
            .validation_status()
            .unwrap_or_default()
            .iter()
            .map(|s| status(s, StatusKind::Failure, None))
            .collect();
    };
    let mut out = Vec::new();
    let mut push_all = |codes: &c2pa::validation_results::StatusCodes, ingredient: Option<&str>| {
        for (list, kind) in [
            (codes.success(), StatusKind::Success),
            (codes.informational(), StatusKind::Informational),
            (codes.failure(), StatusKind::Failure),
        ] {
            out.extend(list.iter().map(|s| status(s, kind, ingredient)));
        }
    };
    if let Some(active) = results.active_manifest() {
        push_all(active, None);
    }
    for delta in results.ingredient_deltas().into_iter().flatten() {
        push_all(
            delta.validation_deltas(),
            Some(delta.ingredient_assertion_uri()),
        );
    }
    out
}

fn status(
    s: &c2pa::validation_status::ValidationStatus,
    kind: StatusKind,
    ingredient: Option<&str>,
) -> Status {
    Status {
        code: s.code().to_owned(),
        explanation: s.explanation().map(str::to_owned),
        url: s.url().map(str::to_owned),
        kind,
        ingredient: ingredient.map(str::to_owned),
    }
}
