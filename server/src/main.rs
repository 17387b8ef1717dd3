//! The `durable-lsp` binary: the language server (`serve`, the default), the linter (`check`)
//! and the reports (`graph`, `lifecycle`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use durable_lsp::analysis::rules;
use durable_lsp::cli::changed::ChangedSince;
use durable_lsp::cli::check::{self, CheckOptions, ColorArg, FailOn, FormatArg};
use durable_lsp::cli::graph::GraphFormat;
use durable_lsp::cli::lifecycle::LifecycleFormat;
use durable_lsp::index::disk_cache::CacheSetting;

/// Language server and linter for Cloudflare Durable Objects projects.
#[derive(Parser)]
#[command(name = "durable-lsp", version = durable_lsp::version::LONG, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Serve LSP on stdin/stdout (the only transport; accepted because clients such as
    /// vscode-languageclient pass it).
    #[arg(long)]
    stdio: bool,
}

/// The facts cache options of the commands that read a workspace.
#[derive(clap::Args)]
struct CacheArgs {
    /// Read and write no facts cache.
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
    /// Keep the facts cache in DIR [default: $DURABLE_LSP_CACHE_DIR, else the user's cache
    /// folder + durable-lsp].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

impl CacheArgs {
    fn setting(self) -> CacheSetting {
        match (self.no_cache, self.cache_dir) {
            (true, _) => CacheSetting::Off,
            (false, Some(dir)) => CacheSetting::Dir(dir),
            (false, None) => CacheSetting::Default,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Language Server Protocol on stdin/stdout (the default).
    Serve {
        /// Serve on stdin/stdout (the only transport; accepted because clients pass it).
        #[arg(long)]
        stdio: bool,
    },
    /// Check Workers for Durable Object mistakes and report them.
    Check {
        /// Folders or files to check [default: .]. A folder named here must hold a Worker.
        paths: Vec<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
        /// Exit with status 1 when a finding has at least this severity.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Colour the text report.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
        /// Apply the safe fixes (atomic writes), then report what remains.
        #[arg(long, conflicts_with = "diff")]
        fix: bool,
        /// Print the safe fixes as a unified diff; write nothing (exit 1 when there are any).
        #[arg(long)]
        diff: bool,
        /// Report only findings in files changed since BASE (default: the merge base with the
        /// default branch), plus uncommitted ones; put it after the paths or write `--changed=BASE`.
        #[arg(long, value_name = "BASE", num_args = 0..=1)]
        changed: Option<Option<String>>,
        /// Threads that read and parse the files (default: one per core).
        #[arg(long, value_name = "N")]
        threads: Option<NonZeroUsize>,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Draw the Workers, their Durable Object bindings and classes (storage, state) and the
    /// `script_name` edges between Workers.
    Graph {
        /// Folders to read [default: .].
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Say what the next deploy does to each Worker's Durable Objects: the classes it creates,
    /// deletes, renames and transfers, per environment, compared with a git revision.
    Lifecycle {
        /// Folders to read [default: .].
        paths: Vec<PathBuf>,
        /// The git revision whose configs count as deployed (a branch, tag or commit)
        /// [default: HEAD; in CI (CI=true) the merge base with the default branch].
        #[arg(long, value_name = "REF")]
        base: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = LifecycleFormat::Text)]
        format: LifecycleFormat,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// List the rules.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule's id, such as `missing-migration`.
        id: String,
    },
}

/// A report command's result: the report on stdout (exit 0), or its error on stderr (exit 2).
fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("durable-lsp: {err}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind;
            // clap's whole message: what was wrong, the allowed values or a did-you-mean, and
            // the usage line. Help and version go to stdout with status 0; errors to stderr, 2.
            let _ = err.print();
            return match err.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(2),
            };
        }
    };
    // Logs go to stderr, never stdout (stdout carries LSP messages or the report).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DURABLE_LSP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    match cli.command.unwrap_or(Command::Serve { stdio: cli.stdio }) {
        Command::Serve { .. } => serve(),
        Command::Check { paths, format, fail_on, color, fix, diff, changed, threads, cache } => {
            let changed = changed.map(|base| base.map_or(ChangedSince::DefaultBranch, ChangedSince::Revision));
            let cache = cache.setting();
            let options = CheckOptions { paths, format, fail_on, color, fix, diff, changed, threads, cache };
            let stdout = std::io::stdout();
            match check::run(&options, &mut stdout.lock()) {
                Ok(true) => ExitCode::from(1),
                Ok(false) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("durable-lsp: {}", err.0);
                    ExitCode::from(2)
                }
            }
        }
        Command::Graph { paths, format, cache } => {
            report(durable_lsp::cli::graph::run(&paths, format, &cache.setting()))
        }
        Command::Lifecycle { paths, base, format, cache } => {
            report(durable_lsp::cli::lifecycle::run(&paths, base.as_deref(), format, &cache.setting()))
        }
        Command::Rules => {
            for meta in rules::all_meta() {
                println!("{:<32} {:<8} {}", meta.id, meta.default_severity.as_str(), meta.summary);
            }
            ExitCode::SUCCESS
        }
        Command::Explain { id } => match rules::find(&id) {
            Some(rule) => {
                println!(
                    "# {}\n\n{}\n\nDefault severity: {}.\n\n{}",
                    rule.id,
                    rule.summary,
                    rule.default_severity.as_str(),
                    rule.doc.trim_end()
                );
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("durable-lsp: unknown rule `{id}` (see `durable-lsp rules`)");
                ExitCode::from(2)
            }
        },
    }
}

fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("durable-lsp: cannot start the runtime: {err}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(durable_lsp::lsp::serve_stdio());
    // The stdin reader sits in a blocking read that only the process's end interrupts.
    runtime.shutdown_background();
    ExitCode::SUCCESS
}
