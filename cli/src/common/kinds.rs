//! Kinds of use and training policies, from the command line.

use hallmark::{Kind, TrainingPolicy, Use};

use crate::failure::Failure;

/// The policy the flags describe: every kind not allowed, except those
/// `--allow`ed or `--constrain`ed.
pub(crate) fn policy_from(
    allow: &[String],
    constrain: &[String],
) -> Result<TrainingPolicy, Failure> {
    let mut policy = TrainingPolicy::deny_all();
    let mut named = Vec::new();
    for item in allow {
        for kind in parse_kinds(item)? {
            policy.set(kind, Use::Allowed);
            named.push(kind);
        }
    }
    for item in constrain {
        let Some((kinds, terms)) = item.split_once('=') else {
            return Err(Failure::usage(format!(
                "--constrain {item}: expected KIND=TERMS, e.g. data_mining=\"research only\""
            )));
        };
        for kind in parse_kinds(kinds)? {
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
    }
    Ok(policy)
}

/// One kind of use from the command line, with the accepted names in the error.
pub(crate) fn parse_kind(text: &str) -> Result<Kind, Failure> {
    text.parse::<Kind>()
        .map_err(|e| Failure::usage(e.to_string()))
}

/// A kind of use, or `all` of them.
pub(crate) fn parse_kinds(text: &str) -> Result<Vec<Kind>, Failure> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(Kind::ALL.to_vec());
    }
    text.parse::<Kind>()
        .map(|kind| vec![kind])
        .map_err(|e| Failure::usage(format!("{e}, or all")))
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
        let policy = policy_from(&[], &strings(&["all=ask first"])).unwrap();
        assert!(
            Kind::ALL
                .iter()
                .all(|k| *policy.get(*k) == Use::Constrained(Some("ask first".into())))
        );
        let err = parse_kind("all").unwrap_err();
        assert!(!err.message.contains("or all"), "{}", err.message);
    }
}
