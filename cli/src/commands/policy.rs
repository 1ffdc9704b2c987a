//! `hallmark policy`: may this file be used for a kind of use?

use crate::exit::policy_code;
use hallmark::recover::http::HttpResolver;
use hallmark::verify::Basis;
use hallmark::{Answer, State, Use, Verifier};
use serde::Serialize;

use crate::args::{ColorChoice, PolicyArgs};
use crate::commands::sign::parse_kind;
use crate::commands::verify::{load_anchors, verify_and_recover};
use crate::failure::Failure;
use crate::output;
use crate::render::sanitize;

/// The `--json` answer.
#[derive(Serialize)]
struct JsonAnswer<'a> {
    file: &'a str,
    kind: &'a str,
    answer: &'static str,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraint_info: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<&'a str>,
    /// What the answer rests on: `credentials`, `recovered`,
    /// `recovered_allowance_ignored` or `nothing`.
    basis: Basis,
    /// Why, when the answer rests on a recovered manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    /// The recovered manifest the answer rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    recovered_manifest: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Answer and return the exit code that carries the answer.
pub(crate) fn run(args: &PolicyArgs, _color: ColorChoice) -> Result<u8, Failure> {
    let kind = parse_kind(&args.kind)?;
    let verifier = Verifier::new(&load_anchors(&args.trust)?)?;
    let resolver = args.recover.as_deref().map(HttpResolver::new).transpose()?;
    let file = args.file.display().to_string();
    let result = verify_and_recover(&verifier, resolver.as_ref(), &args.file);
    let (answer, basis, state) = match &result {
        Ok(report) => {
            let (answer, basis) = report.decide(kind);
            (answer, basis, Some(report.state))
        }
        Err(_) => (Answer::Unknown, Basis::Nothing, None),
    };
    let report = result.as_ref().ok();
    let constraint = report.and_then(|r| match r.policy_for(basis).get(kind) {
        Use::Constrained(info) if answer == Answer::Constrained => info.as_deref(),
        _ => None,
    });
    let recovered = report
        .and_then(|r| r.recovered.as_ref())
        .filter(|_| matches!(basis, Basis::Recovered | Basis::RecoveredAllowanceIgnored));
    let signer = match basis {
        Basis::Credentials | Basis::Nothing => report.and_then(|r| r.signer.as_ref()),
        Basis::Recovered | Basis::RecoveredAllowanceIgnored => {
            recovered.and_then(|r| r.signer.as_ref())
        }
        Basis::Unsigned | Basis::UnsignedAllowanceIgnored => None,
    }
    .and_then(|s| s.common_name.as_deref().or(s.organization.as_deref()));
    if args.json {
        let line = JsonAnswer {
            file: &file,
            kind: kind.as_str(),
            answer: answer.as_str(),
            state: state.map_or("error", State::as_str),
            constraint_info: constraint,
            signer,
            basis,
            reason: basis.explain(),
            recovered_manifest: recovered.map(|r| r.manifest_id.as_str()),
            error: result.as_ref().err().map(ToString::to_string),
        };
        output::print(format!(
            "{}\n",
            serde_json::to_string(&line).unwrap_or_else(|_| "{}".into())
        ))?;
    } else {
        let what = kind.describe();
        let sentence = match (answer, state) {
            (Answer::Allowed, _) => format!("{what} is allowed"),
            (Answer::NotAllowed, _) => format!("{what} is not allowed"),
            (Answer::Constrained, _) => format!(
                "{what} is allowed only on terms: {}",
                constraint
                    .map(sanitize)
                    .unwrap_or_else(|| "(none given)".into())
            ),
            (Answer::Unspecified, _)
                if matches!(
                    basis,
                    Basis::RecoveredAllowanceIgnored | Basis::UnsignedAllowanceIgnored
                ) =>
            {
                format!("{what} is not stated by this file's own credentials")
            }
            (Answer::Unspecified, _) => {
                format!("the creator said nothing about {}", what.to_lowercase())
            }
            (Answer::Unknown, Some(State::None)) => {
                "unknown: the file has no Content Credentials".into()
            }
            (Answer::Unknown, Some(_)) => {
                "unknown: its Content Credentials are broken, so nothing they say can be relied on"
                    .into()
            }
            (Answer::Unknown, None) => format!(
                "unknown: {}",
                result
                    .as_ref()
                    .err()
                    .map(|e| sanitize(&e.to_string()))
                    .unwrap_or_default()
            ),
        };
        let by = match (signer, recovered, state) {
            (Some(name), Some(recovered), _) => format!(
                " (recovered from {}: manifest {} signed by {}, {} bits from this copy; {})",
                sanitize(&recovered.repository),
                sanitize(&recovered.manifest_id),
                sanitize(name),
                recovered.distance,
                basis.explain().unwrap_or_default()
            ),
            (None, Some(recovered), _) => format!(
                " (recovered from {}: manifest {}; {})",
                sanitize(&recovered.repository),
                sanitize(&recovered.manifest_id),
                basis.explain().unwrap_or_default()
            ),
            (_, None, _) if matches!(basis, Basis::Unsigned | Basis::UnsignedAllowanceIgnored) => {
                format!(" ({})", basis.explain().unwrap_or_default())
            }
            (Some(name), None, Some(State::Trusted)) => {
                format!(" (signed by {}, under your trust list)", sanitize(name))
            }
            (Some(name), None, Some(State::Valid)) => {
                format!(
                    " (signed by {}; identity not vouched for by your trust list)",
                    sanitize(name)
                )
            }
            _ => String::new(),
        };
        output::print(format!("{}: {sentence}{by}\n", sanitize(&file)))?;
    }
    Ok(policy_code(answer, state))
}
