//! An identity in words for people: who it names, who vouches for it, and
//! its verdict. The CLI prints these lines; the browser package hands the
//! same function to its pages.

use super::{Identity, IdentityKind, IdentityState, VerifiedIdentity};

/// How many verified identities a line names before "and N more".
const NAMED_AT_MOST: usize = 3;

impl Identity {
    /// The identity in a line of words, as `hallmark verify` prints it after
    /// `Identity: `, e.g. `testuser23 on Behance (claimed via
    /// did:web:connected-identities.identity-stage.adobe.com; not checked:
    /// issuer not pinned)`.
    pub fn describe(&self) -> String {
        let who = self.who();
        let issuer = self.issuer.as_deref().unwrap_or("an unnamed issuer");
        let failures = || {
            let codes: Vec<&str> = self.failures().map(|c| c.code.as_str()).collect();
            codes.join(", ")
        };
        match (self.kind, self.state) {
            (IdentityKind::IdentityClaimsAggregation, IdentityState::Verified) => {
                format!("{who} (verified by the pinned issuer {issuer})")
            }
            (IdentityKind::IdentityClaimsAggregation, IdentityState::Unverified) => {
                let why = if self
                    .codes
                    .iter()
                    .any(|c| c.code == "hallmark.identity.incomplete")
                {
                    "its check did not complete"
                } else if issuer.starts_with("did:web:") {
                    "issuer not pinned"
                } else {
                    "the issuer vouches for itself (its key is in its own DID)"
                };
                format!("{who} (claimed via {issuer}; not checked: {why})")
            }
            (IdentityKind::IdentityClaimsAggregation, IdentityState::Invalid) => {
                format!(
                    "{who} (claimed via {issuer}) does not hold up: {}",
                    failures()
                )
            }
            (IdentityKind::X509, IdentityState::Verified) => {
                format!("{who} (X.509 certificate from {issuer}, a CA in your trust list)")
            }
            (IdentityKind::X509, IdentityState::Unverified) => format!(
                "{who} (X.509 certificate from {issuer}; not vouched for: not a CA in your trust list)"
            ),
            (IdentityKind::X509, IdentityState::Invalid) => {
                format!(
                    "{who} (X.509 certificate from {issuer}) does not hold up: {}",
                    failures()
                )
            }
            (IdentityKind::Unknown, _) => format!(
                "an identity hallmark cannot check ({})",
                self.codes
                    .first()
                    .map_or("no reason given", |c| c.code.as_str())
            ),
        }
    }

    /// Who the identity names, in a few words.
    fn who(&self) -> String {
        if self.kind == IdentityKind::X509 {
            let certificate = self.certificate.as_ref();
            let name = certificate.and_then(|c| c.common_name.as_deref());
            let org = certificate.and_then(|c| c.organization.as_deref());
            return match (name, org) {
                (Some(name), Some(org)) if name != org => format!("{name}, {org}"),
                (Some(name), _) => name.to_owned(),
                (None, Some(org)) => org.to_owned(),
                (None, None) => "an unnamed certificate holder".to_owned(),
            };
        }
        let named: Vec<String> = self
            .verified_identities
            .iter()
            .take(NAMED_AT_MOST)
            .map(verified_words)
            .collect();
        let more = self.verified_identities.len().saturating_sub(NAMED_AT_MOST);
        match (named.is_empty(), more) {
            (true, _) => "an unnamed identity".to_owned(),
            (false, 0) => named.join(", "),
            (false, more) => format!("{} and {more} more", named.join(", ")),
        }
    }
}

/// One verified identity in words: `testuser23 on Behance`, `Ada Lovelace
/// (ada) on LinkedIn`, `Ada Lovelace (document verified by Acme ID)`.
fn verified_words(identity: &VerifiedIdentity) -> String {
    let handle = identity
        .username
        .as_deref()
        .or(identity.uri.as_deref())
        .or(identity.address.as_deref());
    let who = match (identity.name.as_deref(), handle) {
        (Some(name), Some(handle)) => format!("{name} ({handle})"),
        (Some(name), None) => name.to_owned(),
        (None, Some(handle)) => handle.to_owned(),
        (None, None) => "someone".to_owned(),
    };
    let Some(provider) = identity.provider.as_ref() else {
        return who;
    };
    let provider = provider_words(&provider.name);
    match identity.kind.as_str() {
        "cawg.social_media" | "cawg.web_site" | "cawg.crypto_wallet" => {
            format!("{who} on {provider}")
        }
        "cawg.affiliation" => format!("{who}, member of {provider}"),
        "cawg.document_verification" => format!("{who} (document verified by {provider})"),
        _ => format!("{who} ({provider})"),
    }
}

/// A provider's name as people write it: `behance` → `Behance`; names
/// that already have capitals (`LinkedIn`) are kept.
pub fn provider_words(name: &str) -> String {
    if name.chars().any(char::is_uppercase) {
        return name.to_owned();
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{IdentityCode, LABEL, Provider};
    use super::*;
    use crate::verify::verdict::StatusKind;

    fn behance(state: IdentityState, issuer: &str, codes: &[&str]) -> Identity {
        Identity {
            kind: IdentityKind::IdentityClaimsAggregation,
            state,
            issuer: Some(issuer.into()),
            named_actor: Some("testuser23".into()),
            verified_identities: vec![VerifiedIdentity {
                kind: "cawg.social_media".into(),
                name: None,
                username: Some("testuser23".into()),
                uri: Some("https://net.s2stagehance.com/testuser23".into()),
                address: None,
                provider: Some(Provider {
                    id: "https://behance.net".into(),
                    name: "behance".into(),
                }),
                verified_at: Some("2025-04-09T22:45:26Z".into()),
            }],
            certificate: None,
            chain: Vec::new(),
            referenced_assertions: vec!["c2pa.hash.data".into()],
            roles: Vec::new(),
            label: LABEL.into(),
            codes: codes
                .iter()
                .map(|code| IdentityCode {
                    code: (*code).into(),
                    explanation: None,
                    kind: StatusKind::Failure,
                })
                .collect(),
        }
    }

    #[test]
    fn an_identity_reads_as_who_it_names_and_who_vouches_for_it() {
        let stage = "did:web:connected-identities.identity-stage.adobe.com";
        assert_eq!(
            behance(
                IdentityState::Unverified,
                stage,
                &["cawg.ica.did_unavailable"]
            )
            .describe(),
            "testuser23 on Behance (claimed via did:web:connected-identities.identity-stage.adobe.com; \
             not checked: issuer not pinned)"
        );
        assert_eq!(
            behance(IdentityState::Verified, stage, &[]).describe(),
            "testuser23 on Behance (verified by the pinned issuer \
             did:web:connected-identities.identity-stage.adobe.com)"
        );
        assert_eq!(
            behance(
                IdentityState::Invalid,
                stage,
                &["cawg.ica.signature_mismatch"]
            )
            .describe(),
            "testuser23 on Behance (claimed via did:web:connected-identities.identity-stage.adobe.com) \
             does not hold up: cawg.ica.signature_mismatch"
        );
        assert!(
            behance(IdentityState::Unverified, "did:jwk:eyJ", &[])
                .describe()
                .ends_with(
                    "not checked: the issuer vouches for itself (its key is in its own DID))"
                )
        );
    }

    #[test]
    fn provider_names_are_capitalised_unless_they_already_are() {
        assert_eq!(provider_words("behance"), "Behance");
        assert_eq!(provider_words("LinkedIn"), "LinkedIn");
        assert_eq!(provider_words(""), "");
    }
}
