//! Checking each identity assertion of the active manifest on its own: the
//! engine's CAWG validator runs with a status log of its own per
//! assertion, so that an identity's codes never reach the file's.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::task::{Poll, Waker};

use c2pa::dynamic_assertion::{AsyncPostValidator, PartialClaim};
use c2pa::identity::validator::CawgValidator;
use c2pa::status_tracker::{LogKind, StatusTracker};
use c2pa::{Context, ManifestAssertion, Reader};
use serde::Deserialize;
use serde_json::Value;

use super::issuers::IdentityIssuers;
use super::{
    Identity, IdentityCode, IdentityKind, IdentityState, LABEL, Provider, VerifiedIdentity,
};
use crate::verify::verdict::StatusKind;

/// The failures that say only that nobody you named vouches for an
/// identity: its issuer's DID document could not be had (hallmark never
/// fetches one), or its certificate is not under your trust anchors.
const NOT_VOUCHED_FOR: [&str; 3] = [
    "cawg.ica.did_unavailable",
    "signingCredential.untrusted",
    "cawg.x509.credential.untrusted",
];

/// The identity assertions of `reader`'s active manifest, each checked on
/// its own against the pinned `issuers` (and, for X.509 identities, the
/// trust anchors in `context`'s settings). The reader's own validation
/// results are left as they are.
pub(crate) fn check_identities(
    reader: &mut Reader,
    context: &Context,
    issuers: &IdentityIssuers,
) -> Vec<Identity> {
    let Some(active) = reader.active_label().map(str::to_owned) else {
        return Vec::new();
    };
    let has_identity = reader
        .active_manifest()
        .is_some_and(|m| m.assertions().iter().any(|a| is_identity_label(a.label())));
    if !has_identity {
        return Vec::new();
    }
    let collector = Collector {
        inner: CawgValidator::new(context),
        active_prefix: format!("self#jumbf=/c2pa/{active}/c2pa.assertions/"),
        found: Mutex::new(Vec::new()),
    };
    // With hallmark's resolver and the engine's built-in signature checks,
    // nothing the validator awaits is ever pending: the future completes on
    // its first poll. Anything else is reported, never waited for.
    let walked = run_now(reader.post_validate_async(&collector));
    let found = collector
        .found
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let mut identities: Vec<Identity> = found
        .into_iter()
        .map(|collected| collected.into_identity(issuers))
        .collect();
    if walked.is_none() {
        for identity in &mut identities {
            identity.codes.push(hallmark_code(
                "hallmark.identity.incomplete",
                "the identity's check did not complete",
            ));
            identity.state = IdentityState::Unverified;
        }
    }
    identities
}

/// Whether a failure of this identity makes the file's credentials fail
/// too. The reference implementation counts an identity assertion it
/// cannot read at all, and a failed identity claims aggregation
/// credential, against the file, and an X.509 identity's failures against
/// the identity alone; hallmark does the same, except that an issuer it
/// could not check (it never fetches one) is never a failure of the file.
pub(crate) fn counts_against_file(identity: &Identity) -> bool {
    let unreadable = identity
        .failures()
        .any(|code| code.code == "cawg.identity.cbor.invalid");
    let failed_credential = identity.kind == IdentityKind::IdentityClaimsAggregation
        && identity
            .failures()
            .any(|code| code.code != "cawg.ica.did_unavailable");
    unreadable || failed_credential
}

/// Whether this is an X.509 identity whose certificate nobody you trust
/// vouches for: like an untrusted signer, it leaves the file valid at best.
pub(crate) fn untrusted_certificate(identity: &Identity) -> bool {
    identity.kind == IdentityKind::X509
        && identity.failures().any(|code| {
            code.code == "signingCredential.untrusted"
                || code.code == "cawg.x509.credential.untrusted"
        })
}

fn is_identity_label(label: &str) -> bool {
    label == LABEL || label.starts_with("cawg.identity__")
}

/// Poll a future that is expected to be ready at once; `None` if it is not.
fn run_now<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(Waker::noop());
    (0..16).find_map(|_| match future.as_mut().poll(&mut context) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    })
}

/// Runs the engine's validator on the active manifest's identity
/// assertions, each with a status log of its own, and keeps what it found;
/// it logs nothing into the reader's results.
struct Collector<'c> {
    inner: CawgValidator<'c>,
    active_prefix: String,
    found: Mutex<Vec<Collected>>,
}

/// What checking one identity assertion found.
struct Collected {
    label: String,
    raw: Option<RawIdentity>,
    /// Whether the engine could read it as an identity assertion and ran
    /// its checks.
    checked: bool,
    summary: Option<Value>,
    codes: Vec<IdentityCode>,
}

/// The parts of an identity assertion hallmark reads itself.
#[derive(Deserialize)]
struct RawIdentity {
    signer_payload: RawSignerPayload,
    #[serde(default, with = "serde_bytes")]
    signature: Vec<u8>,
}

#[derive(Deserialize)]
struct RawSignerPayload {
    #[serde(default)]
    referenced_assertions: Vec<RawHashedUri>,
    #[serde(default)]
    sig_type: String,
    #[serde(default, rename = "role")]
    roles: Vec<String>,
}

#[derive(Deserialize)]
struct RawHashedUri {
    url: String,
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
impl AsyncPostValidator for Collector<'_> {
    async fn validate(
        &self,
        label: &str,
        assertion: &ManifestAssertion,
        uri: &str,
        partial_claim: &PartialClaim,
        _tracker: &mut StatusTracker,
    ) -> c2pa::Result<Option<Value>> {
        if !is_identity_label(label) || !uri.starts_with(&self.active_prefix) {
            return Ok(None);
        }
        let raw: Option<RawIdentity> = assertion
            .value()
            .ok()
            .and_then(|value| serde_json::from_value(value.clone()).ok());
        let readable = assertion
            .to_assertion::<c2pa::identity::IdentityAssertion>()
            .is_ok();
        let mut log = StatusTracker::default();
        let summary = if readable {
            self.inner
                .validate(label, assertion, uri, partial_claim, &mut log)
                .await
                .ok()
                .flatten()
        } else {
            None
        };
        let mut codes: Vec<IdentityCode> = Vec::new();
        for item in log.logged_items() {
            let Some(code) = item.validation_status.as_deref() else {
                continue;
            };
            let kind = match item.kind {
                LogKind::Success => StatusKind::Success,
                LogKind::Informational => StatusKind::Informational,
                LogKind::Failure => StatusKind::Failure,
            };
            if !codes.iter().any(|c| c.code == code && c.kind == kind) {
                codes.push(IdentityCode {
                    code: code.to_owned(),
                    explanation: Some(item.description.to_string()),
                    kind,
                });
            }
        }
        self.found
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Collected {
                label: assertion.label_with_instance(),
                raw,
                checked: readable,
                summary,
                codes,
            });
        Ok(None)
    }
}

impl Collected {
    fn into_identity(mut self, issuers: &IdentityIssuers) -> Identity {
        let kind = self.raw.as_ref().map_or(IdentityKind::Unknown, |raw| {
            IdentityKind::from_sig_type(&raw.signer_payload.sig_type)
        });
        let has_failure =
            |codes: &[IdentityCode]| codes.iter().any(|c| c.kind == StatusKind::Failure);
        // Where the engine gives no reason, hallmark says what it knows.
        if !self.checked || self.raw.is_none() {
            self.codes.push(hallmark_code(
                "cawg.identity.cbor.invalid",
                "the assertion is not a CAWG identity assertion hallmark can read",
            ));
        } else if kind == IdentityKind::Unknown && !has_failure(&self.codes) {
            let sig_type = self
                .raw
                .as_ref()
                .map_or("", |raw| raw.signer_payload.sig_type.as_str());
            self.codes.push(hallmark_code(
                "cawg.identity.sig_type.unknown",
                &format!("the signature type {sig_type:?} is not one hallmark can check"),
            ));
        } else if self.summary.is_none() && !has_failure(&self.codes) {
            self.codes.push(hallmark_code(
                "hallmark.identity.not_valid",
                "the identity did not validate and the engine gave no reason (a referenced \
                 assertion whose hash does not match, or a signature that does not verify)",
            ));
        }
        let mut identity = Identity::unjudged(kind, self.label, self.codes);
        if let Some(raw) = &self.raw {
            identity.referenced_assertions = raw
                .signer_payload
                .referenced_assertions
                .iter()
                .map(|r| assertion_label(&r.url))
                .collect();
            identity.roles.clone_from(&raw.signer_payload.roles);
            match kind {
                IdentityKind::X509 => {
                    if let Some((signer, chain)) =
                        super::certificate::from_signature(&raw.signature)
                    {
                        identity.issuer.clone_from(&signer.issuer);
                        identity.named_actor = signer
                            .common_name
                            .clone()
                            .or_else(|| signer.organization.clone());
                        identity.certificate = Some(signer);
                        identity.chain = chain;
                    }
                }
                IdentityKind::IdentityClaimsAggregation => {
                    let credential = self
                        .summary
                        .clone()
                        .or_else(|| credential_from_signature(&raw.signature));
                    if let Some(credential) = credential {
                        identity.issuer = issuer_of(&credential);
                        identity.verified_identities = verified_identities(&credential);
                        identity.named_actor = identity
                            .verified_identities
                            .iter()
                            .find_map(|v| v.name.clone().or_else(|| v.username.clone()));
                    }
                }
                IdentityKind::Unknown => {}
            }
        }
        identity.state = state_of(&identity, issuers);
        identity
    }
}

/// An identity's verdict from its codes, its kind and who vouches for it.
fn state_of(identity: &Identity, issuers: &IdentityIssuers) -> IdentityState {
    if identity.kind == IdentityKind::Unknown {
        return IdentityState::Invalid;
    }
    let failures: Vec<&IdentityCode> = identity.failures().collect();
    if failures
        .iter()
        .any(|c| !NOT_VOUCHED_FOR.contains(&c.code.as_str()))
    {
        return IdentityState::Invalid;
    }
    if !failures.is_empty() {
        return IdentityState::Unverified;
    }
    let vouched = match identity.kind {
        IdentityKind::IdentityClaimsAggregation => identity
            .issuer
            .as_deref()
            .is_some_and(|did| issuers.is_pinned(did)),
        IdentityKind::X509 => identity
            .codes
            .iter()
            .any(|c| c.kind == StatusKind::Success && c.code == "signingCredential.trusted"),
        IdentityKind::Unknown => false,
    };
    if vouched {
        IdentityState::Verified
    } else {
        IdentityState::Unverified
    }
}

fn hallmark_code(code: &str, explanation: &str) -> IdentityCode {
    IdentityCode {
        code: code.to_owned(),
        explanation: Some(explanation.to_owned()),
        kind: StatusKind::Failure,
    }
}

/// `self#jumbf=c2pa.assertions/c2pa.hash.data` → `c2pa.hash.data`.
fn assertion_label(url: &str) -> String {
    url.rsplit('/').next().unwrap_or(url).to_owned()
}

/// The credential (a W3C verifiable credential, JSON) inside an identity
/// claims aggregation signature, when the engine could not summarise it.
fn credential_from_signature(signature: &[u8]) -> Option<Value> {
    let mut scratch = StatusTracker::default();
    let sign1 = c2pa::crypto::cose::parse_cose_sign1(signature, &[], &mut scratch).ok()?;
    let payload = sign1.payload?;
    let mut credential: Value = serde_json::from_slice(&payload).ok()?;
    // The engine's summary lifts the subject's fields to the top.
    if let Some(subject) = credential.get("credentialSubject").cloned()
        && let (Some(map), Some(subject)) = (credential.as_object_mut(), subject.as_object())
    {
        for (key, value) in subject {
            map.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    Some(credential)
}

fn issuer_of(credential: &Value) -> Option<String> {
    let issuer = credential.get("issuer")?;
    issuer
        .as_str()
        .or_else(|| issuer.get("id").and_then(Value::as_str))
        .map(str::to_owned)
}

fn verified_identities(credential: &Value) -> Vec<VerifiedIdentity> {
    let Some(list) = credential
        .get("verifiedIdentities")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let text = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
    list.iter()
        .filter_map(|item| {
            Some(VerifiedIdentity {
                kind: text(item, "type")?,
                name: text(item, "name"),
                username: text(item, "username"),
                uri: text(item, "uri"),
                address: text(item, "address"),
                provider: item.get("provider").and_then(|p| {
                    Some(Provider {
                        id: text(p, "id")?,
                        name: text(p, "name")?,
                    })
                }),
                verified_at: text(item, "verifiedAt"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(kind: IdentityKind, issuer: &str, codes: &[(&str, StatusKind)]) -> Identity {
        let codes = codes
            .iter()
            .map(|(code, kind)| IdentityCode {
                code: (*code).into(),
                explanation: None,
                kind: *kind,
            })
            .collect();
        Identity {
            issuer: Some(issuer.into()),
            ..Identity::unjudged(kind, LABEL.into(), codes)
        }
    }

    #[test]
    fn an_identity_is_verified_only_when_someone_you_named_vouches_for_it() {
        use IdentityKind::{IdentityClaimsAggregation as Ica, X509};
        use StatusKind::{Failure, Success};
        let pinned = IdentityIssuers::from_json(
            "d.json",
            r#"{"id": "did:web:issuer.example", "assertionMethod": [{"publicKeyJwk":
                {"kty": "OKP", "crv": "Ed25519", "x": "gPfQ48DeVQtfDMh9in27XZfCBlblW7FdgcyqsHPBmis"}}]}"#,
        )
        .unwrap();
        let cases = [
            (
                identity(
                    Ica,
                    "did:web:issuer.example",
                    &[("cawg.ica.credential_valid", Success)],
                ),
                IdentityState::Verified,
                false,
            ),
            (
                identity(
                    Ica,
                    "did:jwk:abc",
                    &[("cawg.ica.credential_valid", Success)],
                ),
                IdentityState::Unverified,
                false,
            ),
            (
                identity(
                    Ica,
                    "did:web:other.example",
                    &[("cawg.ica.did_unavailable", Failure)],
                ),
                IdentityState::Unverified,
                false,
            ),
            (
                identity(
                    Ica,
                    "did:web:issuer.example",
                    &[("cawg.ica.signature_mismatch", Failure)],
                ),
                IdentityState::Invalid,
                true,
            ),
            (
                identity(
                    X509,
                    "CA",
                    &[
                        ("cawg.identity.well-formed", Success),
                        ("signingCredential.trusted", Success),
                    ],
                ),
                IdentityState::Verified,
                false,
            ),
            (
                identity(
                    X509,
                    "CA",
                    &[
                        ("cawg.identity.well-formed", Success),
                        ("signingCredential.untrusted", Failure),
                    ],
                ),
                IdentityState::Unverified,
                false,
            ),
            (
                identity(X509, "CA", &[("cawg.identity.pad.invalid", Failure)]),
                IdentityState::Invalid,
                false,
            ),
        ];
        for (identity, state, against_file) in cases {
            assert_eq!(state_of(&identity, &pinned), state, "{:?}", identity.codes);
            assert_eq!(
                counts_against_file(&identity),
                against_file,
                "{:?}",
                identity.codes
            );
        }
    }

    #[test]
    fn referenced_assertions_are_named_by_their_labels() {
        assert_eq!(
            assertion_label("self#jumbf=c2pa.assertions/c2pa.hash.data"),
            "c2pa.hash.data"
        );
        assert_eq!(
            assertion_label("cawg.training-mining"),
            "cawg.training-mining"
        );
    }

    #[test]
    fn a_future_that_is_never_ready_is_not_waited_for() {
        assert_eq!(run_now(std::future::ready(7)), Some(7));
        assert_eq!(run_now(std::future::pending::<()>()), None);
    }
}
