//! The mapping between a [`TrainingPolicy`] and the IPTC/PLUS "Data Mining"
//! vocabulary (`plus:DataMining`, with `plus:OtherConstraints` for what the
//! vocabulary cannot say), and the restrictive reading of what a file says.
//!
//! Writing ([`Statement::from_policy`]) picks a named value only where it says
//! exactly what the policy says; every other policy becomes
//! `DMI-PROHIBITED-SEECONSTRAINT` with one English line per kind. Reading
//! ([`restrictions_from_dmi`], [`restrictions_from_tdm`]) only ever restricts:
//! an unsigned statement in a file can forbid or constrain a use, never
//! permit one, so no reading yields [`Use::Allowed`]. The full table is in
//! NOTES.md and is tested row by row below.

use crate::policy::{Kind, TrainingPolicy, Use};

/// Namespace of the PLUS properties (`plus:DataMining`, `plus:OtherConstraints`).
pub const PLUS_NS: &str = "http://ns.useplus.org/ldf/xmp/1.0/";

/// Prefix of every value of the PLUS Data Mining vocabulary.
pub const PLUS_VOCAB: &str = "http://ns.useplus.org/ldf/vocab/";

/// Namespace of W3C TDMRep properties in XMP (`tdm:reservation`, `tdm:policy`).
pub const TDM_NS: &str = "http://www.w3.org/ns/tdmrep/";

/// One value of the PLUS Data Mining vocabulary (`plus:DataMining`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataMining {
    /// `DMI-UNSPECIFIED`: no prohibition defined.
    Unspecified,
    /// `DMI-ALLOWED`.
    Allowed,
    /// `DMI-PROHIBITED-AIMLTRAINING`: prohibited for AI/ML training.
    ProhibitedAiMlTraining,
    /// `DMI-PROHIBITED-GENAIMLTRAINING`: prohibited for generative AI/ML training.
    ProhibitedGenAiMlTraining,
    /// `DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING`.
    ProhibitedExceptSearchEngineIndexing,
    /// `DMI-PROHIBITED`.
    Prohibited,
    /// `DMI-PROHIBITED-SEECONSTRAINT`: prohibited, see `plus:OtherConstraints`.
    ProhibitedSeeConstraint,
    /// `DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR` (read only; hallmark never writes it).
    ProhibitedSeeEmbeddedRightsExpr,
    /// `DMI-PROHIBITED-SEELINKEDRIGHTSEXPR` (read only; hallmark never writes it).
    ProhibitedSeeLinkedRightsExpr,
}

impl DataMining {
    /// Every value of the vocabulary.
    pub const ALL: [DataMining; 9] = [
        DataMining::Unspecified,
        DataMining::Allowed,
        DataMining::ProhibitedAiMlTraining,
        DataMining::ProhibitedGenAiMlTraining,
        DataMining::ProhibitedExceptSearchEngineIndexing,
        DataMining::Prohibited,
        DataMining::ProhibitedSeeConstraint,
        DataMining::ProhibitedSeeEmbeddedRightsExpr,
        DataMining::ProhibitedSeeLinkedRightsExpr,
    ];

    /// The code, e.g. `DMI-PROHIBITED`.
    pub fn code(self) -> &'static str {
        match self {
            DataMining::Unspecified => "DMI-UNSPECIFIED",
            DataMining::Allowed => "DMI-ALLOWED",
            DataMining::ProhibitedAiMlTraining => "DMI-PROHIBITED-AIMLTRAINING",
            DataMining::ProhibitedGenAiMlTraining => "DMI-PROHIBITED-GENAIMLTRAINING",
            DataMining::ProhibitedExceptSearchEngineIndexing => {
                "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING"
            }
            DataMining::Prohibited => "DMI-PROHIBITED",
            DataMining::ProhibitedSeeConstraint => "DMI-PROHIBITED-SEECONSTRAINT",
            DataMining::ProhibitedSeeEmbeddedRightsExpr => "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
            DataMining::ProhibitedSeeLinkedRightsExpr => "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
        }
    }

    /// The URI written into `plus:DataMining`, e.g.
    /// `http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED`.
    pub fn uri(self) -> String {
        format!("{PLUS_VOCAB}{}", self.code())
    }

    /// The value a `plus:DataMining` string names: the full URI (as IPTC
    /// specifies and ExifTool writes) or the bare code; `None` for anything else.
    pub fn from_value(value: &str) -> Option<DataMining> {
        let value = value.trim();
        let code = value.strip_prefix(PLUS_VOCAB).unwrap_or(value);
        DataMining::ALL
            .into_iter()
            .find(|v| v.code().eq_ignore_ascii_case(code))
    }
}

/// A `plus:DataMining` value as found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmiValue {
    /// A value of the vocabulary.
    Known(DataMining),
    /// Something else, as written.
    Unknown(String),
}

impl DmiValue {
    /// Reads a `plus:DataMining` string.
    pub fn parse(value: &str) -> DmiValue {
        match DataMining::from_value(value) {
            Some(known) => DmiValue::Known(known),
            None => DmiValue::Unknown(value.trim().to_string()),
        }
    }
}

/// What hallmark writes into XMP: a Data Mining value and, for
/// `DMI-PROHIBITED-SEECONSTRAINT`, the words in `plus:OtherConstraints`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The `plus:DataMining` value.
    pub data_mining: DataMining,
    /// The `plus:OtherConstraints` text (written as the `x-default` language), if any.
    pub other_constraints: Option<String>,
}

impl Statement {
    /// The statement for a signed policy, or `None` when the policy says nothing
    /// (every kind unspecified): then nothing is written, and whatever the file
    /// already says is left alone.
    ///
    /// A named value is used only where it says exactly what the policy says:
    ///
    /// | policy (training, generative, inference, mining) | value |
    /// | --- | --- |
    /// | all allowed | `DMI-ALLOWED` |
    /// | all not allowed | `DMI-PROHIBITED` |
    /// | not, not, allowed, allowed | `DMI-PROHIBITED-AIMLTRAINING` |
    /// | allowed, not, allowed, allowed | `DMI-PROHIBITED-GENAIMLTRAINING` |
    /// | anything else | `DMI-PROHIBITED-SEECONSTRAINT` + one line per kind |
    pub fn from_policy(policy: &TrainingPolicy) -> Option<Statement> {
        if policy.is_unspecified() {
            return None;
        }
        let pattern = Kind::ALL.map(|k| policy.get(k));
        let all = |u: &Use| pattern.iter().all(|p| *p == u);
        let named = if all(&Use::Allowed) {
            Some(DataMining::Allowed)
        } else if all(&Use::NotAllowed) {
            Some(DataMining::Prohibited)
        } else {
            match pattern {
                [Use::NotAllowed, Use::NotAllowed, Use::Allowed, Use::Allowed] => {
                    Some(DataMining::ProhibitedAiMlTraining)
                }
                [Use::Allowed, Use::NotAllowed, Use::Allowed, Use::Allowed] => {
                    Some(DataMining::ProhibitedGenAiMlTraining)
                }
                _ => None,
            }
        };
        Some(match named {
            Some(data_mining) => Statement {
                data_mining,
                other_constraints: None,
            },
            None => Statement {
                data_mining: DataMining::ProhibitedSeeConstraint,
                other_constraints: Some(constraint_text(policy)),
            },
        })
    }
}

/// Wording of each [`Use`] in `plus:OtherConstraints`.
const NOT_ALLOWED: &str = "not allowed";
const ALLOWED: &str = "allowed";
const NOT_STATED: &str = "not stated";
const TERMS_NONE: &str = "allowed only on terms (none given)";
const TERMS_PREFIX: &str = "allowed only on these terms: ";

/// The `plus:OtherConstraints` text for a policy: one line per kind, in
/// [`Kind::ALL`] order, `<Kind::describe>: <what the policy says>`, e.g.
///
/// ```text
/// AI training: not allowed
/// Generative AI training: not allowed
/// AI inference: allowed
/// Data mining: allowed only on these terms: ask first
/// ```
///
/// Terms are put on one line: runs of whitespace and characters XML cannot
/// hold become one space.
pub fn constraint_text(policy: &TrainingPolicy) -> String {
    let lines: Vec<String> = Kind::ALL
        .into_iter()
        .map(|kind| {
            let said = match policy.get(kind) {
                Use::Allowed => ALLOWED.to_string(),
                Use::NotAllowed => NOT_ALLOWED.to_string(),
                Use::Unspecified => NOT_STATED.to_string(),
                Use::Constrained(terms) => match terms.as_deref().map(one_line) {
                    Some(terms) if !terms.is_empty() => format!("{TERMS_PREFIX}{terms}"),
                    _ => TERMS_NONE.to_string(),
                },
            };
            format!("{}: {said}", kind.describe())
        })
        .collect();
    lines.join("\n")
}

/// `text` on one line: whitespace runs and characters XML 1.0 cannot hold
/// become one space, and the ends are trimmed.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let blank = c.is_whitespace() || c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}';
        if blank {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Reads hallmark's own `plus:OtherConstraints` wording back, one [`Use`]
/// per kind; `None` when the text is not exactly that wording (four lines,
/// one per kind, in any order).
///
/// `allowed` reads as [`Use::Unspecified`]: a file cannot grant a use.
pub fn parse_constraint_text(text: &str) -> Option<TrainingPolicy> {
    let mut policy = TrainingPolicy::default();
    let mut seen = [false; 4];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (index, kind, rest) = Kind::ALL.into_iter().enumerate().find_map(|(i, k)| {
            let rest = line.strip_prefix(k.describe())?.strip_prefix(':')?;
            Some((i, k, rest.trim()))
        })?;
        if std::mem::replace(&mut seen[index], true) {
            return None;
        }
        let said = if rest == NOT_ALLOWED {
            Use::NotAllowed
        } else if rest == ALLOWED || rest == NOT_STATED {
            Use::Unspecified
        } else if rest == TERMS_NONE {
            Use::Constrained(None)
        } else if let Some(terms) = rest.strip_prefix(TERMS_PREFIX) {
            Use::Constrained(Some(terms.trim().to_string()))
        } else {
            return None;
        };
        policy.set(kind, said);
    }
    seen.iter().all(|s| *s).then_some(policy)
}

/// Whether `text` is hallmark's own `plus:OtherConstraints` wording (and so
/// may be replaced or removed when hallmark writes a new statement).
pub fn is_own_constraint_text(text: &str) -> bool {
    parse_constraint_text(text).is_some()
}

/// The restrictive reading of a `plus:DataMining` value (with its
/// `plus:OtherConstraints`): what it forbids or constrains, per kind.
///
/// Never yields [`Use::Allowed`]: `DMI-ALLOWED` reads as nothing restricted.
/// Callers who want to show that a file *claims* a use is allowed have the
/// raw value in [`DmiValue`].
pub fn restrictions_from_dmi(value: &DmiValue, other_constraints: Option<&str>) -> TrainingPolicy {
    use DataMining as D;
    let every = |u: Use| {
        let mut p = TrainingPolicy::default();
        for k in Kind::ALL {
            p.set(k, u.clone());
        }
        p
    };
    let known = match value {
        DmiValue::Known(known) => *known,
        DmiValue::Unknown(raw) => {
            let code = raw.strip_prefix(PLUS_VOCAB).unwrap_or(raw);
            // A value from a newer vocabulary that prohibits something we cannot
            // name: constrain every kind and say why.
            return if code.to_ascii_uppercase().starts_with("DMI-PROHIBITED") {
                every(Use::Constrained(Some(format!(
                    "prohibited with an exception this reader does not know ({raw})"
                ))))
            } else {
                TrainingPolicy::default()
            };
        }
    };
    match known {
        D::Unspecified | D::Allowed => TrainingPolicy::default(),
        D::Prohibited => every(Use::NotAllowed),
        D::ProhibitedAiMlTraining => TrainingPolicy {
            ai_training: Use::NotAllowed,
            ai_generative_training: Use::NotAllowed,
            ..TrainingPolicy::default()
        },
        D::ProhibitedGenAiMlTraining => TrainingPolicy {
            ai_generative_training: Use::NotAllowed,
            ..TrainingPolicy::default()
        },
        D::ProhibitedExceptSearchEngineIndexing => {
            let mut p = every(Use::NotAllowed);
            p.data_mining = Use::Constrained(Some("only for search engine indexing".into()));
            p
        }
        D::ProhibitedSeeConstraint => match other_constraints.map(str::trim) {
            Some(text) if !text.is_empty() => parse_constraint_text(text)
                .unwrap_or_else(|| every(Use::Constrained(Some(text.to_string())))),
            _ => every(Use::Constrained(None)),
        },
        D::ProhibitedSeeEmbeddedRightsExpr => every(Use::Constrained(Some(
            "see the embedded rights expression (iptcExt:EmbdEncRightsExpr)".into(),
        ))),
        D::ProhibitedSeeLinkedRightsExpr => every(Use::Constrained(Some(
            "see the linked rights expression (iptcExt:LinkedEncRightsExpr)".into(),
        ))),
    }
}

/// The restrictive reading of W3C TDMRep properties (`tdm:reservation`,
/// `tdm:policy`).
///
/// A reservation (`1`) reserves text-and-data-mining rights, which under the
/// EU DSM directive cover AI training: AI training, generative AI training
/// and data mining become not allowed, or, when a `tdm:policy` names the
/// licence terms, constrained with the policy's address. `0`, anything else
/// or no reservation restricts nothing. Inference is not text-and-data mining.
pub fn restrictions_from_tdm(reservation: Option<&str>, policy: Option<&str>) -> TrainingPolicy {
    let mut p = TrainingPolicy::default();
    if reservation.map(str::trim) != Some("1") {
        return p;
    }
    let said = match policy.map(str::trim).filter(|s| !s.is_empty()) {
        Some(url) => Use::Constrained(Some(format!("see the TDM policy at {url}"))),
        None => Use::NotAllowed,
    };
    for kind in [
        Kind::AiTraining,
        Kind::AiGenerativeTraining,
        Kind::DataMining,
    ] {
        p.set(kind, said.clone());
    }
    p
}

/// How restrictive a use is: unspecified < allowed < constrained < not allowed.
pub fn restrictiveness(u: &Use) -> u8 {
    match u {
        Use::Unspecified => 0,
        Use::Allowed => 1,
        Use::Constrained(_) => 2,
        Use::NotAllowed => 3,
    }
}

/// Combines two readings kind by kind, the more restrictive winning (the
/// first on a tie).
pub fn most_restrictive(a: &TrainingPolicy, b: &TrainingPolicy) -> TrainingPolicy {
    let mut out = TrainingPolicy::default();
    for kind in Kind::ALL {
        let (x, y) = (a.get(kind), b.get(kind));
        let pick = if restrictiveness(y) > restrictiveness(x) {
            y
        } else {
            x
        };
        out.set(kind, pick.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use Use::{Allowed as A, NotAllowed as N, Unspecified as U};

    fn policy(t: Use, g: Use, i: Use, d: Use) -> TrainingPolicy {
        TrainingPolicy {
            ai_training: t,
            ai_generative_training: g,
            ai_inference: i,
            data_mining: d,
        }
    }

    fn c(terms: &str) -> Use {
        Use::Constrained(Some(terms.to_string()))
    }

    fn named(p: &TrainingPolicy) -> Option<DataMining> {
        Statement::from_policy(p).map(|s| {
            if s.data_mining != DataMining::ProhibitedSeeConstraint {
                assert_eq!(s.other_constraints, None);
            }
            s.data_mining
        })
    }

    // ---- forward table, row by row ----

    #[test]
    fn all_unspecified_writes_nothing() {
        assert_eq!(Statement::from_policy(&TrainingPolicy::default()), None);
    }

    #[test]
    fn all_allowed_is_dmi_allowed() {
        assert_eq!(named(&policy(A, A, A, A)), Some(DataMining::Allowed));
    }

    #[test]
    fn all_not_allowed_is_dmi_prohibited() {
        assert_eq!(
            named(&TrainingPolicy::deny_all()),
            Some(DataMining::Prohibited)
        );
    }

    #[test]
    fn training_not_allowed_rest_allowed_is_aimltraining() {
        assert_eq!(
            named(&policy(N, N, A, A)),
            Some(DataMining::ProhibitedAiMlTraining)
        );
    }

    #[test]
    fn only_generative_not_allowed_is_genaimltraining() {
        assert_eq!(
            named(&policy(A, N, A, A)),
            Some(DataMining::ProhibitedGenAiMlTraining)
        );
    }

    #[test]
    fn inference_mix_is_seeconstraint_with_every_kind() {
        let s = Statement::from_policy(&policy(N, N, N, A)).unwrap();
        assert_eq!(s.data_mining, DataMining::ProhibitedSeeConstraint);
        assert_eq!(
            s.other_constraints.as_deref(),
            Some(
                "AI training: not allowed\nGenerative AI training: not allowed\n\
                 AI inference: not allowed\nData mining: allowed"
            )
        );
    }

    #[test]
    fn constrained_is_seeconstraint_with_terms_on_one_line() {
        let s =
            Statement::from_policy(&policy(N, N, U, c("  ask first,\n\tthen pay\u{1}  "))).unwrap();
        assert_eq!(s.data_mining, DataMining::ProhibitedSeeConstraint);
        assert_eq!(
            s.other_constraints.as_deref(),
            Some(
                "AI training: not allowed\nGenerative AI training: not allowed\n\
                 AI inference: not stated\nData mining: allowed only on these terms: ask first, then pay"
            )
        );
    }

    #[test]
    fn constrained_without_terms_says_so() {
        let s = Statement::from_policy(&policy(U, U, U, Use::Constrained(None))).unwrap();
        assert!(
            s.other_constraints
                .unwrap()
                .ends_with("Data mining: allowed only on terms (none given)")
        );
        let blank = Statement::from_policy(&policy(U, U, U, c(" \n "))).unwrap();
        assert!(
            blank
                .other_constraints
                .unwrap()
                .ends_with("Data mining: allowed only on terms (none given)")
        );
    }

    #[test]
    fn partial_policies_are_seeconstraint() {
        for p in [
            policy(N, N, U, U),
            policy(N, U, U, U),
            policy(U, U, U, N),
            policy(A, A, A, U),
            policy(N, N, N, U),
            policy(N, A, A, A),
            policy(A, A, A, N),
        ] {
            assert_eq!(
                named(&p),
                Some(DataMining::ProhibitedSeeConstraint),
                "{p:?}"
            );
        }
    }

    // ---- reverse table, row by row ----

    fn back(v: DataMining, oc: Option<&str>) -> TrainingPolicy {
        restrictions_from_dmi(&DmiValue::Known(v), oc)
    }

    #[test]
    fn reverse_unspecified_and_allowed_restrict_nothing() {
        assert!(back(DataMining::Unspecified, None).is_unspecified());
        assert!(back(DataMining::Allowed, None).is_unspecified());
    }

    #[test]
    fn reverse_prohibited_is_all_not_allowed() {
        assert_eq!(
            back(DataMining::Prohibited, None),
            TrainingPolicy::deny_all()
        );
    }

    #[test]
    fn reverse_aimltraining() {
        assert_eq!(
            back(DataMining::ProhibitedAiMlTraining, None),
            policy(N, N, U, U)
        );
    }

    #[test]
    fn reverse_genaimltraining() {
        assert_eq!(
            back(DataMining::ProhibitedGenAiMlTraining, None),
            policy(U, N, U, U)
        );
    }

    #[test]
    fn reverse_except_search_indexing() {
        assert_eq!(
            back(DataMining::ProhibitedExceptSearchEngineIndexing, None),
            policy(N, N, N, c("only for search engine indexing"))
        );
    }

    #[test]
    fn reverse_seeconstraint_own_wording() {
        let text = "AI training: not allowed\nGenerative AI training: not allowed\n\
                    AI inference: allowed\nData mining: allowed only on these terms: ask first";
        assert_eq!(
            back(DataMining::ProhibitedSeeConstraint, Some(text)),
            policy(N, N, U, c("ask first"))
        );
    }

    #[test]
    fn reverse_seeconstraint_foreign_wording_constrains_everything() {
        let text = "No AI use without a licence from Example Ltd.";
        let t = c(text);
        assert_eq!(
            back(DataMining::ProhibitedSeeConstraint, Some(text)),
            policy(t.clone(), t.clone(), t.clone(), t)
        );
        let k = Use::Constrained(None);
        assert_eq!(
            back(DataMining::ProhibitedSeeConstraint, None),
            policy(k.clone(), k.clone(), k.clone(), k)
        );
    }

    #[test]
    fn reverse_rights_expressions_constrain_everything() {
        for v in [
            DataMining::ProhibitedSeeEmbeddedRightsExpr,
            DataMining::ProhibitedSeeLinkedRightsExpr,
        ] {
            let p = back(v, None);
            for k in Kind::ALL {
                assert!(matches!(p.get(k), Use::Constrained(Some(_))), "{v:?}");
            }
        }
    }

    #[test]
    fn reverse_unknown_values() {
        let p = restrictions_from_dmi(&DmiValue::parse("DMI-PROHIBITED-NEWTHING"), None);
        assert!(matches!(p.ai_inference, Use::Constrained(Some(_))));
        assert!(restrictions_from_dmi(&DmiValue::parse("whatever"), None).is_unspecified());
    }

    #[test]
    fn parse_values() {
        for v in DataMining::ALL {
            assert_eq!(DataMining::from_value(&v.uri()), Some(v));
            assert_eq!(DataMining::from_value(v.code()), Some(v));
            assert_eq!(
                DmiValue::parse(&format!(" {} ", v.uri())),
                DmiValue::Known(v)
            );
        }
        assert_eq!(
            DataMining::from_value("http://example.com/DMI-ALLOWED"),
            None
        );
    }

    #[test]
    fn own_wording_needs_all_four_lines_once() {
        assert!(parse_constraint_text("AI training: not allowed").is_none());
        let twice = "AI training: not allowed\nAI training: not allowed\n\
                     AI inference: allowed\nData mining: allowed";
        assert!(parse_constraint_text(twice).is_none());
        assert!(!is_own_constraint_text("Licence required"));
        assert!(is_own_constraint_text(&constraint_text(
            &TrainingPolicy::deny_all()
        )));
    }

    #[test]
    fn tdm_reading() {
        assert!(restrictions_from_tdm(None, None).is_unspecified());
        assert!(restrictions_from_tdm(Some("0"), Some("https://x/p")).is_unspecified());
        assert_eq!(restrictions_from_tdm(Some("1"), None), policy(N, N, U, N));
        let t = c("see the TDM policy at https://x/p");
        assert_eq!(
            restrictions_from_tdm(Some(" 1 "), Some("https://x/p")),
            policy(t.clone(), t.clone(), U, t)
        );
    }

    #[test]
    fn combining_keeps_the_stricter() {
        let a = policy(N, U, c("x"), A);
        let b = policy(c("y"), N, N, U);
        assert_eq!(most_restrictive(&a, &b), policy(N, N, N, A));
    }

    // ---- properties ----

    fn any_use() -> impl Strategy<Value = Use> {
        prop_oneof![
            Just(Use::Allowed),
            Just(Use::NotAllowed),
            Just(Use::Unspecified),
            Just(Use::Constrained(None)),
            "[ -~\n\t\u{1}é]{0,40}".prop_map(|s| Use::Constrained(Some(s))),
        ]
    }

    fn any_policy() -> impl Strategy<Value = TrainingPolicy> {
        (any_use(), any_use(), any_use(), any_use()).prop_map(|(t, g, i, d)| policy(t, g, i, d))
    }

    proptest! {
        /// policy -> DMI -> reverse never says less than the policy: every
        /// forbidden kind reads back forbidden, every constrained kind reads
        /// back at least constrained, with its terms, and nothing reads back allowed.
        #[test]
        fn round_trip_never_says_less(p in any_policy()) {
            let Some(s) = Statement::from_policy(&p) else {
                prop_assert!(p.is_unspecified());
                return Ok(());
            };
            let back = restrictions_from_dmi(&DmiValue::Known(s.data_mining), s.other_constraints.as_deref());
            for k in Kind::ALL {
                let (said, read) = (p.get(k), back.get(k));
                prop_assert_ne!(read, &Use::Allowed);
                match said {
                    Use::NotAllowed => prop_assert_eq!(read, &Use::NotAllowed),
                    Use::Constrained(terms) => {
                        let expect = terms.as_deref().map(one_line).filter(|t| !t.is_empty());
                        prop_assert_eq!(read, &Use::Constrained(expect));
                    }
                    _ => prop_assert!(restrictiveness(read) == 0 || restrictiveness(read) >= 2),
                }
            }
            // Deterministic.
            prop_assert_eq!(Statement::from_policy(&p), Some(s));
        }

        /// Reading never grants a use, whatever the file says.
        #[test]
        fn reading_never_allows(raw in "\\PC{0,60}", oc in proptest::option::of("\\PC{0,80}")) {
            let p = restrictions_from_dmi(&DmiValue::parse(&raw), oc.as_deref());
            for k in Kind::ALL {
                prop_assert_ne!(p.get(k), &Use::Allowed);
            }
        }
    }
}
