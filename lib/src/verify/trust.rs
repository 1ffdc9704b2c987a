//! Trust anchors: the CA certificates a verifier vouches for.
//!
//! They are always an input to verification, never global state: a file is
//! `trusted` only relative to the anchors its verifier was given.

use x509_parser::certificate::X509Certificate;
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;

use crate::error::{Error, Result};

/// The most certificates one PEM text may hold (a guard against hostile input).
const MAX_CERTIFICATES: usize = 1000;

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

fn pem_encode(der: &[u8]) -> String {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// Every `CERTIFICATE` block of a PEM text, as DER, in order; each must parse
/// as an X.509 certificate. Errors are in words, without the source's name.
pub(crate) fn pem_certificates(text: &str) -> std::result::Result<Vec<Vec<u8>>, String> {
    let mut certificates = Vec::new();
    for (index, block) in Pem::iter_from_buffer(text.as_bytes()).enumerate() {
        let block = block.map_err(|e| format!("PEM block {} is malformed ({e})", index + 1))?;
        if block.label != "CERTIFICATE" {
            return Err(format!(
                "PEM block {} is a \"{}\", not a CERTIFICATE",
                index + 1,
                block.label
            ));
        }
        X509Certificate::from_der(&block.contents)
            .map_err(|e| format!("certificate {} cannot be parsed ({e})", index + 1))?;
        certificates.push(block.contents);
        if certificates.len() > MAX_CERTIFICATES {
            return Err(format!("holds more than {MAX_CERTIFICATES} certificates"));
        }
    }
    if certificates.is_empty() {
        return Err("holds no PEM certificates (expected -----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certificates)
}
