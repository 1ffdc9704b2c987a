//! Property tests of the policy model and the report: round trips, and the
//! rules no input may break ("constrained is never allowed", "broken
//! credentials never answer allowed").

use hallmark::verify::{Status, StatusKind, state_from_statuses};
use hallmark::{Answer, Kind, Report, State, TrainingPolicy, Use};
use proptest::prelude::*;

fn any_use() -> impl Strategy<Value = Use> {
    prop_oneof![
        Just(Use::Allowed),
        Just(Use::NotAllowed),
        Just(Use::Unspecified),
        proptest::option::of(".{0,40}").prop_map(Use::Constrained),
    ]
}

fn any_policy() -> impl Strategy<Value = TrainingPolicy> {
    (any_use(), any_use(), any_use(), any_use()).prop_map(|(a, b, c, d)| TrainingPolicy {
        ai_training: a,
        ai_generative_training: b,
        ai_inference: c,
        data_mining: d,
    })
}

fn any_state() -> impl Strategy<Value = State> {
    prop_oneof![
        Just(State::Trusted),
        Just(State::Valid),
        Just(State::Invalid),
        Just(State::None)
    ]
}

const CODES: &[&str] = &[
    "claimSignature.validated",
    "claimSignature.insideValidity",
    "claimSignature.mismatch",
    "signingCredential.trusted",
    "signingCredential.untrusted",
    "signingCredential.expired",
    "assertion.dataHash.match",
    "assertion.dataHash.mismatch",
    "assertion.hashedURI.mismatch",
    "assertion.bmffHash.mismatch",
];

fn any_status() -> impl Strategy<Value = Status> {
    (
        proptest::sample::select(CODES),
        prop_oneof![
            Just(StatusKind::Success),
            Just(StatusKind::Informational),
            Just(StatusKind::Failure)
        ],
        proptest::option::of(Just("ingredient".to_string())),
    )
        .prop_map(|(code, kind, ingredient)| Status {
            code: code.into(),
            explanation: None,
            url: None,
            kind,
            ingredient,
        })
}

fn report(state: State, policy: TrainingPolicy, statuses: Vec<Status>) -> Report {
    Report {
        state,
        policy,
        statuses,
        ..Report::none("image/jpeg")
    }
}

proptest! {
    #[test]
    fn what_is_written_reads_back_the_same(policy in any_policy()) {
        let data = policy.to_assertion_data();
        prop_assert_eq!(TrainingPolicy::from_assertion_data(&data), Some(policy.clone()));
        let json = serde_json::to_string(&policy).unwrap();
        prop_assert_eq!(serde_json::from_str::<TrainingPolicy>(&json).unwrap(), policy);
    }

    #[test]
    fn the_older_label_reads_the_same(policy in any_policy()) {
        let written = policy.to_assertion_data();
        let entries: serde_json::Map<String, serde_json::Value> = written["entries"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(key, entry)| (key.replacen("cawg.", "c2pa.", 1), entry.clone()))
            .collect();
        let data = serde_json::json!({ "entries": entries });
        prop_assert_eq!(TrainingPolicy::from_assertion_data(&data), Some(policy));
    }

    #[test]
    fn constrained_is_never_allowed(
        state in any_state(),
        policy in any_policy(),
    ) {
        let report = report(state, policy.clone(), Vec::new());
        for kind in Kind::ALL {
            if matches!(policy.get(kind), Use::Constrained(_)) {
                prop_assert_ne!(report.may_use(kind), Answer::Allowed);
            }
        }
    }

    #[test]
    fn broken_or_absent_credentials_never_answer(
        state in prop_oneof![Just(State::Invalid), Just(State::None)],
        policy in any_policy(),
    ) {
        let report = report(state, policy, Vec::new());
        for kind in Kind::ALL {
            prop_assert_eq!(report.may_use(kind), Answer::Unknown);
        }
    }

    #[test]
    fn a_failure_other_than_an_untrusted_signer_is_never_intact(
        statuses in proptest::collection::vec(any_status(), 0..12),
    ) {
        let state = state_from_statuses(&statuses);
        let other_failure = statuses
            .iter()
            .any(|s| s.kind == StatusKind::Failure && s.code != "signingCredential.untrusted");
        if other_failure {
            prop_assert_eq!(state, State::Invalid);
        }
        if state == State::Trusted {
            prop_assert!(statuses.iter().all(|s| s.kind != StatusKind::Failure));
        }
    }

    #[test]
    fn reports_round_trip_through_json(
        state in any_state(),
        policy in any_policy(),
        statuses in proptest::collection::vec(any_status(), 0..6),
        title in proptest::option::of(".{0,30}"),
    ) {
        let mut original = report(state, policy, statuses);
        original.title = title;
        let json = serde_json::to_string(&original).unwrap();
        prop_assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), original);
    }

    #[test]
    fn merging_never_loosens(first in any_policy(), second in any_policy()) {
        let mut merged = first.clone();
        merged.merge_restrictive(&second);
        for kind in Kind::ALL {
            let got = merged.get(kind);
            for side in [first.get(kind), second.get(kind)] {
                if *side == Use::NotAllowed {
                    prop_assert_eq!(got, &Use::NotAllowed);
                }
                if matches!(side, Use::Constrained(_)) {
                    prop_assert!(*got != Use::Allowed && *got != Use::Unspecified);
                }
            }
        }
    }
}
