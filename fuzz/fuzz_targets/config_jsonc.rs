//! cargo-fuzz target: see [`durable_lsp_fuzz::config_jsonc`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| durable_lsp_fuzz::config_jsonc(data));
