//! A manifest recovered for a file that lost its own: what a manifest
//! repository found from the file's fingerprint, checked here, and the rule
//! for what it may say — it can only restrict.
//!
//! A recovered manifest proves less than the file's own credentials: its
//! signature and assertions are checked, but the content it was signed over
//! is not the file at hand (that file was re-encoded, resized or converted),
//! so its hard binding cannot hold. The link between the two is the
//! fingerprint's distance, which a different but similar image can also
//! show. So a recovered "not allowed" or "only on terms" is honoured, and a
//! recovered "allowed" is not: a false "no" costs a dataset one image, a
//! false "yes" costs a creator their work.

use serde::{Deserialize, Serialize};

use super::verdict::{SignerInfo, State, Status};
use crate::policy::TrainingPolicy;
use crate::soft_binding::SoftBinding;

/// Hard-binding failures expected of a manifest checked without the
/// content it was signed over (the stripped copy is different bytes).
pub const HARD_BINDING_MISMATCHES: [&str; 4] = [
    "assertion.dataHash.mismatch",
    "assertion.bmffHash.mismatch",
    "assertion.boxesHash.mismatch",
    "assertion.collectionHash.mismatch",
];

/// A manifest a repository found for this file from its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recovered {
    /// The repository asked (its base URL; the API lives under `/v1`).
    pub repository: String,
    /// The recovered manifest's label (its `urn:c2pa:…` identifier).
    pub manifest_id: String,
    /// Bits between this file's fingerprint and the soft binding signed in
    /// the recovered manifest (256-bit ISCC Image-Code), computed here, not
    /// taken from the repository.
    pub distance: u32,
    /// The same as a score from 0 (nothing alike) to 100 (identical):
    /// `round(100 × (256 − distance) / 256)`.
    pub similarity: u8,
    /// The recovered manifest's own verdict, its content binding aside:
    /// `trusted`, `valid` or `invalid`.
    pub state: State,
    /// The recovered manifest's title.
    #[serde(default)]
    pub title: Option<String>,
    /// Its signer.
    #[serde(default)]
    pub signer: Option<SignerInfo>,
    /// Its training-and-data-mining policy, as written.
    #[serde(default)]
    pub policy: TrainingPolicy,
    /// Which assertion the policy came from; `null` when it states none.
    #[serde(default)]
    pub policy_label: Option<String>,
    /// The soft binding it was found by, as signed in it.
    pub soft_binding: SoftBinding,
    /// Its validation statuses, without the hard-binding mismatches every
    /// recovered manifest has.
    #[serde(default)]
    pub statuses: Vec<Status>,
}

/// The similarity score of a 256-bit Hamming distance, 0 to 100.
pub fn similarity(distance: u32) -> u8 {
    let kept = 256u32.saturating_sub(distance.min(256));
    u8::try_from((kept * 100 + 128) / 256).unwrap_or(100)
}

/// What an answer to "may I use this file for KIND?" rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The file's own intact credentials.
    Credentials,
    /// An intact manifest a repository found from the file's fingerprint: it
    /// restricts the use.
    Recovered,
    /// A recovered manifest allows the use, but a recovered manifest can
    /// only restrict, so the answer is `unspecified`.
    RecoveredAllowanceIgnored,
    /// An unsigned statement in the file's metadata (IPTC in its XMP, or
    /// TDMRep): it restricts the use.
    Unsigned,
    /// An unsigned statement allows the use, but an unsigned statement can
    /// only restrict, so the answer is `unspecified`.
    UnsignedAllowanceIgnored,
    /// An ingredient's manifest in the file's own store (its parent, a
    /// component, or theirs): the file's manifest cannot allow more than
    /// the work it was made from ([`crate::chain`]).
    Ingredient,
    /// Nothing that can be relied on says anything.
    Nothing,
}

impl Basis {
    /// Why, in words, for the bases that need saying.
    pub fn explain(self) -> Option<&'static str> {
        match self {
            Basis::Credentials | Basis::Nothing => None,
            Basis::Ingredient => Some(
                "from the credentials of the work this file was made from (an ingredient in its \
                 own manifest store): a file cannot allow more than its ingredients",
            ),
            Basis::Recovered => {
                Some("from a manifest a repository recovered for this copy by its fingerprint")
            }
            Basis::RecoveredAllowanceIgnored => Some(
                "a recovered manifest allows it, but a recovered manifest can only restrict: \
                 only the file's own credentials can allow",
            ),
            Basis::Unsigned => Some(
                "from an unsigned statement in the file's metadata (IPTC or TDMRep): \
                 anyone could have written it, so it can only restrict",
            ),
            Basis::UnsignedAllowanceIgnored => Some(
                "an unsigned statement in the file's metadata allows it, but an unsigned \
                 statement can only restrict: only the file's own credentials can allow",
            ),
        }
    }
}
