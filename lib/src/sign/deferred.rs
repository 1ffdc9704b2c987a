//! Signing with a key held elsewhere, a step at a time: [`start`] builds the
//! manifest and stops at the one moment the engine needs a signature,
//! handing out the bytes to be signed; [`PendingSignature::finish`] takes
//! the signature and completes the file.
//!
//! This is how the browser package signs with a non-extractable WebCrypto
//! key: the page signs [`PendingSignature::to_be_signed`] with
//! `crypto.subtle.sign("Ed25519", key, …)` between two synchronous calls, so
//! the key never reaches WebAssembly (and a trap in WebAssembly throws at
//! once instead of leaving a promise pending). Everything else is
//! [`super::sign_stream_async`], the same manifest the
//! CLI makes.
//!
//! ```
//! # fn main() -> Result<(), hallmark::Error> {
//! use hallmark::credentials::{issue, Identity, SigningCredentials, Validity};
//! use hallmark::sign::{deferred, SignOptions};
//!
//! let issued = issue(&Identity::named("Ada Lovelace"), Validity::default())?;
//! let photo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/media/sample.png"))
//!     .expect("the sample image ships with the repository");
//! let pending = deferred::start(&issued.chain_pem, "sample.png", None, photo, SignOptions::default())?;
//! // Whoever holds the key signs these bytes (here, the key itself).
//! use ed25519_dalek::Signer as _;
//! let signature = issued.signer_key.sign(pending.to_be_signed()).to_bytes();
//! let done = pending.finish(&signature)?;
//! assert!(done.bytes.len() > 1000);
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::io::Cursor;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use c2pa::SigningAlg;
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{SignOptions, Signed, sign_stream_async};
use crate::credentials::parse_pem_certificates;
use crate::error::{Error, Result};
use crate::format::MediaFormat;

/// How often the signing is polled for one step before it counts as stuck:
/// nothing the engine awaits but the signature is ever pending.
const POLLS: usize = 64;

/// A signed file and what signing did.
#[derive(Debug, Clone)]
pub struct SignedBytes {
    /// What signing did (format, soft binding, IPTC mirror…).
    pub signed: Signed,
    /// The signed file.
    pub bytes: Vec<u8>,
}

/// A signing that waits for its signature (see the module's docs).
pub struct PendingSignature {
    future: Pin<Box<dyn Future<Output = Result<SignedBytes>>>>,
    slot: Arc<Mutex<Slot>>,
    to_be_signed: Vec<u8>,
    signer_key: VerifyingKey,
    name: String,
}

impl std::fmt::Debug for PendingSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignature")
            .field("name", &self.name)
            .field("to_be_signed", &self.to_be_signed.len())
            .finish_non_exhaustive()
    }
}

/// Where the engine and the holder of the key meet.
#[derive(Default)]
enum Slot {
    /// Nothing asked for yet.
    #[default]
    Idle,
    /// The engine waits for a signature of these bytes.
    Wanted(Vec<u8>),
    /// The signature, for the engine to take.
    Given(Vec<u8>),
}

/// Start signing `bytes` (a file named `name`; `claimed`, the format the
/// caller believes it is) with the chain `chain_pem` (signer certificate
/// first, PEM), as [`sign_stream`](super::sign_stream) would: everything up
/// to the signature is done when this returns.
///
/// # Errors
/// What [`sign_stream`](super::sign_stream) refuses (a damaged file, a
/// format it cannot sign…); [`Error::BadCertificate`] for a chain that does
/// not meet the C2PA profile or is not an Ed25519 signer's;
/// [`Error::Internal`] if the engine waits for something other than the
/// signature.
pub fn start(
    chain_pem: &str,
    name: &str,
    claimed: Option<MediaFormat>,
    bytes: Vec<u8>,
    options: SignOptions,
) -> Result<PendingSignature> {
    let chain = parse_pem_certificates("the certificate chain", chain_pem)?;
    crate::credentials::profile::check_chain(
        "the certificate chain",
        &chain,
        None,
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )?;
    let signer_key = leaf_key(&chain)?;
    let slot = Arc::new(Mutex::new(Slot::Idle));
    let signer = DeferredSigner {
        chain,
        slot: Arc::clone(&slot),
    };
    let label = name.to_owned();
    let future = Box::pin(async move {
        let mut input = Cursor::new(bytes);
        let mut output = Cursor::new(Vec::new());
        let signed =
            sign_stream_async(&signer, &label, claimed, &mut input, &mut output, &options).await?;
        Ok(SignedBytes {
            signed,
            bytes: output.into_inner(),
        })
    });
    let mut pending = PendingSignature {
        future,
        slot,
        to_be_signed: Vec::new(),
        signer_key,
        name: name.to_owned(),
    };
    match pending.advance() {
        Step::Wants(data) => {
            pending.to_be_signed = data;
            Ok(pending)
        }
        Step::Done(Err(error)) => Err(error),
        Step::Done(Ok(_)) => Err(pending.stuck("finished without asking for a signature")),
        Step::Stuck => Err(pending.stuck("waited for something other than the signature")),
    }
}

/// What one round of polling came to.
enum Step {
    Wants(Vec<u8>),
    Done(Result<SignedBytes>),
    Stuck,
}

impl PendingSignature {
    /// The bytes to sign with the signer's Ed25519 key (the COSE
    /// `Sig_structure` of the claim).
    pub fn to_be_signed(&self) -> &[u8] {
        &self.to_be_signed
    }

    /// Complete the file with `signature` (64 bytes, Ed25519, over
    /// [`PendingSignature::to_be_signed`]).
    ///
    /// # Errors
    /// [`Error::BadKey`] when the signature is not one the chain's signer
    /// made (a key that does not belong to the certificate): the file would
    /// not hold up. What the engine fails with while writing.
    pub fn finish(mut self, signature: &[u8]) -> Result<SignedBytes> {
        let checked = Signature::from_slice(signature)
            .ok()
            .filter(|s| self.signer_key.verify(&self.to_be_signed, s).is_ok());
        if checked.is_none() {
            return Err(Error::BadKey {
                file: self.name.clone(),
                reason: "the signature was not made by the key of the signer certificate: \
                         the key and the certificate chain do not belong together"
                    .into(),
            });
        }
        *self.lock() = Slot::Given(signature.to_vec());
        match self.advance() {
            Step::Done(result) => result,
            Step::Wants(_) => Err(self.stuck("asked for a second signature")),
            Step::Stuck => Err(self.stuck("did not finish after the signature")),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Poll the signing until it asks for a signature or ends.
    fn advance(&mut self) -> Step {
        let mut context = Context::from_waker(Waker::noop());
        for _ in 0..POLLS {
            if let Poll::Ready(result) = self.future.as_mut().poll(&mut context) {
                return Step::Done(result);
            }
            if let Slot::Wanted(data) = std::mem::take(&mut *self.lock()) {
                return Step::Wants(data);
            }
        }
        Step::Stuck
    }

    fn stuck(&self, what: &str) -> Error {
        Error::Internal {
            file: self.name.clone(),
            detail: format!("signing {what}"),
        }
    }
}

/// The signer certificate's Ed25519 public key.
fn leaf_key(chain: &[Vec<u8>]) -> Result<VerifyingKey> {
    let bad = |reason: &str| Error::BadCertificate {
        file: "the certificate chain".into(),
        reason: reason.into(),
    };
    let first = chain
        .first()
        .ok_or_else(|| bad("it holds no certificate"))?;
    let (_, certificate) = X509Certificate::from_der(first)
        .map_err(|_| bad("its first certificate cannot be read"))?;
    let raw = certificate.public_key().subject_public_key.data.as_ref();
    let bytes: [u8; 32] = raw
        .try_into()
        .map_err(|_| bad("its signer certificate is not for an Ed25519 key"))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| bad("its signer certificate's key is not a valid Ed25519 key"))
}

/// The engine's signer: hands the bytes to sign out through the slot and
/// waits until the signature comes back in.
struct DeferredSigner {
    chain: Vec<Vec<u8>>,
    slot: Arc<Mutex<Slot>>,
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
impl c2pa::AsyncSigner for DeferredSigner {
    async fn sign(&self, data: Vec<u8>) -> c2pa::Result<Vec<u8>> {
        Ok(Handoff {
            slot: Arc::clone(&self.slot),
            data: Some(data),
        }
        .await)
    }

    fn alg(&self) -> SigningAlg {
        SigningAlg::Ed25519
    }

    fn certs(&self) -> c2pa::Result<Vec<Vec<u8>>> {
        Ok(self.chain.clone())
    }

    fn reserve_size(&self) -> usize {
        super::signer::reserve_size(&self.chain)
    }
}

/// The wait for a signature: the first poll puts the bytes in the slot,
/// later ones take the signature once it is there.
struct Handoff {
    slot: Arc<Mutex<Slot>>,
    data: Option<Vec<u8>>,
}

impl Future for Handoff {
    type Output = Vec<u8>;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Vec<u8>> {
        let data = self.data.take();
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(data) = data {
            *slot = Slot::Wanted(data);
            return Poll::Pending;
        }
        match std::mem::take(&mut *slot) {
            Slot::Given(signature) => Poll::Ready(signature),
            other => {
                *slot = other;
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{Identity, SigningCredentials, Validity, issue};
    use crate::verify::{State, TrustAnchors, Verifier};
    use ed25519_dalek::Signer as _;

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/media")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn a_deferred_signature_makes_the_file_a_signer_would() {
        let issued = issue(&Identity::named("Ada"), Validity::default()).unwrap();
        for name in ["sample.jpg", "sample.png", "sample.webp", "sample.wav"] {
            let pending = start(
                &issued.chain_pem,
                name,
                None,
                sample(name),
                SignOptions::default(),
            )
            .unwrap();
            let signature = issued.signer_key.sign(pending.to_be_signed()).to_bytes();
            let done = pending.finish(&signature).unwrap();
            let anchors = TrustAnchors::from_pem("ca", &issued.ca_certificate_pem).unwrap();
            let report = Verifier::new(&anchors)
                .unwrap()
                .verify_bytes(name, None, &done.bytes)
                .unwrap();
            assert_eq!(
                report.state,
                State::Trusted,
                "{name}: {:?}",
                report.statuses
            );
            assert_eq!(report.policy, crate::TrainingPolicy::deny_all(), "{name}");
        }
    }

    #[test]
    fn a_deferred_signature_states_what_a_signing_in_one_step_states() {
        use crate::policy::{Kind, Use};
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let issued = issue(&Identity::named("Ada"), Validity::default()).unwrap();
        let key_pem = issued
            .signer_key
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap();
        let credentials = SigningCredentials::from_pem(
            "chain.pem",
            &issued.chain_pem,
            "signer.key",
            &key_pem,
            None,
        )
        .unwrap();
        let anchors = TrustAnchors::from_pem("ca", &issued.ca_certificate_pem).unwrap();
        let verifier = Verifier::new(&anchors).unwrap();
        let mut options = SignOptions {
            title: Some("Sunset".into()),
            author: Some("Ada".into()),
            ..SignOptions::default()
        };
        options.policy.set(Kind::DataMining, Use::Allowed).set(
            Kind::AiInference,
            Use::Constrained(Some("ask first".into())),
        );
        for name in ["sample.jpg", "sample.png", "sample.webp"] {
            let pending =
                start(&issued.chain_pem, name, None, sample(name), options.clone()).unwrap();
            let signature = issued.signer_key.sign(pending.to_be_signed()).to_bytes();
            let deferred = pending.finish(&signature).unwrap();
            let mut at_once = std::io::Cursor::new(Vec::new());
            super::super::sign_stream(
                &credentials,
                name,
                None,
                &mut std::io::Cursor::new(sample(name)),
                &mut at_once,
                &options,
            )
            .unwrap();
            let two_steps = verifier.verify_bytes(name, None, &deferred.bytes).unwrap();
            let one_step = verifier
                .verify_bytes(name, None, at_once.get_ref())
                .unwrap();
            assert_eq!(two_steps.state, State::Trusted, "{name}");
            assert_eq!(two_steps.policy, one_step.policy, "{name}");
            assert_eq!(two_steps.soft_bindings, one_step.soft_bindings, "{name}");
            assert!(!two_steps.soft_bindings.is_empty(), "{name}");
            assert_eq!(two_steps.unsigned, one_step.unsigned, "{name}");
            assert!(two_steps.unsigned.is_some(), "{name}: no IPTC mirror");
            assert_eq!(two_steps.title, one_step.title, "{name}");
            assert_eq!(two_steps.signer, one_step.signer, "{name}");
        }
    }

    #[test]
    fn a_signature_from_another_key_is_refused_before_the_file_is_written() {
        let issued = issue(&Identity::named("Ada"), Validity::default()).unwrap();
        let other = issue(&Identity::named("Eve"), Validity::default()).unwrap();
        let pending = start(
            &issued.chain_pem,
            "sample.png",
            None,
            sample("sample.png"),
            SignOptions::default(),
        )
        .unwrap();
        let signature = other.signer_key.sign(pending.to_be_signed()).to_bytes();
        let error = pending.finish(&signature).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::BadSetup);
        assert!(
            error.to_string().contains("do not belong together"),
            "{error}"
        );
    }

    #[test]
    fn a_file_that_cannot_be_signed_is_refused_at_the_start() {
        let issued = issue(&Identity::named("Ada"), Validity::default()).unwrap();
        let error = start(
            &issued.chain_pem,
            "garbage.jpg",
            None,
            b"not a picture".to_vec(),
            SignOptions::default(),
        )
        .unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::BadInput, "{error}");
        assert!(error.to_string().starts_with("garbage.jpg: "), "{error}");
    }
}
