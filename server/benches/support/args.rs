//! The command line of a bench binary.

/// Whether cargo ran the binary as a bench, and its `--key value` / `--key=value` options.
pub struct BenchArgs {
    /// True under `cargo bench` (cargo passes `--bench`); false for `cargo test --benches`,
    /// which wants a quick smoke pass.
    pub bench: bool,
    /// The options, in order.
    pub options: Vec<(String, String)>,
}

impl BenchArgs {
    /// Reads the process's arguments.
    pub fn parse() -> BenchArgs {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut out = BenchArgs { bench: false, options: Vec::new() };
        let mut it = args.into_iter().peekable();
        while let Some(arg) = it.next() {
            if arg == "--bench" {
                out.bench = true;
            } else if let Some((key, value)) = arg.split_once('=') {
                out.options.push((key.to_owned(), value.to_owned()));
            } else if arg.starts_with("--") {
                let value = it.next_if(|v| !v.starts_with("--")).unwrap_or_default();
                out.options.push((arg, value));
            }
        }
        out
    }
}

/// An option's value as a number; a bench's usage error otherwise.
pub fn number(key: &str, value: &str) -> usize {
    value.trim().parse().unwrap_or_else(|_| panic!("{key}: not a number: {value:?}"))
}
