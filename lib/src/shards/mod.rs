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
mod pipeline;
mod precheck;
mod reading;
mod writing;

use std::io::{BufReader, Read, Write};
use std::sync::mpsc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use decision::Outcome;
pub use decision::{MemberDecision, Rule, Rules, decide_file};
use pipeline::{Budget, Buffers, InOrder};
use reading::{ReadEnd, Sample};

use crate::error::{Error, Result};
use crate::format::MediaFormat;
use crate::policy::Kind;
use crate::verify::{Basis, Report, Verifier};

/// The largest member read by default (larger ones make their sample
/// unreadable): 256 MiB.
pub const DEFAULT_MAX_MEMBER_BYTES: u64 = 256 * 1024 * 1024;

/// How many bytes of samples are held at once by default, between reading
/// and writing, while their media are verified in parallel: 16 MiB.
pub const DEFAULT_WINDOW_BYTES: u64 = 16 * 1024 * 1024;

/// What [`scan_shard`] decides for, and how.
#[derive(Clone)]
pub struct ScanOptions<'a> {
    /// The kind of use asked about.
    pub kind: Kind,
    /// What happens to constrained, invalid, unsigned and unreadable samples.
    pub rules: Rules,
    /// Members larger than this make their sample unreadable.
    pub max_member_bytes: u64,
    /// Samples held at once (bytes), between reading and writing, while
    /// they are verified in parallel; a sample larger than this is read on
    /// its own.
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
/// `.tgz`. An `output` that exists and is not a regular file (a pipe, a
/// device such as `/dev/null`) is written into directly: it cannot be
/// replaced, only written. The shard is named in errors and reasons by its
/// path as given.
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
    let special = std::fs::metadata(output).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let (file, partial) = if special {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(output)
            .map_err(write_error)?;
        (file, None)
    } else {
        let mut partial_name = output.file_name().unwrap_or_default().to_os_string();
        partial_name.push(".partial");
        let partial = output.with_file_name(partial_name);
        let file = std::fs::File::create(&partial).map_err(write_error)?;
        (file, Some(partial))
    };
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
    let Some(partial) = partial else {
        return result;
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

/// Scan `input` (a `.tar`, or a gzip-compressed one: told by its content),
/// named `name` in errors and reasons: decide every sample for
/// `options.kind`, hand each decision to `on_decision` in shard order, and
/// copy kept samples into `output` (an uncompressed tar; wrap it in a gzip
/// encoder for `.tar.gz`). Returns the counts.
///
/// The stages overlap: a thread of its own reads (and decompresses) the
/// shard into samples, rayon's threads verify them, and the calling thread
/// decides and writes them, in shard order, with at most
/// [`ScanOptions::window_bytes`] of samples held between reading and
/// writing.
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
    R: Read + Send,
    W: Write,
    F: FnMut(&SampleDecision) -> Result<()>,
{
    let (head, input) = sniff(input).map_err(|e| Error::io(name, "cannot read", e))?;
    let gzipped = head.starts_with(&[0x1f, 0x8b]);
    let mut writer = output.map(tar::Builder::new);
    let mut summary = ScanSummary::default();
    let judge = Judge {
        name,
        verifier,
        options,
    };
    let budget = Budget::new(options.window_bytes);
    let buffers = Buffers::new();
    let (read_end, written) = std::thread::scope(|scope| {
        let (sample_tx, sample_rx) = mpsc::sync_channel::<(u64, Sample)>(SAMPLES_QUEUED);
        let (done_tx, done_rx) = mpsc::channel::<(u64, Sample, Verified)>();
        let budget = &budget;
        let buffers = &buffers;
        let reader = scope.spawn(move || {
            let mut index = 0u64;
            let hand_on = |sample: Sample| {
                let sent = sample_tx.send((index, sample)).is_ok();
                index += 1;
                sent
            };
            let max = options.max_member_bytes;
            if gzipped {
                let input = BufReader::with_capacity(256 * 1024, input);
                let decoder = flate2::bufread::MultiGzDecoder::new(input);
                reading::read_samples(name, decoder, max, budget, buffers, hand_on)
            } else {
                // Unbuffered: the tar reader asks for whole headers and whole
                // members, which a buffer in between would only copy twice.
                reading::read_samples(name, input, max, budget, buffers, hand_on)
            }
        });
        let judge = &judge;
        scope.spawn(move || {
            sample_rx
                .into_iter()
                .par_bridge()
                .for_each_with(done_tx, |done, (index, sample)| {
                    // A cancelled scan verifies nothing more; the sample
                    // is only given back.
                    let verified = if budget.is_cancelled() {
                        Ok(Vec::new())
                    } else {
                        judge.verify_sample(&sample)
                    };
                    let _ = done.send((index, sample, verified));
                });
        });
        let mut order = InOrder::new();
        let mut written = Ok(());
        for (index, sample, verified) in done_rx.iter() {
            for (sample, verified) in order.push(index, (sample, verified)) {
                written = written.and_then(|()| {
                    judge.finish_sample(
                        &sample,
                        verified,
                        &mut summary,
                        writer.as_mut(),
                        &mut on_decision,
                    )
                });
                if written.is_err() {
                    budget.cancel();
                }
                budget.release(sample.bytes);
                for member in sample.members {
                    if let Ok(data) = member.data {
                        buffers.give_back(data);
                    }
                }
            }
        }
        let read_end = reader.join().unwrap_or_else(|_| ReadEnd {
            damage: Some(Error::Internal {
                file: name.to_owned(),
                detail: "the shard reader stopped unexpectedly".into(),
            }),
            ..ReadEnd::default()
        });
        if written.is_ok() && order.is_waiting() {
            written = Err(Error::Internal {
                file: name.to_owned(),
                detail: format!(
                    "samples after sample {} were verified but not written",
                    order.given_out()
                ),
            });
        }
        (read_end, written)
    });
    written?;
    summary.members = read_end.members;
    summary.bytes_read = read_end.bytes_read;
    if let Some(error) = read_end.damage {
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

/// The first two bytes of `input` (fewer when it is shorter), and `input`
/// again from its start.
fn sniff<R: Read>(mut input: R) -> std::io::Result<([u8; 2], impl Read)> {
    let mut head = [0u8; 2];
    let mut filled = 0;
    while filled < head.len() {
        match input.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let again = std::io::Cursor::new(head).take(filled as u64).chain(input);
    Ok((head, again))
}

/// How many complete samples may wait for a verifying thread, besides those
/// being verified (the byte budget bounds them too).
const SAMPLES_QUEUED: usize = 64;

/// Each media member's outcome and whether the engine was needed, or the
/// error that stops the scan.
type Verified = Result<Vec<(String, Outcome, bool)>>;

/// What the stages of a scan share: the shard's name, the verifier and
/// the options.
struct Judge<'s, 'o> {
    name: &'s str,
    verifier: &'s Verifier,
    options: &'s ScanOptions<'o>,
}

impl Judge<'_, '_> {
    /// Decide a verified sample, count it, write it when kept, and hand its
    /// decision on.
    fn finish_sample<W: Write, F: FnMut(&SampleDecision) -> Result<()>>(
        &self,
        sample: &Sample,
        verified: Verified,
        summary: &mut ScanSummary,
        writer: Option<&mut tar::Builder<&mut W>>,
        on_decision: &mut F,
    ) -> Result<()> {
        let outcome = verified?;
        summary.verified += outcome.iter().filter(|(_, _, engine)| *engine).count() as u64;
        summary.prechecked += outcome
            .iter()
            .filter(|(_, o, engine)| !engine && o.is_ok())
            .count() as u64;
        let decision = self.decide_sample(sample, &outcome);
        summary.samples += 1;
        if decision.keep {
            summary.kept += 1;
            if let Some(builder) = writer {
                for member in &sample.members {
                    if let Ok(data) = &member.data {
                        writing::append(builder, member, data).map_err(|e| {
                            Error::io(self.name, "cannot write the filtered shard", e)
                        })?;
                        summary.bytes_kept += data.len() as u64;
                    }
                }
            }
        } else {
            summary.dropped += 1;
        }
        on_decision(&decision)
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
