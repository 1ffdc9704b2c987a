//! WebDataset shards: arbitrary bytes scanned as a `.tar` (or, when they
//! start with the gzip magic, a `.tar.gz`) shard, every sample kept
//! whatever its answer, so that reading, grouping, verifying in parallel
//! and copying into the filtered shard all run. Member limits are lowered
//! (16 MiB a member, a 4 MiB window) so that a gzip bomb is read in time.
#![no_main]

use std::io::Read;

use hallmark::Kind;
use hallmark::shards::{Rule, Rules, SampleDecision, ScanOptions, scan_shard};
use libfuzzer_sys::fuzz_target;

const MAX_MEMBER: u64 = 16 << 20;

/// One member as a plain sequential reading of the same tar sees it.
struct Member {
    path: String,
    /// The content, or `None` when it is larger than [`MAX_MEMBER`].
    data: Option<Vec<u8>>,
}

/// The members of `shard`, read one after the other with no threads, and
/// where the reading broke: `Some(None)` at a header, `Some(Some(path))`
/// in the content of member `path`.
fn sequential(shard: &[u8]) -> (Vec<Member>, Option<Option<String>>) {
    let input: Box<dyn Read> = if shard.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(shard))
    } else {
        Box::new(shard)
    };
    let mut archive = tar::Archive::new(input);
    let mut members = Vec::new();
    let Ok(entries) = archive.entries() else {
        return (members, Some(None));
    };
    for entry in entries {
        let Ok(entry) = entry else {
            return (members, Some(None));
        };
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            continue;
        }
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let size = entry.size();
        if size > MAX_MEMBER {
            members.push(Member { path, data: None });
            continue;
        }
        let mut data = Vec::new();
        match entry.take(size).read_to_end(&mut data) {
            Ok(_) if data.len() as u64 == size => members.push(Member {
                path,
                data: Some(data),
            }),
            _ => return (members, Some(Some(path))),
        }
    }
    (members, None)
}

/// WebDataset's key: the path up to the first dot of the file name.
fn key(path: &str) -> &str {
    let file = path.rfind('/').map_or(0, |slash| slash + 1);
    path[file..]
        .find('.')
        .map_or(path, |dot| &path[..file + dot])
}

/// The samples a scan must decide: runs of members sharing a key, without
/// the one being read when the shard broke (it may be incomplete), unless
/// the member it broke in already started a new one.
fn samples(members: &[Member], broke: &Option<Option<String>>) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, member) in members.iter().enumerate() {
        match out.last_mut() {
            Some((k, run)) if k == key(&member.path) => run.push(i),
            _ => out.push((key(&member.path).to_owned(), vec![i])),
        }
    }
    let complete = match broke {
        None => true,
        Some(Some(path)) => out.last().is_some_and(|(k, _)| k != key(path)),
        Some(None) => false,
    };
    if !complete {
        out.pop();
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let mut options = ScanOptions::new(Kind::AiTraining);
    options.rules = Rules {
        constrained: Rule::Keep,
        invalid: Rule::Keep,
        unsigned: Rule::Keep,
        unreadable: Rule::Keep,
    };
    options.max_member_bytes = MAX_MEMBER;
    options.window_bytes = 4 << 20;
    let mut filtered = Vec::new();
    let mut decisions: Vec<SampleDecision> = Vec::new();
    let result = scan_shard(
        "fuzz.tar",
        data,
        hallmark_fuzz::verifier(),
        &options,
        Some(&mut filtered),
        |d| {
            decisions.push(d.clone());
            Ok(())
        },
    );
    let (members, broke) = sequential(data);
    let expected = samples(&members, &broke);
    // Every sample decided is one of the input's, in shard order, with its
    // members; none lost, none made up, none twice.
    let decided: Vec<(&str, Vec<&str>)> = decisions
        .iter()
        .map(|d| {
            (
                d.key.as_str(),
                d.members.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let wanted: Vec<(&str, Vec<&str>)> = expected
        .iter()
        .map(|(k, run)| {
            (
                k.as_str(),
                run.iter().map(|&i| members[i].path.as_str()).collect(),
            )
        })
        .collect();
    match &result {
        Ok(_) | Err(hallmark::Error::BadShard { .. }) => assert_eq!(decided, wanted),
        // Stopped early (the filtered shard could not be written): a prefix.
        Err(_) => assert!(wanted.starts_with(&decided), "{decided:?} vs {wanted:?}"),
    }
    match &result {
        Ok(_) => assert!(broke.is_none(), "a damaged shard scanned without error"),
        Err(hallmark::Error::BadShard { .. }) => assert!(broke.is_some(), "{result:?}"),
        Err(_) => {}
    }
    for d in &decisions {
        // Only intact credentials keep what their creator did not allow.
        if d.answer == "notAllowed" {
            assert!(!d.keep, "{d:?}");
        }
    }
    let Ok(summary) = result else {
        return;
    };
    let read: u64 = members
        .iter()
        .filter_map(|m| m.data.as_ref())
        .map(|d| d.len() as u64)
        .sum();
    assert_eq!(summary.members, members.len() as u64);
    assert_eq!(summary.bytes_read, read);
    assert_eq!(summary.samples, decisions.len() as u64);
    assert_eq!(
        summary.kept,
        decisions.iter().filter(|d| d.keep).count() as u64
    );
    // The filtered shard holds the kept samples' members, byte for byte.
    let kept: Vec<&Member> = expected
        .iter()
        .zip(&decisions)
        .filter(|(_, d)| d.keep)
        .flat_map(|((_, run), _)| run.iter().map(|&i| &members[i]))
        .filter(|m| m.data.is_some())
        .collect();
    let (copied, damage) = sequential(&filtered);
    assert!(damage.is_none(), "the filtered shard does not read back");
    assert_eq!(copied.len(), kept.len());
    for (copy, original) in copied.iter().zip(kept) {
        assert_eq!(copy.path, original.path);
        assert!(copy.data == original.data, "{}: content changed", copy.path);
    }
});
