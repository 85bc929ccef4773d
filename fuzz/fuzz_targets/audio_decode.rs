#![no_main]
//! cargo fuzz run audio_decode (see RELIABILITY.md); the logic is in ndm_fuzz::audio_decode so that
//! `cargo test --manifest-path fuzz/Cargo.toml` replays the seed corpus on stable.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ndm_fuzz::audio_decode(data));
