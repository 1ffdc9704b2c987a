//! What happens to a sample: its media members' reports, an answer for the
//! kind of use asked about, and the rule that turns the answer into keep or
//! drop. Only intact credentials can keep a sample their creator did not
//! allow; unsigned statements and recovered manifests can only drop one.

use serde::{Deserialize, Serialize};

use crate::policy::{Kind, Use};
use crate::verify::{Answer, Basis, Report, State};

/// Keep a sample, or drop it from the filtered shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// The sample goes into the filtered shard.
    Keep,
    /// The sample is left out.
    Drop,
}

/// What to do with the samples whose answer is not a plain "allowed" or
/// "not allowed". Allowed samples are always kept and not-allowed ones
/// always dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Allowed only on the creator's terms (`constrained`). Default: drop —
    /// nothing here can check that the terms are met.
    pub constrained: Rule,
    /// Broken credentials (`invalid`). Default: drop — the file was changed
    /// after signing, or the signature is not what it claims.
    pub invalid: Rule,
    /// No credentials (`none`), or intact ones that say nothing about the
    /// kind. Default: keep — most of the web is unsigned; an unsigned
    /// statement or a recovered manifest that restricts drops the sample
    /// anyway.
    pub unsigned: Rule,
    /// A media member that could not be read (damaged, not what its name
    /// says, too large). Default: drop.
    pub unreadable: Rule,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            constrained: Rule::Drop,
            invalid: Rule::Drop,
            unsigned: Rule::Keep,
            unreadable: Rule::Drop,
        }
    }
}

/// One media member's outcome: its report, or why it could not be read.
pub(crate) type Outcome = std::result::Result<Box<Report>, String>;

/// A media member's answer and what the sample's decision says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDecision {
    /// The member's name in the shard.
    pub member: String,
    /// `trusted`, `valid`, `invalid`, `none`, or `error` when unreadable.
    pub state: String,
    /// The answer for the kind asked about (`allowed`, `notAllowed`,
    /// `constrained`, `unspecified`, `unknown`).
    #[serde(rename = "use")]
    pub answer: String,
    /// What the answer rests on (see [`Basis`]); absent when unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Whether this member alone would keep the sample.
    pub keep: bool,
    /// Why, in words.
    pub reason: String,
}

/// Decide one file outside a shard by the same rules: its report (or why it
/// could not be read) and the kind of use asked about. What a dataset
/// pipeline that verifies images one by one (e.g. on Ray) uses to keep or
/// drop each, exactly as `scan_shard` decides each media member.
pub fn decide_file(
    member: &str,
    report: std::result::Result<&Report, &str>,
    kind: Kind,
    rules: &Rules,
) -> MemberDecision {
    let report = match report {
        Err(error) => {
            return MemberDecision {
                member: member.to_owned(),
                state: "error".into(),
                answer: Answer::Unknown.as_str().into(),
                basis: None,
                keep: rules.unreadable == Rule::Keep,
                reason: format!("unreadable: {error}"),
            };
        }
        Ok(report) => report,
    };
    let (answer, basis) = report.decide(kind);
    let what = kind.describe();
    let (rule, reason) = match (answer, basis) {
        (Answer::Allowed, _) => (
            Rule::Keep,
            format!("{what}: allowed by the creator's intact credentials"),
        ),
        (Answer::NotAllowed, Basis::Credentials) => (
            Rule::Drop,
            format!("{what}: not allowed by the creator's intact credentials"),
        ),
        (Answer::Constrained, Basis::Credentials) => (
            rules.constrained,
            format!("{what}: {}", report.policy.get(kind).describe()),
        ),
        (Answer::NotAllowed | Answer::Constrained, _) => {
            let said = report.policy_for(basis).get(kind);
            let why = basis
                .explain()
                .unwrap_or("from a statement that is not signed");
            let rule = match said {
                Use::Constrained(_) => rules.constrained,
                _ => Rule::Drop,
            };
            (rule, format!("{what}: {} ({why})", said.describe()))
        }
        (Answer::Unspecified | Answer::Unknown, _) => match report.state {
            State::Invalid => (
                rules.invalid,
                format!("the credentials are broken ({})", failures(report)),
            ),
            State::None => (rules.unsigned, "no Content Credentials".into()),
            State::Trusted | State::Valid => (
                rules.unsigned,
                format!("{what}: the creator's intact credentials say nothing about it"),
            ),
        },
    };
    MemberDecision {
        member: member.to_owned(),
        state: report.state.as_str().into(),
        answer: answer.as_str().into(),
        basis: Some(basis),
        keep: rule == Rule::Keep,
        reason,
    }
}

fn failures(report: &Report) -> String {
    let codes: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
    if codes.is_empty() {
        "no failure code".into()
    } else {
        codes.join(", ")
    }
}
