//! The Rust engine runs the same graphs as PyTorch: z from the encoder, and the waveform from
//! decoder → Mel → MCNN, against `tests/golden/<name>.json` written by
//! `python -m models.train.export --fixture tests/golden/bundle`.
//! Tolerances: z 1e-3 absolute; masked waveform 1e-3 absolute (float32 graphs, two runtimes
//! and the Mel chain in between); the same after the bundle's Griffin-Lim rounds 1e-2 of its
//! peak (the rounds carry those differences on; the rounds alone agree to 1e-4 of the peak in
//! features_golden.rs).

use std::path::Path;

use ndm::engine::Engine;
use ndm::synth::{GenerateRequest, Synth, Vocoder};

#[derive(serde::Deserialize)]
struct Golden {
    class: usize,
    z: Vec<f32>,
    wave_head: Vec<f32>,
    mask_head: Vec<f32>,
    refine_rounds: u32,
    #[serde(default)]
    refine_pghi_bins: usize,
    refined_head: Vec<f32>,
    /// Every 16th sample of the whole refined sound (absent in older goldens).
    #[serde(default)]
    refined_strided: Vec<f32>,
    /// Every 16th sample of the PGHI vocoder's sound.
    pghi_vocoded_strided: Vec<f32>,
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Every 16th sample of `sound` against a golden's (as the goldens keep them): the largest
/// difference as a share of the golden's peak, printed and held under 1e-2.
fn check_strided(what: &str, sound: &[f32], golden: &[f32], path: &Path) {
    let strided: Vec<f32> = sound.iter().step_by(16).copied().collect();
    assert_eq!(
        strided.len(),
        golden.len(),
        "{}: strided length",
        path.display()
    );
    let peak = golden.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak > 0.0, "{}: silent strided golden", path.display());
    let d = max_abs_diff(&strided, golden) / peak;
    eprintln!("{}: {what} differs by {d:.2e} of its peak", path.display());
    assert!(
        d < 1e-2,
        "{}: {what} differs by {d} of its peak",
        path.display()
    );
}

#[test]
fn engine_matches_pytorch_on_golden_inputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let engine = Engine::load(dir.join("bundle")).expect("fixture bundle");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let g: Golden = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let sound = ndm::audio_io::read_audio(path.with_extension("wav")).unwrap();
        let enc = engine
            .encode(&sound.samples, sound.sample_rate, Some(g.class))
            .unwrap();
        let dz = max_abs_diff(&enc.z, &g.z);
        assert!(dz < 1e-3, "{}: z differs by {dz}", path.display());

        let render = |vocoder| {
            engine
                .generate(&GenerateRequest {
                    class: g.class,
                    z: g.z.clone(),
                    vocoder,
                    sample_rate: engine.info().sample_rate,
                    trim: false,
                })
                .unwrap()
                .samples
        };
        // The MCNN alone (no refinement rounds), then with the bundle's rounds.
        let out = render(Vocoder::McnnRefined { rounds: 0 });
        let expected: Vec<f32> = g
            .wave_head
            .iter()
            .zip(&g.mask_head)
            .map(|(w, m)| if *m > 0.5 { *w } else { 0.0 })
            .collect();
        let dw = max_abs_diff(&out[..expected.len()], &expected);
        assert!(dw < 1e-3, "{}: waveform differs by {dw}", path.display());

        assert_eq!(
            engine.mcnn_refine(),
            g.refine_rounds,
            "bundle and golden disagree"
        );
        assert_eq!(
            engine.pghi_bins(),
            g.refine_pghi_bins,
            "bundle and golden disagree on the PGHI band"
        );
        let refined = render(Vocoder::Mcnn);
        // Relative: the fixture's untrained decoder asks for a quiet Mel, so the refined sound
        // is quiet.
        let peak = g.refined_head.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(peak > 0.0, "{}: silent refined golden", path.display());
        let dr = max_abs_diff(&refined[..g.refined_head.len()], &g.refined_head) / peak;
        assert!(
            dr < 1e-2,
            "{}: refined waveform differs by {dr} of its peak",
            path.display()
        );
        check_strided("whole refined sound", &refined, &g.refined_strided, &path);

        // The PGHI vocoder: no MCNN, so only the decoder's differences carry on.
        let by_pghi = render(Vocoder::Pghi { rounds: None });
        check_strided(
            "the PGHI vocoder's sound",
            &by_pghi,
            &g.pghi_vocoded_strided,
            &path,
        );
        checked += 1;
    }
    assert!(checked >= 2, "expected golden files in {}", dir.display());
}
