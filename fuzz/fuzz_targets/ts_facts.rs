//! cargo-fuzz target: see [`durable_lsp_fuzz::ts_facts`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| durable_lsp_fuzz::ts_facts(data));
