//! Feature bench: completion and hover latency in a 5,000-line Durable Object file inside a
//! generated Workers monorepo (the engine bench's corpus), target p99 <= 10 ms.
//!
//! ```text
//! cargo bench --bench features                          # 1,000 files, 200 probes
//! cargo bench --bench features -- --files 100 --probes 20
//! ```
//!
//! Each probe types `this.env.<BINDING>.getByName("a").` at the end of a statement of the big
//! file (one `didChange`, not timed), then times, on the engine's index: completion after
//! `this.env.`, after `this.env.<BINDING>.` and after the stub's `.` (RPC methods), hover on the
//! binding and on the class name; then the probe is removed. Without `--bench` on the command line
//! (`cargo test --benches`) it runs a smoke pass of 100 files and 10 probes.

// Bench code: a failed step stops the run by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use durable_lsp::features::{completion, hover};
use durable_lsp::index::{IndexSettings, Workspace};
use durable_lsp::text::{LineCol, PositionEncoding, TextChange};

struct Options {
    files: usize,
    probes: usize,
    big_lines: usize,
}

impl Options {
    fn parse() -> Options {
        let args = support::BenchArgs::parse();
        let mut opts = if args.bench {
            Options { files: 1000, probes: 200, big_lines: 5000 }
        } else {
            Options { files: 100, probes: 10, big_lines: 5000 }
        };
        for (key, value) in &args.options {
            let number = || support::number(key, value);
            match key.as_str() {
                "--files" => opts.files = number(),
                "--probes" => opts.probes = number().max(1),
                "--big-lines" => opts.big_lines = number(),
                _ => {} // whatever else cargo passes
            }
        }
        opts
    }
}

/// Latencies of one kind of request.
#[derive(Default)]
struct Series {
    label: &'static str,
    samples: Vec<Duration>,
    empty: usize,
}

impl Series {
    fn new(label: &'static str) -> Self {
        Series { label, ..Default::default() }
    }

    /// Times `f`; counts the answers that found nothing (a broken probe).
    fn time(&mut self, f: impl FnOnce() -> bool) {
        let start = Instant::now();
        let found = f();
        self.samples.push(start.elapsed());
        self.empty += usize::from(!found);
    }

    fn report(&self) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        println!(
            "  {:<34} median {}  p99 {}  max {}  ({} samples, {} empty answers)",
            self.label,
            ms(at(0.5)),
            ms(at(0.99)),
            ms(sorted[sorted.len() - 1]),
            sorted.len(),
            self.empty
        );
        at(0.99)
    }
}

fn main() {
    let opts = Options::parse();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical temp dir");
    let generated = support::write_workspace(&root, opts.files);
    let class = format!("{}Ledger", generated.first_pascal);
    let big = support::big_do_file(&class, opts.big_lines);
    let path = generated.first_worker.join("src/objects").join(format!("{}.ts", support::kebab(&class)));
    std::fs::write(&path, &big.text).expect("write big file");
    println!(
        "durable-lsp feature bench: {} files in {} Workers, a {}-line DO file, {} probes",
        generated.files + 1,
        generated.workers,
        big.lines,
        opts.probes
    );

    let mut ws = Workspace::load(vec![root.clone()], IndexSettings::default());
    ws.open(&path, &big.text, 1);
    let binding = first_do_binding(&ws, &path).expect("the first Worker binds a DO class");
    let class_at = big.text.find(&format!("class {class}")).map(|i| i + "class ".len() + 1).expect("class");

    let mut series = [
        Series::new("completion `this.env.`"),
        Series::new("completion `this.env.X.`"),
        Series::new("completion `stub.` (RPC methods)"),
        Series::new("hover `env.X`"),
        Series::new("hover DO class name"),
    ];
    let spots = &big.stmt_ends;
    let mut version = 1;
    for i in 0..opts.probes {
        let at = spots[(i * 7919) % spots.len()];
        let env_part = "\n    this.env.";
        let probe = format!("{env_part}{binding}.getByName(\"a\").");
        version += 1;
        ws.change(&path, &[TextChange { range: Some((at, at)), text: probe.clone() }], version, PositionEncoding::Utf8);
        let text = ws.text(&path).expect("open file");
        let start = offset(&text, at);
        let after_env = start + env_part.len();
        let after_ns = after_env + binding.len() + 1;
        let after_stub = start + probe.len();
        let found = |items: Vec<completion::Completion>| !items.is_empty();
        series[0].time(|| found(completion::complete(&ws, &path, after_env)));
        series[1].time(|| found(completion::complete(&ws, &path, after_ns)));
        series[2].time(|| found(completion::complete(&ws, &path, after_stub)));
        series[3].time(|| hover::hover(&ws, &path, after_env + 1).is_some());
        let class_offset = if class_at < start { class_at } else { class_at + probe.len() };
        series[4].time(|| hover::hover(&ws, &path, class_offset).is_some());
        // Remove the probe (the text is ASCII: columns are bytes).
        let lines: Vec<&str> = probe.split('\n').collect();
        let end =
            LineCol { line: at.line + lines.len() as u32 - 1, character: lines.last().map_or(0, |l| l.len() as u32) };
        version += 1;
        ws.change(
            &path,
            &[TextChange { range: Some((at, end)), text: String::new() }],
            version,
            PositionEncoding::Utf8,
        );
    }
    let restored = ws.text(&path).is_some_and(|t| *t == *big.text);
    let worst = series.iter().map(Series::report).max().unwrap_or_default();
    println!("sanity: text restored after the probes: {}", if restored { "yes" } else { "NO" });
    println!(
        "worst p99 {} against the 10 ms target: {}",
        ms(worst),
        if worst <= Duration::from_millis(10) { "met" } else { "MISSED" }
    );
}

/// The name of the first DO binding of the first Worker that holds `path`.
fn first_do_binding(ws: &Workspace, path: &Path) -> Option<String> {
    let worker = ws.workers_containing(path).into_iter().next()?;
    let section = &worker.config.top;
    let bindings = section.durable_objects.as_ref()?.bindings.iter();
    bindings.filter(|b| b.is_local()).find_map(|b| b.name.as_ref().map(|n| n.value.clone()))
}

/// The byte offset of a position in an ASCII text.
fn offset(text: &str, at: LineCol) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(at.line as usize).map(str::len).sum();
    line_start + at.character as usize
}

/// A duration in µs below a millisecond, else in ms.
fn ms(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}
