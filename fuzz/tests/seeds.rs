//! Replays the seed corpora (corpus/<target>/) and any regression cases (regressions/<target>/)
//! through the fuzz targets' logic on stable Rust: `cargo test --manifest-path fuzz/Cargo.toml`.

use std::path::Path;

fn replay(target: &str, f: fn(&[u8])) -> usize {
    let mut n = 0;
    for dir in ["corpus", "regressions"] {
        let d = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).unwrap();
            eprintln!("{target}: {}", e.path().display());
            f(&data);
            n += 1;
        }
    }
    n
}

#[test]
fn messages_seeds() {
    assert!(replay("messages", ndm_fuzz::messages) >= 5);
}

#[test]
fn bundle_json_seeds() {
    assert!(replay("bundle_json", ndm_fuzz::bundle_json) >= 3);
    // The tiny seed is valid, so the fuzzer starts past the validation's first checks.
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/bundle_json/tiny_valid.json");
    let spec: ndm::BundleSpec = serde_json::from_slice(&std::fs::read(d).unwrap()).unwrap();
    ndm::bundle::validate_spec(&spec, Path::new("tiny")).unwrap();
}

#[test]
fn audio_decode_seeds() {
    assert!(replay("audio_decode", ndm_fuzz::audio_decode) >= 5);
    // The WAV seeds decode.
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/audio_decode/wav16_mono");
    let data = std::fs::read(d).unwrap();
    let p = std::env::temp_dir().join(format!("ndm-seed-{}.wav", std::process::id()));
    std::fs::write(&p, &data[1..]).unwrap();
    let s = ndm::read_audio(&p).unwrap();
    let _ = std::fs::remove_file(&p);
    assert_eq!((s.samples.len(), s.sample_rate), (32, 22050));
}

#[test]
fn onnx_bytes_seeds() {
    replay("onnx_bytes", ndm_fuzz::onnx_bytes);
    // The intact models load and render (the target's happy path), each picked by its byte.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/bundle");
    for (pick, model) in ["encoder", "decoder", "mcnn", "classifier"].iter().enumerate() {
        let mut data = vec![pick as u8];
        data.extend(std::fs::read(fixture.join(format!("{model}.onnx"))).unwrap());
        ndm_fuzz::onnx_bytes(&data);
        // Truncated at several points: parse errors, never crashes.
        for cut in [1, 2, 17, 100, 1000, data.len() / 2, data.len() - 1] {
            ndm_fuzz::onnx_bytes(&data[..cut.min(data.len())]);
        }
    }
}
