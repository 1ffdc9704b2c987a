//! The Report JSON contract: any JSON that parses as a Report serializes
//! and parses back to the same Report, and answers by the same rules.
#![no_main]

use hallmark::{Kind, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(report) = serde_json::from_slice::<Report>(data) else {
        return;
    };
    hallmark_fuzz::round_trip(&report);
    for kind in Kind::ALL {
        if !report.state.is_intact() {
            assert_eq!(report.may_use(kind), hallmark::Answer::Unknown);
        }
    }
});
