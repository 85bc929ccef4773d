//! Sample-rate conversion (rubato's synchronous FFT resampler), both directions.
//!
//! Output length is always `round(len · to / from)`: the input is fed in fixed chunks, the tail
//! zero-padded until the resampler has flushed, and its delay removed from the front.

use rubato::{FftFixedInOut, Resampler as _};

use crate::error::NdmError;

/// Nominal input chunk; rubato rounds it up to a multiple of `from / gcd(from, to)`.
const CHUNK: usize = 1024;

/// Input chunk for rubato: a multiple of `from / gcd` near `CHUNK`, and even. With an odd FFT
/// size rubato's reported delay (`fft_size_out / 2`) is off by a fraction of a sample (it
/// rounds `fft_size_in / 2` down), which would shift the output by about one sample.
fn chunk_size_in(from: u32, to: u32) -> usize {
    let (a, b) = (from as usize, to as usize);
    let mut g = (a, b);
    while g.1 != 0 {
        g = (g.1, g.0 % g.1);
    }
    let min_chunk = a / g.0;
    let mut chunks = CHUNK.div_ceil(min_chunk);
    if (chunks * min_chunk) % 2 == 1 {
        chunks += 1;
    }
    chunks * min_chunk
}

/// A reusable resampler for one pair of rates (keeps its FFT plans and buffers).
pub struct Resampler {
    from: u32,
    to: u32,
    inner: Option<FftFixedInOut<f32>>,
    in_buf: Vec<Vec<f32>>,
    out_buf: Vec<Vec<f32>>,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampler")
            .field("from", &self.from)
            .field("to", &self.to)
            .finish()
    }
}

/// Number of output samples for `len` input samples.
pub fn output_len(len: usize, from: u32, to: u32) -> usize {
    ((len as u128 * to as u128 * 2 + from as u128) / (2 * from as u128)) as usize
}

impl Resampler {
    pub fn new(from: u32, to: u32) -> Result<Self, NdmError> {
        if from == 0 || to == 0 {
            return Err(NdmError::Resample {
                from,
                to,
                reason: "sample rates must be positive".into(),
            });
        }
        let inner = if from == to {
            None
        } else {
            Some(
                FftFixedInOut::<f32>::new(from as usize, to as usize, chunk_size_in(from, to), 1)
                    .map_err(|e| NdmError::Resample {
                    from,
                    to,
                    reason: e.to_string(),
                })?,
            )
        };
        let (in_buf, out_buf) = match &inner {
            Some(r) => (
                vec![vec![0f32; r.input_frames_max()]],
                vec![vec![0f32; r.output_frames_max()]],
            ),
            None => (vec![Vec::new()], vec![Vec::new()]),
        };
        Ok(Resampler {
            from,
            to,
            inner,
            in_buf,
            out_buf,
        })
    }

    pub fn rates(&self) -> (u32, u32) {
        (self.from, self.to)
    }

    /// Resamples `samples`; output length `round(len · to / from)`.
    pub fn process(&mut self, samples: &[f32]) -> Result<Vec<f32>, NdmError> {
        let (from, to) = (self.from, self.to);
        let Some(r) = self.inner.as_mut() else {
            return Ok(samples.to_vec());
        };
        let want = output_len(samples.len(), from, to);
        if want == 0 {
            return Ok(Vec::new());
        }
        r.reset();
        let delay = r.output_delay();
        let mut out = Vec::with_capacity(want + delay + r.output_frames_max());
        let mut pos = 0;
        while out.len() < want + delay {
            let n_in = r.input_frames_next();
            let chunk = &mut self.in_buf[0];
            chunk.resize(n_in, 0.0);
            let avail = samples.len().saturating_sub(pos).min(n_in);
            chunk[..avail].copy_from_slice(&samples[pos..pos + avail]);
            chunk[avail..].fill(0.0);
            pos += avail;
            let n_out_max = r.output_frames_next();
            self.out_buf[0].resize(n_out_max, 0.0);
            let (_, n_out) = r
                .process_into_buffer(&self.in_buf, &mut self.out_buf, None)
                .map_err(|e| NdmError::Resample {
                    from,
                    to,
                    reason: e.to_string(),
                })?;
            out.extend_from_slice(&self.out_buf[0][..n_out]);
        }
        out.drain(..delay);
        out.truncate(want);
        Ok(out)
    }
}

/// One-shot resampling; identity when `from == to`.
pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>, NdmError> {
    if from == to {
        if from == 0 {
            return Err(NdmError::Resample {
                from,
                to,
                reason: "sample rates must be positive".into(),
            });
        }
        return Ok(samples.to_vec());
    }
    Resampler::new(from, to)?.process(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(f: f64, sr: u32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (std::f64::consts::TAU * f * i as f64 / sr as f64).sin() as f32 * 0.5)
            .collect()
    }

    /// Frequency estimate from zero crossings in the middle half.
    fn freq(x: &[f32], sr: u32) -> f64 {
        let a = x.len() / 4;
        let b = 3 * x.len() / 4;
        let mut first = None;
        let mut last = 0;
        let mut count = 0;
        for i in a..b {
            if x[i - 1] < 0.0 && x[i] >= 0.0 {
                if first.is_none() {
                    first = Some(i);
                } else {
                    count += 1;
                }
                last = i;
            }
        }
        count as f64 * sr as f64 / (last - first.unwrap()) as f64
    }

    #[test]
    fn lengths_and_frequency() {
        for &(from, to) in &[
            (22050, 44100),
            (22050, 48000),
            (22050, 88200),
            (22050, 96000),
            (44100, 22050),
            (48000, 22050),
            (96000, 22050),
        ] {
            for &n in &[0usize, 1, 7, 100, 1000, 22528] {
                let y = resample(&vec![0.1; n], from, to).unwrap();
                assert_eq!(y.len(), output_len(n, from, to), "{from}->{to}, n={n}");
            }
            let x = sine(440.0, from, from as usize / 2);
            let y = resample(&x, from, to).unwrap();
            let f = freq(&y, to);
            assert!((f - 440.0).abs() < 2.0, "{from}->{to}: {f} Hz");
            // Amplitude and alignment preserved: compare with the ideal sine at `to`.
            let ideal = sine(440.0, to, y.len());
            let mid = y.len() / 4..3 * y.len() / 4;
            let err = mid
                .clone()
                .map(|i| (y[i] - ideal[i]).abs())
                .fold(0f32, f32::max);
            assert!(err < 1e-3, "{from}->{to}: max err {err}");
        }
    }

    #[test]
    fn identity_and_reuse() {
        let x = sine(100.0, 22050, 500);
        assert_eq!(resample(&x, 22050, 22050).unwrap(), x);
        let mut r = Resampler::new(22050, 44100).unwrap();
        let a = r.process(&x).unwrap();
        let b = r.process(&x).unwrap();
        assert_eq!(a, b);
        assert!(resample(&x, 0, 44100).is_err());
        assert_eq!(output_len(3, 2, 3), 5); // 4.5 rounds up
    }
}
