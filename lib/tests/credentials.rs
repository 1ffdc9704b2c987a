//! Credentials on disk: encrypted, private, refused when unsafe.

use std::os::unix::fs::PermissionsExt;

use hallmark::Error;
use hallmark::credentials::{CredentialsFolder, Identity};
use secrecy::SecretString;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_writes_encrypted_private_keys_and_refuses_to_replace_them() {
    let dir = tempfile::tempdir().unwrap();
    let folder = CredentialsFolder::at(dir.path().join("creds"));
    let pass = SecretString::from("a long passphrase");
    let identity = Identity {
        name: "Ada Lovelace".into(),
        organization: None,
        email: Some("ada@example.org".into()),
    };
    folder.create(&identity, &pass).unwrap();

    assert_eq!(mode(&folder.dir), 0o700);
    for key in [folder.signer_key(), folder.ca_key()] {
        assert!(key.file_name().unwrap().to_string_lossy().contains("key"));
        assert_eq!(mode(&key), 0o600, "{}", key.display());
        let text = std::fs::read_to_string(&key).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{text}"
        );
    }
    let chain = std::fs::read_to_string(folder.chain()).unwrap();
    assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2);

    let before = std::fs::read(folder.signer_key()).unwrap();
    let err = folder.create(&identity, &pass).unwrap_err();
    assert!(matches!(err, Error::CredentialsExist { .. }), "{err}");
    assert_eq!(std::fs::read(folder.signer_key()).unwrap(), before);

    folder.load(Some(&pass)).unwrap();
    let err = folder.load(Some(&SecretString::from("wrong"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("wrong passphrase for {}", folder.signer_key().display())
    );
}

#[test]
fn a_key_others_can_read_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let folder = CredentialsFolder::at(dir.path());
    let pass = SecretString::from("passphrase");
    folder.create(&Identity::named("Bo"), &pass).unwrap();
    std::fs::set_permissions(folder.signer_key(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = folder.load(Some(&pass)).unwrap_err().to_string();
    assert!(
        err.contains("is readable by other users (mode 644)"),
        "{err}"
    );
    assert!(
        err.contains(&format!("chmod 600 {}", folder.signer_key().display())),
        "{err}"
    );
}

#[test]
fn empty_passphrases_and_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = CredentialsFolder::at(dir.path().join("c"));
    let err = folder
        .create(&Identity::named("Bo"), &SecretString::from(""))
        .unwrap_err();
    assert!(err.to_string().contains("the passphrase is empty"), "{err}");
    let err = folder
        .create(&Identity::named("  "), &SecretString::from("x"))
        .unwrap_err();
    assert!(err.to_string().contains("a name is required"), "{err}");
}
