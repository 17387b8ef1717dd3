//! `check`'s progress bar, on stderr: only for a person watching (stderr is a terminal and the
//! format is text: never in machine formats or logs), and only once a run has taken a second
//! (a small project's check prints nothing but its findings). It draws over one line with `\r`
//! and erases that line before anything else is printed.

use std::io::Write;
use std::time::{Duration, Instant};

/// How long a run goes before the bar shows.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Characters of the bar itself.
const WIDTH: usize = 24;

/// A progress line on a terminal.
pub struct ProgressBar<W: Write> {
    out: W,
    enabled: bool,
    started: Instant,
    /// True while a line is drawn (it must be erased).
    drawn: bool,
}

impl ProgressBar<std::io::Stderr> {
    /// The bar on stderr, shown when stderr is a terminal and `text_format`.
    pub fn stderr(text_format: bool) -> Self {
        use std::io::IsTerminal;
        let stderr = std::io::stderr();
        let enabled = text_format && stderr.is_terminal();
        ProgressBar::new(stderr, enabled, Instant::now())
    }
}

impl<W: Write> ProgressBar<W> {
    /// A bar writing to `out` for a run that began at `started`; `enabled: false` draws nothing.
    pub fn new(out: W, enabled: bool, started: Instant) -> Self {
        ProgressBar { out, enabled, started, drawn: false }
    }

    /// Shows `done` of `total` files read.
    pub fn files(&mut self, done: usize, total: usize) {
        let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH).min(WIDTH);
        let bar = format!("{}{}", "=".repeat(filled), " ".repeat(WIDTH - filled));
        self.draw(&format!("durable-lsp: reading [{bar}] {done}/{total} files"));
    }

    /// Shows what is being done now, without counts.
    pub fn message(&mut self, message: &str) {
        self.draw(&format!("durable-lsp: {message}"));
    }

    /// Erases the line, if one is drawn.
    pub fn clear(&mut self) {
        if self.drawn {
            // Carriage return, then erase the whole line (ANSI EL 2).
            let _ = write!(self.out, "\r\x1b[2K");
            let _ = self.out.flush();
            self.drawn = false;
        }
    }

    fn draw(&mut self, line: &str) {
        if !self.enabled || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        // A write error (a closed terminal) only loses the bar.
        let _ = write!(self.out, "\r\x1b[2K{line}");
        let _ = self.out.flush();
        self.drawn = true;
    }
}

impl<W: Write> Drop for ProgressBar<W> {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(enabled: bool, age: Duration, steps: impl FnOnce(&mut ProgressBar<&mut Vec<u8>>)) -> String {
        let mut out = Vec::new();
        let started = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
        {
            let mut bar = ProgressBar::new(&mut out, enabled, started);
            steps(&mut bar);
        }
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn nothing_is_drawn_in_the_first_second() {
        let out = output(true, Duration::ZERO, |bar| {
            bar.files(10, 100);
            bar.message("analysing 3 Workers");
        });
        assert_eq!(out, "");
    }

    #[test]
    fn after_a_second_the_bar_counts_files_and_is_erased_at_the_end() {
        let out = output(true, Duration::from_secs(2), |bar| {
            bar.files(0, 8);
            bar.files(4, 8);
            bar.files(8, 8);
            bar.message("analysing 2 Workers");
        });
        let lines: Vec<&str> = out.split("\r\x1b[2K").filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                format!("durable-lsp: reading [{}] 0/8 files", " ".repeat(24)),
                format!("durable-lsp: reading [{}{}] 4/8 files", "=".repeat(12), " ".repeat(12)),
                format!("durable-lsp: reading [{}] 8/8 files", "=".repeat(24)),
                "durable-lsp: analysing 2 Workers".to_string(),
            ]
        );
        assert!(out.ends_with("analysing 2 Workers\r\x1b[2K"), "the last line is erased: {out:?}");
    }

    #[test]
    fn a_disabled_bar_draws_nothing() {
        let out = output(false, Duration::from_secs(5), |bar| {
            bar.files(1, 2);
            bar.clear();
        });
        assert_eq!(out, "");
    }
}
