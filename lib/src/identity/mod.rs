//! Who the credentials say made the work: CAWG identity assertions
//! (`cawg.identity`), each with a verdict of its own.
//!
//! A manifest may carry identity assertions beside its own signature: an
//! X.509 certificate of the creator (`cawg.x509.cose`), or a credential from
//! an identity provider that checked the creator's accounts, such as
//! Adobe's Content Authenticity app's "verified on Behance as …"
//! (`cawg.identity_claims_aggregation`, issued by a `did:web` DID). The
//! report lists them in [`Report::identities`](crate::Report::identities),
//! each as an [`Identity`]:
//!
//! - [`IdentityState::Verified`]: the identity checks out, and whoever
//!   vouches for it is someone you named: an issuer you pinned
//!   ([`IdentityIssuers`]), or a CA in your trust anchors;
//! - [`IdentityState::Unverified`]: nothing is wrong with it, but nobody
//!   you named vouches for it (an issuer hallmark could not check offline,
//!   an untrusted certificate);
//! - [`IdentityState::Invalid`]: it fails its own checks.
//!
//! The file keeps its own verdict: an identity that could not be checked
//! never makes a file invalid. The file's state is what the reference
//! implementation decides, with that one exception: an identity assertion
//! that cannot be read, or a failed identity claims aggregation credential,
//! makes the file invalid, an X.509 identity
//! whose certificate nobody you trust vouches for leaves it valid at best
//! (as an untrusted signer does), and an X.509 identity's own failures are
//! its own. And identity never decides policy: an intact manifest answers
//! by its policy whatever its identity's verdict.
//!
//! hallmark never fetches anything while verifying. An issuer's DID
//! document is known only when you pin it ([`IdentityIssuers`]): then the
//! credential is checked against it, offline.

mod certificate;
mod check;
mod describe;
mod issuers;

use serde::{Deserialize, Serialize};

pub(crate) use check::{check_identities, counts_against_file, untrusted_certificate};
pub use describe::provider_words;
pub use issuers::{IdentityIssuers, MAX_DID_DOCUMENT_BYTES};

use crate::verify::verdict::{SignerInfo, StatusKind};

/// The label of a CAWG identity assertion (a second one in the same
/// manifest is `cawg.identity__1`, and so on).
pub const LABEL: &str = "cawg.identity";

/// One identity assertion of the active manifest and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    /// How the identity is expressed.
    #[serde(rename = "type")]
    pub kind: IdentityKind,
    /// The identity's own verdict.
    pub state: IdentityState,
    /// Who vouches for it: the credential's issuer (a DID) for an identity
    /// claims aggregation, the issuing CA for an X.509 certificate.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Who the identity says made the work, in a few words: the
    /// certificate subject's name, or the first verified identity's name or
    /// username.
    #[serde(default)]
    pub named_actor: Option<String>,
    /// The identities the issuer verified (identity claims aggregation).
    #[serde(default)]
    pub verified_identities: Vec<VerifiedIdentity>,
    /// The X.509 certificate the identity was signed with: its subject,
    /// issuer, serial and validity (X.509 identities).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<SignerInfo>,
    /// The subjects of the certificate chain, signer first (X.509 identities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<String>,
    /// The assertions of the manifest the identity is bound to, by label
    /// (`c2pa.hash.data`, `cawg.training-mining`, …).
    #[serde(default)]
    pub referenced_assertions: Vec<String>,
    /// The roles the identity claims (`cawg.creator`, …), if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The label of the assertion (`cawg.identity`, `cawg.identity__1`, …).
    pub label: String,
    /// Every status the identity's validation reported.
    #[serde(default)]
    pub codes: Vec<IdentityCode>,
}

/// How an identity is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    /// An X.509 certificate of the named actor (`cawg.x509.cose`).
    X509,
    /// A verifiable credential from an identity provider
    /// (`cawg.identity_claims_aggregation`).
    IdentityClaimsAggregation,
    /// A signature type hallmark cannot check.
    Unknown,
}

impl IdentityKind {
    /// The kind of the CAWG signature type `sig_type`.
    pub fn from_sig_type(sig_type: &str) -> Self {
        match sig_type {
            "cawg.x509.cose" => IdentityKind::X509,
            "cawg.identity_claims_aggregation" => IdentityKind::IdentityClaimsAggregation,
            _ => IdentityKind::Unknown,
        }
    }

    /// The wire name: `x509`, `identity_claims_aggregation` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::X509 => "x509",
            IdentityKind::IdentityClaimsAggregation => "identity_claims_aggregation",
            IdentityKind::Unknown => "unknown",
        }
    }
}

/// An identity's own verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum IdentityState {
    /// It checks out, and someone you named vouches for it: an issuer you
    /// pinned, or a CA in your trust anchors.
    Verified,
    /// Nothing is wrong with it, but nobody you named vouches for it: its
    /// issuer is not pinned (and cannot be fetched: hallmark stays
    /// offline), or its certificate is not under your trust anchors.
    Unverified,
    /// It fails its own checks.
    Invalid,
}

impl IdentityState {
    /// The wire name: `verified`, `unverified` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityState::Verified => "verified",
            IdentityState::Unverified => "unverified",
            IdentityState::Invalid => "invalid",
        }
    }
}

/// An identity an issuer verified (CAWG identity claims aggregation
/// `verifiedIdentities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedIdentity {
    /// What was verified: `cawg.social_media`, `cawg.document_verification`,
    /// `cawg.web_site`, `cawg.affiliation`, `cawg.crypto_wallet`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The person's or organisation's name, if the issuer gives one.
    #[serde(default)]
    pub name: Option<String>,
    /// The account name, if any (social media).
    #[serde(default)]
    pub username: Option<String>,
    /// The account's or site's address, if any.
    #[serde(default)]
    pub uri: Option<String>,
    /// A wallet's address (crypto wallets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Who holds the account or did the verification.
    #[serde(default)]
    pub provider: Option<Provider>,
    /// When the issuer verified it (RFC 3339).
    #[serde(default)]
    pub verified_at: Option<String>,
}

/// The provider of a verified identity (Behance, LinkedIn, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provider {
    /// The provider's identifier (a URI such as `https://behance.net`).
    pub id: String,
    /// Its name (`behance`).
    pub name: String,
}

/// One status an identity's validation reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityCode {
    /// The CAWG or C2PA status code (`cawg.ica.credential_valid`,
    /// `cawg.identity.pad.invalid`, `signingCredential.untrusted`, …), or
    /// hallmark's own where the engine gives none (`hallmark.identity.*`).
    pub code: String,
    /// What it means, in words.
    #[serde(default)]
    pub explanation: Option<String>,
    /// Success, information or failure.
    pub kind: StatusKind,
}

impl Identity {
    /// An identity of `kind` under `label` with these codes, not yet judged
    /// (`invalid` until its verdict is settled) and naming no one.
    pub(crate) fn unjudged(kind: IdentityKind, label: String, codes: Vec<IdentityCode>) -> Self {
        Identity {
            kind,
            state: IdentityState::Invalid,
            issuer: None,
            named_actor: None,
            verified_identities: Vec::new(),
            certificate: None,
            chain: Vec::new(),
            referenced_assertions: Vec::new(),
            roles: Vec::new(),
            label,
            codes,
        }
    }

    /// The failure codes of this identity.
    pub fn failures(&self) -> impl Iterator<Item = &IdentityCode> {
        self.codes.iter().filter(|c| c.kind == StatusKind::Failure)
    }
}
