//! The verification report: one versioned JSON shape shared by every front end
//! (CLI `--json`, the HTTP service, the browser build).
//!
//! Shape (`schema_version` 1; fields are never removed or renamed within a
//! version, new optional fields may appear):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "state": "valid",
//!   "format": "image/jpeg",
//!   "title": "sunset.jpg",
//!   "claim_generator": "hallmark/0.1.0",
//!   "signer": {"common_name": "Ada Lovelace", "organization": null,
//!              "issuer": "hallmark local CA", "serial": "4f:…", "alg": "ed25519",
//!              "not_before": "2026-05-01T09:00:00Z", "not_after": "2031-04-30T09:00:00Z"},
//!   "signed_at": null,
//!   "identities": [{"type": "identity_claims_aggregation", "state": "unverified",
//!                   "issuer": "did:web:connected-identities.identity.adobe.com",
//!                   "named_actor": "ada", "verified_identities": [{"type": "cawg.social_media",
//!                   "name": null, "username": "ada", "uri": "https://www.behance.net/ada",
//!                   "provider": {"id": "https://behance.net", "name": "behance"},
//!                   "verified_at": "2026-05-01T09:00:00Z"}],
//!                   "referenced_assertions": ["c2pa.hash.data"], "label": "cawg.identity",
//!                   "codes": [{"code": "cawg.ica.did_unavailable", "explanation": "…", "kind": "failure"}]}],
//!   "policy": {"ai_training": {"use": "notAllowed"}, "ai_generative_training": {"use": "notAllowed"},
//!              "ai_inference": {"use": "notAllowed"}, "data_mining": {"use": "notAllowed"}},
//!   "policy_label": "cawg.training-mining",
//!   "statuses": [{"code": "signingCredential.untrusted", "explanation": "…", "kind": "failure"}],
//!   "actions": [{"action": "c2pa.created", "digital_source_type": "http://cv.iptc.org/…/digitalCreation",
//!                "when": "2026-05-01T09:30:00Z", "software_agent": "hallmark/0.1.0"}],
//!   "ingredients": [],
//!   "active_manifest": "urn:c2pa:…",
//!   "manifest_count": 1
//! }
//! ```

use serde::{Deserialize, Serialize};

use super::recovered::{Basis, Recovered};
use super::unsigned::UnsignedStatement;
pub use super::verdict::{SignerInfo, State, Status, StatusKind};
use crate::identity::Identity;
use crate::policy::{Kind, TrainingPolicy, Use};
use crate::soft_binding::SoftBinding;

/// The version of the report's JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

/// One action recorded in the manifest (`c2pa.created`, `c2pa.opened`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Action {
    /// The action label.
    pub action: String,
    /// The IPTC digital source type URI, if stated.
    #[serde(default)]
    pub digital_source_type: Option<String>,
    /// When the signer says the action happened (RFC 3339), if stated.
    #[serde(default)]
    pub when: Option<String>,
    /// The software that performed it, `name/version`.
    #[serde(default)]
    pub software_agent: Option<String>,
}

/// One ingredient of the active manifest (a parent or component work).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ingredient {
    /// The ingredient's title.
    pub title: Option<String>,
    /// Its media type.
    pub format: Option<String>,
    /// `parentOf`, `componentOf` or `inputTo`.
    pub relationship: String,
    /// The label of the ingredient's own manifest, if it had credentials.
    pub active_manifest: Option<String>,
}

/// The answer to "may this file be used for KIND?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Answer {
    /// The creator allowed it, in intact credentials.
    Allowed,
    /// The creator forbade it.
    NotAllowed,
    /// Allowed only on the creator's terms (see the policy's `constraint_info`).
    Constrained,
    /// The creator said nothing about it.
    Unspecified,
    /// No trustworthy answer: the credentials are broken or absent.
    Unknown,
}

impl Answer {
    /// All five answers, from yes to no answer at all.
    pub const ALL: [Answer; 5] = [
        Answer::Allowed,
        Answer::NotAllowed,
        Answer::Constrained,
        Answer::Unspecified,
        Answer::Unknown,
    ];

    /// The wire name: `allowed`, `notAllowed`, `constrained`, `unspecified`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Allowed => "allowed",
            Answer::NotAllowed => "notAllowed",
            Answer::Constrained => "constrained",
            Answer::Unspecified => "unspecified",
            Answer::Unknown => "unknown",
        }
    }

    /// The answer in words: `allowed`, `not allowed`, `only on terms`,
    /// `not stated` or `unknown`. A constrained use's terms are not part of
    /// the answer; [`Use::describe`] gives them.
    pub fn describe(self) -> &'static str {
        match self {
            Answer::Allowed => "allowed",
            Answer::NotAllowed => "not allowed",
            Answer::Constrained => "only on terms",
            Answer::Unspecified => "not stated",
            Answer::Unknown => "unknown",
        }
    }
}

/// Everything verification found out about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The version of this shape ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The verdict.
    pub state: State,
    /// The media type verified (from the content, not the name).
    pub format: String,
    /// The title in the active manifest.
    #[serde(default)]
    pub title: Option<String>,
    /// The software that made the active manifest, `name/version`.
    #[serde(default)]
    pub claim_generator: Option<String>,
    /// The signer, from the signing certificate.
    #[serde(default)]
    pub signer: Option<SignerInfo>,
    /// A trusted signing time from a time-stamp authority (RFC 3339), if the
    /// signature carries one. Without it, the only times are what the signer
    /// claims in `actions[].when`.
    #[serde(default)]
    pub signed_at: Option<String>,
    /// The CAWG identity assertions of the active manifest (who the
    /// credentials say made the work), each with its own verdict; empty
    /// when there are none. Identity never decides the policy's answer
    /// ([`crate::identity`]).
    #[serde(default)]
    pub identities: Vec<Identity>,
    /// The creator's training-and-data-mining policy as written in the
    /// active manifest. Shown even when the state is `invalid`; use
    /// [`Report::may_use`] for an answer that accounts for the state.
    #[serde(default)]
    pub policy: TrainingPolicy,
    /// Which assertion the policy came from (`cawg.training-mining` or
    /// `c2pa.training-mining`); `null` when the manifest states no policy.
    #[serde(default)]
    pub policy_label: Option<String>,
    /// Every validation status the engine reported.
    #[serde(default)]
    pub statuses: Vec<Status>,
    /// The actions of the active manifest.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The ingredients of the active manifest.
    #[serde(default)]
    pub ingredients: Vec<Ingredient>,
    /// The label of the active manifest.
    #[serde(default)]
    pub active_manifest: Option<String>,
    /// How many manifests the file's manifest store holds.
    #[serde(default)]
    pub manifest_count: usize,
    /// The sidecar file (`NAME.c2pa`) the credentials were read from, when
    /// they are not embedded in the file itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<String>,
    /// The soft bindings (fingerprints) the active manifest records
    /// (`c2pa.soft-binding`); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub soft_bindings: Vec<SoftBinding>,
    /// A manifest a repository recovered for this file from its
    /// fingerprint, when asked to look (`--recover`) and the file's own
    /// credentials are absent or broken. It can only restrict
    /// ([`Report::decide`]); absent when not looked up or nothing matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered: Option<Recovered>,
    /// What the file says about training and mining outside its signed
    /// credentials (IPTC `plus:DataMining` in its XMP, TDMRep in a PDF's):
    /// unsigned, so it can only restrict ([`Report::decide`]); absent when
    /// the file says nothing there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsigned: Option<UnsignedStatement>,
    /// The policy through the active manifest's ingredients (`parentOf`,
    /// `componentOf`) whose manifests are in the store: the effective
    /// policy [`Report::decide`] answers from, where each answer comes
    /// from, and any manifest that tries to allow more than its
    /// ingredients ([`crate::chain`]). Absent when no ingredient manifest
    /// binds the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<crate::chain::PolicyChain>,
}

/// A report with the file it is about: one line of `hallmark verify --json`,
/// the shape every front end prints (`file` first, then the report's fields).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FileReport<'a> {
    /// The file as the caller named it, or `None` (`null`) when unnamed.
    pub file: Option<&'a str>,
    /// Its report, fields inline.
    #[serde(flatten)]
    pub report: &'a Report,
}

impl Report {
    /// The report for a file with no Content Credentials.
    pub fn none(format: &str) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            state: State::None,
            format: format.into(),
            title: None,
            claim_generator: None,
            signer: None,
            signed_at: None,
            identities: Vec::new(),
            policy: TrainingPolicy::default(),
            policy_label: None,
            statuses: Vec::new(),
            actions: Vec::new(),
            ingredients: Vec::new(),
            active_manifest: None,
            manifest_count: 0,
            sidecar: None,
            soft_bindings: Vec::new(),
            recovered: None,
            unsigned: None,
            chain: None,
        }
    }

    /// May this file be used for `kind`? [`Report::decide`]'s answer.
    pub fn may_use(&self, kind: Kind) -> Answer {
        self.decide(kind).0
    }

    /// May this file be used for `kind`, and on what basis?
    ///
    /// Only intact credentials (`valid` or `trusted`) give an answer of their
    /// own; broken or absent ones give [`Answer::Unknown`], never "allowed".
    /// A constrained use is [`Answer::Constrained`], never "allowed". For a
    /// `valid` but not `trusted` file the answer is what the signer wrote,
    /// and the signer's identity is not vouched for by any trust anchor the
    /// caller gave.
    ///
    /// Without intact credentials of its own, an intact [`Recovered`]
    /// manifest and the file's [`UnsignedStatement`] can only restrict: their
    /// "not allowed" and "only on terms" answer ([`Basis::Recovered`],
    /// [`Basis::Unsigned`]), the more restrictive winning; their "allowed"
    /// answers [`Answer::Unspecified`] ([`Basis::RecoveredAllowanceIgnored`],
    /// [`Basis::UnsignedAllowanceIgnored`]).
    pub fn decide(&self, kind: Kind) -> (Answer, Basis) {
        if self.state.is_intact() {
            return match &self.chain {
                Some(chain) => {
                    let basis = if chain.sources.contains_key(kind.as_str()) {
                        Basis::Ingredient
                    } else {
                        Basis::Credentials
                    };
                    (answer_for(chain.effective.get(kind)), basis)
                }
                None => (answer_for(self.policy.get(kind)), Basis::Credentials),
            };
        }
        // Broken credentials: a restriction an ingredient's manifest states
        // still counts, as a recovered or unsigned one does.
        let ingredient = self
            .chain
            .as_ref()
            .map(|chain| restrict_only(chain.effective.get(kind), Basis::Ingredient))
            .filter(|(answer, _)| matches!(answer, Answer::NotAllowed | Answer::Constrained));
        let recovered = self
            .recovered
            .as_ref()
            .filter(|r| r.state.is_intact())
            .map(|r| restrict_only(r.policy.get(kind), Basis::Recovered));
        let unsigned = self
            .unsigned
            .as_ref()
            .map(|u| restrict_only(u.policy.get(kind), Basis::Unsigned));
        // The most restrictive wins.
        [ingredient, recovered, unsigned]
            .into_iter()
            .flatten()
            .max_by_key(|(answer, _)| restriction_rank(*answer))
            .unwrap_or((Answer::Unknown, Basis::Nothing))
    }

    /// The policy a [`Report::decide`] answer of `basis` rests on: the
    /// file's own, or the recovered manifest's.
    pub fn policy_for(&self, basis: Basis) -> &TrainingPolicy {
        if let (Basis::Ingredient, Some(chain)) = (basis, &self.chain) {
            return &chain.effective;
        }
        if let (Basis::Credentials, Some(chain)) = (basis, &self.chain) {
            return &chain.effective;
        }
        match (basis, &self.recovered, &self.unsigned) {
            (Basis::Recovered | Basis::RecoveredAllowanceIgnored, Some(recovered), _) => {
                &recovered.policy
            }
            (Basis::Unsigned | Basis::UnsignedAllowanceIgnored, _, Some(unsigned)) => {
                &unsigned.policy
            }
            _ => &self.policy,
        }
    }

    /// The failure statuses only.
    pub fn failures(&self) -> impl Iterator<Item = &Status> {
        self.statuses
            .iter()
            .filter(|s| s.kind == StatusKind::Failure)
    }

    /// Put `status`, a data hash result hallmark determined itself, in place of
    /// the engine's data hash failure for the active manifest, and work the
    /// state out again by the engine's rule.
    pub(crate) fn replace_data_hash_status(&mut self, status: Status) {
        self.statuses.retain(|s| {
            !(s.ingredient.is_none()
                && s.url == status.url
                && s.code.starts_with("assertion.dataHash."))
        });
        match status.kind {
            StatusKind::Success => {
                let after_successes = self
                    .statuses
                    .iter()
                    .rposition(|s| s.ingredient.is_none() && s.kind == StatusKind::Success)
                    .map_or(0, |i| i + 1);
                self.statuses.insert(after_successes, status);
            }
            _ => self.statuses.push(status),
        }
        self.state = state_from_statuses(&self.statuses);
    }

    /// Whether a status with this code was reported.
    pub fn has_status(&self, code: &str) -> bool {
        self.statuses.iter().any(|s| s.code == code)
    }
}

/// The answer an entry of a restrict-only source (a recovered manifest, an
/// unsigned statement) gives: "allowed" is not taken.
fn restrict_only(entry: &Use, basis: Basis) -> (Answer, Basis) {
    match (entry, basis) {
        (Use::NotAllowed, _) => (Answer::NotAllowed, basis),
        (Use::Constrained(_), _) => (Answer::Constrained, basis),
        (Use::Allowed, Basis::Recovered) => (Answer::Unspecified, Basis::RecoveredAllowanceIgnored),
        (Use::Allowed, Basis::Unsigned) => (Answer::Unspecified, Basis::UnsignedAllowanceIgnored),
        _ => (Answer::Unknown, Basis::Nothing),
    }
}

/// How strongly an answer restricts, to pick between restrict-only sources.
fn restriction_rank(answer: Answer) -> u8 {
    match answer {
        Answer::NotAllowed => 4,
        Answer::Constrained => 3,
        Answer::Unspecified => 2,
        Answer::Unknown => 1,
        Answer::Allowed => 0,
    }
}

/// The answer a policy entry gives, from intact credentials.
fn answer_for(entry: &Use) -> Answer {
    match entry {
        Use::Allowed => Answer::Allowed,
        Use::NotAllowed => Answer::NotAllowed,
        Use::Constrained(_) => Answer::Constrained,
        Use::Unspecified => Answer::Unspecified,
    }
}

/// The status code of a signer whose certificate chain ends in none of the
/// trust anchors given: the one failure a `valid` report may carry.
pub const UNTRUSTED_SIGNER: &str = "signingCredential.untrusted";

/// The verdict the C2PA engine derives from validation statuses (the
/// specification's "valid" and "trusted" manifests): valid when the claim
/// signature was validated inside its certificate's validity and the only
/// failures are an untrusted signer; trusted when moreover the signer is
/// trusted and nothing failed at all.
pub fn state_from_statuses(statuses: &[Status]) -> State {
    let active = |s: &&Status| s.ingredient.is_none();
    let succeeded = |code: &str| {
        statuses
            .iter()
            .filter(active)
            .any(|s| s.kind == StatusKind::Success && s.code == code)
    };
    let failures: Vec<&Status> = statuses
        .iter()
        .filter(|s| s.kind == StatusKind::Failure)
        .collect();
    let only_untrusted = failures.iter().all(|s| s.code == UNTRUSTED_SIGNER);
    let valid = succeeded("claimSignature.validated")
        && succeeded("claimSignature.insideValidity")
        && only_untrusted;
    if valid && failures.is_empty() && succeeded("signingCredential.trusted") {
        State::Trusted
    } else if valid {
        State::Valid
    } else {
        State::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(state: State, policy: TrainingPolicy) -> Report {
        Report {
            state,
            policy,
            ..Report::none("image/png")
        }
    }

    #[test]
    fn broken_or_absent_credentials_never_answer() {
        let mut allowed = TrainingPolicy::default();
        allowed.set(Kind::AiTraining, Use::Allowed);
        for state in [State::Invalid, State::None] {
            assert_eq!(
                with(state, allowed.clone()).may_use(Kind::AiTraining),
                Answer::Unknown
            );
        }
        assert_eq!(
            with(State::Valid, allowed.clone()).may_use(Kind::AiTraining),
            Answer::Allowed
        );
        assert_eq!(
            with(State::Trusted, allowed).may_use(Kind::DataMining),
            Answer::Unspecified
        );
    }

    #[test]
    fn constrained_is_not_allowed() {
        let mut policy = TrainingPolicy::default();
        policy.set(Kind::AiInference, Use::Constrained(Some("ask".into())));
        assert_eq!(
            with(State::Trusted, policy).may_use(Kind::AiInference),
            Answer::Constrained
        );
    }

    #[test]
    fn every_state_has_its_words() {
        let lines: std::collections::BTreeSet<_> =
            State::ALL.iter().map(|s| s.describe()).collect();
        assert_eq!(lines.len(), State::ALL.len());
        for state in State::ALL {
            // The line names the state, as the CLI shows it; the sentence ends as one.
            let line = state.describe().to_lowercase();
            assert!(
                line.starts_with(state.as_str()) || line.starts_with("no "),
                "{line}"
            );
            assert!(state.explain().ends_with('.'), "{}", state.explain());
        }
        assert_eq!(
            State::Valid.describe(),
            "valid: intact, but the signer is not in your trust list (identity not vouched for)"
        );
        assert!(State::None.explain().starts_with("No Content Credentials"));
    }

    #[test]
    fn every_answer_has_its_words() {
        let words: std::collections::BTreeSet<_> =
            Answer::ALL.iter().map(|a| a.describe()).collect();
        assert_eq!(words.len(), Answer::ALL.len());
        // An answer from the policy reads like what the policy says.
        for (answer, said) in [
            (Answer::Allowed, Use::Allowed),
            (Answer::NotAllowed, Use::NotAllowed),
            (Answer::Unspecified, Use::Unspecified),
        ] {
            assert_eq!(answer.describe(), said.describe());
        }
        assert!(
            Use::Constrained(None)
                .describe()
                .starts_with(Answer::Constrained.describe())
        );
        assert_eq!(Answer::NotAllowed.describe(), "not allowed");
    }

    #[test]
    fn json_round_trips() {
        let report = with(State::Valid, TrainingPolicy::deny_all());
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.contains(r#""state":"valid""#), "{text}");
        assert!(
            text.contains(r#""ai_training":{"use":"notAllowed"}"#),
            "{text}"
        );
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
    }
}
