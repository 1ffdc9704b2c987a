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
    // PKCS#8 v2 encryption: PBES2 with scrypt as the key derivation, AES-256-CBC.
    let pem = std::fs::read_to_string(folder.signer_key()).unwrap();
    let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).unwrap();
    assert_eq!(label, "ENCRYPTED PRIVATE KEY");
    let info = pkcs8::EncryptedPrivateKeyInfo::try_from(der.as_slice()).unwrap();
    let pkcs8::pkcs5::EncryptionScheme::Pbes2(pbes2) = info.encryption_algorithm else {
        panic!("not PBES2: {:?}", info.encryption_algorithm);
    };
    let pkcs8::pkcs5::pbes2::Kdf::Scrypt(scrypt) = &pbes2.kdf else {
        panic!("the key derivation is not scrypt: {:?}", pbes2.kdf);
    };
    assert!(scrypt.cost_parameter >= 1 << 15, "{scrypt:?}");
    assert!(matches!(
        pbes2.encryption,
        pkcs8::pkcs5::pbes2::EncryptionScheme::Aes256Cbc { .. }
    ));

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

#[test]
fn a_folder_holding_other_things_is_refused_and_an_empty_one_made_private() {
    let dir = tempfile::tempdir().unwrap();
    let pass = SecretString::from("passphrase");
    let busy = dir.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let err = CredentialsFolder::at(&busy)
        .create(&Identity::named("Bo"), &pass)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: is not empty (it holds notes.txt); choose a new or empty folder for credentials",
            busy.display()
        )
    );
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o755)).unwrap();
    CredentialsFolder::at(&empty)
        .create(&Identity::named("Bo"), &pass)
        .unwrap();
    assert_eq!(mode(&empty), 0o700);
}

#[test]
fn replacing_credentials_twice_in_one_second_keeps_every_old_set() {
    let dir = tempfile::tempdir().unwrap();
    let folder = CredentialsFolder::at(dir.path().join("creds"));
    std::fs::create_dir(&folder.dir).unwrap();
    // Stand-in files: moving them aside is what is tested, and it happens
    // many times within a second.
    let mut archives = Vec::new();
    for round in 0..5 {
        for path in [
            folder.chain(),
            folder.signer_key(),
            folder.ca_certificate(),
            folder.ca_key(),
        ] {
            std::fs::write(path, format!("set {round}")).unwrap();
        }
        archives.push(folder.retire_existing().unwrap().unwrap());
    }
    assert_eq!(folder.retire_existing().unwrap(), None);
    let distinct: std::collections::HashSet<_> = archives.iter().collect();
    assert_eq!(distinct.len(), 5, "{archives:?}");
    for (round, archive) in archives.iter().enumerate() {
        assert_eq!(
            std::fs::read_to_string(archive.join("signer.key")).unwrap(),
            format!("set {round}")
        );
        assert_eq!(mode(archive), 0o700);
    }
}
