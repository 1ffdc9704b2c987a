//! The human-readable report: plain words, one block per file.
//!
//! Everything that comes from a file (names, titles, explanations) is
//! escaped before it reaches the terminal, so a hostile file cannot move the
//! cursor, change colours or reverse text.

use std::fmt::Write as _;

use hallmark::identity::IdentityState;
use hallmark::policy::Kind;
use hallmark::verify::Basis;
use hallmark::words::{NO_POLICY, POLICY_AS_WRITTEN, STATED_BY_SIGNER, UNNAMED_SIGNER};
use hallmark::{Answer, Report, State, Use};

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

impl Style {
    /// Colour for standard output: always, never, or on a terminal unless `NO_COLOR` is set.
    pub(crate) fn for_stdout(choice: crate::args::ColorChoice) -> Self {
        use std::io::IsTerminal;
        let color = match choice {
            crate::args::ColorChoice::Always => true,
            crate::args::ColorChoice::Never => false,
            crate::args::ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Style { color }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

const GREEN: &str = "1;32";
const YELLOW: &str = "1;33";
const RED: &str = "1;31";
const DIM: &str = "2";

/// Escape what could deceive a reader so text from a file is shown, never
/// interpreted, by the terminal: control characters, bidirectional
/// overrides and invisible characters always; and, in text that mixes Latin
/// letters with look-alike letters of other scripts (Cyrillic, Greek,
/// Armenian, Cherokee, full-width forms), those look-alikes, so "Аda" with a
/// Cyrillic А reads `\u{410}da`, not as "Ada".
pub(crate) fn sanitize(text: &str) -> String {
    let mixed = text.chars().any(|c| c.is_ascii_alphabetic()) && text.chars().any(is_confusable);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible(c) || (mixed && is_confusable(c)) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Bidirectional controls and characters that take no space.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Letters of scripts whose glyphs pass for Latin ones.
fn is_confusable(c: char) -> bool {
    matches!(c,
        '\u{0370}'..='\u{03FF}'    // Greek
        | '\u{0400}'..='\u{052F}'  // Cyrillic
        | '\u{0530}'..='\u{058F}'  // Armenian
        | '\u{13A0}'..='\u{13FF}'  // Cherokee
        | '\u{FF01}'..='\u{FF5E}') // full-width ASCII
}

fn opt(text: Option<&str>) -> Option<String> {
    text.map(sanitize)
}

/// The human report for one file.
pub(crate) fn report(file: &str, report: &Report, style: Style) -> String {
    let mut out = format!("{}\n", sanitize(file));
    // The verdict in the library's words, coloured by state.
    let words = report.state.describe();
    let verdict = match report.state {
        State::Trusted => style.paint(GREEN, words),
        State::Valid => style.paint(YELLOW, words),
        State::Invalid => style.paint(RED, words),
        State::None => {
            let _ = writeln!(out, "  {words}");
            outside_credentials(&mut out, report, style);
            return out;
        }
    };
    let _ = writeln!(out, "  {verdict}");
    // An untrusted signer is what "valid" already says, in words.
    let said_already =
        |code: &str| report.state == State::Valid && code == hallmark::verify::UNTRUSTED_SIGNER;
    for failure in report.failures().filter(|f| !said_already(&f.code)) {
        let explanation = opt(failure.explanation.as_deref()).unwrap_or_default();
        let _ = writeln!(
            out,
            "    {} {}",
            style.paint(RED, &sanitize(&failure.code)),
            explanation
        );
    }
    if let Some(signer) = &report.signer {
        let name = opt(signer.common_name.as_deref())
            .or_else(|| opt(signer.organization.as_deref()))
            .unwrap_or_else(|| UNNAMED_SIGNER.into());
        let mut line = format!("  Signed by {name}");
        if let Some(issuer) = opt(signer.issuer.as_deref()) {
            let _ = write!(line, " ({issuer})");
        }
        if let Some((date, source)) = signing_date(report) {
            let _ = write!(line, " on {date}");
            if let Some(source) = source {
                let _ = write!(line, " {}", style.paint(DIM, source));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    for identity in &report.identities {
        let colour = match identity.state {
            IdentityState::Verified => GREEN,
            IdentityState::Unverified => YELLOW,
            IdentityState::Invalid => RED,
        };
        let _ = writeln!(
            out,
            "  Identity: {}",
            style.paint(colour, &sanitize(&identity.describe()))
        );
    }
    let mut about = Vec::new();
    if let Some(title) = opt(report.title.as_deref()) {
        about.push(format!("Title: {title}"));
    }
    if let Some(generator) = opt(report.claim_generator.as_deref()) {
        about.push(format!("made with {generator}"));
    }
    if report.manifest_count > 1 {
        about.push(format!(
            "{} manifests in its history",
            report.manifest_count
        ));
    }
    if !about.is_empty() {
        let _ = writeln!(out, "  {}", about.join(" · "));
    }
    for binding in &report.soft_bindings {
        let code = binding.iscc.as_deref().unwrap_or(&binding.value);
        let _ = writeln!(
            out,
            "  Fingerprint: {} {}",
            sanitize(code),
            style.paint(DIM, &format!("(soft binding {})", sanitize(&binding.alg)))
        );
    }
    if report.policy_label.is_none() {
        let _ = writeln!(out, "  {NO_POLICY}");
        outside_credentials(&mut out, report, style);
        return out;
    }
    let indent = if report.state == State::Invalid {
        let _ = writeln!(out, "  {POLICY_AS_WRITTEN}");
        "    "
    } else {
        "  "
    };
    for kind in Kind::ALL {
        let use_ = report.policy.get(kind);
        let words = use_.describe();
        // Coloured by what the file's own manifest says; the chain block
        // below says where its ingredients restrict it.
        let own = if report.chain.is_some() && report.state.is_intact() {
            answer_of(use_)
        } else {
            report.may_use(kind)
        };
        let shown = match (own, use_) {
            (Answer::NotAllowed, _) => style.paint(RED, &words),
            (Answer::Allowed, _) => style.paint(GREEN, &words),
            (_, Use::Constrained(_)) => style.paint(YELLOW, &sanitize(&words)),
            _ => words,
        };
        let _ = writeln!(out, "{indent}{}: {shown}", kind.describe());
    }
    outside_credentials(&mut out, report, style);
    out
}

/// What the file's credentials do not say themselves: a recovered manifest,
/// unsigned metadata, and the restrictions they make.
fn outside_credentials(out: &mut String, report: &Report, style: Style) {
    chain_block(out, report, style);
    recovered_block(out, report, style);
    unsigned_block(out, report, style);
    restricted_answers(out, report, style);
}

/// What the file's ingredients (the work it was made from, in its own
/// manifest store) make of each kind of use, where they restrict it, and
/// any attempt of a manifest to allow more than its ingredients.
fn chain_block(out: &mut String, report: &Report, style: Style) {
    let Some(chain) = &report.chain else {
        return;
    };
    let _ = writeln!(
        out,
        "  Made from: {}",
        chain
            .links
            .iter()
            .filter(|l| l.depth == 1)
            .map(|l| format!(
                "{} ({}{}{})",
                sanitize(&l.manifest),
                sanitize(&l.relationship),
                l.signer
                    .as_deref()
                    .map(|s| format!(", signed by {}", sanitize(s)))
                    .unwrap_or_default(),
                if l.intact {
                    ""
                } else {
                    ", broken: only its restrictions count"
                }
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    // One line per manifest that says more than an ingredient, with the kinds.
    let mut attempts: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for widening in &chain.widening {
        match attempts
            .iter_mut()
            .find(|(m, i, _)| *m == widening.manifest && *i == widening.ingredient)
        {
            Some((_, _, kinds)) => kinds.push(&widening.kind),
            None => attempts.push((
                &widening.manifest,
                &widening.ingredient,
                vec![&widening.kind],
            )),
        }
    }
    for (manifest, ingredient, kinds) in attempts {
        let _ = writeln!(
            out,
            "  {}",
            style.paint(
                YELLOW,
                &format!(
                    "Manifest {} allows more than its ingredient {} ({}): the ingredient's answers apply",
                    sanitize(manifest),
                    sanitize(ingredient),
                    kinds.join(", ")
                )
            )
        );
    }
    if !chain.sources.is_empty() {
        let _ = writeln!(
            out,
            "  Through its ingredients, which it cannot allow more than:"
        );
        for kind in Kind::ALL {
            let Some(source) = chain.sources.get(kind.as_str()) else {
                continue;
            };
            let use_ = chain.effective.get(kind);
            let words = format!("{} (from {})", use_.describe(), sanitize(source));
            let shown = match answer_of(use_) {
                Answer::NotAllowed => style.paint(RED, &words),
                Answer::Allowed => style.paint(GREEN, &words),
                Answer::Constrained => style.paint(YELLOW, &sanitize(&words)),
                _ => words,
            };
            let _ = writeln!(out, "    {}: {shown}", kind.describe());
        }
    }
}

/// The answer a use states, as the file's own credentials would give it.
fn answer_of(use_: &Use) -> Answer {
    match use_ {
        Use::Allowed => Answer::Allowed,
        Use::NotAllowed => Answer::NotAllowed,
        Use::Constrained(_) => Answer::Constrained,
        Use::Unspecified => Answer::Unspecified,
    }
}

/// The manifest a repository recovered for the file, if any: where from, how
/// near, its own verdict and signer.
fn recovered_block(out: &mut String, report: &Report, style: Style) {
    let Some(recovered) = &report.recovered else {
        return;
    };
    let _ = writeln!(
        out,
        "  Recovered from {}: {} (similarity {}, {} bits apart)",
        sanitize(&recovered.repository),
        sanitize(&recovered.manifest_id),
        recovered.similarity,
        recovered.distance
    );
    let words = recovered.state.describe();
    let verdict = match recovered.state {
        State::Trusted => style.paint(GREEN, words),
        State::Valid => style.paint(YELLOW, words),
        State::Invalid | State::None => style.paint(RED, words),
    };
    let _ = writeln!(out, "    {verdict}");
    if let Some(signer) = &recovered.signer {
        let name = opt(signer.common_name.as_deref())
            .or_else(|| opt(signer.organization.as_deref()))
            .unwrap_or_else(|| UNNAMED_SIGNER.into());
        let _ = writeln!(out, "    Signed by {name}");
    }
}

/// The unsigned statements of the file's metadata (IPTC in its XMP, TDMRep),
/// and for intact credentials whether they agree with the signed policy.
fn unsigned_block(out: &mut String, report: &Report, style: Style) {
    let Some(unsigned) = &report.unsigned else {
        return;
    };
    let mut said = Vec::new();
    if let Some(value) = &unsigned.data_mining {
        said.push(format!(
            "plus:DataMining {}",
            sanitize(value.rsplit('/').next().unwrap_or(value))
        ));
    }
    if let Some(reservation) = &unsigned.tdm_reservation {
        said.push(format!("tdm:reservation {}", sanitize(reservation)));
    }
    let _ = writeln!(
        out,
        "  Unsigned metadata (XMP): {} {}",
        said.join(" · "),
        style.paint(DIM, "(anyone could have written it: it can only restrict)")
    );
    match unsigned.agrees_with_signed {
        Some(true) => {
            let _ = writeln!(out, "    agrees with the signed policy");
        }
        Some(false) => {
            let _ = writeln!(
                out,
                "    {}",
                style.paint(YELLOW, "disagrees with the signed policy, which applies")
            );
        }
        None => {}
    }
}

/// For a file without intact credentials of its own, what a recovered
/// manifest and unsigned metadata make of each kind of use: restrictions only.
fn restricted_answers(out: &mut String, report: &Report, style: Style) {
    let recovered = report
        .recovered
        .as_ref()
        .is_some_and(|r| r.state.is_intact());
    if report.state.is_intact() || !(recovered || report.unsigned.is_some()) {
        return;
    }
    let _ = writeln!(
        out,
        "  Without credentials of its own, only restrictions count:"
    );
    for kind in Kind::ALL {
        let (answer, basis) = report.decide(kind);
        let words = match basis {
            Basis::Recovered | Basis::Unsigned => {
                let source = if basis == Basis::Recovered {
                    "recovered"
                } else {
                    "unsigned metadata"
                };
                format!(
                    "{} ({source})",
                    report.policy_for(basis).get(kind).describe()
                )
            }
            Basis::RecoveredAllowanceIgnored | Basis::UnsignedAllowanceIgnored => format!(
                "{} (said to be allowed, which only the file's own credentials can say)",
                Answer::Unspecified.describe()
            ),
            Basis::Credentials | Basis::Ingredient | Basis::Nothing => answer.describe().to_owned(),
        };
        let shown = match answer {
            Answer::NotAllowed => style.paint(RED, &words),
            Answer::Constrained => style.paint(YELLOW, &sanitize(&words)),
            _ => words,
        };
        let _ = writeln!(out, "    {}: {shown}", kind.describe());
    }
}

/// The date of signing: a time-stamp authority's if present, else the time
/// the signer states for the first action (marked as such).
fn signing_date(report: &Report) -> Option<(String, Option<&'static str>)> {
    let day = |t: &str| sanitize(t.split('T').next().unwrap_or(t));
    if let Some(at) = &report.signed_at {
        return Some((day(at), None));
    }
    let when = report.actions.iter().find_map(|a| a.when.as_deref())?;
    Some((day(when), Some(STATED_BY_SIGNER)))
}

/// The human line for a file that could not be verified.
pub(crate) fn error(message: &str, style: Style) -> String {
    format!("{}\n", style.paint(RED, &sanitize(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            sanitize("Ada\x1b[2J\u{202E}gpj.exe"),
            "Ada\\u{1b}[2J\\u{202e}gpj.exe"
        );
        assert_eq!(sanitize("Zoë Ünal"), "Zoë Ünal");
        assert_eq!(
            sanitize("Ada\u{200B}Lovelace\u{FEFF}"),
            "Ada\\u{200b}Lovelace\\u{feff}"
        );
    }

    #[test]
    fn look_alike_letters_among_latin_ones_are_escaped() {
        // Cyrillic А and о in an otherwise Latin name.
        assert_eq!(
            sanitize("\u{410}da L\u{43e}velace"),
            "\\u{410}da L\\u{43e}velace"
        );
        assert_eq!(sanitize("Ｍicrosoft"), "\\u{ff2d}icrosoft");
        // A name wholly in one script is shown as written.
        assert_eq!(sanitize("Анна Ахматова"), "Анна Ахматова");
        assert_eq!(sanitize("Σαπφώ"), "Σαπφώ");
    }

    #[test]
    fn a_file_without_credentials_says_so() {
        let text = report("a.png", &Report::none("image/png"), Style { color: false });
        assert_eq!(text, "a.png\n  no Content Credentials\n");
    }

    #[test]
    fn verdicts_are_the_library_words_coloured() {
        let mut policy = hallmark::TrainingPolicy::deny_all();
        policy.set(Kind::DataMining, Use::Constrained(None));
        for (state, colour) in [
            (State::Trusted, GREEN),
            (State::Valid, YELLOW),
            (State::Invalid, RED),
        ] {
            let mut shown = Report::none("image/png");
            shown.state = state;
            shown.policy = policy.clone();
            shown.policy_label = Some(hallmark::policy::LABEL.into());
            let plain = report("a.png", &shown, Style { color: false });
            let lines: Vec<&str> = plain.lines().collect();
            assert_eq!(lines[1], format!("  {}", state.describe()), "{plain}");
            assert!(
                plain.contains("Data mining: only on terms (none given)\n"),
                "{plain}"
            );
            assert_eq!(
                plain.contains(POLICY_AS_WRITTEN),
                state == State::Invalid,
                "{plain}"
            );
            let coloured = report("a.png", &shown, Style { color: true });
            assert!(
                coloured.contains(&format!("\x1b[{colour}m{}\x1b[0m", state.describe())),
                "{coloured}"
            );
        }
        let text = report("a.png", &Report::none("image/png"), Style { color: true });
        assert_eq!(text, format!("a.png\n  {}\n", State::None.describe()));
    }
}
