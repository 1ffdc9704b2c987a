//! Policy through ingredients: a file's effective training-and-mining
//! policy is its own manifest's, restricted by the effective policy of each
//! `parentOf` and `componentOf` ingredient whose manifest is in the same
//! store, recursively.
//!
//! A platform's rendition signed with the creator's original as its parent
//! keeps the creator's "no", whatever the rendition's own manifest says:
//!
//! - a restriction ("not allowed", "only on terms") from any manifest of the
//!   chain counts, even from one whose chain is broken — a "no" never needs
//!   proof;
//! - an allowance counts only where the chain down to it holds: the
//!   ingredient's manifest is intact (no failure recorded for it when the
//!   child was signed, none found for it now) all the way down;
//! - a manifest that says more than its ingredient (allows what the
//!   ingredient forbids, or forbids less) does not widen the answer, and the
//!   attempt is reported as a [`Widening`].
//!
//! `inputTo` ingredients (material used as a tool's input, not in the work)
//! do not bind the result. The walk is bounded ([`MAX_DEPTH`]) and visits
//! each manifest once.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::policy::{Kind, TrainingPolicy, Use};

/// How deep the walk goes through ingredients of ingredients.
pub const MAX_DEPTH: usize = 16;

/// Where each answer of the effective policy comes from, and what the chain
/// holds; in a report as `chain` when the active manifest has ingredient
/// manifests that bind it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyChain {
    /// The effective policy: the active manifest's, restricted through its
    /// ingredients. What [`Report::decide`](crate::Report::decide) answers from.
    pub effective: TrainingPolicy,
    /// For each kind of use whose effective answer is not the active
    /// manifest's own, the manifest (label) it comes from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
    /// Every ingredient manifest the walk reached.
    pub links: Vec<ChainLink>,
    /// Manifests that say more than their ingredients allow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub widening: Vec<Widening>,
}

/// An ingredient manifest of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainLink {
    /// The ingredient's manifest (label).
    pub manifest: String,
    /// The manifest that names it as an ingredient.
    pub ingredient_of: String,
    /// `parentOf` or `componentOf`.
    pub relationship: String,
    /// 1 for an ingredient of the active manifest, 2 for one of that, …
    pub depth: usize,
    /// Whether the chain down to it holds: its manifest and every one
    /// between it and the active manifest intact. Only then do its
    /// allowances count.
    pub intact: bool,
    /// Who signed it (common name, else organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Its own training-and-mining policy, if it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<TrainingPolicy>,
}

/// A manifest that allows more than an ingredient of it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Widening {
    /// The kind of use.
    pub kind: String,
    /// The manifest that says more.
    pub manifest: String,
    /// What it says.
    pub says: Use,
    /// The ingredient's manifest whose restriction stands.
    pub ingredient: String,
    /// What the ingredient's chain says.
    pub ingredient_says: Use,
}

/// One manifest as the walk sees it: what [`walk`] needs of a store.
pub(crate) trait Store {
    /// The manifest's stated policy, if any.
    fn policy(&self, label: &str) -> Option<TrainingPolicy>;
    /// Who signed the manifest.
    fn signer(&self, label: &str) -> Option<String>;
    /// The manifest's binding ingredients that have a manifest in the store:
    /// (their manifest, relationship, whether their recorded validation and
    /// today's check found them intact).
    fn ingredients(&self, label: &str) -> Vec<(String, String, bool)>;
}

/// The effective policy of the manifest `active` (whose own policy is
/// `own`), or `None` when no ingredient manifest binds it.
pub(crate) fn walk(store: &dyn Store, active: &str, own: &TrainingPolicy) -> Option<PolicyChain> {
    let mut chain = PolicyChain::default();
    let mut visited = HashSet::from([active.to_owned()]);
    let effective = effective_of(store, active, own, true, 0, &mut visited, &mut chain);
    if chain.links.is_empty() {
        return None;
    }
    for kind in Kind::ALL {
        let (value, source) = effective[slot(kind)].clone();
        if source != active {
            chain.sources.insert(kind.as_str().to_owned(), source);
        }
        chain.effective.set(kind, value);
    }
    Some(chain)
}

/// Per kind, in the order of [`Kind::ALL`]: a use and the manifest it comes from.
type PerKind = [(Use, String); Kind::ALL.len()];

/// Where `kind` is in a [`PerKind`].
fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Per kind, the effective use of the manifest `label` and the manifest it
/// comes from. `intact`: whether the chain down to `label` holds.
fn effective_of(
    store: &dyn Store,
    label: &str,
    own: &TrainingPolicy,
    intact: bool,
    depth: usize,
    visited: &mut HashSet<String>,
    chain: &mut PolicyChain,
) -> PerKind {
    let mut result: PerKind =
        Kind::ALL.map(|kind| (only_if(intact, own.get(kind)), label.to_owned()));
    if depth >= MAX_DEPTH {
        return result;
    }
    for (ingredient, relationship, ingredient_intact) in store.ingredients(label) {
        if !visited.insert(ingredient.clone()) {
            continue;
        }
        let policy = store.policy(&ingredient);
        let link_intact = intact && ingredient_intact;
        chain.links.push(ChainLink {
            manifest: ingredient.clone(),
            ingredient_of: label.to_owned(),
            relationship,
            depth: depth + 1,
            intact: link_intact,
            signer: store.signer(&ingredient),
            policy: policy.clone(),
        });
        let below = effective_of(
            store,
            &ingredient,
            &policy.unwrap_or_default(),
            link_intact,
            depth + 1,
            visited,
            chain,
        );
        for kind in Kind::ALL {
            let (theirs, from) = &below[slot(kind)];
            let ours = &result[slot(kind)].0;
            // A stated use of this manifest that is less restrictive than
            // what its ingredient's chain states is a widening attempt.
            let stated = own.get(kind);
            if *stated != Use::Unspecified
                && *theirs != Use::Unspecified
                && stated.restrictiveness() < theirs.restrictiveness()
            {
                chain.widening.push(Widening {
                    kind: kind.as_str().to_owned(),
                    manifest: label.to_owned(),
                    says: stated.clone(),
                    ingredient: from.clone(),
                    ingredient_says: theirs.clone(),
                });
            }
            if theirs.restrictiveness() > ours.restrictiveness() {
                result[slot(kind)] = (theirs.clone(), from.clone());
            }
        }
    }
    result
}

/// `value` where the chain holds; where it does not, only a restriction.
fn only_if(intact: bool, value: &Use) -> Use {
    match value {
        Use::Allowed if !intact => Use::Unspecified,
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest of the table: its policy and its ingredients (label, intact).
    type Row = (Option<TrainingPolicy>, Vec<(&'static str, bool)>);

    /// A store described by a table: label → row.
    struct Table(BTreeMap<&'static str, Row>);

    impl Store for Table {
        fn policy(&self, label: &str) -> Option<TrainingPolicy> {
            self.0.get(label).and_then(|(p, _)| p.clone())
        }
        fn signer(&self, _: &str) -> Option<String> {
            None
        }
        fn ingredients(&self, label: &str) -> Vec<(String, String, bool)> {
            self.0
                .get(label)
                .map(|(_, i)| {
                    i.iter()
                        .map(|(l, ok)| ((*l).to_owned(), "parentOf".to_owned(), *ok))
                        .collect()
                })
                .unwrap_or_default()
        }
    }

    fn training(value: Use) -> TrainingPolicy {
        let mut policy = TrainingPolicy::default();
        policy.set(Kind::AiTraining, value);
        policy
    }

    fn answer(table: Table, own: &TrainingPolicy) -> (Use, Option<String>, usize) {
        let chain = walk(&table, "child", own).unwrap();
        (
            chain.effective.get(Kind::AiTraining).clone(),
            chain.sources.get("ai_training").cloned(),
            chain.widening.len(),
        )
    }

    #[test]
    fn a_child_cannot_widen_its_parents_no() {
        let table = Table(BTreeMap::from([
            ("child", (None, vec![("parent", true)])),
            ("parent", (Some(training(Use::NotAllowed)), vec![])),
        ]));
        let (value, source, widening) = answer(table, &training(Use::Allowed));
        assert_eq!(
            (value, source.as_deref(), widening),
            (Use::NotAllowed, Some("parent"), 1)
        );
    }

    #[test]
    fn a_silent_child_keeps_its_parents_answer_allowed_only_when_intact() {
        for (intact, expected) in [(true, Use::Allowed), (false, Use::Unspecified)] {
            let table = Table(BTreeMap::from([
                ("child", (None, vec![("parent", intact)])),
                ("parent", (Some(training(Use::Allowed)), vec![])),
            ]));
            let (value, _, _) = answer(table, &TrainingPolicy::default());
            assert_eq!(value, expected, "intact {intact}");
        }
        // A broken parent's "no" still counts.
        let table = Table(BTreeMap::from([
            ("child", (None, vec![("parent", false)])),
            ("parent", (Some(training(Use::NotAllowed)), vec![])),
        ]));
        assert_eq!(answer(table, &TrainingPolicy::default()).0, Use::NotAllowed);
    }

    #[test]
    fn a_child_may_restrict_and_a_grandparent_still_binds() {
        let table = Table(BTreeMap::from([
            ("child", (None, vec![("parent", true)])),
            ("parent", (Some(training(Use::Allowed)), vec![])),
        ]));
        assert_eq!(
            answer(table, &training(Use::NotAllowed)),
            (Use::NotAllowed, None, 0)
        );
        let table = Table(BTreeMap::from([
            ("child", (None, vec![("parent", true)])),
            (
                "parent",
                (Some(training(Use::Allowed)), vec![("original", true)]),
            ),
            (
                "original",
                (Some(training(Use::Constrained(Some("ask".into())))), vec![]),
            ),
        ]));
        let (value, source, widening) = answer(table, &training(Use::Allowed));
        assert_eq!(value, Use::Constrained(Some("ask".into())));
        assert_eq!(source.as_deref(), Some("original"));
        assert_eq!(widening, 2, "the child and the parent both say more");
    }

    #[test]
    fn cycles_and_depth_are_bounded() {
        let table = Table(BTreeMap::from([
            ("child", (None, vec![("a", true)])),
            ("a", (None, vec![("b", true)])),
            (
                "b",
                (
                    Some(training(Use::NotAllowed)),
                    vec![("a", true), ("child", true)],
                ),
            ),
        ]));
        assert_eq!(answer(table, &TrainingPolicy::default()).0, Use::NotAllowed);
    }
}
