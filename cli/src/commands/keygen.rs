//! `hallmark keygen`: make a creator's signing credentials.

use hallmark::credentials::{CredentialsFolder, Identity, Validity};

use crate::args::KeygenArgs;
use crate::config;
use crate::failure::Failure;
use crate::output;
use crate::passphrase::{self, Purpose};

/// Create the credentials folder and say what went where and what to back up.
pub(crate) fn run(args: &KeygenArgs) -> Result<(), Failure> {
    let folder = CredentialsFolder::at(config::credentials_dir(args.out.as_ref())?);
    if folder.exists() && !args.force {
        return Err(Failure::usage(format!(
            "{}: already holds credentials; refusing to replace them (use --force to move them aside and make new ones)",
            folder.dir.display()
        )));
    }
    let identity = Identity {
        name: args.name.clone(),
        organization: args.org.clone(),
        email: args.email.clone(),
    };
    let validity = Validity::for_years(args.years);
    let passphrase =
        passphrase::obtain(args.passphrase.passphrase_file.as_deref(), Purpose::Choose)?;
    let retired = if args.force {
        folder.retire_existing()?
    } else {
        None
    };
    folder.create_with(&identity, &passphrase, validity)?;
    let mut said = String::new();
    if let Some(old) = retired {
        said += &format!("Moved the previous credentials to {}\n", old.display());
    }
    said += &format!(
        "Created signing credentials for {} in {}\n",
        args.name,
        folder.dir.display()
    );
    for (path, what) in [
        (
            folder.chain(),
            "signer certificate + CA (goes into every file you sign)",
        ),
        (
            folder.signer_key(),
            "signer private key, encrypted (keep secret, back up)",
        ),
        (
            folder.ca_certificate(),
            "local CA certificate (give to whoever verifies your work)",
        ),
        (
            folder.ca_key(),
            "local CA private key, encrypted (keep offline, back up)",
        ),
    ] {
        said += &format!("  {}  {what}\n", path.display());
    }
    said += "Back up the whole folder and remember the passphrase: neither can be recovered.\n";
    output::print_done(&said)
}
