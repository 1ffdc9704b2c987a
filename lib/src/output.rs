//! Writing an output file so that it either appears complete or not at all.
//!
//! The content goes to a temporary file in the destination's folder, is
//! synced, and only then given its name. On Linux the temporary file is
//! unnamed (`O_TMPFILE`) and linked into place with `linkat`, so a process
//! killed at any moment leaves no stray file behind, and `linkat` refuses to
//! clobber an existing output. Elsewhere (or on a file system without
//! `O_TMPFILE`) a named temporary file is used and renamed into place. Its
//! name carries the writer's process id, so a later run can tell a file left
//! by a killed process from one still being written, and removes it.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Prefix of the named temporary files this module creates, so they can be
/// recognised (and cleaned up) if a process dies before renaming them.
pub const TEMP_PREFIX: &str = ".hallmark-tmp-";

/// What to do when the destination already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse: an existing destination is an error and stays untouched.
    Never,
    /// Replace it atomically.
    Replace,
}

/// An output being written; nothing is visible at the destination until
/// [`PendingOutput::commit`].
pub(crate) struct PendingOutput {
    file: File,
    target: PathBuf,
    name: String,
    temp: Temp,
}

enum Temp {
    /// An `O_TMPFILE` file with no name yet.
    #[cfg(target_os = "linux")]
    Unnamed,
    /// A named temporary file, removed on drop unless persisted.
    Named(tempfile::TempPath),
}

fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl PendingOutput {
    /// Start writing the file that will become `target`.
    pub(crate) fn create(target: &Path) -> Result<Self> {
        let name = target.display().to_string();
        let dir = parent_dir(target);
        #[cfg(target_os = "linux")]
        if let Some(file) = unnamed_temp(dir).map_err(|e| Error::io(&name, "cannot write", e))? {
            return Ok(PendingOutput {
                file,
                target: target.to_path_buf(),
                name,
                temp: Temp::Unnamed,
            });
        }
        remove_stale_temporaries_once(dir);
        let prefix = temp_name_prefix();
        let named = tempfile::Builder::new()
            .prefix(&prefix)
            .tempfile_in(dir)
            .map_err(|e| Error::io(&name, "cannot write", e))?;
        let (file, path) = named.into_parts();
        Ok(PendingOutput {
            file,
            target: target.to_path_buf(),
            name,
            temp: Temp::Named(path),
        })
    }

    /// The file to write the content to (readable too: the C2PA engine reads back).
    pub(crate) fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Give the output the permissions of `original` (used when replacing it).
    pub(crate) fn copy_permissions_from(&self, original: &Path) -> Result<()> {
        let permissions = std::fs::metadata(original)
            .map_err(|e| Error::io(&self.name, "cannot read", e))?
            .permissions();
        self.file
            .set_permissions(permissions)
            .map_err(|e| Error::io(&self.name, "cannot write", e))
    }

    /// Sync the content and give it the destination's name.
    pub(crate) fn commit(self, overwrite: Overwrite) -> Result<()> {
        let name = self.name.clone();
        let io = |e| Error::io(&name, "cannot write", e);
        self.file.sync_all().map_err(io)?;
        let dir = parent_dir(&self.target).to_path_buf();
        match self.temp {
            #[cfg(target_os = "linux")]
            Temp::Unnamed => link_unnamed(&self.file, &self.target, &dir, overwrite, &name)?,
            Temp::Named(path) => match overwrite {
                Overwrite::Never => path.persist_noclobber(&self.target).map_err(|e| {
                    if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                        Error::OutputExists { file: name.clone() }
                    } else {
                        io(e.error)
                    }
                })?,
                Overwrite::Replace => path.persist(&self.target).map_err(|e| io(e.error))?,
            },
        }
        sync_dir(&dir).map_err(io)
    }
}

/// `.hallmark-tmp-PID-`: the start of this process's temporary file names.
fn temp_name_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// Remove the temporary files that processes no longer running left in
/// `dir` (killed before they could rename them), once per folder per run.
fn remove_stale_temporaries_once(dir: &Path) {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static CLEANED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let cleaned = CLEANED.get_or_init(|| Mutex::new(HashSet::new()));
    let first = cleaned
        .lock()
        .map(|mut set| set.insert(dir.to_path_buf()))
        .unwrap_or(false);
    if first {
        let removed = remove_stale_temporaries(dir);
        if removed > 0 {
            tracing::info!(folder = %dir.display(), removed, "removed temporary files left by killed runs");
        }
    }
}

/// Remove the temporary files in `dir` whose writing process has ended;
/// returns how many. Files of running processes, and names this module did
/// not make, are left alone.
pub(crate) fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !process_is_running(pid) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether a process with this id is running (when unknown: yes, so
/// nothing is removed that might still be in use).
fn process_is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An unnamed temporary file in `dir`, or `None` when the file system does not support them.
#[cfg(target_os = "linux")]
fn unnamed_temp(dir: &Path) -> std::io::Result<Option<File>> {
    use rustix::fs::{Mode, OFlags, openat};
    use rustix::io::Errno;
    let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    match openat(rustix::fs::CWD, dir, flags, Mode::from_raw_mode(0o644)) {
        Ok(fd) => Ok(Some(File::from(fd))),
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOSYS) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Give an `O_TMPFILE` file the name `target`.
#[cfg(target_os = "linux")]
fn link_unnamed(
    file: &File,
    target: &Path,
    dir: &Path,
    overwrite: Overwrite,
    name: &str,
) -> Result<()> {
    use rustix::io::Errno;
    let io = |e: Errno| Error::io(name, "cannot write", e.into());
    match overwrite {
        Overwrite::Never => link_fd(file, target).map_err(|e| match e {
            Errno::EXIST => Error::OutputExists { file: name.into() },
            other => io(other),
        }),
        Overwrite::Replace => {
            // linkat cannot replace; link under a temporary name, then rename over.
            remove_stale_temporaries_once(dir);
            let temp = dir.join(format!("{}{:016x}", temp_name_prefix(), rand_suffix()));
            link_fd(file, &temp).map_err(io)?;
            std::fs::rename(&temp, target).map_err(|e| {
                let _ = std::fs::remove_file(&temp);
                Error::io(name, "cannot write", e)
            })
        }
    }
}

#[cfg(target_os = "linux")]
fn link_fd(file: &File, target: &Path) -> std::result::Result<(), rustix::io::Errno> {
    use rustix::fs::{AtFlags, CWD, linkat};
    use std::os::fd::AsRawFd;
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    match linkat(
        CWD,
        proc_path.as_str(),
        CWD,
        target,
        AtFlags::SYMLINK_FOLLOW,
    ) {
        // Without /proc, AT_EMPTY_PATH does the same (it needs CAP_DAC_READ_SEARCH).
        Err(rustix::io::Errno::NOENT) if !Path::new("/proc/self/fd").exists() => {
            linkat(file, "", CWD, target, AtFlags::EMPTY_PATH)
        }
        other => other,
    }
}

#[cfg(target_os = "linux")]
fn rand_suffix() -> u64 {
    use rand_core::{OsRng, RngCore};
    OsRng.next_u64()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn nothing_appears_until_commit_and_nothing_is_left_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        let mut pending = PendingOutput::create(&target).unwrap();
        pending.file().write_all(b"half").unwrap();
        assert!(entries(dir.path()).is_empty());
        drop(pending);
        assert!(entries(dir.path()).is_empty());

        let mut pending = PendingOutput::create(&target).unwrap();
        pending.file().write_all(b"whole").unwrap();
        pending.commit(Overwrite::Never).unwrap();
        assert_eq!(entries(dir.path()), ["out.bin"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
    }

    #[test]
    fn existing_output_is_kept_unless_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        std::fs::write(&target, b"precious").unwrap();
        let mut pending = PendingOutput::create(&target).unwrap();
        pending.file().write_all(b"new").unwrap();
        let err = pending.commit(Overwrite::Never).unwrap_err();
        assert!(matches!(err, Error::OutputExists { .. }), "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        assert_eq!(entries(dir.path()), ["out.bin"]);

        let mut pending = PendingOutput::create(&target).unwrap();
        pending.file().write_all(b"new").unwrap();
        pending.commit(Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(entries(dir.path()), ["out.bin"]);
    }

    #[test]
    fn temporaries_of_ended_processes_are_removed_and_no_others() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let ended = child.id();
        child.wait().unwrap();
        let own = std::process::id();
        for name in [
            format!("{TEMP_PREFIX}{ended}-abc123"),
            format!("{TEMP_PREFIX}{own}-def456"),
            format!("{TEMP_PREFIX}notapid"),
            "photo.jpg".to_string(),
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        let mut expected = vec![
            format!("{TEMP_PREFIX}{own}-def456"),
            format!("{TEMP_PREFIX}notapid"),
            "photo.jpg".to_string(),
        ];
        expected.sort();
        assert_eq!(entries(dir.path()), expected);
    }
}
