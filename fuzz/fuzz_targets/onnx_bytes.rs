#![no_main]
//! cargo fuzz run onnx_bytes (see RELIABILITY.md); the logic is in ndm_fuzz::onnx_bytes so that
//! `cargo test --manifest-path fuzz/Cargo.toml` replays the seed corpus on stable.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ndm_fuzz::onnx_bytes(data));
