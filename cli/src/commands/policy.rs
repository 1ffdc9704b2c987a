//! `hallmark policy`: may this file be used for a kind of use?

use crate::exit::policy_code;
use hallmark::recover::http::HttpResolver;
use hallmark::verify::{Basis, PolicyAnswer};
use hallmark::{Answer, State};

use crate::args::{ColorChoice, PolicyArgs};
use crate::common::kinds::parse_kind;
use crate::common::verifying::{verifier_for, verify_and_recover};
use crate::failure::Failure;
use crate::output;
use crate::render::sanitize;

/// Answer and return the exit code that carries the answer.
pub(crate) fn run(args: &PolicyArgs, _color: ColorChoice) -> Result<u8, Failure> {
    let kind = parse_kind(&args.kind)?;
    let verifier = verifier_for(&args.trust)?;
    let resolver = args.recover.as_deref().map(HttpResolver::new).transpose()?;
    let file = args.file.display().to_string();
    let result = verify_and_recover(&verifier, resolver.as_ref(), &args.file);
    let error = result.as_ref().err().map(ToString::to_string);
    let decided = PolicyAnswer::new(
        Some(&file),
        kind,
        result
            .as_ref()
            .map_err(|_| error.as_deref().unwrap_or_default()),
    );
    let (answer, basis, state) = (decided.answer, decided.basis, decided.state);
    let constraint = decided.constraint_info.as_deref();
    let signer = decided.signer.as_deref();
    let recovered = result
        .as_ref()
        .ok()
        .and_then(|r| r.recovered.as_ref())
        .filter(|_| decided.recovered_manifest.is_some());
    if args.json {
        output::print(format!(
            "{}\n",
            // Serialising this plain structure cannot fail; an empty object is a safe fallback.
            serde_json::to_string(&decided).unwrap_or_else(|_| "{}".into())
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
            (_, None, _) if basis == Basis::Ingredient => format!(
                " (manifest {}{}; {})",
                sanitize(decided.ingredient_manifest.as_deref().unwrap_or("?")),
                signer
                    .map(|name| format!(", signed by {}", sanitize(name)))
                    .unwrap_or_default(),
                basis.explain().unwrap_or_default()
            ),
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
