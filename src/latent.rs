//! Latent navigation: pad coordinates ↔ latent vectors, variations, morphs (models/BUNDLE.md,
//! "Latent navigation"). Pure functions over [`LatentInfo`].
//!
//! Pad coordinates `p = (x, y, fine)` lie in [0, 1], 0.5 at the class mean. With range `r`:
//! `z = class_mean[c] + r · Σ_i (2·p_i − 1) · 2·s_i · u_i`, where for PCA axes `u_i` is the i-th
//! principal component and `s_i = pca_stds[i]`; for random or explicit axes `u_i` is the unit
//! vector of latent dimension `d_i` and `s_i = class_stds[c][d_i]`. Explicit axes with two
//! dimensions ignore `fine`.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::error::{check_finite, NdmError};
use crate::synth::LatentInfo;

/// Which directions the pad's axes move along.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Axes {
    /// The top three principal components of the training latents.
    #[default]
    Pca,
    /// Three distinct latent dimensions drawn with a seeded ChaCha generator.
    Random { seed: u64, dims: [usize; 3] },
    /// Two or three latent dimensions chosen by the user.
    Explicit { dims: Vec<usize> },
}

impl Axes {
    /// Three distinct dimensions out of `dim`, drawn with ChaCha8 seeded by `seed`.
    /// With `dim < 3` the dimensions repeat cyclically (`dim` must be ≥ 1).
    pub fn random(seed: u64, dim: usize) -> Axes {
        assert!(dim > 0, "latent dimension must be positive");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut dims = [0usize; 3];
        if dim >= 3 {
            let picked = rand::seq::index::sample(&mut rng, dim, 3);
            for (d, p) in dims.iter_mut().zip(picked.iter()) {
                *d = p;
            }
        } else {
            for (i, d) in dims.iter_mut().enumerate() {
                *d = i % dim;
            }
        }
        Axes::Random { seed, dims }
    }
}

fn check_class(info: &LatentInfo, class: usize) -> Result<(), NdmError> {
    let n = info.class_means.len();
    if class >= n {
        return Err(NdmError::BadClass {
            index: class,
            n_classes: n,
        });
    }
    Ok(())
}

fn check_z(info: &LatentInfo, z: &[f32]) -> Result<(), NdmError> {
    if z.len() != info.dim {
        return Err(NdmError::BadLatentLength {
            got: z.len(),
            expected: info.dim,
        });
    }
    check_finite("latent vector", z)
}

/// The axis vectors `s_i · u_i` (before the factor `2·r`), one per pad coordinate used.
fn axis_vectors(info: &LatentInfo, class: usize, axes: &Axes) -> Result<Vec<Vec<f32>>, NdmError> {
    check_class(info, class)?;
    let unit = |d: usize| -> Result<Vec<f32>, NdmError> {
        if d >= info.dim {
            return Err(NdmError::BadInput(format!(
                "latent axis dimension {d} is out of range (latent_dim is {})",
                info.dim
            )));
        }
        let mut v = vec![0f32; info.dim];
        v[d] = info.class_stds[class][d];
        Ok(v)
    };
    match axes {
        Axes::Pca => Ok(info
            .pca_components
            .iter()
            .zip(&info.pca_stds)
            .map(|(c, &s)| c.iter().map(|&v| v * s).collect())
            .collect()),
        Axes::Random { dims, .. } => dims.iter().map(|&d| unit(d)).collect(),
        Axes::Explicit { dims } => {
            if !(2..=3).contains(&dims.len()) {
                return Err(NdmError::BadInput(format!(
                    "explicit latent axes need 2 or 3 dimensions, got {}",
                    dims.len()
                )));
            }
            dims.iter().map(|&d| unit(d)).collect()
        }
    }
}

/// Pad position → latent vector (see the module docs for the formula).
pub fn pad_to_z(
    info: &LatentInfo,
    class: usize,
    axes: &Axes,
    x: f32,
    y: f32,
    fine: f32,
    range: f32,
) -> Result<Vec<f32>, NdmError> {
    check_finite("pad coordinates and range", &[x, y, fine, range])?;
    let vs = axis_vectors(info, class, axes)?;
    let p = [x, y, fine];
    let mut z = info.class_means[class].clone();
    for (v, &pi) in vs.iter().zip(&p) {
        let a = range * (2.0 * pi - 1.0) * 2.0;
        for (zj, &vj) in z.iter_mut().zip(v) {
            *zj += a * vj;
        }
    }
    Ok(z)
}

/// Latent vector → pad position: least-squares projection of `z − class_mean` onto the axes,
/// mapped back to pad coordinates and clamped to [0, 1]. Axes that vanish (zero std or zero
/// range) and unused ones (`fine` for 2 explicit dims) read 0.5.
pub fn z_to_pad(
    info: &LatentInfo,
    class: usize,
    axes: &Axes,
    z: &[f32],
    range: f32,
) -> Result<[f32; 3], NdmError> {
    check_z(info, z)?;
    check_finite("range", &[range])?;
    let vs = axis_vectors(info, class, axes)?;
    let d: Vec<f64> = z
        .iter()
        .zip(&info.class_means[class])
        .map(|(&a, &m)| (a - m) as f64)
        .collect();
    // Columns b_i = 2·r·s_i·u_i; keep the non-degenerate ones.
    let cols: Vec<(usize, Vec<f64>)> = vs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                i,
                v.iter()
                    .map(|&x| 2.0 * range as f64 * x as f64)
                    .collect::<Vec<f64>>(),
            )
        })
        .filter(|(_, b)| b.iter().map(|x| x * x).sum::<f64>() > 1e-20)
        .collect();
    let n = cols.len();
    // Normal equations G a = Bᵀ d, solved by Gaussian elimination with partial pivoting.
    let mut g = vec![vec![0f64; n + 1]; n];
    for i in 0..n {
        for j in 0..n {
            g[i][j] = dot(&cols[i].1, &cols[j].1);
        }
        g[i][n] = dot(&cols[i].1, &d);
    }
    let a = solve(g);
    let mut p = [0.5f32; 3];
    for ((i, _), ai) in cols.iter().zip(a) {
        p[*i] = (((ai + 1.0) / 2.0) as f32).clamp(0.0, 1.0);
    }
    Ok(p)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves an augmented `n × (n+1)` system; singular directions get 0.
fn solve(mut m: Vec<Vec<f64>>) -> Vec<f64> {
    let n = m.len();
    for c in 0..n {
        let piv = (c..n)
            .max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
            .unwrap();
        m.swap(c, piv);
        if m[c][c].abs() < 1e-12 {
            continue;
        }
        let pivot_row = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot_row[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if m[i][i].abs() < 1e-12 {
                0.0
            } else {
                m[i][n] / m[i][i]
            }
        })
        .collect()
}

/// A variation of `z`: `z + amount · ε ⊙ class_stds[class]`, `ε ~ N(0, 1)` from ChaCha8(seed).
pub fn vary(
    info: &LatentInfo,
    class: usize,
    z: &[f32],
    amount: f32,
    seed: u64,
) -> Result<Vec<f32>, NdmError> {
    check_class(info, class)?;
    check_z(info, z)?;
    check_finite("variation amount", &[amount])?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Ok(z.iter()
        .zip(&info.class_stds[class])
        .map(|(&zi, &s)| {
            let e: f32 = StandardNormal.sample(&mut rng);
            zi + amount * e * s
        })
        .collect())
}

/// Linear interpolation `(1 − t)·a + t·b` (t is not clamped, so it can extrapolate).
pub fn morph(a: &[f32], b: &[f32], t: f32) -> Result<Vec<f32>, NdmError> {
    if a.len() != b.len() {
        return Err(NdmError::BadLatentLength {
            got: b.len(),
            expected: a.len(),
        });
    }
    check_finite("morph source", a)?;
    check_finite("morph target", b)?;
    check_finite("morph position", &[t])?;
    Ok(a.iter().zip(b).map(|(&x, &y)| x + t * (y - x)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> LatentInfo {
        let dim = 6;
        let s = std::f32::consts::FRAC_1_SQRT_2;
        LatentInfo {
            dim,
            class_means: vec![vec![0.0; dim], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]],
            class_stds: vec![vec![1.0; dim], vec![0.5, 1.0, 1.5, 2.0, 2.5, 0.0]],
            pca_components: vec![
                vec![s, s, 0.0, 0.0, 0.0, 0.0],
                vec![s, -s, 0.0, 0.0, 0.0, 0.0],
                vec![0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            ],
            pca_stds: vec![3.0, 2.0, 1.0],
        }
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-5, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn centre_is_class_mean_and_edges_are_two_stds() {
        let i = info();
        close(
            &pad_to_z(&i, 1, &Axes::Pca, 0.5, 0.5, 0.5, 1.0).unwrap(),
            &i.class_means[1],
        );
        // x = 1, r = 1: mean + 2·3·u0.
        let z = pad_to_z(&i, 0, &Axes::Pca, 1.0, 0.5, 0.5, 1.0).unwrap();
        let s = std::f32::consts::FRAC_1_SQRT_2;
        close(&z, &[6.0 * s, 6.0 * s, 0.0, 0.0, 0.0, 0.0]);
        // y = 0, fine = 1, r = 0.5: mean − 0.5·2·2·u1 + 0.5·2·1·u2.
        let z = pad_to_z(&i, 0, &Axes::Pca, 0.5, 0.0, 1.0, 0.5).unwrap();
        close(&z, &[-2.0 * s, 2.0 * s, 0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn explicit_and_random_axes_use_class_stds() {
        let i = info();
        let ax = Axes::Explicit { dims: vec![2, 4] };
        let z = pad_to_z(&i, 1, &ax, 1.0, 0.0, 0.9, 1.0).unwrap();
        close(&z, &[1.0, 2.0, 3.0 + 2.0 * 1.5, 4.0, 5.0 - 2.0 * 2.5, 6.0]);
        assert!(pad_to_z(&i, 1, &Axes::Explicit { dims: vec![1] }, 0.5, 0.5, 0.5, 1.0).is_err());
        assert!(pad_to_z(
            &i,
            1,
            &Axes::Explicit { dims: vec![1, 6] },
            0.5,
            0.5,
            0.5,
            1.0
        )
        .is_err());

        let r = Axes::random(7, 6);
        let Axes::Random { dims, seed } = r.clone() else {
            panic!()
        };
        assert_eq!(seed, 7);
        assert!(dims.iter().all(|&d| d < 6));
        assert!(dims[0] != dims[1] && dims[1] != dims[2] && dims[0] != dims[2]);
        assert_eq!(r, Axes::random(7, 6));
        let z = pad_to_z(&i, 0, &r, 1.0, 0.5, 0.5, 1.0).unwrap();
        let mut want = vec![0.0; 6];
        want[dims[0]] = 2.0;
        close(&z, &want);
    }

    #[test]
    fn z_to_pad_inverts_pad_to_z() {
        let i = info();
        for axes in [
            Axes::Pca,
            Axes::random(3, 6),
            Axes::Explicit {
                dims: vec![0, 3, 1],
            },
        ] {
            for &(x, y, f) in &[(0.5, 0.5, 0.5), (0.1, 0.9, 0.3), (1.0, 0.0, 0.75)] {
                let z = pad_to_z(&i, 0, &axes, x, y, f, 0.8).unwrap();
                let p = z_to_pad(&i, 0, &axes, &z, 0.8).unwrap();
                close(&p, &[x, y, f]);
            }
        }
        // Outside the pad clamps; a vanished axis (class 1 std 0 at dim 5) reads 0.5.
        let z = pad_to_z(&i, 0, &Axes::Pca, 1.0, 0.5, 0.5, 2.0).unwrap();
        close(
            &z_to_pad(&i, 0, &Axes::Pca, &z, 1.0).unwrap(),
            &[1.0, 0.5, 0.5],
        );
        let ax = Axes::Explicit { dims: vec![5, 0] };
        let z = pad_to_z(&i, 1, &ax, 0.9, 0.2, 0.5, 1.0).unwrap();
        close(&z_to_pad(&i, 1, &ax, &z, 1.0).unwrap(), &[0.5, 0.2, 0.5]);
        assert!(matches!(
            z_to_pad(&i, 0, &Axes::Pca, &[0.0; 5], 1.0),
            Err(NdmError::BadLatentLength { .. })
        ));
        assert!(matches!(
            z_to_pad(&i, 2, &Axes::Pca, &[0.0; 6], 1.0),
            Err(NdmError::BadClass { .. })
        ));
    }

    #[test]
    fn vary_and_morph() {
        let i = info();
        let z = i.class_means[1].clone();
        let a = vary(&i, 1, &z, 0.5, 42).unwrap();
        assert_eq!(a, vary(&i, 1, &z, 0.5, 42).unwrap());
        assert_ne!(a, vary(&i, 1, &z, 0.5, 43).unwrap());
        assert_eq!(a[5], z[5]); // std 0 there
        close(&vary(&i, 1, &z, 0.0, 42).unwrap(), &z);
        let mut nan = z.clone();
        nan[2] = f32::NAN;
        assert!(matches!(
            vary(&i, 1, &nan, 0.5, 1),
            Err(NdmError::NonFinite { .. })
        ));

        let b = vec![0.0; 6];
        close(&morph(&z, &b, 0.0).unwrap(), &z);
        close(&morph(&z, &b, 1.0).unwrap(), &b);
        close(
            &morph(&z, &b, 0.5).unwrap(),
            &[0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
        );
        assert!(morph(&z, &b[..3], 0.5).is_err());
    }
}
