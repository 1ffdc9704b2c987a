//! Who an X.509 identity names: the certificate chain inside its COSE
//! signature, read with x509-parser.

use c2pa::crypto::cose::{cert_chain_from_sign1, parse_cose_sign1};
use c2pa::status_tracker::StatusTracker;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::verify::signer_info;
use crate::verify::verdict::SignerInfo;

/// The signer certificate's details and every certificate's subject, signer
/// first, from an identity assertion's COSE_Sign1 signature; `None` when it
/// holds no readable chain.
pub(super) fn from_signature(signature: &[u8]) -> Option<(SignerInfo, Vec<String>)> {
    // The tracker only collects what parsing logs; the identity's codes come
    // from its validation.
    let mut scratch = StatusTracker::default();
    let sign1 = parse_cose_sign1(signature, &[], &mut scratch).ok()?;
    let chain = cert_chain_from_sign1(&sign1).ok()?;
    let first = chain.first()?;
    let signer = signer_info::from_der(first, None);
    let subjects = chain
        .iter()
        .filter_map(|der| X509Certificate::from_der(der).ok())
        .map(|(_, cert)| cert.subject().to_string())
        .collect();
    Some((signer, subjects))
}
