//! Every carrier: write, read back, merge, re-write, and survive damaged input.

use hallmark::policy::{Kind, TrainingPolicy, Use};
use hallmark::xmp::{self, DataMining, DmiValue, Error, Format, Packet, Statement, read_packet};

const JPEG: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.jpg");
const PNG: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.png");
const WEBP: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.webp");
const WEBP_LOSSLESS: &[u8] = include_bytes!("../../../tests/fixtures/xmp/lossless.webp");
const WEBP_ALPHA: &[u8] = include_bytes!("../../../tests/fixtures/xmp/alpha.webp");
const TIFF: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.tif");
const GIF: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.gif");
const MP4: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.mp4");
const MOV: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.mov");
const SVG: &[u8] = include_bytes!("../../../tests/fixtures/xmp/plain.svg");
const EXIFTOOL_JPEG: &[u8] = include_bytes!("../../../tests/fixtures/xmp/exiftool.jpg");
const EXIFTOOL_MOV: &[u8] = include_bytes!("../../../tests/fixtures/xmp/exiftool.mov");
const EXIFTOOL_MP4: &[u8] = include_bytes!("../../../tests/fixtures/xmp/exiftool.mp4");
const EXIFTOOL_PDF: &[u8] = include_bytes!("../../../tests/fixtures/xmp/exiftool.pdf");
const INKSCAPE_SVG: &[u8] = include_bytes!("../../../tests/fixtures/xmp/inkscape.svg");

const SAMPLES: [(&str, &[u8], Format); 10] = [
    ("plain.jpg", JPEG, Format::Jpeg),
    ("plain.png", PNG, Format::Png),
    ("plain.webp", WEBP, Format::WebP),
    ("lossless.webp", WEBP_LOSSLESS, Format::WebP),
    ("alpha.webp", WEBP_ALPHA, Format::WebP),
    ("plain.tif", TIFF, Format::Tiff),
    ("plain.gif", GIF, Format::Gif),
    ("plain.mp4", MP4, Format::Bmff),
    ("plain.mov", MOV, Format::Bmff),
    ("plain.svg", SVG, Format::Svg),
];

fn deny() -> Statement {
    Statement::from_policy(&TrainingPolicy::deny_all()).unwrap()
}

fn constrained() -> Statement {
    let mut p = TrainingPolicy::deny_all();
    p.set(Kind::DataMining, Use::Constrained(Some("ask first".into())));
    Statement::from_policy(&p).unwrap()
}

fn packets(bytes: &[u8]) -> usize {
    bytes
        .windows(15)
        .filter(|w| *w == b"<?xpacket begin")
        .count()
}

#[test]
fn every_carrier_round_trips() {
    for (name, bytes, format) in SAMPLES {
        assert_eq!(
            xmp::read_bytes(name, bytes).unwrap(),
            None,
            "{name} starts without XMP"
        );
        let once = xmp::embed_bytes(name, bytes, &deny()).unwrap();
        let r = xmp::read_bytes(name, &once).unwrap().unwrap();
        assert_eq!(
            r.data_mining,
            Some(DmiValue::Known(DataMining::Prohibited)),
            "{name}"
        );
        assert_eq!(r.restrictions(), TrainingPolicy::deny_all(), "{name}");
        if format != Format::Svg {
            assert_eq!(packets(&once), 1, "{name}");
        }

        let twice = xmp::embed_bytes(name, &once, &constrained()).unwrap();
        let r = xmp::read_bytes(name, &twice).unwrap().unwrap();
        assert_eq!(
            r.data_mining,
            Some(DmiValue::Known(DataMining::ProhibitedSeeConstraint))
        );
        assert_eq!(
            r.restrictions().data_mining,
            Use::Constrained(Some("ask first".into())),
            "{name}"
        );
        if format != Format::Svg {
            assert_eq!(packets(&twice), 1, "{name}");
        }

        // Writing the same statement again changes nothing.
        let again = xmp::embed_bytes(name, &twice, &constrained()).unwrap();
        assert_eq!(
            xmp::find_packet(name, std::io::Cursor::new(&again)).unwrap(),
            xmp::find_packet(name, std::io::Cursor::new(&twice)).unwrap(),
            "{name}: re-writing is stable"
        );
    }
}

#[test]
fn merge_keeps_exiftool_properties() {
    let out = xmp::embed_bytes("exiftool.jpg", EXIFTOOL_JPEG, &deny()).unwrap();
    let packet = xmp::find_packet("x", std::io::Cursor::new(&out))
        .unwrap()
        .unwrap();
    let text = String::from_utf8(packet).unwrap();
    for kept in [
        "<dc:title>",
        "Ana Example",
        "<xmp:Rating>4<",
        "Example Press",
        "Licence terms",
    ] {
        assert!(text.contains(kept), "{kept} lost:\n{text}");
    }
    assert_eq!(
        text.matches("plus:DataMining>").count(),
        2,
        "one element, open and close"
    );
    assert!(text.contains("DMI-PROHIBITED<"));
    assert!(!text.contains("DMI-ALLOWED"));
}

#[test]
fn jpeg_segment_goes_after_app0_and_replaces_in_place() {
    let out = xmp::embed_bytes("a.jpg", JPEG, &deny()).unwrap();
    // SOI, APP0 (JFIF) first, then our APP1.
    assert_eq!(&out[..4], &[0xFF, 0xD8, 0xFF, 0xE0]);
    let app0_len = usize::from(u16::from_be_bytes([out[4], out[5]]));
    let at = 4 + app0_len;
    assert_eq!(&out[at..at + 2], &[0xFF, 0xE1]);
    assert_eq!(&out[at + 4..at + 33], b"http://ns.adobe.com/xap/1.0/\0");
    // Everything after our segment is the original file's rest.
    let seg_len = usize::from(u16::from_be_bytes([out[at + 2], out[at + 3]]));
    assert_eq!(&out[at + 2 + seg_len..], &JPEG[at..]);
}

#[test]
fn jpeg_refuses_packets_over_one_segment() {
    let mut p = TrainingPolicy::deny_all();
    p.set(Kind::DataMining, Use::Constrained(Some("x".repeat(70_000))));
    let s = Statement::from_policy(&p).unwrap();
    let err = xmp::embed_bytes("big.jpg", JPEG, &s).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    assert!(err.to_string().starts_with("big.jpg: "), "{err}");
    // PNG has no such limit.
    assert!(xmp::embed_bytes("big.png", PNG, &s).is_ok());
}

#[test]
fn jpeg_keeps_extended_xmp_untouched() {
    // A standard packet announcing ExtendedXMP, and one extension segment.
    let std_packet = b"<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
<rdf:Description rdf:about=\"\" xmlns:xmpNote=\"http://ns.adobe.com/xmp/note/\" \
xmpNote:HasExtendedXMP=\"0123456789ABCDEF0123456789ABCDEF\"/></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
    let mut seg = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    seg.extend_from_slice(std_packet);
    let mut ext = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
    ext.extend_from_slice(b"0123456789ABCDEF0123456789ABCDEF");
    ext.extend_from_slice(&[0, 0, 0, 10, 0, 0, 0, 0]);
    ext.extend_from_slice(b"<x:xmpmeta");
    let mut file = JPEG[..2].to_vec();
    for payload in [&seg, &ext] {
        file.extend_from_slice(&[0xFF, 0xE1]);
        file.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        file.extend_from_slice(payload);
    }
    file.extend_from_slice(&JPEG[2..]);
    let out = xmp::embed_bytes("ext.jpg", &file, &deny()).unwrap();
    let ext_at = out.windows(ext.len()).position(|w| w == ext.as_slice());
    assert!(
        ext_at.is_some(),
        "the extension segment is copied byte for byte"
    );
    let packet = xmp::find_packet("ext.jpg", std::io::Cursor::new(&out))
        .unwrap()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&packet)
            .contains("HasExtendedXMP=\"0123456789ABCDEF0123456789ABCDEF\"")
    );
}

#[test]
fn png_chunk_is_before_idat_with_valid_crc() {
    let out = xmp::embed_bytes("a.png", PNG, &deny()).unwrap();
    let itxt = out.windows(4).position(|w| w == b"iTXt").unwrap();
    let idat = out.windows(4).position(|w| w == b"IDAT").unwrap();
    assert!(itxt < idat);
    // Corrupting the chunk's CRC is detected on reading.
    let mut bad = out.clone();
    let len = u32::from_be_bytes(out[itxt - 4..itxt].try_into().unwrap()) as usize;
    bad[itxt + 4 + len] ^= 0xFF;
    let err = xmp::read_bytes("bad.png", &bad).unwrap_err();
    assert!(err.to_string().contains("CRC"), "{err}");
}

#[test]
fn webp_gets_vp8x_with_canvas_and_flags() {
    for (name, bytes, alpha) in [
        ("plain.webp", WEBP, false),
        ("lossless.webp", WEBP_LOSSLESS, false),
        ("alpha.webp", WEBP_ALPHA, true),
    ] {
        let out = xmp::embed_bytes(name, bytes, &deny()).unwrap();
        assert_eq!(&out[12..16], b"VP8X", "{name}");
        assert_eq!(out[20] & 0x04, 0x04, "{name}: XMP flag");
        assert_eq!(out[20] & 0x10 != 0, alpha, "{name}: alpha flag");
        let riff = u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff, out.len() - 8, "{name}: RIFF size");
        let w = u32::from_le_bytes([out[24], out[25], out[26], 0]) + 1;
        let h = u32::from_le_bytes([out[27], out[28], out[29], 0]) + 1;
        let expect = if alpha { (5, 7) } else { (17, 9) };
        assert_eq!((w, h), expect, "{name}: canvas");
        // Already extended: the flag stays, no second VP8X.
        let again = xmp::embed_bytes(name, &out, &constrained()).unwrap();
        assert_eq!(again.windows(4).filter(|w| *w == b"VP8X").count(), 1);
        assert_eq!(
            u32::from_le_bytes(again[4..8].try_into().unwrap()) as usize,
            again.len() - 8
        );
    }
}

/// Top-level boxes as (type, size).
fn boxes(bytes: &[u8]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut p = 0;
    while p + 8 <= bytes.len() {
        let size = u32::from_be_bytes(bytes[p..p + 4].try_into().unwrap()) as usize;
        out.push((
            String::from_utf8_lossy(&bytes[p + 4..p + 8]).into_owned(),
            size,
        ));
        if size < 8 {
            break;
        }
        p += size;
    }
    out
}

#[test]
fn bmff_appends_and_never_moves_media() {
    let out = xmp::embed_bytes("a.mp4", MP4, &deny()).unwrap();
    assert!(
        out.starts_with(MP4),
        "the original bytes are unchanged; the box is appended"
    );
    assert_eq!(boxes(&out).last().unwrap().0, "uuid");
}

#[test]
fn bmff_rewrites_in_place_when_it_fits() {
    // ExifTool put its uuid box before mdat; the merged packet fits, so the size stays.
    let before = boxes(EXIFTOOL_MP4);
    let out = xmp::embed_bytes("e.mp4", EXIFTOOL_MP4, &deny()).unwrap();
    assert_eq!(out.len(), EXIFTOOL_MP4.len());
    assert_eq!(boxes(&out), before);
}

#[test]
fn bmff_growing_box_before_mdat_becomes_free() {
    let mut p = TrainingPolicy::deny_all();
    p.set(
        Kind::DataMining,
        Use::Constrained(Some("long terms ".repeat(500))),
    );
    let s = Statement::from_policy(&p).unwrap();
    let before = boxes(EXIFTOOL_MP4);
    let uuid_at = before.iter().position(|b| b.0 == "uuid").unwrap();
    let out = xmp::embed_bytes("e.mp4", EXIFTOOL_MP4, &s).unwrap();
    let after = boxes(&out);
    assert_eq!(
        after[uuid_at],
        ("free".to_string(), before[uuid_at].1),
        "same size, renamed"
    );
    assert_eq!(after.last().unwrap().0, "uuid");
    assert_eq!(packets(&out), 1, "the retired box is zeroed");
    // Everything up to and including mdat keeps its offset.
    let prefix: usize = before.iter().map(|b| b.1).sum();
    assert_eq!(out.len() - after.last().unwrap().1, prefix);
    let r = xmp::read_bytes("e.mp4", &out).unwrap().unwrap();
    assert!(matches!(
        r.restrictions().data_mining,
        Use::Constrained(Some(_))
    ));
}

#[test]
fn quicktime_udta_xmp_is_retired() {
    let out = xmp::embed_bytes("e.mov", EXIFTOOL_MOV, &deny()).unwrap();
    assert_eq!(
        out.len() - EXIFTOOL_MOV.len(),
        boxes(&out).last().unwrap().1
    );
    assert_eq!(packets(&out), 1);
    assert_eq!(out.windows(4).filter(|w| *w == b"XMP_").count(), 0);
    let text = String::from_utf8_lossy(
        &xmp::find_packet("e.mov", std::io::Cursor::new(&out))
            .unwrap()
            .unwrap(),
    )
    .into_owned();
    assert!(text.contains("Sunset"), "merged from the old atom");
}

#[test]
fn bmff_size_zero_last_box_and_mfra() {
    // ftyp + mdat running to the end of the file (size 0).
    let mut file = vec![0, 0, 0, 16];
    file.extend_from_slice(b"ftypisom\0\0\0\0");
    file.extend_from_slice(&[0, 0, 0, 0]);
    file.extend_from_slice(b"mdat");
    file.extend_from_slice(&[7; 20]);
    let out = xmp::embed_bytes("z.mp4", &file, &deny()).unwrap();
    assert_eq!(
        boxes(&out)[1],
        ("mdat".to_string(), 28),
        "size written in place"
    );
    assert_eq!(boxes(&out)[2].0, "uuid");

    // A final mfra stays last.
    let mut file = file[..16].to_vec();
    file.extend_from_slice(&[0, 0, 0, 12]);
    file.extend_from_slice(b"mdat\x01\x02\x03\x04");
    file.extend_from_slice(&[0, 0, 0, 8]);
    file.extend_from_slice(b"mfra");
    let out = xmp::embed_bytes("f.mp4", &file, &deny()).unwrap();
    let names: Vec<String> = boxes(&out).into_iter().map(|b| b.0).collect();
    assert_eq!(names, ["ftyp", "mdat", "uuid", "mfra"]);
}

#[test]
fn heif_is_not_written() {
    let mut file = vec![0, 0, 0, 20];
    file.extend_from_slice(b"ftypheic\0\0\0\0mif1");
    file.extend_from_slice(&[0, 0, 0, 8]);
    file.extend_from_slice(b"meta");
    let err = xmp::embed_bytes("a.heic", &file, &deny()).unwrap_err();
    assert!(matches!(err, Error::NotWritable { .. }), "{err}");
}

#[test]
fn tiff_adds_tag_700_without_moving_anything() {
    let out = xmp::embed_bytes("a.tif", TIFF, &deny()).unwrap();
    assert_eq!(
        &out[8..TIFF.len()],
        &TIFF[8..],
        "only the header's IFD offset changes"
    );
    // Growing the packet past its space appends it and blanks the old one.
    let mut p = TrainingPolicy::deny_all();
    p.set(
        Kind::DataMining,
        Use::Constrained(Some("terms ".repeat(600))),
    );
    let grown = xmp::embed_bytes("a.tif", &out, &Statement::from_policy(&p).unwrap()).unwrap();
    assert_eq!(packets(&grown), 1);
    assert!(
        xmp::read_bytes("a.tif", &grown)
            .unwrap()
            .unwrap()
            .other_constraints
            .is_some()
    );
}

#[test]
fn gif_extension_has_magic_trailer_and_89a() {
    let mut gif87 = GIF.to_vec();
    gif87[3..6].copy_from_slice(b"87a");
    let out = xmp::embed_bytes("a.gif", &gif87, &deny()).unwrap();
    assert_eq!(&out[..6], b"GIF89a");
    let end = out
        .windows(19)
        .position(|w| w == b"<?xpacket end=\"w\"?>")
        .unwrap()
        + 19;
    assert_eq!(out[end], 0x01);
    assert_eq!(&out[end + 1..end + 3], &[0xFF, 0xFE]);
    assert_eq!(&out[end + 256..end + 258], &[0x00, 0x00]);
}

#[test]
fn svg_merges_inkscape_metadata() {
    let out = xmp::embed_bytes("i.svg", INKSCAPE_SVG, &deny()).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("<dc:title>Kept title</dc:title>"));
    assert_eq!(text.matches("<metadata>").count(), 1);
    let r = xmp::read_bytes("i.svg", &out).unwrap().unwrap();
    assert_eq!(r.data_mining, Some(DmiValue::Known(DataMining::Prohibited)));
}

#[test]
fn pdf_is_read_not_written() {
    let r = xmp::read_bytes("e.pdf", EXIFTOOL_PDF).unwrap().unwrap();
    assert_eq!(r.tdm_reserved(), Some(true));
    assert_eq!(
        r.data_mining,
        Some(DmiValue::Known(DataMining::ProhibitedAiMlTraining))
    );
    let err = xmp::embed_bytes("e.pdf", EXIFTOOL_PDF, &deny()).unwrap_err();
    assert!(matches!(err, Error::NotWritable { .. }), "{err}");
}

#[test]
fn audio_is_read_by_packet_scan() {
    let packet = Packet::new(&deny()).to_bytes(10);
    let mut wav = b"RIFF\0\0\0\0WAVE".to_vec();
    wav.extend_from_slice(b"_PMX");
    wav.extend_from_slice(&(packet.len() as u32).to_le_bytes());
    wav.extend_from_slice(&packet);
    let r = xmp::read_bytes("a.wav", &wav).unwrap().unwrap();
    assert_eq!(r.restrictions(), TrainingPolicy::deny_all());
    assert!(matches!(
        xmp::embed_bytes("a.wav", &wav, &deny()),
        Err(Error::NotWritable { .. })
    ));
}

#[test]
fn multiple_packets_are_refused() {
    let once = xmp::embed_bytes("a.png", PNG, &deny()).unwrap();
    let idat = once.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
    let itxt = once.windows(4).position(|w| w == b"iTXt").unwrap() - 4;
    let mut twice = once[..idat].to_vec();
    twice.extend_from_slice(&once[itxt..idat]);
    twice.extend_from_slice(&once[idat..]);
    let err = xmp::embed_bytes("two.png", &twice, &deny()).unwrap_err();
    assert!(
        matches!(err, Error::MultiplePackets { count: 2, .. }),
        "{err}"
    );
}

/// Every truncation and many single-byte corruptions of every written file:
/// reading and writing return a result (often an error), never panic, and an
/// error names the file.
#[test]
fn damaged_files_never_panic() {
    for (name, bytes, _) in SAMPLES {
        let good = xmp::embed_bytes(name, bytes, &constrained()).unwrap();
        for cut in 0..good.len() {
            check_no_panic(name, &good[..cut]);
        }
        let mut seed = 0x9E37_79B9_u32;
        for _ in 0..600 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut bad = good.clone();
            let at = seed as usize % bad.len();
            bad[at] = (seed >> 8) as u8;
            check_no_panic(name, &bad);
        }
    }
}

fn check_no_panic(name: &str, bytes: &[u8]) {
    if let Err(e) = xmp::read_bytes(name, bytes) {
        assert!(e.to_string().starts_with(name), "{e}");
    }
    if let Err(e) = xmp::embed_bytes(name, bytes, &deny()) {
        assert!(e.to_string().starts_with(name), "{e}");
    }
}

#[test]
fn declared_sizes_are_checked_before_allocating() {
    // A PNG whose iTXt claims 2 GiB, a WebP whose RIFF claims 4 GiB, an MP4
    // box claiming 2^63 bytes: errors, at once, without allocating.
    let mut png = PNG[..33].to_vec();
    png.extend_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
    png.extend_from_slice(b"iTXtXML:com.adobe.xmp\0");
    assert!(matches!(
        xmp::read_bytes("p.png", &png),
        Err(Error::Damaged { .. })
    ));
    let mut webp = WEBP.to_vec();
    webp[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        xmp::read_bytes("w.webp", &webp),
        Err(Error::Damaged { .. })
    ));
    let mut mp4 = MP4[..MP4.len().min(64)].to_vec();
    mp4.extend_from_slice(&[0, 0, 0, 1]);
    mp4.extend_from_slice(b"uuid");
    mp4.extend_from_slice(&(1u64 << 63).to_be_bytes());
    assert!(xmp::read_bytes("m.mp4", &mp4).is_err());
}

#[test]
fn read_packet_reports_attribute_and_resource_forms() {
    let packet = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:p="http://ns.useplus.org/ldf/xmp/1.0/" xmlns:t="http://www.w3.org/ns/tdmrep/" t:reservation="0">
<p:DataMining rdf:resource="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-GENAIMLTRAINING"/>
<t:policy rdf:resource="https://example.com/p"/>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let r = read_packet("p", packet).unwrap();
    assert_eq!(
        r.data_mining,
        Some(DmiValue::Known(DataMining::ProhibitedGenAiMlTraining))
    );
    assert_eq!(r.tdm_reserved(), Some(false));
    assert_eq!(r.tdm_policy.as_deref(), Some("https://example.com/p"));
}
