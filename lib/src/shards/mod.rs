//! Filtering WebDataset shards: which samples of a `.tar` (or `.tar.gz`)
//! shard may be used for a kind of use, and a filtered copy of the shard
//! with only those.
//!
//! A shard is streamed once. Consecutive members sharing a key
//! (WebDataset's rule: the path up to the first dot of the file name) form
//! a sample; each sample's media members are verified (many samples at a
//! time, on rayon's threads) and the sample is decided for the kind asked
//! about by [`Rules`]; each decision goes to a callback in shard order, and
//! the members of kept samples are copied, **byte for byte** and in order,
//! into the filtered shard — never re-encoded, which would strip the
//! credentials. Members of formats hallmark reads without a place for a
//! manifest (a JPEG without APP11, a PNG without `caBX`, a WebP without
//! `C2PA`) are not opened by the C2PA engine: they cost a scan of their
//! segment headers (and their XMP, which may restrict).
//!
//! A hostile or damaged member never stops the shard: it is a decision
//! with a reason ([`Rules::unreadable`]). A damaged *shard* (a truncated
//! tar) stops with [`Error::BadShard`] naming it, after every complete
//! sample before the damage has been decided and written.
//!
//! ```no_run
//! use hallmark::shards::{scan_shard, ScanOptions};
//! use hallmark::{Kind, TrustAnchors, Verifier};
//!
//! let verifier = Verifier::new(&TrustAnchors::none())?;
//! let options = ScanOptions::new(Kind::AiTraining);
//! let shard = std::fs::File::open("shard-000000.tar")?;
//! let mut filtered = std::fs::File::create("filtered-000000.tar")?;
//! let summary = scan_shard("shard-000000.tar", shard, &verifier, &options, Some(&mut filtered), |d| {
//!     println!("{}", serde_json::to_string(d).unwrap_or_default());
//!     Ok(())
//! })?;
//! println!("kept {} of {} samples", summary.kept, summary.samples);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod decision;
mod members;
mod precheck;

use std::io::{BufRead, BufReader, Read, Write};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use decision::Outcome;
pub use decision::{MemberDecision, Rule, Rules, decide_file};

use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::policy::Kind;
use crate::verify::{Basis, Report, Verifier};

/// The largest member read by default (larger ones make their sample
/// unreadable): 256 MiB.
pub const DEFAULT_MAX_MEMBER_BYTES: u64 = 256 * 1024 * 1024;

/// How many bytes of samples are held at once by default while their
/// media are verified in parallel: 64 MiB.
pub const DEFAULT_WINDOW_BYTES: u64 = 64 * 1024 * 1024;

/// What [`scan_shard`] decides for, and how.
#[derive(Clone)]
pub struct ScanOptions<'a> {
    /// The kind of use asked about.
    pub kind: Kind,
    /// What happens to constrained, invalid, unsigned and unreadable samples.
    pub rules: Rules,
    /// Members larger than this make their sample unreadable.
    pub max_member_bytes: u64,
    /// Samples held at once (bytes) while they are verified in parallel.
    pub window_bytes: u64,
    /// A manifest repository to ask about media without intact credentials
    /// (by their fingerprint); what it finds can only restrict.
    #[cfg(feature = "fingerprint")]
    pub resolver: Option<&'a (dyn crate::recover::Resolver + Sync)>,
    #[cfg(not(feature = "fingerprint"))]
    #[doc(hidden)]
    pub _lifetime: std::marker::PhantomData<&'a ()>,
}

impl ScanOptions<'_> {
    /// The default rules and limits for `kind`, with no repository.
    pub fn new(kind: Kind) -> Self {
        ScanOptions {
            kind,
            rules: Rules::default(),
            max_member_bytes: DEFAULT_MAX_MEMBER_BYTES,
            window_bytes: DEFAULT_WINDOW_BYTES,
            #[cfg(feature = "fingerprint")]
            resolver: None,
            #[cfg(not(feature = "fingerprint"))]
            _lifetime: std::marker::PhantomData,
        }
    }
}

/// The decision on one sample: one JSON line of a decisions file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleDecision {
    /// The sample's key (its members' shared path before the first dot).
    pub key: String,
    /// Whether the sample goes into the filtered shard.
    pub keep: bool,
    /// The state of the media member the decision rests on (`trusted`,
    /// `valid`, `invalid`, `none`), `error` when it could not be read, or
    /// `none` for a sample without media.
    pub state: String,
    /// The answer for the kind asked about (`allowed`, `notAllowed`,
    /// `constrained`, `unspecified`, `unknown`).
    #[serde(rename = "use")]
    pub answer: String,
    /// What the answer rests on; absent when nothing could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Why, in words.
    pub reason: String,
    /// The sample's members, in shard order.
    pub members: Vec<String>,
    /// Each media member's decision, when the sample has more than one
    /// (the sample is kept only if every one of them would keep it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<MemberDecision>,
}

/// Counts of one shard's scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// Samples decided.
    pub samples: u64,
    /// Samples kept.
    pub kept: u64,
    /// Samples dropped.
    pub dropped: u64,
    /// Members read (files only; directories and links are not samples).
    pub members: u64,
    /// Media members the C2PA engine verified.
    pub verified: u64,
    /// Media members the pre-check found without a place for a manifest.
    pub prechecked: u64,
    /// Bytes of member content read.
    pub bytes_read: u64,
    /// Bytes of member content copied into the filtered shard.
    pub bytes_kept: u64,
}

/// One line of a decisions file: a decision with the shard it belongs to
/// (what `hallmark scan` prints, and `--decisions FILE` holds).
#[derive(Debug, Serialize)]
pub struct DecisionLine<'a> {
    /// The shard, as named to the scan.
    pub shard: &'a str,
    /// The decision.
    #[serde(flatten)]
    pub decision: &'a SampleDecision,
}

impl DecisionLine<'_> {
    /// The line as JSON, newline included.
    pub fn to_json_line(&self) -> String {
        // Serialising these plain structures cannot fail; an empty object is a safe fallback.
        let mut line = serde_json::to_string(self).unwrap_or_else(|_| "{}".into());
        line.push('\n');
        line
    }
}

/// [`scan_shard`] for a shard file, into a filtered shard file: `output` is
/// written beside itself under a temporary name (`NAME.partial`) and renamed
/// when the shard is done, or removed when it is not, so a filtered shard is
/// never half-written; it is gzip-compressed when its name ends in `.gz` or
/// `.tgz`. The shard is named in errors and reasons by its path as given.
///
/// # Errors
/// As [`scan_shard`]; [`Error::Io`] naming the shard when it cannot be
/// opened, or naming `output` when it cannot be written.
pub fn scan_file<F>(
    shard: &std::path::Path,
    output: Option<&std::path::Path>,
    verifier: &Verifier,
    options: &ScanOptions<'_>,
    on_decision: F,
) -> Result<ScanSummary>
where
    F: FnMut(&SampleDecision) -> Result<()>,
{
    let name = shard.display().to_string();
    let input = std::fs::File::open(shard).map_err(|e| Error::io(&name, "cannot read", e))?;
    let Some(output) = output else {
        return scan_shard(
            &name,
            input,
            verifier,
            options,
            None::<&mut std::io::Sink>,
            on_decision,
        );
    };
    let out_name = output.display().to_string();
    let write_error = |e| Error::io(&out_name, "cannot write", e);
    let mut partial_name = output.file_name().unwrap_or_default().to_os_string();
    partial_name.push(".partial");
    let partial = output.with_file_name(partial_name);
    let file = std::fs::File::create(&partial).map_err(write_error)?;
    let gzip = output.extension().is_some_and(|e| e == "gz" || e == "tgz");
    let result = if gzip {
        let mut encoder = flate2::write::GzEncoder::new(
            std::io::BufWriter::new(file),
            flate2::Compression::default(),
        );
        scan_shard(
            &name,
            input,
            verifier,
            options,
            Some(&mut encoder),
            on_decision,
        )
        .and_then(|summary| {
            encoder
                .finish()
                .and_then(|mut w| w.flush())
                .map_err(write_error)
                .map(|()| summary)
        })
    } else {
        let mut writer = std::io::BufWriter::new(file);
        scan_shard(
            &name,
            input,
            verifier,
            options,
            Some(&mut writer),
            on_decision,
        )
        .and_then(|summary| writer.flush().map_err(write_error).map(|()| summary))
    };
    match result.and_then(|summary| {
        std::fs::rename(&partial, output)
            .map_err(write_error)
            .map(|()| summary)
    }) {
        Ok(summary) => Ok(summary),
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// One member as read from the shard.
struct Member {
    path: String,
    header: tar::Header,
    /// The content, or `None` when it was larger than the limit (its size).
    data: std::result::Result<Vec<u8>, u64>,
}

/// Consecutive members sharing a key.
struct Sample {
    key: String,
    members: Vec<Member>,
    bytes: u64,
}

/// Scan `input` (a `.tar`, or a gzip-compressed one: told by its content),
/// named `name` in errors and reasons: decide every sample for
/// `options.kind`, hand each decision to `on_decision` in shard order, and
/// copy kept samples into `output` (an uncompressed tar; wrap it in a gzip
/// encoder for `.tar.gz`). Returns the counts.
///
/// # Errors
/// [`Error::BadShard`] when the shard is not a readable tar (truncated,
/// damaged headers), after the complete samples before the damage were
/// decided and written; [`Error::Io`] when `output` cannot be written;
/// whatever `on_decision` returns; with a repository, the error of a
/// lookup that could not be made (a filter asked to recover never
/// pretends it did).
pub fn scan_shard<R, W, F>(
    name: &str,
    input: R,
    verifier: &Verifier,
    options: &ScanOptions<'_>,
    output: Option<&mut W>,
    mut on_decision: F,
) -> Result<ScanSummary>
where
    R: Read,
    W: Write,
    F: FnMut(&SampleDecision) -> Result<()>,
{
    let mut input = BufReader::with_capacity(256 * 1024, input);
    let head = input
        .fill_buf()
        .map_err(|e| Error::io(name, "cannot read", e))?;
    let gzipped = head.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if gzipped {
        Box::new(flate2::bufread::MultiGzDecoder::new(input))
    } else {
        Box::new(input)
    };
    let mut archive = tar::Archive::new(reader);
    let mut writer = output.map(tar::Builder::new);
    let mut summary = ScanSummary::default();
    let mut scan = Scan {
        name,
        verifier,
        options,
        summary: &mut summary,
    };
    let mut window: Vec<Sample> = Vec::new();
    let mut window_bytes = 0u64;
    let mut current: Option<Sample> = None;

    let entries = archive.entries().map_err(|e| bad_shard(name, &e))?;
    let mut damage = None;
    for entry in entries {
        let member = match entry
            .map_err(Damage::header)
            .and_then(|entry| read_member(entry, options.max_member_bytes))
        {
            Ok(Some(member)) => member,
            Ok(None) => continue,
            Err(Damage { path, error }) => {
                // A member whose header was read but whose content is cut
                // short starts a new sample if its key is new: the sample
                // before it is complete.
                if let (Some(path), Some(sample)) = (&path, &current)
                    && members::split_key(path).0 != sample.key
                    && let Some(done) = current.take()
                {
                    window.push(done);
                }
                damage = Some(bad_shard(name, &error));
                break;
            }
        };
        scan.summary.members += 1;
        scan.summary.bytes_read += member.data.as_ref().map_or(0, |d| d.len() as u64);
        let (key, _) = members::split_key(&member.path);
        if current.as_ref().is_some_and(|s| s.key != key)
            && let Some(done) = current.take()
        {
            window_bytes += done.bytes;
            window.push(done);
            if window_bytes >= options.window_bytes {
                scan.decide_window(&mut window, writer.as_mut(), &mut on_decision)?;
                window_bytes = 0;
            }
        }
        let sample = current.get_or_insert_with(|| Sample {
            key: key.to_owned(),
            members: Vec::new(),
            bytes: 0,
        });
        sample.bytes += member.data.as_ref().map_or(0, |d| d.len() as u64);
        sample.members.push(member);
    }
    // The sample being read when the shard broke may be incomplete: it is
    // not decided.
    if damage.is_none()
        && let Some(done) = current.take()
    {
        window.push(done);
    }
    scan.decide_window(&mut window, writer.as_mut(), &mut on_decision)?;
    if let Some(error) = damage {
        return Err(error);
    }
    if let Some(builder) = writer {
        builder
            .into_inner()
            .and_then(|w| w.flush())
            .map_err(|e| Error::io(name, "cannot write the filtered shard", e))?;
    }
    Ok(summary)
}

/// The shard-wide state of a scan.
struct Scan<'s, 'o> {
    name: &'s str,
    verifier: &'s Verifier,
    options: &'s ScanOptions<'o>,
    summary: &'s mut ScanSummary,
}

impl Scan<'_, '_> {
    /// Verify the window's samples in parallel, then decide and write them
    /// in order; empties the window.
    fn decide_window<W: Write, F: FnMut(&SampleDecision) -> Result<()>>(
        &mut self,
        window: &mut Vec<Sample>,
        mut writer: Option<&mut tar::Builder<&mut W>>,
        on_decision: &mut F,
    ) -> Result<()> {
        let outcomes: Vec<Result<Vec<(String, Outcome, bool)>>> = window
            .par_iter()
            .map(|sample| self.verify_sample(sample))
            .collect();
        for (sample, outcome) in window.drain(..).zip(outcomes) {
            let outcome = outcome?;
            self.summary.verified += outcome.iter().filter(|(_, _, engine)| *engine).count() as u64;
            self.summary.prechecked += outcome
                .iter()
                .filter(|(_, o, engine)| !engine && o.is_ok())
                .count() as u64;
            let decision = self.decide_sample(&sample, &outcome);
            self.summary.samples += 1;
            if decision.keep {
                self.summary.kept += 1;
                if let Some(builder) = writer.as_deref_mut() {
                    for member in &sample.members {
                        if let Ok(data) = &member.data {
                            append(builder, member, data).map_err(|e| {
                                Error::io(self.name, "cannot write the filtered shard", e)
                            })?;
                            self.summary.bytes_kept += data.len() as u64;
                        }
                    }
                }
            } else {
                self.summary.dropped += 1;
            }
            on_decision(&decision)?;
        }
        Ok(())
    }

    /// Each media member's outcome, and whether the engine was needed.
    fn verify_sample(&self, sample: &Sample) -> Result<Vec<(String, Outcome, bool)>> {
        let mut outcomes = Vec::new();
        for member in &sample.members {
            let (_, extension) = members::split_key(&member.path);
            let data = match &member.data {
                Ok(data) => data,
                Err(size) => {
                    outcomes.push((
                        member.path.clone(),
                        Err(format!(
                            "{size} bytes, more than the {} bytes a member may have",
                            self.options.max_member_bytes
                        )),
                        false,
                    ));
                    continue;
                }
            };
            let Some(format) = members::media_format(extension, data) else {
                continue;
            };
            let label = format!("{}:{}", self.name, member.path);
            let (outcome, engine) = self.verify_member(&label, format, data)?;
            outcomes.push((member.path.clone(), outcome, engine));
        }
        Ok(outcomes)
    }

    fn verify_member(
        &self,
        label: &str,
        format: MediaFormat,
        data: &[u8],
    ) -> Result<(Outcome, bool)> {
        let sniffed = MediaFormat::sniff(data);
        let (result, engine) =
            if sniffed == Some(format) && !precheck::could_hold_manifest(format, data) {
                let mut report = Report::none(format.mime_type());
                crate::verify::attach_unsigned(&mut report, label, &mut std::io::Cursor::new(data));
                (Ok(report), false)
            } else {
                (self.verifier.verify_bytes(label, Some(format), data), true)
            };
        let mut report = match result {
            Ok(report) => report,
            Err(error) => return Ok((Err(error.to_string()), engine)),
        };
        #[cfg(feature = "fingerprint")]
        if let Some(resolver) = self.options.resolver {
            match crate::recover::recover_into(self.verifier, resolver, label, data, &mut report) {
                Ok(()) => {}
                // An image that cannot be fingerprinted is not looked up;
                // a repository that cannot be asked stops the scan.
                Err(error) if error.kind() == crate::ErrorKind::BadInput => {}
                Err(error) => return Err(error),
            }
        }
        Ok((Ok(Box::new(report)), engine))
    }

    fn decide_sample(
        &self,
        sample: &Sample,
        outcomes: &[(String, Outcome, bool)],
    ) -> SampleDecision {
        let members = sample.members.iter().map(|m| m.path.clone()).collect();
        let decisions: Vec<MemberDecision> = outcomes
            .iter()
            .map(|(member, outcome, _)| {
                decide_file(
                    member,
                    outcome.as_deref().map_err(String::as_str),
                    self.options.kind,
                    &self.options.rules,
                )
            })
            .collect();
        let Some(deciding) = decisions
            .iter()
            .find(|d| !d.keep)
            .or(decisions.first())
            .cloned()
        else {
            return SampleDecision {
                key: sample.key.clone(),
                keep: self.options.rules.unsigned == Rule::Keep,
                state: "none".into(),
                answer: crate::verify::Answer::Unknown.as_str().into(),
                basis: Some(Basis::Nothing),
                reason: "no media member".into(),
                members,
                media: Vec::new(),
            };
        };
        let keep = decisions.iter().all(|d| d.keep);
        let reason = if decisions.len() > 1 {
            format!("{}: {}", deciding.member, deciding.reason)
        } else {
            deciding.reason.clone()
        };
        SampleDecision {
            key: sample.key.clone(),
            keep,
            state: deciding.state,
            answer: deciding.answer,
            basis: deciding.basis,
            reason,
            members,
            media: if decisions.len() > 1 {
                decisions
            } else {
                Vec::new()
            },
        }
    }
}

/// A shard that cannot be read on, and the member being read when it broke
/// (when its header could be read).
struct Damage {
    path: Option<String>,
    error: std::io::Error,
}

impl Damage {
    fn header(error: std::io::Error) -> Self {
        Damage { path: None, error }
    }
}

/// Read one member; `None` for what is not a file (directories, links).
fn read_member<R: Read>(
    mut entry: tar::Entry<'_, R>,
    max_bytes: u64,
) -> std::result::Result<Option<Member>, Damage> {
    let kind = entry.header().entry_type();
    if !(kind.is_file() || kind == tar::EntryType::Continuous) {
        return Ok(None);
    }
    let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let header = entry.header().clone();
    let size = entry.size();
    if size > max_bytes {
        // The rest of the member is skipped by the next call to `next`.
        return Ok(Some(Member {
            path,
            header,
            data: Err(size),
        }));
    }
    // Grown as the content arrives: a header may claim more than follows.
    let mut data = Vec::with_capacity(usize::try_from(size.min(8 << 20)).unwrap_or(0));
    let read = entry.read_to_end(&mut data).and_then(|_| {
        if data.len() as u64 == size {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("{path}: the member ends early"),
            ))
        }
    });
    if let Err(error) = read {
        return Err(Damage {
            path: Some(path),
            error,
        });
    }
    Ok(Some(Member {
        path,
        header,
        data: Ok(data),
    }))
}

/// Copy a member into the filtered shard: its header as it was (a long
/// name through the tar format's own extension), its content byte for byte.
fn append<W: Write>(
    builder: &mut tar::Builder<W>,
    member: &Member,
    data: &[u8],
) -> std::io::Result<()> {
    let mut header = member.header.clone();
    if header.path_bytes().as_ref() == member.path.as_bytes() {
        builder.append(&header, data)
    } else {
        builder.append_data(&mut header, &member.path, data)
    }
}

fn bad_shard(name: &str, error: &std::io::Error) -> Error {
    // The tar reader quotes the damaged header's bytes: keep them printable.
    let detail: String = error
        .to_string()
        .chars()
        .map(|c| {
            if c.is_control() || c == char::REPLACEMENT_CHARACTER {
                '?'
            } else {
                c
            }
        })
        .take(300)
        .collect();
    Error::BadShard {
        file: name.to_owned(),
        detail,
    }
}
