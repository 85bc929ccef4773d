//! A Mel filterbank stored as one run of non-zero weights per band.
//!
//! Each triangular filter covers a few FFT bins, so `fb` `[n_mels, n_bins]` is about 99% zeros
//! (128 × 1025 with about 2,000 non-zeros at the bundle's settings). The dense products cost
//! 11.5 M multiply-adds per second of sound each, and `griffin_lim::mel_to_linear` needs
//! 2 + 2·updates of them (22 for Griffin-Lim's 10 updates): 6.7 ms, more than the MCNN. The same
//! sums over the runs cost 1/60 of that.

use ndarray::{Array2, ArrayView2, Axis};

#[derive(Debug, Clone)]
pub struct SparseBands {
    n_bins: usize,
    /// Per band: the first bin with a non-zero weight, and the weights from there on.
    bands: Vec<(usize, Vec<f32>)>,
}

impl SparseBands {
    /// From a dense filterbank `[n_mels, n_bins]`; exact (keeps every non-zero weight).
    pub fn from_dense(fb: &Array2<f32>) -> Self {
        let bands = fb
            .axis_iter(Axis(0))
            .map(|row| {
                let first = row.iter().position(|&w| w != 0.0).unwrap_or(0);
                let last = row.iter().rposition(|&w| w != 0.0).map_or(first, |i| i + 1);
                (
                    first,
                    row.iter().skip(first).take(last - first).copied().collect(),
                )
            })
            .collect();
        SparseBands {
            n_bins: fb.ncols(),
            bands,
        }
    }

    pub fn n_mels(&self) -> usize {
        self.bands.len()
    }

    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// `fb · x`: `[n_bins, T]` → `[n_mels, T]`.
    pub fn apply(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut y = Array2::zeros((self.n_mels(), x.ncols()));
        self.apply_into(x, &mut y);
        y
    }

    /// `fbᵀ · y`: `[n_mels, T]` → `[n_bins, T]`.
    pub fn apply_t(&self, y: ArrayView2<f32>) -> Array2<f32> {
        let mut x = Array2::zeros((self.n_bins, y.ncols()));
        self.apply_t_into(y, &mut x);
        x
    }

    /// [`apply`](Self::apply) into `y` `[n_mels, T]` (row-major), overwritten. Iterative callers reuse one
    /// output: a fresh 1025 × 88 array is large enough for the allocator to map new pages,
    /// and their first-touch faults cost more than the products.
    pub fn apply_into(&self, x: ArrayView2<f32>, y: &mut Array2<f32>) {
        assert_eq!(x.nrows(), self.n_bins);
        assert_eq!(y.dim(), (self.n_mels(), x.ncols()));
        y.fill(0.0);
        let x = x.as_standard_layout();
        let t = x.ncols();
        let x = x.as_slice().expect("standard layout");
        let y = y
            .as_slice_mut()
            .expect("the output must be in standard (row-major) layout");
        for ((first, w), out) in self.bands.iter().zip(y.chunks_exact_mut(t.max(1))) {
            for (k, &wk) in w.iter().enumerate() {
                axpy(out, wk, &x[(first + k) * t..][..t]);
            }
        }
    }

    /// [`apply_t`](Self::apply_t) into `x` `[n_bins, T]` (row-major), overwritten.
    pub fn apply_t_into(&self, y: ArrayView2<f32>, x: &mut Array2<f32>) {
        assert_eq!(y.nrows(), self.n_mels());
        assert_eq!(x.dim(), (self.n_bins, y.ncols()));
        x.fill(0.0);
        let y = y.as_standard_layout();
        let t = y.ncols();
        let y = y.as_slice().expect("standard layout");
        let x = x
            .as_slice_mut()
            .expect("the output must be in standard (row-major) layout");
        for ((first, w), row) in self.bands.iter().zip(y.chunks_exact(t.max(1))) {
            for (k, &wk) in w.iter().enumerate() {
                axpy(&mut x[(first + k) * t..][..t], wk, row);
            }
        }
    }

    /// `Σ_k fb[m, k]` per band.
    pub fn band_sums(&self) -> Vec<f32> {
        self.bands.iter().map(|(_, w)| w.iter().sum()).collect()
    }

    /// `Σ_m fb[m, k]` per bin.
    pub fn bin_sums(&self) -> Vec<f32> {
        let mut c = vec![0f32; self.n_bins];
        for (first, w) in &self.bands {
            for (k, &wk) in w.iter().enumerate() {
                c[first + k] += wk;
            }
        }
        c
    }
}

/// `out += a·x` over plain slices: ndarray's `Zip` per row did not vectorise as well, and these
/// rows (one per frame) are short, so per-call overhead counts.
#[inline]
fn axpy(out: &mut [f32], a: f32, x: &[f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o += a * v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::mel_filterbank;

    fn close(a: &Array2<f32>, b: &Array2<f32>) -> bool {
        a.dim() == b.dim()
            && a.iter()
                .zip(b.iter())
                .all(|(x, y)| (x - y).abs() <= 1e-5 * (1.0 + x.abs().max(y.abs())))
    }

    #[test]
    fn products_equal_the_dense_ones() {
        let fb = mel_filterbank(22050, 2048, 128, 0.0, 11025.0);
        let sb = SparseBands::from_dense(&fb);
        let nnz: usize = sb.bands.iter().map(|(_, w)| w.len()).sum();
        assert!(nnz < fb.len() / 20, "{nnz} weights kept of {}", fb.len());
        let x = Array2::from_shape_fn((1025, 7), |(k, t)| ((k * 7 + t * 13) % 17) as f32 - 8.0);
        assert!(close(&sb.apply(x.view()), &fb.dot(&x)));
        let y = Array2::from_shape_fn((128, 7), |(m, t)| ((m * 5 + t * 3) % 11) as f32 - 5.0);
        assert!(close(&sb.apply_t(y.view()), &fb.t().dot(&y)));
        let dense_band: Vec<f32> = fb.sum_axis(Axis(1)).to_vec();
        let dense_bin: Vec<f32> = fb.sum_axis(Axis(0)).to_vec();
        for (a, b) in sb.band_sums().iter().zip(&dense_band) {
            assert!((a - b).abs() < 1e-5);
        }
        for (a, b) in sb.bin_sums().iter().zip(&dense_bin) {
            assert!((a - b).abs() < 1e-5);
        }
    }

    #[test]
    fn an_all_zero_band_is_kept_as_an_empty_run() {
        let mut fb = Array2::<f32>::zeros((3, 5));
        fb[[0, 1]] = 1.0;
        fb[[2, 4]] = 0.5;
        let sb = SparseBands::from_dense(&fb);
        let x = Array2::from_elem((5, 2), 2.0);
        assert_eq!(sb.apply(x.view()), fb.dot(&x));
        assert_eq!(sb.bin_sums(), vec![0.0, 1.0, 0.0, 0.0, 0.5]);
    }
}
