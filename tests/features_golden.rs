//! Parity of src/features.rs with models/train/features.py on golden files written by Python.
//!
//! `tests/golden/` (or `$NDM_GOLDEN_DIR`) holds `<name>.wav` + `<name>.json` with
//! `{"sample_rate", "stft_mag_sum", "mel", "logmel", "std_logmel"}` (features of
//! `prepare_audio(decoded wav)`, arrays `[n_mels][frames]`) and a test bundle in `bundle/`
//! whose bundle.json supplies the feature settings and `norm`. Skipped, with a note, when the
//! folder is absent.
//!
//! Tolerances (both sides compute in float32 with different FFTs and summation orders):
//! * Mel: `|a − b| ≤ 1e-4·|b| + 1e-6·max|b|` element-wise (relative 1e-4, plus a floor at
//!   −120 dB of the loudest bin for bins that are numerically zero);
//! * log-Mel: the same bound carried through the log: `|a − b| ≤ (1e-4·m + 1e-6·max m)/(m + eps)
//!   + 1e-5` with `m` the reference Mel (≈ 1e-4 absolute wherever the Mel is well above eps);
//! * standardised log-Mel: the log-Mel bound divided by `std[m]`;
//! * sum of STFT magnitudes: relative 1e-4.

use std::path::{Path, PathBuf};

use ndarray::Array2;
use ndm::bundle::Bundle;
use ndm::features::FeatureExtractor;
use ndm::griffin_lim::{refine_mel, seed_noise};

const MEL_RTOL: f64 = 1e-4;
const MEL_FLOOR: f64 = 1e-6;
const LOG_ATOL: f64 = 1e-5;
const SUM_RTOL: f64 = 1e-4;
/// Griffin-Lim refinement, relative to the output's peak (FFTs of two libraries, per round).
const REFINE_RTOL: f32 = 1e-4;

fn golden_dir() -> PathBuf {
    std::env::var_os("NDM_GOLDEN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests")
                .join("golden")
        })
}

#[derive(serde::Deserialize)]
struct Golden {
    sample_rate: u32,
    stft_mag_sum: f64,
    mel: Vec<Vec<f32>>,
    logmel: Vec<Vec<f32>>,
    std_logmel: Vec<Vec<f32>>,
    refine_rounds: u32,
    /// Bins whose phase the first round integrates (PGHI); absent in older goldens.
    #[serde(default)]
    refine_pghi_bins: usize,
    refine_check_head: Vec<f32>,
    /// Every 16th sample of the whole refined sound (absent in older goldens).
    #[serde(default)]
    refine_check_strided: Vec<f32>,
    /// The PGHI vocoder on the input's Mel, every 16th sample: over the bundle's band, and over
    /// all bins (a bundle without a band).
    pghi_check_strided: Vec<f32>,
    pghi_all_bins_check_strided: Vec<f32>,
}

fn peak_abs(v: &[f32]) -> f32 {
    v.iter().fold(0f32, |m, x| m.max(x.abs()))
}

/// Largest |a − b| over the pairs (the shorter slice's length).
fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).fold(0f32, |m, (x, y)| m.max((x - y).abs()))
}

/// `got`'s every 16th sample (as the goldens' whole-sound checks keep them) against `want`:
/// the largest difference as a share of the golden's peak, printed and held to REFINE_RTOL.
fn check_strided(name: &str, what: &str, got: &[f32], want: &[f32]) {
    let strided: Vec<f32> = got.iter().step_by(16).copied().collect();
    assert_eq!(strided.len(), want.len(), "{name}: {what}: strided length");
    assert!(peak_abs(want) > 0.0, "{name}: {what}: silent golden");
    let d = max_diff(&strided, want) / peak_abs(want);
    eprintln!("{name}: {what} (every 16th sample) max diff {d:.2e} of its peak");
    assert!(
        d <= REFINE_RTOL,
        "{name}: {what} differs by {d:e} of its peak"
    );
}

fn to_array(name: &str, field: &str, rows: &[Vec<f32>], shape: (usize, usize)) -> Array2<f32> {
    assert_eq!(
        rows.len(),
        shape.0,
        "{name}: {field} has {} rows, expected {}",
        rows.len(),
        shape.0
    );
    let flat: Vec<f32> = rows
        .iter()
        .flat_map(|r| {
            assert_eq!(
                r.len(),
                shape.1,
                "{name}: {field} row length {} expected {}",
                r.len(),
                shape.1
            );
            r.iter().copied()
        })
        .collect();
    Array2::from_shape_vec(shape, flat).unwrap()
}

#[test]
fn features_match_python() {
    let dir = golden_dir();
    assert!(
        dir.is_dir(),
        "{} is absent: run `python -m models.train.export --fixture tests/golden/bundle`",
        dir.display()
    );
    let bundle = Bundle::load(dir.join("bundle")).expect("golden test bundle");
    let fx = FeatureExtractor::from_spec(&bundle.spec);
    let cfg = fx.config().clone();
    let eps = cfg.log_eps as f64;

    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(
        !names.is_empty(),
        "no golden .json files in {}",
        dir.display()
    );

    for json in names {
        let name = json.file_stem().unwrap().to_string_lossy().to_string();
        let g: Golden = serde_json::from_str(&std::fs::read_to_string(&json).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let sound = ndm::audio_io::read_audio(json.with_extension("wav"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sound.sample_rate, g.sample_rate, "{name}: wav rate vs json");
        assert_eq!(
            g.sample_rate, cfg.sample_rate,
            "{name}: golden must be at the bundle's rate"
        );

        let prepared = fx.prepare_audio(&sound.samples);
        let mag = fx.stft_magnitude(&prepared);
        let mel = fx.mel(mag.view());
        let mut logmel = mel.clone();
        fx.log_in_place(&mut logmel);
        let mut std_lm = logmel.clone();
        fx.standardise(&mut std_lm);

        let shape = (cfg.n_mels, cfg.frames);
        let ref_mel = to_array(&name, "mel", &g.mel, shape);
        let ref_log = to_array(&name, "logmel", &g.logmel, shape);
        let ref_std = to_array(&name, "std_logmel", &g.std_logmel, shape);

        let sum: f64 = mag.iter().map(|&v| v as f64).sum();
        let rel = (sum - g.stft_mag_sum).abs() / g.stft_mag_sum.abs().max(1e-30);
        assert!(
            rel <= SUM_RTOL,
            "{name}: STFT magnitude sum {sum} vs {} (rel {rel:e})",
            g.stft_mag_sum
        );

        let peak = ref_mel.iter().fold(0f64, |m, &v| m.max(v.abs() as f64));
        let (mut worst_mel, mut worst_log, mut worst_std) = (0f64, 0f64, 0f64);
        for ((m, t), &b) in ref_mel.indexed_iter() {
            let b = b as f64;
            let mel_tol = MEL_RTOL * b.abs() + MEL_FLOOR * peak;
            let d = (mel[[m, t]] as f64 - b).abs();
            assert!(
                d <= mel_tol,
                "{name}: mel[{m},{t}] = {} vs {b} (tol {mel_tol:e})",
                mel[[m, t]]
            );
            worst_mel = worst_mel.max(d / (b.abs() + MEL_FLOOR * peak));

            let log_tol = mel_tol / (b.max(0.0) + eps) + LOG_ATOL;
            let d = (logmel[[m, t]] as f64 - ref_log[[m, t]] as f64).abs();
            assert!(
                d <= log_tol,
                "{name}: logmel[{m},{t}] = {} vs {} (tol {log_tol:e})",
                logmel[[m, t]],
                ref_log[[m, t]]
            );
            worst_log = worst_log.max(d);

            let std_tol = log_tol / cfg.std[m] as f64 + LOG_ATOL;
            let d = (std_lm[[m, t]] as f64 - ref_std[[m, t]] as f64).abs();
            assert!(
                d <= std_tol,
                "{name}: std_logmel[{m},{t}] = {} vs {} (tol {std_tol:e})",
                std_lm[[m, t]],
                ref_std[[m, t]]
            );
            worst_std = worst_std.max(d);
        }
        eprintln!(
            "{name}: STFT sum rel {rel:.2e}, Mel max rel {worst_mel:.2e}, log-Mel max abs {worst_log:.2e}, standardised max abs {worst_std:.2e}"
        );

        // The refinement (griffin_lim::refine_mel vs models/train/refine.py) on the same inputs:
        // the input faded in by a linear ramp, refined towards the input's own Mel.
        let n = prepared.len() as f32;
        let ramped: Vec<f32> = prepared
            .iter()
            .enumerate()
            .map(|(i, v)| v * i as f32 / n)
            .collect();
        let refined = refine_mel(
            &fx,
            ref_mel.view(),
            &ramped,
            g.refine_rounds,
            g.refine_pghi_bins,
        );
        let want = &g.refine_check_head;
        let d = max_diff(&refined, want) / peak_abs(want);
        let moved = max_diff(&ramped, want) / peak_abs(want);
        eprintln!(
            "{name}: refinement max diff {d:.2e} of its peak (it moved the start by {moved:.2})"
        );
        assert!(
            g.refine_rounds > 0 && moved > 0.1,
            "{name}: the check refines nothing"
        );
        assert!(
            d <= REFINE_RTOL,
            "{name}: refinement differs by {d:e} of its peak"
        );
        // The whole sound, every 16th sample: the PGHI flood runs over all frames.
        check_strided(&name, "whole refinement", &refined, &g.refine_check_strided);

        // The PGHI vocoder: the same rounds from the seed noise, PGHI over the model's band,
        // then over all bins (Engine::pghi_vocode's choice for a model without a band).
        assert!(
            g.refine_pghi_bins > 0,
            "{name}: the fixture has a PGHI band"
        );
        let noise = seed_noise(ref_mel.ncols() * cfg.hop);
        for (bins, want, what) in [
            (g.refine_pghi_bins, &g.pghi_check_strided, "band"),
            (
                cfg.n_fft / 2 + 1,
                &g.pghi_all_bins_check_strided,
                "all bins",
            ),
        ] {
            let out = refine_mel(&fx, ref_mel.view(), &noise, g.refine_rounds, bins);
            assert!(
                peak_abs(want) > 0.1,
                "{name}: the PGHI vocoder's golden is silent"
            );
            check_strided(&name, &format!("PGHI vocoder, {what}"), &out, want);
        }
    }
}
