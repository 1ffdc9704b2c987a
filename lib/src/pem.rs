//! Certificates in PEM text: read every `CERTIFICATE` block (bounded, each
//! one parsed as X.509), and write one back. Shared by trust anchors and
//! signing chains.

use x509_parser::certificate::X509Certificate;
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;

/// The most certificates one PEM text may hold (a guard against hostile input).
const MAX_CERTIFICATES: usize = 1000;

/// One DER certificate as a PEM `CERTIFICATE` block.
pub(crate) fn pem_encode(der: &[u8]) -> String {
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
