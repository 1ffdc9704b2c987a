//! Turning the PATHs on the command line into the list of files to work on.

use std::path::{Path, PathBuf};

use hallmark::MediaFormat;
use walkdir::WalkDir;

use crate::failure::Failure;

/// A file to work on, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    /// The file.
    pub path: PathBuf,
    /// Its path below the folder it was found in (its file name when named directly).
    pub relative: PathBuf,
    /// The folder it was found in, when it came from walking one.
    pub root: Option<PathBuf>,
}

/// The files found, and those passed over.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    /// Files to work on, in command-line order, folders walked in name order.
    pub files: Vec<Input>,
    /// Entries of walked folders passed over, and why.
    pub skipped: Vec<Skipped>,
}

/// An entry of a walked folder that is not worked on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why, in words ("not a format hallmark handles here", "not a regular file (a named pipe)").
    pub reason: String,
}

/// Expand `paths`: files are taken as they are (even of unknown type, so
/// their failure is reported); folders are walked, with `--recursive` only,
/// keeping the files `wanted` accepts. hallmark's own sidecars and temporary
/// files are passed over silently.
pub(crate) fn expand(
    paths: &[PathBuf],
    recursive: bool,
    wanted: impl Fn(MediaFormat) -> bool,
) -> Result<Expanded, Failure> {
    let mut expanded = Expanded::default();
    for path in paths {
        if !path.is_dir() {
            let relative = path
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| path.clone());
            expanded.files.push(Input {
                path: path.clone(),
                relative,
                root: None,
            });
            continue;
        }
        if !recursive {
            return Err(Failure::usage(format!(
                "{}: is a folder; add --recursive to include everything in it",
                path.display()
            )));
        }
        let before = expanded.files.len();
        for entry in WalkDir::new(path).sort_by_file_name() {
            let entry_path = match entry {
                Ok(entry) if entry.file_type().is_dir() => continue,
                Ok(entry) => entry.into_path(),
                // Unreadable entries are kept, so their failure is reported with the rest.
                Err(err) => match err.path() {
                    Some(p) => p.to_path_buf(),
                    None => continue,
                },
            };
            if is_own_file(&entry_path) {
                continue;
            }
            if let Some(reason) = not_a_regular_file(&entry_path) {
                expanded.skipped.push(Skipped {
                    path: entry_path,
                    reason,
                });
                continue;
            }
            match MediaFormat::from_path(&entry_path).or_else(|| sniff(&entry_path)) {
                Some(format) if wanted(format) => {
                    let relative = entry_path
                        .strip_prefix(path)
                        .unwrap_or(&entry_path)
                        .to_path_buf();
                    expanded.files.push(Input {
                        path: entry_path,
                        relative,
                        root: Some(path.clone()),
                    });
                }
                _ => expanded.skipped.push(Skipped {
                    path: entry_path,
                    reason: "not a format hallmark handles here".into(),
                }),
            }
        }
        if expanded.files.len() == before {
            return Err(Failure::usage(format!(
                "{}: no media files hallmark handles in this folder",
                path.display()
            )));
        }
    }
    Ok(expanded)
}

/// Why a walked entry is not a regular file (links followed), or `None`
/// when it is one or cannot be examined (its failure is then reported with
/// the rest). Reading a named pipe would wait for a writer for ever.
fn not_a_regular_file(path: &Path) -> Option<String> {
    let kind = hallmark::input::not_a_regular_file(&std::fs::metadata(path).ok()?)?;
    Some(format!("not a regular file ({kind})"))
}

/// The format of a file whose name does not tell, from its first bytes.
fn sniff(path: &Path) -> Option<MediaFormat> {
    let head = hallmark::format::read_head(&mut std::fs::File::open(path).ok()?).ok()?;
    MediaFormat::sniff(&head)
}

/// hallmark's own sidecar manifests and temporary files.
fn is_own_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with(hallmark::TEMP_PREFIX) || path.extension().is_some_and(|e| e == "c2pa")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_need_recursive_and_unwanted_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["b.jpg", "a.png", "notes.txt", "sub/c.wav", "a.c2pa"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let paths = [dir.path().to_path_buf()];
        let err = expand(&paths, false, |_| true).unwrap_err();
        assert!(err.message.contains("add --recursive"), "{}", err.message);

        let found = expand(&paths, true, |f| f != MediaFormat::Wav).unwrap();
        let relative: Vec<_> = found.files.iter().map(|i| i.relative.clone()).collect();
        assert_eq!(relative, [PathBuf::from("a.png"), PathBuf::from("b.jpg")]);
        let skipped: Vec<_> = found
            .skipped
            .iter()
            .map(|s| s.path.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(skipped, ["notes.txt", "c.wav"]);
    }

    #[test]
    fn walks_find_media_by_content_and_pass_over_named_pipes() {
        let dir = tempfile::tempdir().unwrap();
        let jpeg =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample.jpg")).unwrap();
        std::fs::write(dir.path().join("IMG_0001"), &jpeg).unwrap();
        std::fs::write(dir.path().join("README"), b"just text").unwrap();
        let fifo = dir.path().join("pipe.jpg");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());

        let found = expand(&[dir.path().to_path_buf()], true, |_| true).unwrap();
        let relative: Vec<_> = found.files.iter().map(|i| i.relative.clone()).collect();
        assert_eq!(relative, [PathBuf::from("IMG_0001")]);
        let skipped: Vec<_> = found
            .skipped
            .iter()
            .map(|s| (s.path.file_name().unwrap().to_owned(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("README".into(), "not a format hallmark handles here"),
                ("pipe.jpg".into(), "not a regular file (a named pipe)")
            ]
        );
    }

    #[test]
    fn a_folder_without_media_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        let err = expand(&[dir.path().to_path_buf()], true, |_| true).unwrap_err();
        assert!(err.message.contains("no media files"), "{}", err.message);
    }
}
