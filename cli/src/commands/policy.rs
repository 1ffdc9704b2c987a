//! `hallmark policy`: may this file be used for a kind of use?

use crate::exit::policy_code;
use hallmark::{Answer, State, Use, Verifier};
use serde::Serialize;

use crate::args::{ColorChoice, PolicyArgs};
use crate::commands::sign::parse_kind;
use crate::commands::verify::load_anchors;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Answer and return the exit code that carries the answer.
pub(crate) fn run(args: &PolicyArgs, _color: ColorChoice) -> Result<u8, Failure> {
    let kind = parse_kind(&args.kind)?;
    let verifier = Verifier::new(&load_anchors(&args.trust)?)?;
    let file = args.file.display().to_string();
    let result = verifier.verify_file(&args.file);
    let (answer, state) = match &result {
        Ok(report) => (report.may_use(kind), Some(report.state)),
        Err(_) => (Answer::Unknown, None),
    };
    let report = result.as_ref().ok();
    let constraint = report.and_then(|r| match r.policy.get(kind) {
        Use::Constrained(info) if answer == Answer::Constrained => info.as_deref(),
        _ => None,
    });
    let signer = report
        .and_then(|r| r.signer.as_ref())
        .and_then(|s| s.common_name.as_deref().or(s.organization.as_deref()));
    if args.json {
        let line = JsonAnswer {
            file: &file,
            kind: kind.as_str(),
            answer: answer.as_str(),
            state: state.map_or("error", State::as_str),
            constraint_info: constraint,
            signer,
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
        let by = match (signer, state) {
            (Some(name), Some(State::Trusted)) => {
                format!(" (signed by {}, under your trust list)", sanitize(name))
            }
            (Some(name), Some(State::Valid)) => {
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
