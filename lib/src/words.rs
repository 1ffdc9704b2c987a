//! Words for people: the one catalogue of what hallmark says about a report.
//!
//! Every front end shows a report in the same words. The words live with what
//! they describe — [`State::describe`] and [`State::explain`],
//! [`Answer::describe`], [`Kind::describe`], [`Use::describe`] — and this
//! module gathers them, with the few phrases the report views share, into
//! [`Words`]: the CLI prints them, and the browser package hands
//! [`catalogue`] to its pages as JSON, so that no page keeps a copy of its own.
//!
//! ```
//! use hallmark::words::{catalogue, TERMS};
//! use hallmark::Use;
//!
//! let words = catalogue();
//! assert_eq!(words.kinds[0].words, "AI training");
//! assert_eq!(words.answers.not_allowed, "not allowed");
//! assert_eq!(words.states.none.describe, "no Content Credentials");
//! // A constrained use's words, with its terms put in place of TERMS:
//! let said = words.uses.constrained.replacen(TERMS, "ask first", 1);
//! assert_eq!(said, Use::Constrained(Some("ask first".into())).describe());
//! ```

use serde::Serialize;

use crate::policy::{Kind, Use};
use crate::verify::{Answer, State};

/// What stands for a constrained use's terms in [`UseWords::constrained`].
pub const TERMS: &str = "{terms}";

/// Said of a report whose manifest states no training or data-mining policy.
pub const NO_POLICY: &str = "No training or data-mining policy stated";

/// Heads the policy of broken (`invalid`) credentials: shown, but not to be relied on.
pub const POLICY_AS_WRITTEN: &str =
    "Policy as written (cannot be relied on: the credentials are broken):";

/// Follows a date that only the signer states: no time-stamp authority vouches for it.
pub const STATED_BY_SIGNER: &str = "(as stated by the signer)";

/// Stands for a signer whose certificate names neither a person nor an organisation.
pub const UNNAMED_SIGNER: &str = "an unnamed signer";

/// Every word a report view needs, in one value that serialises to the JSON
/// object the browser package's `words()` returns:
///
/// ```json
/// {"kinds": [{"kind": "ai_training", "words": "AI training"}, …],
///  "answers": {"allowed": "allowed", "notAllowed": "not allowed", …},
///  "states": {"trusted": {"describe": "trusted: intact, …", "explain": "Signed and intact, …"}, …},
///  "uses": {"allowed": "allowed", "notAllowed": "not allowed",
///           "constrained": "only on terms: {terms}", "constrainedWithoutTerms": "only on terms (none given)",
///           "unspecified": "not stated"},
///  "terms": "{terms}",
///  "phrases": {"noPolicy": "No training or data-mining policy stated", …}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    /// Every [`Kind`] of use with its words, in the order reports list them.
    pub kinds: Vec<KindWords>,
    /// Each [`Answer`] in words, under its wire name.
    pub answers: AnswerWords,
    /// Each [`State`] in words, under its wire name.
    pub states: StatesWords,
    /// What a policy entry says, in words ([`Use::describe`]).
    pub uses: UseWords,
    /// What stands for the terms in [`UseWords::constrained`]: [`TERMS`].
    pub terms: &'static str,
    /// The phrases the report views share.
    pub phrases: Phrases,
}

/// One kind of use and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindWords {
    /// The kind, serialised by its wire name (`ai_training`).
    pub kind: Kind,
    /// Its words ([`Kind::describe`]), e.g. `AI training`.
    pub words: &'static str,
}

/// Each [`Answer`] in words ([`Answer::describe`]); in JSON, under the
/// answer's wire name ([`Answer::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerWords {
    /// [`Answer::Allowed`].
    pub allowed: &'static str,
    /// [`Answer::NotAllowed`].
    pub not_allowed: &'static str,
    /// [`Answer::Constrained`].
    pub constrained: &'static str,
    /// [`Answer::Unspecified`].
    pub unspecified: &'static str,
    /// [`Answer::Unknown`].
    pub unknown: &'static str,
}

impl AnswerWords {
    /// The words of `answer`.
    pub fn get(&self, answer: Answer) -> &'static str {
        match answer {
            Answer::Allowed => self.allowed,
            Answer::NotAllowed => self.not_allowed,
            Answer::Constrained => self.constrained,
            Answer::Unspecified => self.unspecified,
            Answer::Unknown => self.unknown,
        }
    }
}

/// Each [`State`] in words; in JSON, under the state's wire name ([`State::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatesWords {
    /// [`State::Trusted`].
    pub trusted: StateWords,
    /// [`State::Valid`].
    pub valid: StateWords,
    /// [`State::Invalid`].
    pub invalid: StateWords,
    /// [`State::None`].
    pub none: StateWords,
}

impl StatesWords {
    /// The words of `state`.
    pub fn get(&self, state: State) -> StateWords {
        match state {
            State::Trusted => self.trusted,
            State::Valid => self.valid,
            State::Invalid => self.invalid,
            State::None => self.none,
        }
    }
}

/// One state's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StateWords {
    /// The verdict line, as `hallmark verify` prints it ([`State::describe`]).
    pub describe: &'static str,
    /// The verdict in a plain sentence ([`State::explain`]).
    pub explain: &'static str,
}

/// What a policy entry says, in words: [`Use::describe`] for each wire value
/// of an entry's `use`, and for a missing (`null`) entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UseWords {
    /// `{"use": "allowed"}`.
    pub allowed: String,
    /// `{"use": "notAllowed"}`.
    pub not_allowed: String,
    /// `{"use": "constrained", "constraint_info": terms}`, with [`TERMS`]
    /// standing for the terms (replace its one occurrence, and only that: the
    /// terms are the creator's text, never a pattern).
    pub constrained: String,
    /// `{"use": "constrained"}` without `constraint_info`.
    pub constrained_without_terms: String,
    /// `null`: the creator said nothing.
    pub unspecified: String,
}

/// The phrases the report views share (see the constants of this module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Phrases {
    /// [`NO_POLICY`].
    pub no_policy: &'static str,
    /// [`POLICY_AS_WRITTEN`].
    pub policy_as_written: &'static str,
    /// [`STATED_BY_SIGNER`].
    pub stated_by_signer: &'static str,
    /// [`UNNAMED_SIGNER`].
    pub unnamed_signer: &'static str,
}

impl StateWords {
    /// The words of `state`, from [`State::describe`] and [`State::explain`].
    pub fn of(state: State) -> Self {
        StateWords {
            describe: state.describe(),
            explain: state.explain(),
        }
    }
}

/// The whole catalogue, every word taken from where it is defined.
pub fn catalogue() -> Words {
    Words {
        kinds: Kind::ALL
            .into_iter()
            .map(|kind| KindWords {
                kind,
                words: kind.describe(),
            })
            .collect(),
        answers: AnswerWords {
            allowed: Answer::Allowed.describe(),
            not_allowed: Answer::NotAllowed.describe(),
            constrained: Answer::Constrained.describe(),
            unspecified: Answer::Unspecified.describe(),
            unknown: Answer::Unknown.describe(),
        },
        states: StatesWords {
            trusted: StateWords::of(State::Trusted),
            valid: StateWords::of(State::Valid),
            invalid: StateWords::of(State::Invalid),
            none: StateWords::of(State::None),
        },
        uses: UseWords {
            allowed: Use::Allowed.describe(),
            not_allowed: Use::NotAllowed.describe(),
            constrained: Use::Constrained(Some(TERMS.into())).describe(),
            constrained_without_terms: Use::Constrained(None).describe(),
            unspecified: Use::Unspecified.describe(),
        },
        terms: TERMS,
        phrases: Phrases {
            no_policy: NO_POLICY,
            policy_as_written: POLICY_AS_WRITTEN,
            stated_by_signer: STATED_BY_SIGNER,
            unnamed_signer: UNNAMED_SIGNER,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn every_kind_answer_and_state_is_there_in_order() {
        let words = catalogue();
        let kinds: Vec<Kind> = words.kinds.iter().map(|k| k.kind).collect();
        assert_eq!(kinds, Kind::ALL);
        // Each state and answer has its own words, under its wire name.
        let value = serde_json::to_value(&words).unwrap();
        for state in State::ALL {
            assert_eq!(words.states.get(state), StateWords::of(state));
            let json = &value["states"][state.as_str()];
            assert_eq!(json["describe"], state.describe());
            assert_eq!(json["explain"], state.explain());
        }
        for answer in Answer::ALL {
            assert_eq!(words.answers.get(answer), answer.describe());
            assert_eq!(value["answers"][answer.as_str()], answer.describe());
        }
    }

    #[test]
    fn the_terms_template_gives_what_use_describe_gives() {
        let words = catalogue();
        assert_eq!(words.uses.constrained.matches(TERMS).count(), 1);
        for terms in [
            "ask first",
            "",
            "research only: no {terms} $& here",
            "{terms}",
        ] {
            assert_eq!(
                words.uses.constrained.replacen(TERMS, terms, 1),
                Use::Constrained(Some(terms.into())).describe(),
                "{terms:?}"
            );
        }
        assert_eq!(
            words.uses.constrained_without_terms,
            Use::Constrained(None).describe()
        );
    }

    #[test]
    fn the_json_keys_are_the_wire_names() {
        let value = serde_json::to_value(catalogue()).unwrap();
        assert_eq!(
            value["kinds"][1],
            json!({"kind": "ai_generative_training", "words": "Generative AI training"})
        );
        // Exactly the wire names, whatever order a JSON object keeps.
        let keys = |v: &Value| -> Vec<String> {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        let names = |all: &[&str]| -> Vec<String> {
            let mut names: Vec<String> = all.iter().map(|s| s.to_string()).collect();
            names.sort();
            names
        };
        assert_eq!(
            keys(&value["answers"]),
            names(&Answer::ALL.map(Answer::as_str))
        );
        assert_eq!(
            keys(&value["states"]),
            names(&State::ALL.map(State::as_str))
        );
        // The use keys are the values of a policy entry's "use", and unspecified.
        for use_ in [Use::Allowed, Use::NotAllowed] {
            let key = use_.wire_value().unwrap();
            assert_eq!(value["uses"][key], use_.describe());
        }
        assert_eq!(value["uses"]["constrained"], "only on terms: {terms}");
        assert_eq!(value["uses"]["unspecified"], "not stated");
        assert_eq!(value["terms"], TERMS);
        assert_eq!(value["phrases"]["unnamedSigner"], "an unnamed signer");
    }
}
