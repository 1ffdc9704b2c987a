//! The training-and-data-mining assertion reader, on arbitrary JSON (the
//! engine hands assertions over as JSON decoded from their CBOR).
#![no_main]

use hallmark::{Kind, TrainingPolicy, Use};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Some(policy) = TrainingPolicy::from_assertion_data(&value) else {
        return;
    };
    // A kind reads as allowed only when everything said about it (under
    // either prefix) is "allowed" or says nothing (null).
    for kind in Kind::ALL {
        if *policy.get(kind) == Use::Allowed {
            let entry = value["entries"]
                .as_object()
                .into_iter()
                .flat_map(|entries| entries.iter())
                .filter(|(key, _)| Kind::from_entry_key(key) == Some(kind))
                .all(|(_, entry)| entry.is_null() || entry["use"] == "allowed");
            assert!(entry, "{kind:?} read as allowed from {value}");
        }
    }
    // What hallmark writes, it reads back the same.
    let written = policy.to_assertion_data();
    assert_eq!(
        TrainingPolicy::from_assertion_data(&written).as_ref(),
        Some(&policy)
    );
});
