//! Reading who signed from the signer's X.509 certificate.

use sha2::Digest;
use time::format_description::well_known::Rfc3339;
use x509_parser::certificate::X509Certificate;
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;
use x509_parser::x509::X509Name;

use super::verdict::SignerInfo;

/// Signer details from the PEM chain the engine extracted from the signature
/// (signer certificate first). `alg` is the manifest signature's algorithm.
pub(crate) fn from_chain_pem(chain_pem: &str, alg: Option<String>) -> SignerInfo {
    let first = Pem::iter_from_buffer(chain_pem.as_bytes())
        .next()
        .and_then(Result::ok);
    let Some(pem) = first else {
        return SignerInfo {
            alg,
            ..SignerInfo::default()
        };
    };
    from_der(&pem.contents, alg)
}

/// Signer details from one DER certificate; empty when it cannot be parsed.
pub(crate) fn from_der(der: &[u8], alg: Option<String>) -> SignerInfo {
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return SignerInfo {
            alg,
            ..SignerInfo::default()
        };
    };
    let validity = cert.validity();
    SignerInfo {
        common_name: first_common_name(cert.subject()),
        organization: first_organization(cert.subject()),
        issuer: first_common_name(cert.issuer())
            .or_else(|| first_organization(cert.issuer()))
            .or_else(|| Some(cert.issuer().to_string())),
        serial: Some(cert.raw_serial_as_string()),
        alg,
        not_before: rfc3339(validity.not_before),
        not_after: rfc3339(validity.not_after),
        certificate_sha256: Some(data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(der))),
    }
}

fn first_common_name(name: &X509Name<'_>) -> Option<String> {
    name.iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_owned)
}

fn first_organization(name: &X509Name<'_>) -> Option<String> {
    name.iter_organization()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_owned)
}

fn rfc3339(time: ASN1Time) -> Option<String> {
    time.to_datetime().format(&Rfc3339).ok()
}
