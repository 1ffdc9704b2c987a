//! `hallmark token`: the tokens a service accepts (`serve --tokens FILE`).

use std::path::Path;

use hallmark::tokens::TokenFile;

use crate::args::{TokenAction, TokenCommandArgs};
use crate::failure::Failure;
use crate::output;
use crate::render::sanitize;

/// Add, list or revoke; `add` prints the new token as its last line.
pub(crate) fn run(args: &TokenCommandArgs) -> Result<(), Failure> {
    let path = args
        .tokens
        .as_deref()
        .ok_or_else(|| Failure::usage("say which token file: --tokens FILE"))?;
    match &args.action {
        TokenAction::Add { name, scopes } => add(path, name, scopes),
        TokenAction::List => list(path),
        TokenAction::Revoke { name } => revoke(path, name),
    }
}

fn add(path: &Path, name: &str, scopes: &[hallmark::tokens::Scope]) -> Result<(), Failure> {
    let mut file = TokenFile::load_or_empty(path).map_err(usage)?;
    let token = file.add(name, scopes).map_err(usage)?;
    file.save(path).map_err(usage)?;
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    eprintln!(
        "hallmark: token {} ({}) added to {}; it is shown once, below: keep it secret",
        sanitize(name),
        scopes.join(", "),
        sanitize(&path.display().to_string())
    );
    output::print(format!("{token}\n").into_bytes())
}

fn list(path: &Path) -> Result<(), Failure> {
    let file = TokenFile::load(path).map_err(usage)?;
    let mut text = String::new();
    for entry in &file.tokens {
        let scopes: Vec<&str> = entry.scopes.iter().map(|s| s.as_str()).collect();
        text.push_str(&format!(
            "{}\t{}\t{}\n",
            sanitize(&entry.name),
            scopes.join(","),
            sanitize(&entry.created)
        ));
    }
    output::print(text.into_bytes())
}

fn revoke(path: &Path, name: &str) -> Result<(), Failure> {
    let mut file = TokenFile::load(path).map_err(usage)?;
    file.revoke(name).map_err(usage)?;
    file.save(path).map_err(usage)?;
    eprintln!(
        "hallmark: token {} revoked; a service using {} refuses it from its next request",
        sanitize(name),
        sanitize(&path.display().to_string())
    );
    Ok(())
}

/// Every token-file problem is the command's set-up: exit 64.
fn usage(error: hallmark::Error) -> Failure {
    Failure::usage(error.to_string())
}
