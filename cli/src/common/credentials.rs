//! Loading the signer's credentials folder: what `sign` and `derive` share.

use std::path::PathBuf;

use hallmark::credentials::{CredentialsFolder, SigningCredentials};

use crate::args::PassphraseArgs;
use crate::config;
use crate::failure::Failure;
use crate::passphrase::{self, Purpose};

/// The credentials in `dir` (default: the folder `hallmark keygen` made),
/// unlocked with the passphrase from `passphrase`'s file,
/// `HALLMARK_PASSPHRASE` or a prompt.
pub(crate) fn load_signing_credentials(
    dir: Option<&PathBuf>,
    passphrase: &PassphraseArgs,
) -> Result<SigningCredentials, Failure> {
    let dir = config::credentials_dir(dir)?;
    let folder = CredentialsFolder::at(&dir);
    if !folder.exists() {
        return Err(Failure::usage(format!(
            "{}: no credentials here; make them with `hallmark keygen --name \"Your Name\"` or give --credentials DIR",
            dir.display()
        )));
    }
    let passphrase = passphrase::obtain(passphrase.passphrase_file.as_deref(), Purpose::Unlock)?;
    Ok(folder.load(Some(&passphrase))?)
}
