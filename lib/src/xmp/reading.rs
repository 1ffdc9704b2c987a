//! What a file's XMP says about training and mining, as read.

use crate::policy::TrainingPolicy;

use super::mapping::{DmiValue, most_restrictive, restrictions_from_dmi, restrictions_from_tdm};

/// The training-and-mining statements found in one XMP packet, as written
/// (nothing interpreted yet). Unsigned: anyone could have written them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmpReading {
    /// `plus:DataMining`, if present.
    pub data_mining: Option<DmiValue>,
    /// `plus:OtherConstraints` (the `x-default` entry, else the first), if present.
    pub other_constraints: Option<String>,
    /// W3C TDMRep `tdm:reservation` as written (`1` reserves rights, `0` does not).
    pub tdm_reservation: Option<String>,
    /// W3C TDMRep `tdm:policy`: the address of the licence terms.
    pub tdm_policy: Option<String>,
}

impl XmpReading {
    /// Whether the packet said nothing this module reads.
    pub fn is_empty(&self) -> bool {
        *self == XmpReading::default()
    }

    /// Whether `tdm:reservation` reserves rights: `Some(true)` for `1`,
    /// `Some(false)` for `0`, `None` when absent or anything else.
    pub fn tdm_reserved(&self) -> Option<bool> {
        match self.tdm_reservation.as_deref().map(str::trim) {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        }
    }

    /// The restrictive reading of everything found: the Data Mining value (with
    /// its constraints) and TDMRep combined kind by kind, the stricter winning.
    /// Never says a use is allowed (see [`super::mapping::restrictions_from_dmi`]).
    pub fn restrictions(&self) -> TrainingPolicy {
        let dmi = match &self.data_mining {
            Some(value) => restrictions_from_dmi(value, self.other_constraints.as_deref()),
            None => TrainingPolicy::default(),
        };
        let tdm =
            restrictions_from_tdm(self.tdm_reservation.as_deref(), self.tdm_policy.as_deref());
        most_restrictive(&dmi, &tdm)
    }
}
