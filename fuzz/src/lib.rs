//! Shared checks for hallmark's fuzz targets.
//!
//! Every verify target feeds the bytes to the same [`Verifier`] and checks
//! more than "no panic": whatever the bytes, a report must never answer
//! "allowed" unless its credentials are intact, and an intact report must
//! carry the policy the seed files were signed with (every use not allowed),
//! because no mutation of a signed file may change what its creator said.

use std::sync::OnceLock;

use hallmark::{Kind, MediaFormat, Report, TrainingPolicy, TrustAnchors, Use, Verifier};

/// The example CA, so fuzzed files can reach the `trusted` path too.
const EXAMPLE_CA: &str = include_str!("../../keys-example/ca.pem");

/// The verifier every target shares, trusting the example CA.
pub fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let anchors = TrustAnchors::from_pem("ca.pem", EXAMPLE_CA).expect("the example CA parses");
        Verifier::new(&anchors).expect("the verifier builds")
    })
}

/// Verify `data` as `format` (or as whatever its content is) and check the invariants.
pub fn verify_as(format: Option<MediaFormat>, data: &[u8]) {
    if let Ok(report) = verifier().verify_bytes("fuzz-input", format, data) {
        check_report(&report);
    }
}

/// The invariants every report must hold.
pub fn check_report(report: &Report) {
    for kind in Kind::ALL {
        let answer = report.may_use(kind);
        if !report.state.is_intact() {
            assert_eq!(
                answer,
                hallmark::Answer::Unknown,
                "a broken file answered {answer:?}"
            );
        }
        if matches!(report.policy.get(kind), Use::Constrained(_)) {
            assert_ne!(
                answer,
                hallmark::Answer::Allowed,
                "constrained answered allowed"
            );
        }
    }
    if report.state.is_intact() {
        assert_eq!(
            report.policy,
            TrainingPolicy::deny_all(),
            "an intact file carries a policy its creator never signed"
        );
    }
    round_trip(report);
}

/// The report survives JSON and back unchanged.
pub fn round_trip(report: &Report) {
    let json = serde_json::to_vec(report).expect("a report serializes");
    let back: Report = serde_json::from_slice(&json).expect("a serialized report parses");
    assert_eq!(&back, report, "the JSON round trip changed the report");
}
