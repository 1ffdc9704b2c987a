//! XMP packets: reading `plus:DataMining`, `plus:OtherConstraints` and
//! TDMRep from arbitrary bytes, and merging a statement into them as the
//! IPTC mirror does before signing. The first byte picks the policy (two
//! bits per kind: unspecified, allowed, not allowed, constrained), the rest
//! is the existing packet.
#![no_main]

use hallmark::xmp::{DmiValue, Packet, Statement, read_packet};
use hallmark::{Kind, TrainingPolicy, Use};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, existing)) = data.split_first() else {
        return;
    };
    let _ = read_packet("fuzz.xmp", existing);
    let mut policy = TrainingPolicy::default();
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let said = match (pick >> (2 * i)) & 3 {
            0 => Use::Unspecified,
            1 => Use::Allowed,
            2 => Use::NotAllowed,
            _ => Use::Constrained(Some("ask <first> & \"pay\"".into())),
        };
        policy.set(kind, said);
    }
    let Some(statement) = Statement::from_policy(&policy) else {
        return;
    };
    let Ok(once) = Packet::merge("fuzz.xmp", existing, &statement) else {
        return;
    };
    let written = once.to_bytes(64);
    let text = String::from_utf8_lossy(&written);
    // One packet: never a second wrapper or a second x:xmpmeta.
    assert_eq!(text.matches("<?xpacket begin").count(), 1, "{text}");
    // (A second x:xmpmeta element is refused; the words in a comment stay.)
    let before = String::from_utf8_lossy(existing)
        .matches("<x:xmpmeta")
        .count();
    assert!(
        text.matches("<x:xmpmeta").count() <= before.max(1),
        "{text}"
    );
    // What was merged reads back: the statement, and every use the policy
    // forbids reads as forbidden.
    let reading = read_packet("merged.xmp", &written)
        .unwrap_or_else(|e| panic!("the merged packet does not parse ({e}):\n{text}"));
    assert_eq!(
        reading.data_mining,
        Some(DmiValue::Known(statement.data_mining)),
        "{text}"
    );
    if statement.other_constraints.is_some() {
        assert_eq!(
            reading.other_constraints, statement.other_constraints,
            "{text}"
        );
    }
    let restrictions = reading.restrictions();
    for kind in Kind::ALL {
        if *policy.get(kind) == Use::NotAllowed {
            assert_eq!(restrictions.get(kind), &Use::NotAllowed, "{kind:?}: {text}");
        }
    }
    // Merging again changes nothing: not the packet as written, nor its bare body.
    let twice = Packet::merge("merged.xmp", &written, &statement)
        .unwrap_or_else(|e| panic!("merging into the merged packet failed ({e}):\n{text}"));
    assert_eq!(twice, once, "merging twice differs from merging once");
    let bare = Packet::merge("merged.xmp", once.body().as_bytes(), &statement)
        .unwrap_or_else(|e| panic!("merging into the merged body failed ({e}):\n{text}"));
    assert_eq!(bare, once, "merging into the bare body differs");
});
