//! cargo-fuzz target: see [`durable_lsp_fuzz::edit_sequence`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| durable_lsp_fuzz::edit_sequence(data));
