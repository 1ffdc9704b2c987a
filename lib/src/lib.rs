//! hallmark: Content Credentials that say "do not train".
//!
//! hallmark embeds signed [C2PA](https://c2pa.org) manifests into media files,
//! with a training-and-data-mining assertion that states whether the work may
//! be used to train AI, and verifies such credentials anywhere.
//!
//! - [`credentials`]: make a local CA and a signer certificate for a creator,
//!   store the keys encrypted, load them back.
//! - [`policy`]: the creator's [`TrainingPolicy`] and the assertion it becomes.
//! - [`sign`]: embed a manifest into a file or stream.
//! - [`verify`]: check a file's credentials into a [`Report`] whose JSON shape
//!   is shared by every hallmark front end.
//! - [`identity`]: who the credentials say made the work (CAWG identity
//!   assertions), each with its own verdict, checked offline.
//! - [`format`](mod@format): which media formats are handled, and what a file really is.
//! - [`error`]: the one [`Error`] type, and [`Error::kind`] sorting every
//!   error by who is at fault ([`ErrorKind`]), for front ends to map.
//!
//! Built on the [`c2pa`] crate (the C2PA reference implementation) for the
//! manifest store, JUMBF, hashing and format handlers.
//!
//! # Example
//!
//! Sign a PNG with fresh credentials (every use "not allowed" by default),
//! then verify it, trusting the CA that issued the signer:
//!
//! ```
//! # #[cfg(feature = "sign")]
//! # fn main() -> Result<(), hallmark::Error> {
//! use std::io::Cursor;
//! use hallmark::credentials::{issue, Identity, SigningCredentials, Validity};
//! use hallmark::policy::Kind;
//! use hallmark::sign::{sign_stream, SignOptions};
//! use hallmark::verify::{Answer, State, TrustAnchors, Verifier};
//!
//! let issued = issue(&Identity::named("Ada Lovelace"), Validity::default())?;
//! let credentials = SigningCredentials::from_issued(&issued)?;
//!
//! let original = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/media/sample.png"))
//!     .expect("the sample image ships with the repository");
//! let mut signed = Cursor::new(Vec::new());
//! sign_stream(&credentials, "sample.png", None, &mut Cursor::new(&original), &mut signed,
//!             &SignOptions::default())?;
//!
//! let anchors = TrustAnchors::from_pem("ca.pem", &issued.ca_certificate_pem)?;
//! let report = Verifier::new(&anchors)?.verify_bytes("sample.png", None, signed.get_ref())?;
//! assert_eq!(report.state, State::Trusted);
//! assert_eq!(report.may_use(Kind::AiTraining), Answer::NotAllowed);
//! assert_eq!(report.signer.and_then(|s| s.common_name).as_deref(), Some("Ada Lovelace"));
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sign"))]
//! # fn main() {}
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod chain;
#[cfg(feature = "sign")]
#[cfg_attr(docsrs, doc(cfg(feature = "sign")))]
pub mod credentials;
mod engine;
pub mod error;
#[cfg(feature = "fingerprint-pixels")]
#[cfg_attr(docsrs, doc(cfg(feature = "fingerprint-pixels")))]
pub mod fingerprint;
pub mod format;
mod guard;
pub mod identity;
pub mod input;
mod integrity;
#[cfg(feature = "sign")]
mod output;
mod pem;
pub mod policy;
pub mod recover;
#[cfg(feature = "repository")]
#[cfg_attr(docsrs, doc(cfg(feature = "repository")))]
pub mod repository;
#[cfg(feature = "shards")]
#[cfg_attr(docsrs, doc(cfg(feature = "shards")))]
pub mod shards;
#[cfg(feature = "sign")]
#[cfg_attr(docsrs, doc(cfg(feature = "sign")))]
pub mod sign;
pub mod soft_binding;
#[cfg(feature = "repository")]
#[cfg_attr(docsrs, doc(cfg(feature = "repository")))]
pub mod tokens;
pub mod verify;
pub mod web;
pub mod words;
pub mod xmp;

pub use error::{Error, ErrorKind, Result};
pub use format::MediaFormat;
#[cfg(feature = "sign")]
#[cfg_attr(docsrs, doc(cfg(feature = "sign")))]
pub use output::{Overwrite, TEMP_PREFIX};
pub use policy::{Kind, TrainingPolicy, Use};
pub use verify::{Answer, Report, State, TrustAnchors, Verifier};

/// The crate's page (README.md), whose examples run as doctests so they never rot.
#[cfg(all(doctest, feature = "sign"))]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

/// This library's version, recorded in every manifest it signs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
