//! STFT, Mel, log and standardisation: the Rust twin of `models/train/features.py`.
//! Everything follows models/BUNDLE.md, "Features"; arrays are `[bins or mels, frames]`.

use std::sync::Arc;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use parking_lot::Mutex;
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::bundle::BundleSpec;
use crate::sparse_bands::SparseBands;

/// The numbers the feature pipeline needs (a subset of bundle.json).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureConfig {
    pub sample_rate: u32,
    pub frames: usize,
    pub n_fft: usize,
    pub win: usize,
    pub hop: usize,
    pub n_mels: usize,
    pub fmin: f64,
    pub fmax: f64,
    pub log_eps: f32,
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl FeatureConfig {
    pub fn from_spec(s: &BundleSpec) -> Self {
        FeatureConfig {
            sample_rate: s.sample_rate,
            frames: s.frames,
            n_fft: s.stft.n_fft,
            win: s.stft.win,
            hop: s.stft.hop,
            n_mels: s.mel.n_mels,
            fmin: s.mel.fmin,
            fmax: s.mel.fmax,
            log_eps: s.log_eps as f32,
            mean: s.norm.mean.clone(),
            std: s.norm.std.clone(),
        }
    }

    pub fn length_samples(&self) -> usize {
        self.frames * self.hop
    }

    pub fn n_bins(&self) -> usize {
        self.n_fft / 2 + 1
    }
}

/// `hz→mel` on the HTK scale.
pub fn hz_to_mel(f: f64) -> f64 {
    2595.0 * (1.0 + f / 700.0).log10()
}

/// `mel→hz` on the HTK scale.
pub fn mel_to_hz(m: f64) -> f64 {
    700.0 * (10f64.powf(m / 2595.0) - 1.0)
}

/// HTK triangular Mel filterbank `[n_mels, n_fft/2 + 1]`, peak 1, no area normalisation,
/// computed in f64 and cast to f32 (BUNDLE.md step 3).
pub fn mel_filterbank(
    sample_rate: u32,
    n_fft: usize,
    n_mels: usize,
    fmin: f64,
    fmax: f64,
) -> Array2<f32> {
    let n_bins = n_fft / 2 + 1;
    let (m_lo, m_hi) = (hz_to_mel(fmin), hz_to_mel(fmax));
    let n_pts = n_mels + 2;
    // Like numpy.linspace: start + i·step, the last point exactly `stop`.
    let step = (m_hi - m_lo) / (n_pts - 1) as f64;
    let h: Vec<f64> = (0..n_pts)
        .map(|i| {
            if i == n_pts - 1 {
                mel_to_hz(m_hi)
            } else {
                mel_to_hz(m_lo + i as f64 * step)
            }
        })
        .collect();
    let mut fb = Array2::<f32>::zeros((n_mels, n_bins));
    for m in 0..n_mels {
        let (lo, mid, hi) = (h[m], h[m + 1], h[m + 2]);
        for k in 0..n_bins {
            let f = k as f64 * sample_rate as f64 / n_fft as f64;
            let up = (f - lo) / (mid - lo);
            let down = (hi - f) / (hi - mid);
            let v = up.min(down).max(0.0);
            if v.is_finite() && v > 0.0 {
                fb[[m, k]] = v as f32;
            }
        }
    }
    fb
}

/// Periodic Hann window of length `win`: `0.5 − 0.5·cos(2πn/win)` (computed in f64).
/// The part of frame `t` (`win` samples from `t·hop − win/2`) inside a `len`-sample signal:
/// (first signal index, first frame index, count). Frames past either end give a count of 0
/// with in-range indices, so that slicing by them never panics.
pub(crate) fn frame_span(t: usize, hop: usize, win: usize, len: usize) -> (usize, usize, usize) {
    let start = (t * hop) as isize - (win / 2) as isize;
    let skip = ((-start).max(0) as usize).min(win);
    let first = (start.max(0) as usize).min(len);
    let count = (win - skip).min(len - first);
    (first, skip, count)
}

pub fn hann_periodic(win: usize) -> Vec<f32> {
    (0..win)
        .map(|n| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / win as f64).cos()) as f32)
        .collect()
}

struct Scratch {
    frame: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    fft_scratch: Vec<Complex<f32>>,
}

/// The feature pipeline with everything precomputed (window, filterbank, FFT plan, scratch).
/// Shareable between threads; the FFT scratch sits behind a mutex.
pub struct FeatureExtractor {
    cfg: FeatureConfig,
    window: Vec<f32>,
    bands: SparseBands,
    fft: Arc<dyn RealToComplex<f32>>,
    // Planned once: planning a 2048-point inverse cost more than the two refinement rounds'
    // transforms together (0.6 ms of a 1.1 ms round when `griffin_lim` planned per call).
    ifft: Arc<dyn ComplexToReal<f32>>,
    scratch: Mutex<Scratch>,
}

impl std::fmt::Debug for FeatureExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureExtractor")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

impl FeatureExtractor {
    /// `cfg` must be valid (as `bundle::validate_spec` ensures): win ≤ n_fft, positive sizes,
    /// `mean`/`std` of length n_mels.
    pub fn new(cfg: FeatureConfig) -> Self {
        assert!(cfg.win <= cfg.n_fft && cfg.hop > 0 && cfg.n_mels > 0);
        assert!(cfg.mean.len() == cfg.n_mels && cfg.std.len() == cfg.n_mels);
        let window = hann_periodic(cfg.win);
        let filterbank = mel_filterbank(cfg.sample_rate, cfg.n_fft, cfg.n_mels, cfg.fmin, cfg.fmax);
        let mut planner = RealFftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(cfg.n_fft);
        let ifft = planner.plan_fft_inverse(cfg.n_fft);
        let scratch = Scratch {
            frame: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            fft_scratch: fft.make_scratch_vec(),
        };
        FeatureExtractor {
            cfg,
            window,
            bands: SparseBands::from_dense(&filterbank),
            fft,
            ifft,
            scratch: Mutex::new(scratch),
        }
    }

    pub fn from_spec(spec: &BundleSpec) -> Self {
        Self::new(FeatureConfig::from_spec(spec))
    }

    pub fn config(&self) -> &FeatureConfig {
        &self.cfg
    }

    /// The filterbank as runs of non-zero weights (the same products, 1/60 of the work).
    pub fn bands(&self) -> &SparseBands {
        &self.bands
    }

    /// The inverse real FFT of `n_fft` points, planned once.
    pub fn inverse_fft(&self) -> &Arc<dyn ComplexToReal<f32>> {
        &self.ifft
    }

    pub fn window(&self) -> &[f32] {
        &self.window
    }

    /// Step 1: peak-normalise to 1 (over the whole input; silence stays silence), then zero-pad
    /// or cut to `length_samples`.
    pub fn prepare_audio(&self, audio: &[f32]) -> Vec<f32> {
        let peak = audio.iter().fold(0f32, |m, &x| m.max(x.abs()));
        let n = self.cfg.length_samples();
        let mut out = vec![0f32; n];
        let take = audio.len().min(n);
        if peak > 0.0 && peak.is_finite() {
            let g = 1.0 / peak;
            for (o, &x) in out[..take].iter_mut().zip(audio) {
                *o = x * g;
            }
        } else {
            out[..take].copy_from_slice(&audio[..take]);
        }
        out
    }

    /// Step 2 for a signal of any length: magnitude of `n_frames` frames, frame `t` centred at
    /// `t·hop` (zeros outside the signal). Writes `[n_fft/2 + 1, n_frames]` into `out`.
    pub fn stft_magnitude_into(&self, signal: &[f32], mut out: ArrayViewMut2<f32>) {
        let n_frames = out.ncols();
        assert_eq!(out.nrows(), self.cfg.n_bins());
        let mut guard = self.scratch.lock();
        let Scratch {
            frame,
            spectrum,
            fft_scratch,
        } = &mut *guard;
        for t in 0..n_frames {
            self.fill_frame(signal, t, frame);
            self.fft
                .process_with_scratch(frame, spectrum, fft_scratch)
                .expect("FFT buffer sizes are fixed at construction");
            for (o, c) in out.column_mut(t).iter_mut().zip(spectrum.iter()) {
                *o = c.norm();
            }
        }
    }

    /// Complex STFT (same framing as `stft_magnitude_into`) into `out[t][k]`.
    pub fn stft_complex_into(
        &self,
        signal: &[f32],
        n_frames: usize,
        out: &mut Vec<Vec<Complex<f32>>>,
    ) {
        let mut guard = self.scratch.lock();
        let Scratch {
            frame,
            spectrum: _,
            fft_scratch,
        } = &mut *guard;
        out.resize_with(n_frames, Vec::new);
        for (t, col) in out.iter_mut().enumerate() {
            col.resize(self.cfg.n_bins(), Complex::new(0.0, 0.0));
            self.fill_frame(signal, t, frame);
            self.fft
                .process_with_scratch(frame, col, fft_scratch)
                .expect("FFT buffer sizes are fixed at construction");
        }
    }

    /// Windowed frame `t` of `signal`, zero-padded at the end to n_fft. Every sample is written
    /// (the FFT uses its input as scratch), the windowed part by one branch-free loop.
    fn fill_frame(&self, signal: &[f32], t: usize, frame: &mut [f32]) {
        let (first, skip, count) = frame_span(t, self.cfg.hop, self.cfg.win, signal.len());
        frame[..skip].fill(0.0);
        for ((f, &x), &w) in frame[skip..skip + count]
            .iter_mut()
            .zip(&signal[first..first + count])
            .zip(&self.window[skip..skip + count])
        {
            *f = x * w;
        }
        frame[skip + count..].fill(0.0);
    }

    /// Step 2 on prepared audio: `[n_fft/2 + 1, frames]`.
    pub fn stft_magnitude(&self, prepared: &[f32]) -> Array2<f32> {
        let mut out = Array2::zeros((self.cfg.n_bins(), self.cfg.frames));
        self.stft_magnitude_into(prepared, out.view_mut());
        out
    }

    /// Step 3: `fb · |X|`, `[n_mels, T]`.
    pub fn mel(&self, magnitude: ArrayView2<f32>) -> Array2<f32> {
        self.bands.apply(magnitude)
    }

    /// Step 4 in place: `ln(mel + log_eps)`.
    pub fn log_in_place(&self, mel: &mut Array2<f32>) {
        let eps = self.cfg.log_eps;
        mel.mapv_inplace(|v| (v + eps).ln());
    }

    /// Steps 2–4 on prepared audio.
    pub fn log_mel(&self, prepared: &[f32]) -> Array2<f32> {
        let mut m = self.mel(self.stft_magnitude(prepared).view());
        self.log_in_place(&mut m);
        m
    }

    /// Step 5 in place: `(L − mean[m]) / std[m]`.
    pub fn standardise(&self, log_mel: &mut Array2<f32>) {
        for (mut row, (&mu, &sd)) in log_mel
            .axis_iter_mut(Axis(0))
            .zip(self.cfg.mean.iter().zip(&self.cfg.std))
        {
            row.mapv_inplace(|v| (v - mu) / sd);
        }
    }

    /// Step 6 in place: `max(exp(S·std + mean) − log_eps, 0)`.
    pub fn destandardise_to_mel(&self, standardised: &mut Array2<f32>) {
        let eps = self.cfg.log_eps;
        for (mut row, (&mu, &sd)) in standardised
            .axis_iter_mut(Axis(0))
            .zip(self.cfg.mean.iter().zip(&self.cfg.std))
        {
            row.mapv_inplace(|v| ((v * sd + mu).exp() - eps).max(0.0));
        }
    }

    /// Raw audio → what the encoder sees: `[n_mels, frames]` standardised log-Mel.
    pub fn encoder_input(&self, audio: &[f32]) -> Array2<f32> {
        let prepared = self.prepare_audio(audio);
        let mut l = self.log_mel(&prepared);
        self.standardise(&mut l);
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> FeatureConfig {
        FeatureConfig {
            sample_rate: 22050,
            frames: 88,
            n_fft: 2048,
            win: 1024,
            hop: 256,
            n_mels: 128,
            fmin: 0.0,
            fmax: 11025.0,
            log_eps: 1e-5,
            mean: vec![-3.0; 128],
            std: vec![2.0; 128],
        }
    }

    #[test]
    fn filterbank_shape_and_peaks() {
        let fb = mel_filterbank(22050, 2048, 128, 0.0, 11025.0);
        assert_eq!(fb.dim(), (128, 1025));
        let h: Vec<f64> = (0..130)
            .map(|i| {
                mel_to_hz(hz_to_mel(0.0) + i as f64 * (hz_to_mel(11025.0) - hz_to_mel(0.0)) / 129.0)
            })
            .collect();
        for m in 0..128 {
            let row = fb.row(m);
            assert!(row.iter().all(|&v| (0.0..=1.0).contains(&v)));
            // The peak sits at the bin nearest the centre frequency h[m+1].
            let (kmax, &vmax) = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap();
            let centre_bin = h[m + 1] * 2048.0 / 22050.0;
            assert!(
                (kmax as f64 - centre_bin).abs() <= 1.0,
                "mel {m}: peak at {kmax}, centre {centre_bin}"
            );
            assert!(vmax > 0.0);
            // Zero outside (h[m], h[m+2]).
            for (k, &v) in row.iter().enumerate() {
                let f = k as f64 * 22050.0 / 2048.0;
                if f <= h[m] || f >= h[m + 2] {
                    assert_eq!(v, 0.0);
                }
            }
        }
        // Above the lowest filters, neighbouring triangles overlap to sum to 1 between centres.
        let col_sums = fb.sum_axis(Axis(0));
        for k in 100..990 {
            assert!((col_sums[k] - 1.0).abs() < 1e-4, "bin {k}: {}", col_sums[k]);
        }
        // Row sums grow with frequency (wider filters in Hz).
        let rs = fb.sum_axis(Axis(1));
        assert!(rs[127] > rs[64] && rs[64] > rs[20]);
    }

    #[test]
    fn hann_is_periodic() {
        let w = hann_periodic(8);
        assert_eq!(w[0], 0.0);
        assert!((w[4] - 1.0).abs() < 1e-7);
        assert!((w[2] - 0.5).abs() < 1e-7 && (w[6] - 0.5).abs() < 1e-7);
    }

    #[test]
    fn stft_of_sine_peaks_at_right_bin() {
        let fx = FeatureExtractor::new(cfg());
        let n = fx.config().length_samples();
        let bin = 93usize;
        let f = bin as f32 * 22050.0 / 2048.0;
        let x: Vec<f32> = (0..n)
            .map(|i| 0.5 * (2.0 * std::f32::consts::PI * f * i as f32 / 22050.0).sin())
            .collect();
        let p = fx.prepare_audio(&x);
        assert!((p.iter().fold(0f32, |m, v| m.max(v.abs())) - 1.0).abs() < 1e-6);
        let mag = fx.stft_magnitude(&p);
        assert_eq!(mag.dim(), (1025, 88));
        for t in 4..84 {
            let col = mag.column(t);
            let (k, &v) = col
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap();
            assert_eq!(k, bin, "frame {t}");
            // Full-window sine of amplitude 1: |X| = Σw / 2 = win/4.
            assert!((v - 256.0).abs() < 1.0, "frame {t}: {v}");
        }
        // Frame 0 sees only half a window of signal.
        assert!(mag[[bin, 0]] < 200.0);
    }

    #[test]
    fn prepare_pads_cuts_and_normalises() {
        let fx = FeatureExtractor::new(cfg());
        let n = fx.config().length_samples();
        let short = vec![0.25f32, -0.5];
        let p = fx.prepare_audio(&short);
        assert_eq!(p.len(), n);
        assert_eq!(&p[..3], &[0.5, -1.0, 0.0]);
        let long = vec![0.1f32; n + 100];
        assert_eq!(fx.prepare_audio(&long).len(), n);
        assert!(fx.prepare_audio(&[]).iter().all(|&v| v == 0.0));
    }

    #[test]
    fn standardise_round_trip() {
        let fx = FeatureExtractor::new(cfg());
        let n = fx.config().length_samples();
        let x: Vec<f32> = (0..n)
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
            .collect();
        let p = fx.prepare_audio(&x);
        let mel = fx.mel(fx.stft_magnitude(&p).view());
        let mut s = fx.log_mel(&p);
        fx.standardise(&mut s);
        fx.destandardise_to_mel(&mut s);
        for (a, b) in mel.iter().zip(s.iter()) {
            assert!((a - b).abs() <= 1e-4 * a.abs().max(1.0), "{a} vs {b}");
        }
        // Silence maps to ln(eps).
        let z = fx.log_mel(&vec![0.0; n]);
        assert!(z.iter().all(|&v| (v - (1e-5f32).ln()).abs() < 1e-6));
    }

    #[test]
    fn frames_past_a_short_signal_are_silent() {
        let fx = FeatureExtractor::new(cfg());
        let bins = fx.config().n_bins();
        // Empty, shorter than half a window, and ending inside the frames: zeros outside.
        for len in [0usize, 100, 3000] {
            let x = vec![0.5f32; len];
            let mut out = Array2::zeros((bins, 20));
            fx.stft_magnitude_into(&x, out.view_mut());
            let last_live = (len + fx.config().win / 2).div_ceil(fx.config().hop);
            for t in last_live.min(20)..20 {
                assert!(
                    out.column(t).iter().all(|&v| v == 0.0),
                    "len {len}, frame {t}"
                );
            }
            let mut spec = Vec::new();
            fx.stft_complex_into(&x, 20, &mut spec);
            assert_eq!(spec.len(), 20);
        }
    }
}
