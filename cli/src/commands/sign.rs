//! `hallmark sign`: embed a Content Credential with the creator's policy.

use hallmark::credentials::CredentialsFolder;
use hallmark::policy::Kind;
use hallmark::sign::{SignOptions, SourceType, sign_file};
use hallmark::{Overwrite, TrainingPolicy, Use};

use crate::args::SignArgs;
use crate::failure::Failure;
use crate::passphrase::{self, Purpose};

/// Sign one file into a new one.
pub fn run(args: &SignArgs) -> Result<(), Failure> {
    let options = SignOptions {
        title: args.title.clone(),
        author: args.author.clone(),
        source_type: args
            .source_type
            .parse::<SourceType>()
            .map_err(|e| Failure::usage(e.to_string()))?,
        policy: policy_from(&args.allow, &args.constrain)?,
    };
    let passphrase = passphrase::obtain(args.passphrase_file.as_deref(), Purpose::Unlock)?;
    let credentials = CredentialsFolder::at(&args.credentials)
        .load(Some(&passphrase))
        .map_err(|e| Failure::setup(&e))?;
    let signed = sign_file(
        &credentials,
        &args.input,
        &args.output,
        &options,
        Overwrite::Never,
    )
    .map_err(|e| Failure::file(&e))?;
    let history = if signed.kept_parent {
        " (its earlier credentials are kept as its history)"
    } else {
        ""
    };
    println!(
        "Signed {} -> {}{history}",
        args.input.display(),
        args.output.display()
    );
    for kind in Kind::ALL {
        println!(
            "  {}: {}",
            kind.describe(),
            options.policy.get(kind).describe()
        );
    }
    Ok(())
}

/// The policy the flags describe: every kind not allowed, except those
/// `--allow`ed or `--constrain`ed.
pub fn policy_from(allow: &[String], constrain: &[String]) -> Result<TrainingPolicy, Failure> {
    let mut policy = TrainingPolicy::deny_all();
    let mut named = Vec::new();
    for item in allow {
        let kinds = if item.trim().eq_ignore_ascii_case("all") {
            Kind::ALL.to_vec()
        } else {
            vec![parse_kind(item)?]
        };
        for kind in kinds {
            policy.set(kind, Use::Allowed);
            named.push(kind);
        }
    }
    for item in constrain {
        let Some((kind, terms)) = item.split_once('=') else {
            return Err(Failure::usage(format!(
                "--constrain {item}: expected KIND=TERMS, e.g. data_mining=\"research only\""
            )));
        };
        let kind = parse_kind(kind)?;
        if named.contains(&kind) {
            return Err(Failure::usage(format!(
                "{kind} is both allowed and constrained; say one or the other"
            )));
        }
        let terms = terms.trim();
        policy.set(
            kind,
            Use::Constrained((!terms.is_empty()).then(|| terms.to_owned())),
        );
    }
    Ok(policy)
}

fn parse_kind(text: &str) -> Result<Kind, Failure> {
    text.parse::<Kind>()
        .map_err(|e| Failure::usage(format!("{e} (or all)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unnamed_kinds_stay_not_allowed() {
        let policy = policy_from(
            &strings(&["ai_inference"]),
            &strings(&["data_mining=ask me"]),
        )
        .unwrap();
        assert_eq!(policy.ai_inference, Use::Allowed);
        assert_eq!(policy.data_mining, Use::Constrained(Some("ask me".into())));
        assert_eq!(policy.ai_training, Use::NotAllowed);
        assert_eq!(policy.ai_generative_training, Use::NotAllowed);
    }

    #[test]
    fn all_and_bad_kinds() {
        let policy = policy_from(&strings(&["all"]), &[]).unwrap();
        assert!(Kind::ALL.iter().all(|k| *policy.get(*k) == Use::Allowed));
        let err = policy_from(&strings(&["training"]), &[]).unwrap_err();
        assert!(
            err.message.contains("unknown kind of use \"training\""),
            "{}",
            err.message
        );
        assert!(policy_from(&strings(&["all"]), &strings(&["ai_training=x"])).is_err());
        assert!(policy_from(&[], &strings(&["ai_training"])).is_err());
    }
}
