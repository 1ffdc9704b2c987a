//! Trust anchors: the CA certificates a verifier vouches for.
//!
//! They are always an input to verification, never global state: a file is
//! `trusted` only relative to the anchors its verifier was given.

use crate::error::{Error, Result};
use crate::pem::{pem_certificates, pem_encode};

/// A set of trust anchors (CA certificates), kept as PEM for the C2PA engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustAnchors {
    pem: String,
    count: usize,
}

impl TrustAnchors {
    /// No anchors: every intact file verifies as `valid`, none as `trusted`.
    pub fn none() -> Self {
        Self::default()
    }

    /// Anchors from PEM text holding one or more `CERTIFICATE` blocks.
    /// `source_name` (a file name, say) is used in errors.
    pub fn from_pem(source_name: &str, text: &str) -> Result<Self> {
        let mut anchors = Self::none();
        anchors.add_pem(source_name, text)?;
        Ok(anchors)
    }

    /// Add the certificates of another PEM text.
    pub fn add_pem(&mut self, source_name: &str, text: &str) -> Result<&mut Self> {
        let certificates = pem_certificates(text).map_err(|reason| Error::BadTrustAnchors {
            source_name: source_name.into(),
            reason,
        })?;
        for der in &certificates {
            self.pem.push_str(&pem_encode(der));
        }
        self.count += certificates.len();
        Ok(self)
    }

    /// How many anchors there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The anchors as one PEM bundle.
    pub fn as_pem(&self) -> &str {
        &self.pem
    }
}
