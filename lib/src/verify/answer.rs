//! The answer to "may this file be used for KIND?" with what it rests on,
//! in the one shape every front end gives it: the object `hallmark policy
//! --json` prints and the Python package's `decide` returns.

use serde::Serialize;

use super::recovered::Basis;
use super::report::{Answer, Report, State};
use crate::policy::{Kind, Use};

/// A decision for one kind of use, with its grounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyAnswer {
    /// The file, as named (`None` for bytes).
    pub file: Option<String>,
    /// The kind of use asked about (`ai_training`, …).
    pub kind: &'static str,
    /// The answer (see [`Report::decide`]).
    pub answer: Answer,
    /// The file's state; `None` (serialised as `error`) when it could not
    /// be verified.
    #[serde(serialize_with = "state_or_error")]
    pub state: Option<State>,
    /// The terms, when the answer is "only on terms" and they were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_info: Option<String>,
    /// Who signed what the answer rests on (common name, else organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// What the answer rests on.
    pub basis: Basis,
    /// Why, in words, for the bases that need saying ([`Basis::explain`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The recovered manifest the answer rests on, if it rests on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered_manifest: Option<String>,
    /// The ingredient's manifest (in the file's own store) the answer rests
    /// on, if it rests on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingredient_manifest: Option<String>,
    /// Why the file could not be verified, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl PolicyAnswer {
    /// Decide `kind` for the file named `file`, from its report or from why
    /// it could not be verified.
    pub fn new(file: Option<&str>, kind: Kind, outcome: Result<&Report, &str>) -> Self {
        let report = outcome.ok();
        let (answer, basis) = report.map_or((Answer::Unknown, Basis::Nothing), |r| r.decide(kind));
        let constraint_info = report.and_then(|r| match r.policy_for(basis).get(kind) {
            Use::Constrained(info) if answer == Answer::Constrained => info.clone(),
            _ => None,
        });
        let recovered = report
            .and_then(|r| r.recovered.as_ref())
            .filter(|_| matches!(basis, Basis::Recovered | Basis::RecoveredAllowanceIgnored));
        // The ingredient manifest an answer of `Basis::Ingredient` comes from.
        let ingredient = report
            .filter(|_| basis == Basis::Ingredient)
            .and_then(|r| r.chain.as_ref())
            .and_then(|chain| {
                let manifest = chain.sources.get(kind.as_str())?;
                chain.links.iter().find(|l| &l.manifest == manifest)
            });
        let signer = match basis {
            Basis::Credentials | Basis::Nothing => report
                .and_then(|r| r.signer.as_ref())
                .and_then(|s| s.common_name.clone().or_else(|| s.organization.clone())),
            Basis::Recovered | Basis::RecoveredAllowanceIgnored => recovered
                .and_then(|r| r.signer.as_ref())
                .and_then(|s| s.common_name.clone().or_else(|| s.organization.clone())),
            Basis::Ingredient => ingredient.and_then(|l| l.signer.clone()),
            Basis::Unsigned | Basis::UnsignedAllowanceIgnored => None,
        };
        PolicyAnswer {
            file: file.map(str::to_owned),
            kind: kind.as_str(),
            answer,
            state: report.map(|r| r.state),
            constraint_info,
            signer,
            basis,
            reason: basis.explain(),
            recovered_manifest: recovered.map(|r| r.manifest_id.clone()),
            ingredient_manifest: ingredient.map(|l| l.manifest.clone()),
            error: outcome.err().map(str::to_owned),
        }
    }
}

/// `state` as the CLI has always printed it: the state, or `error`.
fn state_or_error<S: serde::Serializer>(state: &Option<State>, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(state.map_or("error", State::as_str))
}
