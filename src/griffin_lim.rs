//! Griffin-Lim: the baseline vocoder (Mel magnitudes → waveform), no neural network.
//!
//! 1. Mel → linear magnitude. The filterbank `fb` `[n_mels, n_bins]` is wide and has no inverse,
//!    so we look for a non-negative `X` with `fb·X ≈ M`:
//!    * initial guess, per bin `k`: `X₀[k] = Σ_m fb[m,k]·(M[m]/W_m) / Σ_m fb[m,k]` with
//!      `W_m = Σ_k fb[m,k]`: a flat spectrum of level `c` gives `M[m] = c·W_m`, so each Mel band
//!      votes for its level per bin, weighted by how much it covers the bin. Bins no filter covers
//!      (above `fmax`, below the first centre) get 0;
//!    * then `NNLS_ITERATIONS` (`REFINE_NNLS_ITERATIONS` for the rounds after the MCNN)
//!      multiplicative non-negative least-squares updates (Lee & Seung):
//!      `X ← X ⊙ (fbᵀ·M) / (fbᵀ·fb·X + ε)`, which keep `X ≥ 0` and lower `‖fb·X − M‖²`.
//! 2. `iterations` rounds of iSTFT / STFT with the very framing of `features.rs` (frame `t`
//!    centred at `t·hop`, periodic Hann of `win` inside `n_fft`), inverse by weighted overlap-add
//!    divided by the summed squared window, starting from uniform random phases drawn from a
//!    ChaCha generator with a fixed seed (so the output is deterministic).
//!
//! The output has `T·hop` samples for `T` frames.

use ndarray::{Array2, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use realfft::num_complex::Complex;

use crate::features::{frame_span, FeatureExtractor};
use crate::pghi::{self, Framing};
use crate::sparse_bands::SparseBands;

/// Multiplicative NNLS refinements of the Mel pseudo-inverse, for Griffin-Lim from random phases.
pub const NNLS_ITERATIONS: usize = 10;
/// The same for the rounds after the MCNN ([`refine_mel`]). Started from the MCNN's phase, the
/// rounds need a less exact target: with 3 updates the prior samples were recognised as often
/// as with 10 (88.7% vs 88.8%, the same 1,100 latents and yardstick; 83.9% with none), and the
/// inversion costs a third.
pub const REFINE_NNLS_ITERATIONS: usize = 3;
/// |S|² at or below which an STFT coefficient is silent: its phase reads as 0 (1e-12 on |S|,
/// as `_unit` in models/train/refine.py).
pub(crate) const SILENT_POWER: f32 = 1e-24;
/// Seed of the random initial phases.
pub const PHASE_SEED: u64 = 0x6e64_6d5f_676c;

/// Non-negative approximate inverse of the Mel filterbank (see the module docs).
/// `fb` `[n_mels, n_bins]`, `mel` `[n_mels, T]` → `[n_bins, T]`.
pub fn mel_to_linear(
    fb: &SparseBands,
    mel: ArrayView2<f32>,
    nnls_iterations: usize,
) -> Array2<f32> {
    assert_eq!(mel.nrows(), fb.n_mels());
    let widths = fb.band_sums(); // W_m
    let cover = fb.bin_sums(); // Σ_m fb[m,k]
    let mut per_band = mel.to_owned();
    for (mut row, &w) in per_band.axis_iter_mut(Axis(0)).zip(widths.iter()) {
        let inv = if w > 0.0 { 1.0 / w } else { 0.0 };
        row.mapv_inplace(|v| v.max(0.0) * inv);
    }
    let mut x = fb.apply_t(per_band.view());
    for (mut row, &c) in x.axis_iter_mut(Axis(0)).zip(cover.iter()) {
        let inv = if c > 0.0 { 1.0 / c } else { 0.0 };
        row.mapv_inplace(|v| v * inv);
    }
    if nnls_iterations > 0 {
        let mel_pos = mel.mapv(|v| v.max(0.0));
        let numer = fb.apply_t(mel_pos.view());
        let scale = mel_pos.iter().fold(0f32, |m, &v| m.max(v)).max(1e-30);
        let eps = 1e-9 * scale;
        let mut projected = Array2::zeros(mel.dim());
        let mut denom = Array2::zeros(x.dim());
        for _ in 0..nnls_iterations {
            fb.apply_into(x.view(), &mut projected);
            fb.apply_t_into(projected.view(), &mut denom);
            ndarray::Zip::from(&mut x)
                .and(&numer)
                .and(&denom)
                .for_each(|x, &n, &d| *x *= n / (d + eps));
        }
    }
    x
}

/// Spectral convergence `‖|S| − |Ŝ|‖_F / ‖|S|‖_F`.
pub fn spectral_convergence(target: ArrayView2<f32>, estimate: ArrayView2<f32>) -> f32 {
    let mut num = 0f64;
    let mut den = 0f64;
    for (&a, &b) in target.iter().zip(estimate.iter()) {
        num += ((a - b) as f64).powi(2);
        den += (a as f64).powi(2);
    }
    if den == 0.0 {
        return if num == 0.0 { 0.0 } else { f32::INFINITY };
    }
    (num / den).sqrt() as f32
}

/// Griffin-Lim from a linear magnitude spectrogram `[n_fft/2 + 1, T]` with `fx`'s framing.
/// Returns `T·hop` samples.
pub fn griffin_lim(
    fx: &FeatureExtractor,
    magnitude: ArrayView2<f32>,
    iterations: u32,
    seed: u64,
) -> Vec<f32> {
    let n_bins = fx.config().n_bins();
    assert_eq!(magnitude.nrows(), n_bins);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Phase factors per frame, unit complex numbers.
    let phase: Vec<Vec<Complex<f32>>> = (0..magnitude.ncols())
        .map(|_| {
            (0..n_bins)
                .map(|_| Complex::from_polar(1.0, rng.random::<f32>() * std::f32::consts::TAU))
                .collect()
        })
        .collect();
    iterate(fx, magnitude, phase, iterations)
}

/// Griffin-Lim started from the phase of `init` instead of random phases: `iterations` ≥ 1
/// rounds of STFT (keep the phase) / iSTFT (with `magnitude`). Started from the MCNN's output,
/// one round lowers its spectral convergence from 0.79 to 0.59 and restores what the class
/// yardstick hears (MODEL_CARD.md); 0 rounds return `init` unchanged. `init` is read as
/// `T·hop` samples (zero-padded or cut), and so many are returned. The first round takes the
/// phase of bins `0..pghi_bins` from the magnitude's gradients ([`crate::pghi`]) instead.
pub fn refine(
    fx: &FeatureExtractor,
    magnitude: ArrayView2<f32>,
    init: &[f32],
    iterations: u32,
    pghi_bins: usize,
) -> Vec<f32> {
    let n_frames = magnitude.ncols();
    let signal = fitted(init, n_frames * fx.config().hop);
    if iterations == 0 {
        return signal;
    }
    assert_eq!(magnitude.nrows(), fx.config().n_bins());
    let mut stft = Vec::new();
    fx.stft_complex_into(&signal, n_frames, &mut stft);
    let cfg = fx.config();
    let framing = Framing {
        n_fft: cfg.n_fft,
        win: cfg.win,
        hop: cfg.hop,
    };
    pghi::integrate(magnitude, &mut stft, pghi_bins, framing);
    iterate(fx, magnitude, stft, iterations - 1)
}

/// Deterministic white noise in [-1, 1): murmur3's finaliser of `i·0x9E3779B1` (u32), its top
/// 24 bits (twin: `seed_noise` in models/train/refine.py). The PGHI vocoder's start: the
/// coefficients PGHI leaves keep its phase (three noises scored SC 0.485–0.504 on the
/// validation sounds, independent random phases 0.503; BENCHMARKS.md).
pub fn seed_noise(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let mut h = (i as u32).wrapping_mul(0x9E37_79B1);
            h ^= h >> 16;
            h = h.wrapping_mul(0x85EB_CA6B);
            h ^= h >> 13;
            h = h.wrapping_mul(0xC2B2_AE35);
            h ^= h >> 16;
            (h >> 8) as f32 * (2.0 / (1u32 << 24) as f32) - 1.0
        })
        .collect()
}

/// `init` zero-padded or cut to `len` samples.
fn fitted(init: &[f32], len: usize) -> Vec<f32> {
    let mut out = init[..init.len().min(len)].to_vec();
    out.resize(len, 0.0);
    out
}

/// `m · s/|s|` per bin into `out`; `m` (phase 0) where `s` is silent. Branch-free, so that
/// it compiles to packed square roots and divisions: the scalar form with a branch took
/// a fifth of a refinement round.
fn with_magnitude(spectrum: &[Complex<f32>], magnitude: &[f32], out: &mut [Complex<f32>]) {
    for ((o, s), &m) in out.iter_mut().zip(spectrum).zip(magnitude) {
        // Not `norm()`: its overflow-safe hypot was a third of a round, and the STFT of a
        // peak-limited sound cannot overflow when squared.
        let a2 = s.re * s.re + s.im * s.im;
        let live = a2 > SILENT_POWER;
        // s·(1/|s|) first, then ·m: the unit phase stays ≤ 1, so a huge m cannot overflow
        // where m/|s| would.
        let inv = 1.0 / a2.max(SILENT_POWER).sqrt();
        *o = Complex::new(
            if live { s.re * inv * m } else { m },
            if live { s.im * inv * m } else { 0.0 },
        );
    }
}

/// iSTFT of `magnitude` with the phase of `phase` (any non-zero modulus), then `iterations`
/// rounds of STFT (keep the phase) / iSTFT.
fn iterate(
    fx: &FeatureExtractor,
    magnitude: ArrayView2<f32>,
    mut phase: Vec<Vec<Complex<f32>>>,
    iterations: u32,
) -> Vec<f32> {
    let cfg = fx.config();
    let (n_fft, win, hop, n_bins) = (cfg.n_fft, cfg.win, cfg.hop, cfg.n_bins());
    let n_frames = magnitude.ncols();
    let len = n_frames * hop;
    let window = fx.window();

    // Σ_t w²(n − t·hop + win/2), floored so silent edges do not blow up.
    let mut wsum = vec![0f32; len];
    for t in 0..n_frames {
        let (first, skip, count) = frame_span(t, hop, win, len);
        for (o, w) in wsum[first..first + count]
            .iter_mut()
            .zip(&window[skip..skip + count])
        {
            *o += w * w;
        }
    }
    for v in &mut wsum {
        *v = if *v > 1e-8 { 1.0 / *v } else { 0.0 };
    }

    let ifft = fx.inverse_fft();
    let mut spec_buf = ifft.make_input_vec();
    let mut time_buf = ifft.make_output_vec();
    let mut ifft_scratch = ifft.make_scratch_vec();

    let mut signal = vec![0f32; len];
    let mut stft: Vec<Vec<Complex<f32>>> = Vec::new();
    let inv_n = 1.0 / n_fft as f32;
    let scaled_window: Vec<f32> = window.iter().map(|w| w * inv_n).collect();
    // Frames as rows: the loop below reads one frame's bins at a time.
    let by_frame = magnitude.t().as_standard_layout().into_owned();

    for it in 0..=iterations {
        // iSTFT of magnitude · phase.
        signal.fill(0.0);
        for (t, (p, m)) in phase.iter().zip(by_frame.rows()).enumerate() {
            with_magnitude(
                p,
                m.as_slice().expect("rows of a standard layout"),
                &mut spec_buf,
            );
            spec_buf[0].im = 0.0;
            spec_buf[n_bins - 1].im = 0.0;
            ifft.process_with_scratch(&mut spec_buf, &mut time_buf, &mut ifft_scratch)
                .expect("iFFT buffer sizes are fixed");
            let (first, skip, count) = frame_span(t, hop, win, len);
            for ((o, x), w) in signal[first..first + count]
                .iter_mut()
                .zip(&time_buf[skip..skip + count])
                .zip(&scaled_window[skip..skip + count])
            {
                *o += x * w;
            }
        }
        for (s, g) in signal.iter_mut().zip(&wsum) {
            *s *= g;
        }
        if it == iterations {
            break;
        }
        // STFT, keep the phase.
        fx.stft_complex_into(&signal, n_frames, &mut stft);
        std::mem::swap(&mut phase, &mut stft);
    }
    signal
}

/// Griffin-Lim from Mel magnitudes `[n_mels, T]` (BUNDLE.md step 3 values).
pub fn griffin_lim_mel(fx: &FeatureExtractor, mel: ArrayView2<f32>, iterations: u32) -> Vec<f32> {
    let linear = mel_to_linear(fx.bands(), mel, NNLS_ITERATIONS);
    griffin_lim(fx, linear.view(), iterations, PHASE_SEED)
}

/// [`refine`] towards Mel magnitudes `[n_mels, T]`.
pub fn refine_mel(
    fx: &FeatureExtractor,
    mel: ArrayView2<f32>,
    init: &[f32],
    iterations: u32,
    pghi_bins: usize,
) -> Vec<f32> {
    if iterations == 0 {
        return fitted(init, mel.ncols() * fx.config().hop);
    }
    let linear = mel_to_linear(fx.bands(), mel, REFINE_NNLS_ITERATIONS);
    refine(fx, linear.view(), init, iterations, pghi_bins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureConfig;

    fn fx() -> FeatureExtractor {
        FeatureExtractor::new(FeatureConfig {
            sample_rate: 22050,
            frames: 32,
            n_fft: 2048,
            win: 1024,
            hop: 256,
            n_mels: 128,
            fmin: 0.0,
            fmax: 11025.0,
            log_eps: 1e-5,
            mean: vec![0.0; 128],
            std: vec![1.0; 128],
        })
    }

    fn sine(f: f32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (std::f32::consts::TAU * f * i as f32 / 22050.0).sin() * 0.8)
            .collect()
    }

    #[test]
    fn seed_noise_is_python_s() {
        // models/train/refine.py: seed_noise(100000)[[0, 1, 2, 3, 99999]].
        let v = seed_noise(100_000);
        assert_eq!(
            [v[0], v[1], v[2], v[3], v[99_999]],
            [-1.0, -0.859_466_3, 0.462_240_1, 0.676_875_8, 0.834_363_34]
        );
        let mean = v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
        assert!(mean.abs() < 0.01 && v.iter().all(|x| (-1.0..1.0).contains(x)));
    }

    #[test]
    fn linear_gl_of_sine_converges() {
        let fx = fx();
        let x = sine(440.0, 32 * 256);
        let mag = fx.stft_magnitude(&x);
        let y = griffin_lim(&fx, mag.view(), 32, PHASE_SEED);
        assert_eq!(y.len(), x.len());
        let mag_y = fx.stft_magnitude(&y);
        let sc = spectral_convergence(mag.view(), mag_y.view());
        assert!(sc < 0.2, "SC {sc}");
        // Deterministic.
        assert_eq!(y, griffin_lim(&fx, mag.view(), 32, PHASE_SEED));
    }

    #[test]
    fn mel_gl_of_sine_reconstructs() {
        let fx = fx();
        let x = sine(1000.0, 32 * 256);
        let mel = fx.mel(fx.stft_magnitude(&x).view());
        let y = griffin_lim_mel(&fx, mel.view(), 32);
        assert_eq!(y.len(), 32 * 256);
        let mel_y = fx.mel(fx.stft_magnitude(&y).view());
        let sc = spectral_convergence(mel.view(), mel_y.view());
        assert!(sc < 0.2, "Mel SC {sc}");
        // Energy lands near 1 kHz.
        let mag_y = fx.stft_magnitude(&y);
        let col = mag_y.column(16);
        let (k, _) = col
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap();
        let f = k as f32 * 22050.0 / 2048.0;
        assert!((f - 1000.0).abs() < 80.0, "peak at {f} Hz");
    }

    #[test]
    fn pseudo_inverse_is_nonnegative_and_fits() {
        let fx = fx();
        let x = sine(3000.0, 32 * 256);
        let mel = fx.mel(fx.stft_magnitude(&x).view());
        let lin0 = mel_to_linear(fx.bands(), mel.view(), 0);
        let lin = mel_to_linear(fx.bands(), mel.view(), NNLS_ITERATIONS);
        assert!(lin.iter().all(|&v| v >= 0.0 && v.is_finite()));
        let fit0 = spectral_convergence(mel.view(), fx.mel(lin0.view()).view());
        let fit = spectral_convergence(mel.view(), fx.mel(lin.view()).view());
        assert!(fit <= fit0 + 1e-6, "NNLS made it worse: {fit0} -> {fit}");
        assert!(fit < 0.3, "fit {fit}");
    }

    #[test]
    fn refine_moves_a_rough_start_towards_the_magnitude_and_zero_rounds_keep_it() {
        let fx = fx();
        let x = sine(440.0, 32 * 256);
        let mag = fx.stft_magnitude(&x);
        // A start with the right pitch but a wrong level envelope and a phase jump halfway.
        let rough: Vec<f32> = x
            .iter()
            .enumerate()
            .map(|(i, v)| if i < 16 * 256 { 0.3 * v } else { -v })
            .collect();
        let sc_of = |y: &[f32]| spectral_convergence(mag.view(), fx.stft_magnitude(y).view());
        let kept = refine(&fx, mag.view(), &rough[..100], 0, 0);
        assert_eq!(kept.len(), x.len());
        assert_eq!(&kept[..100], &rough[..100]);
        assert!(kept[100..].iter().all(|&v| v == 0.0));
        let (sc0, sc1, sc4) = (
            sc_of(&rough),
            sc_of(&refine(&fx, mag.view(), &rough, 1, 0)),
            sc_of(&refine(&fx, mag.view(), &rough, 4, 0)),
        );
        assert!(sc1 < 0.5 * sc0, "one round: {sc0} -> {sc1}");
        assert!(sc4 <= sc1 + 1e-4, "four rounds: {sc1} -> {sc4}");
        // The true signal is (nearly) a fixed point.
        assert!(sc_of(&refine(&fx, mag.view(), &x, 2, 0)) < 0.02);
    }

    #[test]
    fn refine_mel_with_zero_rounds_only_pads() {
        let fx = fx();
        let mel = Array2::<f32>::ones((128, 4));
        assert_eq!(refine_mel(&fx, mel.view(), &[0.5; 10], 0, 0), {
            let mut v = vec![0.5; 10];
            v.resize(4 * 256, 0.0);
            v
        });
    }
}
