//! The public example credentials, made usable: git does not keep file modes,
//! and hallmark refuses a private key that other users can read.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The example credentials' passphrase (published in keys-example/README.md).
pub const EXAMPLE_PASSPHRASE: &str = "hallmark-example";

/// A copy of `keys-example/` in `dir` with the key files made private.
pub fn example_credentials(dir: &Path) -> PathBuf {
    let source = crate::paths::example_keys();
    let target = dir.join("keys-example");
    std::fs::create_dir_all(&target).unwrap();
    for name in ["ca.pem", "chain.pem", "signer.key", "ca.key"] {
        let to = target.join(name);
        std::fs::copy(source.join(name), &to).unwrap();
        if name.ends_with(".key") {
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    target
}
