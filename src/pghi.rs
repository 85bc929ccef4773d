//! Phase for the low band, integrated from the magnitude's gradients (twin: `pghi` in
//! `models/train/refine.py`).
//!
//! Phase Gradient Heap Integration (PGHI): Průša, Balazs & Søndergaard, "A noniterative method
//! for reconstruction of phase from STFT magnitude", IEEE/ACM TASLP 25(5), 2017. Below about
//! 2 kHz the MCNN's phase leads the Griffin-Lim rounds astray: nine tenths of the spectral
//! convergence it lost to Griffin-Lim-32 lay below 650 Hz (`models/train/vocoder_study.py`).
//! Integrated from the magnitude, the low band's phase is consistent with it from the start.
//!
//! For a Gaussian window `exp(−π n²/λ)` the STFT phase's derivatives follow from those of the
//! log-magnitude `s`. With the phase referred to the window's centre, per frame step and per
//! bin step:
//! * along time (instantaneous frequency): `2π·hop·k/n_fft + (hop·n_fft/λ)·∂ₖs`;
//! * along frequency (local group delay): `−(λ/(hop·n_fft))·∂ₜs`.
//!
//! A periodic Hann of `win` samples is taken as the Gaussian with `λ = 0.25645·win²`. Our frames
//! are referred to the window's start (`features.rs`), which adds `−π·win/n_fft` per bin step.
//! Starting from the loudest coefficient, the flood always extends the phase from the loudest
//! coefficient already reached (to 1/16 of an octave: [`Flood`]'s buckets, where the paper has
//! an exact heap) to its unreached neighbours (trapezoidal rule), so that the phase flows from
//! where the gradients are reliable. Each island starts from the phase it had
//! (the MCNN's); coefficients more than [`RANGE_DB`] below the band's peak keep theirs.

use std::f32::consts::{LN_10, PI, TAU};

use ndarray::ArrayView2;
use realfft::num_complex::Complex;

use crate::griffin_lim::SILENT_POWER;

/// `λ / win²` of the Gaussian nearest a periodic Hann window (Průša et al.).
pub const HANN_LAMBDA: f32 = 0.25645;
/// Coefficients this far below the band's peak keep the phase they had.
pub const RANGE_DB: f32 = 50.0;
/// Log-magnitudes are floored this far below their peak before differentiation.
const LOG_FLOOR: f32 = 11.0 * LN_10;
/// Bound on a step's phase increment: sane framings give tens of radians at most; a hostile one
/// (a tiny window in a huge FFT) must not overflow [`wrap`] (the twin has no bound: the
/// bundles it writes never come near it).
const GRAD_LIMIT: f32 = 1e4;

/// The framing the phase is integrated for (`features.rs`'s).
#[derive(Clone, Copy, Debug)]
pub struct Framing {
    pub n_fft: usize,
    pub win: usize,
    pub hop: usize,
}

/// `mcnn_pghi_hz`'s range, [0, Nyquist], for the bundle's validation and the engine's override.
pub fn check_band_edge(below_hz: f32, sample_rate: u32) -> Result<(), String> {
    let nyquist = sample_rate as f32 / 2.0;
    if below_hz.is_finite() && (0.0..=nyquist).contains(&below_hz) {
        Ok(())
    } else {
        Err(format!("must lie in [0, {nyquist}] Hz, got {below_hz}"))
    }
}

/// The number of bins `k` with `k·sample_rate/n_fft < below_hz` (at most `n_fft/2 + 1`).
pub fn phase_bins(below_hz: f32, n_fft: usize, sample_rate: u32) -> usize {
    if below_hz.is_nan() || below_hz <= 0.0 || sample_rate == 0 {
        return 0;
    }
    let edge = f64::from(below_hz) * n_fft as f64 / f64::from(sample_rate);
    ((edge - 1e-9).ceil().max(0.0) as usize).min(n_fft / 2 + 1)
}

/// Rewrites the phase of bins `0..bins` of `spectrum` (frames × bins, as
/// `FeatureExtractor::stft_complex_into`) from `magnitude` `[n_bins, T]`; moduli are left for
/// the caller to replace. Nothing changes for `bins == 0` or a silent band.
pub fn integrate(
    magnitude: ArrayView2<f32>,
    spectrum: &mut [Vec<Complex<f32>>],
    bins: usize,
    framing: Framing,
) {
    let n_frames = magnitude.ncols().min(spectrum.len());
    let shortest = spectrum[..n_frames].iter().map(Vec::len).min().unwrap_or(0);
    let bins = bins.min(magnitude.nrows()).min(shortest);
    if bins == 0 || n_frames == 0 || framing.n_fft == 0 || framing.hop == 0 || framing.win == 0 {
        return;
    }
    let mut mag = Vec::with_capacity(bins * n_frames);
    for row in magnitude.rows().into_iter().take(bins) {
        let row = row.iter().take(n_frames);
        mag.extend(row.map(|&v| if v.is_finite() { v.max(0.0) } else { 0.0 }));
    }
    let peak = mag.iter().fold(0f32, |m, &v| m.max(v));
    if peak <= 0.0 {
        return;
    }
    let threshold = peak * 10f32.powf(-RANGE_DB / 20.0);
    let mut grid = Grid::new(&mag, bins, n_frames, threshold, framing);
    // Seeds in order: loudest first, then the lowest index (the grid's orders as the twin's);
    // non-negative floats order as their bits.
    let width = grid.width;
    let key = |i: usize| {
        let (k, t) = unborder(i, width);
        (u64::from(mag[k * n_frames + t].to_bits()) << 32) | u64::from(u32::MAX - i as u32)
    };
    let index = |key: u64| (u32::MAX - key as u32) as usize;
    let Some(first) = grid.todo().map(key).max() else {
        return;
    };
    let mut flood = Flood::new(threshold, peak, grid.cells.len());
    let mut seeds = vec![first];
    // The first flood from the loudest coefficient reaches nearly all; the islands it leaves
    // are few, so they are sorted after it rather than all coefficients before it.
    for pass in 0..2 {
        for seed in seeds.iter().copied().map(index) {
            if grid.states[seed] != TODO {
                continue;
            }
            let (k, t) = unborder(seed, width);
            let c = spectrum[t][k];
            grid.states[seed] = SEED;
            // As the rounds read a phase: 0 where the STFT is silent (griffin_lim.rs, BUNDLE.md).
            let live = c.re * c.re + c.im * c.im > SILENT_POWER;
            grid.cells[seed].phase = if live { c.im.atan2(c.re) } else { 0.0 };
            flood.push(seed, grid.levels[seed]);
            while let Some(i) = flood.pop() {
                let from = grid.cells[i];
                for (j, half_step, along_t) in [
                    (i + 1, 0.5f32, true),
                    (i - 1, -0.5, true),
                    (i + width, 0.5, false),
                    (i - width, -0.5, false),
                ] {
                    if grid.states[j] == TODO {
                        grid.states[j] = INTEGRATED;
                        let to = &mut grid.cells[j];
                        let sum = if along_t {
                            from.tgrad + to.tgrad
                        } else {
                            from.fgrad + to.fgrad
                        };
                        to.phase = wrap(from.phase + half_step * sum);
                        flood.push(j, grid.levels[j]);
                    }
                }
            }
        }
        if pass == 0 {
            seeds = grid.todo().map(key).collect();
            seeds.sort_unstable_by(|a, b| b.cmp(a));
        }
    }
    // In grid order, after the flood: written inside it, which hops between frames, or frame
    // by frame, across the grid's rows, these stores and loads missed the cache. A row's
    // sines and cosines in one branch-free loop, which the compiler vectorises.
    let mut phases = vec![0f32; n_frames];
    let mut units = vec![(0f32, 0f32); n_frames];
    for k in 0..bins {
        let row = grid.index(k, 0)..grid.index(k, n_frames);
        for (p, cell) in phases.iter_mut().zip(&grid.cells[row.clone()]) {
            *p = cell.phase;
        }
        for (u, &p) in units.iter_mut().zip(&phases) {
            *u = sin_cos(p);
        }
        let states = &grid.states[row];
        for ((&state, frame), &(sin, cos)) in states.iter().zip(spectrum.iter_mut()).zip(&units) {
            if state == INTEGRATED {
                frame[k] = Complex::new(cos, sin);
            }
        }
    }
}

const SKIP: u8 = 0;
const TODO: u8 = 1;
const SEED: u8 = 2;
const INTEGRATED: u8 = 3;

/// What the flood reads and writes of a coefficient it reaches, together (kept in separate
/// arrays, each step touched eight cache lines).
#[derive(Clone, Copy, Default)]
struct Cell {
    tgrad: f32,
    fgrad: f32,
    phase: f32,
}

/// Bins × frames with a border of [`SKIP`] cells, so that neighbours need no bounds checks;
/// bin-major, so the index orders as the twin's `k·T + t`.
struct Grid {
    cells: Vec<Cell>,
    /// [`SKIP`], [`TODO`], [`SEED`] or [`INTEGRATED`]: a byte each, so that the four
    /// neighbour checks of a step stay in the L1 cache.
    states: Vec<u8>,
    /// Flood levels ([`Flood::push`]), read once per coefficient.
    levels: Vec<u16>,
    width: usize,
}

impl Grid {
    /// `mag` bin-major `[bins, n_frames]`; coefficients above `threshold` are [`TODO`].
    fn new(mag: &[f32], bins: usize, n_frames: usize, threshold: f32, f: Framing) -> Self {
        let width = n_frames + 2;
        let n = width * (bins + 2);
        let mut cells = vec![Cell::default(); n];
        let mut states = vec![SKIP; n];
        let mut levels = vec![0u16; n];
        gradients(&mut cells, width, mag, bins, n_frames, f);
        let base = Flood::level_of(threshold);
        for (k, row) in mag.chunks_exact(n_frames).enumerate() {
            let at = (k + 1) * width + 1;
            for ((&m, state), level) in row
                .iter()
                .zip(&mut states[at..at + n_frames])
                .zip(&mut levels[at..at + n_frames])
            {
                if m > threshold {
                    *state = TODO;
                    *level = (Flood::level_of(m) - base) as u16;
                }
            }
        }
        Grid {
            cells,
            states,
            levels,
            width,
        }
    }

    fn index(&self, k: usize, t: usize) -> usize {
        (k + 1) * self.width + t + 1
    }

    fn todo(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.states.len()).filter(|&i| self.states[i] == TODO)
    }
}

/// (bin, frame) of the bordered grid's index `i` (rows of `width`).
fn unborder(i: usize, width: usize) -> (usize, usize) {
    (i / width - 1, i % width - 1)
}

/// The flood's queue: the loudest reached coefficient next, to [`LEVEL_BITS`] mantissa bits
/// (levels 2^-LEVEL_BITS of an octave apart, about 0.4 dB), first in first out within a level.
/// An exact heap took 60 ns a coefficient, mostly in mispredicted branches; these buckets take
/// a few. The twin keeps the same levels and order.
struct Flood {
    top: usize,
    head: Vec<u32>,
    tail: Vec<u32>,
    next: Vec<u32>,
}

/// Mantissa bits that tell the flood's levels apart.
pub const LEVEL_BITS: u32 = 4;
const NONE: u32 = u32::MAX;

impl Flood {
    /// For magnitudes in (`floor`, `peak`] and indices below `n`.
    fn new(floor: f32, peak: f32, n: usize) -> Self {
        let levels = (Self::level_of(peak) - Self::level_of(floor)) as usize + 1;
        Flood {
            top: 0,
            head: vec![NONE; levels],
            tail: vec![NONE; levels],
            next: vec![NONE; n],
        }
    }

    fn level_of(m: f32) -> u32 {
        m.to_bits() >> (f32::MANTISSA_DIGITS - 1 - LEVEL_BITS)
    }

    /// `level`: the coefficient's, less the floor's.
    fn push(&mut self, i: usize, level: u16) {
        let level = level as usize;
        let i = i as u32;
        self.next[i as usize] = NONE;
        match self.tail[level] {
            NONE => self.head[level] = i,
            last => self.next[last as usize] = i,
        }
        self.tail[level] = i;
        self.top = self.top.max(level);
    }

    fn pop(&mut self) -> Option<usize> {
        loop {
            let i = self.head[self.top];
            if i != NONE {
                self.head[self.top] = self.next[i as usize];
                if self.head[self.top] == NONE {
                    self.tail[self.top] = NONE;
                }
                return Some(i as usize);
            }
            if self.top == 0 {
                return None;
            }
            self.top -= 1;
        }
    }
}

/// `x` less a whole number of turns, into (−2π, 2π): keeps the phase small, so that f32 keeps
/// its precision however far the integration walks (the twin takes the remainder in [0, 2π)).
fn wrap(x: f32) -> f32 {
    x - TAU * ((x * (1.0 / TAU)) as i32 as f32)
}

/// `(sin x, cos x)` within 1e-6 for |x| < 2^20: libm's took a quarter of the integration.
/// Quadrant reduction by π/2 (in two parts, Cody-Waite), then Taylor polynomials on
/// [−π/4, π/4] whose first omitted terms are below 4e-7.
fn sin_cos(x: f32) -> (f32, f32) {
    use std::f32::consts::FRAC_2_PI;
    const PI_2_HI: f32 = 1.570_312_5; // π/2 to 11 bits: q·PI_2_HI is exact
    const PI_2_LO: f32 = 4.838_267_6e-4; // π/2 − PI_2_HI
    let q = (x * FRAC_2_PI + 0.5f32.copysign(x)) as i32;
    let r = (x - q as f32 * PI_2_HI) - q as f32 * PI_2_LO;
    let r2 = r * r;
    let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0))));
    let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0))));
    // Quadrant q mod 4 without branches (they mispredict on every other phase): swap on odd q,
    // negate the sine for q ≡ 2, 3 and the cosine for q ≡ 1, 2.
    let odd = q & 1 != 0;
    let (s, c) = (if odd { c } else { s }, if odd { s } else { c });
    let sin_sign = ((q as u32) & 2) << 30;
    let cos_sign = ((q as u32).wrapping_add(1) & 2) << 30;
    (
        f32::from_bits(s.to_bits() ^ sin_sign),
        f32::from_bits(c.to_bits() ^ cos_sign),
    )
}

/// `ln x` within 1e-6 for normal positive `x`, branch-free so that a loop of them vectorises
/// (libm's took a third of the gradients): `x = 2^e·m`, m ∈ [1, 2), `ln m = 2·atanh t` with
/// `t = (m − 1)/(m + 1)` ≤ 1/3, whose series' first omitted term is below 1e-7.
fn ln(x: f32) -> f32 {
    use std::f32::consts::LN_2;
    let bits = x.to_bits();
    let e = ((bits >> 23) as i32 - 127) as f32;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let series =
        1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0 + t2 / 11.0))));
    e * LN_2 + 2.0 * t * series
}

/// Each coefficient's phase derivatives per frame step and per bin step (module docs), into
/// its cell of the bordered grid (`width` = frames + 2); `mag` bin-major `[bins, n_frames]`.
fn gradients(
    cells: &mut [Cell],
    width: usize,
    mag: &[f32],
    bins: usize,
    n_frames: usize,
    f: Framing,
) {
    let mut s: Vec<f32> = mag.iter().map(|&v| ln(v.max(1e-30))).collect();
    let top = s.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    for v in &mut s {
        *v = v.max(top - LOG_FLOOR);
    }
    let lambda = HANN_LAMBDA * (f.win * f.win) as f32;
    let (hop, n_fft, win) = (f.hop as f32, f.n_fft as f32, f.win as f32);
    let along_k = (hop * n_fft) / lambda;
    let along_t = -lambda / (hop * n_fft);
    let start_ref = -PI * win / n_fft;
    let row = |k: usize| &s[k * n_frames..(k + 1) * n_frames];
    for k in 0..bins {
        let advance = TAU * ((f.hop * k) % f.n_fft) as f32 / n_fft;
        let (below, here, above) = (row(k.saturating_sub(1)), row(k), row((k + 1).min(bins - 1)));
        // ∂ₖs: central inside, one-sided at the ends (np.gradient), 0 for a single bin.
        let scale = if k == 0 || k + 1 == bins { 1.0 } else { 0.5 };
        let at = (k + 1) * width + 1;
        for (t, ((cell, a), b)) in cells[at..at + n_frames]
            .iter_mut()
            .zip(above)
            .zip(below)
            .enumerate()
        {
            cell.tgrad = (advance + along_k * scale * (a - b)).clamp(-GRAD_LIMIT, GRAD_LIMIT);
            let (a, b, scale) = match t {
                _ if n_frames == 1 => (0, 0, 0.0),
                0 => (1, 0, 1.0),
                t if t + 1 == n_frames => (t, t - 1, 1.0),
                t => (t + 1, t - 1, 0.5),
            };
            cell.fgrad =
                (along_t * scale * (here[a] - here[b]) + start_ref).clamp(-GRAD_LIMIT, GRAD_LIMIT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    const FR: Framing = Framing {
        n_fft: 2048,
        win: 1024,
        hop: 256,
    };

    #[test]
    fn sin_cos_is_within_a_millionth() {
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let (s, c) = sin_cos(x);
            let (ws, wc) = (x as f64).sin_cos();
            assert!(
                (s as f64 - ws).abs() < 1e-6 && (c as f64 - wc).abs() < 1e-6,
                "{x}"
            );
        }
    }

    #[test]
    fn ln_is_within_a_millionth() {
        let mut x = 1e-30f32;
        while x < 1e30 {
            let want = (x as f64).ln();
            assert!(
                (ln(x) as f64 - want).abs() < 1e-6 * want.abs().max(1.0),
                "{x}"
            );
            x *= 1.0137;
        }
    }

    #[test]
    fn bins_below_a_frequency() {
        // 22050 Hz, 2048 points: bin 199 is at 2142.6 Hz, bin 200 at 2153.3 Hz.
        assert_eq!(phase_bins(2150.0, 2048, 22050), 200);
        assert_eq!(phase_bins(0.0, 2048, 22050), 0);
        assert_eq!(phase_bins(-5.0, 2048, 22050), 0);
        assert_eq!(phase_bins(f32::NAN, 2048, 22050), 0);
        assert_eq!(phase_bins(1e9, 2048, 22050), 1025);
        // Exactly on a bin: that bin is not below.
        assert_eq!(phase_bins(22050.0 / 2048.0 * 3.0, 2048, 22050), 3);
    }

    #[test]
    fn a_stationary_partial_advances_by_its_frequency() {
        // A partial centred on bin 40: along time the phase advances 2π·hop·40/n_fft per frame.
        let (bins, t) = (80, 12);
        let mut mag = Array2::<f32>::zeros((bins, t));
        for k in 30..=50 {
            let d = (k as f32 - 40.0) / 4.0;
            mag.row_mut(k).fill((-d * d).exp());
        }
        let mut spec = vec![vec![Complex::new(1.0f32, 0.0); bins]; t];
        integrate(mag.view(), &mut spec, bins, FR);
        let step = TAU * ((256 * 40) % 2048) as f32 / 2048.0;
        for w in spec.windows(2) {
            let d = (w[1][40] * w[0][40].conj()).arg().rem_euclid(TAU);
            assert!((d - step.rem_euclid(TAU)).abs() < 1e-3, "{d} vs {step}");
        }
        // Far below the peak (more than RANGE_DB): untouched.
        assert_eq!(spec[3][5], Complex::new(1.0, 0.0));
    }

    #[test]
    fn silence_nan_and_empty_bands_change_nothing() {
        let mut spec = vec![vec![Complex::new(0.3f32, 0.4); 16]; 5];
        let before = spec.clone();
        integrate(Array2::zeros((16, 5)).view(), &mut spec, 16, FR);
        assert_eq!(spec, before);
        integrate(
            Array2::from_elem((16, 5), f32::NAN).view(),
            &mut spec,
            16,
            FR,
        );
        assert_eq!(spec, before);
        integrate(Array2::ones((16, 5)).view(), &mut spec, 0, FR);
        assert_eq!(spec, before);
        integrate(Array2::ones((16, 0)).view(), &mut spec, 16, FR);
        assert_eq!(spec, before);
    }

    #[test]
    fn short_rows_zero_framing_and_hostile_framing_do_not_panic() {
        let mag = Array2::<f32>::ones((16, 4));
        let mut spec = vec![vec![Complex::new(1.0f32, 0.0); 3]; 4]; // rows shorter than bins
        integrate(mag.view(), &mut spec, 16, FR);
        assert!(spec.iter().all(|f| f.len() == 3));
        for fr in [
            Framing { n_fft: 0, ..FR },
            Framing { hop: 0, ..FR },
            Framing { win: 0, ..FR },
        ] {
            let mut spec = vec![vec![Complex::new(0.3f32, 0.4); 16]; 4];
            integrate(mag.view(), &mut spec, 16, fr);
            assert!(spec.iter().flatten().all(|c| *c == Complex::new(0.3, 0.4)));
        }
        let mut ramp = Array2::<f32>::zeros((16, 4));
        ramp.indexed_iter_mut()
            .for_each(|((k, t), v)| *v = 1e-30 + (k * 7 + t) as f32 * 1e3);
        let mut spec = vec![vec![Complex::new(1.0f32, 0.0); 16]; 4];
        let hostile = Framing {
            n_fft: 1 << 16,
            win: 1,
            hop: 1 << 15,
        };
        integrate(ramp.view(), &mut spec, 16, hostile);
        assert!(spec
            .iter()
            .flatten()
            .all(|c| c.re.is_finite() && c.im.is_finite()));
    }

    #[test]
    fn a_silent_seed_starts_from_phase_zero_as_the_rounds_read_it() {
        // Two live coefficients in bin 2: the seed, whose STFT value is below the rounds'
        // silence floor, and its neighbour along time.
        let mut mag = Array2::<f32>::zeros((4, 3));
        mag[[2, 1]] = 1.0;
        mag[[2, 2]] = 0.5;
        let mut spec = vec![vec![Complex::new(1e-13f32, 1e-13); 4]; 3];
        integrate(mag.view(), &mut spec, 4, FR);
        // Phase 0 plus the step (about π/2 here), not atan2(1e-13, 1e-13) = π/4 plus it.
        let width = 3 + 2;
        let mut cells = vec![Cell::default(); width * (4 + 2)];
        gradients(&mut cells, width, mag.as_slice().unwrap(), 4, 3, FR);
        let tg = |t: usize| cells[(2 + 1) * width + t + 1].tgrad;
        let (sin, cos) = sin_cos(wrap(0.5 * (tg(1) + tg(2))));
        assert!(
            (spec[2][2] - Complex::new(cos, sin)).norm() < 1e-5,
            "{:?}",
            spec[2][2]
        );
    }

    #[test]
    fn one_frame_and_one_bin_are_fine() {
        let mut spec = vec![vec![Complex::new(1.0f32, 0.0); 4]; 1];
        integrate(Array2::ones((4, 1)).view(), &mut spec, 4, FR);
        assert!(spec[0].iter().all(|c| (c.norm() - 1.0).abs() < 1e-5));
        let mut spec = vec![vec![Complex::new(1.0f32, 0.0); 1]; 3];
        integrate(Array2::ones((1, 3)).view(), &mut spec, 1, FR);
        assert!(spec.iter().all(|f| (f[0].norm() - 1.0).abs() < 1e-5));
    }
}
