//! The creator's training-and-data-mining policy ("do not train").
//!
//! A [`TrainingPolicy`] holds one [`Use`] per [`Kind`] of use. It becomes the
//! `cawg.training-mining` assertion when signing, and is read back from that
//! label or the older `c2pa.training-mining` when verifying:
//!
//! ```json
//! {"entries": {"cawg.ai_training": {"use": "notAllowed"},
//!              "cawg.data_mining": {"use": "constrained", "constraint_info": "ask first"}}}
//! ```
//!
//! Whether a file may be used for something also depends on whether its
//! credentials hold up; that answer is [`crate::Report::may_use`].

use std::fmt;
use std::str::FromStr;

use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Label of the training-and-data-mining assertion hallmark writes (CAWG).
pub const LABEL: &str = "cawg.training-mining";

/// Label of the older C2PA 1.x training-and-data-mining assertion, still read.
pub const LEGACY_LABEL: &str = "c2pa.training-mining";

/// A kind of use a creator can allow or forbid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Training AI models of any kind.
    AiTraining,
    /// Training generative AI models.
    AiGenerativeTraining,
    /// Using the work as input to an AI model (inference).
    AiInference,
    /// Text and data mining.
    DataMining,
}

impl Kind {
    /// All four kinds, in the order reports list them.
    pub const ALL: [Kind; 4] = [
        Kind::AiTraining,
        Kind::AiGenerativeTraining,
        Kind::AiInference,
        Kind::DataMining,
    ];

    /// The name used on the command line and in reports, e.g. `ai_training`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AiTraining => "ai_training",
            Kind::AiGenerativeTraining => "ai_generative_training",
            Kind::AiInference => "ai_inference",
            Kind::DataMining => "data_mining",
        }
    }

    /// Words for people, e.g. `AI training`.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::AiTraining => "AI training",
            Kind::AiGenerativeTraining => "Generative AI training",
            Kind::AiInference => "AI inference",
            Kind::DataMining => "Data mining",
        }
    }

    /// The entry key under `cawg.training-mining`, e.g. `cawg.ai_training`.
    pub fn entry_key(self) -> String {
        format!("cawg.{}", self.as_str())
    }

    /// The kind an assertion entry key names, under either label's prefix
    /// (`cawg.ai_training` or the older `c2pa.ai_training`).
    pub fn from_entry_key(key: &str) -> Option<Kind> {
        let bare = key
            .strip_prefix("cawg.")
            .or_else(|| key.strip_prefix("c2pa."))?;
        bare.parse().ok()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a string that names no [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown kind of use \"{0}\": expected ai_training, ai_generative_training, ai_inference or data_mining"
)]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    /// Parses `ai_training`, also written `ai-training` or `AI_TRAINING`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normal = s.trim().to_ascii_lowercase().replace('-', "_");
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == normal)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// What a creator said about one kind of use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Use {
    /// The use is permitted.
    Allowed,
    /// The use is forbidden.
    NotAllowed,
    /// The use is permitted only on terms, given in words if present.
    Constrained(Option<String>),
    /// The creator said nothing about this use.
    #[default]
    Unspecified,
}

impl Use {
    /// How restrictive a use is, for combining conflicting statements:
    /// the more restrictive statement wins.
    pub(crate) fn restrictiveness(&self) -> u8 {
        match self {
            Use::Unspecified => 0,
            Use::Allowed => 1,
            Use::Constrained(_) => 2,
            Use::NotAllowed => 3,
        }
    }

    /// The wire value (`allowed`, `notAllowed`, `constrained`), or `None` when unspecified.
    pub fn wire_value(&self) -> Option<&'static str> {
        match self {
            Use::Allowed => Some("allowed"),
            Use::NotAllowed => Some("notAllowed"),
            Use::Constrained(_) => Some("constrained"),
            Use::Unspecified => None,
        }
    }

    /// Words for people, e.g. `not allowed`.
    pub fn describe(&self) -> String {
        match self {
            Use::Allowed => "allowed".into(),
            Use::NotAllowed => "not allowed".into(),
            Use::Constrained(Some(info)) => format!("only on terms: {info}"),
            Use::Constrained(None) => "only on terms (none given)".into(),
            Use::Unspecified => "not stated".into(),
        }
    }
}

/// The OpenAPI schema of a [`Use`], as it appears on the wire: `null`
/// (unspecified) or `{"use": "allowed" | "notAllowed" | "constrained",
/// "constraint_info"?: string}`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Use {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
            .description(Some(
                "What the creator said about one kind of use; null when nothing",
            ))
            .property(
                "use",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["allowed", "notAllowed", "constrained"])),
            )
            .required("use")
            .property(
                "constraint_info",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("The terms of a constrained use, in words")),
            )
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Use {}

/// One entry as it appears on the wire.
#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(rename = "use")]
    use_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    constraint_info: Option<String>,
}

impl Serialize for Use {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let constraint_info = match self {
            Use::Constrained(info) => info.clone(),
            _ => None,
        };
        match self.wire_value() {
            Some(value) => Entry {
                use_: value.into(),
                constraint_info,
            }
            .serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Use {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<Entry>::deserialize(deserializer)?
            .map(Use::from_entry)
            .unwrap_or_default())
    }
}

impl Use {
    fn from_entry(entry: Entry) -> Use {
        match entry.use_.as_str() {
            "allowed" => Use::Allowed,
            "notAllowed" => Use::NotAllowed,
            "constrained" => Use::Constrained(entry.constraint_info),
            // A value the specification does not define says nothing we can honour.
            _ => Use::Unspecified,
        }
    }

    /// An entry's statement; `None` when it cannot be read (not an entry, or
    /// a `use` value the specification does not define). `null` says nothing.
    fn read(value: &Value) -> Option<Use> {
        if value.is_null() {
            return Some(Use::Unspecified);
        }
        let entry = serde_json::from_value::<Entry>(value.clone()).ok()?;
        match entry.use_.as_str() {
            "allowed" | "notAllowed" | "constrained" => Some(Use::from_entry(entry)),
            _ => None,
        }
    }
}

/// One [`Use`] per [`Kind`]: everything a creator said about training and mining.
///
/// [`TrainingPolicy::default`] says nothing (every use unspecified);
/// [`TrainingPolicy::deny_all`] is what hallmark signs when the creator gives no choice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingPolicy {
    /// Training AI models.
    #[serde(default)]
    pub ai_training: Use,
    /// Training generative AI models.
    #[serde(default)]
    pub ai_generative_training: Use,
    /// Using the work as AI input.
    #[serde(default)]
    pub ai_inference: Use,
    /// Text and data mining.
    #[serde(default)]
    pub data_mining: Use,
}

impl TrainingPolicy {
    /// Every kind of use not allowed: hallmark's default when signing.
    pub fn deny_all() -> Self {
        let mut policy = Self::default();
        for kind in Kind::ALL {
            policy.set(kind, Use::NotAllowed);
        }
        policy
    }

    /// What the policy says about `kind`.
    pub fn get(&self, kind: Kind) -> &Use {
        match kind {
            Kind::AiTraining => &self.ai_training,
            Kind::AiGenerativeTraining => &self.ai_generative_training,
            Kind::AiInference => &self.ai_inference,
            Kind::DataMining => &self.data_mining,
        }
    }

    /// Set what the policy says about `kind`.
    pub fn set(&mut self, kind: Kind, value: Use) -> &mut Self {
        let slot = match kind {
            Kind::AiTraining => &mut self.ai_training,
            Kind::AiGenerativeTraining => &mut self.ai_generative_training,
            Kind::AiInference => &mut self.ai_inference,
            Kind::DataMining => &mut self.data_mining,
        };
        *slot = value;
        self
    }

    /// Whether the policy says anything at all.
    pub fn is_unspecified(&self) -> bool {
        Kind::ALL.iter().all(|k| *self.get(*k) == Use::Unspecified)
    }

    /// The data of the `cawg.training-mining` assertion for this policy.
    pub fn to_assertion_data(&self) -> Value {
        let mut entries = Map::new();
        for kind in Kind::ALL {
            let entry = serde_json::to_value(self.get(kind)).unwrap_or(Value::Null);
            if !entry.is_null() {
                entries.insert(kind.entry_key(), entry);
            }
        }
        json!({ "entries": entries })
    }

    /// Read a policy from the data of a training-mining assertion (either label).
    ///
    /// Returns `None` when the data has no `entries` object. Entries for kinds
    /// hallmark does not know are ignored. Statements about the same kind
    /// (under both prefixes) combine, the more restrictive winning; a
    /// statement hallmark cannot read (a `use` value the specification does
    /// not define) counts as unspecified, and keeps the kind from reading as
    /// allowed: it might have said otherwise.
    pub fn from_assertion_data(data: &Value) -> Option<Self> {
        data.get("entries")?.as_object()?;
        Self::from_assertions([Some(data)])
    }

    /// Read the policy of a manifest from the data of each of its
    /// training-mining assertions (`None` for one whose data cannot be read
    /// at all). Everything said about a kind combines as in
    /// [`TrainingPolicy::from_assertion_data`]; an unreadable assertion, or one
    /// without entries, keeps every kind from reading as allowed. `None` when
    /// there are no assertions.
    pub fn from_assertions<'a>(
        assertions: impl IntoIterator<Item = Option<&'a Value>>,
    ) -> Option<Self> {
        let mut policy: Option<Self> = None;
        let mut doubtful = [false; 4];
        for data in assertions {
            let policy = policy.get_or_insert_with(Self::default);
            let Some(entries) = data
                .and_then(|d| d.get("entries"))
                .and_then(Value::as_object)
            else {
                doubtful = [true; 4];
                continue;
            };
            for (key, value) in entries {
                let Some(kind) = Kind::from_entry_key(key) else {
                    continue;
                };
                match Use::read(value) {
                    Some(value) => policy.combine(kind, value),
                    None => doubtful[kind as usize] = true,
                }
            }
        }
        let mut policy = policy?;
        for kind in Kind::ALL {
            if doubtful[kind as usize] && *policy.get(kind) == Use::Allowed {
                policy.set(kind, Use::Unspecified);
            }
        }
        Some(policy)
    }

    /// Fold `other` into this policy, the more restrictive statement winning for each kind.
    ///
    /// Used when a manifest carries more than one training-mining assertion:
    /// a second, contradicting assertion can only narrow what is allowed.
    pub fn merge_restrictive(&mut self, other: &TrainingPolicy) {
        for kind in Kind::ALL {
            self.combine(kind, other.get(kind).clone());
        }
    }

    fn combine(&mut self, kind: Kind, value: Use) {
        if value.restrictiveness() > self.get(kind).restrictiveness() {
            self.set(kind, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deny_all_writes_four_not_allowed_entries() {
        let data = TrainingPolicy::deny_all().to_assertion_data();
        assert_eq!(
            data,
            json!({"entries": {
                "cawg.ai_training": {"use": "notAllowed"},
                "cawg.ai_generative_training": {"use": "notAllowed"},
                "cawg.ai_inference": {"use": "notAllowed"},
                "cawg.data_mining": {"use": "notAllowed"},
            }})
        );
    }

    #[test]
    fn constrained_keeps_its_terms_and_unspecified_is_omitted() {
        let mut policy = TrainingPolicy::default();
        policy
            .set(
                Kind::DataMining,
                Use::Constrained(Some("research only".into())),
            )
            .set(Kind::AiInference, Use::Allowed);
        let data = policy.to_assertion_data();
        assert_eq!(
            data,
            json!({"entries": {
                "cawg.ai_inference": {"use": "allowed"},
                "cawg.data_mining": {"use": "constrained", "constraint_info": "research only"},
            }})
        );
        assert_eq!(TrainingPolicy::from_assertion_data(&data), Some(policy));
    }

    #[test]
    fn legacy_keys_are_read() {
        let data = json!({"entries": {"c2pa.ai_training": {"use": "allowed"},
                                      "c2pa.data_mining": {"use": "notAllowed"}}});
        let policy = TrainingPolicy::from_assertion_data(&data).unwrap();
        assert_eq!(policy.ai_training, Use::Allowed);
        assert_eq!(policy.data_mining, Use::NotAllowed);
        assert_eq!(policy.ai_inference, Use::Unspecified);
    }

    #[test]
    fn unknown_values_and_keys_are_not_read_as_allowed() {
        let data = json!({"entries": {"cawg.ai_training": {"use": "yes please"},
                                      "cawg.ai_inference": "allowed",
                                      "example.custom": {"use": "allowed"}}});
        let policy = TrainingPolicy::from_assertion_data(&data).unwrap();
        assert!(policy.is_unspecified());
        assert_eq!(
            TrainingPolicy::from_assertion_data(&json!({"no": "entries"})),
            None
        );
    }

    #[test]
    fn the_more_restrictive_statement_wins() {
        let mut allowed = TrainingPolicy::default();
        allowed.set(Kind::AiTraining, Use::Allowed);
        let mut merged = allowed.clone();
        merged.merge_restrictive(&TrainingPolicy::deny_all());
        assert_eq!(merged, TrainingPolicy::deny_all());
        let mut merged = TrainingPolicy::deny_all();
        merged.merge_restrictive(&allowed);
        assert_eq!(merged, TrainingPolicy::deny_all());
    }

    #[test]
    fn report_shape_uses_null_for_unspecified() {
        let mut policy = TrainingPolicy::default();
        policy.set(Kind::AiTraining, Use::NotAllowed);
        assert_eq!(
            serde_json::to_value(&policy).unwrap(),
            json!({"ai_training": {"use": "notAllowed"}, "ai_generative_training": null,
                   "ai_inference": null, "data_mining": null})
        );
        let back: TrainingPolicy =
            serde_json::from_value(json!({"ai_training": {"use": "notAllowed"}})).unwrap();
        assert_eq!(back, policy);
    }

    #[test]
    fn kinds_parse_leniently() {
        assert_eq!("ai-training".parse::<Kind>(), Ok(Kind::AiTraining));
        assert_eq!("DATA_MINING".parse::<Kind>(), Ok(Kind::DataMining));
        assert!("training".parse::<Kind>().is_err());
    }

    #[test]
    fn a_statement_that_cannot_be_read_keeps_a_kind_from_reading_as_allowed() {
        // Found by fuzzing: the older prefix says allowed, the newer an undefined value.
        let data = json!({"entries": {
            "c2pa.ai_training": {"use": "allowed"},
            "cawg.ai_training": {"use": "n!ask"},
            "cawg.ai_inference": {"use": "allowed"},
            "cawg.data_mining": null,
        }});
        let policy = TrainingPolicy::from_assertion_data(&data).unwrap();
        assert_eq!(policy.ai_training, Use::Unspecified);
        assert_eq!(policy.ai_inference, Use::Allowed);
        assert_eq!(policy.data_mining, Use::Unspecified);
        // Across assertions too, and an assertion that is not a policy at all
        // keeps every kind from reading as allowed.
        let allowed = json!({"entries": {"cawg.ai_inference": {"use": "allowed"}}});
        let odd = json!({"entries": {"cawg.ai_inference": {"use": "maybe"}}});
        let both = TrainingPolicy::from_assertions([Some(&allowed), Some(&odd)]).unwrap();
        assert_eq!(both.ai_inference, Use::Unspecified);
        let broken = TrainingPolicy::from_assertions([Some(&allowed), None]).unwrap();
        assert_eq!(broken.ai_inference, Use::Unspecified);
        assert_eq!(TrainingPolicy::from_assertions(std::iter::empty()), None);
    }
}
