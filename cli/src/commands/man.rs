//! `hallmark man`: the manual, one roff page per command.

use std::path::Path;

use clap::{Command, CommandFactory};

use crate::args::{Cli, ManArgs};
use crate::failure::Failure;
use crate::output;

/// Print the page asked for, or write every page into `--out-dir`.
pub(crate) fn run(args: &ManArgs) -> Result<(), Failure> {
    let root = Cli::command();
    if let Some(dir) = &args.out_dir {
        return write_all(&root, dir);
    }
    let command = match &args.command {
        None => root,
        Some(name) => find(&root, name)?,
    };
    output::print(render(command)?)
}

/// Every page: `hallmark.1` and one `hallmark-COMMAND.1` per subcommand.
fn pages(root: &Command) -> Vec<(String, Command)> {
    let mut pages = vec![("hallmark".to_owned(), root.clone())];
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("hallmark-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    pages
}

fn find(root: &Command, name: &str) -> Result<Command, Failure> {
    pages(root)
        .into_iter()
        .find(|(page, _)| page.strip_prefix("hallmark-") == Some(name))
        .map(|(_, command)| command)
        .ok_or_else(|| {
            let known: Vec<String> = pages(root)
                .iter()
                .filter_map(|(page, _)| page.strip_prefix("hallmark-").map(str::to_owned))
                .collect();
            Failure::usage(format!(
                "no manual page for \"{name}\": expected one of {}",
                known.join(", ")
            ))
        })
}

fn render(command: Command) -> Result<Vec<u8>, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| Failure::usage(format!("cannot render the manual page: {e}")))?;
    Ok(page)
}

fn write_all(root: &Command, dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::usage(format!("{}: cannot create the folder: {e}", dir.display())))?;
    let mut written = Vec::new();
    for (name, command) in pages(root) {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, render(command)?)
            .map_err(|e| Failure::usage(format!("{}: cannot write: {e}", path.display())))?;
        written.push(path.display().to_string());
    }
    output::print(format!("{}\n", written.join("\n")))
}
