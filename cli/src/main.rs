//! `hallmark`: sign your work with Content Credentials that say "do not
//! train", and verify them.

#![forbid(unsafe_code)]

mod args;
mod commands;
mod common;
mod config;
mod exit;
mod failure;
mod inputs;
mod logging;
mod ordered;
mod output;
mod passphrase;
mod progress;
mod render;

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::exit::ExitStatus;
use clap::{CommandFactory, Parser};

use crate::args::{Cli, ColorChoice, Command};
use crate::failure::Failure;

// The C2PA engine allocates heavily per file (CBOR, JSON, certificates);
// mimalloc makes batches about a tenth faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    match &cli.command {
        #[cfg(feature = "serve")]
        Command::Serve(args) => logging::init_service(cli.verbose, args.log_format),
        _ => logging::init(cli.verbose, stderr_color(cli.color)),
    }
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure { message, status }) => {
            if !message.is_empty() {
                eprintln!("hallmark: {}", render::sanitize(&message));
            }
            ExitCode::from(status.code())
        }
    }
}

fn run(cli: &Cli) -> Result<u8, Failure> {
    let done = |result: Result<(), Failure>| result.map(|()| 0);
    match &cli.command {
        Command::Demo => done(commands::demo::run(cli.color)),
        Command::Keygen(args) => done(commands::keygen::run(args)),
        Command::Sign(args) => commands::sign::run(args).map(ExitStatus::code),
        Command::Derive(args) => commands::derive::run(args).map(ExitStatus::code),
        Command::Verify(args) => commands::verify::run(args, cli.color).map(ExitStatus::code),
        Command::Policy(args) => commands::policy::run(args, cli.color),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Publish(args) => commands::publish::run(args).map(ExitStatus::code),
        Command::Headers(args) => commands::headers::run(args).map(ExitStatus::code),
        Command::Scan(args) => commands::scan::run(args).map(ExitStatus::code),
        #[cfg(feature = "serve")]
        Command::Serve(args) => done(commands::serve::run(args)),
        Command::Token(args) => done(commands::token::run(args)),
        #[cfg(feature = "serve")]
        Command::Repository(args) => commands::repository::run(args).map(ExitStatus::code),
        Command::Completions(args) => {
            // Generated into memory first: the generator cannot handle a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "hallmark", &mut script);
            output::print(script).map(|()| 0)
        }
        Command::Man(args) => commands::man::run(args).map(|()| 0),
    }
}

fn stderr_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}
