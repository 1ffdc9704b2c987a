//! Where hallmark keeps a user's things.

use std::path::PathBuf;

use directories::ProjectDirs;

use crate::failure::Failure;

/// The credentials folder: the one given, or `credentials` in the user's
/// configuration folder (`~/.config/hallmark/credentials` on Linux).
pub(crate) fn credentials_dir(given: Option<&PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(dir) = given {
        return Ok(dir.clone());
    }
    ProjectDirs::from("", "", "hallmark")
        .map(|dirs| dirs.config_dir().join("credentials"))
        .ok_or_else(|| {
            Failure::usage(
                "cannot find your configuration folder (is HOME set?); give --credentials DIR",
            )
        })
}
