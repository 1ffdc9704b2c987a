//! Packet handling: fresh packets, merging, and hostile XML.

use hallmark::policy::{Kind, TrainingPolicy, Use};
use hallmark::xmp::{
    DataMining, DmiValue, Error, MAX_PACKET, PACKET_ID, Packet, Statement, read_packet,
};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

fn deny() -> Statement {
    Statement::from_policy(&TrainingPolicy::deny_all()).unwrap()
}

fn seeconstraint() -> Statement {
    let mut p = TrainingPolicy::deny_all();
    p.set(Kind::AiInference, Use::Allowed);
    Statement::from_policy(&p).unwrap()
}

fn wrap(inner: &str) -> String {
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"{PACKET_ID}\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"{RDF}\">{inner}</rdf:RDF></x:xmpmeta>\n   \n<?xpacket end=\"w\"?>"
    )
}

fn merged(existing: &str, s: &Statement) -> String {
    let p = Packet::merge("t.xmp", existing.as_bytes(), s).unwrap();
    String::from_utf8(p.to_bytes(0)).unwrap()
}

#[test]
fn fresh_packet_has_wrapper_padding_and_reads_back() {
    let p = Packet::new(&seeconstraint());
    let bytes = p.to_bytes(250);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"));
    assert!(text.ends_with("<?xpacket end=\"w\"?>"));
    assert_eq!(bytes.len(), p.min_len() + 250);
    assert_eq!(
        p.to_bytes_exact(p.min_len() + 7).unwrap().len(),
        p.min_len() + 7
    );
    assert!(p.to_bytes_exact(p.min_len() - 1).is_none());
    let r = read_packet("t", &bytes).unwrap();
    assert_eq!(
        r.data_mining,
        Some(DmiValue::Known(DataMining::ProhibitedSeeConstraint))
    );
    assert_eq!(r.restrictions().ai_inference, Use::Unspecified);
    assert_eq!(r.restrictions().data_mining, Use::NotAllowed);
}

#[test]
fn merge_replaces_attribute_form_and_keeps_the_rest() {
    let existing = wrap(
        "<rdf:Description rdf:about='uuid:1' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' \
         xmlns:dc='http://purl.org/dc/elements/1.1/' plus:DataMining='http://ns.useplus.org/ldf/vocab/DMI-ALLOWED' \
         dc:format='image/jpeg' plus:Other='a&quot;b'/><!-- kept comment -->",
    );
    let out = merged(&existing, &deny());
    assert!(out.contains("dc:format=\"image/jpeg\""), "{out}");
    assert!(out.contains("plus:Other=\"a&quot;b\""), "{out}");
    assert!(out.contains("<!-- kept comment -->"));
    assert!(!out.contains("DMI-ALLOWED"));
    assert!(
        out.contains("rdf:about=\"uuid:1\""),
        "the new description uses the same about: {out}"
    );
    assert_eq!(out.matches("<?xpacket begin").count(), 1);
    let r = read_packet("t", out.as_bytes()).unwrap();
    assert_eq!(r.data_mining, Some(DmiValue::Known(DataMining::Prohibited)));
}

#[test]
fn merge_finds_any_prefix_and_element_forms() {
    let existing = wrap(
        "<rdf:Description rdf:about='' xmlns:P='http://ns.useplus.org/ldf/xmp/1.0/'>\
         <P:DataMining rdf:resource='http://ns.useplus.org/ldf/vocab/DMI-ALLOWED'/>\
         <P:OtherConstraints><rdf:Alt><rdf:li xml:lang='en'>old words</rdf:li></rdf:Alt></P:OtherConstraints>\
         <P:Licensee>kept</P:Licensee></rdf:Description>",
    );
    assert_eq!(
        read_packet("t", existing.as_bytes())
            .unwrap()
            .other_constraints
            .as_deref(),
        Some("old words")
    );
    // A statement without constraints keeps someone else's words.
    let out = merged(&existing, &deny());
    assert!(
        out.contains("old words") && out.contains("<P:Licensee>kept</P:Licensee>"),
        "{out}"
    );
    assert!(!out.contains("DMI-ALLOWED"));
    // A statement with constraints replaces them.
    let out = merged(&existing, &seeconstraint());
    assert!(!out.contains("old words"), "{out}");
    let r = read_packet("t", out.as_bytes()).unwrap();
    assert!(
        r.other_constraints
            .unwrap()
            .starts_with("AI training: not allowed")
    );
}

#[test]
fn merge_drops_its_own_stale_words_and_empty_descriptions() {
    let first = merged(&wrap(""), &seeconstraint());
    let second = merged(&first, &deny());
    assert!(!second.contains("OtherConstraints"), "{second}");
    assert_eq!(second.matches("<rdf:Description").count(), 1, "{second}");
    // Idempotent.
    assert_eq!(merged(&second, &deny()), second);
}

#[test]
fn merge_handles_bare_and_empty_structures() {
    for existing in [
        format!("<rdf:RDF xmlns:rdf='{RDF}'/>"),
        format!(
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='{RDF}'></rdf:RDF></x:xmpmeta>"
        ),
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'></x:xmpmeta>".to_string(),
        format!(
            "\u{FEFF}<?xml version='1.0'?><r:RDF xmlns:r='{RDF}'><r:Description r:about=''/></r:RDF>"
        ),
    ] {
        let out = merged(&existing, &deny());
        let r = read_packet("t", out.as_bytes()).unwrap();
        assert_eq!(
            r.data_mining,
            Some(DmiValue::Known(DataMining::Prohibited)),
            "{existing} -> {out}"
        );
    }
}

#[test]
fn text_is_escaped() {
    let mut p = TrainingPolicy::deny_all();
    p.set(
        Kind::DataMining,
        Use::Constrained(Some("<b>&\"'</b>\u{0}\u{7}".into())),
    );
    let s = Statement::from_policy(&p).unwrap();
    let bytes = Packet::new(&s).to_bytes(0);
    let r = read_packet("t", &bytes).unwrap();
    assert_eq!(
        r.restrictions().data_mining,
        Use::Constrained(Some("<b>&\"'</b>".into()))
    );
}

fn refused(packet: &[u8]) -> Error {
    let merge = Packet::merge("evil.xmp", packet, &deny()).unwrap_err();
    let read = read_packet("evil.xmp", packet).unwrap_err();
    assert_eq!(merge.to_string(), read.to_string());
    assert!(merge.to_string().starts_with("evil.xmp: "), "{merge}");
    merge
}

#[test]
fn dtd_and_entity_expansion_are_refused() {
    let laughs = format!(
        "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>\
         <rdf:RDF xmlns:rdf='{RDF}'><rdf:Description rdf:about='' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/'>\
         <plus:DataMining>&lol2;</plus:DataMining></rdf:Description></rdf:RDF>"
    );
    assert!(matches!(
        refused(laughs.as_bytes()),
        Error::HostilePacket { .. }
    ));
    let undefined = wrap("<rdf:Description rdf:about=''>&xxe;</rdf:Description>");
    assert!(matches!(
        refused(undefined.as_bytes()),
        Error::HostilePacket { .. }
    ));
    let external = format!("<!DOCTYPE x SYSTEM 'file:///etc/passwd'><rdf:RDF xmlns:rdf='{RDF}'/>");
    assert!(matches!(
        refused(external.as_bytes()),
        Error::HostilePacket { .. }
    ));
}

#[test]
fn deep_nesting_is_refused() {
    let deep = wrap(&format!(
        "{}{}",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    ));
    assert!(matches!(
        refused(deep.as_bytes()),
        Error::HostilePacket { .. }
    ));
}

#[test]
fn oversized_and_malformed_packets_are_refused() {
    let big = wrap(&" ".repeat(MAX_PACKET));
    assert!(matches!(refused(big.as_bytes()), Error::TooLarge { .. }));
    for bad in [
        &b"\xFF\xFE<\0x\0"[..],
        b"not xml at all",
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF",
        b"<a></b>",
        b"\xC3\x28 invalid utf-8",
        b"",
        b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>",
    ] {
        assert!(matches!(refused(bad), Error::BadPacket { .. }), "{bad:?}");
    }
    let dup = wrap("<rdf:Description rdf:about='' rdf:about=''/>");
    assert!(matches!(refused(dup.as_bytes()), Error::BadPacket { .. }));
}

#[test]
fn many_namespace_declarations_do_not_explode() {
    let decls: String = (0..5000)
        .map(|i| format!(" xmlns:n{i}='urn:{i}'"))
        .collect();
    let packet = wrap(&format!("<rdf:Description rdf:about=''{decls}/>"));
    // Either accepted or refused, quickly and without panicking.
    let _ = Packet::merge("ns.xmp", packet.as_bytes(), &deny());
}

// ---- found by the property tests (lib/src/xmp/merge_properties.rs) ----

#[test]
fn a_dropped_description_right_before_the_rdf_end_still_gets_the_statement() {
    // Nothing between the old description and `</rdf:RDF>`: the new one
    // went in "inside" the dropped one and was lost with it.
    let existing = wrap(
        "<rdf:Description rdf:about='' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/'>\
         <plus:DataMining>http://ns.useplus.org/ldf/vocab/DMI-ALLOWED</plus:DataMining>\
         </rdf:Description>",
    );
    let out = merged(&existing, &deny());
    let r = read_packet("t", out.as_bytes()).unwrap();
    assert_eq!(
        r.data_mining,
        Some(DmiValue::Known(DataMining::Prohibited)),
        "{out}"
    );
}

#[test]
fn an_empty_description_holding_only_the_attribute_form_is_replaced() {
    // The compact form XMP toolkits write; merging failed with "bad span".
    let existing = wrap(
        "<rdf:Description rdf:about='' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' \
         plus:DataMining='http://ns.useplus.org/ldf/vocab/DMI-ALLOWED'/>",
    );
    let out = merged(&existing, &deny());
    assert!(!out.contains("DMI-ALLOWED"), "{out}");
    assert_eq!(out.matches("<rdf:Description").count(), 1, "{out}");
    let r = read_packet("t", out.as_bytes()).unwrap();
    assert_eq!(r.data_mining, Some(DmiValue::Known(DataMining::Prohibited)));
}

#[test]
fn merging_once_is_merging_twice_whatever_the_layout() {
    for inner in [
        "",
        "<rdf:Description rdf:about=''/>",
        "<rdf:Description rdf:about=''/>\n  ",
        "\r\n<rdf:Description rdf:about=''/>\t",
    ] {
        let once = merged(&wrap(inner), &seeconstraint());
        assert_eq!(merged(&once, &seeconstraint()), once, "{inner:?}");
    }
}

#[test]
fn a_byte_order_mark_after_the_header_is_not_kept_in_the_body() {
    // Found by fuzzing (xmp_merge): the body kept the mark, which merging
    // into the bare body then dropped.
    let existing = format!(
        "<?xpacket begin='\u{FEFF}' id='{PACKET_ID}'?>\u{FEFF}<x:xmpmeta xmlns:x='adobe:ns:meta/'>\
         <rdf:RDF xmlns:rdf='{RDF}'/></x:xmpmeta><?xpacket end='w'?>"
    );
    let once = Packet::merge("t.xmp", existing.as_bytes(), &deny()).unwrap();
    assert!(once.body().starts_with("<x:xmpmeta"), "{}", once.body());
    let again = Packet::merge("t.xmp", once.body().as_bytes(), &deny()).unwrap();
    assert_eq!(again, once);
}

#[test]
fn a_lone_carriage_return_ends_a_line_for_merging_as_for_xml() {
    // Found by fuzzing (xmp_merge): before `</rdf:RDF>` a lone CR was kept
    // and a LF added after it, but removing the new description again took
    // CR LF as one line end, so merging twice differed from merging once.
    let existing = format!(
        "<rdf:RDF xmlns:rdf='{RDF}'>\n <rdf:Description rdf:about=''\n  \
         xmlns:dc='http://purl.org/dc/elements/1.1/'>\n  </rdf:Description>\r</rdf:RDF>"
    );
    let once = merged(&existing, &deny());
    assert!(
        once.contains("</rdf:Description>\n <rdf:Description"),
        "{once:?}"
    );
    assert_eq!(merged(&once, &deny()), once);
    // Found by fuzzing too: two CRs, of which one stays before the new line.
    for ends in ["\n\r\r ", "\r\r", "\r\r\n", "\r \r"] {
        let existing = format!(
            "<rdf:RDF xmlns:rdf='{RDF}'>\n <rdf:Description rdf:about=''/>{ends}</rdf:RDF>"
        );
        let once = merged(&existing, &deny());
        assert_eq!(merged(&once, &deny()), once, "{ends:?}");
    }
    // Lone CRs throughout, around a property that merging replaces.
    let existing = format!(
        "<rdf:RDF xmlns:rdf='{RDF}'>\r <rdf:Description rdf:about=''\r  \
         xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>\r  \
         <plus:DataMining>http://ns.useplus.org/ldf/vocab/DMI-ALLOWED</plus:DataMining>\r  \
         <dc:format>image/png</dc:format>\r </rdf:Description>\r</rdf:RDF>"
    );
    let once = merged(&existing, &deny());
    assert!(!once.contains("DMI-ALLOWED"), "{once:?}");
    assert!(
        once.contains("<dc:format>image/png</dc:format>"),
        "{once:?}"
    );
    assert_eq!(merged(&once, &deny()), once);
}

#[test]
fn an_about_with_a_tab_keeps_it_through_merging() {
    // Found by fuzzing (xmp_merge): `&#9;` in the `rdf:about` reads as a
    // tab, which the new description then held raw; read again, a raw tab in
    // an attribute is normalized to a space, so merging twice differed.
    for about in ["a&#9;b", "a&#10;b&#13;", "&#9; a\tb"] {
        let existing = wrap(&format!(
            "<rdf:Description rdf:about='{about}' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' \
             plus:DataMining='http://ns.useplus.org/ldf/vocab/DMI-ALLOWED'/>"
        ));
        let once = merged(&existing, &deny());
        assert!(!once.contains("DMI-ALLOWED"), "{once:?}");
        let before = read_packet("t.xmp", existing.as_bytes()).unwrap();
        let after = read_packet("t.xmp", once.as_bytes()).unwrap();
        assert_ne!(before.data_mining, after.data_mining);
        assert_eq!(merged(&once, &deny()), once, "{about}");
    }
    let once = merged(
        &wrap("<rdf:Description rdf:about='a&#9;b&#10;c'/>"),
        &deny(),
    );
    assert!(once.contains("rdf:about=\"a&#9;b&#10;c\""), "{once:?}");
}

#[test]
fn constraint_text_with_carriage_returns_reads_back_unchanged() {
    // hallmark's own wording is one line a kind, but a statement's text is
    // the caller's: a CR in it must not read back as a line feed.
    let statement = Statement {
        data_mining: DataMining::ProhibitedSeeConstraint,
        other_constraints: Some("Licence:\r\nask first\rthen pay".into()),
    };
    let written = Packet::new(&statement).to_bytes(0);
    let reading = read_packet("t.xmp", &written).unwrap();
    assert_eq!(reading.other_constraints, statement.other_constraints);
    let once = merged(&wrap(""), &statement);
    let reading = read_packet("t.xmp", once.as_bytes()).unwrap();
    assert_eq!(reading.other_constraints, statement.other_constraints);
    assert_eq!(merged(&once, &statement), once);
}

#[test]
fn the_new_description_takes_the_about_of_a_kept_one() {
    // The first description goes (it held only plus:DataMining); the new one
    // takes the about of the one that stays, so merging again agrees.
    let existing = wrap(
        "<rdf:Description rdf:about='uuid:old' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' \
         plus:DataMining='DMI-ALLOWED'/>\n\
         <rdf:Description rdf:about='uuid:kept' xmlns:dc='http://purl.org/dc/elements/1.1/' \
         dc:format='image/png'/>\n",
    );
    let once = merged(&existing, &deny());
    assert_eq!(once.matches("rdf:about=\"uuid:kept\"").count(), 1, "{once}");
    assert_eq!(merged(&once, &deny()), once);
}

#[test]
fn a_second_wrapper_root_or_xmpmeta_is_refused() {
    let meta = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/></x:xmpmeta>";
    let header = format!("<?xpacket begin='' id='{PACKET_ID}'?>");
    for bad in [
        format!("{header}{header}{meta}<?xpacket end='w'?>"),
        format!("{header}{meta}<!-- {header} -->{meta}<?xpacket end='w'?>"),
        format!("{header}{meta}<!-- {header} --><?xpacket end='w'?>"),
        format!("{meta}{header}<?xpacket end='w'?>"),
        format!(
            "{header}<x:xmpmeta xmlns:x='adobe:ns:meta/'>{meta}</x:xmpmeta><?xpacket end='w'?>"
        ),
        // Found by fuzzing (xmp_merge): an element left open at the trailer
        // was accepted, and merging into the result then failed.
        format!("{header}{meta}\n<plus:DataMining>http://ns.<?xpacket end='w'?>"),
        format!("{header}{meta}<dc:title/><?xpacket end='w'?>"),
        format!("{meta}{meta}"),
        // Found by fuzzing: NUL bytes between the header and x:xmpmeta.
        format!("{header}\0\0{meta}<?xpacket end='w'?>"),
        format!("{header}{meta}\u{1}<?xpacket end='w'?>"),
    ] {
        assert!(
            matches!(refused(bad.as_bytes()), Error::BadPacket { .. }),
            "{bad}"
        );
    }
}

#[test]
fn a_reference_to_a_character_xml_does_not_allow_is_refused() {
    // Found by fuzzing (xmp_merge): `&#22;` in an `rdf:about` was resolved
    // unchecked, and the new description then held the raw control
    // character, so the merged packet no longer parsed.
    for bad in [
        wrap("<rdf:Description rdf:about='a&#22;b'/>"),
        wrap(
            "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>Sun&#x16;set</dc:title></rdf:Description>",
        ),
        wrap(
            "<rdf:Description rdf:about='' xmlns:plus='http://ns.useplus.org/ldf/xmp/1.0/' plus:DataMining='&#1;'/>",
        ),
        wrap("<rdf:Description rdf:about='&#xFFFE;'/>"),
        wrap("<rdf:Description rdf:about='' xml:lang='&#27;'/>"),
    ] {
        let err = refused(bad.as_bytes());
        assert!(matches!(err, Error::BadPacket { .. }), "{bad}");
        assert!(
            err.to_string().contains("which XML does not allow"),
            "{err}"
        );
    }
    // What XML allows still reads, written as a reference or not.
    let fine = wrap(
        "<rdf:Description rdf:about='&#9;&#xE9;t&#233;' xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>&#x1F305;&#10;</dc:title></rdf:Description>",
    );
    let once = merged(&fine, &deny());
    assert!(once.contains("rdf:about=\"&#9;été\""), "{once}");
    assert_eq!(merged(&once, &deny()), once);
}

#[test]
fn the_fuzzers_packet_is_refused_by_reading_and_merging_alike() {
    let found = include_bytes!("../../../tests/fixtures/xmp/fuzz-char-ref-in-about.xmp");
    // The first byte picked the policy; the rest is the packet.
    let err = refused(&found[1..]);
    assert!(
        err.to_string()
            .ends_with("it holds the character U+0016, which XML does not allow"),
        "{err}"
    );
}
