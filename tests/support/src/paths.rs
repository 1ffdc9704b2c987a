//! Where things are in the workspace.

use std::path::PathBuf;

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed sample media folder (`tests/fixtures/media`).
pub fn media_dir() -> PathBuf {
    workspace().join("tests/fixtures/media")
}

/// A committed sample file.
pub fn media(name: &str) -> PathBuf {
    media_dir().join(name)
}

/// The folder of the public example credentials (`keys-example/`).
pub fn example_keys() -> PathBuf {
    workspace().join("keys-example")
}
