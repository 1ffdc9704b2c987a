//! The parts of a verdict that reports and recovered manifests share: the
//! state, the validation statuses, and who signed.

use serde::{Deserialize, Serialize};

/// The verdict on a file's Content Credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Intact, and the signer chains to one of the caller's trust anchors.
    Trusted,
    /// Intact (signature and hashes check out), but the signer is not vouched
    /// for by any trust anchor the caller gave.
    Valid,
    /// Something failed: the content changed, the signature is broken, the
    /// certificate is unacceptable… See `statuses`.
    Invalid,
    /// The file carries no Content Credentials.
    None,
}

impl State {
    /// All four states, from the best to no credentials at all.
    pub const ALL: [State; 4] = [State::Trusted, State::Valid, State::Invalid, State::None];

    /// The wire name: `trusted`, `valid`, `invalid` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Trusted => "trusted",
            State::Valid => "valid",
            State::Invalid => "invalid",
            State::None => "none",
        }
    }

    /// Whether the credentials are cryptographically intact (`valid` or `trusted`).
    pub fn is_intact(self) -> bool {
        matches!(self, State::Trusted | State::Valid)
    }

    /// The verdict in a line of words, as `hallmark verify` prints it (without
    /// colour), e.g. `valid: intact, but the signer is not in your trust list
    /// (identity not vouched for)`. It starts with the state's name, so a
    /// reader who knows the wire names recognises it.
    pub fn describe(self) -> &'static str {
        match self {
            State::Trusted => "trusted: intact, and signed under a CA in your trust list",
            State::Valid => {
                "valid: intact, but the signer is not in your trust list (identity not vouched for)"
            }
            State::Invalid => "INVALID: these Content Credentials do not hold up",
            State::None => "no Content Credentials",
        }
    }

    /// The verdict in a plain sentence for readers who do not know what
    /// Content Credentials are, e.g. `Signed and intact, but the signer is not
    /// in your trust list: nobody you trust vouches for who signed.` The
    /// browser extension shows it; [`State::describe`] is the terser line.
    pub fn explain(self) -> &'static str {
        match self {
            State::Trusted => "Signed and intact, by a signer under a CA in your trust list.",
            State::Valid => {
                "Signed and intact, but the signer is not in your trust list: \
                 nobody you trust vouches for who signed."
            }
            State::Invalid => {
                "Broken: the file or its Content Credentials were altered after signing, \
                 or forged. Nothing they claim can be relied on."
            }
            State::None => "No Content Credentials: this file carries no signed provenance.",
        }
    }
}

/// Whether a validation status reports success, information, or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StatusKind {
    /// A check that passed.
    Success,
    /// Something worth knowing that does not affect validity.
    Informational,
    /// A check that failed.
    Failure,
}

/// One validation status, as the C2PA engine reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Status {
    /// The C2PA status code, e.g. `assertion.dataHash.mismatch`.
    pub code: String,
    /// The engine's explanation.
    #[serde(default)]
    pub explanation: Option<String>,
    /// The JUMBF URI of the part concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Success, informational or failure.
    pub kind: StatusKind,
    /// For a status about an ingredient's manifest, that ingredient's assertion URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredient: Option<String>,
}

/// Who signed, read from the signer's X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignerInfo {
    /// Subject common name.
    pub common_name: Option<String>,
    /// Subject organisation.
    pub organization: Option<String>,
    /// The issuing CA (its common name, else organisation, else full name).
    pub issuer: Option<String>,
    /// Serial number, hex bytes separated by colons.
    pub serial: Option<String>,
    /// Signature algorithm of the manifest signature, e.g. `ed25519` (the C2PA engine's names: es256, ps256, ed25519, …).
    pub alg: Option<String>,
    /// Start of the certificate's validity (RFC 3339).
    pub not_before: Option<String>,
    /// End of the certificate's validity (RFC 3339).
    pub not_after: Option<String>,
    /// The SHA-256 of the signer certificate (DER), lower-case hex: which
    /// certificate signed, where names and serial numbers can be copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_sha256: Option<String>,
}
