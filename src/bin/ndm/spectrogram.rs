//! Log-Mel spectrogram of a sound as a PNG (time left to right, low frequencies at the bottom).

use std::path::Path;

use ndm::engine::Engine;
use ndm::synth::{Sound, Synth};
use ndm::NdmError;

/// A dark-to-bright ramp (black → purple → orange → pale yellow), like magma.
fn colour(v: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 4] = [
        [0.0, 0.0, 0.02],
        [0.45, 0.1, 0.5],
        [0.95, 0.45, 0.2],
        [0.99, 0.98, 0.75],
    ];
    let t = v.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f32;
    let mut out = [0u8; 3];
    for (c, o) in out.iter_mut().enumerate() {
        *o = ((STOPS[i][c] * (1.0 - f) + STOPS[i + 1][c] * f) * 255.0) as u8;
    }
    out
}

pub fn write_png(engine: &Engine, sound: &Sound, path: &Path) -> Result<(), NdmError> {
    let rate = engine.info().sample_rate;
    let at_model_rate = ndm::resample(&sound.samples, sound.sample_rate, rate)?;
    let fx = engine.features();
    let lm = fx.log_mel(&fx.prepare_audio(&at_model_rate));
    let (mels, frames) = lm.dim();
    let max = lm.iter().cloned().fold(f32::MIN, f32::max);
    let floor = max - 12.0; // about 100 dB of range in natural-log units
    let mut rgb = Vec::with_capacity(mels * frames * 3);
    for m in (0..mels).rev() {
        for t in 0..frames {
            rgb.extend_from_slice(&colour((lm[[m, t]] - floor) / (max - floor)));
        }
    }
    let err = |e: String| NdmError::AudioWrite {
        path: path.to_path_buf(),
        reason: e,
    };
    let file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), frames as u32, mels as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(|e| err(e.to_string()))?;
    w.write_image_data(&rgb).map_err(|e| err(e.to_string()))
}
