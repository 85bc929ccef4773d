//! ndm: a neural drum machine. ONNX models (CWAE decoder + MCNN vocoder) → drum one-shots.
//!
//! * [`bundle`]: the model bundle (`bundle.json` + ONNX files), see models/BUNDLE.md;
//! * [`features`]: STFT / Mel / log / standardisation, the twin of the Python features;
//! * [`engine`]: the ONNX Runtime [`Engine`], implementing [`Synth`];
//! * [`griffin_lim`], [`pghi`], [`resample`], [`audio_io`], [`latent`]: the DSP and navigation helpers;
//! * [`object`]: the host-agnostic object used by the Max and Pd adapters.

pub mod audio_io;
pub mod bundle;
pub mod engine;
pub mod error;
pub mod features;
mod flac_guard;
pub mod griffin_lim;
pub mod latent;
pub mod object;
pub mod pghi;
pub mod resample;
pub mod sparse_bands;
pub mod synth;

pub use audio_io::{read_audio, write_wav, write_wav_as, WavFormat};
pub use bundle::{default_bundle_dir, Bundle, BundleSpec, ModelKind};
pub use engine::{Engine, EngineOptions};
pub use error::NdmError;
pub use features::{mel_filterbank, FeatureConfig, FeatureExtractor};
pub use latent::Axes;
pub use resample::{resample, Resampler};
pub use synth::{Encoded, GenerateRequest, LatentInfo, ModelInfo, Sound, Synth, Vocoder};
