//! The verifier the commands that verify build from `--trust` and
//! `--identity-issuer`, and verifying one file with the optional recovery
//! of a stripped copy's manifest.

use std::path::Path;

use hallmark::identity::IdentityIssuers;
use hallmark::recover::http::HttpResolver;
use hallmark::{Report, TrustAnchors, Verifier};

use crate::args::TrustArgs;
use crate::failure::Failure;

/// A verifier that trusts the CAs of every `--trust` file and checks
/// identities against every `--identity-issuer` document.
pub(crate) fn verifier_for(trust: &TrustArgs) -> Result<Verifier, Failure> {
    let anchors = load_anchors(&trust.trust)?;
    let mut issuers = IdentityIssuers::none();
    for path in &trust.identity_issuers {
        issuers.add_file(path)?;
    }
    Ok(Verifier::with_identity_issuers(&anchors, &issuers)?)
}

/// Verify a file and, when a repository is given and its own credentials
/// are absent or broken, look its manifest up by its fingerprint.
pub(crate) fn verify_and_recover(
    verifier: &Verifier,
    resolver: Option<&HttpResolver>,
    path: &Path,
) -> hallmark::Result<Report> {
    let mut report = verifier.verify_file(path)?;
    if let Some(resolver) = resolver {
        hallmark::recover::recover_file(verifier, resolver, path, &mut report)?;
    }
    Ok(report)
}

/// Read and merge every `--trust` PEM file.
pub(crate) fn load_anchors(paths: &[impl AsRef<Path>]) -> Result<TrustAnchors, Failure> {
    let mut anchors = TrustAnchors::none();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("{name}: cannot read the trust list: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Failure::usage(format!(
                "{name}: not a trust list: expected PEM text (-----BEGIN CERTIFICATE-----), found binary data"
            ))
        })?;
        anchors.add_pem(&name, &text)?;
    }
    Ok(anchors)
}
