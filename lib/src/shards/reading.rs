//! Reading a shard: tar members grouped into samples, in shard order, each
//! handed on as soon as it is complete (the first stage of the scan).

use std::io::Read;

use super::members;
use super::pipeline::{Budget, Buffers};
use crate::error::Error;

/// One member as read from the shard.
pub(super) struct Member {
    pub(super) path: String,
    pub(super) header: tar::Header,
    /// The content, or `None` when it was larger than the limit (its size).
    pub(super) data: std::result::Result<Vec<u8>, u64>,
}

/// Consecutive members sharing a key.
pub(super) struct Sample {
    pub(super) key: String,
    pub(super) members: Vec<Member>,
    /// Bytes of member content held.
    pub(super) bytes: u64,
}

/// What reading the whole shard found, besides its samples.
#[derive(Default)]
pub(super) struct ReadEnd {
    /// Members read (files only).
    pub(super) members: u64,
    /// Bytes of member content read.
    pub(super) bytes_read: u64,
    /// Where the shard broke, when it did: every complete sample before the
    /// damage was handed on.
    pub(super) damage: Option<Error>,
}

/// Read `reader` (an uncompressed tar stream) named `name`, handing each
/// complete sample to `hand_on` in shard order, once `budget` has room for
/// it, reading members into `buffers`. Stops early, without error, when the
/// budget is cancelled or `hand_on` says no one takes samples any more.
pub(super) fn read_samples<R: Read>(
    name: &str,
    reader: R,
    max_member_bytes: u64,
    budget: &Budget,
    buffers: &Buffers,
    mut hand_on: impl FnMut(Sample) -> bool,
) -> ReadEnd {
    let mut end = ReadEnd::default();
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(error) => {
            end.damage = Some(bad_shard(name, &error));
            return end;
        }
    };
    let mut pass = |sample: Sample| budget.acquire(sample.bytes) && hand_on(sample);
    let mut current: Option<Sample> = None;
    for entry in entries {
        let member = match entry
            .map_err(Damage::header)
            .and_then(|entry| read_member(entry, max_member_bytes, buffers))
        {
            Ok(Some(member)) => member,
            Ok(None) => continue,
            Err(Damage { path, error }) => {
                // A member whose header was read but whose content is cut
                // short starts a new sample if its key is new: the sample
                // before it is complete. The sample being read when the
                // shard broke may be incomplete: it is not handed on.
                if let (Some(path), Some(sample)) = (&path, &current)
                    && members::split_key(path).0 != sample.key
                    && let Some(done) = current.take()
                    && !pass(done)
                {
                    return end;
                }
                end.damage = Some(bad_shard(name, &error));
                return end;
            }
        };
        end.members += 1;
        let size = member.data.as_ref().map_or(0, |d| d.len() as u64);
        end.bytes_read += size;
        let (key, _) = members::split_key(&member.path);
        if current.as_ref().is_some_and(|s| s.key != key)
            && let Some(done) = current.take()
            && !pass(done)
        {
            return end;
        }
        let sample = current.get_or_insert_with(|| Sample {
            key: key.to_owned(),
            members: Vec::new(),
            bytes: 0,
        });
        sample.bytes += size;
        sample.members.push(member);
    }
    if let Some(done) = current.take() {
        pass(done);
    }
    end
}

/// Members up to this size (8 MiB) are read into a buffer of the size their
/// header claims; larger ones into one that grows as their content arrives.
const EXACT_READ_LIMIT: usize = 8 << 20;

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
    buffers: &Buffers,
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
    let ends_early = || {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("{path}: the member ends early"),
        )
    };
    let read = match usize::try_from(size) {
        // Up to 8 MiB, read into a buffer of the claimed size: a reused
        // buffer's old bytes are overwritten, not zeroed first.
        Ok(len) if len <= EXACT_READ_LIMIT => {
            let mut data = buffers.take(len);
            data.resize(len, 0);
            entry
                .read_exact(&mut data)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => ends_early(),
                    _ => e,
                })
                .map(|()| data)
        }
        // Larger ones grow as the content arrives: a header may claim more
        // than follows.
        _ => {
            let mut data = buffers.take(EXACT_READ_LIMIT);
            data.clear();
            entry.read_to_end(&mut data).and_then(|_| {
                if data.len() as u64 == size {
                    Ok(data)
                } else {
                    Err(ends_early())
                }
            })
        }
    };
    let data = match read {
        Ok(data) => data,
        Err(error) => {
            return Err(Damage {
                path: Some(path),
                error,
            });
        }
    };
    Ok(Some(Member {
        path,
        header,
        data: Ok(data),
    }))
}

/// The error of a shard that is not a readable tar.
pub(super) fn bad_shard(name: &str, error: &std::io::Error) -> Error {
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
