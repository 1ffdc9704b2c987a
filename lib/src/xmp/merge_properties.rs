//! Property tests of merging a statement into an existing packet, over
//! generated packets: wrapped or bare, with or without `x:xmpmeta`, an empty
//! or a full `rdf:RDF`, descriptions with and without an `rdf:about`, with
//! earlier `plus:DataMining` and `plus:OtherConstraints` (attribute and
//! element forms, any prefix, hallmark's own wording or someone else's),
//! TDMRep and other properties, and any whitespace between them.
//!
//! Whatever the packet and the policy: merging succeeds, yields one packet
//! (one wrapper, one `x:xmpmeta` at most) that reads back with the
//! statement, keeps every other property, and merging again changes nothing.

use proptest::prelude::*;

use super::mapping::{PLUS_NS, TDM_NS, constraint_text};
use super::{DmiValue, PACKET_ID, Packet, Statement, read_packet};
use crate::policy::{Kind, TrainingPolicy, Use};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

fn any_use() -> impl Strategy<Value = Use> {
    prop_oneof![
        Just(Use::Allowed),
        Just(Use::NotAllowed),
        Just(Use::Unspecified),
        Just(Use::Constrained(None)),
        "[ -~\n\té<&]{0,30}".prop_map(|s| Use::Constrained(Some(s))),
    ]
}

fn any_statement() -> impl Strategy<Value = (TrainingPolicy, Statement)> {
    (any_use(), any_use(), any_use(), any_use()).prop_filter_map(
        "a policy that says something",
        |(t, g, i, d)| {
            let policy = TrainingPolicy {
                ai_training: t,
                ai_generative_training: g,
                ai_inference: i,
                data_mining: d,
            };
            Statement::from_policy(&policy).map(|s| (policy, s))
        },
    )
}

/// Whitespace between two pieces of markup, as tools write it (or none).
fn gap() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", "\n", "\n ", "\n  ", "\r\n", " ", "\t", "\n\n",
        // Lone CRs (classic Mac line ends, or mixed), which XML reads as
        // line ends too.
        "\r", "\r\r", "\n\r", "\r \r", "\r\r\n ",
    ])
}

/// A property of a description, in element or attribute form; `marker`
/// is a word that must survive merging when the property is not one of
/// those hallmark replaces.
#[derive(Debug, Clone)]
enum Prop {
    /// `plus:DataMining` (replaced).
    DataMining { value: String, attribute: bool },
    /// `plus:OtherConstraints`: hallmark's own wording or someone else's.
    OtherConstraints { own: bool },
    /// `tdm:reservation` (kept).
    Tdm { attribute: bool },
    /// `dc:title` as a language alternative (kept).
    Title,
    /// `xmp:Rating` (kept).
    Rating { attribute: bool },
    /// A struct with a nested description-like element (kept).
    Nested,
}

fn any_prop() -> impl Strategy<Value = Prop> {
    prop_oneof![
        (
            prop::sample::select(vec![
                "http://ns.useplus.org/ldf/vocab/DMI-ALLOWED",
                "DMI-PROHIBITED-AIMLTRAINING",
                "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-NEWTHING",
                "nonsense",
            ]),
            any::<bool>()
        )
            .prop_map(|(v, attribute)| Prop::DataMining {
                value: v.to_string(),
                attribute
            }),
        any::<bool>().prop_map(|own| Prop::OtherConstraints { own }),
        any::<bool>().prop_map(|attribute| Prop::Tdm { attribute }),
        Just(Prop::Title),
        any::<bool>().prop_map(|attribute| Prop::Rating { attribute }),
        Just(Prop::Nested),
    ]
}

#[derive(Debug, Clone)]
struct Description {
    about: Option<&'static str>,
    props: Vec<Prop>,
    gaps: Vec<&'static str>,
}

fn any_description() -> impl Strategy<Value = Description> {
    (
        prop::option::of(prop::sample::select(vec![
            "",
            "uuid:faf5bdd5-ba3d-11da",
            // References to whitespace that attribute normalization keeps.
            "uuid:a&#9;b&#10;c&#13;",
        ])),
        prop::collection::vec(any_prop(), 0..4),
        prop::collection::vec(gap(), 6),
    )
        .prop_map(|(about, props, gaps)| Description { about, props, gaps })
}

#[derive(Debug, Clone)]
struct Shape {
    wrapper: bool,
    bom: bool,
    meta: bool,
    /// `None`: no `rdf:RDF` at all (only with `meta`).
    descriptions: Option<Vec<Description>>,
    plus_prefix: &'static str,
    gaps: Vec<&'static str>,
    padding: usize,
}

fn any_shape() -> impl Strategy<Value = Shape> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::weighted(0.9, prop::collection::vec(any_description(), 0..4)),
        prop::sample::select(vec!["plus", "P", "iptcPlus"]),
        prop::collection::vec(gap(), 8),
        0usize..300,
    )
        .prop_map(
            |(wrapper, bom, meta, descriptions, plus_prefix, gaps, padding)| Shape {
                wrapper,
                bom,
                meta,
                descriptions: if meta {
                    descriptions
                } else {
                    descriptions.or(Some(Vec::new()))
                },
                plus_prefix,
                gaps,
                padding,
            },
        )
}

/// The packet text, and the markers of the properties that must survive.
fn render(shape: &Shape) -> (String, Vec<String>) {
    let p = shape.plus_prefix;
    let g = &shape.gaps;
    let mut kept = Vec::new();
    let mut out = String::new();
    if shape.wrapper {
        let bom = if shape.bom { "\u{FEFF}" } else { "" };
        out.push_str(&format!(
            "<?xpacket begin=\"{bom}\" id=\"{PACKET_ID}\"?>{}",
            g[0]
        ));
    }
    if shape.meta {
        out.push_str(&format!(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"Some Tool 1.0\">{}",
            g[1]
        ));
    }
    match &shape.descriptions {
        None => {}
        Some(descriptions) if descriptions.is_empty() => {
            out.push_str(&format!("<rdf:RDF xmlns:rdf=\"{RDF}\"/>{}", g[2]));
        }
        Some(descriptions) => {
            out.push_str(&format!("<rdf:RDF xmlns:rdf=\"{RDF}\">{}", g[2]));
            for (n, d) in descriptions.iter().enumerate() {
                let dg = &d.gaps;
                let mut attrs = String::new();
                let mut children = String::new();
                // An attribute appears once: a repeat goes in element form.
                let mut names = Vec::new();
                let mut once = |name: &'static str, attribute: bool| {
                    let first = !names.contains(&name);
                    names.push(name);
                    attribute && first
                };
                if let Some(about) = d.about {
                    attrs.push_str(&format!(" rdf:about=\"{about}\""));
                }
                attrs.push_str(&format!(
                    "{}xmlns:{p}=\"{PLUS_NS}\" xmlns:tdm=\"{TDM_NS}\"\
                     {}xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"",
                    if dg[0].is_empty() { " " } else { dg[0] },
                    if dg[1].is_empty() { " " } else { dg[1] },
                ));
                for (i, prop) in d.props.iter().enumerate() {
                    let marker = format!("m{n}x{i}");
                    let sep = dg[2 + i % 3];
                    let prop = match prop {
                        Prop::DataMining { value, attribute } => Prop::DataMining {
                            value: value.clone(),
                            attribute: once("DataMining", *attribute),
                        },
                        Prop::Tdm { attribute } => Prop::Tdm {
                            attribute: once("Tdm", *attribute),
                        },
                        Prop::Rating { attribute } => Prop::Rating {
                            attribute: once("Rating", *attribute),
                        },
                        other => other.clone(),
                    };
                    match &prop {
                        Prop::DataMining {
                            value,
                            attribute: true,
                        } => {
                            attrs.push_str(&format!(" {p}:DataMining=\"{value}\""));
                        }
                        Prop::DataMining {
                            value,
                            attribute: false,
                        } => {
                            children.push_str(&format!(
                                "{sep}<{p}:DataMining>{value}</{p}:DataMining>"
                            ));
                        }
                        Prop::OtherConstraints { own } => {
                            let words = if *own {
                                constraint_text(&TrainingPolicy::deny_all())
                            } else {
                                format!("Licence {marker} from Example Ltd")
                            };
                            children.push_str(&format!(
                                "{sep}<{p}:OtherConstraints>{sep}<rdf:Alt>{sep}\
                                 <rdf:li xml:lang=\"x-default\">{words}</rdf:li>\
                                 {sep}</rdf:Alt>{sep}</{p}:OtherConstraints>"
                            ));
                        }
                        Prop::Tdm { attribute: true } => {
                            attrs.push_str(" tdm:reservation=\"1\"");
                        }
                        Prop::Tdm { attribute: false } => {
                            children
                                .push_str(&format!("{sep}<tdm:reservation>1</tdm:reservation>"));
                        }
                        Prop::Title => {
                            kept.push(marker.clone());
                            children.push_str(&format!(
                                "{sep}<dc:title>{sep}<rdf:Alt>{sep}\
                                 <rdf:li xml:lang=\"x-default\">Title {marker}</rdf:li>\
                                 {sep}</rdf:Alt>{sep}</dc:title>"
                            ));
                        }
                        Prop::Rating { attribute: true } => {
                            kept.push(format!("xmp:Label=\"{marker}\""));
                            attrs.push_str(&format!(" xmp:Label=\"{marker}\""));
                        }
                        Prop::Rating { attribute: false } => {
                            kept.push(format!("<xmp:Label>{marker}</xmp:Label>"));
                            children.push_str(&format!("{sep}<xmp:Label>{marker}</xmp:Label>"));
                        }
                        Prop::Nested => {
                            kept.push(marker.clone());
                            children.push_str(&format!(
                                "{sep}<xmp:Thumb rdf:parseType=\"Resource\">{sep}\
                                 <xmp:Format>{marker}</xmp:Format>{sep}\
                                 <{p}:DataMining>inside a struct: not the file's</{p}:DataMining>\
                                 {sep}</xmp:Thumb>"
                            ));
                        }
                    }
                }
                if children.is_empty() {
                    out.push_str(&format!("<rdf:Description{attrs}/>{}", dg[5]));
                } else {
                    out.push_str(&format!(
                        "<rdf:Description{attrs}>{children}{}</rdf:Description>{}",
                        dg[4], dg[5]
                    ));
                }
            }
            out.push_str(&format!("</rdf:RDF>{}", g[3]));
        }
    }
    if shape.meta {
        out.push_str(&format!("</x:xmpmeta>{}", g[4]));
    }
    if shape.wrapper {
        out.push_str(&" ".repeat(shape.padding));
        out.push_str("<?xpacket end=\"w\"?>");
    }
    (out, kept)
}

fn check(existing: &str, kept: &[String], policy: &TrainingPolicy, statement: &Statement) {
    let once = Packet::merge("p.xmp", existing.as_bytes(), statement)
        .unwrap_or_else(|e| panic!("{e}\n{existing}"));
    let written = once.to_bytes(100);
    let text = String::from_utf8(written.clone()).unwrap();
    assert_eq!(text.matches("<?xpacket begin").count(), 1, "{text}");
    assert_eq!(text.matches("<?xpacket end").count(), 1, "{text}");
    assert!(text.matches("<x:xmpmeta").count() <= 1, "{text}");
    for marker in kept {
        assert!(
            text.contains(marker.as_str()),
            "{marker} lost:\n{existing}\n->\n{text}"
        );
    }
    let reading = read_packet("p.xmp", &written).unwrap_or_else(|e| panic!("{e}\n{text}"));
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
            assert_eq!(restrictions.get(kind), &Use::NotAllowed, "{kind:?}\n{text}");
        }
    }
    // Idempotent: merging into the result, wrapped or bare, changes nothing.
    let twice = Packet::merge("p.xmp", &written, statement).unwrap();
    assert_eq!(
        twice,
        once,
        "\n{existing}\n-> once:\n{}\n-> twice:\n{}",
        once.body(),
        twice.body()
    );
    let bare = Packet::merge("p.xmp", once.body().as_bytes(), statement).unwrap();
    assert_eq!(bare, once, "bare:\n{}\n-> \n{}", once.body(), bare.body());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn merging_is_idempotent_and_leaves_one_packet(
        shape in any_shape(),
        (policy, statement) in any_statement(),
    ) {
        let (existing, kept) = render(&shape);
        check(&existing, &kept, &policy, &statement);
    }

    /// Merging one statement and then another is the same as merging the
    /// second alone into the original, as far as what is read back goes.
    #[test]
    fn a_later_statement_replaces_an_earlier_one(
        shape in any_shape(),
        (_, first) in any_statement(),
        (policy, second) in any_statement(),
    ) {
        let (existing, kept) = render(&shape);
        let between = Packet::merge("p.xmp", existing.as_bytes(), &first).unwrap();
        let between = String::from_utf8(between.to_bytes(10)).unwrap();
        check(&between, &kept, &policy, &second);
        let direct = Packet::merge("p.xmp", existing.as_bytes(), &second).unwrap();
        let later = Packet::merge("p.xmp", between.as_bytes(), &second).unwrap();
        let read = |p: &Packet| read_packet("p.xmp", &p.to_bytes(0)).unwrap();
        prop_assert_eq!(read(&later).data_mining, read(&direct).data_mining);
        if second.other_constraints.is_some() {
            prop_assert_eq!(read(&later).other_constraints, read(&direct).other_constraints);
        }
    }
}
