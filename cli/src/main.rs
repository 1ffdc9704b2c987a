//! `hallmark`: sign your work with Content Credentials that say "do not
//! train", and verify them.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod args;
mod commands;
mod failure;
mod passphrase;
mod render;

use std::process::ExitCode;

use clap::Parser;
use hallmark::exit::ExitStatus;

use crate::args::{Cli, Command};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors.
            let code = if err.use_stderr() {
                ExitStatus::Usage.code()
            } else {
                0
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Demo => commands::demo::run().map(|()| ExitStatus::Ok),
        Command::Keygen(args) => commands::keygen::run(args).map(|()| ExitStatus::Ok),
        Command::Sign(args) => commands::sign::run(args).map(|()| ExitStatus::Ok),
        Command::Verify(args) => commands::verify::run(args),
    };
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(Failure { message, status }) => {
            eprintln!("hallmark: {}", render::sanitize(&message));
            ExitCode::from(status.code())
        }
    }
}
