//! A progress bar on stderr when it is a terminal; plain notes otherwise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Progress through a batch, and a place for notes that must not garble the bar.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` items, shown only when stderr is a terminal and `visible`.
    pub(crate) fn new(total: usize, verb: &str, visible: bool) -> Self {
        if !visible || !std::io::stderr().is_terminal() || total < 2 {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(total as u64);
        let template = format!("{verb} {{bar:40}} {{pos}}/{{len}} ({{eta}} left) {{wide_msg}}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// One more item done.
    pub(crate) fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// A line on stderr, above the bar if there is one.
    pub(crate) fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Run `f` (which writes to the terminal) with the bar hidden, so the two do not mix.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Remove the bar.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
